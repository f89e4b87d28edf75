"""Log axes labelled 1-2-5 (plotly's own log ticks label 20 and 30 as "2", "3").

Ticks can be chosen for the axis' drawn length (:func:`fit_log_axes`), so that
a short axis on a slide gets fewer labels than the same axis in the app.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["fit_log_axes", "log_ticks_for_length"]

_DENSE = (1, 1.5, 2, 3, 4, 5, 6, 8)
#: Least distance between two tick labels, in font sizes (a label is ~1.2 high).
_GAP = 2.0
#: Autorange pads a log axis by about this share of its span at each end.
_PAD = 0.05


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


def _candidates(lo: float, hi: float):
    """Tick sets inside [lo, hi]: decades, 1-2-5, dense mantissas, then linear steps."""
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    for mantissas in ((1,), (1, 2, 5), (1, 2, 3, 5), _DENSE):
        yield [float(f"{m * 10.0**k:.6g}") for k in range(a, b + 1) for m in mantissas]
    # a span under a decade or two reads best on even steps (as plotly does below one)
    for k in range(b, a - 3, -1):
        for m in (5, 2.5, 2, 1):
            step = m * 10.0**(k - 1)
            first = math.ceil(lo / step)
            if (hi - lo) / step <= 40:
                yield [float(f"{i * step:.6g}") for i in range(first, int(hi / step) + 1)]


def _thinned(ticks: list[float], gap: float) -> list[float]:
    """``ticks`` thinned to ``gap`` decades apart, keeping decades, then 2 and 5, first."""
    def rank(t: float) -> int:
        m = round(t / 10.0**math.floor(math.log10(t) + 1e-9), 6)
        return 0 if m == 1 else 1 if m in (2, 5) else 2

    kept: list[float] = []
    for t in sorted(ticks, key=lambda t: (rank(t), t)):
        if all(abs(math.log10(t / k)) >= gap for k in kept):
            kept.append(t)
    return sorted(kept)


def log_ticks_for_length(values, length_px: float, font_px: float = 20) -> list[float] | None:
    """Tick values of a log axis over ``values`` drawn ``length_px`` long.

    The most ticks whose labels (``font_px`` high) stay two font sizes apart,
    preferring decades and 1-2-5 over finer steps; at least two ticks.

    Examples
    --------
    >>> log_ticks_for_length([6.8, 12.4], 160)        # a short slide axis
    [8.0, 10.0, 12.0]
    >>> log_ticks_for_length([6.8, 12.4], 480)        # a taller one
    [7.0, 8.0, 9.0, 10.0, 11.0, 12.0]
    >>> log_ticks_for_length([3, 400], 200)
    [10.0, 100.0]
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return None
    lo, hi = float(v.min()), float(v.max())
    if hi <= lo * 1.0001:
        lo, hi = lo / 1.1, hi * 1.1
    span = math.log10(hi / lo) * (1 + 2 * _PAD)
    per_decade = length_px / span
    sets = [sorted({t for t in ticks if lo <= t <= hi}) for ticks in _candidates(lo, hi)]
    sets = [s for s in sets if len(s) >= 2]
    sets += [_thinned(s, _GAP * font_px / per_decade) for s in sets[:2]]
    sets = [s for s in sets if len(s) >= 2]
    gaps = [per_decade * float(np.diff(np.log10(s)).min()) for s in sets]
    fits = [s for s, gap in zip(sets, gaps, strict=True) if gap >= _GAP * font_px]
    # most labels, then the widest cover; the nicer (earlier) set on a tie
    best = (max(fits, key=lambda s: (len(s), round(math.log10(s[-1] / s[0]), 6))) if fits
            else (sets[int(np.argmax(gaps))] if sets else None))
    return best or [float(10.0**round(math.log10(math.sqrt(lo * hi))))]


def _numbers(a) -> np.ndarray:
    """An array of a trace (plotly keeps numpy arrays as base64 ``{"dtype", "bdata"}``)."""
    if a is None:
        return np.asarray([], dtype=float)
    if isinstance(a, dict) and "bdata" in a:
        import base64

        return np.frombuffer(base64.b64decode(a["bdata"]), dtype=a["dtype"]).astype(float)
    return np.asarray(pd.to_numeric(pd.Series(list(a), dtype=object), errors="coerce"),
                      dtype=float)


def _axis_values(fig, axis_id: str) -> list[float]:
    """What plotly's autorange spans on axis ``axis_id`` ("y", "y2", "x"): shown traces."""
    letter, out = axis_id[0], []
    for tr in fig.data:
        if tr.visible in (False, "legendonly") or (getattr(tr, letter + "axis", None)
                                                     or letter) != axis_id:
            continue
        v = _numbers(getattr(tr, letter, None))
        out += list(v)
        err = getattr(tr, "error_" + letter, None)
        if err is not None and err.array is not None and len(v):
            plus = _numbers(err.array)
            minus = _numbers(err.arrayminus if err.arrayminus is not None else err.array)
            out += list(v + plus) + list(v - minus)
    return out


def fit_log_axes(fig, *, height_px: float, width_px: float | None = None,
                 font_px: float = 20):
    """Re-choose the ticks of ``fig``'s labelled log axes for its drawn size.

    ``height_px`` / ``width_px`` are the plot area's size (inside the
    margins); each axis gets its domain's share. Changes ``fig`` in place and
    returns it.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> fig = go.Figure(go.Scatter(y=[6.8, 9, 12.4]),
    ...                 layout=dict(yaxis=_log_axis([7, 7.5, 8, 8.5, 9, 9.5, 10])))
    >>> fit_log_axes(fig, height_px=160).layout.yaxis.tickvals
    (8.0, 10.0, 12.0)
    """
    for name in [n for n in fig.layout if n.startswith(("xaxis", "yaxis"))]:
        axis = fig.layout[name]
        if axis.type != "log" or not axis.tickvals:
            continue
        length = height_px if name.startswith("y") else width_px
        if length is None:
            continue
        domain = axis.domain or (0, 1)
        ticks = log_ticks_for_length(_axis_values(fig, name[0] + name[5:]),
                                     length * (domain[1] - domain[0]), font_px)
        if ticks:
            axis.update(_log_axis(ticks))
    return fig
