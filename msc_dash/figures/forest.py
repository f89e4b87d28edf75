"""Forest plots: one row per estimate with its confidence interval."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from ..constants import to_float as _num
from ..outcomes import DOMAINS
from ..tables import format_ci, p_phrase
from .style import FONT_SIZE, base_layout, new_figure
from .style import arm_colors as _arm_colors

__all__ = ["forest_figure", "NOT_ESTIMABLE_COLOR", "MAX_FOREST_ROWS"]

#: Colour of rows whose estimate could not be computed.
NOT_ESTIMABLE_COLOR = "#9E9E9E"

_ROW_PX = 30          # height of one row, in pixels
#: Longest forest drawn: beyond it the first rows are shown, with a note.
MAX_FOREST_ROWS = 300
_ARM_DODGE = 0.22     # vertical offset between arms sharing an outcome row
_P_COLUMNS = (("p_ttest", "p (t-test)"), ("p_wilcoxon", "p (Wilcoxon)"),
              ("p_adjusted", "adjusted p"), ("p_ancova", "p (ANCOVA)"), ("p", "p"))


def _group_title(group) -> str:
    return DOMAINS.get(group, str(group))


def _capped(frame: pd.DataFrame, label_col: str, group_col: str | None):
    """``frame`` limited to its first :data:`MAX_FOREST_ROWS` labels, and the label count."""
    keys = [label_col] + ([group_col] if group_col and group_col in frame else [])
    first = ~frame.duplicated(keys)
    total = int(first.sum())
    if total <= MAX_FOREST_ROWS:
        return frame, total
    kept = frame.loc[first, keys].head(MAX_FOREST_ROWS)
    keep = frame.set_index(keys).index.isin(kept.set_index(keys).index)
    return frame[keep].reset_index(drop=True), total


def forest_figure(
    effects: pd.DataFrame,
    *,
    value: str = "hedges_g",
    low: str = "hedges_g_ci_low",
    high: str = "hedges_g_ci_high",
    label_col: str = "outcome",
    group_col: str | None = "domain",
    color_col: str | None = "arm",
    n_col: str | None = "n",
    arm_colors: Mapping[str, str] | None = None,
    x_title: str = "Hedges' g (positive = improvement)",
    favours: Sequence[str] = ("worsening", "improvement"),
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """A forest plot of every row of ``effects``.

    Rows are grouped under a bold header per ``group_col`` value (domains in
    the registry's order, other groups in order of appearance); within a
    group, labels keep their order of appearance. Rows of several
    ``color_col`` values (arms) sharing a label are drawn side by side in one
    colour each. A dashed line marks zero; "← favours ..." and "favours ... →"
    under the axis say which side is which. Rows with ``estimable`` False (or
    a missing estimate) are drawn as grey crosses at their estimate (or at
    zero), with the ``note`` in the hover text and the label greyed.

    Parameters
    ----------
    effects : pandas.DataFrame
        One row per estimate, e.g. the effect table at one visit, a subgroup
        table or the arm comparison.
    value, low, high : str
        Columns of the estimate and its interval.
    label_col : str
        Column naming each row (outcome codes, subgroup levels).
    group_col : str or None
        Column grouping rows under headers (None: no headers).
    color_col : str or None
        Column giving one trace (and colour) per value, such as ``arm``.
    n_col : str or None
        Column of the number of subjects, shown in the row label.
    arm_colors : mapping, optional
        Colour per ``color_col`` value; default :func:`~msc_dash.figures.style.arm_colors`.
    x_title : str
        Title of the x axis.
    favours : pair of str
        What a negative and a positive estimate favour.
    labels : mapping, optional
        Display text per label value (default: the value itself).
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One marker trace per colour with horizontal error bars, plus a grey
        "not estimable" trace when needed; ``layout.meta["rows"]`` lists the
        rows top to bottom as ``(group, label, colour value)``.

    Examples
    --------
    >>> df = pd.DataFrame({"outcome": ["T25FW", "SDMT"], "domain": ["mobility", "cognition"],
    ...                    "arm": "All", "n": [16, 2], "hedges_g": [0.45, float("nan")],
    ...                    "hedges_g_ci_low": [0.12, float("nan")],
    ...                    "hedges_g_ci_high": [0.8, float("nan")],
    ...                    "estimable": [True, False], "note": ["", "n < 3"]})
    >>> fig = forest_figure(df)
    >>> [t.name for t in fig.data]
    ['All', 'not estimable']
    >>> list(fig.layout.yaxis.ticktext)
    ['<b>Mobility</b>', 'T25FW (n=16)', '<b>Cognition</b>', '<span style="color:#9E9E9E">SDMT (n=2)</span>']
    """
    frame, total = _capped(effects.reset_index(drop=True), label_col, group_col)
    labels = dict(labels or {})
    if color_col and color_col in frame:
        colours_in = list(pd.unique(frame[color_col].astype(str)))
    else:
        colours_in = [""]
    colours = dict(arm_colors) if arm_colors else _arm_colors(colours_in)
    multi = len(colours_in) > 1

    colour_values = (frame[color_col].astype(str) if color_col and color_col in frame
                     else pd.Series("", index=frame.index))
    colour_rank = {c: k for k, c in enumerate(colours_in)}

    def colour_of(i) -> str:
        return colour_values.at[i]

    if "estimable" in frame:
        estimable = frame["estimable"].fillna(False).astype(bool)
    else:
        estimable = pd.Series(True, index=frame.index)
    estimable &= pd.to_numeric(frame[value], errors="coerce").notna()

    # group order: registry domains first, then others as they appear
    if group_col and group_col in frame:
        seen = list(pd.unique(frame[group_col]))
        groups = [g for g in DOMAINS if g in seen] + [g for g in seen if g not in DOMAINS]
    else:
        groups = [None]

    y_of: dict[int, float] = {}
    header_ys: list[float] = []
    tickvals: list[float] = []
    ticktext: list[str] = []
    rows_meta: list[tuple] = []
    y = 0.0
    for group in groups:
        in_group = frame.index if group is None else frame.index[frame[group_col] == group]
        if group is not None:
            header_ys.append(y)
            tickvals.append(y)
            ticktext.append(f"<b>{html.escape(_group_title(group))}</b>")
            y += 1
        by_label = frame.loc[in_group].groupby(label_col, sort=False, dropna=False).groups
        for lab, members in by_label.items():
            idx = sorted(members, key=lambda i: colour_rank.get(colour_of(i), 0))
            offsets = [(k - (len(idx) - 1) / 2) * _ARM_DODGE for k in range(len(idx))]
            for i, off in zip(idx, offsets, strict=True):
                y_of[i] = y + off
                rows_meta.append((group, lab, colour_of(i)))
            text = html.escape(str(labels.get(lab, lab)))
            if n_col and n_col in frame:
                ns = [frame.at[i, n_col] for i in idx]
                ns = "/".join(str(int(n)) if not math.isnan(_num(n)) else "?" for n in ns)
                text += f" (n={ns})"
            if not any(estimable[i] for i in idx):
                text = f'<span style="color:{NOT_ESTIMABLE_COLOR}">{text}</span>'
            tickvals.append(y)
            ticktext.append(text)
            y += 1
    n_lines = max(int(y), 1)

    def hover(i) -> str:
        name = labels.get(frame.at[i, label_col], frame.at[i, label_col])
        parts = [f"<b>{html.escape(str(name))}</b>"]
        if multi:
            parts[0] += f" · {html.escape(colour_of(i))}"
        if "visit" in frame:
            parts.append(f"visit: {html.escape(str(frame.at[i, 'visit']))}")
        short = x_title.split(" (")[0]
        if estimable[i]:
            est = format_ci(frame.at[i, value], frame.at[i, low] if low in frame else None,
                            frame.at[i, high] if high in frame else None, 3)
            parts.append(f"{short}: {est}")
        else:
            note = frame.at[i, "note"] if "note" in frame else ""
            note = "" if pd.isna(note) else str(note)
            parts.append(f"not estimable{': ' + html.escape(note) if note else ''}")
        if n_col and n_col in frame:
            parts.append(f"n = {frame.at[i, n_col]}")
        ps = [html.escape(p_phrase(frame.at[i, col], name)) for col, name in _P_COLUMNS
              if col in frame and not math.isnan(_num(frame.at[i, col]))]
        if ps:
            parts.append(", ".join(ps))
        return "<br>".join(parts)

    fig = new_figure()
    shown = frame.index[estimable.to_numpy()]
    by_colour = pd.Series(shown, index=shown).groupby(colour_values.loc[shown], sort=False)
    by_colour = {c: list(v) for c, v in by_colour}
    for colour in colours_in:
        idx = by_colour.get(colour, [])
        if not idx:
            continue
        est = [_num(frame.at[i, value]) for i in idx]
        lo = [_num(frame.at[i, low]) if low in frame else math.nan for i in idx]
        hi = [_num(frame.at[i, high]) if high in frame else math.nan for i in idx]
        plus = [h - e if not math.isnan(h) else 0.0 for e, h in zip(est, hi, strict=True)]
        minus = [e - v if not math.isnan(v) else 0.0 for e, v in zip(est, lo, strict=True)]
        fig.add_trace(go.Scatter(
            x=est, y=[y_of[i] for i in idx], mode="markers", name=colour or "estimate",
            marker=dict(size=12, color=colours.get(colour, "#0072B2"), symbol="square"),
            error_x=dict(type="data", array=plus, arrayminus=minus, thickness=2.5, width=6,
                         color=colours.get(colour, "#0072B2")),
            hovertext=[hover(i) for i in idx], hovertemplate="%{hovertext}<extra></extra>",
            showlegend=multi,
        ))
    bad = [i for i in frame.index if not estimable[i]]
    if bad:
        xs = [_num(frame.at[i, value]) for i in bad]
        fig.add_trace(go.Scatter(
            x=[0.0 if math.isnan(x) else x for x in xs], y=[y_of[i] for i in bad],
            mode="markers", name="not estimable",
            marker=dict(size=11, color=NOT_ESTIMABLE_COLOR, symbol="x-thin-open",
                        line=dict(width=2, color=NOT_ESTIMABLE_COLOR)),
            hovertext=[hover(i) for i in bad], hovertemplate="%{hovertext}<extra></extra>",
            showlegend=True,
        ))

    # symmetric x range so zero sits in the middle and both "favours" labels fit
    numbers = pd.concat([pd.to_numeric(frame.loc[estimable, c], errors="coerce")
                         for c in (value, low, high) if c in frame])
    reach = float(numbers.abs().max()) if numbers.notna().any() else 1.0
    reach = max(reach, 0.1) * 1.12

    # one extra row at the bottom carries the "favours" labels, inside the plot
    # area so that no theme's axis fonts can push them onto the axis title
    height = 150 + _ROW_PX * (n_lines + 1)
    if total > MAX_FOREST_ROWS:
        note = (f"Showing the first {MAX_FOREST_ROWS} of {total} rows; "
                "the table lists every one.")
        title = f"{title}<br><sup>{note}</sup>" if title else note
    base_layout(fig, title=title, height=max(height, 320))
    fig.update_layout(
        margin=dict(l=10, r=30, t=70 if title else 40, b=70),
        meta={"rows": rows_meta, "rows_total": total},
        hovermode="closest",
    )
    fig.update_yaxes(tickvals=tickvals, ticktext=ticktext, range=[n_lines + 0.5, -0.6],
                     showgrid=False, zeroline=False, automargin=True, fixedrange=True,
                     ticks="", tickfont=dict(size=FONT_SIZE))
    fig.update_xaxes(range=[-reach, reach], zeroline=False, title=dict(text=x_title),
                     automargin=True)
    for hy in header_ys:  # a faint band behind each group header
        fig.add_shape(type="rect", xref="paper", x0=0, x1=1, y0=hy - 0.5, y1=hy + 0.5,
                      fillcolor="#F0F2F6", line_width=0, layer="below")
    fig.add_vline(x=0, line=dict(color="#444444", width=1.5, dash="dash"))
    left, right = favours
    for text, anchor in ((f"← favours {left}", "right"), (f"favours {right} →", "left")):
        fig.add_annotation(
            x=0, xref="x", y=n_lines, yref="y", yanchor="middle",
            xanchor=anchor, xshift=-8 if anchor == "right" else 8, showarrow=False,
            text=text, font=dict(size=FONT_SIZE - 1, color="#555555"),
        )
    return fig
