"""Between-arm comparisons for two-arm trials.

:func:`compare_arms` gives, per outcome x follow-up visit, Hedges' g of the
change from baseline between two arms (positive = favours ``treatment``) with
a seeded BCa bootstrap interval, and an ANCOVA of the value at the visit on
arm and baseline value (treatment minus control, raw units).
:func:`mixed_anova_table` gives an arm x visit mixed ANOVA per outcome.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd

from ._lazy import stats
from .settings import AnalysisSettings
from .trial import Trial

__all__ = ["compare_arms", "mixed_anova_table", "default_arms", "change_frame", "hedges_g_independent",
           "hedges_g_analytic_ci", "ancova_difference", "COMPARE_COLUMNS", "ANOVA_COLUMNS",
           "ANALYTIC_N"]

#: Above this many subjects (both arms together) the CI of g is analytic, not bootstrapped.
ANALYTIC_N = 1000

#: Columns of :func:`compare_arms`, in order.
COMPARE_COLUMNS = (
    "outcome", "domain", "visit", "day", "n_treatment", "n_control",
    "hedges_g", "hedges_g_ci_low", "hedges_g_ci_high",
    "adjusted_difference", "adjusted_ci_low", "adjusted_ci_high", "p_ancova",
    "scale", "ratio", "ratio_ci_low", "ratio_ci_high",
    "treatment", "control", "ci_method", "estimable", "note",
)

#: Columns of :func:`mixed_anova_table`, in order.
ANOVA_COLUMNS = ("outcome", "domain", "source", "ss", "df1", "df2", "ms", "f", "p_unc",
                 "p_gg", "np2", "eps", "scale", "n_treatment", "n_control", "n_visits", "note")

# pingouin.mixed_anova column -> ours (identifiers, as in docs/architecture.md)
_ANOVA_RENAME = {"Source": "source", "SS": "ss", "DF1": "df1", "DF2": "df2", "MS": "ms",
                 "F": "f", "p-unc": "p_unc", "p_unc": "p_unc", "p-GG-corr": "p_gg",
                 "p_GG_corr": "p_gg", "np2": "np2", "eps": "eps"}


def change_frame(trial: Trial, outcome: str) -> pd.DataFrame:
    """Per subject x follow-up visit: baseline, value at the visit and change.

    The baseline is the subject's measurement at day 0 (mean if repeated);
    repeated measurements within one visit are averaged.

    Returns
    -------
    pandas.DataFrame
        Columns ``subject_id``, ``arm``, ``visit``, ``baseline``, ``value``,
        ``change``; only rows with both a baseline and a value.

    Examples
    --------
    >>> m = pd.DataFrame({"subject_id": ["a", "a", "b", "b"], "visit": ["BL", "M6"] * 2,
    ...                   "day": [0, 180, 0, 181], "outcome": "EDSS", "value": [6, 5.5, 6.5, 6.5]})
    >>> t = Trial.from_tables(pd.DataFrame({"subject_id": ["a", "b"]}), m)
    >>> change_frame(t, "EDSS")[["subject_id", "visit", "change"]]
      subject_id visit  change
    0          a    M6    -0.5
    1          b    M6     0.0
    """
    m = trial.measurements
    m = m[m["outcome"] == outcome]
    base = m[m["day"] == 0].groupby("subject_id")["value"].mean().rename("baseline")
    follow = m[(m["day"] != 0) & m["visit"].isin(trial.followup_visits)]
    follow = follow.groupby(["subject_id", "visit"], as_index=False, sort=False)["value"].mean()
    out = follow.join(base, on="subject_id").dropna(subset=["baseline", "value"])
    arm = trial.subjects.set_index("subject_id")["arm"]
    out.insert(1, "arm", out["subject_id"].map(arm))
    out["change"] = out["value"] - out["baseline"]
    return out[["subject_id", "arm", "visit", "baseline", "value", "change"]].reset_index(
        drop=True)


def _hedges(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    """Vectorised ``pingouin.compute_effsize(a, b, paired=False, eftype="hedges")``."""
    na, nb = a.shape[axis], b.shape[axis]
    pooled = np.sqrt(((na - 1) * a.var(ddof=1, axis=axis) + (nb - 1) * b.var(ddof=1, axis=axis))
                     / (na + nb - 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (a.mean(axis=axis) - b.mean(axis=axis)) / pooled
    return d * (1 - 3 / (4 * (na + nb) - 9))


def hedges_g_independent(x, y, *, n_boot: int = 2000, seed: int = 0,
                         ci: float = 0.95) -> tuple[float, float, float]:
    """Hedges' g of ``x`` vs ``y`` (independent samples) with a BCa bootstrap CI.

    Identical to ``pingouin.compute_effsize(x, y, eftype="hedges")`` and, for
    the interval, to ``pingouin.compute_bootci(x, y, func="hedges",
    paired=False, method="bca", n_boot=n_boot, seed=seed)`` before its
    rounding: both resample each group independently with
    :func:`scipy.stats.bootstrap`; this one is vectorised.

    Returns
    -------
    tuple of float
        ``(g, ci_low, ci_high)``.

    Examples
    --------
    >>> g, lo, hi = hedges_g_independent([3, 4, 5, 6, 7], [1, 2, 3, 4, 5], n_boot=500)
    >>> round(g, 4)
    1.1425
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    g = float(_hedges(x, y))
    # tiny groups can resample to zero variance (g = inf); the interval is then NaN
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.bootstrap((x, y), _hedges, n_resamples=n_boot, confidence_level=ci,
                              method="BCa", paired=False, vectorized=True, random_state=seed)
    return g, float(res.confidence_interval.low), float(res.confidence_interval.high)


