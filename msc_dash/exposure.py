"""Exposure-adjusted adverse-event rates: event rate and incidence rate.

Two different questions, both per 100 patient-years:

- **Event rate** (EER): every event over the total exposure. Events of one
  subject are not independent (some subjects have many), so beside the exact
  Poisson (Garwood) interval, which assumes they are, a quasi-Poisson
  interval scales the variance by the Pearson dispersion of the subjects'
  counts (``glm(events ~ 1 + offset(log(years)), family = quasipoisson)``,
  Wald interval on the log scale).
- **Exposure-adjusted incidence rate** (EAIR): subjects with a first event
  over the time at risk, each subject's exposure censored at their first
  event; exact Poisson interval.

Exposure per subject, from the subjects table: ADaM ``TRTEDT - TRTSDT + 1``
days when both are present, else ``TRTDUR`` (days), else the last contact
(:func:`msc_dash.safety.follow_up`); each subject's source is named. Events
with an onset after the end of a subject's exposure are not counted.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .safety import DAYS_PER_YEAR, TOTAL, adverse_events, follow_up, poisson_ci
from .trial import Trial

__all__ = ["subject_exposure", "safety_rates", "quasi_poisson_ci", "RATE_COLUMNS"]

#: Columns of :func:`safety_rates`.
RATE_COLUMNS = (
    "arm", "n_subjects", "exposure_source", "patient_years", "events", "serious_events",
    "event_rate",
    "event_rate_ci_low", "event_rate_ci_high", "event_rate_qp_low", "event_rate_qp_high",
    "dispersion", "subjects_with_event", "patient_years_at_risk", "eair", "eair_ci_low",
    "eair_ci_high", "note",
)

SOURCES = {"dates": "ADSL TRTSDT to TRTEDT", "trtdur": "ADSL TRTDUR",
           "last_contact": "last contact (latest measurement, injection or event)"}


def _column(subjects: pd.DataFrame, name: str) -> pd.Series:
    cols = {str(c).upper(): c for c in subjects.columns}
    if name not in cols:
        return pd.Series(np.nan, index=subjects.index)
    col = subjects[cols[name]]
    if pd.api.types.is_datetime64_any_dtype(col):
        return (col - pd.Timestamp("1960-01-01")).dt.days.astype(float)
    return pd.to_numeric(col, errors="coerce").astype(float)


def subject_exposure(trial: Trial) -> pd.DataFrame:
    """Each subject's exposure in days and where it came from.

    Returns
    -------
    pandas.DataFrame
        Columns ``subject_id, arm, exposure_days, source`` (a key of
        ``SOURCES``: "dates", "trtdur" or "last_contact").

    Examples
    --------
    >>> s = pd.DataFrame({"subject_id": ["a", "b"], "TRTSDT": [100, 100],
    ...                   "TRTEDT": [464, None]})
    >>> m = pd.DataFrame({"subject_id": ["a", "b", "b"], "visit": ["BL", "BL", "M6"],
    ...                   "day": [0, 0, 180], "outcome": "SDMT", "value": 40.0})
    >>> subject_exposure(Trial.from_tables(s, m))[["subject_id", "exposure_days", "source"]]
      subject_id  exposure_days        source
    0          a          365.0         dates
    1          b          180.0  last_contact
    """
    s = trial.subjects
    dates = (_column(s, "TRTEDT") - _column(s, "TRTSDT") + 1).to_numpy()
    trtdur = _column(s, "TRTDUR").to_numpy()
    last = s["subject_id"].map(follow_up(trial).set_index("subject_id")["last_day"])
    days = np.where(np.isfinite(dates) & (dates > 0), dates,
                    np.where(np.isfinite(trtdur) & (trtdur > 0), trtdur,
                             last.to_numpy(dtype=float)))
    source = np.where(np.isfinite(dates) & (dates > 0), "dates",
                      np.where(np.isfinite(trtdur) & (trtdur > 0), "trtdur", "last_contact"))
    return pd.DataFrame({"subject_id": s["subject_id"].to_numpy(), "arm": s["arm"].to_numpy(),
                         "exposure_days": days.astype(float), "source": source})


def quasi_poisson_ci(counts, years, ci: float = 0.95) -> tuple[float, float, float]:
    """Wald CI of the rate ``sum(counts) / sum(years)`` with quasi-Poisson variance.

    The intercept-only Poisson GLM with offset log(years) has
    ``beta = log(sum y / sum t)``; the quasi-Poisson standard error is
    ``sqrt(phi / sum y)`` with the Pearson dispersion
    ``phi = sum((y - mu)^2 / mu) / (n - 1)``, ``mu = t sum y / sum t``
    (R: ``summary(glm(y ~ 1 + offset(log(t)), family = quasipoisson))``
    and ``confint.default``). Returns ``(low, high, phi)`` per unit of
    ``years``; NaN bounds without events or with fewer than 2 subjects.

    Examples
    --------
    Six events in one of three subjects followed a year each: mu = 2, phi =
    (4 + 4 + 16) / 2 / 2 = 6, SE of log rate sqrt(6 / 6) = 1.

    >>> low, high, phi = quasi_poisson_ci([0, 0, 6], [1.0, 1.0, 1.0])
    >>> round(phi, 2), round(low, 3), round(high, 3)
    (6.0, 0.282, 14.198)
    """
    from scipy import special

    y, t = np.asarray(counts, dtype=float), np.asarray(years, dtype=float)
    k, total = y.sum(), t.sum()
    if len(y) < 2 or k <= 0 or total <= 0:
        return math.nan, math.nan, math.nan
    mu = t * k / total
    phi = float(np.sum((y - mu) ** 2 / mu) / (len(y) - 1))
    half = special.ndtri(0.5 + ci / 2) * math.sqrt(phi / k)
    rate = k / total
    return float(rate * math.exp(-half)), float(rate * math.exp(half)), phi


def _first_onset(trial: Trial, exposure: pd.DataFrame) -> pd.DataFrame:
    """Per subject: events within exposure and the day at risk ends."""
    ae = adverse_events(trial)
    end = exposure.set_index("subject_id")["exposure_days"]
    ae = ae[ae["subject_id"].isin(end.index)]
    late = ae["onset_day"] > ae["subject_id"].map(end)
    kept = ae[~late]
    counts = kept.groupby("subject_id").size()
    first = kept.groupby("subject_id")["onset_day"].min()  # NaN when every onset is unknown
    out = exposure.set_index("subject_id")
    out["events"] = counts.reindex(out.index).fillna(0).astype(int)
    serious = kept[kept["serious"].eq(True)].groupby("subject_id").size()
    out["serious_events"] = serious.reindex(out.index).fillna(0).astype(int)
    out["has_event"] = out["events"] > 0
    at_risk = np.where(out["has_event"] & first.reindex(out.index).notna(),
                       np.minimum(first.reindex(out.index).clip(lower=0), out["exposure_days"]),
                       out["exposure_days"])
    out["days_at_risk"] = at_risk
    out.attrs["late"] = int(late.sum())
    out.attrs["unknown_first"] = int((out["has_event"] & first.reindex(out.index).isna()).sum())
    return out.reset_index()


def safety_rates(trial: Trial, *, ci: float = 0.95, per: float = 100.0) -> pd.DataFrame:
    """Event rate and exposure-adjusted incidence rate per ``per`` patient-years, per arm.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RATE_COLUMNS`, one row per arm and a "Total" row when
        there are several: ``exposure_source`` (how many subjects' exposure
        came from which source), ``events`` (``serious_events`` of them) and
        ``event_rate`` with the exact
        Poisson CI (``event_rate_ci_*``) and the quasi-Poisson CI
        (``event_rate_qp_*``, ``dispersion`` = Pearson phi; > 1: events
        cluster in some subjects), ``subjects_with_event`` over
        ``patient_years_at_risk`` (exposure censored at the first event) as
        ``eair`` with its exact Poisson CI, and ``note``.

    Examples
    --------
    >>> s = pd.DataFrame({"subject_id": ["a", "b"], "TRTDUR": [365.25, 365.25]})
    >>> m = pd.DataFrame({"subject_id": ["a", "b"], "visit": "BL", "day": 0,
    ...                   "outcome": "SDMT", "value": 40.0})
    >>> ae = pd.DataFrame({"subject_id": ["a", "a"], "term": "Headache",
    ...                    "onset_day": [91.3125, 200]})
    >>> r = safety_rates(Trial.from_tables(s, m, ae)).iloc[0]
    >>> [float(r[c]) for c in ("events", "event_rate", "subjects_with_event",
    ...                        "patient_years_at_risk", "eair")]
    [2.0, 100.0, 1.0, 1.25, 80.0]
    """
    exp = _first_onset(trial, subject_exposure(trial))
    arms = list(trial.arms)
    scopes = [(a, exp[exp["arm"] == a]) for a in arms]
    if len(arms) > 1:
        scopes.append((TOTAL, exp))
    rows = []
    for arm, e in scopes:
        e_pos = e[e["exposure_days"] > 0]
        years = e_pos["exposure_days"].to_numpy() / DAYS_PER_YEAR
        py = float(years.sum())
        k = int(e_pos["events"].sum())
        lo, hi = poisson_ci(k, py, ci)
        qlo, qhi, phi = quasi_poisson_ci(e_pos["events"], years, ci)
        n_ev = int(e_pos["has_event"].sum())
        risk = float(e_pos["days_at_risk"].sum() / DAYS_PER_YEAR)
        elo, ehi = poisson_ci(n_ev, risk, ci)
        counts = e["source"].value_counts()
        source = "; ".join(f"{SOURCES[key]}: {int(counts[key])}" for key in SOURCES
                           if key in counts)
        notes = []
        if len(e_pos) < len(e):
            notes.append(f"{len(e) - len(e_pos)} subject(s) without exposure left out")
        if math.isfinite(phi) and phi > 1.5:
            notes.append(f"overdispersed (phi = {phi:.1f}): events cluster in some subjects, "
                         "so read the quasi-Poisson CI")
        rows.append({
            "arm": arm, "n_subjects": len(e), "exposure_source": source, "patient_years": py,
            "events": k, "serious_events": int(e_pos["serious_events"].sum()),
            "event_rate": k / py * per if py > 0 else math.nan,
            "event_rate_ci_low": lo * per, "event_rate_ci_high": hi * per,
            "event_rate_qp_low": qlo * per, "event_rate_qp_high": qhi * per,
            "dispersion": phi, "subjects_with_event": n_ev, "patient_years_at_risk": risk,
            "eair": n_ev / risk * per if risk > 0 else math.nan,
            "eair_ci_low": elo * per, "eair_ci_high": ehi * per, "note": "; ".join(notes)})
    out = pd.DataFrame(rows, columns=list(RATE_COLUMNS))
    out.attrs["events_after_exposure"] = exp.attrs.get("late", 0)
    out.attrs["unknown_first_onset"] = exp.attrs.get("unknown_first", 0)
    return out
