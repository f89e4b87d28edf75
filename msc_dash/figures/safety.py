"""Figures: safety (swimmer plot, adverse-event timeline) and one patient's course.

Pure functions: a :class:`~msc_dash.trial.Trial` in, a ``plotly`` figure out.
Time is shown in months since baseline (day / 30.44).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..outcomes import REGISTRY
from ..safety import DAYS_PER_MONTH, SEVERITIES, adverse_events, follow_up
from ..trial import Trial
from .style import (
    FONT_SIZE,
    OKABE_ITO,
    SEVERITY_COLORS,
    STATUS_COLORS,
    arm_colors,
    base_layout,
    new_figure,
)

__all__ = ["swimmer_figure", "ae_timeline_figure", "patient_timeline_figure",
           "patient_outcomes_figure", "SWIMMER_SORTS"]

#: Orders of :func:`swimmer_figure`.
SWIMMER_SORTS = ("arm", "follow-up", "response")
_INJECTION_COLOR = "#333333"
_MONTHS = "Months since baseline"
_STATUS_ORDER = ("improved", "stable", "worsened", "unknown")


def _months(days) -> np.ndarray:
    return np.asarray(days, dtype=float) / DAYS_PER_MONTH


def _fmt_day(day) -> str:
    return "–" if day is None or (isinstance(day, float) and math.isnan(day)) else f"{day:.0f}"


def _responses(table: pd.DataFrame | None, trial: Trial) -> tuple[pd.Series, str]:
    """Each subject's response in a :func:`msc_dash.responders` table: EDSS-Plus when
    available, else the first outcome with a meaningful-change rule; returns (status by
    subject, outcome used)."""
    if table is None or table.empty:
        return pd.Series(dtype=object), ""
    for code in ("EDSS_PLUS", *trial.outcomes):
        rows = table[table["outcome"] == code]
        if len(rows) and (rows["status"] != "unknown").any():
            return rows.set_index("subject_id")["status"], code
    return pd.Series(dtype=object), ""


def swimmer_figure(trial: Trial, sort_by: str = "arm", *, visit: str | None = None,
                   responders: pd.DataFrame | None = None,
                   height: int | None = None) -> go.Figure:
    """Swimmer plot: one horizontal bar per subject for its follow-up, with events on it.

    Parameters
    ----------
    trial : Trial
    sort_by : {"arm", "follow-up", "response"}
        ``arm``: by arm, then longest follow-up first; ``follow-up``: longest
        first; ``response``: improved, stable, worsened, unknown by EDSS-Plus
        (or the first outcome with a meaningful-change rule) in ``responders``.
    visit : str, optional
        Visit of ``responders`` (named in the hover text).
    responders : pandas.DataFrame, optional
        :func:`msc_dash.responders` at ``visit``, for ``sort_by="response"``
        (without it every subject's response is "unknown").
    height : int, optional
        Figure height in px (default grows with the number of subjects).

    Returns
    -------
    plotly.graph_objects.Figure
        Bars coloured by arm (one ``go.Bar`` per arm, one bar per subject);
        injections as dark vertical ticks; adverse events as dots coloured by
        severity; serious events as large outlined stars; a diamond at each
        subject's last visit (a cross when it came more than 30 days before
        the visit closest to one year).

    Examples
    --------
    >>> import msc_dash
    >>> fig = swimmer_figure(msc_dash.load_sample("single"), sort_by="follow-up")
    >>> sum(len(t.y) for t in fig.data if t.type == "bar")
    23
    """
    if sort_by not in SWIMMER_SORTS:
        raise ValueError(f"sort_by must be one of {SWIMMER_SORTS}, not {sort_by!r}")
    fu = follow_up(trial)
    fu["months"] = _months(fu["last_day"])
    status, status_code = (_responses(responders, trial) if sort_by == "response"
                           else (pd.Series(dtype=object), ""))
    fu = _swimmer_order(fu, sort_by, status, trial.arms)
    total = len(fu)
    if total > MAX_SWIMMER_SUBJECTS:  # one row each: beyond this no one can read them
        fu = fu.head(MAX_SWIMMER_SUBJECTS)
    shown_ids = set(fu["subject_id"].astype(str))
    fig = new_figure()
    _add_follow_up_bars(fig, fu, trial.arms)
    _add_last_visits(fig, fu, trial)
    _add_injections(fig, trial.injections, shown_ids)
    ae = adverse_events(trial).dropna(subset=["onset_day"])
    ae = ae[ae["subject_id"].astype(str).isin(shown_ids)]
    _add_events(fig, ae, y=ae["subject_id"])
    if sort_by == "response" and len(fu):
        _add_response_markers(fig, fu, status_code, visit)
    _swimmer_layout(fig, fu, sort_by, total, height)
    return fig


def _swimmer_order(fu: pd.DataFrame, sort_by: str, status: pd.Series,
                   arms) -> pd.DataFrame:
    """The follow-up table in the swimmer's row order (``status`` for ``"response"``)."""
    fu["_arm"] = fu["arm"].map({a: i for i, a in enumerate(arms)})
    if sort_by == "arm":
        return fu.sort_values(["_arm", "last_day", "subject_id"], ascending=[True, False, True],
                              kind="stable")
    if sort_by == "follow-up":
        return fu.sort_values(["last_day", "subject_id"], ascending=[False, True],
                              kind="stable")
    fu["status"] = fu["subject_id"].map(status).fillna("unknown")
    fu["_status"] = fu["status"].map({s: i for i, s in enumerate(_STATUS_ORDER)})
    return fu.sort_values(["_status", "_arm", "last_day", "subject_id"],
                          ascending=[True, True, False, True], kind="stable")