def hedges_g_analytic_ci(g: float, nx: int, ny: int, *, ci: float = 0.95) -> tuple[float, float]:
    """Large-sample CI of an independent-samples g, as ``pingouin.compute_esci``.

    ``g ± t(ci, nx + ny - 2) * sqrt((nx + ny) / (nx ny) + g² / (2 (nx + ny)))``.

    Examples
    --------
    >>> [round(v, 4) for v in hedges_g_analytic_ci(0.5, 30, 30)]
    [-0.0249, 1.0249]
    """
    se = math.sqrt((nx + ny) / (nx * ny) + g**2 / (2 * (nx + ny)))
    crit = float(stats.t.ppf(0.5 + ci / 2, nx + ny - 2))
    return g - crit * se, g + crit * se


def ancova_difference(value, baseline, treated, *, ci: float = 0.95) -> tuple[float, ...]:
    """OLS ``value ~ 1 + treated + baseline``: the coefficient of ``treated``.

    Parameters
    ----------
    value, baseline : array-like of float
        Value at the visit and at baseline, one per subject.
    treated : array-like of bool
        True for the treatment arm.
    ci : float
        Confidence level of the t-based interval.

    Returns
    -------
    tuple of float
        ``(difference, ci_low, ci_high, p)``: the baseline-adjusted
        treatment-minus-control difference and its two-sided t-test p, the
        same as the arm F test of ``pingouin.ancova``.

    Examples
    --------
    >>> d, lo, hi, p = ancova_difference([5, 6, 7, 9, 10, 12], [5, 6, 7, 6, 7, 8],
    ...                                  [False, False, False, True, True, True])
    >>> round(d, 3)
    3.0
    """
    yv = np.asarray(value, dtype=float)
    X = np.column_stack([np.ones_like(yv), np.asarray(treated, dtype=float),
                         np.asarray(baseline, dtype=float)])
    n, k = X.shape
    beta, *_ = np.linalg.lstsq(X, yv, rcond=None)
    resid = yv - X @ beta
    df = n - k
    sigma2 = resid @ resid / df
    cov = sigma2 * np.linalg.pinv(X.T @ X)
    se = float(np.sqrt(cov[1, 1]))
    est = float(beta[1])
    if se == 0 or not np.isfinite(se):
        return est, np.nan, np.nan, np.nan
    q = stats.t.ppf(0.5 + ci / 2, df)
    p = float(2 * stats.t.sf(abs(est / se), df))
    return est, est - q * se, est + q * se, p


_CONTROL_WORDS = re.compile(r"placebo|saline|sham|control|usual|standard|vehicle|untreated",
                            re.IGNORECASE)


