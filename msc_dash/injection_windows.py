"""Do adverse events cluster after injections? Rates in post-injection windows vs the rest.

Each subject is followed from day 0 to the last day seen (:func:`msc_dash.safety.follow_up`).
The window of an injection on day ``d`` covers days ``d .. d + window`` (the
injection day and the ``window`` days after it: the events
:func:`msc_dash.safety.post_injection_events` counts), clipped to the
follow-up; the rest of follow-up is every other day. An event whose onset falls
in several windows belongs to the latest injection before it. The rate ratio
(window vs rest) has the exact conditional CI and p of R's ``poisson.test``
(given the total, the window's events are binomial).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._lazy import stats
from .safety import follow_up
from .trial import Trial

__all__ = ["rate_ratio_exact", "window_rates"]

DAYS_PER_YEAR = 365.25


def rate_ratio_exact(x1: int, t1: float, x2: int, t2: float, ci: float = 0.95) -> dict:
    """Ratio of Poisson rates ``(x1/t1) / (x2/t2)`` with exact CI and p (R's poisson.test).

    Examples
    --------
    >>> r = rate_ratio_exact(12, 2.0, 20, 10.0)
    >>> round(r["rate_ratio"], 3), round(r["ci_low"], 3), round(r["ci_high"], 3)
    (3.0, 1.337, 6.444)
    """
    n = x1 + x2
    nan = {"rate_ratio": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p": np.nan}
    if n == 0 or t1 <= 0 or t2 <= 0:
        return nan
    a = 1 - ci
    lo = stats.beta.ppf(a / 2, x1, n - x1 + 1) if x1 > 0 else 0.0
    hi = stats.beta.ppf(1 - a / 2, x1 + 1, n - x1) if x1 < n else 1.0
    odds = lambda p: p / (1 - p) * t2 / t1 if p < 1 else np.inf  # noqa: E731
    p = stats.binomtest(x1, n, t1 / (t1 + t2)).pvalue
    rr = (x1 / t1) / (x2 / t2) if x2 > 0 else np.inf
    return {"rate_ratio": float(rr), "ci_low": float(odds(lo)), "ci_high": float(odds(hi)),
            "p": float(p)}


def _windows(trial: Trial, window: int) -> pd.DataFrame:
    """Injections with their window ``[start, stop)`` in days, clipped to follow-up."""
    inj = trial.injections[["subject_id", "injection_number", "day", "route"]].copy()
    inj["day"] = pd.to_numeric(inj["day"], errors="coerce")
    inj = inj.dropna(subset=["day"]).sort_values(["subject_id", "day"], kind="stable")
    last = follow_up(trial).set_index("subject_id")["last_day"]
    inj["end_fu"] = inj["subject_id"].map(last) + 1
    nxt = inj.groupby("subject_id")["day"].shift(-1)
    inj["start"] = inj["day"].clip(lower=0)
    # a window ends where the next injection's starts (that day belongs to the later one)
    inj["stop"] = np.minimum(np.minimum(inj["day"] + window + 1, inj["end_fu"]),
                             nxt.fillna(np.inf))
    inj["days"] = (inj["stop"] - inj["start"]).clip(lower=0)
    return inj


def window_rates(trial: Trial, window: int = 7, *, ci: float = 0.95) -> pd.DataFrame:
    """Adverse-event rates in the ``window`` days after injections vs the rest of follow-up.

    Rows: all injections, each injection number, and each route (when the
    injections have more than one), per arm (and overall for several arms).

    Returns
    -------
    DataFrame
        ``arm, group, events_window, py_window, rate_window, events_rest,
        py_rest, rate_rest, rate_ratio, ci_low, ci_high, p`` (rates per 100
        patient-years). Empty without injections or adverse events.

    Examples
    --------
    >>> from msc_dash.io import load_sample
    >>> t = window_rates(load_sample(), window=7)
    >>> t["group"].tolist()[:3]
    ['All injections', 'Injection 1', 'Injection 2']
    >>> bool(t["rate_ratio"].iloc[0] > 1)  # events cluster after the sample's injections
    True
    """
    cols = ["arm", "group", "events_window", "py_window", "rate_window", "events_rest",
            "py_rest", "rate_rest", "rate_ratio", "ci_low", "ci_high", "p"]
    if trial.injections.empty or trial.adverse_events.empty:
        return pd.DataFrame(columns=cols)
    win = _windows(trial, window)
    fu = follow_up(trial)
    ae = trial.adverse_events.copy()
    ae["onset"] = pd.to_numeric(ae["onset_day"], errors="coerce")
    last = fu.set_index("subject_id")["last_day"]
    ae = ae[(ae["onset"] >= 0) & (ae["onset"] <= ae["subject_id"].map(last))]
    hits = ae[["subject_id", "onset"]].reset_index().merge(win, on="subject_id")
    hits = hits[(hits["onset"] >= hits["start"]) & (hits["onset"] < hits["stop"])]
    ae["injection_number"] = pd.array(
        ae.index.map(hits.set_index("index")["injection_number"]), dtype="Int64")
    win["injection_number"] = win["injection_number"].astype("Int64")
    ae = ae.merge(win[["subject_id", "injection_number", "route"]],
                  on=["subject_id", "injection_number"], how="left")
    arm = trial.subjects.set_index("subject_id")["arm"]
    ae["arm"], win["arm"] = ae["subject_id"].map(arm), win["subject_id"].map(arm)
    groups = [("All injections", None, None)] + [
        (f"Injection {int(k)}", "injection_number", k)
        for k in sorted(win["injection_number"].dropna().unique())]
    routes = sorted(win["route"].dropna().astype(str).unique())
    if len(routes) > 1:
        groups += [(f"Route {r}", "route", r) for r in routes]
    arms = trial.arms + (["All arms"] if len(trial.arms) > 1 else [])
    rows = []
    for a in arms:
        fu_a, w_a, ae_a = (f if a == "All arms" else f[f["arm"] == a] for f in (fu, win, ae))
        total_py = (fu_a["last_day"] + 1).sum() / DAYS_PER_YEAR
        rest_events = int(ae_a["injection_number"].isna().sum())
        rest_py = total_py - w_a["days"].sum() / DAYS_PER_YEAR
        for label, col, value in groups:
            w = w_a if col is None else w_a[w_a[col].astype(str) == str(value)]
            e = (ae_a["injection_number"].notna() if col is None
                 else ae_a[col].astype(str) == str(value))
            x, py = int(e.sum()), float(w["days"].sum() / DAYS_PER_YEAR)
            rr = rate_ratio_exact(x, py, rest_events, rest_py, ci)
            rows.append({"arm": a, "group": label, "events_window": x, "py_window": py,
                         "rate_window": 100 * x / py if py > 0 else np.nan,
                         "events_rest": rest_events, "py_rest": rest_py,
                         "rate_rest": 100 * rest_events / rest_py if rest_py > 0 else np.nan,
                         **rr})
    return pd.DataFrame(rows, columns=cols)
