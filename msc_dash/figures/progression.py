"""Figures: Kaplan-Meier curves of confirmed events and events on the swimmer plot.

Pure functions: a :class:`~msc_dash.survival.TimeToEvent` (or a trial and its
event table) in, a ``plotly`` figure out. Time is in months since baseline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..outcomes import EDSS_PLUS_COMPONENTS, REGISTRY
from ..safety import DAYS_PER_MONTH
from ..trial import Trial
from .style import FONT_SIZE, arm_colors, base_layout

__all__ = ["km_figure", "progression_swimmer_figure", "event_name"]

_ONSET = "#D55E00"
_UNCONFIRMED = "#999999"


def event_name(res_or_outcome, direction: str = "worsening") -> str:
    """Short name of the event, e.g. ``'confirmed EDSS-Plus worsening'``.

    Examples
    --------
    >>> event_name("EDSS_PLUS")
    'confirmed EDSS-Plus worsening'
    """
    if hasattr(res_or_outcome, "rules"):  # a TimeToEvent
        direction = res_or_outcome.rules.direction
        res_or_outcome = res_or_outcome.outcome
    return f"confirmed {REGISTRY.name(res_or_outcome)} {direction}"


def _hex_rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _step(km: pd.DataFrame, col: str) -> tuple[np.ndarray, np.ndarray]:
    """Step-function points from day 0 (value 1) through every time, as cumulative %."""
    days = np.concatenate([[0.0], km["day"].to_numpy(float)])
    values = np.concatenate([[1.0], km[col].to_numpy(float)])
    x = np.repeat(days, 2)[1:]
    y = np.repeat(values, 2)[:-1]
    return x / DAYS_PER_MONTH, 100 * (1 - y)


def _at_risk(events: pd.DataFrame, arm: str, months: np.ndarray) -> list[int]:
    t = events.loc[(events["arm"] == arm) & events["time"].notna(), "time"].to_numpy(float)
    return [int((t >= m * DAYS_PER_MONTH - 1e-9).sum()) for m in months]


def km_figure(res, *, title: str | None = None, height: int = 620) -> go.Figure:
    """Cumulative proportion with a confirmed event per arm, with CI bands and at-risk table.

    ``res`` is a :class:`~msc_dash.survival.TimeToEvent`.

    The curves are 1 - Kaplan-Meier (rising steps), the bands its
    log-Greenwood interval, ``+`` marks censored subjects; under the axis, the
    number at risk in each arm every three months.

    Examples
    --------
    >>> import msc_dash
    >>> from msc_dash.survival import time_to_event
    >>> fig = km_figure(time_to_event(msc_dash.load_sample("two_arm"), "EDSS_PLUS"))
    >>> sorted({t.name for t in fig.data if t.mode == "lines" and t.showlegend is not False})
    ['MSC-NP', 'Saline']
    """
    arms = res.arms
    colors = arm_colors(arms)
    last = max((float(k["day"].max()) for k in res.km.values() if len(k)), default=0.0)
    step = 3 if last / DAYS_PER_MONTH <= 30 else 6
    ticks = np.arange(0, last / DAYS_PER_MONTH + 1e-9, step)
    # the table's share holds each arm's row and the gap its heading, at a slide's 20-22 px
    # type on a ~260 px plot (1280 x 720); the month labels and title go under the table
    table = min(0.45, 0.12 + 0.09 * len(arms))
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.13,
                        row_heights=[1 - table, table])
    top = 0.0
    for arm in arms:
        km = res.km[arm]
        c = colors[arm]
        x, y = _step(km, "survival")
        _, lo = _step(km, "ci_high")
        _, hi = _step(km, "ci_low")
        hi = np.where(np.isfinite(hi), hi, y)
        lo = np.where(np.isfinite(lo), lo, y)
        top = max(top, float(np.nanmax(hi)) if len(hi) else 0.0)
        fig.add_trace(go.Scatter(x=x, y=lo, mode="lines", line=dict(width=0), hoverinfo="skip",
                                 showlegend=False, legendgroup=arm), 1, 1)
        fig.add_trace(go.Scatter(x=x, y=hi, mode="lines", line=dict(width=0), fill="tonexty",
                                 fillcolor=_hex_rgba(c, 0.15), hoverinfo="skip",
                                 showlegend=False, legendgroup=arm), 1, 1)
        n = int(km["at_risk"].iloc[0]) if len(km) else 0
        ev = int(km["events"].sum())
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines", name=arm if len(arms) > 1 else "All subjects",
            legendgroup=arm, line=dict(color=c, width=3, shape="linear"),
            hovertemplate=f"<b>{arm}</b><br>month %{{x:.1f}}: %{{y:.1f}}% with an event"
                          f"<br>{ev} events in {n} subjects<extra></extra>"), 1, 1)
        cens = km[km["censored"] > 0]
        if len(cens):
            fig.add_trace(go.Scatter(
                x=cens["day"] / DAYS_PER_MONTH, y=100 * (1 - cens["survival"]),
                mode="markers", marker=dict(symbol="line-ns", size=10,
                                            line=dict(width=2, color=c)),
                name="Censored", legendgroup=arm, showlegend=False,
                customdata=cens["censored"],
                hovertemplate=f"{arm}: %{{customdata}} censored at month %{{x:.1f}}"
                              "<extra></extra>"), 1, 1)
        fig.add_trace(go.Scatter(
            x=ticks, y=[arm] * len(ticks), mode="text",
            text=[str(v) for v in _at_risk(res.events, arm, ticks)],
            textfont=dict(color=c, size=FONT_SIZE - 1), showlegend=False,
            hovertemplate=f"{arm}: %{{text}} at risk at month %{{x:.0f}}<extra></extra>"), 2, 1)
    base_layout(fig, title=title, height=height)
    fig.update_yaxes(title_text="With an event (%)", rangemode="tozero",
                     range=[0, min(100, max(10.0, top * 1.15))], row=1, col=1)
    # every arm named, also where plotly would skip a crowded category label
    fig.update_yaxes(categoryorder="array", categoryarray=arms[::-1], showgrid=False,
                     tickmode="array", tickvals=list(arms),
                     tickfont=dict(size=FONT_SIZE - 2), range=[-0.5, len(arms) - 0.1],
                     zeroline=False, row=2, col=1)
    span = [-0.3, ticks[-1] + 0.5 if len(ticks) else 1]
    fig.update_xaxes(tickvals=ticks, range=span, showticklabels=False, row=1, col=1)
    fig.update_xaxes(tickvals=ticks, range=span, showgrid=False, zeroline=False,
                     showticklabels=True, title_text="Months since baseline", row=2, col=1)
    fig.add_annotation(text="<b>Number at risk</b>", xref="paper", yref="y2 domain", x=0,
                       y=1.0, yanchor="bottom", xanchor="left", showarrow=False,
                       font=dict(size=FONT_SIZE - 2))
    return fig


def progression_swimmer_figure(trial: Trial, events: pd.DataFrame, *,
                               label: str = "confirmed worsening",
                               height: int | None = None) -> go.Figure:
    """One bar per subject to its last assessment, with its event onset and confirmation.

    Dots mark the assessments of the event's outcome(s), a filled triangle the
    onset of the confirmed event, an open one its confirmation, a grey open
    triangle a change that was not confirmed. Subjects are grouped by arm,
    those with an event first (earliest onset on top).

    Examples
    --------
    >>> import msc_dash
    >>> from msc_dash.progression import confirmed_events
    >>> t = msc_dash.load_sample("two_arm")
    >>> fig = progression_swimmer_figure(t, confirmed_events(t, "EDSS_PLUS"))
    >>> [len(tr.x) for tr in fig.data if tr.name and tr.name.startswith("Onset")]
    [8]
    """
    codes = set(events["component"].dropna()) & set(trial.outcomes)
    m = trial.measurements
    m = m[m["outcome"].isin(codes or EDSS_PLUS_COMPONENTS) & m["value"].notna()]
    last = m.groupby("subject_id")["day"].max()
    fu = events.assign(last_day=events["subject_id"].map(last)).dropna(subset=["last_day"])
    arms = trial.arms
    fu["_arm"] = fu["arm"].map({a: i for i, a in enumerate(arms)})
    fu["_key"] = np.where(fu["has_event"], fu["onset_day"], np.inf)
    fu = fu.sort_values(["_arm", "_key", "last_day", "subject_id"],
                        ascending=[True, True, False, True], kind="stable")
    order = fu["subject_id"].tolist()
    colors = arm_colors(arms)
    fig = go.Figure()
    for arm in arms:
        part = fu[fu["arm"] == arm]
        if len(part):
            fig.add_trace(go.Bar(
                y=part["subject_id"], x=part["last_day"] / DAYS_PER_MONTH, base=0,
                orientation="h", name=f"Follow-up ({arm})" if len(arms) > 1 else "Follow-up",
                marker=dict(color=colors[arm], opacity=0.35, line=dict(width=0)),
                hovertemplate="<b>%{y}</b><br>last assessment: month %{x:.1f}<extra></extra>"))
    seen = m[m["subject_id"].isin(order)].drop_duplicates(["subject_id", "day"])
    fig.add_trace(go.Scatter(
        y=seen["subject_id"], x=seen["day"] / DAYS_PER_MONTH, mode="markers",
        name="Assessment", marker=dict(size=7, color="#555555"),
        customdata=seen["visit"],
        hovertemplate="<b>%{y}</b><br>%{customdata} (month %{x:.1f})<extra></extra>"))
    _event_markers(fig, fu, label)
    n = max(len(order), 1)
    base_layout(fig, height=height or int(min(max(200 + 24 * n, 420), 2400)))
    fig.update_layout(barmode="overlay", bargap=0.4, margin=dict(t=90))
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], title_text="Subject",
                     tickfont=dict(size=FONT_SIZE - 3 if n > 30 else FONT_SIZE - 1))
    right = float(fu["last_day"].max() / DAYS_PER_MONTH) if len(fu) else 1.0
    fig.update_xaxes(title_text="Months since baseline", range=[-0.4, right + 0.6])
    return fig


def _event_markers(fig: go.Figure, fu: pd.DataFrame, label: str) -> None:
    hit = fu[fu["has_event"]]
    custom = np.column_stack([hit["component"].map(REGISTRY.name), hit["onset_visit"],
                              hit["onset_value"],
                              hit["baseline_value"], hit["confirm_visit"],
                              hit["confirm_value"]]) if len(hit) else None
    fig.add_trace(go.Scatter(
        y=hit["subject_id"], x=hit["onset_day"] / DAYS_PER_MONTH, mode="markers",
        name=f"Onset of {label}", customdata=custom,
        marker=dict(symbol="triangle-up", size=17, color=_ONSET,
                    line=dict(width=1.5, color="#FFFFFF")),
        hovertemplate="<b>%{y}</b><br>%{customdata[0]} %{customdata[3]:g} to "
                      "%{customdata[2]:g} at %{customdata[1]} (month %{x:.1f})<br>"
                      "confirmed at %{customdata[4]}: %{customdata[5]:g}<extra></extra>"))
    fig.add_trace(go.Scatter(
        y=hit["subject_id"], x=hit["confirm_day"] / DAYS_PER_MONTH, mode="markers",
        name="Confirmation", marker=dict(symbol="triangle-up-open", size=15, color=_ONSET,
                                         line=dict(width=2.5)),
        hovertemplate="<b>%{y}</b><br>confirmed at month %{x:.1f}<extra></extra>"))
    un = fu[~fu["has_event"] & fu["unconfirmed_day"].notna()]
    if len(un):
        fig.add_trace(go.Scatter(
            y=un["subject_id"], x=un["unconfirmed_day"] / DAYS_PER_MONTH, mode="markers",
            name="Not confirmed", customdata=un["note"],
            marker=dict(symbol="triangle-up-open", size=14, color=_UNCONFIRMED,
                        line=dict(width=2)),
            hovertemplate="<b>%{y}</b><br>%{customdata}<extra></extra>"))
