"""Crossover analysis: the within-subject treatment effect across periods.

Each subject contributes one response per treatment period: by default the
change from the period's first to its last assessment (the log ratio
``log(last / first)`` for log-scale outcomes of the registry), or, with
``response="end"``, the period's last value (log value) with the study
baseline as a covariate. The responses are analysed with the linear mixed model
``y ~ sequence + period + treatment (+ baseline) + (1 | subject)`` fitted by
REML (:mod:`msc_dash.lmm`), with Satterthwaite degrees of freedom as lmerTest
reports them. The sequence effect is the test of carryover (Grizzle 1965;
judged at the 10% level because it is a between-subject test with little
power); the period-1-only comparison is a parallel-group analysis free of
carryover, shown beside the crossover estimate.
"""

from __future__ import annotations

import re
import sys
import types
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._lazy import stats
from .errors import TrialDataError
from .lmm import fit_random_intercept
from .periods import sequences
from .trial import Trial

__all__ = ["CrossoverResult", "crossover", "period_data", "treatments", "ae_incidence",
           "CARRYOVER_ALPHA"]

#: Carryover p below this earns a warning (Grizzle's test is judged at 10%).
CARRYOVER_ALPHA = 0.10

_CONTROL = re.compile(r"sham|placebo|saline|control|vehicle|none|standard", re.I)


def treatments(trial: Trial) -> tuple[str, str]:
    """``(treatment, control)`` guessed from the periods (control: sham, placebo...).

    Examples
    --------
    >>> from msc_dash.io import load_sample
    >>> treatments(load_sample("crossover"))
    ('MSC', 'Sham')
    """
    names = list(pd.unique(trial.periods["treatment"]))
    if len(names) < 2:
        raise TrialDataError("The trial has no periods with two treatments, so there is no "
                             "crossover to analyse. Add a periods table or a `sequence` "
                             "column (see the Data page).")
    controls = [n for n in names if _CONTROL.search(n)]
    control = controls[0] if controls else sorted(names)[-1]
    treatment = next(n for n in names if n != control)
    return treatment, control


def _log(values: pd.Series, outcome: str) -> pd.Series:
    if (values <= 0).any():
        raise TrialDataError(
            f"{outcome}: {int((values <= 0).sum())} value(s) are zero or negative, so its "
            "log-scale crossover analysis is not defined. Correct those values.")
    return np.log(values)


