"""Figures of outcomes anchored to the injections (see :mod:`msc_dash.anchored`)."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .style import arm_colors, build_figure

__all__ = ["since_injection_figure", "injection_number_figure", "durability_figure",
           "dose_response_figure"]


def _band(x, lo, hi, color: str, name: str) -> go.Scatter:
    return go.Scatter(x=list(x) + list(x)[::-1], y=list(hi) + list(lo)[::-1], fill="toself",
                      mode="lines",
                      fillcolor=color, opacity=0.18, line=dict(width=0), hoverinfo="skip",
                      showlegend=False, name=name)


def since_injection_figure(frame: pd.DataFrame, curves: dict[str, pd.DataFrame], *,
                           y_title: str, title: str | None = None) -> go.Figure:
    """Change against days since the most recent injection: every value, mean curve and CI.

    Parameters
    ----------
    frame : DataFrame
        :func:`msc_dash.anchored.anchored_changes` output.
    curves : dict
        arm -> :func:`msc_dash.anchored.since_injection_curve` of that arm.

    Examples
    --------
    >>> f = pd.DataFrame({"arm": "All", "days_since": [5, 20], "change": [1.0, 3.0],
    ...                   "subject_id": ["a", "b"], "injection_number": [1, 2]})
    >>> c = pd.DataFrame({"mid": [15.0], "mean": [2.0], "ci_low": [0.5], "ci_high": [3.5],
    ...                   "n": [2.0]})
    >>> fig = since_injection_figure(f, {"All": c}, y_title="Change")
    >>> [t.name for t in fig.data]
    ['All: values', 'All', 'All: mean']
    """
    colors = arm_colors(list(curves))
    traces = []
    for arm, curve in curves.items():
        f = frame[frame["arm"] == arm]
        traces.append(go.Scatter(
            x=list(f["days_since"]), y=list(f["change"]), mode="markers", name=f"{arm}: values",
            marker=dict(size=6, color=colors[arm], opacity=0.35),
            hovertext=[f"{html.escape(str(r.subject_id))}, injection {r.injection_number}: "
                       f"{r.change:.3g} at {r.days_since:.0f} days" for r in f.itertuples()],
            hovertemplate="%{hovertext}<extra></extra>", showlegend=False))
        traces.append(_band(curve["mid"], curve["ci_low"], curve["ci_high"], colors[arm], arm))
        traces.append(go.Scatter(
            x=list(curve["mid"]), y=list(curve["mean"]), mode="lines+markers",
            name=f"{arm}: mean", line=dict(color=colors[arm], width=3),
            hovertext=[f"{html.escape(arm)}: mean {r.mean:.3g} (n = {r.n:.0f})"
                       for r in curve.itertuples()],
            hovertemplate="%{hovertext}<extra></extra>"))
    fig = build_figure(traces, {"xaxis": {"title": {"text": "Days since the most recent "
                                                             "injection"}},
                                "yaxis": {"title": {"text": y_title}}}, title=title, height=420)
    fig.add_hline(y=0, line=dict(color="#999999", width=1, dash="dash"))
    return fig


def injection_number_figure(results: dict[str, dict], *, y_title: str,
                            title: str | None = None) -> go.Figure:
    """Mean change after each injection number per arm, with the slope in the legend.

    Examples
    --------
    >>> t = pd.DataFrame({"injection_number": [1, 2], "mean": [0.5, 1.0],
    ...                   "ci_low": [0.0, 0.4], "ci_high": [1.0, 1.6], "n": [10, 9]})
    >>> r = {"table": t, "slope": 0.5, "ci_low": 0.1, "ci_high": 0.9}
    >>> injection_number_figure({"All": r}, y_title="Change").data[0].name
    'All: slope 0.5 [0.1, 0.9] per injection'
    """
    colors = arm_colors(list(results))
    traces = []
    for i, (arm, r) in enumerate(results.items()):
        t = r["table"]
        x = t["injection_number"].to_numpy(float) + (i - (len(results) - 1) / 2) * 0.08
        traces.append(go.Scatter(
            x=list(x), y=list(t["mean"]), mode="lines+markers",
            name=f"{arm}: slope {r['slope']:.2g} [{r['ci_low']:.2g}, {r['ci_high']:.2g}] "
                 "per injection",
            marker=dict(size=11, color=colors[arm]), line=dict(color=colors[arm], width=2),
            error_y=dict(type="data", array=list(t["ci_high"] - t["mean"]),
                         arrayminus=list(t["mean"] - t["ci_low"]), color=colors[arm]),
            hovertext=[f"{html.escape(arm)}, after injection {r_.injection_number}: mean "
                       f"{r_.mean:.3g} (n = {r_.n})" for r_ in t.itertuples()],
            hovertemplate="%{hovertext}<extra></extra>"))
    ticks = sorted({int(k) for r in results.values() for k in r["table"]["injection_number"]})
    return build_figure(traces, {"xaxis": {"title": {"text": "Injection number"},
                                           "tickvals": ticks},
                                 "yaxis": {"title": {"text": y_title}}},
                        title=title, height=420, legend_below=90)


def durability_figure(curves: dict[str, pd.DataFrame], *, title: str | None = None
                      ) -> go.Figure:
    """Kaplan-Meier curves: share of responders still improved, by days since response.

    Examples
    --------
    >>> km = pd.DataFrame({"time": [0.0, 90.0, 180.0], "survival": [1.0, 0.6, 0.3],
    ...                    "ci_low": [1.0, 0.3, 0.1], "ci_high": [1.0, 0.85, 0.6],
    ...                    "at_risk": [5, 5, 2]})
    >>> durability_figure({"All": km}).data[1].line.shape
    'hv'
    """
    colors = arm_colors(list(curves))
    traces = []
    for arm, km in curves.items():
        x = np.repeat(km["time"].to_numpy(), 2)[1:]
        lo, hi = (np.repeat(km[c].to_numpy(), 2)[:-1] for c in ("ci_low", "ci_high"))
        traces.append(_band(x, lo, hi, colors[arm], arm))
        n = km.attrs.get("n_responders", int(km["at_risk"].iloc[0]))
        traces.append(go.Scatter(
            x=list(km["time"]), y=list(km["survival"]), mode="lines", line_shape="hv",
            name=f"{arm} ({n} responders)", line=dict(color=colors[arm], width=3)))
    return build_figure(traces, {"xaxis": {"title": {"text": "Days since the first "
                                                             "improved follow-up"}},
                                 "yaxis": {"title": {"text": "Still improved"},
                                           "range": [0, 1.05], "tickformat": ".0%"}},
                        title=title, height=400)


def dose_response_figure(result: dict, *, y_title: str, title: str | None = None
                         ) -> go.Figure:
    """Change at the last value against the cumulative dose, with the least-squares line.

    Examples
    --------
    >>> f = pd.DataFrame({"subject_id": ["a", "b"], "arm": "All",
    ...                   "cumulative_dose": [100.0, 200.0], "change": [1.0, 2.0]})
    >>> r = {"frame": f, "slope": 1.0, "intercept": 0.0, "ci_low": 0.2, "ci_high": 1.8}
    >>> list(dose_response_figure(r, y_title="Change").data[-1].y)
    [1.0, 2.0]
    """
    f = result["frame"]
    colors = arm_colors(list(pd.unique(f["arm"])))
    traces = [go.Scatter(
        x=list(g["cumulative_dose"]), y=list(g["change"]), mode="markers", name=arm,
        marker=dict(size=10, color=colors[arm]),
        hovertext=[f"{html.escape(str(r.subject_id))}: {r.cumulative_dose:.0f} million cells, "
                   f"change {r.change:.3g}" for r in g.itertuples()],
        hovertemplate="%{hovertext}<extra></extra>") for arm, g in f.groupby("arm", sort=False)]
    xs = np.array([f["cumulative_dose"].min(), f["cumulative_dose"].max()], float)
    traces.append(go.Scatter(
        x=list(xs), y=list(result["intercept"] + result["slope"] * xs / 100), mode="lines",
        name=f"slope {result['slope']:.2g} [{result['ci_low']:.2g}, {result['ci_high']:.2g}] "
             "per 100 million cells", line=dict(color="#333333", width=2, dash="dash")))
    fig = build_figure(traces, {"xaxis": {"title": {"text": "Cumulative dose (million cells)"}},
                                "yaxis": {"title": {"text": y_title}}}, title=title,
                       height=400, legend_below=90)
    fig.add_hline(y=0, line=dict(color="#999999", width=1, dash="dot"))
    return fig
