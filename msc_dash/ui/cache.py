"""Cached calls into the analysis package, keyed on the trial's cache key.

``cached(func, trial, **kwargs)`` is :func:`msc_dash.memo.compute`: an
in-memory LRU keyed on the function, ``Trial.cache_key`` (data fingerprint +
filters + registry settings) and the keyword values, which the chart registry
uses too, so a page and its charts compute each analysis once. Results are
shared as they are (no ``st.cache_data`` pickling on every rerun, which cost
a warm page up to half its time): callers must not change them in place.
Nothing is written to disk.

``rows_by(frame, *columns)`` cuts a shared result frame into rows once (per
frame object), so a page looking up one row per card does not filter the
frame again on every rerun.
"""

from __future__ import annotations

import pandas as pd

from ..memo import LRU, compute
from ..trial import Trial

__all__ = ["cached", "per_arm", "rows_by", "arrow_table", "keep", "derived"]

_MAX_FRAMES = 64
_frames = LRU(_MAX_FRAMES)


def cached(func, trial: Trial, **kwargs):
    """``func(trial, **kwargs)``, computed once per trial key and arguments.

    ``func`` must be a module-level function of ``msc_dash`` taking the trial
    first; keyword values must be hashable. The result is shared: do not
    change it in place.
    """
    return compute(func, trial, **kwargs)


def _per_arm(trial: Trial, *, analysis) -> dict:
    return {arm: compute(analysis, trial.filter(arm=[arm])) for arm in trial.arms}


def per_arm(func, trial: Trial) -> dict:
    """Arm -> ``func`` of that arm's subjects (``trial.filter(arm=[arm])``), memoised.

    Filtering the trial per arm on every rerun costs more than the analysis.
    """
    return compute(_per_arm, trial, analysis=func)


_MAX_KEPT = 256
_kept = LRU(_MAX_KEPT)


def keep(name: str, make, *key):
    """``make()``, computed once per ``name`` and hashable ``key`` values (an LRU).

    For a page's own pure computations on plain values (the Planning page's
    sample sizes at the numbers typed in), which no trial keys. ``name`` must
    be unique to what ``make`` computes; the result is shared: do not change it.

    Examples
    --------
    >>> keep("doc.square", lambda: 3 * 3, 3), keep("doc.square", lambda: 0, 3)
    (9, 9)
    """
    return _kept.get((name, *key), make)


def _per_frame(frame: pd.DataFrame, what: tuple, make):
    # keyed on the frame object: the entry holds the frame, so while it is kept
    # no other object can have its id
    return _frames.get((id(frame), what), lambda: (frame, make()))[1]


def derived(result, what: str, make):
    """``make()``, once per shared result object (a memoised analysis) and ``what``.

    For what a page derives from an analysis on every rerun (its summary
    table, a display frame). The entry holds ``result``, so its id is not reused.
    """
    return _per_frame(result, ("derived", what), make)


def rows_by(frame: pd.DataFrame, *columns: str) -> dict:
    """``frame``'s rows as dicts, grouped by ``columns``: key tuple -> list of dicts.

    Computed once per frame object (a shared, never changed result such as
    the effect table). Row order within a group is the frame's.

    Examples
    --------
    >>> df = pd.DataFrame({"outcome": ["A", "A", "B"], "arm": ["x", "y", "x"], "g": [1, 2, 3]})
    >>> rows_by(df, "outcome", "arm")[("A", "y")]
    [{'outcome': 'A', 'arm': 'y', 'g': 2}]
    >>> rows_by(df, "outcome") is rows_by(df, "outcome")
    True
    """
    def make() -> dict:
        # one to_dict of the whole frame: a groupby slice per group is slow on Arrow strings
        out: dict = {}
        for row in frame.to_dict("records"):
            out.setdefault(tuple(row[c] for c in columns), []).append(row)
        return out

    return _per_frame(frame, ("rows",) + columns, make)


def arrow_table(frame: pd.DataFrame):
    """``frame`` as a ``pyarrow.Table`` (index dropped), converted once per frame object.

    ``st.dataframe`` converts a pandas frame to Arrow on every rerun; handed
    the table, it only serialises it.
    """
    import pyarrow as pa

    return _per_frame(frame, ("arrow",), lambda: pa.Table.from_pandas(frame,
                                                                       preserve_index=False))
