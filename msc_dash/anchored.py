"""Outcomes anchored to the injections: time since the last one, injection number, durability.

The seed questions of a repeated-injection trial: does the benefit build with
each injection, how long does it last after one, and does it depend on the dose?
Change is from each subject's baseline value (the log ratio ``log(value /
baseline)`` for log-scale outcomes of the registry); a visit on an injection day
counts as before that injection (pre-dose).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._lazy import stats
from .lmm import fit_random_intercept
from .trial import Trial

__all__ = ["anchored_changes", "since_injection_curve", "injection_number_effect",
           "durability", "dose_response", "subject_injection_table"]


def anchored_changes(trial: Trial, outcome: str) -> pd.DataFrame:
    """Every follow-up value after a first injection, with its injection anchor.

    Returns
    -------
    DataFrame
        ``subject_id, arm, visit, day, value, baseline, change,
        injection_number`` (the most
        recent injection before the visit), ``days_since`` (days since it),
        ``dose`` (its dose, million cells) and ``cumulative_dose``.

    Examples
    --------
    >>> from msc_dash.io import load_sample
    >>> a = anchored_changes(load_sample(), "EDSS")
    >>> sorted(a["injection_number"].unique().tolist()), bool((a["days_since"] > 0).all())
    ([1, 2, 3], True)
    """
    cols = ["subject_id", "arm", "visit", "day", "value", "baseline", "change",
            "injection_number", "days_since", "dose", "cumulative_dose"]
    log = trial.outcome(outcome).scale == "log"
    m = trial.long()
    m = m[(m["outcome"] == outcome)].dropna(subset=["value", "day"])
    bl = trial.baseline_visit
    if bl is None or trial.injections.empty or m.empty:
        return pd.DataFrame(columns=cols)
    base = m[m["visit"] == bl].groupby("subject_id")["value"].first()
    m = m[m["subject_id"].isin(base.index) & (m["visit"] != bl)].copy()
    m["baseline"] = b = m["subject_id"].map(base)
    with np.errstate(divide="ignore", invalid="ignore"):
        m["change"] = np.log(m["value"] / b) if log else m["value"] - b
    m = m[np.isfinite(m["change"])]
    inj = trial.injections[["subject_id", "injection_number", "day"]].copy()
    inj["dose"] = pd.to_numeric(trial.injections["dose_million_cells"], errors="coerce")
    inj = inj.sort_values(["subject_id", "day"], kind="stable")
    inj["cumulative_dose"] = inj.groupby("subject_id")["dose"].cumsum()
    inj = inj.rename(columns={"day": "injection_day"})
    m = m.sort_values("day", kind="stable")
    inj = inj.sort_values("injection_day", kind="stable")
    m["day"] = m["day"].astype(float)
    inj["injection_day"] = inj["injection_day"].astype(float)
    out = pd.merge_asof(m, inj, left_on="day", right_on="injection_day", by="subject_id",
                        allow_exact_matches=False, direction="backward")
    out = out.dropna(subset=["injection_day"])
    out["days_since"] = out["day"] - out["injection_day"]
    out["injection_number"] = out["injection_number"].astype(int)
    return out[cols].sort_values(["subject_id", "day"]).reset_index(drop=True)


def since_injection_curve(frame: pd.DataFrame, *, bin_days: float = 30,
                          ci: float = 0.95, min_n: int = 5) -> pd.DataFrame:
    """Mean change (t CI) by time since the most recent injection, in bins of ``bin_days``.

    Bins with fewer than ``min_n`` values are left out.

    Examples
    --------
    >>> f = pd.DataFrame({"days_since": [5, 20, 40, 50], "change": [1.0, 3.0, 2.0, 2.0]})
    >>> since_injection_curve(f, min_n=2)[["mid", "mean", "n"]].to_numpy().tolist()
    [[15.0, 2.0, 2.0], [45.0, 2.0, 2.0]]
    """
    if frame.empty:
        return pd.DataFrame(columns=["mid", "mean", "ci_low", "ci_high", "n"])
    bins = np.floor(frame["days_since"] / bin_days).astype(int)
    g = frame.groupby(bins)["change"].agg(["mean", "std", "size"])
    g = g[g["size"] >= max(min_n, 2)]
    half = stats.t.ppf(0.5 + ci / 2, g["size"] - 1) * g["std"] / np.sqrt(g["size"])
    return pd.DataFrame({"mid": (g.index + 0.5) * bin_days, "mean": g["mean"],
                         "ci_low": g["mean"] - half, "ci_high": g["mean"] + half,
                         "n": g["size"].astype(float)}).reset_index(drop=True)


def injection_number_effect(frame: pd.DataFrame, *, ci: float = 0.95) -> dict | None:
    """Change after each injection number, and its trend: does the effect build up?

    The response to injection k is the subject's last value before injection
    k + 1 (or the last value of the study after the last injection). The trend
    is the slope of ``change ~ injection_number + (1 | subject)`` (REML,
    Satterthwaite df; :mod:`msc_dash.lmm`).

    Returns
    -------
    dict or None
        ``table`` (``injection_number, mean, ci_low, ci_high, n``) and ``slope,
        se, df, p, ci_low, ci_high, n_subjects``; None with fewer than two
        injection numbers or too few values.
    """
    if frame.empty:
        return None
    last = frame.sort_values("day").groupby(["subject_id", "injection_number"]).last()
    last = last.reset_index()
    if last["injection_number"].nunique() < 2 or len(last) < 4:
        return None
    g = last.groupby("injection_number")["change"].agg(["mean", "std", "size"])
    half = stats.t.ppf(0.5 + ci / 2, np.maximum(g["size"] - 1, 1)) * g["std"] / np.sqrt(
        g["size"])
    table = pd.DataFrame({"injection_number": g.index, "mean": g["mean"].to_numpy(),
                          "ci_low": (g["mean"] - half).to_numpy(),
                          "ci_high": (g["mean"] + half).to_numpy(),
                          "n": g["size"].to_numpy()})
    X = np.column_stack([np.ones(len(last)), last["injection_number"].to_numpy(float)])
    try:
        fit = fit_random_intercept(X, last["change"].to_numpy(float), last["subject_id"])
    except ValueError:
        return None
    t = fit.t_test([0, 1])
    q = stats.t.ppf(0.5 + ci / 2, t["df"])
    return {"table": table, "slope": t["estimate"], "se": t["se"], "df": t["df"],
            "p": t["p"], "ci_low": t["estimate"] - q * t["se"],
            "ci_high": t["estimate"] + q * t["se"], "n_subjects": int(last["subject_id"].nunique())}


def durability(trial: Trial, outcome: str, *, ci: float = 0.95) -> pd.DataFrame | None:
    """How long a meaningful improvement lasts: Kaplan-Meier from the first follow-up.

    Responders are subjects whose first follow-up value after an injection is a
    meaningful improvement by the registry's rule; the event is the first later
    value that is not (censored at the last value otherwise); time is days from
    that first follow-up.

    Returns
    -------
    DataFrame or None
        ``time, survival, ci_low, ci_high, at_risk`` (step function from time 0),
        ``attrs["n_responders"]`` and ``attrs["median"]``; None without a rule or
        with fewer than three responders.
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    out = trial.outcome(outcome)
    if out.meaningful_change is None:
        return None
    a = anchored_changes(trial, outcome)
    if a.empty:
        return None
    a["status"] = out.classify(a["baseline"], a["value"])
    times, events = [], []
    for _sid, g in a.sort_values("day").groupby("subject_id"):
        if g["status"].iloc[0] != 1:
            continue
        later = g.iloc[1:]
        lost = later[later["status"] != 1]
        t0 = g["day"].iloc[0]
        if len(lost):
            times.append(lost["day"].iloc[0] - t0)
            events.append(1)
        else:
            times.append(g["day"].iloc[-1] - t0)
            events.append(0)
    if len(times) < 3:
        return None
    sf = SurvfuncRight(np.asarray(times, float), np.asarray(events, int))
    lo, hi = _pointwise(sf, ci)
    res = pd.DataFrame({"time": np.r_[0.0, sf.surv_times], "survival": np.r_[1.0, sf.surv_prob],
                        "ci_low": np.r_[1.0, lo], "ci_high": np.r_[1.0, hi],
                        "at_risk": np.r_[len(times), sf.n_risk]})
    res.attrs["n_responders"] = len(times)
    below = res[res["survival"] <= 0.5]
    res.attrs["median"] = float(below["time"].iloc[0]) if len(below) else np.nan
    return res