def _add_follow_up_bars(fig: go.Figure, fu: pd.DataFrame, arms) -> None:
    """One translucent bar per subject for its follow-up, one trace per arm."""
    colors = arm_colors(arms)
    for arm in arms:
        part = fu[fu["arm"] == arm]
        if part.empty:
            continue
        fig.add_trace(go.Bar(
            y=part["subject_id"], x=part["months"], base=0, orientation="h",
            name=f"Follow-up ({arm})" if len(arms) > 1 else "Follow-up",
            marker=dict(color=colors[arm], opacity=0.35, line=dict(width=0)),
            customdata=np.column_stack([part["arm"], part["last_day"],
                                        part["last_visit"].fillna("–")]),
            hovertemplate="<b>%{y}</b> (%{customdata[0]})<br>followed to day "
                          "%{customdata[1]:.0f} (%{x:.1f} months)<br>last visit: "
                          "%{customdata[2]}<extra></extra>",
        ))


def _add_last_visits(fig: go.Figure, fu: pd.DataFrame, trial: Trial) -> None:
    """A diamond at each last visit; a cross when it came > 30 days before one year."""
    from ..findings import one_year_visit

    year = one_year_visit(trial)
    year_day = float(trial.visit_days[year]) if year is not None else math.nan
    seen = fu.dropna(subset=["last_measurement_day"])
    early = seen["last_measurement_day"] < year_day - 30 if math.isfinite(year_day) else (
        pd.Series(False, index=seen.index))
    for mask, name, symbol in ((~early, "Last visit", "diamond"),
                               (early, f"Follow-up ended before {year}", "x")):
        part = seen[mask]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            y=part["subject_id"], x=_months(part["last_measurement_day"]), mode="markers",
            name=name, marker=dict(symbol=symbol, size=12, color="#000000",
                                   line=dict(width=1, color="#FFFFFF")),
            customdata=np.column_stack([part["last_visit"], part["last_measurement_day"]]),
            hovertemplate="<b>%{y}</b><br>last visit: %{customdata[0]} (day "
                          "%{customdata[1]:.0f})<extra></extra>",
        ))


def _add_injections(fig: go.Figure, injections: pd.DataFrame, shown_ids: set) -> None:
    """Injections as tall ticks under the events, so a same-day event hides neither."""
    inj = injections[injections["subject_id"].astype(str).isin(shown_ids)]
    if not len(inj):
        return
    days = pd.to_numeric(inj["day"], errors="coerce")
    ok = days.notna()
    fig.add_trace(go.Scatter(
        y=inj.loc[ok, "subject_id"].astype(str), x=_months(days[ok]), mode="markers",
        name="Injection", marker=dict(symbol="line-ns", size=20,
                                      line=dict(width=3, color=_INJECTION_COLOR)),
        customdata=np.column_stack([inj.loc[ok, "injection_number"], days[ok]]),
        hovertemplate="<b>%{y}</b><br>injection %{customdata[0]} on day "
                      "%{customdata[1]:.0f}<extra></extra>",
    ))


