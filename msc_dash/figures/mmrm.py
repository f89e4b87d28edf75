"""Figures of the MMRM: the forest of all outcomes and the LS-mean trajectories per arm."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..outcomes import REGISTRY
from ..tables import format_ci
from .forest import forest_figure
from .style import FONT_SIZE, arm_colors, base_layout, new_figure

__all__ = ["mmrm_forest_figure", "lsmeans_figure", "tipping_point_figure"]


def mmrm_forest_figure(table: pd.DataFrame, *, visit: str, treatment: str, control: str,
                       labels: dict | None = None, title: str | None = None) -> go.Figure:
    """Forest of the standardised MMRM contrast of every outcome at one visit.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`msc_dash.mmrm_table` output.
    visit : str
    treatment, control : str
    labels : dict, optional
        Row label per outcome code (default: the registry label and n per arm at the visit).
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One row per outcome (grouped by domain): the contrast divided by the
        model's residual SD at the visit, positive = favours ``treatment``.

    Examples
    --------
    >>> t = pd.DataFrame({"outcome": ["SDMT", "T25FW"], "domain": ["cognition", "mobility"],
    ...                   "visit": "M12", "n_treatment": 20, "n_control": 18,
    ...                   "std_estimate": [0.3, -0.1], "std_ci_low": [-0.2, -0.6],
    ...                   "std_ci_high": [0.8, 0.4], "p": [0.2, 0.7], "estimable": True})
    >>> fig = mmrm_forest_figure(t, visit="M12", treatment="MSC", control="Sham")
    >>> list(fig.data[0].x)
    [0.3, -0.1]
    """
    shown = table[table["visit"] == visit]
    if labels is None:
        labels = {r.outcome: f"{REGISTRY.get(r.outcome).label} ({r.n_treatment} vs {r.n_control})"
                  for r in shown.itertuples()}
    return forest_figure(
        shown, value="std_estimate", low="std_ci_low", high="std_ci_high", color_col=None,
        n_col=None, labels=labels, favours=(control, treatment), title=title,
        x_title=f"MMRM difference / residual SD, {treatment} vs {control}")


def _percent(x):
    return (np.exp(np.asarray(x, dtype=float)) - 1) * 100


def lsmeans_figure(lsmeans: pd.DataFrame, *, axis_title: str, log: bool = False,
                   arms=None, title: str | None = None) -> go.Figure:
    """LS-mean change from baseline per arm at each visit, with CIs.

    Parameters
    ----------
    lsmeans : pandas.DataFrame
        :attr:`msc_dash.MMRMResult.lsmeans` (``arm, visit, n, estimate, ci_low, ci_high``).
    axis_title : str
        The outcome with its unit, e.g. ``"SDMT (correct answers)"``.
    log : bool
        Log-scale outcome: draw the percent change, ``100 (exp(estimate) - 1)``.
    arms : list of str, optional
        Arms in legend order (default: order of appearance).
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One line-and-marker trace per arm with error bars, slightly dodged.

    Examples
    --------
    >>> ls = pd.DataFrame({"arm": ["Sham", "MSC"] * 2, "visit": ["M6", "M6", "M12", "M12"],
    ...                    "n": 10, "estimate": [0.0, 1.0, 0.5, 2.0],
    ...                    "ci_low": [-1.0, 0.0, -0.5, 1.0], "ci_high": [1.0, 2.0, 1.5, 3.0]})
    >>> fig = lsmeans_figure(ls, axis_title="SDMT (correct answers)")
    >>> [t.name for t in fig.data], list(fig.data[1].y)
    (['Sham', 'MSC'], [1.0, 2.0])
    """
    arms = list(arms) if arms is not None else list(pd.unique(lsmeans["arm"]))
    colours = arm_colors(arms)
    visits = list(pd.unique(lsmeans["visit"]))
    traces = []
    for a, arm in enumerate(arms):
        d = lsmeans[lsmeans["arm"] == arm]
        est, lo, hi = (d["estimate"], d["ci_low"], d["ci_high"])
        if log:
            est, lo, hi = _percent(est), _percent(lo), _percent(hi)
        est, lo, hi = (np.asarray(v, dtype=float) for v in (est, lo, hi))
        unit = "%" if log else ""
        hover = [f"<b>{html.escape(str(arm))}</b>, {html.escape(str(v))}<br>"
                 f"LS-mean change {format_ci(e, lo_, hi_, sign=True)}{unit}<br>n = {n}"
                 for v, e, lo_, hi_, n in zip(d["visit"], est, lo, hi, d["n"], strict=True)]
        offset = (a - (len(arms) - 1) / 2) * 0.12
        traces.append(go.Scatter(
            x=[visits.index(v) + offset for v in d["visit"]], y=list(est), name=str(arm),
            mode="markers+lines", marker=dict(size=11, color=colours[arm]),
            line=dict(color=colours[arm], width=2),
            error_y=dict(type="data", array=list(hi - est), arrayminus=list(est - lo),
                         thickness=2, width=5, color=colours[arm]),
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    fig = new_figure(*traces)
    base_layout(fig, title=title, height=420)
    fig.add_hline(y=0, line=dict(color="#444444", width=1.5, dash="dash"))
    unit = axis_title.split(" (", 1)[1].rstrip(")") if " (" in axis_title else ""
    fig.update_yaxes(title="% change from baseline" if log
                     else f"Change from baseline ({unit})" if unit else "Change from baseline",
                     zeroline=False)
    fig.update_xaxes(title="Visit", tickmode="array", tickvals=list(range(len(visits))),
                     ticktext=[html.escape(str(v)) for v in visits],
                     range=[-0.5, len(visits) - 0.5])
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0,
                                  font=dict(size=FONT_SIZE - 2)))
    return fig



def tipping_point_figure(frame: pd.DataFrame, *, tipping_delta: float = float("nan"),
                         log: bool = False, unit: str = "", alpha: float = 0.05,
                         treatment: str = "treatment", control: str = "control",
                         title: str | None = None) -> go.Figure:
    """The pooled contrast (with CI) against the shift of the treatment arm's imputed values.

    Parameters
    ----------
    frame : pandas.DataFrame
        :attr:`msc_dash.sensitivity.TippingPoint.frame`.
    tipping_delta : float
        Marked with a vertical line when finite.
    log : bool
        Log-scale outcome: shifts and contrasts drawn as percentages.

    Examples
    --------
    >>> f = pd.DataFrame({"delta": [0.0, 1.0], "delta_sd": [0.0, 0.5], "estimate": [2.0, 1.0],
    ...                   "ci_low": [0.5, -0.5], "ci_high": [3.5, 2.5], "p": [0.01, 0.2]})
    >>> fig = tipping_point_figure(f, tipping_delta=1.0, unit="points")
    >>> list(fig.data[0].y), fig.layout.shapes[-1].x0
    ([2.0, 1.0], 1.0)
    """
    conv = _percent if log else (lambda x: np.asarray(x, dtype=float))
    x = conv(frame["delta"])
    est, lo, hi = conv(frame["estimate"]), conv(frame["ci_low"]), conv(frame["ci_high"])
    colour = arm_colors([treatment])[treatment]
    sig = frame["p"].to_numpy() < alpha
    band = go.Scatter(x=list(x) + list(x[::-1]), y=list(hi) + list(lo[::-1]), fill="toself",
                      fillcolor="rgba(0,114,178,0.15)", line=dict(width=0), hoverinfo="skip",
                      showlegend=False)
    hover = [f"shift {xi:.3g}{'%' if log else ''} ({sd:.1f} SD): contrast "
             f"{format_ci(e, lo_, hi_, sign=True)}{'%' if log else ''}, p = {p:.3g}"
             for xi, sd, e, lo_, hi_, p in zip(x, frame["delta_sd"], est, lo, hi, frame["p"],
                                               strict=True)]
    line = go.Scatter(x=list(x), y=list(est), mode="lines+markers", name="pooled contrast",
                      line=dict(color=colour, width=2),
                      marker=dict(size=8, color=[colour if s else "#FFFFFF" for s in sig],
                                  line=dict(color=colour, width=2)),
                      hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
                      showlegend=False)
    fig = new_figure(line, band)
    base_layout(fig, title=title, height=380)
    fig.add_hline(y=0, line=dict(color="#444444", width=1.5, dash="dash"))
    if np.isfinite(tipping_delta):
        xt = float(conv([tipping_delta])[0])
        fig.add_vline(x=xt, line=dict(color="#D55E00", width=2, dash="dot"))
        fig.add_annotation(x=xt, y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text="tipping point", font=dict(size=FONT_SIZE - 2,
                                                           color="#D55E00"))
    what = "%" if log else (f" {unit}" if unit else "")
    fig.update_xaxes(title=f"Shift of {html.escape(treatment)}'s imputed values against it"
                           f" ({what.strip() or 'analysis units'})", zeroline=False)
    fig.update_yaxes(title=f"{html.escape(treatment)} vs {html.escape(control)}"
                           f"{' (% difference)' if log else f' ({unit})' if unit else ''}",
                     zeroline=False)
    return fig