def period_data(trial: Trial, outcome: str, *, washout_days: float = 0,
                response: str = "change") -> pd.DataFrame:
    """One row per subject and period with the analysed response ``y``.

    A period's first assessment is its pre-dose value: the last one on or
    before the period's start day (and after the previous period's start), else
    the first inside the period; its last assessment is the last one after the
    start and on or before the end day. So the crossover visit ends one period
    and starts the next. With ``washout_days``, a later period's first
    assessment is the first on or after ``start + washout_days``.
    ``response="change"``: ``y`` = last minus first assessment;
    ``"end"``: ``y`` = the last assessment, and ``baseline`` = the subject's
    first assessment of the study. Log-scale outcomes are analysed as logs.

    Returns
    -------
    DataFrame
        ``subject_id, sequence, period, treatment, y, first_day, last_day,
        first_value, last_value, baseline``.

    Examples
    --------
    >>> from msc_dash.io import load_sample
    >>> d = period_data(load_sample("crossover"), "EDSS")
    >>> d.columns.tolist()[:5]
    ['subject_id', 'sequence', 'period', 'treatment', 'y']
    """
    if response not in ("change", "end"):
        raise ValueError("response must be 'change' or 'end'")
    if not trial.has_periods:
        raise TrialDataError("The trial has no treatment periods.")
    log = trial.outcome(outcome).scale == "log"
    m = trial.measurements[trial.measurements["outcome"] == outcome]
    m = m.dropna(subset=["value", "day"])[["subject_id", "day", "value"]]
    seq = sequences(trial.periods)
    if "sequence" in trial.subjects:  # the randomised sequence, also for dropouts
        given = trial.subjects.set_index("subject_id")["sequence"].dropna().astype(str)
        seq = given.combine_first(seq)
    per = trial.periods.sort_values(["subject_id", "period"], kind="stable")
    prev = per.groupby("subject_id")["start_day"].shift().fillna(-np.inf)
    later = per["period"] > per.groupby("subject_id")["period"].transform("min")
    per = per.assign(prev_start=prev, lo=per["start_day"] + np.where(later, washout_days, 0),
                     washed=later & (washout_days > 0))
    p = per.merge(m, on="subject_id", how="inner").sort_values(
        ["subject_id", "period", "day"], kind="stable")
    keys = ["subject_id", "period", "treatment"]
    inside = p[(p["day"] > p["start_day"]) & (p["day"] >= p["lo"]) & (p["day"] <= p["end_day"])]
    pre = p[(p["day"] <= p["start_day"]) & (p["day"] > p["prev_start"]) & ~p["washed"]]
    first = pre.groupby(keys).last()[["day", "value"]]
    start_rows = inside.groupby(keys).first()[["day", "value"]]
    first = first.combine_first(start_rows)  # no pre-dose value: first one inside
    last = inside.groupby(keys).last()[["day", "value"]]
    out = first.add_prefix("first_").join(last.add_prefix("last_"), how="inner")
    out = out.reset_index()
    base = m.sort_values("day", kind="stable").groupby("subject_id")["value"].first()
    out["baseline"] = out["subject_id"].map(base)
    if response == "change":
        out = out[out["last_day"] > out["first_day"]].copy()
        if log:
            out["y"] = _log(out["last_value"], outcome) - _log(out["first_value"], outcome)
        else:
            out["y"] = out["last_value"] - out["first_value"]
    else:
        out["y"] = _log(out["last_value"], outcome) if log else out["last_value"]
        if log:
            out["baseline"] = _log(out["baseline"], outcome)
    out.insert(1, "sequence", out["subject_id"].map(seq))
    cols = ["subject_id", "sequence", "period", "treatment", "y", "first_day", "last_day",
            "first_value", "last_value", "baseline"]
    return out[cols].sort_values(["subject_id", "period"]).reset_index(drop=True)


@dataclass(frozen=True)
class CrossoverResult:
    """The crossover estimate of ``treatment`` minus ``control`` (see :func:`crossover`).

    On the log scale ``estimate`` is a log ratio and ``ratio``, ``ratio_low``,
    ``ratio_high`` its exponent (the ratio of geometric mean changes); otherwise
    these are NaN. ``period1_*`` describe the period-1-only parallel comparison.
    ``hedges_g`` is the estimate over the SD of a within-subject difference
    (``sqrt(2) * residual SD``), small-sample corrected with the model's df.
    """

    outcome: str
    treatment: str
    control: str
    response: str
    log_scale: bool
    estimate: float
    se: float
    df: float
    p: float
    ci_low: float
    ci_high: float
    ratio: float
    ratio_low: float
    ratio_high: float
    carryover_p: float
    carryover_df: float
    period_p: float
    period_df: float
    period1_estimate: float
    period1_se: float
    period1_df: float
    period1_p: float
    period1_ci_low: float
    period1_ci_high: float
    hedges_g: float
    sd_subject: float
    sd_residual: float
    n_subjects: int
    n_both: int
    n_observations: int
    n_period1: int
    washout_days: float
    ci: float
    methods_text: str
    data: pd.DataFrame = field(repr=False)

    @property
    def carryover_warning(self) -> str | None:
        """A sentence when the carryover test is below :data:`CARRYOVER_ALPHA`."""
        if not self.carryover_p < CARRYOVER_ALPHA:
            return None
        return (f"Possible carryover: the sequence effect has p = {self.carryover_p:.3f} "
                f"(below {CARRYOVER_ALPHA:g}). The period-1 comparison, free of carryover, "
                "is the safer estimate.")

    def table(self) -> pd.DataFrame:
        """The estimates for display: crossover and period-1 rows.

        Columns ``analysis, n, estimate, ci_low, ci_high, se, df, p`` (ratio
        columns added on the log scale).
        """
        rows = [{"analysis": "Crossover (within-subject, mixed model)",
                 "n": self.n_subjects, "estimate": self.estimate, "ci_low": self.ci_low,
                 "ci_high": self.ci_high, "se": self.se, "df": self.df, "p": self.p},
                {"analysis": "Period 1 only (parallel groups)", "n": self.n_period1,
                 "estimate": self.period1_estimate, "ci_low": self.period1_ci_low,
                 "ci_high": self.period1_ci_high, "se": self.period1_se,
                 "df": self.period1_df, "p": self.period1_p}]
        out = pd.DataFrame(rows)
        if self.log_scale:
            for col in ("estimate", "ci_low", "ci_high"):
                out[col.replace("estimate", "ratio").replace("ci_", "ratio_")] = np.exp(
                    out[col])
        return out


