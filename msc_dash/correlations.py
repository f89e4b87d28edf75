"""Does a biomarker's change go with a clinical outcome's change?

:func:`change_pairs` lines up both changes from baseline per subject and
follow-up visit; :func:`correlate` gives the repeated-measures correlation
over all visits (Bakdash & Marusich 2017, as ``pingouin.rm_corr``) or the
Spearman correlation at one visit.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._lazy import stats
from .tables import p_phrase

__all__ = ["CLINICAL_PARTNERS", "change_pairs", "correlate"]

#: clinical outcomes a biomarker's change is set against, when present
CLINICAL_PARTNERS = ("T25FW", "EDSS", "SDMT")


def _change(pairs: pd.DataFrame, log: bool) -> pd.Series:
    """Percent change for log-scale outcomes (ratios), raw change otherwise."""
    return pairs["pct_change"] if log else pairs["change"]


def change_pairs(trial, x_outcome: str, y_outcome: str) -> pd.DataFrame:
    """Both outcomes' change from baseline, per subject and follow-up visit.

    Log-scale outcomes (NfL, GFAP, timed tests) change in percent of
    baseline, the others in their own units.

    Returns
    -------
    DataFrame
        ``subject_id, arm, visit, day, x, y``; only subject-visits with both.

    Examples
    --------
    >>> from msc_dash import load_sample
    >>> change_pairs(load_sample(), "NFL", "EDSS").columns.tolist()
    ['subject_id', 'arm', 'visit', 'day', 'x', 'y']
    """
    from .effects import paired_frame

    cols = ["subject_id", "arm", "visit", "day", "x", "y"]
    parts = []
    for visit in trial.followup_visits:
        px = paired_frame(trial, x_outcome, visit)
        py = paired_frame(trial, y_outcome, visit)
        if px.empty or py.empty:
            continue
        px = px.assign(x=_change(px, trial.outcome(x_outcome).scale == "log"))
        py = py.assign(y=_change(py, trial.outcome(y_outcome).scale == "log"))
        both = px[["subject_id", "arm", "day", "x"]].merge(
            py[["subject_id", "y"]], on="subject_id")
        parts.append(both.assign(visit=visit))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float if c in "xyday" else object)
                             for c in cols})
    out = pd.concat(parts, ignore_index=True)[cols]
    ok = np.isfinite(out["x"].astype(float)) & np.isfinite(out["y"].astype(float))
    return out[ok].reset_index(drop=True)


def _rm_corr(frame: pd.DataFrame, ci: float) -> dict:
    """Repeated-measures correlation: Pearson r of within-subject deviations.

    Equals ``pingouin.rm_corr`` (ANCOVA of y on x with subject as factor):
    dof = observations - subjects - 1, CI by Fisher's z with n = dof + 2.
    """
    g = frame.groupby("subject_id", sort=False)
    xc = frame["x"] - g["x"].transform("mean")
    yc = frame["y"] - g["y"].transform("mean")
    k = frame["subject_id"].nunique()
    dof = len(frame) - k - 1
    sxx, syy, sxy = float((xc**2).sum()), float((yc**2).sum()), float((xc * yc).sum())
    if k < 3 or dof < 2 or sxx <= 0 or syy <= 0:
        return {"r": math.nan, "ci_low": math.nan, "ci_high": math.nan, "p": math.nan,
                "dof": dof, "note": "needs 3 or more subjects with repeated, varying values"}
    r = sxy / math.sqrt(sxx * syy)
    t = r * math.sqrt(dof / max(1 - r * r, 1e-300))
    p = 2 * stats.t.sf(abs(t), dof)
    z, se = math.atanh(min(max(r, -1 + 1e-15), 1 - 1e-15)), 1 / math.sqrt(dof - 1)
    crit = stats.norm.ppf(0.5 + ci / 2)
    return {"r": r, "ci_low": math.tanh(z - crit * se), "ci_high": math.tanh(z + crit * se),
            "p": float(p), "dof": dof, "note": ""}


def _spearman(frame: pd.DataFrame, ci: float) -> dict:
    n = len(frame)
    if n < 4 or frame["x"].nunique() < 2 or frame["y"].nunique() < 2:
        return {"r": math.nan, "ci_low": math.nan, "ci_high": math.nan, "p": math.nan,
                "dof": n - 2, "note": "needs 4 or more subjects with varying values"}
    res = stats.spearmanr(frame["x"].astype(float), frame["y"].astype(float))
    r = float(res.statistic)
    # Fisher's z with the Bonett-Wright standard error for Spearman's rho
    z = math.atanh(min(max(r, -1 + 1e-15), 1 - 1e-15))
    se = math.sqrt((1 + r * r / 2) / (n - 3))
    crit = stats.norm.ppf(0.5 + ci / 2)
    return {"r": r, "ci_low": math.tanh(z - crit * se), "ci_high": math.tanh(z + crit * se),
            "p": float(res.pvalue), "dof": n - 2, "note": ""}


def correlate(frame: pd.DataFrame, *, visit: str | None = None, ci: float = 0.95) -> dict:
    """Correlation of the two changes in a :func:`change_pairs` frame.

    Parameters
    ----------
    frame : DataFrame
        :func:`change_pairs` output.
    visit : str, optional
        None: repeated-measures correlation over every follow-up visit (each
        subject contributes several points; only within-subject variation
        counts). A visit: Spearman's rank correlation across subjects at it.
    ci : float
        Confidence level of the Fisher-z interval.

    Returns
    -------
    dict
        ``method, r, ci_low, ci_high, p, dof, n_subjects, n_obs, note, text``;
        ``r`` is NaN (with a ``note``) when there is too little data.

    Examples
    --------
    >>> from msc_dash import load_sample
    >>> res = correlate(change_pairs(load_sample(), "NFL", "EDSS"))
    >>> res["method"], res["n_subjects"]
    ('repeated-measures r', 23)
    """
    if visit is not None:
        frame = frame[frame["visit"] == visit]
        res = _spearman(frame, ci)
        method = f"Spearman's rho at {visit}"
    else:
        res = _rm_corr(frame, ci)
        method = "repeated-measures r"
    out = {"method": method, **res, "n_subjects": int(frame["subject_id"].nunique()),
           "n_obs": len(frame)}
    symbol = "rho" if visit is not None else "r_rm"
    if math.isnan(res["r"]):
        out["text"] = f"not estimable ({res['note']})"
    else:
        out["text"] = (f"{symbol} = {res['r']:.2f} [{res['ci_low']:.2f}, {res['ci_high']:.2f}], "
                       f"{p_phrase(res['p'])}, {out['n_subjects']} subjects, "
                       f"{out['n_obs']} observations")
    return out