def default_arms(arms) -> tuple[str, str]:
    """A sensible (treatment, control) pair: control is the arm named like a control.

    Examples
    --------
    >>> default_arms(["Saline", "MSC-NP"])
    ('MSC-NP', 'Saline')
    >>> default_arms(["IT", "IV", "Sham"])
    ('IT', 'Sham')
    >>> default_arms(["A", "B"])
    ('A', 'B')
    """
    arms = list(arms)
    if len(arms) < 2:
        raise ValueError("`arms` must hold at least two arms")
    controls = [a for a in arms if _CONTROL_WORDS.search(str(a))]
    control = controls[0] if controls else arms[1]
    treatment = next(a for a in arms if a != control)
    return treatment, control


def _check_arms(trial: Trial, treatment: str, control: str) -> None:
    for name, arm in (("treatment", treatment), ("control", control)):
        if arm not in trial.arms:
            raise ValueError(f"`{name}` = {arm!r} is not an arm of this trial; "
                             f"arms present: {trial.arms}")
    if treatment == control:
        raise ValueError("`treatment` and `control` must be two different arms")


def _analysis_scale(ch: pd.DataFrame, log: bool) -> tuple[pd.DataFrame, pd.Series]:
    """Change frame on the analysis scale, and per visit the rows that cannot be logged.

    For a log-scale outcome value and baseline become their natural logs and
    the change the log ratio value / baseline; rows with a value or baseline
    <= 0 are dropped and counted (per visit) so the caller can say why.
    """
    if not log:
        return ch, pd.Series(dtype=int)
    ok = (ch["value"] > 0) & (ch["baseline"] > 0)
    bad = ch.loc[~ok, "visit"].value_counts()
    ch = ch[ok].assign(value=np.log(ch.loc[ok, "value"]), baseline=np.log(ch.loc[ok, "baseline"]))
    return ch.assign(change=ch["value"] - ch["baseline"]), bad


