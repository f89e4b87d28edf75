"""Figures of the between-arm comparison (two-arm trials)."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from ..tables import format_ci, p_phrase
from .style import FONT_SIZE, arm_colors, base_layout, new_figure

__all__ = ["adjusted_difference_figure"]


def adjusted_difference_figure(
    table: pd.DataFrame,
    *,
    outcome: str,
    axis_title: str,
    better: str = "higher",
    treatment: str = "treatment",
    control: str = "control",
    title: str | None = None,
) -> go.Figure:
    """Baseline-adjusted difference (treatment minus control) at each visit of one outcome.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`msc_dash.compare_arms` output (other outcomes are ignored).
    outcome : str
        Outcome code to draw.
    axis_title : str
        Y-axis title with the unit, e.g. ``"T25FW (s)"``.
    better : {"higher", "lower"}
        Direction of benefit, to say which side favours the treatment.
    treatment, control : str
        Arm labels, for the hover text and the "favours" note.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One marker trace (x = visit in time order, y = adjusted difference,
        error bars = CI) in the treatment's colour, and a dashed zero line.
        Rows of a log-scale outcome (``scale`` "log") are drawn as the ratio
        treatment / control on a log axis, with the line at 1.

    Examples
    --------
    >>> t = pd.DataFrame({"outcome": "SDMT", "visit": ["Month 6", "Month 12"], "day": [180, 365],
    ...                   "adjusted_difference": [1.5, 3.0], "adjusted_ci_low": [-0.5, 0.8],
    ...                   "adjusted_ci_high": [3.5, 5.2], "p_ancova": [0.14, 0.01],
    ...                   "n_treatment": 20, "n_control": 19, "estimable": True})
    >>> fig = adjusted_difference_figure(t, outcome="SDMT", axis_title="SDMT (correct answers)")
    >>> list(fig.data[0].x), list(fig.data[0].y)
    (['Month 6', 'Month 12'], [1.5, 3.0])
    """
    d = table[(table["outcome"] == outcome)].sort_values("day", kind="stable")
    if "estimable" in d:
        d = d[d["estimable"].astype(bool)]
    colour = arm_colors([treatment, control])[treatment]
    ratio = "scale" in d and len(d) > 0 and bool((d["scale"] == "log").all())
    est, lo, hi = (("ratio", "ratio_ci_low", "ratio_ci_high") if ratio else
                   ("adjusted_difference", "adjusted_ci_low", "adjusted_ci_high"))
    versus = f"{treatment} / {control}" if ratio else f"{treatment} − {control}"
    hover = [
        f"<b>{html.escape(str(r.visit))}</b> (day {r.day:.0f})<br>"
        f"{html.escape(versus)}: "
        f"{format_ci(getattr(r, est), getattr(r, lo), getattr(r, hi), decimals=2 if ratio else None)}"
        f"<br>n = {r.n_treatment} vs {r.n_control}, {p_phrase(r.p_ancova, 'ANCOVA p')}"
        for r in d.itertuples()
    ]
    fig = new_figure(go.Scatter(
        x=list(d["visit"]), y=list(d[est]), mode="markers+lines", name=versus,
        marker=dict(size=12, color=colour, symbol="square"), line=dict(color=colour, width=1.5),
        error_y=dict(type="data", array=list(d[hi] - d[est]), arrayminus=list(d[est] - d[lo]),
                     thickness=2.5, width=6, color=colour),
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", showlegend=False,
    ))
    base_layout(fig, title=title, height=400)
    fig.add_hline(y=1 if ratio else 0, line=dict(color="#444444", width=1.5, dash="dash"))
    up = "favours " + (treatment if better == "higher" else control)
    down = "favours " + (control if better == "higher" else treatment)
    if ratio:
        fig.update_yaxes(title=f"Adjusted ratio, {treatment} / {control}", type="log",
                         zeroline=False)
    else:
        fig.update_yaxes(title=f"Adjusted difference in {axis_title}", zeroline=False)
    fig.update_xaxes(title="Visit", type="category")
    for text, y, anchor in ((f"↑ {up}", 1, "top"), (f"↓ {down}", 0, "bottom")):
        fig.add_annotation(xref="paper", x=1, xanchor="right", yref="paper", y=y,
                           yanchor=anchor, text=html.escape(text), showarrow=False,
                           font=dict(size=FONT_SIZE - 2, color="#555555"))
    return fig
