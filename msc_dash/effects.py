"""Paired effect sizes against baseline, trajectories and responders.

The engine behind every "change from baseline" number in the app. For each
arm x outcome x follow-up visit it pairs each subject's value with that
subject's own baseline (the measurement at day 0) and reports raw changes,
Hedges' g with a bootstrap (BCa) confidence interval, paired tests and
responder counts by the registry's meaningful-change rule.

Everything is oriented so that **positive = improvement**: effect sizes of an
outcome where lower is better (T25FW, EDSS, NfL) are multiplied by -1, and
their confidence bounds swapped. Raw changes (``change_mean``,
``pct_change_median``, ``gmr``) stay in the data's own direction.

The bootstrap reproduces ``pingouin.compute_bootci(visit, baseline,
func="hedges", paired=True, method="bca", seed=seed)`` exactly (same
resamples, same BCa algorithm as :func:`scipy.stats.bootstrap`), but
computes every cell with the same number of subjects in one vectorised pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from .bootstrap import (  # noqa: F401 (_analytic_ci is imported from here by subgroups)
    _analytic_ci,
    _bca_probs,
    _boot_dist,
    _hedges_av,
    _quantiles,
    _resample_index,
)
from .groups import group_indices
from .outcomes import EDSS_PLUS, EDSS_PLUS_COMPONENTS, Outcome
from .wilcoxon import decimals, signed_rank_test

__all__ = [
    "COLUMNS",
    "PADJUST_METHODS",
    "ANALYTIC_N",
    "EDSS_PLUS_COMPONENTS",
    "effect_sizes",
    "bootstrap_distribution",
    "paired_frame",
    "EDSS_PLUS",
]

#: Columns of :func:`effect_sizes`, in order (docs/architecture.md, "The effect table").
COLUMNS = (
    "arm", "outcome", "domain", "visit", "day", "n",
    "baseline_mean", "baseline_sd", "visit_mean", "visit_sd",
    "change_mean", "change_ci_low", "change_ci_high", "pct_change_median",
    "hedges_g", "hedges_g_ci_low", "hedges_g_ci_high", "d_z",
    "gmr", "gmr_ci_low", "gmr_ci_high",
    "p_ttest", "p_wilcoxon", "p_wilcoxon_method", "rank_biserial", "p_adjusted",
    "improved_n", "improved_pct", "improved_ci_low", "improved_ci_high",
    "worsened_n", "worsened_pct", "ci_method", "estimable", "note",
)

#: Accepted values of ``padjust``.
PADJUST_METHODS = ("holm", "fdr_bh", "bonf", "none")

#: Above this many pairs the CI of g is analytic instead of bootstrapped.
ANALYTIC_N = 1000


# --------------------------------------------------------------------- pairs
_PAIR_COLUMNS = ("outcome", "visit", "subject_id", "value", "day", "baseline", "arm")
#: Up to this many pairs the key columns of :func:`_pairs` are text, beyond it categorical.
_TEXT_KEYS = 200_000


def _unique_inverse(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` for keys in ``[0, size)``: by counting
    when ``size`` is not much above ``len(key)`` (no sort of millions of keys).

    Examples
    --------
    >>> [a.tolist() for a in _unique_inverse(np.array([5, 2, 5, 0]), 8)]
    [[0, 2, 5], [2, 1, 2, 0]]
    """
    if size > 8 * len(key) + 1024:
        return np.unique(key, return_inverse=True)
    present = np.bincount(key, minlength=size) > 0
    position = np.cumsum(present) - 1
    return np.flatnonzero(present), position[key]


