"""Adverse-event listings: serious events and events in the days after each injection.

Part of :mod:`msc_dash.safety`'s interface (``safety.serious_events`` and
``safety.post_injection_events`` reach these functions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .safety import TOTAL, adverse_events
from .trial import Trial

__all__ = ["serious_events", "post_injection_events"]


def _injection_days(trial: Trial) -> pd.DataFrame:
    inj = trial.injections[["subject_id", "injection_number", "day"]].copy()
    inj["subject_id"] = inj["subject_id"].astype(str)
    inj["injection_number"] = pd.to_numeric(inj["injection_number"], errors="coerce")
    inj["day"] = pd.to_numeric(inj["day"], errors="coerce")
    return inj.dropna().sort_values(["subject_id", "day"], kind="stable")


def _match_injections(trial: Trial, ae: pd.DataFrame) -> pd.DataFrame:
    """``ae`` with ``matched_injection`` and ``injection_day``.

    The event's own ``injection_number`` when given (its day from the
    injections table), else the subject's latest injection on or before onset.
    """
    ae = ae.copy()
    ae["matched_injection"] = np.nan
    ae["injection_day"] = np.nan
    inj = _injection_days(trial)
    by_subject = {sid: g for sid, g in inj.groupby("subject_id", sort=False)}
    for i, row in ae.iterrows():
        g = by_subject.get(row["subject_id"])
        number = row["injection_number"]
        if pd.notna(number):
            ae.at[i, "matched_injection"] = number
            if g is not None:
                hit = g.loc[g["injection_number"] == number, "day"]
                if len(hit):
                    ae.at[i, "injection_day"] = float(hit.iloc[0])
        elif g is not None and pd.notna(row["onset_day"]):
            before = g[g["day"] <= row["onset_day"]]
            if len(before):
                ae.at[i, "matched_injection"] = float(before["injection_number"].iloc[-1])
                ae.at[i, "injection_day"] = float(before["day"].iloc[-1])
    return ae


def serious_events(trial: Trial) -> pd.DataFrame:
    """Every serious adverse event, one row each, by onset day.

    Returns
    -------
    pandas.DataFrame
        Columns ``Subject, Arm, Term, Body system, Onset day, Severity,
        Relatedness, Injection`` (the injection the event followed: its own
        ``injection_number`` or the latest injection on or before onset).
        Empty when there is none.

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash.examples import events_trial
    >>> ae = pd.DataFrame({"subject_id": ["a", "b"], "term": ["Headache", "Meningitis"],
    ...                    "serious": [False, True], "onset_day": [3, 40],
    ...                    "severity": ["mild", "severe"]})
    >>> inj = pd.DataFrame({"subject_id": ["b", "b"], "injection_number": [1, 2],
    ...                     "day": [0, 30]})
    >>> serious_events(events_trial(2, ae, inj))[["Subject", "Term", "Onset day", "Injection"]]
      Subject        Term  Onset day  Injection
    0       b  Meningitis         40          2
    """
    cols = ["Subject", "Arm", "Term", "Body system", "Onset day", "Severity", "Relatedness",
            "Injection"]
    ae = adverse_events(trial)
    ae = ae[ae["serious"].eq(True)]
    if ae.empty:
        return pd.DataFrame(columns=cols)
    ae = _match_injections(trial, ae).sort_values(["onset_day", "subject_id"],
                                                  kind="stable", na_position="last")
    return pd.DataFrame({
        "Subject": ae["subject_id"].to_numpy(),
        "Arm": ae["arm"].to_numpy(),
        "Term": ae["term"].to_numpy(),
        "Body system": ae["body_system"].to_numpy(),
        "Onset day": pd.array(ae["onset_day"].to_numpy(), dtype="Int64"),
        "Severity": ae["severity"].to_numpy(),
        "Relatedness": ae["related"].to_numpy(),
        "Injection": pd.array(ae["matched_injection"].to_numpy(), dtype="Int64"),
    })


def post_injection_events(trial: Trial, window: int = 7) -> pd.DataFrame:
    """Adverse events starting within ``window`` days after each injection, per injection number.

    An event counts for injection *k* when it belongs to *k* (its own
    ``injection_number``, else the subject's latest injection on or before its
    onset) and ``0 <= onset_day - day of injection k <= window``. Events
    without an onset day are left out.

    Returns
    -------
    pandas.DataFrame
        Columns ``arm, injection_number, injections_given, events,
        subjects_with_event, pct_subjects`` (percent of the subjects given that
        injection), one row per arm and injection number; "Total" rows follow
        when there are several arms. Empty without injections.

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash.examples import events_trial
    >>> inj = pd.DataFrame({"subject_id": ["a", "a", "b"], "injection_number": [1, 2, 1],
    ...                     "day": [0, 90, 0]})
    >>> ae = pd.DataFrame({"subject_id": ["a", "a", "b"], "term": ["Headache"] * 3,
    ...                    "onset_day": [2, 60, 7]})
    >>> table = post_injection_events(events_trial(2, ae, inj), window=7)
    >>> table[["injection_number", "injections_given", "events", "subjects_with_event"]]
       injection_number  injections_given  events  subjects_with_event
    0                 1                 2       2                    2
    1                 2                 1       0                    0
    """
    cols = ["arm", "injection_number", "injections_given", "events", "subjects_with_event",
            "pct_subjects"]
    inj = _injection_days(trial)
    if inj.empty:
        return pd.DataFrame(columns=cols)
    arm_of = trial.subjects.set_index("subject_id")["arm"]
    inj["arm"] = inj["subject_id"].map(arm_of)
    ae = _match_injections(trial, adverse_events(trial))
    delta = ae["onset_day"] - ae["injection_day"]
    ae = ae[(delta >= 0) & (delta <= window)]
    arms = list(trial.arms)
    scopes = [(a, inj[inj["arm"] == a], ae[ae["arm"] == a]) for a in arms]
    if len(arms) > 1:
        scopes.append((TOTAL, inj, ae))
    numbers = sorted(inj["injection_number"].unique())
    rows = []
    for arm, i_frame, a_frame in scopes:
        for k in numbers:
            given = int((i_frame["injection_number"] == k).sum())
            hits = a_frame[a_frame["matched_injection"] == k]
            subj = int(hits["subject_id"].nunique())
            rows.append({"arm": arm, "injection_number": int(k), "injections_given": given,
                         "events": len(hits), "subjects_with_event": subj,
                         "pct_subjects": 100 * subj / given if given else np.nan})
    return pd.DataFrame(rows, columns=cols)
