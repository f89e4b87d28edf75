"""Per-visit summaries and per-subject responders: the trend charts' and the
responder figures' tables (positive = improvement, as in :mod:`msc_dash.effects`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .effects import _check_choice, _pairs, _t_ci
from .outcomes import EDSS_PLUS, EDSS_PLUS_COMPONENTS

__all__ = ["trajectory", "responders"]


def trajectory(trial, outcome: str, *, ci: float = 0.95) -> pd.DataFrame:
    """Summary of one outcome per arm and visit, for trend charts.

    ``ci`` is the confidence level of the mean's interval (the settings' ``ci``).

    Returns
    -------
    pandas.DataFrame
        Columns ``arm, visit, day, n, mean, sd, sem, ci_low, ci_high, median,
        q1, q3`` (``day`` is the median day of that arm's measurements at the
        visit; CI is t-based at level ``ci``); for log-scale outcomes also ``geo_mean,
        geo_ci_low, geo_ci_high`` (exp of the t CI of the mean log value).
        Rows ordered by arm, then visit.

    Examples
    --------
    >>> from msc_dash.examples import tiny_trial
    >>> t = tiny_trial()
    >>> trajectory(t, "SDMT")[["arm", "visit", "day", "n", "mean", "median"]]
       arm visit    day  n   mean  median
    0  All    BL    0.0  4  43.75    42.5
    1  All   M12  365.0  4  47.00    47.0
    """
    _check_choice("outcome", outcome, trial.outcomes)
    if not 0 < ci < 1:
        raise ValueError(f"`ci` must be between 0 and 1 (e.g. 0.95); got {ci!r}")
    out = trial.outcome(outcome)
    m = trial.long()
    m = m[(m["outcome"] == outcome) & m["value"].notna()]
    grouped = m.groupby(["arm", "visit"], sort=False)
    rows = []
    for arm in trial.arms:
        for visit in trial.visits:
            try:
                g = grouped.get_group((arm, visit))
            except KeyError:
                g = m.iloc[:0]
            v = g["value"].to_numpy(dtype=float)
            n = len(v)
            row = {"arm": arm, "visit": visit,
                   "day": float(np.median(g["day"])) if n else float(trial.visit_days[visit]),
                   "n": n}
            if n:
                row.update(mean=v.mean(), median=float(np.median(v)),
                           q1=float(np.quantile(v, 0.25)), q3=float(np.quantile(v, 0.75)))
            if n >= 2:
                mean, sd, lo, hi = _t_ci(v, ci)
                row.update(sd=sd, sem=sd / np.sqrt(n), ci_low=lo, ci_high=hi)
            if out.scale == "log" and n and np.all(v > 0):
                lv = np.log(v)
                row["geo_mean"] = np.exp(lv.mean())
                if n >= 2:
                    _, _, lo, hi = _t_ci(lv, ci)
                    row["geo_ci_low"], row["geo_ci_high"] = np.exp(lo), np.exp(hi)
            rows.append(row)
    cols = ["arm", "visit", "day", "n", "mean", "sd", "sem", "ci_low", "ci_high", "median",
            "q1", "q3"]
    if out.scale == "log":
        cols += ["geo_mean", "geo_ci_low", "geo_ci_high"]
    table = pd.DataFrame(rows).reindex(columns=cols)
    for c in cols[4:]:
        table[c] = table[c].astype(float)
    table["n"] = table["n"].astype(int)
    return table


# --------------------------------------------------------------- responders
_STATUS = {1.0: "improved", 0.0: "stable", -1.0: "worsened"}
_EDSS_PLUS_RULE = ("EDSS-Plus: worsened if EDSS, T25FW or NHPT worsens by its rule; "
                   "improved if any improves and none worsens")


def responders(trial, visit: str) -> pd.DataFrame:
    """Each subject's status per outcome at one visit, EDSS-Plus included.

    Parameters
    ----------
    trial : Trial
    visit : str
        A follow-up visit.

    Returns
    -------
    pandas.DataFrame
        Columns ``subject_id, arm, outcome, baseline, value, change, status,
        rule``; one row per subject x outcome with a baseline and a value at
        the visit. ``status`` is "improved", "stable" or "worsened" by the
        registry's meaningful-change rule (``rule`` says which), "unknown"
        for outcomes without one.

        When EDSS and at least one of T25FW / NHPT are in the data, rows with
        outcome ``"EDSS_PLUS"`` are added for every subject with any of them:
        **worsened** when any available component worsens by its rule;
        otherwise **unknown** when EDSS or both timed tests are missing;
        otherwise **improved** when any component improves, else **stable**
        (worsening as in Cadavid et al. 2017, improvement as in Harris et al.
        2024). Its baseline, value and change are NaN.

    Examples
    --------
    >>> from msc_dash.examples import tiny_trial
    >>> t = tiny_trial()
    >>> responders(t, "M12")[["subject_id", "change", "status"]]
      subject_id  change    status
    0          a     4.0  improved
    1          b     3.0    stable
    2          c     1.0    stable
    3          d     5.0  improved
    """
    _check_choice("visit", visit, trial.visits)
    p = _pairs(trial, visits=[visit])
    cols = ["subject_id", "arm", "outcome", "baseline", "value", "change", "status", "rule"]
    parts = []
    for code in trial.outcomes:
        out = trial.outcome(code)
        f = p[p["outcome"] == code]
        status = out.classify(f["baseline"].to_numpy(), f["value"].to_numpy())
        parts.append(pd.DataFrame({
            "subject_id": f["subject_id"].to_numpy(), "arm": f["arm"].to_numpy(),
            "outcome": code, "baseline": f["baseline"].to_numpy(),
            "value": f["value"].to_numpy(),
            "change": f["value"].to_numpy() - f["baseline"].to_numpy(),
            "status": [_STATUS.get(s, "unknown") for s in status],
            "rule": out.rule_text,
        }))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    edss, *timed = EDSS_PLUS_COMPONENTS
    present = set(trial.outcomes)
    if edss in present and present.intersection(timed) and len(table):
        comp = table[table["outcome"].isin(EDSS_PLUS_COMPONENTS)]
        wide = comp.pivot(index="subject_id", columns="outcome", values="status")
        wide = wide.reindex(columns=list(EDSS_PLUS_COMPONENTS))
        known = wide.isin(["improved", "stable", "worsened"])
        worse = (wide == "worsened").any(axis=1)
        better = (wide == "improved").any(axis=1)
        complete = known[edss] & known[timed].any(axis=1)
        status = np.where(worse, "worsened", np.where(~complete, "unknown",
                                                      np.where(better, "improved", "stable")))
        arm = trial.subjects.set_index("subject_id")["arm"]
        plus = pd.DataFrame({
            "subject_id": wide.index.to_numpy(), "arm": wide.index.map(arm).to_numpy(),
            "outcome": EDSS_PLUS, "baseline": np.nan, "value": np.nan, "change": np.nan,
            "status": status, "rule": _EDSS_PLUS_RULE,
        })
        table = pd.concat([table, plus], ignore_index=True)
    arm_rank = {a: i for i, a in enumerate(trial.arms)}
    out_rank = {c: i for i, c in enumerate([*trial.outcomes, EDSS_PLUS])}
    table = (table.assign(_a=table["arm"].map(arm_rank), _o=table["outcome"].map(out_rank))
             .sort_values(["_o", "_a", "subject_id"], kind="stable")
             .drop(columns=["_a", "_o"]).reset_index(drop=True))
    return table.reindex(columns=cols)
