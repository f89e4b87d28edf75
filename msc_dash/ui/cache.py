"""Cached calls into the analysis package, keyed on the trial's cache key.

``st.cache_data`` keeps results in memory only. The trial itself is passed
with a leading underscore so Streamlit does not hash it; ``Trial.cache_key``
(data fingerprint + filters + registry settings) stands in for it. The call
goes through :func:`msc_dash.memo.compute`, which the chart registry uses
too, so a page and its charts compute each analysis once.
"""

from __future__ import annotations

import importlib

import streamlit as st

from ..memo import compute
from ..trial import Trial


@st.cache_data(show_spinner=False, max_entries=256)
def _run(qualname: str, key: str, _trial: Trial, kwargs: tuple):
    module, name = qualname.rsplit(".", 1)
    func = getattr(importlib.import_module(module), name)
    return compute(func, _trial, **dict(kwargs))


def cached(func, trial: Trial, **kwargs):
    """``func(trial, **kwargs)``, computed once per trial key and arguments.

    ``func`` must be a module-level function of ``msc_dash`` taking the trial
    first; keyword values must be hashable.
    """
    qualname = f"{func.__module__}.{func.__qualname__}"
    return _run(qualname, trial.cache_key, trial, tuple(sorted(kwargs.items())))
