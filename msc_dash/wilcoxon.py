"""Wilcoxon signed-rank test of paired changes, exact where it can be.

:func:`signed_rank_test` is the test behind ``p_wilcoxon`` in the effect
table. Clinical scores tie and stay unchanged (EDSS moves in half steps, a
Functional System score in whole ones), so the test handles both the way a
statistician would check it in R:

1. differences are rounded to the data's precision (:func:`decimals`), so
   that 1.1 - 1.8 and 2.1 - 2.8 tie although their floating-point
   differences do not;
2. zero differences are dropped (as ``wilcox.test`` and scipy do);
3. the rest are ranked by absolute value with midranks for ties;
4. up to :data:`EXACT_MAX` non-zero differences, p is exact: the
   distribution of the signed-rank sum S over all 2**m sign flips of those
   midranks (the permutation distribution conditional on the ties, counted
   by dynamic programming over the doubled ranks, which are integers), two
   sided, ``P(|S - E| >= |s - E|)``;
5. beyond that, the normal approximation with the tie correction of the
   variance and a continuity correction of 0.5 (``wilcox.test(...,
   exact = FALSE, correct = TRUE)``).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from scipy import special

__all__ = ["EXACT_MAX", "METHODS", "decimals", "signed_rank_test", "rounded_changes"]

#: Up to this many non-zero differences p is exact (2**50 sign flips, counted).
EXACT_MAX = 50

#: The values of the method column (``p_wilcoxon_method``).
METHODS = ("exact", "normal approximation")

_MAX_DECIMALS = 12


def decimals(*arrays: np.ndarray) -> int:
    """Decimal places the values are recorded to (at most 12).

    The smallest d such that every finite value times 10**d is a whole number
    up to floating-point noise. Values with more digits than that (computed
    scores) get d = 12 minus their order of magnitude, which removes only
    floating-point noise.

    Examples
    --------
    >>> decimals(np.array([1.1, 2.8, 4.0]))
    1
    >>> decimals(np.array([6.0, 6.5]), np.array([3.0]))
    1
    >>> decimals(np.array([3, 4, 12]))
    0
    """
    x = np.abs(np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays]))
    # distinct values by hashing (a registry's million values: a few thousand distinct;
    # np.unique sorts them all first), in any order: only all() and max() follow
    x = pd.unique(x[np.isfinite(x)])
    if not len(x):
        return 0
    scaled = x[:, None] * 10.0 ** np.arange(_MAX_DECIMALS + 1)
    whole = np.abs(scaled - np.round(scaled)) <= 1e-9 + 1e-13 * scaled  # float noise only
    ok = whole.all(axis=0)
    if ok.any():
        return int(np.argmax(ok))
    top = float(x.max())
    return int(np.clip(_MAX_DECIMALS - np.floor(np.log10(top)) if top > 0 else 0,
                       0, _MAX_DECIMALS))


def rounded_changes(value: np.ndarray, baseline: np.ndarray) -> np.ndarray:
    """``value - baseline`` rounded to the data's precision (:func:`decimals`).

    Examples
    --------
    >>> d = rounded_changes(np.array([1.1, 2.1]), np.array([1.8, 2.8]))
    >>> bool(d[0] == d[1]), (1.1 - 1.8) == (2.1 - 2.8)
    (True, False)
    """
    value, baseline = np.asarray(value, dtype=float), np.asarray(baseline, dtype=float)
    return np.round(value - baseline, decimals(value, baseline))


def _midranks(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Midranks 1..n of ``a`` and the sizes of its tie groups."""
    order = np.argsort(a, kind="mergesort")
    inverse = np.empty(len(a), dtype=np.intp)
    inverse[order] = np.arange(len(a))
    s = a[order]
    first = np.r_[True, s[1:] != s[:-1]]
    dense = np.cumsum(first)[inverse]
    bounds = np.r_[np.nonzero(first)[0], len(a)]
    return 0.5 * (bounds[dense] + bounds[dense - 1] + 1), np.diff(bounds)


@functools.lru_cache(maxsize=256)
def _sign_flip_counts(doubled: tuple[int, ...]) -> np.ndarray:
    """Number of sign flips giving each sum of the (doubled, integer) ranks."""
    counts = np.zeros(sum(doubled) + 1, dtype=np.int64)
    counts[0] = 1
    for q in doubled:
        counts[q:] = counts[q:] + counts[:-q]  # q >= 2: ranks are at least 1
    return counts


def signed_rank_test(change: np.ndarray, *,
                     exact_max: int = EXACT_MAX) -> tuple[float, str, float]:
    """Two-sided Wilcoxon signed-rank test of changes against zero.

    Parameters
    ----------
    change : numpy.ndarray
        Paired differences, already rounded to the data's precision
        (:func:`rounded_changes`).
    exact_max : int
        Exact p up to this many non-zero differences (0: always the normal
        approximation).

    Returns
    -------
    tuple of (float, str, float)
        p, the method that gave it (one of :data:`METHODS`; "" and p = NaN
        when every difference is zero) and the signed-rank sum S of the
        positive differences.

    Examples
    --------
    One change of 2 among 21 zeros (an FS score): S = 1 is its own mirror
    image, so p = 1 (R: ``wilcox.test(c(rep(0, 21), 2))$p.value`` = 1).

    >>> signed_rank_test(np.r_[np.zeros(21), 2.0])
    (1.0, 'exact', 1.0)
    >>> p, method, s = signed_rank_test(np.array([1.0, 2, 3, 4, 5]))
    >>> round(p, 4), method  # all 2**5 flips: 2 of 32 as extreme
    (0.0625, 'exact')
    """
    d = np.asarray(change, dtype=float)
    d = d[d != 0]
    m = len(d)
    if m == 0:
        return float("nan"), "", float("nan")
    ranks, ties = _midranks(np.abs(d))
    s = float(ranks[d > 0].sum())
    if m <= exact_max:
        doubled = (2 * ranks).astype(np.int64)
        counts = _sign_flip_counts(tuple(sorted(doubled.tolist())))
        total = int(doubled.sum())  # 2 * sum of ranks: |S - E| compared in quarter units
        sums = np.arange(len(counts))
        extreme = np.abs(2 * sums - total) >= abs(int(round(4 * s)) - total)
        return float(min(counts[extreme].sum() / 2.0**m, 1.0)), "exact", s
    mean = m * (m + 1) / 4
    var = m * (m + 1) * (2 * m + 1) / 24 - np.sum(ties**3.0 - ties) / 48
    z = s - mean
    z = (z - np.sign(z) * 0.5) / np.sqrt(var)
    return float(min(2 * special.ndtr(-abs(z)), 1.0)), "normal approximation", s