def _pairs(trial, outcomes=None, visits=None) -> pd.DataFrame:
    """Long frame of (arm, outcome, visit, subject_id, baseline, value, day).

    Baseline is each subject's value at day 0 for that outcome; duplicate
    measurements of one subject x visit x outcome are averaged (their day: the
    median). Rows are sorted by outcome, visit and subject, so results do not
    depend on the order of the input rows. Grouped on integer codes (a
    registry's 6 million rows in about a second, not 13 s by text keys).
    """
    m = trial.measurements
    if outcomes is not None:
        m = m[m["outcome"].isin(outcomes)]
    visits = trial.followup_visits if visits is None else visits
    v_code, v_names = pd.factorize(m["visit"], sort=True)
    # follow-up rows by their visit's code (isin of millions of text cells hashes each)
    fu_rows = np.isin(np.asarray(v_names, dtype=object), list(visits))[v_code] & (v_code >= 0)
    if not fu_rows.any():
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("value", "day", "baseline")
                                          else object) for c in _PAIR_COLUMNS})
    s_code, s_names = pd.factorize(m["subject_id"], sort=True)
    o_code, o_names = pd.factorize(m["outcome"], sort=True)
    n_s, n_v = len(s_names), len(v_names)
    value = m["value"].to_numpy(dtype=float)
    day = m["day"].to_numpy(dtype=float)
    # baseline: mean of the non-missing day-0 values per outcome x subject
    at0 = (day == 0) & ~np.isnan(value)
    bkey = o_code[at0].astype(np.int64) * n_s + s_code[at0]
    size = len(o_names) * n_s
    b_sum = np.bincount(bkey, weights=value[at0], minlength=size)
    b_n = np.bincount(bkey, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        baseline = b_sum / b_n
    # follow-up cells: key (outcome, visit, subject), in the order of the sorted codes
    key = ((o_code[fu_rows].astype(np.int64) * n_v + v_code[fu_rows]) * n_s + s_code[fu_rows])
    uniq, inv = _unique_inverse(key, len(o_names) * n_v * n_s)
    fv, fd = value[fu_rows], day[fu_rows]
    ok = ~np.isnan(fv)
    v_n = np.bincount(inv[ok], minlength=len(uniq))
    with np.errstate(invalid="ignore", divide="ignore"):
        v_mean = np.bincount(inv[ok], weights=fv[ok], minlength=len(uniq)) / v_n
    if len(uniq) == len(key):  # one measurement per cell (the usual case)
        d_med = np.empty(len(uniq))
        d_med[inv] = fd
    else:
        d_med = pd.Series(fd).groupby(inv).median().reindex(range(len(uniq))).to_numpy()
    s_u = uniq % n_s
    ov = uniq // n_s
    o_u, v_u = ov // n_v, ov % n_v
    base = baseline[o_u * n_s + s_u]
    a_code, a_names = pd.factorize(trial.subjects.set_index("subject_id")["arm"].reindex(
        s_names), sort=False)
    arm = a_code[s_u]
    keep = ~np.isnan(v_mean) & ~np.isnan(base) & (arm >= 0)
    if len(uniq) <= _TEXT_KEYS:
        cat = lambda codes, names: names[codes]  # noqa: E731
    else:  # a registry: categorical keys (making millions of strings costs seconds)
        cat = pd.Categorical.from_codes
    return pd.DataFrame({
        "outcome": cat(o_u[keep], o_names), "visit": cat(v_u[keep], v_names),
        "subject_id": cat(s_u[keep], s_names), "value": v_mean[keep], "day": d_med[keep],
        "baseline": base[keep], "arm": cat(arm[keep], a_names)},
        copy=False)  # new arrays: not stacked into one block (0.4 s at 5 million pairs)


def paired_frame(trial, outcome: str, visit: str) -> pd.DataFrame:
    """Each subject's baseline and value of one outcome at one visit.

    Parameters
    ----------
    trial : Trial
    outcome : str
        Outcome code.
    visit : str
        A follow-up visit name.

    Returns
    -------
    pandas.DataFrame
        Columns ``subject_id, arm, baseline, value, change, pct_change, day``,
        one row per subject with both values, sorted by arm then subject.
        ``change`` is value minus baseline (raw units); ``pct_change`` is
        ``100 * change / baseline`` (NaN where baseline is 0).

    Examples
    --------
    >>> from msc_dash.examples import tiny_trial
    >>> t = tiny_trial()
    >>> paired_frame(t, "SDMT", "M12")[["subject_id", "baseline", "value", "change"]]
      subject_id  baseline  value  change
    0          a      40.0   44.0     4.0
    1          b      52.0   55.0     3.0
    2          c      38.0   39.0     1.0
    3          d      45.0   50.0     5.0
    """
    _check_choice("outcome", outcome, trial.outcomes)
    _check_choice("visit", visit, trial.visits)
    p = _pairs(trial, [outcome], [visit])
    arm_rank = {a: i for i, a in enumerate(trial.arms)}
    p = p.assign(_r=p["arm"].map(arm_rank)).sort_values(["_r", "subject_id"], kind="stable")
    change = p["value"].to_numpy() - p["baseline"].to_numpy()
    b = p["baseline"].to_numpy()
    pct = np.full(len(p), np.nan)
    nz = b != 0
    pct[nz] = 100.0 * change[nz] / b[nz]
    return pd.DataFrame({
        "subject_id": p["subject_id"].to_numpy(),
        "arm": p["arm"].to_numpy(),
        "baseline": b,
        "value": p["value"].to_numpy(),
        "change": change,
        "pct_change": pct,
        "day": p["day"].to_numpy(dtype=float),
    })


# ------------------------------------------------------------- effect sizes
def _t_ci(values: np.ndarray, ci: float) -> tuple[float, float, float, float]:
    """Mean, SD and t-based CI of the mean."""
    n = len(values)
    mean = values.mean()
    sd = values.std(ddof=1)
    half = special.stdtrit(n - 1, 1 - (1 - ci) / 2) * sd / np.sqrt(n)
    return mean, sd, mean - half, mean + half


def _wilson(k: float, n: int, ci: float) -> tuple[float, float]:
    """Wilson score interval for k successes out of n, as fractions."""
    z = special.ndtri(1 - (1 - ci) / 2)
    p = k / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return centre - half, centre + half


def _adjust(p: np.ndarray, method: str) -> np.ndarray:
    """Adjust the finite p-values of ``p`` for multiplicity (NaN left alone)."""
    out = np.full(len(p), np.nan)
    ok = np.isfinite(p)
    q = p[ok]
    m = len(q)
    if m == 0:
        return out
    if method == "none":
        adj = q
    elif method == "bonf":
        adj = np.minimum(q * m, 1.0)
    else:
        order = np.argsort(q, kind="stable")
        s = q[order]
        if method == "holm":
            a = np.maximum.accumulate(s * (m - np.arange(m)))
        else:  # fdr_bh
            a = np.minimum.accumulate((s * m / np.arange(1, m + 1))[::-1])[::-1]
        adj = np.empty(m)
        adj[order] = np.minimum(a, 1.0)
    out[ok] = adj
    return out


def _rank_biserial(change: np.ndarray, s_pos: float) -> float:
    """Matched-pairs rank-biserial r of the (rounded) changes (Kerby 2014), zeros dropped.

    ``s_pos``: the signed-rank sum of the positive changes (from the Wilcoxon test,
    so the changes are ranked once). The midranks of m changes sum to m(m+1)/2
    exactly, so R- = total - R+ exactly and r = R+/total - R-/total as ranked.

    >>> round(_rank_biserial(np.array([1.0, 2, -3]), 3.0), 4)  # R+ = 1 + 2, R- = 3
    0.0
    """
    m = int(np.count_nonzero(change))
    total = m * (m + 1) / 2
    return s_pos / total - (total - s_pos) / total


def _cell(b: np.ndarray, v: np.ndarray, out: Outcome, ci: float, places: int) -> dict:
    """Every statistic of one cell except the CI of g and p_adjusted.

    ``places``: the decimals the outcome is recorded to (changes are rounded
    to them before ranking, so that float noise does not break ties).
    """
    n = len(b)
    row: dict = {"n": n}
    change = v - b
    notes = []
    if n >= 1:
        row["baseline_mean"], row["visit_mean"] = b.mean(), v.mean()
        row["change_mean"] = change.mean()
        nz = b != 0
        if nz.any():
            row["pct_change_median"] = float(np.median(100.0 * change[nz] / b[nz]))
    if n >= 2:
        row["baseline_sd"], row["visit_sd"] = b.std(ddof=1), v.std(ddof=1)
        if row["baseline_sd"] > 0 or row["visit_sd"] > 0:
            row["hedges_g"] = float(_hedges_av(v, b)) * out.sign
    sd_change = change.std(ddof=1) if n >= 2 else np.nan
    if n < 3:
        notes.append("n < 3")
    elif not sd_change > 0:
        notes.append("no variance")
        if not np.any(change != 0):
            notes.append("all changes are ties")
    estimable = not notes
    notes_after = []  # reported, without making the cell not estimable
    if estimable:
        mean, sd, lo, hi = _t_ci(change, ci)
        row["change_ci_low"], row["change_ci_high"] = lo, hi
        row["d_z"] = mean / sd * out.sign
        t = mean / (sd / np.sqrt(n))
        row["p_ttest"] = 2 * special.stdtr(n - 1, -abs(t))
        rounded = np.round(change, places)
        row["p_wilcoxon"], row["p_wilcoxon_method"], s_pos = signed_rank_test(rounded)
        row["rank_biserial"] = _rank_biserial(rounded, s_pos) * out.sign
    if out.scale == "log" and n >= 1 and np.all(b > 0) and np.all(v > 0):
        logr = np.log(v / b)
        row["gmr"] = np.exp(logr.mean())
        if estimable and logr.std(ddof=1) > 0:
            _, _, lo, hi = _t_ci(logr, ci)
            row["gmr_ci_low"], row["gmr_ci_high"] = np.exp(lo), np.exp(hi)
    elif out.scale == "log" and n >= 1:
        notes_after.append(_gmr_note(b, v))
    if out.meaningful_change is not None and n >= 1:
        status = out.classify(b, v)
        imp, wor = float(np.sum(status == 1)), float(np.sum(status == -1))
        row.update(improved_n=imp, improved_pct=100 * imp / n,
                   worsened_n=wor, worsened_pct=100 * wor / n)
        if estimable:
            lo, hi = _wilson(imp, n, ci)
            row["improved_ci_low"], row["improved_ci_high"] = 100 * lo, 100 * hi
    row["estimable"] = estimable
    row["note"] = "; ".join(notes + notes_after)
    return row


def _gmr_note(b: np.ndarray, v: np.ndarray) -> str:
    """Why a log-scale outcome has no geometric mean ratio.

    Examples
    --------
    >>> _gmr_note(np.array([1.0, 0.0, 2.0]), np.array([0.0, 1.0, 2.0]))
    'no GMR: 2 zero values (1 at baseline, 1 at the visit) of 6; a ratio on the log scale needs positive values'
    """
    zb, zv = int(np.sum(b == 0)), int(np.sum(v == 0))
    neg = int(np.sum(b < 0) + np.sum(v < 0))
    parts = []
    if zb or zv:
        parts.append(f"{zb + zv} zero value{'s' if zb + zv != 1 else ''} ({zb} at baseline, "
                     f"{zv} at the visit)")
    if neg:
        parts.append(f"{neg} negative value{'s' if neg != 1 else ''}")
    return (f"no GMR: {' and '.join(parts)} of {2 * len(b)}; a ratio on the log scale needs "
            "positive values")


def _check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {', '.join(map(str, choices))}; "
                         f"got {value!r}")


