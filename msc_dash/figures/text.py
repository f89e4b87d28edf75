"""Text alternatives of figures: a sentence with the key numbers, and the data as a table.

Screen readers cannot read a Plotly chart; every chart of the app carries
:func:`describe` as its accessible name and :func:`data_table` in a collapsed
table beside it. Both read the figure's plain-dict form (``fig.to_dict()``).

Examples
--------
>>> import plotly.graph_objects as go
>>> fig = go.Figure(go.Bar(x=["A", "B"], y=[3, 5], name="Improved"),
...                 layout={"title": {"text": "Responders"}, "yaxis": {"title": {"text": "n"}}})
>>> describe(fig.to_dict())
'Responders. Improved: A 3, B 5.'
>>> data_table(fig.to_dict())
     series  x  n
0  Improved  A  3
1  Improved  B  5
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

__all__ = ["describe", "data_table", "MAX_TABLE_ROWS"]

#: Rows of a chart's data table; longer data is cut with a note (the CSV downloads hold it all).
MAX_TABLE_ROWS = 1000
_LIST_POINTS = 12  # series of at most this many points are listed point by point
_TAG = re.compile(r"<[^>]+>")


def _text(value) -> str:
    if isinstance(value, dict):
        value = value.get("text", "")
    if value is None:
        return ""
    return _TAG.sub(" ", str(value)).replace("  ", " ").strip()


def _values(trace: dict, key: str):
    v = trace.get(key)
    if v is None or isinstance(v, str | int | float):
        return None
    if isinstance(v, dict) and "bdata" in v:  # plotly's typed-array JSON
        import base64

        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
    return np.asarray(v, dtype=object)


def _num(v) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return _text(v)
    if not math.isfinite(f):
        return "none"
    return f"{f:.3g}" if abs(f) < 1e5 else f"{f:,.0f}"


def _axis_title(layout: dict, trace: dict, axis: str) -> str:
    ref = trace.get(f"{axis}axis", axis)
    name = f"{axis}axis" + ref[1:]
    return _text((layout.get(name) or {}).get("title")) or axis


def _numeric(values) -> bool:
    if values is None or not len(values):
        return False
    return pd.to_numeric(pd.Series(values), errors="coerce").notna().any()


def _horizontal(trace: dict) -> bool:
    # bars say so; a forest's markers have labels on y and the numbers (and errors) on x
    if trace.get("orientation"):
        return trace["orientation"] == "h"
    return (not _numeric(_values(trace, "y")) and _numeric(_values(trace, "x"))) or (
        bool(trace.get("error_x")) and not trace.get("error_y"))


def _series(spec: dict):
    """(name, trace, value axis, category axis) of every trace with data.

    A trace with ``meta="shape"`` (an outline drawn from computed points, such as
    a bootstrap density) carries no data of its own and is left out.
    """
    for i, trace in enumerate(spec.get("data") or []):
        if trace.get("meta") == "shape":
            continue
        name = _text(trace.get("name")) or f"series {i + 1}"
        horizontal = _horizontal(trace)
        yield name, trace, ("x" if horizontal else "y"), ("y" if horizontal else "x")


def describe(spec: dict, title: str | None = None) -> str:
    """One paragraph for screen readers: the title and the key numbers of every series.

    Short series are listed point by point (``label value [low, high]``); long
    ones summarised (points, range, median). Series hidden from the legend
    that repeat one shape (one line per subject) are counted, not listed.
    """
    layout = spec.get("layout") or {}
    parts = [_text(title) or _text(layout.get("title")) or "Chart"]
    hidden = 0
    for name, trace, value_axis, cat_axis in _series(spec):
        vals = _values(trace, value_axis)
        if vals is None or not len(vals):
            continue
        if trace.get("showlegend") is False and len(spec["data"]) > _LIST_POINTS:
            hidden += 1
            continue
        cats = _values(trace, cat_axis)
        err = (trace.get(f"error_{value_axis}") or {})
        hi, lo = _values(err, "array"), _values(err, "arrayminus")
        if len(vals) <= _LIST_POINTS and cats is not None and len(cats) == len(vals):
            points = []
            for j, (c, v) in enumerate(zip(cats, vals, strict=True)):
                point = f"{_num(c)} {_num(v)}"
                if hi is not None and lo is not None and j < len(hi) and j < len(lo):
                    try:
                        point += f" [{_num(float(v) - float(lo[j]))}, {_num(float(v) + float(hi[j]))}]"
                    except (TypeError, ValueError):
                        pass
                points.append(point)
            parts.append(f"{name}: {', '.join(points)}")
        else:
            num = pd.to_numeric(pd.Series(vals), errors="coerce").dropna()
            if num.empty:
                parts.append(f"{name}: {len(vals)} points")
            else:
                parts.append(f"{name}: {len(vals)} points, {_axis_title(layout, trace, value_axis)} "
                             f"from {_num(num.min())} to {_num(num.max())}, "
                             f"median {_num(num.median())}")
    if hidden:
        parts.append(f"and {hidden} individual lines")
    return ". ".join(parts) + "."


def data_table(spec: dict, max_rows: int = MAX_TABLE_ROWS) -> pd.DataFrame:
    """The figure's data: one row per point (series, category, value, interval).

    Columns are named by the axis titles; at most ``max_rows`` rows (``attrs["cut"]``
    holds the number of rows left out).
    """
    layout = spec.get("layout") or {}
    frames = []
    for name, trace, value_axis, cat_axis in _series(spec):
        vals = _values(trace, value_axis)
        if vals is None or not len(vals):
            continue
        cats = _values(trace, cat_axis)
        value_col = _axis_title(layout, trace, value_axis)
        cat_col = _axis_title(layout, trace, cat_axis)
        if value_col == cat_col:
            cat_col += " "  # two axes without titles: keep both columns
        part = {"series": [name] * len(vals)}
        if cats is not None and len(cats) == len(vals):
            part[cat_col] = [_text(c) if isinstance(c, str) else c for c in cats]
        part[value_col] = list(vals)
        err = trace.get(f"error_{value_axis}") or {}
        hi, lo = _values(err, "array"), _values(err, "arrayminus")
        if hi is not None and lo is not None and len(hi) == len(vals) == len(lo):
            v = pd.to_numeric(pd.Series(vals), errors="coerce")
            part["low"] = list(v - pd.to_numeric(pd.Series(lo), errors="coerce"))
            part["high"] = list(v + pd.to_numeric(pd.Series(hi), errors="coerce"))
        frame = pd.DataFrame(part)
        frames.append(frame[frame[value_col].notna()])  # gaps between subjects' lines
    if not frames:
        return pd.DataFrame({"series": []})
    table = pd.concat(frames, ignore_index=True)
    cut = max(len(table) - max_rows, 0)
    table = table.iloc[:max_rows]
    table.attrs["cut"] = cut
    return table
