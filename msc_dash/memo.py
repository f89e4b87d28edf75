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

__all__ = ["compute", "clear", "LRU", "MAX_ENTRIES"]

#: Results kept (per process).
MAX_ENTRIES = 256


class LRU:
    """A thread-safe store of at most ``size`` results, the least recently used dropped first.

    Results are kept as they are (no copy, no pickling): callers must not
    change them in place. Two threads asking for one key at once may both
    make it; the result is the same.

    Examples
    --------
    >>> store = LRU(2)
    >>> store.get("a", lambda: 1), store.get("a", lambda: 99), store.get("b", lambda: 2)
    (1, 1, 2)
    >>> store.get("c", lambda: 3), len(store), store.get("a", lambda: 4)  # "a" was dropped
    (3, 2, 4)
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._store: OrderedDict = OrderedDict()

    def get(self, key, make):
        """The result kept under ``key``, else ``make()`` (then kept under it)."""
        with self._lock:
            if key in self._store:
                self._store.move_to_end(key)
                return self._store[key]
        result = make()
        with self._lock:
            self._store[key] = result
            while len(self._store) > self.size:
                self._store.popitem(last=False)
        return result

    def clear(self) -> None:
        """Forget every result."""
        with self._lock:
            self._store.clear()

    def __len__(self) -> int:
        return len(self._store)


_results = LRU(MAX_ENTRIES)


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
    return _results.get(_key(func, trial, kwargs), lambda: func(trial, **kwargs))


def clear() -> None:
    """Forget every result."""
    _results.clear()