def _check(n_boot, ci, padjust) -> None:
    if padjust not in PADJUST_METHODS:
        raise ValueError(f"`padjust` must be one of {', '.join(PADJUST_METHODS)}; "
                         f"got {padjust!r}")
    if not 0 < ci < 1:
        raise ValueError(f"`ci` must be between 0 and 1 (e.g. 0.95); got {ci!r}")
    if int(n_boot) != n_boot or n_boot < 1:
        raise ValueError(f"`n_boot` must be a positive integer; got {n_boot!r}")


def effect_sizes(trial, *, settings=None, n_boot: int = 2000, seed: int = 0, ci: float = 0.95,
                 padjust: str = "holm", family=()) -> pd.DataFrame:
    """Change from baseline of every outcome, per arm and follow-up visit.

    Parameters
    ----------
    trial : Trial
    settings : msc_dash.settings.AnalysisSettings, optional
        The settings in one argument; when given, its ``n_boot``, ``seed``,
        ``ci`` and ``padjust`` replace the keywords below.
    n_boot : int
        Bootstrap resamples for the CI of Hedges' g.
    seed : int
        Seed of the bootstrap; equal seeds give equal intervals.
    ci : float
        Confidence level of every interval (0.95 = 95%).
    padjust : {"holm", "fdr_bh", "bonf", "none"}
        Multiplicity adjustment of ``p_ttest`` across the outcomes of one arm
        at one visit.
    family : sequence of str
        Pre-specified outcomes: adjusted as one family, the other outcomes as
        a second (exploratory) one; empty: all outcomes in one family
        (see :func:`msc_dash.multiplicity.family_text`).

    Returns
    -------
    pandas.DataFrame
        One row per arm x outcome x follow-up visit (arms in trial order,
        outcomes in registry order, visits by day) with the columns of
        :data:`COLUMNS`:

        - ``n``: subjects with a baseline (day 0) and a value at the visit.
        - ``baseline_mean/sd``, ``visit_mean/sd``, ``change_mean`` (value -
          baseline, raw units) with a t-based CI; ``pct_change_median``.
        - ``hedges_g``: g_av (see Notes), positive = improvement, with a BCa
          bootstrap CI (``ci_method`` "bca") or, above :data:`ANALYTIC_N`
          pairs, a normal-approximation CI ("analytic").
        - ``d_z``: mean change / SD of change, positive = improvement.
        - ``gmr`` (log-scale outcomes): geometric mean of value / baseline,
          t-based CI on the log ratios.
        - ``p_ttest`` (paired t), ``p_wilcoxon`` (signed-rank, see Notes)
          with ``p_wilcoxon_method`` ("exact" or "normal approximation"),
          ``rank_biserial`` (positive = improvement), ``p_adjusted``.
        - ``improved_n/pct`` with Wilson CI and ``worsened_n/pct`` (percent,
          0-100) by the registry's meaningful-change rule; NaN without a rule.
        - ``estimable``, ``note``: False with the reason ("n < 3",
          "no variance", "all changes are ties") where tests and CIs are
          undefined; those are then NaN.

    Raises
    ------
    ValueError
        If ``padjust``, ``ci`` or ``n_boot`` is not valid.

    Notes
    -----
    Hedges' g is pingouin's paired ``compute_effsize(visit, baseline,
    paired=True, eftype="hedges")``:

    .. math:: g = \\frac{\\bar v - \\bar b}{\\sqrt{(s_v^2 + s_b^2)/2}}
              \\left(1 - \\frac{3}{8n - 9}\\right)

    times the outcome's sign (+1 higher is better, -1 lower is better). The
    BCa interval equals ``pingouin.compute_bootci(visit, baseline,
    func="hedges", paired=True, method="bca", n_boot=n_boot, seed=seed)``
    (bounds negated and swapped where lower is better). Subjects enter the
    bootstrap sorted by ``subject_id``, so the result does not depend on row
    order.

    Above :data:`ANALYTIC_N` pairs the CI is :math:`J (d \\pm z\\,SE)` with
    the large-sample variance of the paired standardised mean difference
    (Bonett 2015; cf. Algina & Keselman 2003)

    .. math:: SE^2 = \\frac{d^2 (s_v^4 + s_b^4 + 2 r^2 s_v^2 s_b^2)}{8 (n-1) s^4}
              + \\frac{s_{v-b}^2}{(n-1) s^2}, \\quad s^2 = (s_v^2 + s_b^2) / 2.

    The matched-pairs rank-biserial correlation (Kerby 2014) is
    :math:`(R_+ - R_-) / (R_+ + R_-)` over the ranks of the non-zero
    |changes|; it equals pingouin's ``wilcoxon(visit, baseline)["RBC"]``
    (two-sided), times the outcome's sign. (pingouin's RBC is positive when
    ``x > y``, i.e. visit above baseline, and reverses for
    ``alternative="less"``; ours is always positive = improvement.)

    ``p_wilcoxon`` is :func:`msc_dash.wilcoxon.signed_rank_test` of the
    changes rounded to the data's precision: zeros dropped, midranks, exact
    conditional distribution of the signed-rank sum up to
    :data:`msc_dash.wilcoxon.EXACT_MAX` non-zero changes (R: ``coin::
    wilcoxsign_test(distribution = "exact", zero.method = "Wilcoxon")``),
    beyond that R's ``wilcox.test(exact = FALSE, correct = TRUE)``. Without
    ties or zeros it equals ``wilcox.test``'s exact p. Percentages (``improved_pct``, its Wilson CI, ``worsened_pct``)
    are on the 0-100 scale.

    References
    ----------
    * Lakens D. (2013). Calculating and reporting effect sizes to facilitate
      cumulative science. Front Psychol 4:863. doi:10.3389/fpsyg.2013.00863
    * Bonett D.G. (2015). Interval estimation of standardized mean
      differences in paired-samples designs. J Educ Behav Stat 40(4):366-376.
      doi:10.3102/1076998615583904
    * Algina J., Keselman H.J. (2003). Approximate confidence intervals for
      effect sizes. Educ Psychol Meas 63(4):537-553.
      doi:10.1177/0013164403256358
    * Kerby D.S. (2014). The simple difference formula. Comprehensive
      Psychology 3:11.IT.3.1. doi:10.2466/11.IT.3.1
    * Efron B., Tibshirani R.J. (1993). An Introduction to the Bootstrap.

    Examples
    --------
    >>> from msc_dash.examples import tiny_trial
    >>> from msc_dash.settings import AnalysisSettings
    >>> t = tiny_trial()
    >>> row = effect_sizes(t, settings=AnalysisSettings(n_boot=500)).iloc[0]
    >>> print(row["arm"], row["outcome"], row["visit"], row["n"], row["change_mean"])
    All SDMT M12 4 3.25
    >>> print(f"g = {row['hedges_g']:.3f}, t-test p = {row['p_ttest']:.4f}")
    g = 0.427, t-test p = 0.0319
    """
    if settings is not None:
        n_boot, seed, ci, padjust = settings.n_boot, settings.seed, settings.ci, settings.padjust
        family = getattr(settings, "family", ())
    _check(n_boot, ci, padjust)
    pairs = _pairs(trial)
    groups = group_indices(pairs, ["arm", "outcome", "visit"])
    base_all = pairs["baseline"].to_numpy(dtype=float)
    val_all = pairs["value"].to_numpy(dtype=float)
    days = trial.visit_days
    m = trial.measurements
    with_baseline = set(m.loc[m["day"] == 0, "outcome"].unique())  # not row by row
    places = {code: decimals(base_all[i], val_all[i])
              for code, i in group_indices(pairs, "outcome").items()}
    rows, boot_jobs = [], {}
    for arm in trial.arms:
        for code in trial.outcomes:
            out = trial.outcome(code)
            for visit in trial.followup_visits:
                idx = groups.get((arm, code, visit), np.empty(0, dtype=int))
                b, v = base_all[idx], val_all[idx]
                row = {"arm": arm, "outcome": code, "domain": out.domain, "visit": visit,
                       "day": float(days[visit])}
                row.update(_cell(b, v, out, ci, places.get(code, 0)))
                n = len(b)
                if n == 0:  # say why there is nothing to pair
                    row["note"] = (f"no baseline visit for {code}" if code not in with_baseline
                                   else f"no subject has both a baseline and a {visit} value")
                row["ci_method"] = "analytic" if n > ANALYTIC_N else "bca"
                if row["estimable"] and np.isfinite(row.get("hedges_g", np.nan)):
                    if n > ANALYTIC_N:
                        lo, hi = _analytic_ci(v, b, ci)
                        row["_lo"], row["_hi"] = lo, hi
                    else:
                        boot_jobs.setdefault(n, []).append((len(rows), v, b))
                rows.append(row)
    if boot_jobs:
        order, probs, dists = [], [], []
        for jobs in boot_jobs.values():
            p_, d_ = _bca_probs(np.stack([j[1] for j in jobs]), np.stack([j[2] for j in jobs]),
                                n_boot=n_boot, seed=seed, ci=ci)
            order += [j[0] for j in jobs]
            probs.append(p_)
            dists.append(d_)
        lows, highs = _quantiles(np.concatenate(dists), np.concatenate(probs))
        for r, lo_, hi_ in zip(order, lows, highs, strict=True):
            rows[r]["_lo"], rows[r]["_hi"] = lo_, hi_
    for row in rows:
        lo, hi = row.pop("_lo", np.nan), row.pop("_hi", np.nan)
        sign = trial.outcome(row["outcome"]).sign
        if sign < 0:
            lo, hi = -hi, -lo
        if row["estimable"] and not (np.isfinite(lo) and np.isfinite(hi)):
            lo = hi = np.nan
            row["note"] = "bootstrap CI undefined (resamples without variance)"
        row["hedges_g_ci_low"], row["hedges_g_ci_high"] = lo, hi
    table = pd.DataFrame(rows).reindex(columns=list(COLUMNS))
    text = ("arm", "outcome", "domain", "visit", "ci_method", "p_wilcoxon_method", "note")
    for col in COLUMNS:
        if col not in (*text, "estimable", "n"):
            table[col] = table[col].astype(float)
    table["n"] = table["n"].astype(int)
    table["estimable"] = table["estimable"].astype(bool)
    table["note"] = table["note"].fillna("")
    table["p_wilcoxon_method"] = table["p_wilcoxon_method"].astype(object).fillna("")
    for col in text:
        table[col] = table[col].astype("str")
    p = table["p_ttest"].to_numpy()
    adj = np.full(len(table), np.nan)
    chosen = set(family or ())
    part = table["outcome"].isin(chosen) if chosen else pd.Series(True, index=table.index)
    # one family of the pre-specified outcomes, a second of the others (exploratory)
    for idx in table.groupby([table["arm"], table["visit"], part], sort=False).indices.values():
        adj[idx] = _adjust(p[idx], padjust)
    table["p_adjusted"] = adj
    return table