def _design(d: pd.DataFrame, treatment: str, control: str, adjust: bool):
    """Columns: intercept, sequence, period, treatment dummies (+ baseline)."""
    cols = {"(Intercept)": np.ones(len(d))}
    names: dict[str, list[str]] = {}
    levels = {"sequence": sorted(pd.unique(d["sequence"])),
              "period": sorted(pd.unique(d["period"])),
              "treatment": [control] + sorted(t for t in pd.unique(d["treatment"])
                                              if t != control)}
    for factor, lev in levels.items():
        names[factor] = []
        for value in lev[1:]:
            name = f"{factor}[{value}]"
            cols[name] = (d[factor] == value).to_numpy(float)
            names[factor].append(name)
    if adjust:
        cols["baseline"] = d["baseline"].to_numpy(float)
    X = pd.DataFrame(cols)
    return X, names, f"treatment[{treatment}]"


def _ols_period1(d: pd.DataFrame, treatment: str, control: str, adjust: bool, ci: float):
    d1 = d[d["period"] == d.groupby("subject_id")["period"].transform("min")]
    d1 = d1[(d1["period"] == d["period"].min()) & d1["treatment"].isin([treatment, control])]
    nan = dict.fromkeys(("estimate", "se", "df", "p", "ci_low", "ci_high"), np.nan)
    if d1["treatment"].nunique() < 2:
        return nan, len(d1)
    X = np.column_stack([np.ones(len(d1)), (d1["treatment"] == treatment).to_numpy(float)]
                        + ([d1["baseline"].to_numpy(float)] if adjust else []))
    y = d1["y"].to_numpy(float)
    df = len(y) - X.shape[1]
    if df < 1 or np.linalg.matrix_rank(X) < X.shape[1]:
        return nan, len(d1)
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    s2 = np.sum((y - X @ beta) ** 2) / df
    se = float(np.sqrt(s2 * np.linalg.inv(X.T @ X)[1, 1]))
    q = stats.t.ppf(0.5 + ci / 2, df)
    est = float(beta[1])
    return {"estimate": est, "se": se, "df": float(df),
            "p": float(2 * stats.t.sf(abs(est / se), df)),
            "ci_low": est - q * se, "ci_high": est + q * se}, len(d1)


