"""Figures of the clinical pages: trajectory, estimation plot, waterfall, responders,
biomarker-clinical correlation.

Every function takes analysis DataFrames (from :mod:`msc_dash.effects` and
:mod:`msc_dash.correlations`) and returns a ``plotly.graph_objects.Figure``;
none computes a statistic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..constants import DAYS_PER_MONTH
from ..outcomes import Outcome
from .log_axis import _log_axis, _log_ticks
from .sampling import dot_marker, sample_note, sample_subjects
from .style import STATUS_COLORS, arm_colors, build_figure

__all__ = ["DAYS_PER_MONTH", "trajectory_figure", "estimation_figure", "waterfall_figure",
           "responder_figure", "correlation_figure"]

_STATUSES = ("improved", "stable", "worsened")
_NEUTRAL = "#6F8FAF"  # bars of outcomes without a meaningful-change rule


def _months(days) -> np.ndarray:
    return np.asarray(days, dtype=float) / DAYS_PER_MONTH


def _fade(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _wrap(text: str, width: int = 10) -> str:
    """Break a long tick label at its first space (``Post-injection 1``)."""
    return text.replace(" ", "<br>", 1) if len(text) > width else text


def _arms(frame: pd.DataFrame, arms: Sequence[str] | None) -> list[str]:
    return list(arms) if arms is not None else list(dict.fromkeys(frame["arm"].astype(str)))


def trajectory_figure(frame: pd.DataFrame, *, outcome: Outcome,
                      subjects: pd.DataFrame | None = None, show_subjects: bool = False,
                      injection_days: Mapping[int, float] | None = None,
                      arms: Sequence[str] | None = None, ci: float = 0.95) -> go.Figure:
    """Mean with its CI at each visit per arm, on a time axis in months.

    Parameters
    ----------
    frame : DataFrame
        :func:`msc_dash.trajectory` output. For log-scale outcomes the geometric
        mean and its CI are drawn (``geo_*`` columns) on a log axis.
    outcome : Outcome
        Registry entry (label, unit, scale).
    subjects : DataFrame, optional
        Individual values (``subject_id``, ``arm``, ``visit``, ``day``, ``value``),
        drawn as thin lines per subject, one legend entry per arm that toggles them.
    show_subjects : bool
        Whether the subject lines start visible (else click their legend entry).
    injection_days : mapping, optional
        Injection number -> typical day, marked with dotted vertical lines.
    arms : sequence of str, optional
        All arms of the trial, so colours stay fixed when a filter drops one.
    ci : float
        Confidence level of ``frame``'s intervals (named in the subtitle).

    Examples
    --------
    >>> from msc_dash import load_sample, trajectory
    >>> t = load_sample()
    >>> fig = trajectory_figure(trajectory(t, "SDMT"), outcome=t.outcome("SDMT"))
    >>> fig.data[0].name, fig.layout.xaxis.title.text
    ('All', 'Months since first injection')
    """
    arms = _arms(frame, arms)
    colors = arm_colors(arms)
    log = outcome.scale == "log" and "geo_mean" in frame
    centre, low, high = (("geo_mean", "geo_ci_low", "geo_ci_high") if log
                         else ("mean", "ci_low", "ci_high"))
    stat = "geometric mean" if log else "mean"
    traces, omitted = [], 0
    if subjects is not None and len(subjects):
        for arm in arms:
            s = subjects[subjects["arm"].astype(str) == arm].sort_values(["subject_id", "day"])
            if s.empty:
                continue
            if s["subject_id"].nunique() > MAX_SUBJECT_MARKS:
                omitted += s["subject_id"].nunique()
                continue
            # one trace per arm, a gap (NaN) before each next subject: fast with thousands
            ids = s["subject_id"].astype(str).to_numpy()
            cut = np.flatnonzero(ids[1:] != ids[:-1]) + 1
            cd = np.insert(s[["subject_id", "visit"]].astype(object).to_numpy(), cut, None,
                           axis=0)
            traces.append(go.Scatter(
                x=np.insert(_months(s["day"]), cut, np.nan),
                y=np.insert(s["value"].to_numpy(float), cut, np.nan),
                mode="lines+markers", name=f"Subjects ({arm})" if len(arms) > 1 else "Subjects",
                legendgroup=f"subjects-{arm}", connectgaps=False,
                visible=True if show_subjects else "legendonly",
                line=dict(color=_fade(colors[arm], 0.35), width=1.2),
                marker=dict(size=5, color=_fade(colors[arm], 0.5)),
                customdata=cd,
                hovertemplate=("%{customdata[0]} · %{customdata[1]}<br>"
                               f"{outcome.label} %{{y:.3g}} {outcome.unit}"
                               "<br>month %{x:.1f}<extra></extra>")))
    for arm in arms:
        g = frame[(frame["arm"].astype(str) == arm) & (frame["n"] > 0)]
        if g.empty:
            continue
        c = g[centre].to_numpy(float)
        traces.append(go.Scatter(
            x=_months(g["day"]), y=c, mode="lines+markers", name=arm,
            line=dict(color=colors[arm], width=3.5), marker=dict(size=11),
            error_y=dict(type="data", symmetric=False, thickness=2, width=6,
                         array=g[high].to_numpy(float) - c,
                         arrayminus=c - g[low].to_numpy(float)),
            customdata=np.column_stack([g["visit"].astype(str), g["n"],
                                        g[low].round(4), g[high].round(4)]).astype(object),
            hovertemplate=(f"<b>{arm}</b> · %{{customdata[0]}}<br>{stat} %{{y:.3g}} "
                           f"{outcome.unit} [%{{customdata[2]:.3g}}, %{{customdata[3]:.3g}}]"
                           "<br>n = %{customdata[1]}<extra></extra>")))
    shapes, notes = [], []
    for number, day in sorted((injection_days or {}).items()):
        x = float(day) / DAYS_PER_MONTH
        shapes.append(dict(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="y domain",
                           layer="below", line=dict(color="rgba(120,120,120,0.55)",
                                                    dash="dash", width=1.2)))
        notes.append(dict(text=f"inj. {number}", x=x, xref="x", y=1, yref="y domain",
                          xanchor="left", yanchor="top", showarrow=False,
                          font=dict(size=12, color="#666")))
    yaxis = dict(title=dict(text=outcome.axis_title))
    if outcome.scale == "log":
        # ticks for the means' range, plus dense ones for the subjects' (when shown)
        ticks = _log_ticks(pd.concat([frame[low], frame[high]])) or []
        if subjects is not None and len(subjects) and ticks:
            ticks += [t for t in _log_ticks(subjects["value"], dense=True) or []
                      if t < min(ticks) or t > max(ticks)]
        yaxis.update(_log_axis(sorted(ticks)))
    layout = dict(xaxis=dict(title=dict(text="Months since first injection"),
                             rangemode="tozero"),
                  yaxis=yaxis, shapes=shapes, annotations=notes)
    level = f"{ci:.0%}"
    extra = (f"; no line per subject (over {MAX_SUBJECT_MARKS:,} in an arm: too many to "
             "draw)" if omitted else "")
    return build_figure(traces, layout, title=f"{outcome.label}: {stat} per visit<br>"
                        f"<sup>with {level} CI; dashed lines: injections{extra}</sup>" if shapes
                        else f"{outcome.label}: {stat} per visit<br><sup>with {level} CI{extra}"
                        "</sup>",
                        height=460, legend_below=110)


def estimation_figure(pairs: pd.DataFrame, *, outcome: Outcome, effects: pd.DataFrame,
                      distribution: Mapping[str, np.ndarray] | np.ndarray | None = None,
                      visit: str | None = None,
                      arms: Sequence[str] | None = None) -> go.Figure:
    """Paired baseline/visit values per subject beside Hedges' g with its bootstrap.

    Left: each subject's baseline and visit value joined by a line, per arm
    (a Gardner-Altman / Cumming estimation plot). Right: Hedges' g (positive =
    improvement) with its bootstrap distribution and CI, per arm.

    Parameters
    ----------
    pairs : DataFrame
        :func:`msc_dash.effects.paired_frame` output (``subject_id``, ``arm``,
        ``baseline``, ``value``).
    outcome : Outcome
    effects : DataFrame
        The effect-table rows of this outcome and visit (one per arm).
    distribution : array or mapping arm -> array, optional
        Bootstrap resamples of g (:func:`msc_dash.effects.bootstrap_distribution`).
    visit : str, optional
        Visit name for the axis (default: the effect rows' visit).
    arms : sequence of str, optional

    Examples
    --------
    >>> from msc_dash import effect_sizes, load_sample
    >>> from msc_dash.effects import paired_frame
    >>> t = load_sample()
    >>> e = effect_sizes(t, n_boot=200)
    >>> rows = e[(e.outcome == "SDMT") & (e.visit == "Month 12")]
    >>> fig = estimation_figure(paired_frame(t, "SDMT", "Month 12"),
    ...                         outcome=t.outcome("SDMT"), effects=rows)
    >>> fig.layout.yaxis2.title.text
    "Hedges' g (+ = improvement)"
    """
    all_arms = _arms(pairs if len(pairs) else effects, arms)
    colors = arm_colors(all_arms)
    arms = [a for a in all_arms if (pairs["arm"].astype(str) == a).any()] or all_arms
    if visit is None:
        visit = str(effects["visit"].iloc[0]) if len(effects) else "Visit"
    if distribution is not None and not isinstance(distribution, Mapping):
        distribution = {arms[0]: np.asarray(distribution)}
    distribution = distribution or {}
    # two panels on explicit axes (x/y: paired values, x2/y2: g); cheaper than make_subplots
    traces, ticks, labels, many = _paired_traces(pairs, outcome, visit, arms, colors)
    traces += _g_traces(effects, distribution, visit, arms, colors)
    layout = _estimation_layout(pairs, effects, distribution, outcome, arms, ticks, labels)
    what = (f"median, quartiles and 95% range (over {MAX_SUBJECT_MARKS:,} subjects in an arm: "
            "too many to draw one by one)" if many else "each subject")
    return build_figure(traces, layout, title=f"{outcome.label}: baseline vs {visit}<br><sup>"
                        f"{what}; Hedges' g with its bootstrap distribution and CI</sup>",
                        height=460, legend_below=90)


def _paired_traces(pairs: pd.DataFrame, outcome: Outcome, visit: str, arms: list,
                   colors: Mapping) -> tuple[list, list, list, bool]:
    """The left panel: ``(traces, tick values, tick labels, any arm drawn as boxes)``."""
    traces, ticks, labels, many = [], [], [], False
    for i, arm in enumerate(arms):
        p = pairs[pairs["arm"].astype(str) == arm].sort_values("subject_id")
        x0, x1 = 2.6 * i, 2.6 * i + 1
        ticks += [x0, x1]
        # with several arms the visit's label sits a line lower, so it never runs into
        # "Baseline" beside it
        labels += ["Baseline", _wrap(visit, 10) if len(arms) == 1 else "<br>" + _wrap(visit, 12)]
        if p.empty:
            continue
        n = len(p)
        if n > MAX_SUBJECT_MARKS:
            many = True
            traces += _box_traces(p, x0, x1, arm, colors[arm])
            continue
        ids = p["subject_id"].astype(object).to_numpy()
        cd = np.empty((3 * n, 2), dtype=object)  # per subject: baseline, visit, gap
        cd[0::3, 0], cd[1::3, 0] = ids, ids
        cd[0::3, 1], cd[1::3, 1] = "Baseline", visit
        traces.append(go.Scatter(
            x=np.tile([x0, x1, np.nan], n),
            y=np.column_stack([p["baseline"].to_numpy(float), p["value"].to_numpy(float),
                               np.full(n, np.nan)]).ravel(),
            mode="lines+markers", name=arm, legendgroup=arm, showlegend=len(arms) > 1,
            line=dict(color=_fade(colors[arm], 0.45), width=1.5),
            marker=dict(size=9, color=colors[arm], line=dict(color="white", width=1)),
            customdata=cd,
            hovertemplate=("%{customdata[0]} · %{customdata[1]}<br>"
                           f"{outcome.label} %{{y:.3g}} {outcome.unit}<extra></extra>")))
        traces.append(go.Scatter(
            x=[x0, x1], y=[p["baseline"].mean(), p["value"].mean()], mode="markers",
            name=f"{arm} mean", showlegend=False, marker=dict(symbol="line-ew-open", size=34, color="#222",
                                          line=dict(width=4)),
            hovertemplate=f"{arm} mean %{{y:.3g}} {outcome.unit}<extra></extra>"))
    return traces, ticks, labels, many


def _g_traces(effects: pd.DataFrame, distribution: Mapping, visit: str, arms: list,
              colors: Mapping) -> list:
    """The right panel: each arm's bootstrap violin and Hedges' g with its CI."""
    traces = []
    for i, arm in enumerate(arms):
        row = effects[effects["arm"].astype(str) == arm]
        dist = np.asarray(distribution.get(arm, np.empty(0)), dtype=float)
        dist = dist[np.isfinite(dist)]
        if len(dist) > 1:
            traces.append(_half_violin(dist, i, colors[arm], name=f"{arm} bootstrap"))
        if row.empty or not bool(row["estimable"].iloc[0]):
            continue
        r = row.iloc[0]
        traces.append(go.Scatter(
            x=[i], y=[r["hedges_g"]], mode="markers", name=f"{arm} Hedges' g", showlegend=False,
            xaxis="x2", yaxis="y2",
            marker=dict(size=16, color=colors[arm], line=dict(color="#222", width=1.5)),
            error_y=dict(type="data", symmetric=False, thickness=3, width=10, color="#222",
                         array=[r["hedges_g_ci_high"] - r["hedges_g"]],
                         arrayminus=[r["hedges_g"] - r["hedges_g_ci_low"]]),
            hovertemplate=(f"<b>{arm}</b> · {visit}<br>g = %{{y:.2f}} "
                           f"[{r['hedges_g_ci_low']:.2f}, {r['hedges_g_ci_high']:.2f}]"
                           f"<br>n = {int(r['n'])}<extra></extra>")))
    return traces


def _half_violin(draws: np.ndarray, x0: float, color: str, *, name: str,
                 width: float = 0.45, points: int = 80) -> go.Scatter:
    """A one-sided violin of ``draws`` drawn as a filled outline.

    The Gaussian kernel density with plotly.js' own rule-of-thumb bandwidth, over
    the draws' range (a violin's ``spanmode="hard"``), is computed here on
    ``points`` heights, so the browser receives about 160 numbers instead of every
    bootstrap draw and computes no density itself.
    """
    n = len(draws)
    q1, q3 = np.percentile(draws, [25, 75])
    spread = min(np.std(draws, ddof=1), (q3 - q1) / 1.349) or np.std(draws, ddof=1) or 1.0
    bandwidth = 1.059 * spread * n ** -0.2
    grid = np.linspace(draws.min(), draws.max(), points)
    # Blocks of 512 draws keep the (points x draws) kernel matrix small at any n_boot.
    density = np.zeros(points)
    for start in range(0, n, 512):
        z = (grid[:, None] - draws[None, start:start + 512]) / bandwidth
        density += np.exp(-0.5 * z * z).sum(axis=1)
    x = x0 + width * density / density.max()
    return go.Scatter(
        x=np.round(np.r_[x0, x, x0], 4), y=np.round(np.r_[grid[0], grid, grid[-1]], 4),
        mode="lines", fill="toself", fillcolor=_fade(color, 0.3),
        line=dict(color=color, width=1.5), showlegend=False, hoverinfo="skip", name=name,
        meta="shape", xaxis="x2", yaxis="y2")


def _estimation_layout(pairs: pd.DataFrame, effects: pd.DataFrame, distribution: Mapping,
                       outcome: Outcome, arms: list, ticks: list, labels: list) -> dict:
    """Both panels' axes; the g axis spans the violins, which autorange ignores."""
    span = [0.0, *effects[["hedges_g_ci_low", "hedges_g_ci_high"]].to_numpy(float).ravel()]
    for d in distribution.values():
        d = np.asarray(d, dtype=float)
        span += [np.nanmin(d), np.nanmax(d)] if np.isfinite(d).any() else []
    span = np.asarray(span)[np.isfinite(span)]
    span = (span.min(), span.max())
    pad = 0.06 * (span[1] - span[0] or 1.0)
    yaxis = dict(title=dict(text=outcome.axis_title))
    if outcome.scale == "log":
        yaxis.update(_log_axis(_log_ticks(pd.concat([pairs["baseline"], pairs["value"]]))))
    return dict(
        xaxis=dict(domain=[0, 0.6], tickvals=ticks, ticktext=labels, tickangle=0,
                   tickfont=dict(size=16 if len(arms) == 1 else 13),
                   range=[-0.5, ticks[-1] + 0.5] if ticks else None),
        yaxis=yaxis,
        xaxis2=dict(domain=[0.66, 1], anchor="y2", tickvals=list(range(len(arms))),
                    ticktext=arms if len(arms) > 1 else [""], range=[-0.5, len(arms) - 0.05]),
        yaxis2=dict(anchor="x2", side="right", zeroline=False,
                    range=[span[0] - pad, span[1] + pad],
                    title=dict(text="Hedges' g (+ = improvement)")),
        shapes=[dict(type="line", xref="x2 domain", x0=0, x1=1, yref="y2", y0=0, y1=0,
                     line=dict(color="#555", width=1.5))])