def _pointwise(sf, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise CI of the KM curve on the log(-log) scale (R survfit's "log-log")."""
    s, se = sf.surv_prob, sf.surv_prob_se
    z = stats.norm.ppf(0.5 + ci / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = np.log(-np.log(s))
        w = z * se / (s * np.abs(np.log(s)))
        lo, hi = np.exp(-np.exp(theta + w)), np.exp(-np.exp(theta - w))
    ok = (s > 0) & (s < 1)
    return np.where(ok, lo, s), np.where(ok, hi, s)


def dose_response(trial: Trial, outcome: str) -> dict | None:
    """Change at each subject's last value against the cumulative dose received before it.

    Returns None when the dose does not differ between subjects (or is not
    recorded). Otherwise ``frame`` (``subject_id, arm, cumulative_dose,
    change``), the least-squares ``slope`` per 100 million cells with ``ci_low,
    ci_high, p``, and Spearman's ``rho`` with its ``rho_p``.
    """
    a = anchored_changes(trial, outcome).dropna(subset=["cumulative_dose"])
    a = a[a["cumulative_dose"] > 0]  # placebo or sham injections carry no cells
    if a.empty:
        return None
    last = a.sort_values("day").groupby("subject_id").last().reset_index()
    dose = last["cumulative_dose"]
    if len(last) < 4 or dose.nunique() < 3 or dose.std() / max(dose.mean(), 1e-9) < 0.05:
        return None
    x = dose.to_numpy(float) / 100
    fit = stats.linregress(x, last["change"].to_numpy(float))
    q = stats.t.ppf(0.975, len(x) - 2)
    rho = stats.spearmanr(x, last["change"])
    return {"frame": last[["subject_id", "arm", "cumulative_dose", "change"]],
            "slope": fit.slope, "intercept": fit.intercept, "ci_low": fit.slope - q * fit.stderr,
            "ci_high": fit.slope + q * fit.stderr, "p": fit.pvalue,
            "rho": float(rho.statistic), "rho_p": float(rho.pvalue), "n": len(x)}


def subject_injection_table(trial: Trial, subject_id: str) -> pd.DataFrame:
    """One subject's change after each injection, one row per outcome.

    The response to injection k is the last value before injection k + 1 (log
    ratio for log-scale outcomes, as in :func:`anchored_changes`).

    Examples
    --------
    >>> from msc_dash.io import load_sample
    >>> t = subject_injection_table(load_sample(), "P01")
    >>> t.columns.tolist()[:3]
    ['outcome', 'After injection 1', 'After injection 2']
    """
    rows = []
    for code in trial.outcomes:
        a = anchored_changes(trial, code)
        a = a[a["subject_id"] == subject_id]
        if a.empty:
            continue
        last = a.sort_values("day").groupby("injection_number")["change"].last()
        rows.append({"outcome": code, **{f"After injection {k}": v for k, v in last.items()}})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    order = sorted((c for c in out.columns if c != "outcome"), key=lambda c: int(c.split()[-1]))
    return out[["outcome", *order]]
