"""A small in-memory memo of analyses, keyed on the trial's cache key.

The chart registry (:mod:`msc_dash.charts`) builds figures from analyses;
two charts of one page (the estimation plot and the forest plot) need the
same effect table. :func:`compute` runs an analysis once per trial key and
arguments and keeps the last :data:`MAX_ENTRIES` results (least recently
used dropped first). The app's cache (``msc_dash.ui.cache.cached``) goes
through it too, so a page and its charts share one computation.

Results are shared: callers must not change them in place. Nothing is
written to disk.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

__all__ = ["compute", "clear", "MAX_ENTRIES"]

#: Results kept (per process).
MAX_ENTRIES = 256

_lock = threading.Lock()
_store: OrderedDict = OrderedDict()


def _key(func, trial, kwargs: dict) -> tuple:
    return (f"{func.__module__}.{func.__qualname__}", trial.cache_key,
            tuple(sorted(kwargs.items())))


def compute(func, trial, **kwargs):
    """``func(trial, **kwargs)``, computed once per trial key and keyword values.

    Keyword values must be hashable (an :class:`~msc_dash.settings.AnalysisSettings`
    is). Two threads asking at once may both compute; the result is the same.

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash.trial import Trial
    >>> calls = []
    >>> def n_of(trial, *, plus=0):
    ...     calls.append(1)
    ...     return trial.n_subjects + plus
    >>> t = Trial.from_tables(pd.DataFrame({"subject_id": ["a", "b"]}), pd.DataFrame(
    ...     {"subject_id": "a", "visit": "BL", "day": 0, "outcome": "SDMT", "value": [1.0]}))
    >>> compute(n_of, t, plus=1), compute(n_of, t, plus=1), len(calls)
    (3, 3, 1)
    """
    key = _key(func, trial, kwargs)
    with _lock:
        if key in _store:
            _store.move_to_end(key)
            return _store[key]
    result = func(trial, **kwargs)
    with _lock:
        _store[key] = result
        while len(_store) > MAX_ENTRIES:
            _store.popitem(last=False)
    return result


def clear() -> None:
    """Forget every result."""
    with _lock:
        _store.clear()
