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

__all__ = ["TREND_COLUMNS", "MODELS", "trend_models", "trend_text"]

#: Columns of :func:`trend_models`, in order.
TREND_COLUMNS = (
    "arm", "outcome", "domain", "scale", "slope_per_year", "slope_ci_low", "slope_ci_high",
    "p_slope", "pct_per_year", "n_subjects", "n_observations", "converged", "note",
    "friedman_stat", "p_friedman", "friedman_n", "model", "p_lrt",
)

#: Names of the two models :func:`trend_models` chooses between.
MODELS = ("random intercept", "random intercept + slope")

_MIN_SUBJECTS = 3  # with at least two measurements each

#: Above this many subjects (in one arm) the models are fitted by the vectorised REML of
#: msc_dash.growth (the same likelihood; statsmodels' MixedLM loops over subjects).
FAST_SUBJECTS = 200


def _slope_model(frame: pd.DataFrame, exog: np.ndarray, intercept) -> tuple:
    """The random intercept + slope fit and the LRT p against the intercept-only fit.

    Both fits are REML with the same fixed effects, so their restricted
    likelihoods compare; the slope variance sits on the boundary under the
    null, so p is from the 50:50 mixture of chi-square(1) and chi-square(2)
    (Self & Liang 1987; Stram & Lee 1994). Returns ``(result, p)`` or
    ``(None, nan)`` when the larger model fails.
    """
    from scipy import stats
    from statsmodels.regression.mixed_linear_model import MixedLM

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = MixedLM(frame["y"].to_numpy(), exog, groups=frame["subject_id"].to_numpy(),
                          exog_re=exog).fit(reml=True)
        except (np.linalg.LinAlgError, ValueError):
            return None, np.nan
    if not res.converged or any("boundary" not in str(w.message) for w in caught):
        return None, np.nan
    lr = max(2 * (res.llf - intercept.llf), 0.0)
    return res, float(0.5 * stats.chi2.sf(lr, 1) + 0.5 * stats.chi2.sf(lr, 2))


def _fit(frame: pd.DataFrame, ci: float) -> dict:
    """``y ~ years`` by REML with a random intercept, or intercept + slope where an LRT supports it.

    NaN and a note when it cannot be fitted.
    """
    from statsmodels.regression.mixed_linear_model import MixedLM

    out = {"slope_per_year": np.nan, "slope_ci_low": np.nan, "slope_ci_high": np.nan,
           "p_slope": np.nan, "converged": False, "model": "", "p_lrt": np.nan}
    per_subject = frame.groupby("subject_id")["years"].nunique()
    repeated = int((per_subject >= 2).sum())
    if repeated < _MIN_SUBJECTS:
        return {**out, "note": f"too few data: {repeated} subject(s) measured at two or more "
                               f"times (need {_MIN_SUBJECTS})"}
    if np.ptp(frame["y"].to_numpy()) == 0:
        return {**out, "note": "no variance: every value is the same"}
    if len(per_subject) > FAST_SUBJECTS:
        return _fit_fast(frame, per_subject, ci, out)
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
    model, p_lrt = MODELS[0], np.nan
    if per_subject.ge(3).sum() >= _MIN_SUBJECTS and not trouble:
        slope_fit, p_lrt = _slope_model(frame, exog, result)
        if slope_fit is not None and p_lrt < 0.05:
            result, model, boundary = slope_fit, MODELS[1], False
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
            "note": "; ".join(notes), "model": model, "p_lrt": p_lrt}


def _fit_fast(frame: pd.DataFrame, per_subject: pd.Series, ci: float, out: dict) -> dict:
    """:func:`_fit` by the vectorised REML of :mod:`msc_dash.growth` (many subjects)."""
    from scipy import stats

    from .growth import fit_growth

    t, y = frame["years"].to_numpy(float), frame["y"].to_numpy(float)
    groups = frame["subject_id"].to_numpy()
    result, model, p_lrt = fit_growth(t, y, groups), MODELS[0], np.nan
    if per_subject.ge(3).sum() >= _MIN_SUBJECTS and result.converged:
        slope_fit = fit_growth(t, y, groups, random_slope=True)
        if slope_fit.converged:
            lr = max(2 * (slope_fit.llf - result.llf), 0.0)
            p_lrt = float(0.5 * stats.chi2.sf(lr, 1) + 0.5 * stats.chi2.sf(lr, 2))
            if p_lrt < 0.05:
                result, model = slope_fit, MODELS[1]
    slope, se, low, high, p = result.slope_test(ci)
    notes = [] if result.converged else [
        "not converged (the optimiser did not converge); treat the slope with caution"]
    if model == MODELS[0] and result.on_boundary:
        notes.append("between-subject variance near zero (fit on the boundary)")
    return {**out, "slope_per_year": slope, "slope_ci_low": low, "slope_ci_high": high,
            "p_slope": p, "converged": result.converged and bool(np.isfinite(se)),
            "note": "; ".join(notes), "model": model, "p_lrt": p_lrt}


