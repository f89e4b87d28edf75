"""Mixed model for repeated measures (MMRM): the between-arm answer of a controlled trial.

:func:`mmrm` fits ``y ~ baseline * visit + arm * visit`` over the follow-up
visits by REML (:mod:`msc_dash.reml`), where ``y`` is the change from baseline
(for the registry's log-scale outcomes ``log(value) - log(baseline)``, with
``log(baseline)`` as the covariate). Every subject with a baseline and at
least one follow-up value contributes, under missing at random.
:func:`mmrm_table` does it for every outcome, with multiplicity-adjusted p
per visit, like the effect table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._lazy import stats
from .arms import _check_arms, change_frame, default_arms
from .reml import STRUCTURES, REMLFit, fit_reml
from .settings import AnalysisSettings
from .trial import Trial

__all__ = ["mmrm", "mmrm_table", "MMRMResult", "analysis_frame", "COVARIANCES", "FALLBACK",
           "MMRM_COLUMNS", "change_table"]

#: Covariance structures, the default first.
COVARIANCES = STRUCTURES
#: Tried in this order when the requested structure does not converge.
FALLBACK = ("compound_symmetry", "ar1", "toeplitz")
_NAMES = {"unstructured": "unstructured", "compound_symmetry": "compound-symmetry",
          "ar1": "first-order autoregressive (AR(1))", "toeplitz": "Toeplitz"}

#: Columns of :func:`mmrm_table`, in order.
MMRM_COLUMNS = ("outcome", "domain", "visit", "day", "n_treatment", "n_control", "estimate",
                "se", "df", "ci_low", "ci_high", "p", "p_adjusted", "ratio", "ratio_low",
                "ratio_high", "sd", "std_estimate", "std_ci_low", "std_ci_high", "scale",
                "favours", "covariance", "converged", "n_subjects",
                "treatment", "control", "estimable", "note")


@dataclass(frozen=True)
class MMRMResult:
    """An MMRM fit of one outcome.

    Attributes
    ----------
    contrasts : pandas.DataFrame
        Per follow-up visit: ``visit, n_treatment, n_control, estimate, se,
        df, ci_low, ci_high, p`` (treatment minus control on the analysis
        scale, Satterthwaite df) and, for log-scale outcomes, ``ratio,
        ratio_low, ratio_high``. Empty for a single-arm fit.
    lsmeans : pandas.DataFrame
        ``arm, visit, n, estimate, se, df, ci_low, ci_high`` (least-squares
        mean change at the mean baseline; ratios for log-scale outcomes).
    n_subjects, n_observations : int
        Subjects and post-baseline values in the model.
    covariance : str
        The structure used (after any fallback); ``requested_covariance`` the one asked for.
    converged : bool
    aic, loglik : float
        REML criteria (comparable with R's ``nlme::gls``).
    methods_text : str
        A paragraph for a paper's methods.
    note : str
        Visits or values left out, and why.
    """

    outcome: str
    scale: str
    treatment: str | None
    control: str | None
    contrasts: pd.DataFrame
    lsmeans: pd.DataFrame
    n_subjects: int
    n_observations: int
    covariance: str
    requested_covariance: str
    converged: bool
    aic: float
    loglik: float
    methods_text: str
    note: str
    mean_baseline: float
    sigma: pd.DataFrame


def change_table(trial: Trial) -> pd.DataFrame:
    """:func:`msc_dash.arms.change_frame` of every outcome at once (``outcome`` column added)."""
    m = trial.measurements
    base = m[m["day"] == 0].groupby(["outcome", "subject_id"])["value"].mean().rename("baseline")
    follow = m[(m["day"] != 0) & m["visit"].isin(trial.followup_visits)]
    follow = follow.groupby(["outcome", "subject_id", "visit"], as_index=False,
                            sort=False)["value"].mean()
    out = follow.join(base, on=["outcome", "subject_id"]).dropna(subset=["baseline", "value"])
    out["arm"] = out["subject_id"].map(trial.subjects.set_index("subject_id")["arm"])
    return out.assign(change=out["value"] - out["baseline"])


def analysis_frame(trial: Trial, outcome: str, arms=None, *,
                   changes: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Rows entering the MMRM of ``outcome``: ``subject_id, arm, visit, covariate, y``.

    ``y`` is the change from baseline (log ratio for log-scale outcomes,
    whose covariate is then ``log(baseline)``). Visits where an arm has
    fewer than 2 subjects (or, single-arm, the visit fewer than 3) are left
    out; the second element says what was left out.

    Examples
    --------
    >>> t = __import__("msc_dash").load_sample("two_arm")
    >>> frame, notes = analysis_frame(t, "T25FW", ["MSC-NP", "Saline"])
    >>> bool(np.allclose(frame["y"], np.log(frame["value"] / frame["baseline"])))
    True
    """
    if changes is None:
        ch = change_frame(trial, outcome)
    else:
        ch = changes[changes["outcome"] == outcome]
    if arms is not None:
        ch = ch[ch["arm"].isin(arms)]
    notes = []
    if trial.outcome(outcome).scale == "log":
        bad = (ch["value"] <= 0) | (ch["baseline"] <= 0)
        if bad.any():
            notes.append(f"{int(bad.sum())} values <= 0 left out (log scale)")
        ch = ch[~bad]
        ch = ch.assign(covariate=np.log(ch["baseline"]), y=np.log(ch["value"] / ch["baseline"]))
    else:
        ch = ch.assign(covariate=ch["baseline"].astype(float), y=ch["change"].astype(float))
    keep = []
    for visit in trial.followup_visits:
        at = ch[ch["visit"] == visit]
        if at.empty:
            continue
        counts = at["arm"].value_counts()
        enough = (len(at) >= 3) if arms is None else all(counts.get(a, 0) >= 2 for a in arms)
        if enough:
            keep.append(visit)
        else:
            notes.append(f"{visit} left out ({len(at)} subjects: too few per arm)")
    ch = ch[ch["visit"].isin(keep)]
    ch = ch.assign(visit=pd.Categorical(ch["visit"], categories=keep, ordered=True))
    return ch.sort_values(["subject_id", "visit"]).reset_index(drop=True), notes


def _design(frame: pd.DataFrame, treatment: str | None) -> tuple[np.ndarray, float]:
    """Cell-means design: per visit an intercept, a centred-baseline slope and an arm effect.

    The same column space as R's ``~ baseline * visit + arm * visit``; with the
    covariate centred at the subjects' mean baseline, the intercepts are the
    control arm's LS means and the arm columns the contrasts.
    """
    v = len(frame["visit"].cat.categories)
    j = frame["visit"].cat.codes.to_numpy()
    cbar = float(frame.groupby("subject_id", observed=True)["covariate"].first().mean())
    blocks = [np.ones(len(frame)), frame["covariate"].to_numpy() - cbar]
    if treatment is not None:
        blocks.append((frame["arm"] == treatment).to_numpy(dtype=float))
    X = np.zeros((len(frame), v * len(blocks)))
    for b, col in enumerate(blocks):
        X[np.arange(len(frame)), b * v + j] = col
    return X, cbar


def _fit(frame, treatment, covariance) -> tuple[REMLFit, list[str], float]:
    """REML fit with the fallback order, the structures that failed, the mean baseline."""
    X, cbar = _design(frame, treatment)
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ValueError("the model is not estimable (a baseline value is constant at a visit)")
    subj = pd.factorize(frame["subject_id"])[0]
    visit = frame["visit"].cat.codes.to_numpy()
    v = len(frame["visit"].cat.categories)
    failed, fit = [], None
    for structure in [covariance] + [s for s in FALLBACK if s != covariance]:
        fit = fit_reml(frame["y"].to_numpy(), X, subj, visit, v, structure)
        if fit.converged:
            return fit, failed, cbar
        failed.append(structure)
    return fit, failed, cbar


def _rows(fit: REMLFit, C: np.ndarray, ci: float) -> pd.DataFrame:
    est, se, df = fit.satterthwaite(C)
    with np.errstate(all="ignore"):
        q = stats.t.ppf(0.5 + ci / 2, df)
        p = 2 * stats.t.sf(np.abs(est / se), df)
    return pd.DataFrame(dict(estimate=est, se=se, df=df, ci_low=est - q * se,
                             ci_high=est + q * se, p=p))


def _with_ratio(frame: pd.DataFrame, log: bool) -> pd.DataFrame:
    if log:
        frame = frame.assign(ratio=np.exp(frame["estimate"]), ratio_low=np.exp(frame["ci_low"]),
                             ratio_high=np.exp(frame["ci_high"]))
    return frame


def _tables(fit, frame, treatment, control, ci, log) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contrasts (treatment - control per visit) and LS means (per arm x visit)."""
    visits = list(frame["visit"].cat.categories)
    v, k = len(visits), len(fit.beta)
    n = frame.groupby(["visit", "arm"], observed=True)["subject_id"].nunique()
    arms = [control, treatment] if treatment is not None else [frame["arm"].iloc[0]]
    keys, C = [], []
    for j, visit in enumerate(visits):
        for arm in arms:
            c = np.zeros(k)
            c[j] = 1.0
            if arm == treatment:
                c[2 * v + j] = 1.0
            keys.append(dict(arm=arm, visit=visit, n=int(n.get((visit, arm), 0))))
            C.append(c)
    ls = pd.concat([pd.DataFrame(keys), _rows(fit, np.array(C), ci).drop(columns="p")], axis=1)
    cols = ["visit", "n_treatment", "n_control", "estimate", "se", "df", "ci_low", "ci_high", "p"]
    con = pd.DataFrame(columns=cols)
    if treatment is not None:
        C = np.zeros((v, k))
        C[np.arange(v), 2 * v + np.arange(v)] = 1.0
        head = pd.DataFrame(dict(visit=visits,
                                 n_treatment=[int(n.get((x, treatment), 0)) for x in visits],
                                 n_control=[int(n.get((x, control), 0)) for x in visits]))
        con = pd.concat([head, _rows(fit, C, ci)], axis=1)[cols]
    return _with_ratio(con, log), _with_ratio(ls, log)


def mmrm(trial: Trial, outcome: str, *, treatment: str | None = None,
         control: str | None = None, covariance: str = "unstructured",
         ci: float = 0.95, changes: pd.DataFrame | None = None) -> MMRMResult:
    """Fit the MMRM of ``outcome``: treatment vs control at each follow-up visit.

    Parameters
    ----------
    trial : Trial
    outcome : str
        Outcome code.
    treatment, control : str, optional
        Arms to compare. Both omitted: a single-arm trial fits
        ``y ~ baseline * visit`` (the LS means are the mean change per visit
        from all subjects); a trial with arms compares :func:`default_arms`.
    covariance : {"unstructured", "compound_symmetry", "ar1", "toeplitz"}
        Within-subject covariance over the follow-up visits; if it does not
        converge the others are tried in the order of :data:`FALLBACK`.
    ci : float
        Confidence level.
    changes : pandas.DataFrame, optional
        :func:`change_table` of ``trial``, when fitting many outcomes.

    Returns
    -------
    MMRMResult

    Raises
    ------
    ValueError
        Unknown arm or covariance, or no estimable model (too few subjects).

    Examples
    --------
    >>> import msc_dash
    >>> res = mmrm(msc_dash.load_sample("two_arm"), "SDMT")
    >>> res.treatment, res.control, res.covariance, res.converged
    ('MSC-NP', 'Saline', 'unstructured', True)
    >>> res.contrasts.columns.tolist()[:5]
    ['visit', 'n_treatment', 'n_control', 'estimate', 'se']
    """
    if covariance not in COVARIANCES:
        raise ValueError(f"covariance must be one of {COVARIANCES}, not {covariance!r}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, not {ci!r}")
    if outcome not in trial.outcomes:
        raise ValueError(f"{outcome!r} is not an outcome of this trial")
    single = treatment is None and control is None and trial.is_single_arm
    if not single:
        treatment, control = _arms(trial, treatment, control)
    log = trial.outcome(outcome).scale == "log"
    frame, notes = analysis_frame(trial, outcome, None if single else [treatment, control],
                                  changes=changes)
    if frame.empty or frame["subject_id"].nunique() < 3:
        raise ValueError(f"{outcome}: too few subjects with a baseline and a follow-up value")
    fit, failed, cbar = _fit(frame, None if single else treatment, covariance)
    con, ls = _tables(fit, frame, None if single else treatment, control, ci, log)
    visits = list(frame["visit"].cat.categories)
    res = dict(outcome=outcome, scale="log" if log else "linear",
               treatment=None if single else treatment, control=None if single else control,
               contrasts=con, lsmeans=ls, n_subjects=int(frame["subject_id"].nunique()),
               n_observations=len(frame), covariance=fit.structure,
               requested_covariance=covariance, converged=fit.converged, aic=fit.aic,
               loglik=fit.loglik, note="; ".join(notes), mean_baseline=cbar,
               sigma=pd.DataFrame(fit.sigma, index=visits, columns=visits))
    return MMRMResult(methods_text=_methods(trial, res, failed, frame, ci), **res)


def _arms(trial: Trial, treatment, control) -> tuple[str, str]:
    if len(trial.arms) < 2:
        raise ValueError("a between-arm MMRM needs two arms; omit treatment and control "
                         "for the single-arm model")
    if treatment is None and control is None:
        return default_arms(trial.arms)
    if treatment is None or control is None:
        if treatment is None:
            treatment = next(a for a in trial.arms if a != control)
        else:
            control = next(a for a in trial.arms if a != treatment)
    _check_arms(trial, treatment, control)
    return treatment, control


def _methods(trial, res: dict, failed: list[str], frame: pd.DataFrame, ci: float) -> str:
    out = trial.outcome(res["outcome"])
    per_visit = frame.groupby("visit", observed=True)["subject_id"].nunique()
    counts = ", ".join(f"{v} {n}" for v, n in per_visit.items())
    if res["scale"] == "log":
        y = (f"the change from baseline in log {out.label} (log value minus log baseline), "
             "with log baseline as covariate; estimates are back-transformed to ratios")
    else:
        y = f"the change from baseline in {out.label}, with the baseline value as covariate"
    arm = "" if res["treatment"] is None else ", arm, arm-by-visit"
    cov = _NAMES[res["covariance"]]
    if failed:
        cov += (f" (the pre-specified {_NAMES[failed[0]]} structure did not converge; "
                "fallback order: compound symmetry, AR(1), Toeplitz)")
    if not res["converged"]:
        cov += "; no structure converged and the estimates are unreliable"
    if res["treatment"] is None:
        estimand = ("The estimand is the mean change from baseline at each visit "
                    "(treatment policy)")
    else:
        estimand = (f"The estimand is the treatment-policy difference between {res['treatment']} "
                    f"and {res['control']} in the change from baseline at each visit")
    return (f"{out.label} was analysed with a mixed model for repeated measures (MMRM) of {y}. "
            f"Fixed effects were visit, baseline, baseline-by-visit{arm}; the within-subject "
            f"covariance was {cov}, fitted by restricted maximum likelihood (REML), with "
            f"Satterthwaite degrees of freedom and {ci:.0%} confidence intervals. "
            f"{estimand}; intercurrent events and missed visits are handled as missing at "
            f"random, without imputation. All {res['n_subjects']} subjects with a baseline and "
            f"at least one follow-up value contributed ({res['n_observations']} observations; "
            f"subjects per visit: {counts}). Least-squares means are at the mean baseline.")


def mmrm_table(trial: Trial, treatment: str, control: str, *, covariance: str = "unstructured",
               settings: AnalysisSettings | None = None) -> pd.DataFrame:
    """MMRM contrasts of every outcome x follow-up visit in one frame.

    Parameters
    ----------
    trial : Trial
    treatment, control : str
    covariance : see :func:`mmrm`
    settings : msc_dash.settings.AnalysisSettings, optional
        ``ci``, the level of the intervals, and ``padjust``, the multiplicity
        adjustment of ``p`` across the outcomes at each visit (the family of
        the effect table); default: the defaults.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MMRM_COLUMNS`: the contrast columns of
        :attr:`MMRMResult.contrasts` per outcome x visit, ``p_adjusted``,
        ``favours`` (the arm the estimate favours given the outcome's
        direction), ``sd`` (the model's residual SD of the change at the
        visit) and ``std_estimate``, ``std_ci_low``, ``std_ci_high`` (the
        contrast and CI divided by ``sd``, turned so that positive favours
        ``treatment``: one scale for a forest of all outcomes);
        ``estimable`` False with a ``note`` where an outcome has no model.

    Examples
    --------
    >>> import msc_dash
    >>> t = msc_dash.load_sample("two_arm")
    >>> tab = mmrm_table(t, "MSC-NP", "Saline")
    >>> tab.groupby("visit", sort=False).size().tolist()
    [6, 6, 6]
    """
    from .effects import _adjust

    settings = settings or AnalysisSettings()
    ci, padjust = settings.ci, settings.padjust
    _arms(trial, treatment, control)
    days = trial.visit_days
    rows = []
    changes = change_table(trial)
    for code in trial.outcomes:
        out = trial.outcome(code)
        base = dict(outcome=code, domain=out.domain, scale=out.scale, treatment=treatment,
                    control=control)
        try:
            res = mmrm(trial, code, treatment=treatment, control=control,
                       covariance=covariance, ci=ci, changes=changes)
        except ValueError as err:
            rows.append(dict(base, estimable=False, note=str(err), converged=False))
            continue
        for r in res.contrasts.to_dict("records"):
            better = out.sign * r["estimate"]
            favours = treatment if better > 0 else control if better < 0 else ""
            sd = float(np.sqrt(res.sigma.loc[r["visit"], r["visit"]]))
            lo, hi = sorted((out.sign * r["ci_low"] / sd, out.sign * r["ci_high"] / sd))
            rows.append(dict(base, **r, day=float(days[r["visit"]]), favours=favours, sd=sd,
                             std_estimate=better / sd, std_ci_low=lo, std_ci_high=hi,
                             covariance=res.covariance, converged=res.converged,
                             n_subjects=res.n_subjects, estimable=bool(np.isfinite(r["p"])),
                             note=res.note))
    table = pd.DataFrame(rows).reindex(columns=list(MMRM_COLUMNS))
    table["visit"] = table["visit"].astype(object)
    adj = np.full(len(table), np.nan)
    p = table["p"].to_numpy(dtype=float)
    for idx in table.groupby("visit", sort=False).indices.values():
        adj[idx] = _adjust(p[idx], padjust)
    table["p_adjusted"] = adj
    table["note"] = table["note"].fillna("")
    return table.astype({"estimable": bool, "converged": bool})
