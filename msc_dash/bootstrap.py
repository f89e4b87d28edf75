"""The bootstrap behind the effect table's confidence intervals of Hedges' g.

Reproduces ``pingouin.compute_bootci(visit, baseline, func="hedges",
paired=True, method="bca", seed=seed)`` exactly (same resamples, same BCa
algorithm as :func:`scipy.stats.bootstrap`), vectorised over every cell with
the same number of subjects; :func:`_analytic_ci` is the large-sample
interval used above ``effects.ANALYTIC_N`` pairs.
"""

from __future__ import annotations

import numpy as np
from scipy import special

# multiply-adds below which bootstrap sums use einsum rather than BLAS
_EINSUM_LIMIT = 50_000_000


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
    good = ~np.isnan(theta_b).any(axis=-1) & np.isfinite(probs).all(axis=-1)
    low = np.full(len(theta_b), np.nan)
    high = np.full(len(theta_b), np.nan)
    if good.any():
        with np.errstate(invalid="ignore"):
            q = _linear_quantile(theta_b[good], probs[good])
        low[good], high[good] = q[:, 0], q[:, 1]
    return low, high


def _linear_quantile(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``scipy.stats.quantile(y, p, axis=-1)`` (method "linear", Hyndman-Fan 7) for
    rows without NaN, in scipy's own arithmetic; without importing ``scipy.stats``
    (over a second, on the first page a server draws).

    Examples
    --------
    >>> _linear_quantile(np.array([[4.0, 1.0, 3.0, 2.0]]), np.array([[0.25, 0.5]]))
    array([[1.75, 2.5 ]])
    """
    y = np.sort(y, axis=-1)
    n = float(y.shape[-1])
    bad = (p > 1) | (p < 0) | np.isnan(p)
    p = np.where(bad, 0.5, p)
    jg = p * n + (1 - p)
    jp1 = jg // 1
    j = jp1 - 1
    g = jg % 1
    g = np.where(j < 0, 0, g)
    j = np.clip(j, 0.0, n - 1).astype(np.int64)
    jp1 = np.clip(jp1, 0.0, n - 1).astype(np.int64)
    out = (1 - g) * np.take_along_axis(y, j, axis=-1) + g * np.take_along_axis(y, jp1, axis=-1)
    return np.where(bad, np.nan, out)


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
