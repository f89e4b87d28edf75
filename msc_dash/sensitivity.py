"""Sensitivity of the MMRM contrast to missing data: completers and a delta-adjusted tipping point.

:func:`tipping_point` imputes each missing value at the visit by multiple
imputation under missing at random from the fitted MMRM (the conditional normal
distribution given the subject's observed visits, with the fixed effects drawn
from their sampling distribution), shifts the imputed values of the treatment
arm by ``delta`` against the treatment (MAR + delta, "delta adjustment"), fits
the ANCOVA ``y ~ arm + baseline`` to each completed data set and pools them
with Rubin's rules (Barnard-Rubin degrees of freedom). The tipping point is
the smallest shift at which the pooled contrast stops being significant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._lazy import stats
from .mmrm import _fit, analysis_frame
from .settings import AnalysisSettings
from .trial import Trial

__all__ = ["tipping_point", "TippingPoint", "completers_ancova", "outcome_sensitivity",
           "sensitivity_table"]


@dataclass(frozen=True)
class TippingPoint:
    """Delta-adjusted MI analysis of one outcome at one visit.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per shift: ``delta`` (analysis scale, against the treatment),
        ``delta_sd`` (in residual SDs), ``estimate, se, df, ci_low, ci_high, p``
        (pooled treatment-minus-control ANCOVA contrast).
    tipping_delta : float
        Smallest ``delta`` with ``p >= alpha`` (NaN when significant across
        the whole grid or not significant under MAR, see ``note``).
    n_imputed_treatment, n_imputed_control : int
        Subjects whose value at the visit is imputed.
    """

    outcome: str
    visit: str
    frame: pd.DataFrame
    tipping_delta: float
    n_imputed_treatment: int
    n_imputed_control: int
    n_imputations: int
    note: str


def _ols(y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Coefficient 1 of ``y ~ X`` and its variance, for each column of ``y`` (n x M)."""
    XtXi = np.linalg.inv(X.T @ X)
    beta = XtXi @ X.T @ y
    dfree = len(X) - X.shape[1]
    s2 = ((y - X @ beta) ** 2).sum(axis=0) / dfree
    return beta[1], s2 * XtXi[1, 1], dfree


def _rubin(est: np.ndarray, var: np.ndarray, df_com: int, ci: float, *,
           imputed: bool = True) -> dict:
    m = len(est)
    # nothing imputed: the M analyses are one analysis. B is then 0 by construction, not
    # by floating point (BLAS may fit identical columns a few ulps apart, and a B of
    # 1e-30 would switch to Barnard-Rubin's df)
    q, u, b = est.mean(), var.mean(), (est.var(ddof=1) if imputed else 0.0)
    t = u + (1 + 1 / m) * b
    lam = (1 + 1 / m) * b / t if t > 0 else 0.0
    df_old = (m - 1) / lam**2 if lam > 0 else np.inf
    df_obs = (df_com + 1) / (df_com + 3) * df_com * (1 - lam)
    # nothing imputed (B = 0): the complete-data df, not Barnard-Rubin's small-sample shrink
    df = float(df_com) if b == 0 else 1 / (1 / df_old + 1 / df_obs)
    se = np.sqrt(t)
    half = stats.t.ppf(0.5 + ci / 2, df) * se
    return dict(estimate=q, se=se, df=df, ci_low=q - half, ci_high=q + half,
                p=float(2 * stats.t.sf(abs(q / se), df)))


