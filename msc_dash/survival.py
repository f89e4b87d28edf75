"""Time to confirmed disability worsening (or improvement): Kaplan-Meier, log-rank, Cox.

Kaplan-Meier estimates come from statsmodels' ``SurvfuncRight`` with
log-transformed Greenwood intervals (R ``survfit``'s default ``conf.type =
"log"``), the log-rank test from ``survdiff`` and the hazard ratio from
``PHReg(ties="efron")`` (R ``coxph``'s default).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._lazy import stats
from .outcomes import EDSS_PLUS, EDSS_PLUS_COMPONENTS, REGISTRY
from .progression import EventRules, confirmed_events
from .trial import Trial

__all__ = ["TimeToEvent", "time_to_event", "kaplan_meier", "compare_arms_survival",
           "subject_table", "headline_text", "DAYS_PER_YEAR"]

DAYS_PER_YEAR = 365.25


def kaplan_meier(time, event, *, ci: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier table at every distinct time (events and censorings).

    Returns
    -------
    DataFrame
        ``day, survival, ci_low, ci_high, at_risk, events, censored``; the
        interval is log-transformed Greenwood (NaN where survival is 0).

    Examples
    --------
    >>> kaplan_meier([5, 8, 8, 10], [1, 1, 0, 0]).survival.round(3).tolist()
    [0.75, 0.5, 0.5]
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    time, event = np.asarray(time, float), np.asarray(event, int)
    days = np.unique(time)
    at_risk = np.array([(time >= d).sum() for d in days])
    events = np.array([((time == d) & (event == 1)).sum() for d in days])
    censored = np.array([((time == d) & (event == 0)).sum() for d in days])
    surv = np.ones(len(days))
    se = np.zeros(len(days))
    if events.sum():
        sf = SurvfuncRight(time, event)
        idx = np.searchsorted(sf.surv_times, days, side="right") - 1
        has = idx >= 0
        surv[has] = sf.surv_prob[idx[has]]
        se[has] = sf.surv_prob_se[idx[has]]
    z = stats.norm.ppf(0.5 + ci / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = np.where(surv > 0, z * se / surv, np.nan)
        low = np.where(surv > 0, surv * np.exp(-half), np.nan)
        high = np.where(surv > 0, np.minimum(1.0, surv * np.exp(half)), np.nan)
    return pd.DataFrame({"day": days, "survival": surv, "ci_low": low, "ci_high": high,
                         "at_risk": at_risk, "events": events, "censored": censored})


def _median(time, event) -> float:
    """Median time to event (R survfit's rule); NaN when not reached."""
    km = kaplan_meier(time, event)
    km = km[km["events"] > 0]
    below = km[km["survival"] <= 0.5 + 1e-12]
    if below.empty:
        return float("nan")
    first = below.iloc[0]
    if abs(first["survival"] - 0.5) < 1e-12 and len(below) > 1:
        return float((first["day"] + below.iloc[1]["day"]) / 2)  # flat at exactly 0.5
    return float(first["day"])


@dataclass(frozen=True)
class TimeToEvent:
    """Time-to-event analysis of confirmed events (see :func:`time_to_event`).

    Attributes
    ----------
    outcome : str
    rules : EventRules
    events : DataFrame
        :func:`~msc_dash.progression.confirmed_events`'s subject table.
    km : mapping of arm to DataFrame
        :func:`kaplan_meier` of each arm.
    median_time : mapping of arm to float
        NaN where fewer than half have an event.
    logrank_p : float or None
        Log-rank test across arms (None for one arm).
    hazard_ratio : mapping or None
        ``hr, ci_low, ci_high, p`` (Wald), treatment vs control; None for one
        arm or when an arm has no event (the estimate does not exist).
    proportions : DataFrame
        ``arm, years, day, proportion, ci_low, ci_high``: with an event by 1
        and 2 years (NaN beyond an arm's follow-up).
    """

    outcome: str
    rules: EventRules
    events: pd.DataFrame
    km: dict
    median_time: dict
    logrank_p: float | None
    hazard_ratio: dict | None
    proportions: pd.DataFrame
    treatment: str | None = None
    control: str | None = None
    ci: float = 0.95
    registry_rules: tuple = field(default=())
    relapses_used: bool = False

    @property
    def arms(self) -> list[str]:
        """Arms in the analysis."""
        return list(self.km)

    def survival_at(self, day: float, arm: str | None = None) -> float:
        """Kaplan-Meier probability of no event by ``day`` (NaN beyond follow-up)."""
        arm = self.arms[0] if arm is None else arm
        km = self.km[arm]
        if km.empty or day > km["day"].max():
            return float("nan")
        before = km[km["day"] <= day]
        return 1.0 if before.empty else float(before["survival"].iloc[-1])

    def summary(self) -> pd.DataFrame:
        """One row per arm: subjects, events, proportions by 1 and 2 years, median."""
        rows = []
        for arm in self.arms:
            e = self.events[(self.events["arm"] == arm) & self.events["time"].notna()]
            row = {"arm": arm, "subjects": len(e), "events": int(e["event"].sum()),
                   "median_days": self.median_time[arm]}
            for _, p in self.proportions[self.proportions["arm"] == arm].iterrows():
                y = int(p["years"])
                row |= {f"proportion_{y}y": p["proportion"], f"ci_low_{y}y": p["ci_low"],
                        f"ci_high_{y}y": p["ci_high"]}
            rows.append(row)
        out = pd.DataFrame(rows)
        out["logrank_p"] = np.nan if self.logrank_p is None else self.logrank_p
        hr = self.hazard_ratio or {}
        for k in ("hr", "ci_low", "ci_high", "p"):
            out[f"hazard_ratio_{k}" if k != "hr" else "hazard_ratio"] = hr.get(k, np.nan)
        return out

    @property
    def methods_text(self) -> str:
        """Every criterion in words, as msprog prints its settings."""
        return _methods(self)


def _methods(res: TimeToEvent) -> str:
    r = res.rules
    name = "EDSS-Plus (the first confirmed event on any of EDSS, T25FW and NHPT)" \
        if res.outcome == EDSS_PLUS else res.outcome
    kind = "disability worsening" if r.direction == "worsening" else "improvement"
    rules = "; ".join(f"{c}: {t}" for c, t in res.registry_rules)
    lo, hi = r.tolerance_days
    parts = [
        f"Confirmed {kind} on {name}: a change from the reference value that reaches the "
        f"meaningful change ({rules}), confirmed at the first valid visit "
        f"{r.confirm_days:g} days ({r.weeks} weeks) later, allowed {lo:g} days earlier to "
        f"{hi:g} days later"
        + (", the change holding at every visit in between." if r.check_intermediate
           else ", at that visit only."),
        "Reference: the first valid assessment (fixed baseline)." if r.baseline == "fixed"
        else "Reference: roving, moved to the confirmation visit after each confirmed "
             "worsening or improvement.",
        "Search resumes after the first confirmation visit; the first confirmed event of "
        "each subject is analysed.",
    ]
    if res.relapses_used:
        parts.append(
            f"Relapses: no baseline within {r.relapse_to_baseline:g} days and no "
            f"confirmation within {r.relapse_to_confirmation:g} days after a relapse"
            + (f", no onset within {r.relapse_to_event:g} days after one"
               if r.relapse_to_event else "")
            + f"; a worsening with onset within {r.relapse_associated:g} days after a relapse "
            f"is relapse-associated (RAW), one with no relapse from {r.pira_window[0]:g} days "
            f"before to {r.pira_window[1]:g} days after onset and confirmation is "
            "independent of relapse activity (PIRA).")
    else:
        parts.append("No relapse data: relapses were not taken into account.")
    level = f"{res.ci:.0%}"
    stats_text = (f"Time from day 0 to onset, censored at the last assessment. "
                  f"Kaplan-Meier estimates with {level} log-transformed Greenwood intervals")
    if len(res.arms) >= 2:
        stats_text += ("; log-rank test across arms; hazard ratio "
                       f"{res.treatment} vs {res.control} from a Cox model (Efron ties) "
                       f"with a {level} Wald interval")
    parts.append(stats_text + ". Rules after msprog (Montobbio et al., Mult Scler 2024).")
    return " ".join(parts)


def _cox(frame: pd.DataFrame, treatment: str, control: str, ci: float):
    from statsmodels.duration.hazard_regression import PHReg

    two = frame[frame["arm"].isin([treatment, control])]
    per_arm = two.groupby("arm")["event"].sum()
    if (per_arm.reindex([treatment, control]).fillna(0) == 0).any():
        return None
    x = (two["arm"] == treatment).to_numpy(float)[:, None]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = PHReg(two["time"].to_numpy(float), x, status=two["event"].to_numpy(int),
                    ties="efron").fit()
    b, se = float(fit.params[0]), float(fit.bse[0])
    if caught or not (np.isfinite(b) and np.isfinite(se)) or abs(b) > 20:
        return None  # monotone likelihood: every event in one arm's risk set alone
    z = stats.norm.ppf(0.5 + ci / 2)
    return dict({"hr": float(np.exp(b)), "ci_low": float(np.exp(b - z * se)),
                             "ci_high": float(np.exp(b + z * se)), "p": float(fit.pvalues[0]),
                             "coef": b, "se": se})


def compare_arms_survival(frame: pd.DataFrame, treatment: str, control: str, *,
                          ci: float = 0.95) -> tuple[float | None, dict | None]:
    """Log-rank p across the arms of ``frame`` and the Cox hazard ratio of two of them.

    ``frame`` has ``arm, time, event``. The log-rank p is None without events;
    the hazard ratio is None when either arm has no event.

    Examples
    --------
    >>> f = pd.DataFrame({"arm": list("aaabbb"), "time": [1, 3, 5, 2, 4, 6],
    ...                   "event": [1, 1, 0, 1, 0, 1]})
    >>> p, hr = compare_arms_survival(f, "b", "a")
    >>> round(p, 3), round(hr["hr"], 3)
    (0.485, 0.434)
    """
    from statsmodels.duration.survfunc import survdiff

    logrank = None
    if frame["event"].sum():
        _, p = survdiff(frame["time"].to_numpy(float), frame["event"].to_numpy(int),
                        frame["arm"].to_numpy())
        logrank = float(p)
    return logrank, _cox(frame, treatment, control, ci)


def _proportions(km: dict, ci: float) -> pd.DataFrame:
    rows = []
    for arm, table in km.items():
        for years in (1, 2):
            day = years * DAYS_PER_YEAR
            if table.empty or day > table["day"].max():
                p = lo = hi = np.nan
            else:
                before = table[table["day"] <= day]
                s = before.iloc[-1] if len(before) else None
                p = 0.0 if s is None else 1 - s["survival"]
                lo = 0.0 if s is None else 1 - s["ci_high"]
                hi = 0.0 if s is None else 1 - s["ci_low"]
            rows.append({"arm": arm, "years": years, "day": day, "proportion": p,
                         "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def time_to_event(trial: Trial, outcome: str, *, treatment: str | None = None,
                  control: str | None = None, ci: float = 0.95,
                  **event_options) -> TimeToEvent:
    """Kaplan-Meier per arm, log-rank test and Cox hazard ratio of confirmed events.

    Parameters
    ----------
    trial : Trial
    outcome : str
        As for :func:`~msc_dash.progression.confirmed_events` (``"EDSS_PLUS"`` too).
    treatment, control : str, optional
        Arms of the hazard ratio (default: :func:`msc_dash.arms.default_arms`).
    ci : float
        Confidence level of every interval.
    **event_options
        Passed to :func:`~msc_dash.progression.confirmed_events` (``direction``,
        ``confirm_days``, ``baseline``, ``relapses``, ...).

    Examples
    --------
    >>> import msc_dash
    >>> res = time_to_event(msc_dash.load_sample("two_arm"), "EDSS_PLUS")
    >>> res.treatment, res.control, int(res.events["event"].sum())
    ('MSC-NP', 'Saline', 8)
    >>> print(f"HR {res.hazard_ratio['hr']:.2f}, log-rank p {res.logrank_p:.3f}")
    HR 0.13, log-rank p 0.025
    """
    from .arms import default_arms

    events = confirmed_events(trial, outcome, **event_options)
    rules = EventRules(**{k: v for k, v in event_options.items()
                          if k in EventRules.__dataclass_fields__})
    use = events[events["time"].notna()]
    arms = [a for a in trial.arms if (use["arm"] == a).any()]
    km = {a: kaplan_meier(use.loc[use["arm"] == a, "time"], use.loc[use["arm"] == a, "event"],
                          ci=ci) for a in arms}
    median = {a: _median(use.loc[use["arm"] == a, "time"], use.loc[use["arm"] == a, "event"])
              for a in arms}
    logrank = hr = None
    if len(arms) >= 2:
        if treatment is None or control is None:
            treatment, control = default_arms(arms)
        logrank, hr = compare_arms_survival(use, treatment, control, ci=ci)
    codes = EDSS_PLUS_COMPONENTS if outcome == EDSS_PLUS else (outcome,)
    reg_rules = tuple((c, trial.outcome(c).rule_text) for c in codes if c in trial.outcomes)
    rel_used = "pira" in events.columns
    return TimeToEvent(outcome, rules, events, dict(km), dict(median),
                       logrank, hr, _proportions(km, ci), treatment, control, ci, reg_rules,
                       rel_used)


def subject_table(res: TimeToEvent) -> pd.DataFrame:
    """The subject table for display and export: one row per subject, plain column names.

    Examples
    --------
    >>> import msc_dash
    >>> res = time_to_event(msc_dash.load_sample("two_arm"), "EDSS_PLUS")
    >>> subject_table(res).loc[lambda d: d["Event"] == "yes", "Outcome"].value_counts().to_dict()
    {'T25FW': 6, 'EDSS': 1, 'NHPT': 1}
    """
    e = res.events
    out = pd.DataFrame({
        "Subject": e["subject_id"], "Arm": e["arm"], "Outcome": e["component"],
        "Baseline day": e["baseline_day"], "Baseline value": e["baseline_value"],
        "Event": np.where(e["has_event"], "yes", "no"),
        "Onset visit": e["onset_visit"], "Onset day": e["onset_day"],
        "Onset value": e["onset_value"], "Confirmed at": e["confirm_visit"],
        "Confirmation day": e["confirm_day"], "Confirmation value": e["confirm_value"],
        "Time (days)": e["time"],
    })
    if "pira" in e:
        out["Type"] = np.select([e["raw"], e["pira"], e["has_event"]],
                                ["RAW", "PIRA", "unclassified"], "")
    out["Note"] = e["note"]
    return out


def _relapse_split(res: TimeToEvent) -> str:
    if not res.relapses_used:
        return ""
    hit = res.events[res.events["has_event"]]
    pira, raw = int(hit["pira"].sum()), int(hit["raw"].sum())
    return (f" Of {len(hit)} confirmed worsening(s): {pira} PIRA, {raw} RAW, "
            f"{len(hit) - pira - raw} unclassified.")


def headline_text(res: TimeToEvent) -> str:
    """One sentence: events per arm and, for two arms, the hazard ratio and log-rank p.

    Examples
    --------
    >>> import msc_dash
    >>> print(headline_text(time_to_event(msc_dash.load_sample("two_arm"), "EDSS_PLUS")))
    12-week confirmed EDSS-Plus worsening: 1 of 27 on MSC-NP vs 7 of 27 on Saline; hazard ratio 0.13 (95% CI 0.016 to 1.1), log-rank p = 0.025.
    """
    from .tables import format_p, sig

    s = res.summary().set_index("arm")
    name = REGISTRY.name(res.outcome)
    head = f"{res.rules.weeks}-week confirmed {name} {res.rules.direction}"
    level = f"{res.ci:.0%}"
    if len(res.arms) < 2:
        arm = res.arms[0] if res.arms else None
        if arm is None:
            return f"{head}: no subject has an assessment."
        r = s.loc[arm]
        text = f"{head}: {r['events']:.0f} of {r['subjects']:.0f} subjects"
        if "proportion_1y" in r and np.isfinite(r["proportion_1y"]):
            def pct(x: float) -> str:
                return "0" if abs(x) < 1e-12 else sig(100 * x, 2, sign=False)

            text += (f"; by 1 year {pct(r['proportion_1y'])}% ({level} CI "
                     f"{pct(r['ci_low_1y'])} to {pct(r['ci_high_1y'])}%)")
        med = r["median_days"]
        text += ("; median time not reached" if not np.isfinite(med)
                 else f"; median time {med:.0f} days")
        return text + "." + _relapse_split(res)
    t, c = res.treatment, res.control
    text = (f"{head}: {s.loc[t, 'events']:.0f} of {s.loc[t, 'subjects']:.0f} on {t} vs "
            f"{s.loc[c, 'events']:.0f} of {s.loc[c, 'subjects']:.0f} on {c}")
    hr = res.hazard_ratio
    if hr is not None:
        text += (f"; hazard ratio {sig(hr['hr'], 2, sign=False)} ({level} CI "
                 f"{sig(hr['ci_low'], 2, sign=False)} to {sig(hr['ci_high'], 2, sign=False)})")
    else:
        text += "; hazard ratio not estimable (an arm has no event)"
    if res.logrank_p is not None:
        text += f", log-rank p = {format_p(res.logrank_p)}"
    return text + "." + _relapse_split(res)