def _add_response_markers(fig: go.Figure, fu: pd.DataFrame, status_code: str,
                          visit: str | None) -> None:
    """A square left of each bar coloured by the subject's response at ``visit``."""
    label = REGISTRY.name(status_code) if status_code else "response"
    for s in _STATUS_ORDER:
        part = fu[fu["status"] == s]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            y=part["subject_id"], x=np.full(len(part), -0.9), mode="markers",
            name=f"{label}: {s}",
            marker=dict(symbol="square", size=13, color=STATUS_COLORS[s]),
            hovertemplate=f"<b>%{{y}}</b><br>{label} at {visit}: {s}"
                          "<extra></extra>",
        ))


def _swimmer_layout(fig: go.Figure, fu: pd.DataFrame, sort_by: str, total: int,
                    height: int | None) -> None:
    """Axes, height and the "showing the first N" title of the swimmer plot."""
    order = fu["subject_id"].tolist()
    n = max(len(order), 1)
    base_layout(fig, height=height or int(min(max(180 + 26 * n, 380), 2400)))
    fig.update_layout(barmode="overlay", bargap=0.35, legend_title_text="")
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], title_text="Subject",
                     tickfont=dict(size=FONT_SIZE - 3 if n > 30 else FONT_SIZE - 1),
                     automargin=True)
    right = max(float(fu["months"].max()) if len(fu) else 0.0, 1.0) + 0.6
    fig.update_xaxes(title_text=_MONTHS, zeroline=True,
                     range=[-1.4 if sort_by == "response" else -0.5, right])
    fig.update_layout(margin=dict(t=110))
    if total > len(fu):
        fig.update_layout(title=dict(text=f"Showing the first {len(fu)} of {total:,} subjects "
                                          "in this order (one row each)"))


#: Most subjects in a swimmer plot; the rest are counted in its title.
MAX_SWIMMER_SUBJECTS = 300


def _add_events(fig: go.Figure, ae: pd.DataFrame, *, y, row=None, col=None,
                showlegend: bool = True, size: int = 12) -> None:
    """Adverse-event markers by severity, serious events as outlined stars on top."""
    y = pd.Series(np.asarray(y), index=ae.index)
    kw = dict(row=row, col=col) if row is not None else {}
    for sev in SEVERITIES:
        part = ae[(ae["severity"] == sev) & ~ae["serious"].eq(True)]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            y=y[part.index], x=_months(part["onset_day"]), mode="markers",
            name=f"AE: {sev}", legendgroup=f"AE: {sev}", showlegend=showlegend,
            marker=dict(symbol="circle", size=size, color=SEVERITY_COLORS[sev],
                        line=dict(width=1, color="#FFFFFF")),
            customdata=_ae_custom(part),
            hovertemplate=_AE_HOVER,
        ), **kw)
    serious = ae[ae["serious"].eq(True)]
    if len(serious):
        fig.add_trace(go.Scatter(
            y=y[serious.index], x=_months(serious["onset_day"]), mode="markers",
            name="Serious AE", legendgroup="Serious AE", showlegend=showlegend,
            marker=dict(symbol="star", size=size + 10,
                        color=[SEVERITY_COLORS[s] for s in serious["severity"]],
                        line=dict(width=2.5, color="#000000")),
            customdata=_ae_custom(serious),
            hovertemplate="<b>SERIOUS</b> " + _AE_HOVER,
        ), **kw)


_AE_HOVER = ("<b>%{customdata[0]}</b> (%{customdata[1]})<br>%{customdata[2]}<br>"
             "day %{customdata[3]} (%{x:.1f} months)<br>severity: %{customdata[4]}, "
             "%{customdata[5]}<extra></extra>")


def _ae_custom(ae: pd.DataFrame) -> np.ndarray:
    return np.column_stack([
        ae["subject_id"], ae["arm"].fillna("–"), ae["term"],
        [_fmt_day(d) for d in ae["onset_day"]], ae["severity"],
        [f"relatedness: {r}" for r in ae["related"]],
    ])


