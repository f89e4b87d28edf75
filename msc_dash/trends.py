"""Trends over time: mixed-model slope per year and a Friedman test across visits.

:func:`trend_models` summarises each arm x outcome with one number, the
average change per year, from a linear mixed model with a random intercept
per subject fitted to every measurement (not only baseline and one visit),
so subjects with a missing visit still count. Beside it, a Friedman test
asks whether values differ across visits at all, on the subjects measured at
every visit.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .constants import DAYS_PER_YEAR

__all__ = ["TREND_COLUMNS", "trend_models"]

#: Columns of :func:`trend_models`, in order.
TREND_COLUMNS = (
    "arm", "outcome", "domain", "scale", "slope_per_year", "slope_ci_low", "slope_ci_high",
    "p_slope", "pct_per_year", "n_subjects", "n_observations", "converged", "note",
    "friedman_stat", "p_friedman", "friedman_n",
)

_MIN_SUBJECTS = 3  # with at least two measurements each


def _fit(frame: pd.DataFrame, ci: float) -> dict:
    """Random-intercept model ``y ~ years`` by REML; NaN and a note when it cannot be fitted."""
    from statsmodels.regression.mixed_linear_model import MixedLM

    out = {"slope_per_year": np.nan, "slope_ci_low": np.nan, "slope_ci_high": np.nan,
           "p_slope": np.nan, "converged": False}
    per_subject = frame.groupby("subject_id")["years"].nunique()
    repeated = int((per_subject >= 2).sum())
    if repeated < _MIN_SUBJECTS:
        return {**out, "note": f"too few data: {repeated} subject(s) measured at two or more "
                               f"times (need {_MIN_SUBJECTS})"}
    if np.ptp(frame["y"].to_numpy()) == 0:
        return {**out, "note": "no variance: every value is the same"}
    exog = np.column_stack([np.ones(len(frame)), frame["years"].to_numpy()])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = MixedLM(frame["y"].to_numpy(), exog,
                             groups=frame["subject_id"].to_numpy()).fit(reml=True)
        except (np.linalg.LinAlgError, ValueError) as exc:
            return {**out, "note": f"model could not be fitted: {exc}"}
    messages = [str(w.message) for w in caught]
    boundary = any("boundary" in m for m in messages)
    trouble = [m for m in messages if "boundary" not in m]
    slope, se = float(result.fe_params[1]), float(result.bse_fe[1])
    low, high = result.conf_int(alpha=1 - ci)[1] if np.isfinite(se) else (np.nan, np.nan)
    notes = []
    converged = bool(result.converged) and not trouble and np.isfinite(se)
    if not converged:
        why = trouble[0] if trouble else "the optimiser did not converge"
        notes.append(f"not converged ({why.rstrip('.')}); treat the slope with caution")
    if boundary:
        notes.append("between-subject variance near zero (fit on the boundary)")
    return {"slope_per_year": slope, "slope_ci_low": float(low), "slope_ci_high": float(high),
            "p_slope": float(result.pvalues[1]), "converged": converged,
            "note": "; ".join(notes)}


def _friedman(frame: pd.DataFrame, visits: list[str]) -> dict:
    """Friedman chi-square across visits on subjects measured at every visit."""
    from scipy import stats

    out = {"friedman_stat": np.nan, "p_friedman": np.nan, "friedman_n": 0}
    present = [v for v in visits if v in set(frame["visit"])]
    if len(present) < 3:
        return {**out, "note": f"Friedman test needs three or more visits ({len(present)})"}
    wide = (frame.groupby(["subject_id", "visit"])["value"].mean().unstack("visit")
            .reindex(columns=present).dropna())
    n = len(wide)
    out["friedman_n"] = n
    if n < 3:
        return {**out, "note": f"Friedman test: {n} subject(s) measured at all "
                               f"{len(present)} visits (need 3)"}
    if (wide.nunique(axis=1) == 1).all():
        return {**out, "note": "Friedman test: every subject has the same value at every visit"}
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.friedmanchisquare(*(wide[v].to_numpy() for v in present))
    return {**out, "friedman_stat": float(res.statistic), "p_friedman": float(res.pvalue),
            "note": ""}


def trend_models(trial, *, ci: float = 0.95) -> pd.DataFrame:
    """Mixed-model slope per year and a Friedman test, per arm x outcome.

    For each arm and outcome, fits ``value ~ years`` with a random intercept
    per subject (``statsmodels`` ``MixedLM``, REML), where ``years`` is
    ``day / 365.25`` since the subject's baseline. Outcomes on the registry's
    ``log`` scale (T25FW, NHPT, NfL, GFAP) are modelled as ``log(value)``; their
    slope is then also given as a percent change per year,
    ``100 * (exp(slope) - 1)``.

    Parameters
    ----------
    trial : Trial
    ci : float, default 0.95
        Confidence level of the slope's interval (Wald, from the model).

    Returns
    -------
    pandas.DataFrame
        One row per arm x outcome (arms in trial order, outcomes in registry
        order), columns :data:`TREND_COLUMNS`:

        - ``slope_per_year``, ``slope_ci_low``, ``slope_ci_high``, ``p_slope``:
          fixed-effect slope in raw units per year (log units for log-scale
          outcomes), in the data's own direction (negative = values fall);
        - ``pct_per_year``: percent change per year for log-scale outcomes,
          NaN for linear ones;
        - ``n_subjects``, ``n_observations``: data in the model;
        - ``converged``: False when the optimiser failed or statsmodels warned
          about the fit (the warning text is in ``note``; nothing is printed);
        - ``friedman_stat``, ``p_friedman``, ``friedman_n``: Friedman test
          across the visits where the outcome was measured, on the subjects
          measured at all of them;
        - ``note``: why a number is missing or should be read with care
          ("too few data: ...", "no variance: ..."); empty when all is well.

        Too few data never raise: the row has NaN and a note.

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash.trial import Trial
    >>> m = pd.DataFrame({
    ...     "subject_id": [s for s in "abcd" for _ in range(3)],
    ...     "visit": ["BL", "M6", "M12"] * 4, "day": [0, 182, 365] * 4, "outcome": "SDMT",
    ...     "value": [40, 41, 43, 50, 52, 53, 35, 35, 38, 45, 47, 47]})
    >>> t = Trial.from_tables(pd.DataFrame({"subject_id": list("abcd")}), m)
    >>> row = trend_models(t).iloc[0]
    >>> float(round(row["slope_per_year"], 2)), int(row["n_subjects"]), bool(row["converged"])
    (2.75, 4, True)
    >>> float(round(row["friedman_stat"], 2)), float(round(row["p_friedman"], 4))
    (7.0, 0.0302)
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, not {ci!r}")
    long = trial.long()
    long = long[np.isfinite(long["value"].to_numpy(dtype=float))]
    visits = list(trial.visits)
    rows = []
    for arm in trial.arms:
        in_arm = long[long["arm"] == arm]
        for code in trial.outcomes:
            outcome = trial.outcome(code)
            f = in_arm[in_arm["outcome"] == code]
            notes = []
            if outcome.scale == "log":
                positive = f["value"] > 0
                if not positive.all():
                    notes.append(f"{int((~positive).sum())} value(s) <= 0 left out of the "
                                 "log-scale model")
                f = f[positive]
            f = f.sort_values(["subject_id", "day", "visit"], kind="stable")
            y = np.log(f["value"].to_numpy(float)) if outcome.scale == "log" else f["value"]
            model = f.assign(y=np.asarray(y, dtype=float),
                             years=f["day"].to_numpy(float) / DAYS_PER_YEAR)
            fit = _fit(model, ci) if len(model) else {
                "slope_per_year": np.nan, "slope_ci_low": np.nan, "slope_ci_high": np.nan,
                "p_slope": np.nan, "converged": False, "note": "no data in this arm"}
            fried = _friedman(f, visits)
            slope = fit["slope_per_year"]
            pct = 100 * np.expm1(slope) if outcome.scale == "log" else np.nan
            notes += [n for n in (fit.pop("note"), fried.pop("note")) if n]
            rows.append({"arm": arm, "outcome": code, "domain": outcome.domain,
                         "scale": outcome.scale, **fit, "pct_per_year": pct,
                         "n_subjects": int(f["subject_id"].nunique()),
                         "n_observations": len(f), "note": "; ".join(notes), **fried})
    table = pd.DataFrame(rows, columns=list(TREND_COLUMNS))
    table["converged"] = table["converged"].astype(bool)
    table["friedman_n"] = table["friedman_n"].astype(int)
    return table