def tipping_point(trial: Trial, outcome: str, *, treatment: str, control: str,
                  visit: str | None = None, deltas=None, n_imputations: int = 50,
                  alpha: float = 0.05, settings: AnalysisSettings | None = None
                  ) -> TippingPoint:
    """Delta-adjusted multiple imputation of the contrast at ``visit`` (default: the last).

    Parameters
    ----------
    deltas : array-like, optional
        Shifts on the analysis scale (default 0 to 3 residual SDs in steps of 0.1 SD).
    settings : AnalysisSettings, optional
        ``seed`` of the imputations and ``ci``, the level of the intervals
        (default: the defaults).

    Examples
    --------
    >>> import msc_dash
    >>> tp = tipping_point(msc_dash.load_sample("two_arm"), "SDMT", treatment="MSC-NP",
    ...                    control="Saline")
    >>> tp.visit, tp.n_imputed_treatment, tp.n_imputed_control
    ('Month 12', 1, 1)
    """
    settings = settings or AnalysisSettings()
    seed, ci = settings.seed, settings.ci
    frame, _ = analysis_frame(trial, outcome, [treatment, control])
    fit, _, cbar = _fit(frame, treatment, "unstructured")
    visits = list(frame["visit"].cat.categories)
    v = len(visits)
    visit = visit or visits[-1]
    L = visits.index(visit)
    wide = frame.pivot(index="subject_id", columns="visit", values="y")[visits]
    info = frame.groupby("subject_id", observed=True)[["covariate", "arm"]].first()
    info = info.loc[wide.index]
    treated = (info["arm"] == treatment).to_numpy(dtype=float)
    cov = info["covariate"].to_numpy(dtype=float)
    Y = wide.to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    k = len(fit.beta)
    draws = rng.multivariate_normal(fit.beta, fit.cov_beta, size=n_imputations)  # M x k
    S = fit.sigma
    completed = np.repeat(Y[:, [L]], n_imputations, axis=1)  # n x M
    missing = np.isnan(Y[:, L])
    for i in np.flatnonzero(missing):
        obs = np.flatnonzero(~np.isnan(Y[i]))
        rows = np.zeros((v, k))  # design row of subject i at every visit
        rows[np.arange(v), np.arange(v)] = 1.0
        rows[np.arange(v), v + np.arange(v)] = cov[i] - cbar
        rows[np.arange(v), 2 * v + np.arange(v)] = treated[i]
        w = np.linalg.solve(S[np.ix_(obs, obs)], S[obs, L]) if len(obs) else np.zeros(0)
        mean = draws @ (rows[L] - w @ rows[obs]) + w @ Y[i, obs]
        sd = np.sqrt(max(S[L, L] - S[obs, L] @ w, 0.0))
        completed[i] = mean + sd * rng.standard_normal(n_imputations)
    sign = trial.outcome(outcome).sign
    sd_res = float(np.sqrt(S[L, L]))
    deltas = (np.linspace(0, 3 * sd_res, 31) if deltas is None
              else np.asarray(deltas, dtype=float))
    X = np.column_stack([np.ones(len(cov)), treated, cov])
    shift_rows = missing & (treated == 1)
    imputed = bool(missing.any())
    rows = []
    for d in deltas:
        y = completed.copy()
        y[shift_rows] -= sign * d  # against the treatment: worse values for its missing
        est, var, df_com = _ols(y, X)
        rows.append(dict(delta=d, delta_sd=d / sd_res,
                         **_rubin(est, var, df_com, ci, imputed=imputed)))
    out = pd.DataFrame(rows)
    return _result(outcome, visit, out, alpha, int(shift_rows.sum()),
                   int((missing & (treated == 0)).sum()), n_imputations)


def _result(outcome, visit, out, alpha, n_t, n_c, m) -> TippingPoint:
    note = ""
    tip = np.nan
    if n_t == 0:
        note = f"no missing values at {visit} in the treatment arm: nothing to shift"
    elif out["p"].iloc[0] >= alpha:
        note = f"not significant under MAR (p = {out['p'].iloc[0]:.2g}): no tipping point"
    else:
        over = out.index[out["p"] >= alpha]
        if len(over):
            tip = float(out.loc[over[0], "delta"])
        else:
            note = ("still significant at the largest shift tried "
                    f"({out['delta_sd'].iloc[-1]:.1f} SD)")
    return TippingPoint(outcome, visit, out, tip, n_t, n_c, m, note)