def bootstrap_distribution(trial, outcome: str, visit: str, arm: str, *,
                           settings=None) -> np.ndarray:
    """The bootstrap resamples of Hedges' g for one cell, positive = improvement.

    The same resamples :func:`effect_sizes` builds its BCa interval from
    (and ``pingouin.compute_bootci(..., return_dist=True)`` returns) at the
    ``n_boot`` and ``seed`` of ``settings`` (an
    :class:`~msc_dash.settings.AnalysisSettings`; default: the defaults), for
    estimation plots. Empty when the cell has fewer than 3 pairs.

    Examples
    --------
    >>> from msc_dash.examples import tiny_trial
    >>> from msc_dash.settings import AnalysisSettings
    >>> bootstrap_distribution(tiny_trial(), "SDMT", "M12", "All",
    ...                        settings=AnalysisSettings(n_boot=500)).shape
    (500,)
    """
    from .settings import AnalysisSettings

    settings = settings or AnalysisSettings()
    _check_choice("arm", arm, trial.arms)
    f = paired_frame(trial, outcome, visit)
    f = f[f["arm"] == arm].sort_values("subject_id", kind="stable")
    if len(f) < 3:
        return np.empty(0)
    x = f["value"].to_numpy()[None, :]
    y = f["baseline"].to_numpy()[None, :]
    dist = _boot_dist(x, y, _resample_index(x.shape[-1], settings.n_boot, settings.seed))[0]
    return dist * trial.outcome(outcome).sign


def __getattr__(name: str):
    # trajectory() and responders() live in msc_dash.per_visit (which imports this module)
    if name in ("trajectory", "responders"):
        from . import per_visit

        return getattr(per_visit, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