def crossover(trial: Trial, outcome: str, *, treatment: str | None = None,
              control: str | None = None, washout_days: float = 0,
              response: str = "change", ci: float = 0.95) -> CrossoverResult:
    """The within-subject effect of ``treatment`` vs ``control`` in a crossover trial.

    Parameters
    ----------
    trial : Trial
        A trial with periods (``trial.has_periods``).
    outcome : str
        Outcome code.
    treatment, control : str, optional
        Treatment names of the periods; default :func:`treatments`.
    washout_days : float
        Days after the start of each later period whose assessments are left
        out (the period's first assessment is then the first after the washout).
    response : {"change", "end"}
        Change within each period (default), or the period's end value adjusted
        for the study baseline.
    ci : float
        Confidence level.

    Returns
    -------
    CrossoverResult

    Examples
    --------
    >>> from msc_dash.io import load_sample
    >>> r = crossover(load_sample("crossover"), "T25FW")
    >>> r.treatment, r.control, r.log_scale, r.n_subjects
    ('MSC', 'Sham', True, 48)
    >>> bool(r.ratio < 1)  # walking faster after MSC than after sham
    True
    """
    if treatment is None or control is None:
        guess_t, guess_c = treatments(trial)
        treatment, control = treatment or guess_t, control or guess_c
    log = trial.outcome(outcome).scale == "log"
    d = period_data(trial, outcome, washout_days=washout_days, response=response)
    known = set(trial.periods["treatment"])
    for name in (treatment, control):
        if name not in known:
            raise TrialDataError(f"`{name}` is not a treatment of the periods; choose one "
                                 f"of {', '.join(sorted(known))}.")
    adjust = response == "end"
    if adjust:
        d = d.dropna(subset=["baseline"])
    if not ((d["treatment"] == treatment).any() and (d["treatment"] == control).any()):
        raise TrialDataError(f"{outcome}: no period has both {treatment} and {control} "
                             "responses, so the crossover effect is not estimable.")
    X, names, coef = _design(d, treatment, control, adjust)
    try:
        fit = fit_random_intercept(X.to_numpy(), d["y"].to_numpy(), d["subject_id"])
    except ValueError as exc:
        raise TrialDataError(f"{outcome}: the crossover model cannot be fitted ({exc}); "
                             "each sequence needs subjects with both periods.") from exc
    cols = list(X.columns)
    eye = np.eye(len(cols))
    main = fit.t_test(eye[cols.index(coef)])
    q = stats.t.ppf(0.5 + ci / 2, main["df"])
    lo, hi = main["estimate"] - q * main["se"], main["estimate"] + q * main["se"]

    def factor_test(factor):
        rows = [eye[cols.index(n)] for n in names[factor]]
        return fit.f_test(rows) if rows else {"p": np.nan, "df2": np.nan}

    carry, period = factor_test("sequence"), factor_test("period")
    p1, n1 = _ols_period1(d, treatment, control, adjust, ci)
    J = 1 - 3 / (4 * main["df"] - 1)
    g = J * main["estimate"] / np.sqrt(2 * fit.s2)
    counts = d.groupby("subject_id").size()
    ratio = (np.exp(main["estimate"]), np.exp(lo), np.exp(hi)) if log else (np.nan,) * 3
    res = dict(
        outcome=outcome, treatment=treatment, control=control, response=response,
        log_scale=log, estimate=main["estimate"], se=main["se"], df=main["df"],
        p=main["p"], ci_low=lo, ci_high=hi, ratio=ratio[0], ratio_low=ratio[1],
        ratio_high=ratio[2], carryover_p=carry["p"], carryover_df=carry["df2"],
        period_p=period["p"], period_df=period["df2"],
        period1_estimate=p1["estimate"], period1_se=p1["se"], period1_df=p1["df"],
        period1_p=p1["p"], period1_ci_low=p1["ci_low"], period1_ci_high=p1["ci_high"],
        hedges_g=float(g), sd_subject=float(np.sqrt(fit.s2_subject)),
        sd_residual=float(np.sqrt(fit.s2)), n_subjects=int(len(counts)),
        n_both=int((counts >= 2).sum()), n_observations=int(len(d)), n_period1=n1,
        washout_days=float(washout_days), ci=ci, data=d)
    return CrossoverResult(methods_text=_methods(res), **res)


