"""Cached calls into the analysis package, keyed on the trial's cache key.

``cached(func, trial, **kwargs)`` is :func:`msc_dash.memo.compute`: an
in-memory LRU keyed on the function, ``Trial.cache_key`` (data fingerprint +
filters + registry settings) and the keyword values, which the chart registry
uses too, so a page and its charts compute each analysis once. Results are
shared as they are (no ``st.cache_data`` pickling on every rerun, which cost
a warm page up to half its time): callers must not change them in place.
Nothing is written to disk.
"""

from __future__ import annotations

from ..memo import compute
from ..trial import Trial


def cached(func, trial: Trial, **kwargs):
    """``func(trial, **kwargs)``, computed once per trial key and arguments.

    ``func`` must be a module-level function of ``msc_dash`` taking the trial
    first; keyword values must be hashable. The result is shared: do not
    change it in place.
    """
    return compute(func, trial, **kwargs)