def _panel_title(arm, n, n_arms: int) -> str:
    """``MSC (n = 27)``; with three arms or more, long arm names break into short lines."""
    if n_arms < 3 or len(str(arm)) <= 14:
        return f"{arm} (n = {int(n)})"
    import textwrap

    return "<br>".join(textwrap.wrap(str(arm), 14)) + f"<br>(n = {int(n)})"


def ae_timeline_figure(trial: Trial, *, height: int | None = None,
                       top: int | None = 15) -> go.Figure:
    """Adverse events over study time: one row per term, one panel per arm.

    Events (by onset month) are dots coloured by severity, serious events
    outlined stars; injections are triangles on a row of their own at the top.
    Events without an onset day are left out. Only the ``top`` most frequent
    terms get a row of their own (None: every term); the others share an
    "Other terms" row at the bottom (hover shows each event's own term).

    Examples
    --------
    >>> import msc_dash
    >>> fig = ae_timeline_figure(msc_dash.load_sample("two_arm"))
    >>> [a.text for a in fig.layout.annotations][:2]
    ['MSC-NP (n = 27)', 'Saline (n = 27)']
    >>> ticks = ae_timeline_figure(msc_dash.load_sample("two_arm"), top=3).layout.yaxis.ticktext
    >>> len(ticks), ticks[0].startswith("Other terms")
    (5, True)
    """
    arms = trial.arms
    ae = adverse_events(trial).dropna(subset=["onset_day"])
    counts = ae.groupby("term")["subject_id"].size().sort_values(ascending=True, kind="stable")
    row_term = ae["term"]
    if top is not None and len(counts) > max(int(top), 1):
        kept = list(counts.index[-int(top):])
        rest = counts.drop(kept)
        other = f"Other terms ({len(rest)} terms, {int(rest.sum())} events)"
        row_term = ae["term"].where(ae["term"].isin(kept), other)
        terms = [other, *kept]  # the rest at the bottom, most frequent at the top
    else:
        terms = list(counts.index)  # most frequent at the top
    rows = {t: i for i, t in enumerate(terms)}
    inj_row = len(terms)
    sizes = trial.subjects.groupby("arm", sort=False).size()
    fig = make_subplots(rows=1, cols=len(arms), shared_yaxes=True, shared_xaxes=True,
                        horizontal_spacing=0.03,
                        subplot_titles=[_panel_title(a, sizes.get(a, 0), len(arms))
                                        for a in arms]
                        if len(arms) > 1 else None)
    rng = np.random.default_rng(0)  # fixed jitter: the same data draw the same figure
    inj = trial.injections
    for c, arm in enumerate(arms, start=1):
        ids = set(trial.subjects.loc[trial.subjects["arm"] == arm, "subject_id"])
        part = ae[ae["subject_id"].isin(ids)]
        y = (row_term[part.index].map(rows).to_numpy(dtype=float)
             + rng.uniform(-0.28, 0.28, len(part)))
        _add_events(fig, part, y=y, row=1, col=c, showlegend=c == 1)
        ip = inj[inj["subject_id"].astype(str).isin(ids)]
        days = pd.to_numeric(ip["day"], errors="coerce")
        ok = days.notna()
        if ok.any():
            fig.add_trace(go.Scatter(
                x=_months(days[ok]), y=inj_row + rng.uniform(-0.28, 0.28, int(ok.sum())),
                mode="markers", name="Injection", legendgroup="Injection",
                showlegend=c == 1,
                marker=dict(symbol="triangle-up", size=10, color=_INJECTION_COLOR,
                            opacity=0.7),
                customdata=np.column_stack([ip.loc[ok, "subject_id"].astype(str),
                                            ip.loc[ok, "injection_number"], days[ok]]),
                hovertemplate="<b>%{customdata[0]}</b><br>injection %{customdata[1]} on day "
                              "%{customdata[2]:.0f}<extra></extra>",
            ), row=1, col=c)
    labels = [*terms, "Injections"]
    n_rows = len(labels)
    base_layout(fig, height=height or int(min(max(220 + 34 * n_rows, 380), 1600)))
    fig.update_yaxes(tickvals=list(range(n_rows)), ticktext=labels, range=[-0.6, n_rows - 0.4],
                     showgrid=True, zeroline=False)
    fig.update_yaxes(title_text="Adverse event (term)", automargin=True, row=1, col=1)
    last = max(float(_months(ae["onset_day"]).max()) if len(ae) else 0.0,
               float(_months(pd.to_numeric(inj["day"], errors="coerce")).max())
               if len(inj) else 0.0, 1.0)
    fig.update_xaxes(title_text=_MONTHS, range=[-0.5, last + 0.5])
    # panel titles may take several lines: the legend goes above them
    tall = max(str(a).count("<br>") for a in fig.layout.annotations[:len(arms)]) \
        if len(arms) > 1 else 0
    fig.update_layout(margin=dict(t=110 + 20 * tall),
                      legend=dict(yref="container", y=1, yanchor="top"))
    return fig


