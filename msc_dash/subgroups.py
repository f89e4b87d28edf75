"""Subgroup effects and a test of whether the change differs between subgroups.

:func:`subgroup_levels` splits subjects by one subject variable (categories
as they are; numeric variables at the median or at chosen cut points),
:func:`subgroup_effects` gives the paired Hedges' g per arm x level for one
outcome and visit, and :func:`subgroup_interaction` tests, in a two-arm
trial, whether the between-arm difference varies by subgroup (treatment x
subgroup interaction) and, in a single-arm trial, whether the change differs
between levels (heterogeneity across subgroups). Subgroup analyses are exploratory: see
:data:`MULTIPLICITY_NOTE`.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from ._lazy import stats
from .arms import change_frame
from .effects import ANALYTIC_N
from .effects import _analytic_ci as _paired_analytic_ci  # same large-n CI as effect_sizes
from .settings import AnalysisSettings
from .trial import Trial

__all__ = ["subgroup_levels", "subgroup_effects", "subgroup_interaction", "is_numeric_variable",
           "MULTIPLICITY_NOTE", "INTERACTION_TEST", "INTERACTION_KIND", "HETEROGENEITY_TEST",
           "HETEROGENEITY_KIND", "SUBGROUP_COLUMNS", "INTERACTION_COLUMNS"]

#: The caveat shown beside every subgroup result.
MULTIPLICITY_NOTE = (
    "Subgroup analyses are exploratory. Every extra split is one more test, so some "
    "differences between subgroups will appear by chance alone; no correction for the "
    "number of subgroups examined is applied. Judge a difference by the subgroup test, "
    "not by one subgroup being significant and another not, and confirm it in an "
    "independent trial."
)

#: What the test of a trial with two or more arms is, and how it is computed.
INTERACTION_KIND = "treatment × subgroup interaction"
INTERACTION_TEST = ("F test of the arm × subgroup terms in an OLS model of change from "
                    "baseline (change ~ baseline + arm * subgroup): does the difference "
                    "between arms vary by subgroup?")

#: What the test of a single-arm trial is, and how it is computed.
HETEROGENEITY_KIND = "heterogeneity across subgroups"
HETEROGENEITY_TEST = ("F test of the subgroup terms in an OLS model of change from baseline "
                      "on baseline value and subgroup (change ~ baseline + subgroup)")

#: Columns of :func:`subgroup_effects`.
SUBGROUP_COLUMNS = ("variable", "level", "arm", "outcome", "visit", "n", "change_mean",
                    "hedges_g", "hedges_g_ci_low", "hedges_g_ci_high", "ci_method",
                    "estimable", "note")

#: Columns of :func:`subgroup_interaction`.
INTERACTION_COLUMNS = ("arm", "variable", "outcome", "visit", "n", "n_levels", "f", "df_num",
                       "df_den", "p_interaction", "kind", "test", "estimable", "note")

#: Numeric variables with at most this many distinct values are used as categories.
_FEW_VALUES = 5


def is_numeric_variable(values: pd.Series) -> bool:
    """True when a subject variable is split by value ranges, not by category.

    Examples
    --------
    >>> is_numeric_variable(pd.Series([31, 45, 52, 60, 38, 41]))
    True
    >>> is_numeric_variable(pd.Series([2, 3, 3, 2]))  # few distinct values: categories
    False
    """
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return False
    return values.nunique(dropna=True) > _FEW_VALUES


def _fmt(x: float) -> str:
    return f"{x:g}" if abs(x) >= 1e-3 or x == 0 else f"{x:.3g}"


def subgroup_levels(trial: Trial, variable: str, cuts=None) -> pd.Series:
    """The subgroup level of each subject (missing values left out).

    Parameters
    ----------
    trial : Trial
    variable : str
        A column of ``trial.subjects``.
    cuts : sequence of float, optional
        Cut points for a numeric variable; default: its median. Each level
        includes its upper end ("≤ 50", "50 to 60", "> 60").

    Returns
    -------
    pandas.Series
        Ordered categorical level per subject, indexed by ``subject_id``.

    Examples
    --------
    >>> s = pd.DataFrame({"subject_id": list("abcdef"), "age": [30, 40, 50, 60, 70, 80]})
    >>> m = pd.DataFrame({"subject_id": list("abcdef"), "visit": "BL", "day": 0,
    ...                   "outcome": "EDSS", "value": 6.0})
    >>> t = Trial.from_tables(s, m)
    >>> subgroup_levels(t, "age").tolist()
    ['≤ 55', '≤ 55', '≤ 55', '> 55', '> 55', '> 55']
    >>> subgroup_levels(t, "age", cuts=[45, 65]).tolist()
    ['≤ 45', '≤ 45', '45 to 65', '45 to 65', '> 65', '> 65']
    """
    if variable not in trial.subjects or variable == "subject_id":
        raise KeyError(f"`{variable}` is not a subject variable; "
                       f"choose one of {trial.subject_variables}")
    col = trial.subjects.set_index("subject_id")[variable]
    col = col[col.notna()]
    if cuts is not None or is_numeric_variable(col):
        num = pd.to_numeric(col, errors="coerce").dropna()
        if cuts is None or len(cuts) == 0:
            cuts = [float(num.median())] if len(num) else []
        cuts = sorted({float(c) for c in cuts if c is not None and math.isfinite(float(c))})
        if not cuts:
            raise ValueError(f"`cuts` for `{variable}` must hold at least one finite number")
        edges = [-np.inf, *cuts, np.inf]
        labels = [f"≤ {_fmt(cuts[0])}"]
        labels += [f"{_fmt(a)} to {_fmt(b)}" for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
        labels.append(f"> {_fmt(cuts[-1])}")
        return pd.cut(num, edges, right=True, labels=labels).rename("level")
    text = col.astype(str)
    order = sorted(pd.unique(text), key=lambda v: (pd.to_numeric(v, errors="coerce"), v)
                   if pd.notna(pd.to_numeric(v, errors="coerce")) else (np.inf, v))
    return pd.Series(pd.Categorical(text, categories=order, ordered=True), index=col.index,
                     name="level")


def _hedges_paired(post: np.ndarray, pre: np.ndarray, axis: int = -1) -> np.ndarray:
    """Vectorised ``pingouin.compute_effsize(post, pre, paired=True, eftype="hedges")``."""
    n = post.shape[axis]
    denom = np.sqrt((post.var(ddof=1, axis=axis) + pre.var(ddof=1, axis=axis)) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (post.mean(axis=axis) - pre.mean(axis=axis)) / denom
    return d * (1 - 3 / (4 * (2 * n) - 9))


def _paired_g(post, pre, *, n_boot: int, seed: int, ci: float) -> tuple[float, float, float]:
    """Paired g_av with the BCa interval of ``pingouin.compute_bootci(paired=True)``."""
    g = float(_hedges_paired(post, pre))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.bootstrap((post, pre), _hedges_paired, n_resamples=n_boot,
                              confidence_level=ci, method="BCa", paired=True, vectorized=True,
                              random_state=seed)
    return g, float(res.confidence_interval.low), float(res.confidence_interval.high)


def _changes(trial: Trial, variable: str, outcome: str, visit: str, cuts) -> pd.DataFrame:
    if outcome not in trial.outcomes:
        raise ValueError(f"`outcome` = {outcome!r} is not in the data; "
                         f"outcomes present: {trial.outcomes}")
    if visit not in trial.followup_visits:
        raise ValueError(f"`visit` = {visit!r} is not a follow-up visit; "
                         f"choose one of {trial.followup_visits}")
    levels = subgroup_levels(trial, variable, cuts)
    ch = change_frame(trial, outcome)
    ch = ch[ch["visit"] == visit]
    ch = ch.assign(level=ch["subject_id"].map(levels))
    ch["level"] = pd.Categorical(ch["level"], categories=levels.cat.categories, ordered=True)
    return ch[ch["level"].notna()]


def subgroup_effects(trial: Trial, variable: str, *, outcome: str, visit: str, cuts=None,
                     settings: AnalysisSettings | None = None) -> pd.DataFrame:
    """Change from baseline to ``visit`` per arm x subgroup level, as paired Hedges' g.

    Parameters
    ----------
    trial : Trial
    variable : str
        Subject variable defining the subgroups (see :func:`subgroup_levels`).
    outcome, visit : str
        Outcome code and follow-up visit.
    cuts : tuple of float, optional
        Cut points of a numeric variable (default: the median).
    settings : AnalysisSettings, optional
        ``n_boot`` and ``seed`` of the bootstrap and ``ci``, the level of the
        intervals (default: the defaults).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUBGROUP_COLUMNS`; one row per arm x level present.
        ``hedges_g`` is ``pingouin.compute_effsize(visit, baseline,
        paired=True, eftype="hedges")`` with positive = improvement, and its
        interval the seeded BCa bootstrap over subjects
        (``pingouin.compute_bootci(..., paired=True, method="bca")``), or above
        ``msc_dash.effects.ANALYTIC_N`` subjects the same normal-approximation
        interval as :func:`msc_dash.effect_sizes` (``ci_method`` "analytic").
        Levels with fewer than 3 subjects have ``estimable`` False.

    Examples
    --------
    >>> rows = [(f"s{i}", v, d, 40 + i + k * (1 + i % 3) * (2 if i < 5 else 1))
    ...         for i in range(10) for k, (v, d) in enumerate([("BL", 0), ("M12", 365)])]
    >>> m = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "value"]).assign(outcome="SDMT")
    >>> s = pd.DataFrame({"subject_id": [f"s{i}" for i in range(10)], "sex": list("MMMMMFFFFF")})
    >>> out = subgroup_effects(Trial.from_tables(s, m), "sex", outcome="SDMT", visit="M12",
    ...                        settings=AnalysisSettings(n_boot=200))
    >>> out[["level", "n", "change_mean"]]
      level  n  change_mean
    0     F  5          2.0
    1     M  5          3.6
    """
    ch = _changes(trial, variable, outcome, visit, cuts)
    settings = settings or AnalysisSettings()
    ci = settings.ci
    sign = trial.outcome(outcome).sign
    rows = []
    for arm in trial.arms:
        for level in ch["level"].cat.categories:
            d = ch[(ch["arm"] == arm) & (ch["level"] == level)]
            row = dict(variable=variable, level=str(level), arm=arm, outcome=outcome,
                       visit=visit, n=len(d), change_mean=float(d["change"].mean())
                       if len(d) else np.nan, hedges_g=np.nan, hedges_g_ci_low=np.nan,
                       hedges_g_ci_high=np.nan, ci_method="bca", estimable=False, note="")
            post, pre = d["value"].to_numpy(float), d["baseline"].to_numpy(float)
            if len(d) < 3:
                row["note"] = "n < 3"
            elif post.var() + pre.var() == 0:
                row["note"] = "no variance"
            else:
                if len(d) > ANALYTIC_N:
                    g = float(_hedges_paired(post, pre))
                    lo, hi = _paired_analytic_ci(post, pre, ci)
                    row["ci_method"] = "analytic"
                else:
                    g, lo, hi = _paired_g(post, pre, **settings.bootstrap, ci=ci)
                lo, hi = sorted((sign * lo, sign * hi))
                row.update(hedges_g=sign * g, hedges_g_ci_low=lo, hedges_g_ci_high=hi,
                           estimable=True)
            rows.append(row)
    out = pd.DataFrame(rows, columns=list(SUBGROUP_COLUMNS))
    return out.astype({"n": int, "estimable": bool})


def _nested_f(y: np.ndarray, reduced: np.ndarray, full: np.ndarray):
    """F test of ``full`` against the nested ``reduced`` design (R's ``anova`` of two fits).

    Aliased columns (e.g. an arm x subgroup cell without subjects) are dropped
    by working with the ranks of the designs, as R's ``lm`` does. Returns
    ``(f, df_num, df_den, p)``.
    """
    def rss_rank(X):
        beta, *_ = np.linalg.lstsq(X, y, rcond=None)
        return float(np.sum((y - X @ beta) ** 2)), int(np.linalg.matrix_rank(X))

    rss0, r0 = rss_rank(reduced)
    rss1, r1 = rss_rank(full)
    df_num, df_den = r1 - r0, len(y) - r1
    if df_num < 1 or df_den < 1 or not rss1 > 1e-12 * max(rss0, 1e-300):
        return np.nan, float(df_num), float(df_den), np.nan
    f = (max(rss0 - rss1, 0.0) / df_num) / (rss1 / df_den)
    return float(f), float(df_num), float(df_den), float(stats.f.sf(f, df_num, df_den))


def _dummies(values: pd.Series, levels) -> np.ndarray:
    return np.column_stack([(values == lv).to_numpy(float) for lv in levels[1:]]) \
        if len(levels) > 1 else np.empty((len(values), 0))


def subgroup_interaction(trial: Trial, variable: str, *, outcome: str, visit: str,
                         cuts=None) -> pd.DataFrame:
    """Does the effect at ``visit`` differ between subgroup levels?

    With two or more arms: the **treatment x subgroup interaction**, one row.
    ``change ~ baseline + arm * subgroup`` (treatment-coded dummies) is
    fitted by OLS and the arm x subgroup terms are F-tested jointly against
    ``change ~ baseline + arm + subgroup``: does the between-arm difference
    in change vary by subgroup? (R: the interaction row of
    ``anova(lm(change ~ baseline + arm * subgroup))``.)

    With one arm: **heterogeneity across subgroups**, ``change ~ baseline +
    subgroup`` against ``change ~ baseline`` (R: the subgroup row of
    ``anova(lm(change ~ baseline + subgroup))``); it asks whether the change
    differs between levels, not whether a treatment effect does. Adjusting
    for baseline guards against regression to the mean when subgroups start
    at different levels.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`INTERACTION_COLUMNS`: ``arm`` (the arm, or the arms
        compared, "MSC vs Placebo"), ``variable``, ``outcome``, ``visit``,
        ``n`` (subjects in the model), ``n_levels``, ``f``, ``df_num``,
        ``df_den``, ``p_interaction``, ``kind`` (:data:`INTERACTION_KIND` or
        :data:`HETEROGENEITY_KIND`), ``test`` (:data:`INTERACTION_TEST` or
        :data:`HETEROGENEITY_TEST`), ``estimable``, ``note``.

    Examples
    --------
    >>> rows = [(f"s{i}", v, d, 40 + i + k * (5 if i < 6 else 0) + k * (i % 2))
    ...         for i in range(12) for k, (v, d) in enumerate([("BL", 0), ("M12", 365)])]
    >>> m = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "value"]).assign(outcome="SDMT")
    >>> s = pd.DataFrame({"subject_id": [f"s{i}" for i in range(12)], "sex": list("MMMMMMFFFFFF")})
    >>> out = subgroup_interaction(Trial.from_tables(s, m), "sex", outcome="SDMT", visit="M12")
    >>> out[["n", "n_levels", "df_num", "df_den"]].iloc[0].tolist()
    [12.0, 2.0, 1.0, 9.0]
    >>> out.kind.iloc[0], bool(out.p_interaction.iloc[0] < 0.001)
    ('heterogeneity across subgroups', True)
    """
    ch = _changes(trial, variable, outcome, visit, cuts)
    if len(trial.arms) >= 2:
        groups = [(" vs ".join(trial.arms), ch, True)]
    else:
        groups = [(arm, ch[ch["arm"] == arm], False) for arm in trial.arms]
    rows = []
    for label, d, between in groups:
        present = [lv for lv in d["level"].cat.categories if (d["level"] == lv).any()]
        row = dict(arm=label, variable=variable, outcome=outcome, visit=visit, n=len(d),
                   n_levels=len(present), f=np.nan, df_num=np.nan, df_den=np.nan,
                   p_interaction=np.nan,
                   kind=INTERACTION_KIND if between else HETEROGENEITY_KIND,
                   test=INTERACTION_TEST if between else HETEROGENEITY_TEST,
                   estimable=False, note="")
        if len(present) < 2:
            row["note"] = "fewer than 2 subgroups with data"
            rows.append(row)
            continue
        y = d["change"].to_numpy(float)
        lv = _dummies(d["level"], present)
        reduced = np.column_stack([np.ones(len(d)), d["baseline"].to_numpy(float), lv])
        if between:
            arms = [a for a in trial.arms if (d["arm"] == a).any()]
            am = _dummies(d["arm"], arms)
            reduced = np.column_stack([reduced, am])
            inter = np.column_stack([am[:, [i]] * lv for i in range(am.shape[1])]) \
                if am.shape[1] else np.empty((len(d), 0))
            full = np.column_stack([reduced, inter])
        else:
            full, reduced = reduced, reduced[:, :2]
        f, df_num, df_den, p = _nested_f(y, reduced, full)
        row.update(f=f, df_num=df_num, df_den=df_den, p_interaction=p,
                   estimable=bool(np.isfinite(p)))
        if not row["estimable"]:
            row["note"] = ("too few subjects for the model" if df_den < 1 else
                           "no variance" if d["change"].var() == 0 else
                           "no arm has subjects in two subgroups" if between and df_num < 1
                           else "subgroup confounded with baseline" if df_num < 1
                           else "the model fits exactly")
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(INTERACTION_COLUMNS))
    return out.astype({"n": int, "n_levels": int, "estimable": bool})
