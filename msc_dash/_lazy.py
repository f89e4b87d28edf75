"""``scipy.stats`` and ``scipy.optimize``, imported on first use.

Importing ``scipy.stats`` costs more than a second, ``scipy.optimize`` about half
of one; most modules of the package use them in a few functions only, and the
first page a server draws (the Overview: bootstrap effect sizes through
``scipy.special``) neither. ``from ._lazy import stats`` gives a stand-in whose
first attribute access imports the module.

Examples
--------
>>> from msc_dash._lazy import stats
>>> round(float(stats.norm.cdf(0)), 2)
0.5
"""

from __future__ import annotations

import importlib

__all__ = ["optimize", "stats"]


class _Lazy:
    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str):
        module = importlib.import_module(self._name)
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazily imported {self._name}>"


stats = _Lazy("scipy.stats")
optimize = _Lazy("scipy.optimize")
