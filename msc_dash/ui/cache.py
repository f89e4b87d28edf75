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

import threading
from collections import OrderedDict

import pandas as pd

from ..memo import compute
from ..trial import Trial

__all__ = ["cached", "rows_by", "arrow_table"]

_MAX_FRAMES = 64
_frames: OrderedDict = OrderedDict()
_frames_lock = threading.Lock()


def cached(func, trial: Trial, **kwargs):
    """``func(trial, **kwargs)``, computed once per trial key and arguments.

    ``func`` must be a module-level function of ``msc_dash`` taking the trial
    first; keyword values must be hashable. The result is shared: do not
    change it in place.
    """
    return compute(func, trial, **kwargs)


def _per_frame(frame: pd.DataFrame, what: tuple, make):
    # keyed on the frame object: the entry holds the frame, so its id is not reused
    key = (id(frame), what)
    with _frames_lock:
        hit = _frames.get(key)
        if hit is not None and hit[0] is frame:
            _frames.move_to_end(key)
            return hit[1]
    value = make()
    with _frames_lock:
        _frames[key] = (frame, value)
        while len(_frames) > _MAX_FRAMES:
            _frames.popitem(last=False)
    return value


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
        return {(k if isinstance(k, tuple) else (k,)): part.to_dict("records")
                for k, part in frame.groupby(list(columns), sort=False)}

    return _per_frame(frame, ("rows",) + columns, make)


def arrow_table(frame: pd.DataFrame):
    """``frame`` as a ``pyarrow.Table`` (index dropped), converted once per frame object.

    ``st.dataframe`` converts a pandas frame to Arrow on every rerun; handed
    the table, it only serialises it.
    """
    import pyarrow as pa

    return _per_frame(frame, ("arrow",), lambda: pa.Table.from_pandas(frame,
                                                                       preserve_index=False))