#: Most subjects drawn one by one per arm; beyond it the estimation plot shows
#: box summaries and the waterfall bars of equal-sized groups of subjects, so a
#: registry-size trial never sends the browser more than it can draw.
MAX_SUBJECT_MARKS = 2000


def _box_traces(p: pd.DataFrame, x0: float, x1: float, arm: str, color: str) -> list:
    """Baseline and visit of many subjects as two precomputed box summaries."""
    out = []
    for x, col in ((x0, "baseline"), (x1, "value")):
        v = p[col].to_numpy(float)
        q1, med, q3 = np.nanpercentile(v, [25, 50, 75])
        lo, hi = np.nanpercentile(v, [2.5, 97.5])
        out.append(go.Box(x=[x], q1=[q1], median=[med], q3=[q3], lowerfence=[lo],
                          upperfence=[hi], mean=[np.nanmean(v)], name=arm, legendgroup=arm,
                          showlegend=False, marker_color=color, boxpoints=False, width=0.5,
                          hoverinfo="y"))
    return out


def _binned(p: pd.DataFrame, column: str, limit: int) -> tuple[pd.DataFrame, int]:
    """Sorted subjects in ``limit`` equal groups: each group's median, majority status."""
    size = int(np.ceil(len(p) / limit))
    group = np.arange(len(p)) // size
    num = p[["baseline", "value", "change", "pct_change"]].astype(float)
    out = num.groupby(group).median()
    out["status"] = p["status"].groupby(group).agg(lambda s: s.mode().iloc[0]).to_numpy()
    first = pd.Series(np.arange(len(p)) + 1).groupby(group)
    out["subject_id"] = [f"subjects {a}–{b}" for a, b in zip(first.min(), first.max(), strict=True)]
    return out.reset_index(drop=True), size


