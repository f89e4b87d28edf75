"""Log axes labelled 1-2-5 (plotly's own log ticks label 20 and 30 as "2", "3")."""

from __future__ import annotations

import math

import numpy as np

__all__: list[str] = []

_DENSE = (1, 1.5, 2, 3, 4, 5, 6, 8)


def _log_ticks(values, dense: bool = False) -> list[float] | None:
    """1-2-5 ticks spanning ``values`` (plotly's own log ticks label 20 and 30 as "2", "3").

    Denser ticks when few fall inside; ``dense`` always uses them (for charts
    whose visible range changes when the user shows hidden traces).
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return None
    lo, hi = math.floor(math.log10(v.min())), math.ceil(math.log10(v.max()))
    choices = (_DENSE,) if dense else ((1, 2, 5), _DENSE)
    for mantissas in (*choices, tuple(np.arange(1, 10, 0.5)), tuple(np.arange(1, 10, 0.2))):
        ticks = [float(f"{m * 10.0**k:.6g}") for k in range(lo, hi + 1) for m in mantissas]
        inside = [t for t in ticks if v.min() / 1.1 <= t <= v.max() * 1.1]
        if len(inside) >= 3:
            return inside
    return inside or ticks


def _log_axis(ticks: list[float] | None) -> dict:
    """A log axis labelled at ``ticks`` (plotly's own ticks when there are none)."""
    ticks = ticks or None
    return dict(type="log", tickvals=ticks, ticktext=[f"{t:g}" for t in ticks] if ticks else None)
