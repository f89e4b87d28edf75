"""Figures of a crossover trial: period profiles, paired subject lines, AEs by treatment."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .._lazy import stats
from .style import OKABE_ITO, build_figure

__all__ = ["period_profile_figure", "paired_periods_figure", "ae_by_treatment_figure",
           "treatment_colors"]

_SYMBOLS = ("circle", "square", "diamond", "triangle-up")


def treatment_colors(treatment: str, control: str) -> dict[str, str]:
    """Treatment in blue, control in grey-orange, as the arm colours elsewhere.

    Examples
    --------
    >>> treatment_colors("MSC", "Sham")
    {'MSC': '#0072B2', 'Sham': '#E69F00'}
    """
    return {treatment: OKABE_ITO[0], control: OKABE_ITO[1]}


#: Characters per line of a y-axis title: the presenter's chart is short (about 200 px
#: of plot at 1280x720) and a longer vertical title runs off the top of the figure.
AXIS_TITLE_LINE = 18


def axis_title(text: str, width: int = AXIS_TITLE_LINE) -> str:
    """``text`` as a y-axis title of lines of at most ``width`` characters where it can.

    Lines break after ": " and ", " (then between words); the parts are
    HTML-escaped, the lines joined by ``<br>``.

    Examples
    --------
    >>> axis_title("T25FW: log ratio, last / first")
    'T25FW: log ratio,<br>last / first'
    >>> axis_title("Change")
    'Change'
    """
    parts = [p for p in re.split(r"(?<=[:,]) ", text) if p]
    words = [w for p in parts for w in ([p] if len(p) <= width else p.split(" "))]
    lines: list[str] = []
    for w in words:
        if lines and len(lines[-1]) + 1 + len(w) <= width:
            lines[-1] += " " + w
        else:
            lines.append(w)
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def _period_label(p) -> str:
    return f"Period {int(p)}"


def period_profile_figure(data: pd.DataFrame, *, treatment: str, control: str,
                          y_title: str, ci: float = 0.95, title: str | None = None
                          ) -> go.Figure:
    """Mean response per period for each sequence, marked by the treatment received.

    Parameters
    ----------
    data : DataFrame
        :attr:`msc_dash.crossover.CrossoverResult.data` (``sequence, period,
        treatment, y``).
    treatment, control : str
    y_title : str
        Axis title of the response (e.g. "Change in EDSS").
    ci : float
        Level of the t-based error bars.

    Returns
    -------
    plotly.graph_objects.Figure
        One line per sequence across the periods; markers coloured by treatment.

    Examples
    --------
    >>> d = pd.DataFrame({"sequence": ["A-B", "A-B", "B-A", "B-A"] * 2,
    ...                   "period": [1, 2] * 4, "treatment": ["A", "B", "B", "A"] * 2,
    ...                   "y": [1.0, 0.0, 0.2, 1.1, 0.8, 0.1, 0.0, 0.9]})
    >>> fig = period_profile_figure(d, treatment="A", control="B", y_title="Change")
    >>> [t.name for t in fig.data], list(fig.data[0].y)
    (['A-B', 'B-A', 'A', 'B'], [0.9, 0.05])
    """
    colors = treatment_colors(treatment, control)
    traces = []
    for i, (seq, g) in enumerate(data.groupby("sequence", sort=True)):
        s = g.groupby("period").agg(mean=("y", "mean"), sd=("y", "std"), n=("y", "size"),
                                    treatment=("treatment", "first")).reset_index()
        half = stats.t.ppf(0.5 + ci / 2, np.maximum(s["n"] - 1, 1)) * s["sd"] / np.sqrt(s["n"])
        half = half.fillna(0)
        hover = [f"<b>{html.escape(seq)}</b>, {_period_label(r.period)}: "
                 f"{html.escape(r.treatment)}<br>mean {r.mean:.3g} (n = {r.n})"
                 for r in s.itertuples()]
        traces.append(go.Scatter(
            x=[_period_label(p) for p in s["period"]], y=[round(v, 10) for v in s["mean"]],
            mode="lines+markers", name=seq,
            line=dict(color="#555555", width=2, dash="solid" if i == 0 else "dot"),
            marker=dict(size=14, symbol=_SYMBOLS[i % len(_SYMBOLS)],
                        color=[colors.get(t, "#999999") for t in s["treatment"]],
                        line=dict(color="#333333", width=1)),
            error_y=dict(type="data", array=list(half), thickness=1.5, width=6,
                         color="#777777"),
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    for trt in (treatment, control):  # legend entries for the marker colours
        traces.append(go.Scatter(x=[None], y=[None], mode="markers", name=trt,
                                 marker=dict(size=12, color=colors[trt]), hoverinfo="skip"))
    return _periods_figure(traces, y_title, title)


def paired_periods_figure(data: pd.DataFrame, *, treatment: str, control: str,
                          y_title: str, title: str | None = None) -> go.Figure:
    """Each subject's responses across the periods, joined by a line.

    Lines are grouped (and their legend entries named) by sequence; markers are
    coloured by the treatment of the period. Subjects with one period show a
    marker only.

    Examples
    --------
    >>> d = pd.DataFrame({"subject_id": ["a", "a", "b"], "sequence": ["A-B", "A-B", "B-A"],
    ...                   "period": [1, 2, 1], "treatment": ["A", "B", "B"],
    ...                   "y": [1.0, 0.0, 0.5]})
    >>> fig = paired_periods_figure(d, treatment="A", control="B", y_title="Change")
    >>> [t.name for t in fig.data]
    ['A-B', 'B-A', 'A', 'B']
    """
    colors = treatment_colors(treatment, control)
    traces = []
    for i, (seq, g) in enumerate(data.groupby("sequence", sort=True)):
        xs, ys = [], []
        for _sid, s in g.sort_values("period").groupby("subject_id", sort=True):
            xs += [_period_label(p) for p in s["period"]] + [None]
            ys += list(s["y"]) + [None]
        traces.append(go.Scatter(
            x=xs, y=ys, mode="lines", name=seq, legendgroup=seq, hoverinfo="skip",
            line=dict(color="#777777", width=1, dash="solid" if i == 0 else "dot"),
            opacity=0.6))
    for trt in (treatment, control):
        g = data[data["treatment"] == trt]
        traces.append(go.Scatter(
            x=[_period_label(p) for p in g["period"]], y=list(g["y"]), mode="markers",
            name=trt, marker=dict(size=8, color=colors[trt], line=dict(color="white",
                                                                        width=0.5)),
            hovertext=[f"{html.escape(str(r.subject_id))} ({html.escape(r.sequence)}): "
                       f"{r.y:.3g}" for r in g.itertuples()],
            hovertemplate="%{hovertext}<extra></extra>"))
    return _periods_figure(traces, y_title, title)


def _periods_figure(traces: list, y_title: str, title: str | None) -> go.Figure:
    """The period charts' frame: periods across, ``y_title`` up, a dashed line at zero."""
    fig = build_figure(traces, {"yaxis": {"title": {"text": axis_title(y_title)},
                                          "automargin": True},
                                "xaxis": {"title": {"text": "Period"}}},
                       title=title, height=460, legend_below=90)
    fig.add_hline(y=0, line=dict(color="#999999", width=1, dash="dash"))
    return fig


