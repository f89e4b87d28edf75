"""Chart text large enough for a projector: one minimum for every piece of text."""

from __future__ import annotations

import plotly.graph_objects as go

from .style import title_pad

__all__ = ["legible"]


def legible(fig: go.Figure, base: int = 20) -> go.Figure:
    """``fig`` with every text at least ``base - 2`` px (ticks, legend, annotations).

    The layout font becomes ``base``; tick labels, legend and annotation
    texts that a figure set explicitly smaller are raised to ``base - 2``,
    axis titles to ``base``. Changes ``fig`` in place and returns it.

    Examples
    --------
    >>> fig = go.Figure(go.Scatter(x=[1], y=[2]), layout=dict(xaxis=dict(tickfont=dict(size=11))))
    >>> fig = legible(fig, base=22)
    >>> fig.layout.font.size, fig.layout.xaxis.tickfont.size, fig.layout.yaxis.tickfont.size
    (22, 20, 20)
    """
    fig.update_layout(font=dict(size=base), legend=dict(font=dict(size=base - 2)))
    if fig.layout.title.text:
        fig.update_layout(title=dict(font=dict(size=base + 4)))
        if fig.layout.title.yanchor == "top":  # hung from the top: room for its lines
            extra = fig.layout.title.text.count("<br>")
            pad = title_pad(base + 4, extra)
            fig.layout.title.pad.t = pad
            room = pad + round((base + 4) * 1.3 * (extra + 1)) + 8
            fig.layout.margin.t = max(fig.layout.margin.t or 0, room)
    axes = [name for name in fig.layout if name.startswith(("xaxis", "yaxis"))]
    for name in {"xaxis", "yaxis", *axes}:
        axis = fig.layout[name]
        axis.tickfont.size = max(axis.tickfont.size or 0, base - 2)
        axis.title.font.size = max(axis.title.font.size or 0, base)
    for note in fig.layout.annotations or ():
        note.font.size = max(note.font.size or 0, base - 2)
    for trace in fig.data:
        font = getattr(trace, "textfont", None)
        if font is not None and font.size is not None:
            font.size = max(font.size, base - 2)
    return fig