# ---------------------------------------------------------------- one patient
def _subject_check(trial: Trial, subject_id: str) -> str:
    sid = str(subject_id)
    if not (trial.subjects["subject_id"] == sid).any():
        raise KeyError(f"subject {sid!r} is not in the trial")
    return sid


def patient_timeline_figure(trial: Trial, subject_id: str) -> go.Figure:
    """One subject's course on a time axis: visits, injections and adverse events.

    Examples
    --------
    >>> import msc_dash
    >>> fig = patient_timeline_figure(msc_dash.load_sample("single"), "P01")
    >>> [t.name for t in fig.data][:2]
    ['Visit', 'Injection']
    """
    sid = _subject_check(trial, subject_id)
    m = trial.measurements[trial.measurements["subject_id"] == sid]
    visits = (m.groupby("visit", sort=False)
              .agg(day=("day", "median"), n=("outcome", "nunique")).reset_index()
              .sort_values("day", kind="stable"))
    rows = {"Visits": 2, "Injections": 1, "Adverse events": 0}
    fig = new_figure()
    fig.add_trace(go.Scatter(
        x=_months(visits["day"]), y=np.full(len(visits), rows["Visits"]),
        mode="markers+text", name="Visit", text=visits["visit"], textposition="top center",
        textfont=dict(size=FONT_SIZE - 3),
        marker=dict(symbol="diamond", size=14, color=OKABE_ITO[0]),
        customdata=np.column_stack([np.full(len(visits), sid), visits["visit"], visits["day"],
                                    visits["n"]]) if len(visits) else None,
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: day %{customdata[2]:.0f}"
                      " (%{x:.1f} months)<br>%{customdata[3]} outcomes measured"
                      "<extra></extra>",
    ))
    inj = trial.injections[trial.injections["subject_id"].astype(str) == sid]
    days = pd.to_numeric(inj["day"], errors="coerce")
    ok = days.notna()
    fig.add_trace(go.Scatter(
        x=_months(days[ok]), y=np.full(int(ok.sum()), rows["Injections"]),
        mode="markers+text", name="Injection",
        text=[f"#{int(k)}" if pd.notna(k) else "" for k in inj.loc[ok, "injection_number"]],
        textposition="top center", textfont=dict(size=FONT_SIZE - 3),
        marker=dict(symbol="triangle-up", size=15, color=_INJECTION_COLOR),
        customdata=np.column_stack([np.full(int(ok.sum()), sid),
                                    inj.loc[ok, "injection_number"], days[ok],
                                    inj.loc[ok, "route"].fillna("–")])
        if ok.any() else None,
        hovertemplate="<b>%{customdata[0]}</b><br>injection %{customdata[1]} on day "
                      "%{customdata[2]:.0f} (%{x:.1f} months)<br>route: %{customdata[3]}"
                      "<extra></extra>",
    ))
    ae = adverse_events(trial)
    ae = ae[(ae["subject_id"] == sid)].dropna(subset=["onset_day"])
    # stack events on the same day so none hides another
    offset = ae.groupby("onset_day").cumcount().to_numpy() * 0.18 if len(ae) else []
    _add_events(fig, ae, y=rows["Adverse events"] + np.asarray(offset, dtype=float), size=14)
    fu = follow_up(trial).set_index("subject_id")
    last = float(fu.loc[sid, "last_day"])
    base_layout(fig, title=None, height=330)
    fig.update_yaxes(tickvals=list(rows.values()), ticktext=list(rows.keys()),
                     range=[-0.5, 2.7], showgrid=True, zeroline=False)
    fig.update_xaxes(title_text=_MONTHS, range=[-0.5, max(_months([last])[0], 1.0) + 0.8])
    fig.update_layout(margin=dict(t=60, l=150))
    return fig


