"""Follow-up time and exposure-adjusted adverse-event rates with exact Poisson CIs.

Part of :mod:`msc_dash.safety`'s interface (``safety.follow_up``,
``safety.poisson_ci``, ``safety.exposure_rates`` reach these functions).
"""

from __future__ import annotations

import math

import pandas as pd

from .constants import DAYS_PER_YEAR
from .safety import TOTAL, adverse_events
from .safety_listings import _injection_days
from .trial import Trial

__all__ = ["follow_up", "poisson_ci", "exposure_rates"]


def follow_up(trial: Trial) -> pd.DataFrame:
    """Each subject's follow-up: last day seen and last visit.

    The last day is the latest of the subject's last measurement, last
    injection and last adverse-event onset (0 when nothing follows baseline).

    Returns
    -------
    pandas.DataFrame
        Columns ``subject_id, arm, last_day, last_measurement_day, last_visit,
        n_visits, patient_years``; one row per subject of ``trial.subjects``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"subject_id": ["a", "b"]})
    >>> m = pd.DataFrame({"subject_id": ["a", "a", "b"], "visit": ["BL", "M12", "BL"],
    ...                   "day": [0, 365, 0], "outcome": "SDMT", "value": [40.0, 42, 39]})
    >>> follow_up(Trial.from_tables(s, m))[["subject_id", "last_day", "last_visit"]]
      subject_id  last_day last_visit
    0          a     365.0        M12
    1          b       0.0         BL
    """
    s = trial.subjects[["subject_id", "arm"]].copy()
    m = trial.measurements
    last_m = m.groupby("subject_id")["day"].max() if len(m) else pd.Series(dtype=float)
    last_visit = (m.sort_values("day", kind="stable").groupby("subject_id")["visit"].last()
                  if len(m) else pd.Series(dtype=object))
    n_visits = m.groupby("subject_id")["visit"].nunique() if len(m) else pd.Series(dtype=int)
    inj = _injection_days(trial)
    last_i = inj.groupby("subject_id")["day"].max() if len(inj) else pd.Series(dtype=float)
    ae = trial.adverse_events
    onset = pd.to_numeric(ae["onset_day"], errors="coerce")
    last_a = (onset.groupby(ae["subject_id"].astype(str)).max() if len(ae)
              else pd.Series(dtype=float))
    ids = s["subject_id"]
    s["last_measurement_day"] = ids.map(last_m).astype(float)
    days = pd.concat([s["last_measurement_day"], ids.map(last_i).astype(float),
                      ids.map(last_a).astype(float)], axis=1)
    s["last_day"] = days.max(axis=1).fillna(0.0).clip(lower=0.0)
    s["last_visit"] = ids.map(last_visit)
    s["n_visits"] = ids.map(n_visits).fillna(0).astype(int)
    s["patient_years"] = s["last_day"] / DAYS_PER_YEAR
    return s[["subject_id", "arm", "last_day", "last_measurement_day", "last_visit",
              "n_visits", "patient_years"]].reset_index(drop=True)


def poisson_ci(k: int, exposure: float, ci: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) confidence interval of a Poisson rate ``k / exposure``.

    Lower bound ``chi2.ppf(a/2, 2k) / 2 / exposure`` (0 when ``k == 0``),
    upper bound ``chi2.ppf(1 - a/2, 2k + 2) / 2 / exposure``.

    Examples
    --------
    >>> [round(x, 4) for x in poisson_ci(0, 1.0)]
    [0.0, 3.6889]
    >>> [round(x, 4) for x in poisson_ci(3, 2.0)]
    [0.3094, 4.3837]
    """
    from scipy import stats  # imported on use: keeps `import msc_dash.figures` light

    if not exposure or exposure <= 0:
        return (math.nan, math.nan)
    a = 1 - ci
    low = stats.chi2.ppf(a / 2, 2 * k) / 2 if k > 0 else 0.0
    high = stats.chi2.ppf(1 - a / 2, 2 * k + 2) / 2
    return (float(low) / exposure, float(high) / exposure)


def exposure_rates(trial: Trial, *, ci: float = 0.95, per: float = 100.0) -> pd.DataFrame:
    """Adverse events per ``per`` patient-years of follow-up, per arm, with exact Poisson CI.

    Patient-years: each subject's :func:`follow_up` ``last_day`` / 365.25, summed.

    Returns
    -------
    pandas.DataFrame
        Columns ``arm, n_subjects, patient_years, events, serious_events, rate,
        ci_low, ci_high`` (``rate`` and its CI per ``per`` patient-years; NaN
        without follow-up); a "Total" row follows when there are several arms.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"subject_id": ["a", "b"]})
    >>> m = pd.DataFrame({"subject_id": ["a", "a", "b", "b"], "visit": ["BL", "M12"] * 2,
    ...                   "day": [0, 365.25, 0, 365.25], "outcome": "SDMT", "value": 40.0})
    >>> ae = pd.DataFrame({"subject_id": ["a", "a", "b"], "term": ["Headache"] * 3,
    ...                    "onset_day": [2, 30, 100]})
    >>> exposure_rates(Trial.from_tables(s, m, ae))[["arm", "patient_years", "events", "rate"]]
       arm  patient_years  events   rate
    0  All            2.0       3  150.0
    """
    fu = follow_up(trial)
    ae = adverse_events(trial)
    arms = list(trial.arms)
    scopes = [(a, fu[fu["arm"] == a], ae[ae["arm"] == a]) for a in arms]
    if len(arms) > 1:
        scopes.append((TOTAL, fu, ae))
    rows = []
    for arm, f, a in scopes:
        py = float(f["patient_years"].sum())
        k = len(a)
        low, high = poisson_ci(k, py, ci)
        rows.append({"arm": arm, "n_subjects": len(f), "patient_years": py, "events": k,
                     "serious_events": int(a["serious"].eq(True).sum()),
                     "rate": k / py * per if py > 0 else math.nan,
                     "ci_low": low * per, "ci_high": high * per})
    return pd.DataFrame(rows, columns=["arm", "n_subjects", "patient_years", "events",
                                       "serious_events", "rate", "ci_low", "ci_high"])