def ae_by_treatment_figure(incidence: pd.DataFrame, *, treatment: str, control: str,
                           top: int = 12, title: str | None = None) -> go.Figure:
    """Horizontal bars: % of exposed subjects with each AE, by treatment received.

    Parameters
    ----------
    incidence : DataFrame
        :func:`msc_dash.crossover.ae_incidence` output.
    top : int
        Most frequent terms shown (the "Any adverse event" row always first).

    Examples
    --------
    >>> inc = pd.DataFrame({"term": ["Any adverse event"] * 2 + ["Headache"] * 2,
    ...                     "treatment": ["A", "B"] * 2, "n_subjects": [5, 2, 3, 1],
    ...                     "n_exposed": 10, "pct": [50.0, 20.0, 30.0, 10.0]})
    >>> fig = ae_by_treatment_figure(inc, treatment="A", control="B")
    >>> [t.name for t in fig.data], list(fig.data[0].y)
    (['B', 'A'], ['Headache', 'Any adverse event'])
    """
    colors = treatment_colors(treatment, control)
    totals = incidence.groupby("term", sort=False)["n_subjects"].sum()
    terms = [t for t in totals.index if t != "Any adverse event"]
    terms = sorted(terms, key=lambda t: -totals[t])[:top]
    order = ["Any adverse event"] + terms
    traces = []
    for trt in (control, treatment):  # the first trace is drawn lowest in each group
        g = incidence[incidence["treatment"] == trt].set_index("term").reindex(order[::-1])
        traces.append(go.Bar(
            y=order[::-1], x=list(g["pct"].fillna(0)), orientation="h", name=trt,
            marker=dict(color=colors.get(trt, "#999999")),
            text=[f"{p:.0f}%" for p in g["pct"].fillna(0)], textposition="outside",
            hovertext=[f"{html.escape(t)}, {html.escape(trt)}: {int(r.n_subjects)} of "
                       f"{int(r.n_exposed)} subjects" for t, r in zip(
                           g.index, g.fillna(0).itertuples(), strict=True)],
            hovertemplate="%{hovertext}<extra></extra>"))
    height = 140 + 42 * len(order)
    return build_figure(traces, {"barmode": "group", "legend": {"traceorder": "reversed"},
                                 "xaxis": {
        "title": {"text": "Subjects with the event (% of those exposed)"},
        "range": [0, max(100.0, float(incidence["pct"].max()) * 1.15)]},
        "margin": {"l": 230}}, title=title, height=height)
