"""Shared look of every figure: colour-blind-safe colours, projector-size type."""

from __future__ import annotations

import plotly.graph_objects as go

__all__ = ["OKABE_ITO", "arm_colors", "base_layout", "STATUS_COLORS", "SEVERITY_COLORS"]

#: Okabe-Ito palette (colour-blind safe), black omitted.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
             "#F0E442", "#000000")

#: improved / stable / worsened
STATUS_COLORS = {"improved": "#009E73", "stable": "#BBBBBB", "worsened": "#D55E00",
                 "unknown": "#888888"}
SEVERITY_COLORS = {"mild": "#56B4E9", "moderate": "#E69F00", "severe": "#D55E00",
                   "life-threatening": "#CC79A7", "fatal": "#000000", "unknown": "#999999"}

FONT_SIZE = 16


def arm_colors(arms) -> dict[str, str]:
    """One fixed colour per arm, by position (the same arm list gives the same colours).

    Examples
    --------
    >>> arm_colors(["MSC", "Placebo"])
    {'MSC': '#0072B2', 'Placebo': '#E69F00'}
    """
    return {arm: OKABE_ITO[i % len(OKABE_ITO)] for i, arm in enumerate(arms)}


def base_layout(fig: go.Figure, *, title: str | None = None, height: int = 460) -> go.Figure:
    """Apply the shared template: white background, large type, legend on top."""
    fig.update_layout(
        template="plotly_white",
        title=dict(text=title, x=0, xanchor="left", font=dict(size=FONT_SIZE + 4))
        if title else None,
        font=dict(size=FONT_SIZE, family="Source Sans Pro, Arial, sans-serif"),
        height=height,
        margin=dict(l=70, r=30, t=70 if title else 40, b=60),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1),
        hoverlabel=dict(font_size=FONT_SIZE - 2),
    )
    return fig