def _in_percent(outcome: Outcome) -> bool:
    """Percent change for ratio-scale outcomes; points where a baseline can be 0 (FS, PROs)."""
    rule = outcome.meaningful_change
    return outcome.scale == "log" or (rule is not None and rule.kind == "relative")


def waterfall_figure(pairs: pd.DataFrame, *, outcome: Outcome, status: pd.DataFrame | None = None,
                     visit: str | None = None, arms: Sequence[str] | None = None) -> go.Figure:
    """Per-subject change from baseline, sorted, with the meaningful-change band.

    Log-scale outcomes and those with a relative rule (timed tests, NfL) show
    percent change; scores such as EDSS, SDMT or MSIS-29, whose baseline can
    be 0 and whose rules are in points, show the change in their own units.
    Bars are sorted from most improved (left) to most worsened (right) and
    coloured by the registry's improved / stable / worsened classification;
    the grey band behind each bar is that subject's meaningful change (so
    EDSS's baseline-dependent step shows per subject). One panel per arm.

    Parameters
    ----------
    pairs : DataFrame
        :func:`msc_dash.effects.paired_frame` output (``change``, ``pct_change``).
    outcome : Outcome
    status : DataFrame, optional
        :func:`msc_dash.responders` rows of this outcome (``subject_id``, ``status``).
    visit : str, optional
    arms : sequence of str, optional

    Examples
    --------
    >>> from msc_dash import load_sample
    >>> from msc_dash.effects import paired_frame
    >>> t = load_sample()
    >>> fig = waterfall_figure(paired_frame(t, "T25FW", "Month 12"), outcome=t.outcome("T25FW"))
    >>> fig.data[0].name, fig.layout.yaxis.title.text
    ('meaningful change', 'Change from baseline (%)')
    """
    arms = [a for a in _arms(pairs, arms) if (pairs["arm"].astype(str) == a).any()] or ["All"]
    per_bar = 1
    # one panel (x axis) per arm on a shared y axis; cheaper than make_subplots
    traces = []
    k, gap = len(arms), 0.04
    width = (1 - gap * (k - 1)) / k
    axes, titles = {}, []
    rule = outcome.meaningful_change
    percent = _in_percent(outcome)
    column, unit = ("pct_change", "%") if percent else ("change", outcome.change_unit)
    status_of = (dict(zip(status["subject_id"].astype(str), status["status"], strict=True))
                 if status is not None and len(status) else {})
    shown = set()
    for j, arm in enumerate(arms, start=1):
        xref = "x" if j == 1 else f"x{j}"
        p = pairs[pairs["arm"].astype(str) == arm]
        p = p[np.isfinite(p[column].astype(float))]
        # improvement first: lower-is-better outcomes improve with negative change
        p = p.sort_values(column, ascending=outcome.better == "lower", kind="stable")
        p = p.assign(status=[status_of.get(s, "unknown") for s in p["subject_id"].astype(str)]
                     if rule is not None else "change")
        if len(p) > MAX_SUBJECT_MARKS:
            p, per_bar = _binned(p, column, MAX_SUBJECT_MARKS // 2)
        x = p["subject_id"].astype(str).tolist()
        if rule is not None and len(p):
            base = p["baseline"].to_numpy(float)
            band = rule.thresholds(base)
            if percent:
                band = 100 * band / np.abs(base)
            traces.append(go.Bar(
                x=x, y=2 * band, base=-band, name="meaningful change",
                marker=dict(color="rgba(120,120,120,0.18)", line=dict(width=0)),
                width=1.0, hoverinfo="skip", showlegend=j == 1, legendgroup="band",
                xaxis=xref))
        # one trace per status (its legend entry); the category array keeps the sort
        for s in _STATUSES + ("unknown", "change"):
            q = p[p["status"] == s]
            if q.empty:
                continue
            traces.append(go.Bar(
                x=q["subject_id"].astype(str), y=q[column].astype(float), name=s,
                legendgroup=s, showlegend=s not in shown and s != "change",
                marker_color=STATUS_COLORS.get(s, _NEUTRAL),
                width=0.7,
                customdata=np.column_stack([q["baseline"], q["value"], q["change"],
                                            q["pct_change"]]).astype(object),
                hovertemplate=("<b>%{x}</b><br>"
                               f"%{{customdata[2]:+.3g}} {outcome.change_unit} (%{{customdata[3]:+.1f}}%)"
                               f"<br>baseline %{{customdata[0]:.3g}} → {visit or 'visit'} "
                               f"%{{customdata[1]:.3g}}<br>{s if rule else ''}<extra>{arm}</extra>"),
                xaxis=xref))
            shown.add(s)
        left = (j - 1) * (width + gap)
        axes["xaxis" if j == 1 else f"xaxis{j}"] = dict(
            domain=[left, left + width], anchor="y", type="category", categoryorder="array",
            categoryarray=x, showticklabels=len(x) <= 40, tickangle=-90,
            tickfont=dict(size=11))
        if k > 1:
            titles.append(dict(text=arm, x=left + width / 2, xref="paper", y=1.0,
                               yref="paper", yanchor="bottom", showarrow=False,
                               font=dict(size=16)))
    layout = dict(
        **axes, annotations=titles, barmode="overlay", bargap=0.15,
        yaxis=dict(title=dict(text=f"Change from baseline ({unit})"), zeroline=True,
                   zerolinecolor="#555", zerolinewidth=1.5))
    title = f"{outcome.label}: change per subject" + (f" at {visit}" if visit else "")
    sub = f"{outcome.better} is better" + (
        f"; grey band: meaningful change, {outcome.rule_text}" if rule
        else "; no meaningful-change rule")
    if per_bar > 1:
        sub += (f"; each bar: the median of about {per_bar} subjects in order of change (too "
                "many subjects to draw one by one)")
    layout["margin"] = dict(t=110 if len(arms) > 1 else 80)
    # legend under the rotated subject IDs
    return build_figure(traces, layout, title=f"{title}<br><sup>{sub}</sup>", height=480,
                        legend_below=140 if rule else 100)


def responder_figure(resp: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
                     arms: Sequence[str] | None = None, visit: str | None = None) -> go.Figure:
    """Improved / stable / worsened subjects per outcome (and arm), as 100% stacked bars.

    Parameters
    ----------
    resp : DataFrame
        :func:`msc_dash.responders` rows (``outcome``, ``arm``, ``status``) of
        the outcomes to show; ``unknown`` rows are left out.
    labels : mapping, optional
        Outcome code -> label on the axis.
    arms : sequence of str, optional
    visit : str, optional

    Examples
    --------
    >>> from msc_dash import load_sample, responders
    >>> r = responders(load_sample(), "Month 12")
    >>> fig = responder_figure(r[r.outcome.isin(["EDSS", "EDSS_PLUS"])])
    >>> [tr.name for tr in fig.data]
    ['improved', 'stable', 'worsened']
    """
    resp = resp[resp["status"].isin(_STATUSES)]
    arms = [a for a in _arms(resp, arms) if (resp["arm"].astype(str) == a).any()]
    outcomes = list(dict.fromkeys(resp["outcome"]))
    labels = dict(labels or {})
    rows = []
    for code in outcomes:
        for arm in arms:
            g = resp[(resp["outcome"] == code) & (resp["arm"].astype(str) == arm)]
            n = len(g)
            name = labels.get(code, code)
            key = f"{name} · {arm}" if len(arms) > 1 else name
            for s in _STATUSES:
                k = int((g["status"] == s).sum())
                rows.append((key, s, k, n, 100 * k / n if n else math.nan))
    table = pd.DataFrame(rows, columns=["key", "status", "k", "n", "pct"])
    traces = []
    for s in _STATUSES:
        t = table[table["status"] == s]
        traces.append(go.Bar(
            y=t["key"], x=t["pct"], orientation="h", name=s, marker_color=STATUS_COLORS[s],
            text=[f"{k}" if k else "" for k in t["k"]], textposition="inside",
            insidetextanchor="middle", textfont=dict(size=15),
            customdata=t[["k", "n"]].to_numpy(),
            hovertemplate=f"%{{y}}<br>{s}: %{{customdata[0]}} of %{{customdata[1]}} "
                          "(%{x:.0f}%)<extra></extra>"))
    n_bars = table["key"].nunique()
    layout = dict(barmode="stack", xaxis=dict(title=dict(text="Subjects (%)"), range=[0, 100]),
                  yaxis=dict(autorange="reversed", automargin=True),
                  legend=dict(traceorder="normal"))
    title = (f"Responders at {visit}" if visit else "Responders") + \
        "<br><sup>improved / stable / worsened by each outcome's rule</sup>"
    return build_figure(traces, layout, title=title, height=max(280, 160 + 48 * n_bars),
                        legend_below=90)


def correlation_figure(frame: pd.DataFrame, *, x_outcome: Outcome, y_outcome: Outcome,
                       stats: Mapping | None = None,
                       arms: Sequence[str] | None = None) -> go.Figure:
    """Change in a biomarker against change in a clinical outcome, one dot per subject-visit.

    Parameters
    ----------
    frame : DataFrame
        :func:`msc_dash.correlations.change_pairs` output (``subject_id``, ``arm``,
        ``visit``, ``x``, ``y``).
    x_outcome, y_outcome : Outcome
    stats : mapping, optional
        :func:`msc_dash.correlations.correlate` result, shown in the title.
    arms : sequence of str, optional

    Examples
    --------
    >>> import msc_dash
    >>> from msc_dash.correlations import change_pairs
    >>> t = msc_dash.load_sample()
    >>> fig = correlation_figure(change_pairs(t, "NFL", "T25FW"), x_outcome=t.outcome("NFL"),
    ...                          y_outcome=t.outcome("T25FW"))
    >>> fig.layout.xaxis.title.text
    'Serum NfL change from baseline (%)'
    """
    arms = _arms(frame, arms)
    colors = arm_colors(arms)
    traces = []
    x_unit = "%" if x_outcome.scale == "log" else x_outcome.unit
    y_unit = "%" if y_outcome.scale == "log" else y_outcome.unit
    for arm in arms:
        g = frame[frame["arm"].astype(str) == arm]
        if g.empty:
            continue
        g, n_all = sample_subjects(g, MAX_SUBJECT_MARKS)  # a registry: a sample, WebGL
        traces.append((go.Scattergl if n_all else go.Scatter)(
            x=g["x"], y=g["y"], mode="markers", name=arm, showlegend=len(arms) > 1,
            marker=dot_marker(colors[arm], bool(n_all)),
            customdata=g[["subject_id", "visit"]].astype(object).to_numpy(),
            hovertemplate=("%{customdata[0]} · %{customdata[1]}<br>"
                           f"{x_outcome.short_label} %{{x:+.3g}} {x_unit}<br>"
                           f"{y_outcome.short_label} %{{y:+.3g}} {y_unit}<extra></extra>")))
    ok = frame[np.isfinite(frame["x"].astype(float)) & np.isfinite(frame["y"].astype(float))]
    if len(ok) >= 3 and ok["x"].nunique() > 1:
        slope, intercept = np.polyfit(ok["x"].astype(float), ok["y"].astype(float), 1)
        xs = np.array([ok["x"].min(), ok["x"].max()], dtype=float)
        traces.append(go.Scatter(x=xs, y=intercept + slope * xs, mode="lines",
                                 name="least-squares line", showlegend=False,
                                 line=dict(color="#444", dash="dash", width=2),
                                 hoverinfo="skip"))
    axis = dict(color="#999", width=1)
    shapes = [dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=0, y1=0, line=axis),
              dict(type="line", xref="x", x0=0, x1=0, yref="y domain", y0=0, y1=1, line=axis)]
    layout = dict(shapes=shapes,
                  xaxis=dict(title=dict(text=f"{x_outcome.short_label} change from baseline ({x_unit})")),
                  yaxis=dict(title=dict(text=f"{y_outcome.short_label} change from baseline ({y_unit})")))
    title = f"{x_outcome.short_label} vs {y_outcome.short_label} change"
    if stats:
        title += f"<br><sup>{stats['text']}</sup>"
    title += sample_note(frame, MAX_SUBJECT_MARKS)
    return build_figure(traces, layout, title=title, height=420)