def completers_ancova(trial: Trial, outcome: str, *, treatment: str, control: str,
                      visit: str | None = None, ci: float = 0.95) -> dict:
    """ANCOVA ``y ~ arm + baseline`` at ``visit`` among subjects seen at every follow-up visit.

    Same analysis scale as the MMRM (log ratio for log-scale outcomes).

    Examples
    --------
    >>> import msc_dash
    >>> r = completers_ancova(msc_dash.load_sample("two_arm"), "SDMT", treatment="MSC-NP",
    ...                       control="Saline")
    >>> r["n_treatment"], r["n_control"]
    (24, 26)
    """
    frame, _ = analysis_frame(trial, outcome, [treatment, control])
    visits = list(frame["visit"].cat.categories)
    visit = visit or visits[-1]
    per = frame.groupby("subject_id", observed=True)["visit"].nunique()
    done = frame[frame["subject_id"].isin(per.index[per == len(visits)])
                 & (frame["visit"] == visit)]
    t = (done["arm"] == treatment).to_numpy(dtype=float)
    out = dict(visit=visit, n_treatment=int(t.sum()), n_control=int(len(t) - t.sum()),
               estimate=np.nan, ci_low=np.nan, ci_high=np.nan, p=np.nan)
    if out["n_treatment"] < 2 or out["n_control"] < 2:
        return out
    X = np.column_stack([np.ones(len(t)), t, done["covariate"].to_numpy(dtype=float)])
    est, var, dfree = _ols(done["y"].to_numpy(dtype=float)[:, None], X)
    se = float(np.sqrt(var[0]))
    half = stats.t.ppf(0.5 + ci / 2, dfree) * se
    return {**out, "estimate": float(est[0]), "ci_low": float(est[0] - half),
            "ci_high": float(est[0] + half), "p": float(2 * stats.t.sf(abs(est[0] / se), dfree))}


def outcome_sensitivity(trial: Trial, outcome: str, *, treatment: str, control: str,
                        n_imputations: int = 50, settings: AnalysisSettings | None = None
                        ) -> tuple[pd.DataFrame, TippingPoint]:
    """The three analyses of ``outcome`` at its last visit, and the tipping-point scan.

    Rows: the MMRM (all subjects, MAR), the completers' ANCOVA and the ANCOVA
    after MI under MAR, with ``tipping_delta`` and ``note`` on the last.
    ``settings`` (default: the defaults) give the confidence level ``ci`` and
    the ``seed`` of the imputations.

    Examples
    --------
    >>> import msc_dash
    >>> rows, tp = outcome_sensitivity(msc_dash.load_sample("two_arm"), "SDMT",
    ...                                treatment="MSC-NP", control="Saline")
    >>> rows["analysis"].tolist()[1], len(tp.frame)
    ('ANCOVA, completers', 31)
    """
    from .mmrm import mmrm

    settings = settings or AnalysisSettings()
    ci = settings.ci
    res = mmrm(trial, outcome, treatment=treatment, control=control, ci=ci)
    last = res.contrasts.iloc[-1]
    comp = completers_ancova(trial, outcome, treatment=treatment, control=control, ci=ci)
    tp = tipping_point(trial, outcome, treatment=treatment, control=control,
                       n_imputations=n_imputations, settings=settings)
    mar = tp.frame.iloc[0]
    base = dict(outcome=outcome, visit=last["visit"], scale=res.scale)
    keys = ("n_treatment", "n_control", "estimate", "ci_low", "ci_high", "p")
    rows = [
        dict(base, analysis="MMRM (all subjects, MAR)", **{k: last[k] for k in keys}),
        dict(base, analysis="ANCOVA, completers", **{k: comp[k] for k in keys}),
        dict(base, analysis=f"ANCOVA after MI under MAR ({tp.n_imputations} imputations)",
             n_treatment=last["n_treatment"] + tp.n_imputed_treatment,
             n_control=last["n_control"] + tp.n_imputed_control,
             **{k: mar[k] for k in ("estimate", "ci_low", "ci_high", "p")},
             tipping_delta=tp.tipping_delta, note=tp.note),
    ]
    cols = ["outcome", "visit", "analysis", "n_treatment", "n_control", "estimate", "ci_low",
            "ci_high", "p", "tipping_delta", "note", "scale"]
    out = pd.DataFrame(rows).reindex(columns=cols)
    return out.assign(note=out["note"].fillna("")), tp


def sensitivity_table(trial: Trial, treatment: str, control: str, *, n_imputations: int = 50,
                      settings: AnalysisSettings | None = None) -> pd.DataFrame:
    """:func:`outcome_sensitivity` rows of every outcome with an MMRM, in one frame.

    Examples
    --------
    >>> import msc_dash
    >>> tab = sensitivity_table(msc_dash.load_sample("two_arm"), "MSC-NP", "Saline")
    >>> tab.columns.tolist()[:4], len(tab)
    (['outcome', 'visit', 'analysis', 'n_treatment'], 18)
    """
    frames = []
    for code in trial.outcomes:
        try:
            frames.append(outcome_sensitivity(trial, code, treatment=treatment,
                                              control=control, n_imputations=n_imputations,
                                              settings=settings)[0])
        except ValueError:
            continue
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
