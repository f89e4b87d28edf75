"""Adverse-event summaries: headline counts, incidence tables, exposure-adjusted rates.

Pure pandas / scipy (no Streamlit): the Safety page, the report, the slides
and tests all call these functions. Every function accepts a trial without
adverse events (an empty table) and returns zero counts or an empty frame.

Conventions
-----------
- Severity is one of :data:`SEVERITIES`; a missing or unrecognised severity
  counts as ``"unknown"`` and :func:`safety_warnings` says how many.
- Relatedness is one of :data:`RELATEDNESS`, likewise with ``"unknown"``.
- ``serious`` is read as a yes/no flag (``True``/``False``, ``yes``/``no``,
  ``1``/``0``, ``Y``/``N``); anything else is unknown.
- Percentages are of the subjects in the arm (or in the trial for "Total").
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .constants import DAYS_PER_MONTH, DAYS_PER_YEAR
from .trial import Trial

__all__ = [
    "SEVERITIES",
    "RELATEDNESS",
    "DAYS_PER_MONTH",
    "DAYS_PER_YEAR",
    "adverse_events",
    "safety_headline",
    "headline_text",
    "safety_warnings",
    "incidence_counts",
    "incidence_table",
]

#: Severity grades in order (CTCAE-like); "unknown" collects missing values.
SEVERITIES = ("mild", "moderate", "severe", "life-threatening", "fatal", "unknown")
#: Relatedness to the study treatment, in order; "unknown" collects missing values.
RELATEDNESS = ("not related", "unlikely", "possible", "probable", "definite", "unknown")
TOTAL = "Total"

_SEVERITY_ALIASES = {
    "1": "mild", "grade 1": "mild", "life threatening": "life-threatening",
    "2": "moderate", "grade 2": "moderate", "3": "severe", "grade 3": "severe",
    "4": "life-threatening", "grade 4": "life-threatening", "5": "fatal",
    "grade 5": "fatal", "death": "fatal",
}
_RELATED_ALIASES = {
    "not related": "not related", "unrelated": "not related", "none": "not related",
    "no": "not related", "not": "not related", "unlikely related": "unlikely",
    "remote": "unlikely", "possibly": "possible", "possibly related": "possible", "probably": "probable",
    "probably related": "probable", "definitely": "definite",
    "definitely related": "definite", "certain": "definite",
}
_TRUE = {"true", "1", "1.0", "y", "yes"}
_FALSE = {"false", "0", "0.0", "n", "no"}

# display names of the grouping variables of incidence_table
_BY = {
    "term": ("body_system", "term"),
    "body_system": ("body_system",),
    "severity": ("severity",),
    "serious": ("serious_label",),
    "related": ("related",),
}
_LABELS = {"body_system": "Body system", "term": "Term", "severity": "Severity",
           "serious_label": "Serious", "related": "Relatedness"}
_CATEGORIES = {"severity": SEVERITIES, "related": RELATEDNESS,
               "serious_label": ("serious", "not serious", "unknown")}


# ---------------------------------------------------------------- normalising
def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip().lower()


def _severity(value) -> str:
    s = _text(value)
    s = _SEVERITY_ALIASES.get(s, s)
    return s if s in SEVERITIES else "unknown"


def _related(value) -> str:
    s = _text(value)
    s = _RELATED_ALIASES.get(s, s)
    return s if s in RELATEDNESS else "unknown"


def _serious(value):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    s = _text(value)
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    return None


def adverse_events(trial: Trial) -> pd.DataFrame:
    """The adverse events of ``trial`` in canonical form, with each subject's arm.

    Returns
    -------
    pandas.DataFrame
        Columns ``subject_id, arm, term, body_system, onset_day, severity,
        serious, serious_label, related, injection_number`` (plus any other
        columns of the table). ``severity`` and ``related`` are canonical
        lower-case categories with ``"unknown"`` for missing values;
        ``serious`` is True / False / None; ``serious_label`` is "serious",
        "not serious" or "unknown"; ``body_system`` is "Not coded" when missing;
        ``onset_day`` and ``injection_number`` are numeric (NaN when missing).

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash.examples import events_trial
    >>> ae = pd.DataFrame({"subject_id": ["a"], "term": ["Headache"], "severity": ["Grade 2"]})
    >>> adverse_events(events_trial(2, ae))[["term", "severity", "serious_label"]]
           term  severity serious_label
    0  Headache  moderate       unknown
    """
    # treatment-emergent events unless the trial asks for all (Trial.with_all_events)
    ae = (trial.adverse_events if trial.event_scope == "all" else trial.emergent_events).copy()
    arm = trial.subjects.set_index("subject_id")["arm"]
    ae["subject_id"] = ae["subject_id"].astype(str)
    ae["arm"] = ae["subject_id"].map(arm)
    ae["term"] = ae["term"].map(lambda v: str(v).strip() if _text(v) else "Not coded")
    ae["body_system"] = ae["body_system"].map(
        lambda v: str(v).strip() if _text(v) else "Not coded")
    ae["onset_day"] = pd.to_numeric(ae["onset_day"], errors="coerce").astype(float)
    ae["injection_number"] = pd.to_numeric(ae["injection_number"],
                                           errors="coerce").astype(float)
    ae["severity"] = ae["severity"].map(_severity).astype(object)
    ae["related"] = ae["related"].map(_related).astype(object)
    ae["serious"] = pd.Series([_serious(v) for v in ae["serious"]], index=ae.index,
                              dtype=object)
    ae["serious_label"] = ae["serious"].map(
        lambda v: "unknown" if v is None else ("serious" if v else "not serious")
    ).astype(object)
    first = ["subject_id", "arm", "term", "body_system", "onset_day", "severity", "serious",
             "serious_label", "related", "injection_number"]
    return ae[first + [c for c in ae.columns if c not in first]].reset_index(drop=True)


def event_scope(trial: Trial) -> dict:
    """How many adverse events are treatment-emergent, not, or unknown.

    Returns
    -------
    dict
        ``total``, ``emergent``, ``not_emergent``, ``unknown`` (no onset day
        and no flag), ``excluded`` (left out by
        :meth:`Trial.treatment_emergent_only`) and ``note``, a sentence saying
        what is counted by default and why the rest is not.

    Examples
    --------
    >>> from msc_dash.examples import events_trial, onset_events
    >>> scope = event_scope(events_trial(1, onset_events()))
    >>> scope["emergent"], scope["not_emergent"], scope["unknown"], scope["excluded"]
    (1, 1, 1, 2)
    >>> print(scope["note"])
    Counting the 1 treatment-emergent event (flagged so, e.g. ADaM TRTEMFL = Y, or onset on or after the subject's first injection or dose). Left out: 1 event not treatment-emergent (flagged so, or onset before the first injection or dose); 1 event without an onset day, so whether it is treatment-emergent is unknown.
    """
    te = trial.adverse_events.get("treatment_emergent", pd.Series(dtype="boolean"))
    te = te.astype("boolean")
    n, k_yes = len(te), int((te == True).sum())  # noqa: E712 - NA-aware comparison
    k_no, k_na = int((te == False).sum()), int(te.isna().sum())  # noqa: E712
    out = {"total": n, "emergent": k_yes, "not_emergent": k_no, "unknown": k_na}
    if n and k_na == n:
        out["excluded"] = 0
        out["note"] = (f"Treatment emergence is unknown for all {_plural(n, 'event')} (no "
                       "onset days and no flag), so every event is counted.")
        return out
    out["excluded"] = k_no + k_na
    left = []
    if k_no:
        left.append(f"{_plural(k_no, 'event')} not treatment-emergent (flagged so, or onset "
                    "before the first injection or dose)")
    if k_na:
        left.append(f"{_plural(k_na, 'event')} without an onset day, so whether "
                    f"{'it is' if k_na == 1 else 'they are'} treatment-emergent is unknown")
    out["note"] = (f"Counting the {_plural(k_yes, 'treatment-emergent event')} (flagged so, "
                   "e.g. ADaM TRTEMFL = Y, or onset on or after the subject's first injection "
                   "or dose)."
                   + (f" Left out: {'; '.join(left)}." if left else ""))
    return out


# ---------------------------------------------------------------- headline
def safety_headline(trial: Trial) -> dict:
    """Headline adverse-event counts.

    Returns
    -------
    dict
        ``n_subjects`` (in the trial), ``n_events``, ``n_subjects_with_event``,
        ``n_serious`` (events flagged serious; NaN when no event says whether
        it was serious) and ``n_subjects_serious`` (NaN likewise). A trial
        without adverse events has zero events and zero serious events.

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash.examples import events_trial
    >>> ae = pd.DataFrame({"subject_id": ["a", "a", "b"], "term": ["Headache"] * 3,
    ...                    "serious": [False, True, False]})
    >>> safety_headline(events_trial(3, ae))
    {'n_subjects': 3, 'n_events': 3, 'n_subjects_with_event': 2, 'n_serious': 1, 'n_subjects_serious': 1}
    """
    ae = adverse_events(trial)
    known = ae["serious"].notna()
    serious = ae[ae["serious"].eq(True)]
    unknown = len(ae) > 0 and not known.any()
    return {
        "n_subjects": trial.n_subjects,
        "n_events": len(ae),
        "n_subjects_with_event": int(ae["subject_id"].nunique()),
        "n_serious": math.nan if unknown else len(serious),
        "n_subjects_serious": math.nan if unknown else int(serious["subject_id"].nunique()),
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def headline_text(trial: Trial) -> str:
    """The serious-adverse-event headline in words, derived from the data.

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash.examples import events_trial
    >>> ae = pd.DataFrame({"subject_id": ["a", "b"], "term": ["Headache", "Stroke"],
    ...                    "serious": [False, True]})
    >>> headline_text(events_trial(3, ae))
    '1 serious adverse event (1 subject) in 3 subjects'
    >>> headline_text(events_trial(3, ae.assign(serious=False)))
    '0 serious adverse events in 3 subjects'
    """
    h = safety_headline(trial)
    n = h["n_subjects"]
    if not h["n_events"]:
        return f"No adverse events recorded in {_plural(n, 'subject')}"
    k = h["n_serious"]
    if isinstance(k, float) and math.isnan(k):
        return (f"{_plural(h['n_events'], 'adverse event')} in {_plural(n, 'subject')}; "
                "whether any was serious was not recorded")
    text = f"{k} serious adverse event{'' if k == 1 else 's'}"
    if k:
        text += f" ({_plural(h['n_subjects_serious'], 'subject')})"
    return f"{text} in {_plural(n, 'subject')}"


def safety_warnings(trial: Trial) -> list[str]:
    """Plain-language warnings about gaps in the adverse-event table (empty when none).

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash.examples import events_trial
    >>> ae = pd.DataFrame({"subject_id": ["a", "a"], "term": ["Headache", "Nausea"],
    ...                    "severity": ["mild", None], "serious": [False, False],
    ...                    "related": ["possible", "unlikely"], "onset_day": [1, 3]})
    >>> safety_warnings(events_trial(1, ae))
    ['1 of 2 adverse events have no recognised severity (mild, moderate, severe, life-threatening, fatal); they are counted as "unknown".']
    """
    raw = trial.adverse_events
    if raw.empty:
        return []
    ae = adverse_events(trial)
    n = len(ae)
    out = []
    checks = (
        ("severity", ae["severity"] == "unknown", "have no recognised severity",
         ", ".join(SEVERITIES[:-1])),
        ("serious", ae["serious"].isna(), "do not say whether they were serious",
         "yes/no"),
        ("related", ae["related"] == "unknown",
         "have no recognised relatedness to treatment", ", ".join(RELATEDNESS[:-1])),
    )
    for _col, bad, what, allowed in checks:
        k = int(bad.sum())
        if k:
            out.append(f'{k} of {n} adverse events {what} ({allowed}); they are counted '
                       'as "unknown".')
    k = int(ae["onset_day"].isna().sum())
    if k:
        out.append(f"{k} of {n} adverse events have no onset day; they are left out of "
                   "the timeline and the post-injection windows.")
    k = int(ae["arm"].isna().sum())
    if k:
        out.append(f"{k} adverse events belong to subjects missing from the subjects "
                   "table; they count in the totals only.")
    return out


# ---------------------------------------------------------------- incidence
def _arm_sizes(trial: Trial) -> dict[str, int]:
    sizes = trial.subjects.groupby("arm", sort=False).size()
    return {arm: int(sizes.get(arm, 0)) for arm in trial.arms}


def incidence_counts(trial: Trial, by: str | None = None) -> pd.DataFrame:
    """Subjects with at least one event and number of events, per arm and category.

    Parameters
    ----------
    trial : Trial
    by : {None, "term", "body_system", "severity", "serious", "related"}
        ``None`` or ``"term"``: per body system and term. ``"severity"``,
        ``"serious"``, ``"related"``: per category, every category listed
        (zeros included; "unknown" only when present). Empty without events.

    Returns
    -------
    pandas.DataFrame
        Long format: the grouping columns, ``arm`` (each arm, plus "Total"
        when there are several), ``n_arm`` (subjects in the arm),
        ``n_subjects`` (with >= 1 such event), ``pct`` (of ``n_arm``) and
        ``n_events``. Grouped by term: sorted by subjects then events over
        all arms (most frequent first); by category: in category order.

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash.examples import events_trial
    >>> ae = pd.DataFrame({"subject_id": ["a", "a", "b"], "term": ["Headache", "Headache", "Rash"]})
    >>> incidence_counts(events_trial(4, ae))[["term", "n_subjects", "pct", "n_events"]]
           term  n_subjects   pct  n_events
    0  Headache           1  25.0         2
    1      Rash           1  25.0         1
    """
    by = by or "term"
    if by not in _BY:
        raise ValueError(f"by must be one of {sorted(_BY)} or None, not {by!r}")
    keys = list(_BY[by])
    cols = [*keys, "arm", "n_arm", "n_subjects", "pct", "n_events"]
    ae = adverse_events(trial)
    if ae.empty:
        return pd.DataFrame(columns=cols)
    sizes = _arm_sizes(trial)
    groups = [(arm, ae[ae["arm"] == arm], n) for arm, n in sizes.items()]
    if len(sizes) > 1:
        groups.append((TOTAL, ae, trial.n_subjects))
    cat = _CATEGORIES.get(keys[0])
    if cat is not None:
        present = set(ae[keys[0]])
        levels = [c for c in cat if c != "unknown" or "unknown" in present]
        index = pd.Index(levels, name=keys[0])
    else:
        index = pd.MultiIndex.from_frame(ae[keys].drop_duplicates())
    parts = []
    for arm, frame, n in groups:
        grouped = frame.groupby(keys if len(keys) > 1 else keys[0], sort=False)["subject_id"]
        subjects, events = grouped.nunique(), grouped.size()
        part = pd.DataFrame({
            "n_subjects": subjects.reindex(index).fillna(0).astype(int).to_numpy(),
            "n_events": events.reindex(index).fillna(0).astype(int).to_numpy(),
        }, index=index).reset_index()
        part.insert(len(keys), "arm", arm)
        part.insert(len(keys) + 1, "n_arm", n)
        part.insert(len(keys) + 3, "pct", 100 * part["n_subjects"] / n if n else np.nan)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
    if cat is None and len(out):
        overall = out[out["arm"] == (TOTAL if len(sizes) > 1 else next(iter(sizes)))]
        rank = overall.sort_values(["n_subjects", "n_events", *keys],
                                   ascending=[False, False] + [True] * len(keys),
                                   kind="stable")
        order = {tuple(r): i for i, r in enumerate(rank[keys].itertuples(index=False))}
        out["_rank"] = [order[tuple(r)] for r in out[keys].itertuples(index=False)]
        arm_order = {a: i for i, (a, _, _) in enumerate(groups)}
        out["_arm"] = out["arm"].map(arm_order)
        out = out.sort_values(["_rank", "_arm"], kind="stable").drop(columns=["_rank", "_arm"])
    return out.reset_index(drop=True)


def _n_pct(k: int, n: int) -> str:
    return f"{k} ({100 * k / n:.0f}%)" if n else str(k)


def incidence_table(trial: Trial, by: str | None = None) -> pd.DataFrame:
    """Display-ready incidence table: subjects with >= 1 event "n (%)" and events, per arm.

    Parameters
    ----------
    trial : Trial
    by : {None, "term", "body_system", "severity", "serious", "related"}
        See :func:`incidence_counts`.

    Returns
    -------
    pandas.DataFrame
        The grouping columns with display names ("Body system", "Term",
        "Severity", "Serious", "Relatedness"); then, for a single arm,
        ``Subjects`` ("n (%)") and ``Events``; for several arms, a pair
        ``"<arm>: Subjects"``, ``"<arm>: Events"`` per arm and for the total.
        Grouped by term it also has ``Serious`` and ``Related`` (events flagged
        serious; events possibly, probably or definitely related), over all arms.
        Empty (with these columns) when there are no events.

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash.examples import events_trial
    >>> ae = pd.DataFrame({"subject_id": ["a", "a"], "term": ["Headache"] * 2,
    ...                    "severity": ["mild", "moderate"]})
    >>> incidence_table(events_trial(2, ae))[["Term", "Events", "Subjects"]]
           Term  Events Subjects
    0  Headache       2  1 (50%)
    >>> incidence_table(events_trial(2, ae), by="severity")
               Severity Subjects  Events
    0              mild  1 (50%)       1
    1          moderate  1 (50%)       1
    2            severe   0 (0%)       0
    3  life-threatening   0 (0%)       0
    4             fatal   0 (0%)       0
    """
    by = by or "term"
    counts = incidence_counts(trial, by)
    keys = list(_BY[by])
    arms = list(dict.fromkeys(counts["arm"])) if len(counts) else list(_arm_sizes(trial))
    if len(arms) > 1 and TOTAL not in arms:
        arms.append(TOTAL)
    single = len(arms) == 1
    names = [_LABELS[k] for k in keys]
    if by == "term":
        value_cols = ["Events", "Subjects"] if single else [
            f"{a}: {w}" for a in arms for w in ("Subjects", "Events")]
        value_cols += ["Serious", "Related"]
    else:
        value_cols = ["Subjects", "Events"] if single else [
            f"{a}: {w}" for a in arms for w in ("Subjects", "Events")]
    if counts.empty:
        return pd.DataFrame(columns=names + value_cols)
    table = counts[keys].drop_duplicates().reset_index(drop=True)
    for arm in arms:
        part = counts[counts["arm"] == arm].reset_index(drop=True)
        prefix = "" if single else f"{arm}: "
        table[f"{prefix}Subjects"] = [_n_pct(k, n) for k, n in
                                      zip(part["n_subjects"], part["n_arm"], strict=True)]
        table[f"{prefix}Events"] = part["n_events"].to_numpy()
    if by == "term":
        ae = adverse_events(trial)
        g = ae.groupby(keys, sort=False)
        serious = g["serious"].agg(lambda s: int(s.eq(True).sum()))
        related = g["related"].agg(lambda s: int(s.isin(["possible", "probable",
                                                          "definite"]).sum()))
        idx = pd.MultiIndex.from_frame(table[keys])
        table["Serious"] = serious.reindex(idx).fillna(0).astype(int).to_numpy()
        table["Related"] = related.reindex(idx).fillna(0).astype(int).to_numpy()
    table = table.rename(columns=_LABELS)
    return table[names + value_cols]


_ELSEWHERE = {"serious_events": "safety_listings", "post_injection_events": "safety_listings",
              "follow_up": "safety_exposure", "poisson_ci": "safety_exposure",
              "exposure_rates": "safety_exposure"}


def __getattr__(name: str):
    # the listings and exposure functions live in modules of their own, which import
    # this one; they are part of msc_dash.safety's interface
    if name in _ELSEWHERE:
        import importlib

        return getattr(importlib.import_module(f".{_ELSEWHERE[name]}", __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
