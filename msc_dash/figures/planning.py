"""Figures of the Planning page: power against sample size, sample size across a CI."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .style import OKABE_ITO, build_figure

__all__ = ["power_curve_figure", "ci_sample_size_figure"]


def power_curve_figure(curve: pd.DataFrame, *, target: float, n_required: float,
                       title: str | None = None) -> go.Figure:
    """Power (y, %) against subjects per arm (x), the target power and the n that reaches it.

    Examples
    --------
    >>> c = pd.DataFrame({"n_per_arm": [2, 50, 100], "power": [0.05, 0.7, 0.95]})
    >>> fig = power_curve_figure(c, target=0.8, n_required=64.2)
    >>> fig.data[0].y.tolist(), fig.layout.shapes[0].y0
    ([5.0, 70.0, 95.0], 80.0)
    """
    fig = build_figure(
        [go.Scatter(x=curve["n_per_arm"], y=100 * curve["power"], mode="lines",
                    line=dict(color=OKABE_ITO[0], width=3), name="Power",
                    hovertemplate="%{x} per arm: power %{y:.1f}%<extra></extra>")],
        {"xaxis": dict(title="Subjects per arm (completing)", rangemode="tozero"),
         "yaxis": dict(title="Power (%)", range=[0, 100]), "showlegend": False},
        title=title, height=420)
    fig.add_hline(y=100 * target, line=dict(color="#555", dash="dash"),
                  annotation_text=f"target {target:.0%}", annotation_position="bottom right")
    if math.isfinite(n_required):
        n = math.ceil(n_required)
        fig.add_vline(x=n, line=dict(color=OKABE_ITO[5], dash="dot"),
                      annotation_text=f"{n} per arm", annotation_position="top left")
    return fig


def ci_sample_size_figure(table: pd.DataFrame, *, effect_label: str, estimate_text: str,
                          title: str | None = None, n_cap: float | None = None) -> go.Figure:
    """Subjects per arm (y, log axis) needed at each assumed effect (x) across the pilot's CI.

    ``table`` is :func:`msc_dash.power.n_across_ci`'s output (its ``effect``
    column may already be on a display scale). Effects that would need more
    than ``n_cap`` subjects (default 100 x the estimate's) are left out, those
    at 0 cannot be detected at all.

    Examples
    --------
    >>> t = pd.DataFrame({"effect": [0.0, 0.5, 1.0], "enrolled_per_arm": [math.inf, 64, 17],
    ...                   "is_estimate": [False, True, False]})
    >>> fig = ci_sample_size_figure(t, effect_label="g", estimate_text="pilot")
    >>> fig.data[0].x.tolist(), fig.data[1].y.tolist()
    ([0.5, 1.0], [64.0])
    """
    est = table[table["is_estimate"]]
    cap = n_cap or (100 * float(est["enrolled_per_arm"].iloc[0]) if len(est) and
                    np.isfinite(est["enrolled_per_arm"].iloc[0]) else 1e5)
    shown = table[np.isfinite(table["enrolled_per_arm"]) & (table["enrolled_per_arm"] <= cap)]
    traces = [
        go.Scatter(x=shown["effect"], y=shown["enrolled_per_arm"].astype(float),
                   mode="lines+markers", line=dict(color=OKABE_ITO[0], width=3),
                   marker=dict(size=6), name="Across the CI",
                   hovertemplate=f"{effect_label} %{{x:.3g}}: %{{y:,.0f}} per arm"
                                 "<extra></extra>"),
        go.Scatter(x=est["effect"], y=est["enrolled_per_arm"].astype(float), mode="markers",
                   marker=dict(size=16, color=OKABE_ITO[5], symbol="diamond"),
                   name=estimate_text,
                   hovertemplate=f"{estimate_text}: %{{y:,.0f}} per arm<extra></extra>"),
    ]
    return build_figure(
        traces,
        {"xaxis": dict(title=effect_label),
         "yaxis": dict(title="Subjects to enrol per arm (log scale)", type="log", dtick=1)},
        title=title, height=420)