def patient_outcomes_figure(trial: Trial, subject_id: str, outcomes=None, *,
                            cols: int = 3) -> go.Figure:
    """Small multiples: each outcome of one subject over time against its baseline.

    Each panel shows the subject's values by month, a dashed line at the
    baseline value and, for outcomes with a meaningful-change rule, the band
    of changes too small to count (baseline +/- the rule's threshold) shaded.
    Log-scale outcomes get a log axis.

    Parameters
    ----------
    trial : Trial
    subject_id : str
    outcomes : list of str, optional
        Outcome codes (default: every outcome the subject has values of).
    cols : int
        Panels per row.

    Examples
    --------
    >>> import msc_dash
    >>> fig = patient_outcomes_figure(msc_dash.load_sample("single"), "P01", ["EDSS", "NFL"])
    >>> fig.layout.yaxis.type, fig.layout.yaxis2.type
    ('linear', 'log')
    """
    sid = _subject_check(trial, subject_id)
    m = trial.measurements[trial.measurements["subject_id"] == sid]
    m = m.dropna(subset=["value"])
    present = set(m["outcome"])
    codes = [c for c in (outcomes if outcomes is not None else trial.outcomes) if c in present]
    n = max(len(codes), 1)
    cols = max(1, min(cols, n))
    nrows = math.ceil(n / cols)
    # the unit on its own line: four titles side by side must not run into each other
    titles = [trial.outcome(c).axis_title.replace(" (", "<br>(", 1) for c in codes] or [
        "No measurements"]
    fig = make_subplots(rows=nrows, cols=cols, subplot_titles=titles,
                        horizontal_spacing=0.08, vertical_spacing=min(0.5 / nrows, 0.14))
    right = float(_months([m["day"].max()])[0]) + 0.8 if len(m) else 1.0
    arm = trial.subjects.set_index("subject_id")["arm"].get(sid, "")
    color = arm_colors(trial.arms).get(arm, OKABE_ITO[0])
    for i, code in enumerate(codes):
        r, c = i // cols + 1, i % cols + 1
        out = trial.outcome(code)
        d = m[m["outcome"] == code].sort_values("day", kind="stable")
        x = _months(d["day"])
        base = d.loc[d["day"] == 0, "value"]
        b = float(base.iloc[0]) if len(base) else math.nan
        change = d["value"].to_numpy() - b
        pct = 100 * change / b if math.isfinite(b) and b else np.full(len(d), np.nan)
        fig.add_trace(go.Scatter(
            x=x, y=d["value"], mode="lines+markers", name=code, showlegend=False,
            line=dict(color=color, width=3), marker=dict(size=10, color=color),
            customdata=np.column_stack([np.full(len(d), sid), d["visit"], d["day"], change,
                                        pct]),
            hovertemplate=f"<b>%{{customdata[0]}}</b> · {code}<br>%{{customdata[1]}} (day "
                          f"%{{customdata[2]:.0f}})<br>%{{y:.4g}} {out.unit}<br>change "
                          "%{customdata[3]:+.3g} (%{customdata[4]:+.0f}%)<extra></extra>",
        ), row=r, col=c)
        # shapes after the trace: plotly skips shapes on subplots without data
        if math.isfinite(b):
            fig.add_hline(y=b, line=dict(color="#666666", dash="dash", width=1.5), row=r, col=c)
            rule = out.meaningful_change
            if rule is not None:
                t = float(rule.thresholds(np.array([b]))[0])
                lo, hi = b - t, b + t
                if out.scale == "log":
                    lo = max(lo, b * 0.05)
                fig.add_hrect(y0=lo, y1=hi, fillcolor="#BBBBBB", opacity=0.25, line_width=0,
                              layer="below", row=r, col=c)
        fig.update_yaxes(type="log" if out.scale == "log" else "linear", row=r, col=c)
        fig.update_xaxes(range=[-0.8, right], row=r, col=c)
        if r == nrows or (r == nrows - 1 and i + cols >= len(codes)):
            fig.update_xaxes(title_text=_MONTHS, row=r, col=c)
    base_layout(fig, height=max(300, 250 * nrows + 80))
    fig.update_annotations(font_size=FONT_SIZE)
    fig.update_layout(margin=dict(t=60, b=60))
    return fig