def compare_arms(trial: Trial, treatment: str, control: str, *,
                 settings: AnalysisSettings | None = None) -> pd.DataFrame:
    """Between-arm effects per outcome x follow-up visit, positive = favours ``treatment``.

    Parameters
    ----------
    trial : Trial
        A trial with at least the two arms named.
    treatment, control : str
        Arm labels.
    settings : AnalysisSettings, optional
        Its bootstrap resamples, seed and confidence level are used (default:
        the defaults).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COMPARE_COLUMNS`: ``outcome``, ``domain``, ``visit``,
        ``day`` (the visit's median day), ``n_treatment``, ``n_control``
        (subjects with a change from baseline), ``hedges_g`` and its BCa
        interval (g of change in treatment vs control, sign flipped where lower
        is better; BCa bootstrap, or above :data:`ANALYTIC_N` subjects the
        t-based interval of ``pingouin.compute_esci``), ``adjusted_difference``, ``adjusted_ci_low``,
        ``adjusted_ci_high``, ``p_ancova`` (ANCOVA of the value at the visit
        on arm and baseline: treatment minus control on the analysis scale, not
        sign flipped), ``scale`` (the registry's "linear" or "log"),
        ``ratio``, ``ratio_ci_low``, ``ratio_ci_high`` (log-scale outcomes:
        the exp of the difference, i.e. the baseline-adjusted ratio of
        geometric means, treatment / control; NaN otherwise), ``treatment``,
        ``control``, ``ci_method`` ("bca" or "analytic"), ``estimable`` and
        ``note`` (why a row has no estimate).

        Log-scale outcomes of the registry (T25FW, NHPT, NfL, GFAP) are
        compared on the log scale, as the within-arm tables do: g of the log
        ratio value / baseline, and the ANCOVA of log(value) on arm and
        log(baseline), so ``adjusted_difference`` is a log ratio.

    Notes
    -----
    g = (mean change_T - mean change_C) / SD_pooled x (1 - 3 / (4 (n_T + n_C) - 9)),
    as ``pingouin.compute_effsize(change_T, change_C, eftype="hedges")``; the
    interval resamples each arm independently (``scipy.stats.bootstrap``,
    BCa), as ``pingouin.compute_bootci(..., paired=False, method="bca")``.
    A row needs at least 3 subjects per arm and some variance.

    References
    ----------
    Hedges, L. V. (1981). J Educ Stat 6(2):107-128. doi:10.3102/10769986006002107
    Vickers, A. J., & Altman, D. G. (2001). Analysing controlled trials with
    baseline and follow up measurements. BMJ 323:1123. doi:10.1136/bmj.323.7321.1123

    Examples
    --------
    >>> rows = []
    >>> for i in range(8):
    ...     arm = "MSC" if i < 4 else "Placebo"
    ...     rows += [(f"s{i}", "BL", 0, 40.0 + i), (f"s{i}", "M12", 365, 41.0 + i + (3 if i < 4 else 0) + i % 3 * 1.5)]
    >>> m = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "value"]).assign(outcome="SDMT")
    >>> s = pd.DataFrame({"subject_id": [f"s{i}" for i in range(8)],
    ...                   "arm": ["MSC"] * 4 + ["Placebo"] * 4})
    >>> out = compare_arms(Trial.from_tables(s, m), "MSC", "Placebo",
    ...                    settings=AnalysisSettings(n_boot=200))
    >>> out[["outcome", "visit", "n_treatment", "n_control", "adjusted_difference"]]
      outcome visit  n_treatment  n_control  adjusted_difference
    0    SDMT   M12            4          4                2.325
    """
    _check_arms(trial, treatment, control)
    settings = settings or AnalysisSettings()
    ci = settings.ci
    rows = []
    days = trial.visit_days
    for code in trial.outcomes:
        out = trial.outcome(code)
        ch, bad = _analysis_scale(change_frame(trial, code), out.scale == "log")
        for visit in trial.followup_visits:
            at = ch[ch["visit"] == visit]
            t = at[at["arm"] == treatment]
            c = at[at["arm"] == control]
            if t.empty and c.empty:
                continue
            row = dict(outcome=code, domain=out.domain, visit=visit, day=float(days[visit]),
                       n_treatment=len(t), n_control=len(c), hedges_g=np.nan,
                       hedges_g_ci_low=np.nan, hedges_g_ci_high=np.nan,
                       adjusted_difference=np.nan, adjusted_ci_low=np.nan,
                       adjusted_ci_high=np.nan, p_ancova=np.nan, scale=out.scale,
                       ratio=np.nan, ratio_ci_low=np.nan, ratio_ci_high=np.nan,
                       treatment=treatment, control=control, ci_method="bca",
                       estimable=False, note="")
            ct, cc = t["change"].to_numpy(), c["change"].to_numpy()
            n_bad = int(bad.get(visit, 0))
            if n_bad:
                row["note"] = (f"{n_bad} value(s) ≤ 0 of a log-scale outcome: no ratio "
                               "(the log of zero or a negative value is undefined)")
            elif len(ct) < 3 or len(cc) < 3:
                row["note"] = "n < 3 in an arm"
            elif np.ptp(np.concatenate([ct - ct.mean(), cc - cc.mean()])) == 0:
                row["note"] = "no variance"
            else:
                if len(ct) + len(cc) > ANALYTIC_N:
                    g = float(_hedges(ct, cc))
                    lo, hi = hedges_g_analytic_ci(g, len(ct), len(cc), ci=ci)
                    row["ci_method"] = "analytic"
                else:
                    g, lo, hi = hedges_g_independent(ct, cc, **settings.bootstrap, ci=ci)
                s = out.sign
                lo, hi = sorted((s * lo, s * hi))
                both = pd.concat([t, c])
                diff = ancova_difference(both["value"], both["baseline"],
                                         both["arm"] == treatment, ci=ci)
                row.update(hedges_g=s * g, hedges_g_ci_low=lo, hedges_g_ci_high=hi,
                           adjusted_difference=diff[0], adjusted_ci_low=diff[1],
                           adjusted_ci_high=diff[2], p_ancova=diff[3], estimable=True)
                if out.scale == "log":
                    row.update(ratio=math.exp(diff[0]), ratio_ci_low=np.exp(diff[1]),
                               ratio_ci_high=np.exp(diff[2]))
            rows.append(row)
    frame = pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))
    return frame.astype({"n_treatment": int, "n_control": int, "estimable": bool})


def _mixed_anova(d: pd.DataFrame, visits) -> pd.DataFrame:
    """``pingouin.mixed_anova`` of ``value`` by arm x visit, Greenhouse-Geisser p always.

    The GG epsilon comes from the pooled within-arm covariance of the visits
    and corrects the visit and the arm x visit rows (``p_gg``); with two
    visits it is 1 and ``p_gg`` equals ``p_unc``.
    """
    import pingouin as pg

    # pingouin wants a within factor with a stable order: use visit rank
    d = d.assign(visit=pd.Categorical(d["visit"], categories=visits, ordered=True))
    res = pg.mixed_anova(data=d, dv="value", within="visit", between="arm",
                         subject="subject_id", correction=True)
    res = res.rename(columns=_ANOVA_RENAME)
    if "p_gg" not in res:  # two visits: sphericity holds trivially
        res["p_gg"] = [np.nan, *res["p_unc"].iloc[1:]]
        res["eps"] = [np.nan, 1.0, 1.0]
    res["source"] = res["source"].replace({"Interaction": "arm x visit"})
    return res


