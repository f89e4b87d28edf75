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

from .outcomes import EDSS_PLUS, EDSS_PLUS_COMPONENTS, Outcome
from .wilcoxon import _midranks, decimals, signed_rank_test

__all__ = [
    "COLUMNS",
    "PADJUST_METHODS",
    "ANALYTIC_N",
    "EDSS_PLUS_COMPONENTS",
    "effect_sizes",
    "bootstrap_distribution",
    "paired_frame",
    "trajectory",
    "responders",
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


# multiply-adds below which bootstrap sums use einsum rather than BLAS
_EINSUM_LIMIT = 50_000_000

# --------------------------------------------------------------------- pairs
_PAIR_COLUMNS = ("outcome", "visit", "subject_id", "value", "day", "baseline", "arm")


def _pairs(trial, outcomes=None, visits=None) -> pd.DataFrame:
    """Long frame of (arm, outcome, visit, subject_id, baseline, value, day).

    Baseline is each subject's value at day 0 for that outcome; duplicate
    measurements of one subject x visit x outcome are averaged. Rows are
    sorted by subject within each cell, so results do not depend on the order
    of the input rows.
    """
    m = trial.measurements
    if outcomes is not None:
        m = m[m["outcome"].isin(outcomes)]
    base = (m[m["day"] == 0].groupby(["outcome", "subject_id"], sort=False)["value"]
            .mean().rename("baseline"))
    visits = trial.followup_visits if visits is None else visits
    fu = m[m["visit"].isin(visits)]
    if fu.empty:
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("value", "day", "baseline")
                                          else object) for c in _PAIR_COLUMNS})
    fu = fu.groupby(["outcome", "visit", "subject_id"], sort=False).agg(
        value=("value", "mean"), day=("day", "median"))
    out = fu.join(base, on=["outcome", "subject_id"], how="inner").reset_index()
    out = out[out["value"].notna() & out["baseline"].notna()]
    arm = trial.subjects.set_index("subject_id")["arm"]
    out["arm"] = out["subject_id"].map(arm)
    out = out[out["arm"].notna()]
    return out.sort_values(["outcome", "visit", "subject_id"], kind="stable").reset_index(
        drop=True)


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
    >>> import pandas as pd
    >>> from msc_dash.trial import Trial
    >>> m = pd.DataFrame({"subject_id": list("abcd") * 2,
    ...                   "visit": ["BL"] * 4 + ["M12"] * 4, "day": [0] * 4 + [365] * 4,
    ...                   "outcome": "SDMT", "value": [40, 52, 38, 45, 44, 55, 39, 50]})
    >>> t = Trial.from_tables(pd.DataFrame({"subject_id": list("abcd")}), m)
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
def _hedges_av(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Hedges' g_av of x against y along the last axis (pingouin's formula).

    d_av = (mean x - mean y) / sqrt((var x + var y) / 2), then pingouin's
    small-sample factor 1 - 3 / (4 (n_x + n_y) - 9) with n_x = n_y = n.
    """
    shape, n = x.shape[:-1], x.shape[-1]
    # 2-D row reductions sum each row like a 1-D array does (pairwise), so
    # resamples that tie with the estimate tie exactly as in pingouin
    x, y = x.reshape(-1, n), y.reshape(-1, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (x.mean(axis=-1) - y.mean(axis=-1)) / np.sqrt(
            (x.var(axis=-1, ddof=1) + y.var(axis=-1, ddof=1)) / 2)
    return (d * (1 - (3 / (4 * (n + n) - 9)))).reshape(shape)


def _resample_index(n: int, n_boot: int, seed: int) -> np.ndarray:
    # what scipy.stats.bootstrap draws for random_state=seed (a fresh RandomState)
    return np.random.RandomState(seed).randint(0, n, (n_boot, n))


def _jackknife_index(n: int) -> np.ndarray:
    keep = ~np.eye(n, dtype=bool)
    return np.broadcast_to(np.arange(n), (n, n))[keep].reshape(n, n - 1)


def _exact_at(x: np.ndarray, y: np.ndarray, idx: np.ndarray, theta_b: np.ndarray,
              mask: np.ndarray) -> None:
    """Recompute ``theta_b[mask]`` resample by resample, as pingouin does."""
    cells, boots = np.nonzero(mask)
    if len(cells):
        rows = idx[boots]
        theta_b[cells, boots] = _hedges_av(x[cells[:, None], rows], y[cells[:, None], rows])


def _boot_dist(x: np.ndarray, y: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Bootstrap distribution of g for cells x (c, n), y (c, n) -> (c, n_boot).

    A resample is a vector of counts (how often each subject is drawn), so
    its sums and sums of squares for every cell at once are one matrix
    product, on data centred per cell to keep the variance accurate.
    Resamples whose variance is (near) zero are recomputed the slow way so
    degenerate draws give the same inf/NaN as pingouin.
    """
    c, n = x.shape
    n_boot = len(idx)
    counts = np.bincount((idx + n * np.arange(n_boot)[:, None]).ravel(),
                         minlength=n_boot * n).reshape(n_boot, n).astype(float)
    shift = (x.mean(axis=1, keepdims=True) + y.mean(axis=1, keepdims=True)) / 2
    xc, yc = x - shift, y - shift
    stacked = np.concatenate([xc, yc, xc * xc, yc * yc])
    if counts.size * len(stacked) < _EINSUM_LIMIT:
        # numpy's own loop: multithreaded BLAS on small products is several
        # times slower on a busy server
        sums = np.einsum("bn,kn->bk", counts, stacked)
    else:
        sums = counts @ stacked.T
    sx, sy, qx, qy = np.split(sums, 4, axis=1)
    ss = (qx - sx * sx / n) + (qy - sy * sy / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (sx - sy) / n / np.sqrt(ss / (n - 1) / 2)
    theta_b = np.ascontiguousarray((d * (1 - (3 / (4 * (n + n) - 9)))).T)
    _exact_at(x, y, idx, theta_b, (ss <= 1e-9 * (qx + qy)).T)
    return theta_b


def _jackknife(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Leave-one-out g for cells x (c, n), y (c, n) -> (c, n).

    Small n: each jackknife sample computed as pingouin does (so samples
    without variance give the same inf/NaN). Large n: leave-one-out sums,
    O(n) instead of O(n^2) time and memory.
    """
    n = x.shape[-1]
    if n <= 64:
        jk = _jackknife_index(n)
        return _hedges_av(x[:, jk], y[:, jk])
    shift = (x.mean(axis=1, keepdims=True) + y.mean(axis=1, keepdims=True)) / 2
    xc, yc = x - shift, y - shift
    m = n - 1
    sx = xc.sum(axis=1, keepdims=True) - xc
    sy = yc.sum(axis=1, keepdims=True) - yc
    qx = (xc * xc).sum(axis=1, keepdims=True) - xc * xc
    qy = (yc * yc).sum(axis=1, keepdims=True) - yc * yc
    ss = (qx - sx * sx / m) + (qy - sy * sy / m)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (sx - sy) / m / np.sqrt(ss / (m - 1) / 2)
    return d * (1 - (3 / (4 * (m + m) - 9)))


def _bca_probs(x: np.ndarray, y: np.ndarray, *, n_boot: int, seed: int, ci: float):
    """BCa quantile levels and the bootstrap distribution for cells sharing n.

    Follows scipy.stats.bootstrap(method="BCa", paired=True) step by step
    (Efron & Tibshirani 1993, 14.3 and 15.4): the same resample indices, the
    bias correction from the share of resamples below the estimate and the
    acceleration from the jackknife. Returns (probs (c, 2), theta_b (c, n_boot)).
    """
    n = x.shape[-1]
    idx = _resample_index(n, n_boot, seed)
    theta_b = _boot_dist(x, y, idx)
    theta = _hedges_av(x, y)[:, None]
    # the bias correction counts resamples tied with the estimate (common with
    # EDSS steps): make near-ties bit-identical to pingouin's 1-D computation
    near = np.abs(theta_b - theta) <= 1e-9 * (1 + np.abs(theta))
    _exact_at(x, y, idx, theta_b, near)
    below = (np.count_nonzero(theta_b < theta, axis=-1)
             + np.count_nonzero(theta_b <= theta, axis=-1))
    z0 = special.ndtri(below / (2 * theta_b.shape[-1]))
    theta_i = _jackknife(x, y)
    # tiny samples: a jackknife sample without variance gives inf, so NaN here
    with np.errstate(divide="ignore", invalid="ignore"):
        u = (n - 1.0) * (theta_i.mean(axis=-1, keepdims=True) - theta_i)
        a = 1 / 6 * (np.sum(u**3, axis=-1) / float(n) ** 3) / (
            np.sum(u**2, axis=-1) / float(n) ** 2) ** (3 / 2)
        z_alpha = float(special.ndtri((1 - ci) / 2))
        num1 = z0 + z_alpha
        num2 = z0 - z_alpha
        alpha_1 = special.ndtr(z0 + num1 / (1 - a * num1))
        alpha_2 = special.ndtr(z0 + num2 / (1 - a * num2))
    return np.stack([alpha_1, alpha_2], axis=-1), theta_b


def _quantiles(theta_b: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows' linear quantiles at their own levels (``scipy.stats.quantile``).

    A resample of one subject drawn n times has no variance: g is +-inf (kept,
    as in scipy) or NaN for a zero change, and then the interval is undefined.
    """
    from scipy import stats

    good = ~np.isnan(theta_b).any(axis=-1) & np.isfinite(probs).all(axis=-1)
    low = np.full(len(theta_b), np.nan)
    high = np.full(len(theta_b), np.nan)
    if good.any():
        with np.errstate(invalid="ignore"):
            q = stats.quantile(theta_b[good], probs[good], axis=-1)
        low[good], high[good] = q[:, 0], q[:, 1]
    return low, high


def _bca(x: np.ndarray, y: np.ndarray, *, n_boot: int, seed: int, ci: float):
    """BCa intervals of g for a batch of cells sharing n: (low, high, theta_b)."""
    probs, theta_b = _bca_probs(x, y, n_boot=n_boot, seed=seed, ci=ci)
    return (*_quantiles(theta_b, probs), theta_b)


def _analytic_ci(x: np.ndarray, y: np.ndarray, ci: float) -> tuple[float, float]:
    """Normal-approximation CI of paired g_av (Bonett 2015)."""
    n = len(x)
    v1, v2 = x.var(ddof=1), y.var(ddof=1)
    s2 = (v1 + v2) / 2
    r = np.corrcoef(x, y)[0, 1] if v1 > 0 and v2 > 0 else 0.0
    d = (x.mean() - y.mean()) / np.sqrt(s2)
    var_d = (d**2 * (v1**2 + v2**2 + 2 * r**2 * v1 * v2) / (8 * (n - 1) * s2**2)
             + np.var(x - y, ddof=1) / ((n - 1) * s2))
    j = 1 - 3 / (4 * (2 * n) - 9)
    z = special.ndtri(1 - (1 - ci) / 2)
    half = z * np.sqrt(var_d)
    return j * (d - half), j * (d + half)


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


def _rank_biserial(change: np.ndarray) -> float:
    """Matched-pairs rank-biserial r of the (rounded) changes (Kerby 2014), zeros dropped."""
    d = change[change != 0]
    r, _ = _midranks(np.abs(d))
    total = r.sum()
    return r[d > 0].sum() / total - r[d < 0].sum() / total


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
        row["p_wilcoxon"], row["p_wilcoxon_method"], _ = signed_rank_test(rounded)
        row["rank_biserial"] = _rank_biserial(rounded) * out.sign
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
    >>> import pandas as pd
    >>> from msc_dash.trial import Trial
    >>> m = pd.DataFrame({"subject_id": list("abcd") * 2,
    ...                   "visit": ["BL"] * 4 + ["M12"] * 4, "day": [0] * 4 + [365] * 4,
    ...                   "outcome": "SDMT", "value": [40, 52, 38, 45, 44, 55, 39, 50]})
    >>> t = Trial.from_tables(pd.DataFrame({"subject_id": list("abcd")}), m)
    >>> row = effect_sizes(t, n_boot=500).iloc[0]
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
    groups = pairs.groupby(["arm", "outcome", "visit"], sort=False).indices
    base_all = pairs["baseline"].to_numpy(dtype=float)
    val_all = pairs["value"].to_numpy(dtype=float)
    days = trial.visit_days
    m = trial.measurements
    with_baseline = set(m.loc[m["day"] == 0, "outcome"])
    places = {code: decimals(base_all[i], val_all[i])
              for code, i in pairs.groupby("outcome", sort=False).indices.items()}
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


def bootstrap_distribution(trial, outcome: str, visit: str, arm: str, *, n_boot: int = 2000,
                           seed: int = 0) -> np.ndarray:
    """The bootstrap resamples of Hedges' g for one cell, positive = improvement.

    The same resamples :func:`effect_sizes` builds its BCa interval from
    (and ``pingouin.compute_bootci(..., return_dist=True)`` returns), for
    estimation plots. Empty when the cell has fewer than 3 pairs.

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash.trial import Trial
    >>> m = pd.DataFrame({"subject_id": list("abcd") * 2,
    ...                   "visit": ["BL"] * 4 + ["M12"] * 4, "day": [0] * 4 + [365] * 4,
    ...                   "outcome": "SDMT", "value": [40, 52, 38, 45, 44, 55, 39, 50]})
    >>> t = Trial.from_tables(pd.DataFrame({"subject_id": list("abcd")}), m)
    >>> bootstrap_distribution(t, "SDMT", "M12", "All", n_boot=500).shape
    (500,)
    """
    _check_choice("arm", arm, trial.arms)
    f = paired_frame(trial, outcome, visit)
    f = f[f["arm"] == arm].sort_values("subject_id", kind="stable")
    if len(f) < 3:
        return np.empty(0)
    x = f["value"].to_numpy()[None, :]
    y = f["baseline"].to_numpy()[None, :]
    dist = _boot_dist(x, y, _resample_index(x.shape[-1], n_boot, seed))[0]
    return dist * trial.outcome(outcome).sign


# --------------------------------------------------------------- trajectory
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
    >>> import pandas as pd
    >>> from msc_dash.trial import Trial
    >>> m = pd.DataFrame({"subject_id": list("abcd") * 2,
    ...                   "visit": ["BL"] * 4 + ["M12"] * 4, "day": [0] * 4 + [365] * 4,
    ...                   "outcome": "SDMT", "value": [40, 52, 38, 45, 44, 55, 39, 50]})
    >>> t = Trial.from_tables(pd.DataFrame({"subject_id": list("abcd")}), m)
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
    >>> import pandas as pd
    >>> from msc_dash.trial import Trial
    >>> m = pd.DataFrame({"subject_id": list("abcd") * 2,
    ...                   "visit": ["BL"] * 4 + ["M12"] * 4, "day": [0] * 4 + [365] * 4,
    ...                   "outcome": "SDMT", "value": [40, 52, 38, 45, 44, 55, 39, 50]})
    >>> t = Trial.from_tables(pd.DataFrame({"subject_id": list("abcd")}), m)
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