def _friedman(frame: pd.DataFrame, visits: list[str]) -> dict:
    """Friedman chi-square across visits on subjects measured at every visit."""
    from scipy import stats

    out = {"friedman_stat": np.nan, "p_friedman": np.nan, "friedman_n": 0}
    seen = set(frame["visit"].unique())
    present = [v for v in visits if v in seen]
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


def trend_models(trial, *, ci: float = 0.95, outcomes=None) -> pd.DataFrame:
    """Mixed-model slope per year and a Friedman test, per arm x outcome.

    For each arm and outcome, fits ``value ~ years`` with a random intercept
    per subject (``statsmodels`` ``MixedLM``, REML; above :data:`FAST_SUBJECTS`
    subjects the same REML fitted by :func:`msc_dash.growth.fit_growth`) and, where subjects have
    three or more measurements, also with a random intercept and slope; the
    larger model is used when a REML likelihood-ratio test supports it (p <
    0.05, 50:50 chi-square(1) / chi-square(2) mixture for the boundary), and
    ``model`` says which was used (``p_lrt`` the test's p). ``years`` is
    ``day / 365.25`` since the subject's baseline. Outcomes on the registry's
    ``log`` scale (T25FW, NHPT, NfL, GFAP) are modelled as ``log(value)``; their
    slope is then also given as a percent change per year,
    ``100 * (exp(slope) - 1)``.

    Parameters
    ----------
    trial : Trial
    ci : float, default 0.95
        Confidence level of the slope's interval (Wald, from the model).
    outcomes : sequence of str, optional
        Only these outcome codes (default: every outcome).

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
        - ``model``: "random intercept" or "random intercept + slope";
          ``p_lrt``: p of the likelihood-ratio test between them (NaN when
          the larger model was not fitted);
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
    m = trial.measurements
    if outcomes is not None:  # only the rows needed (a registry has millions)
        m = m[m["outcome"].isin(list(outcomes))]
    long = m[np.isfinite(m["value"].to_numpy(dtype=float))]
    long = long.assign(arm=long["subject_id"].map(trial.subjects.set_index("subject_id")["arm"]))
    visits = list(trial.visits)
    rows = []
    for arm in trial.arms:
        in_arm = long[long["arm"] == arm]
        for code in trial.outcomes:
            if outcomes is not None and code not in outcomes:
                continue
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
                "p_slope": np.nan, "converged": False, "note": "no data in this arm",
                "model": "", "p_lrt": np.nan}
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


def trend_text(row, unit: str = "") -> str:
    """One trend row in words: slope per year with CI, p and the model used.

    Examples
    --------
    >>> trend_text(dict(slope_per_year=1.4, slope_ci_low=0.36, slope_ci_high=2.44,
    ...                 p_slope=0.0085, pct_per_year=float("nan"), scale="linear",
    ...                 model="random intercept + slope", n_subjects=23), "points")
    '+1.4 points/year [0.4, 2.4], p = 0.009 (random intercept + slope, 23 subjects)'
    """
    from .tables import format_ci, p_phrase

    if not np.isfinite(row["slope_per_year"]):
        return "not estimable"
    if row["scale"] == "log":
        lo, hi = (100 * np.expm1(row[k]) for k in ("slope_ci_low", "slope_ci_high"))
        est = format_ci(row["pct_per_year"], lo, hi, sign=True).replace(" [", "%/year [", 1)
        est = est if "[" in est else est + "%/year"
    else:
        est = format_ci(row["slope_per_year"], row["slope_ci_low"], row["slope_ci_high"],
                        sign=True, unit=f"{unit}/year" if unit else "/year")
    return f"{est}, {p_phrase(row['p_slope'])} ({row['model']}, {int(row['n_subjects'])} subjects)"