def mixed_anova_table(trial: Trial, treatment: str, control: str) -> pd.DataFrame:
    """Arm x visit mixed ANOVA per outcome (``pingouin.mixed_anova``, complete cases).

    Subjects of the two arms with a value at every visit of the outcome enter;
    repeated measurements within a visit are averaged. Visits where fewer
    than half of these subjects were measured are left out first, so one
    sparse visit does not empty the analysis.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ANOVA_COLUMNS`: ``outcome``, ``domain``, ``source``
        ("arm", "visit", "arm x visit"), ``ss``, ``df1``, ``df2``, ``ms``,
        ``f``, ``p_unc``, ``p_gg`` (Greenhouse-Geisser-corrected p of the
        visit and arm x visit rows), ``np2``, ``eps`` (GG epsilon, from the
        pooled within-arm covariance), ``scale`` (log-scale outcomes of the
        registry are analysed as log values), ``n_treatment``,
        ``n_control``, ``n_visits`` and ``note`` (why an outcome has no test).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> rows = [(f"s{i}", v, d, 40 + rng.normal() + (i < 5) * k)
    ...         for i in range(10) for k, (v, d) in enumerate([("BL", 0), ("M6", 180), ("M12", 365)])]
    >>> m = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "value"]).assign(outcome="SDMT")
    >>> s = pd.DataFrame({"subject_id": [f"s{i}" for i in range(10)], "arm": ["A"] * 5 + ["B"] * 5})
    >>> mixed_anova_table(Trial.from_tables(s, m), "A", "B")["source"].tolist()
    ['arm', 'visit', 'arm x visit']
    """
    _check_arms(trial, treatment, control)
    long = trial.long()
    long = long[long["arm"].isin([treatment, control])]
    frames = []
    for code in trial.outcomes:
        scale = trial.outcome(code).scale
        d = long[(long["outcome"] == code) & long["value"].notna()]
        n_bad = int((d["value"] <= 0).sum()) if scale == "log" else 0
        if n_bad:
            frames.append(pd.DataFrame([{
                "outcome": code, "domain": trial.outcome(code).domain, "scale": scale,
                "note": f"{n_bad} value(s) ≤ 0 of a log-scale outcome: no log-scale test"}]))
            continue
        if scale == "log":
            d = d.assign(value=np.log(d["value"]))
        d = d.groupby(["subject_id", "arm", "visit"], as_index=False, sort=False)["value"].mean()
        n_subj = d["subject_id"].nunique()
        counts = d.groupby("visit")["subject_id"].nunique()
        visits = [v for v in trial.visits if counts.get(v, 0) >= max(n_subj / 2, 1)]
        d = d[d["visit"].isin(visits)]
        per = d.groupby("subject_id")["visit"].nunique()
        complete = per.index[per == len(visits)]
        d = d[d["subject_id"].isin(complete)]
        n_t = d.loc[d["arm"] == treatment, "subject_id"].nunique()
        n_c = d.loc[d["arm"] == control, "subject_id"].nunique()
        base = dict(outcome=code, domain=trial.outcome(code).domain, scale=scale,
                    n_treatment=n_t, n_control=n_c, n_visits=len(visits))
        note = ""
        if len(visits) < 2:
            note = "fewer than 2 visits"
        elif n_t < 2 or n_c < 2:
            note = "fewer than 2 complete cases in an arm"
        elif d["value"].var() == 0:
            note = "no variance"
        if note:
            frames.append(pd.DataFrame([{**base, "note": note}]))
            continue
        frames.append(_mixed_anova(d, visits).assign(**base, note=""))
    if not frames:
        return pd.DataFrame(columns=list(ANOVA_COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    for col in ANOVA_COLUMNS:
        if col not in out:
            out[col] = np.nan
    return out[list(ANOVA_COLUMNS)]