def _methods(r: dict) -> str:
    what = ("the change from the first to the last assessment of each period"
            if r["response"] == "change" else
            "the last assessment of each period, adjusted for the study baseline")
    scale = " on the log scale (log ratio)" if r["log_scale"] else ""
    washout = (f"; assessments in the first {r['washout_days']:g} days of the second "
               "period were left out as washout" if r["washout_days"] else "")
    pct = f"{r['ci'] * 100:g}%"
    return (
        f"The within-subject effect of {r['treatment']} versus {r['control']} on "
        f"{r['outcome']} was estimated from {what}{scale}{washout}, with a linear mixed "
        "model with fixed effects of sequence, period and treatment"
        + (" and the baseline value" if r["response"] == "end" else "")
        + " and a random intercept per subject, fitted by REML; degrees of freedom by "
        f"Satterthwaite's method ({pct} confidence intervals). {r['n_subjects']} subjects "
        f"contributed {r['n_observations']} period responses ({r['n_both']} with both "
        "periods). Carryover was assessed by the sequence effect (p = "
        f"{r['carryover_p']:.3f}; judged at the 10% level) and the period effect tested "
        f"(p = {r['period_p']:.3f}). As a carryover-free sensitivity analysis, the first "
        f"period alone was compared between groups by linear regression ({r['n_period1']} "
        "subjects). Hedges' g divides the effect by the standard deviation of a "
        "within-subject difference (the square root of twice the residual variance).")


def ae_incidence(trial: Trial) -> pd.DataFrame:
    """Adverse events by the treatment received when they started.

    Each event counts for the period its onset falls in (see
    :func:`msc_dash.periods.assign`); events outside every period are left out
    (``unassigned`` in the attrs). One row per term and treatment, with an
    ``Any adverse event`` row first.

    Returns
    -------
    DataFrame
        ``term, treatment, n_subjects`` (with the event), ``n_exposed``
        (subjects with a period on that treatment), ``pct``, ``n_events``,
        ``patient_years`` (days in those periods / 365.25), ``per_100py``.

    Examples
    --------
    >>> from msc_dash.io import load_sample
    >>> t = ae_incidence(load_sample("crossover"))
    >>> t[t["term"] == "Any adverse event"][["treatment", "n_exposed"]].to_numpy().tolist()
    [['MSC', 47], ['Sham', 46]]
    """
    per = trial.periods
    exposed = per.groupby("treatment")["subject_id"].nunique()
    years = (per["end_day"] - per["start_day"]).groupby(per["treatment"]).sum() / 365.25
    ae = trial.adverse_events
    if "period_treatment" in ae:
        assigned = ae.dropna(subset=["period_treatment"])
    else:
        assigned = ae.iloc[0:0].assign(period_treatment=pd.Series(dtype=object))
    rows = []
    terms = ["Any adverse event"] + list(assigned["term"].value_counts().index)
    for term in terms:
        sub = assigned if term == "Any adverse event" else assigned[assigned["term"] == term]
        for trt in exposed.index:
            ev = sub[sub["period_treatment"] == trt]
            n = ev["subject_id"].nunique()
            rows.append({"term": term, "treatment": trt, "n_subjects": int(n),
                         "n_exposed": int(exposed[trt]), "pct": 100 * n / exposed[trt],
                         "n_events": int(len(ev)), "patient_years": float(years[trt]),
                         "per_100py": 100 * len(ev) / years[trt] if years[trt] > 0
                         else np.nan})
    out = pd.DataFrame(rows)
    out.attrs["unassigned"] = int(len(ae) - len(assigned))
    return out


class _CallableModule(types.ModuleType):
    """``msc_dash.crossover(trial, ...)`` calls :func:`crossover` (the issue's API), while
    ``msc_dash.crossover`` stays this module for ``from msc_dash.crossover import ...``."""

    def __call__(self, *args, **kwargs) -> CrossoverResult:
        return crossover(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
