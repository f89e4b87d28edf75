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
        colour_values = frame[color_col].astype(str)
    else:
        colours_in, colour_values = [""], pd.Series("", index=frame.index)
    colours = dict(arm_colors) if arm_colors else _arm_colors(colours_in)
    if "estimable" in frame:
        estimable = frame["estimable"].fillna(False).astype(bool)
    else:
        estimable = pd.Series(True, index=frame.index)
    estimable &= pd.to_numeric(frame[value], errors="coerce").notna()
    rows = _Rows(frame, label_col, group_col, n_col, labels, colour_values,
                 {c: k for k, c in enumerate(colours_in)}, estimable)
    hovers = {i: _hover(frame, i, value=value, low=low, high=high, label_col=label_col,
                        n_col=n_col, labels=labels,
                        colour=colour_values.at[i] if len(colours_in) > 1 else None,
                        estimable=bool(estimable[i]), x_title=x_title)
              for i in frame.index}
    fig = new_figure()
    _add_estimates(fig, frame, value, low, high, estimable, colour_values, colours_in, colours,
                   rows.y_of, hovers)
    _add_not_estimable(fig, frame, value, estimable, rows.y_of, hovers)
    if total > MAX_FOREST_ROWS:
        note = (f"Showing the first {MAX_FOREST_ROWS} of {total} rows; "
                "the table lists every one.")
        title = f"{title}<br><sup>{note}</sup>" if title else note
    _forest_layout(fig, rows, title=title, total=total, x_title=x_title, favours=favours,
                   reach=_reach(frame, estimable, (value, low, high)))
    return fig


class _Rows:
    """Where each row of a forest sits: y per frame index, the ticks and the headers."""

    def __init__(self, frame, label_col, group_col, n_col, labels, colour_values,
                 colour_rank, estimable):
        self.y_of: dict[int, float] = {}
        self.header_ys: list[float] = []
        self.tickvals: list[float] = []
        self.ticktext: list[str] = []
        self.meta: list[tuple] = []
        y = 0.0
        for group in _groups(frame, group_col):
            in_group = frame.index if group is None else frame.index[frame[group_col] == group]
            if group is not None:
                self.header_ys.append(y)
                self._tick(y, f"<b>{html.escape(_group_title(group))}</b>")
                y += 1
            by_label = frame.loc[in_group].groupby(label_col, sort=False, dropna=False).groups
            for lab, members in by_label.items():
                idx = sorted(members, key=lambda i: colour_rank.get(colour_values.at[i], 0))
                offsets = [(k - (len(idx) - 1) / 2) * _ARM_DODGE for k in range(len(idx))]
                for i, off in zip(idx, offsets, strict=True):
                    self.y_of[i] = y + off
                    self.meta.append((group, lab, colour_values.at[i]))
                text = html.escape(str(labels.get(lab, lab)))
                if n_col and n_col in frame:
                    ns = [frame.at[i, n_col] for i in idx]
                    ns = "/".join(str(int(n)) if not math.isnan(_num(n)) else "?" for n in ns)
                    text += f" (n={ns})"
                if not any(estimable[i] for i in idx):
                    text = f'<span style="color:{NOT_ESTIMABLE_COLOR}">{text}</span>'
                self._tick(y, text)
                y += 1
        self.n_lines = max(int(y), 1)

    def _tick(self, y: float, text: str) -> None:
        self.tickvals.append(y)
        self.ticktext.append(text)


def _groups(frame: pd.DataFrame, group_col: str | None) -> list:
    """Group order: registry domains first, then others as they appear ([None]: no groups)."""
    if not (group_col and group_col in frame):
        return [None]
    seen = list(pd.unique(frame[group_col]))
    return [g for g in DOMAINS if g in seen] + [g for g in seen if g not in DOMAINS]


def _hover(frame: pd.DataFrame, i, *, value, low, high, label_col, n_col, labels,
           colour: str | None, estimable: bool, x_title: str) -> str:
    """Hover text of row ``i``: label (and colour value), visit, estimate or note, n, p."""
    name = labels.get(frame.at[i, label_col], frame.at[i, label_col])
    parts = [f"<b>{html.escape(str(name))}</b>"]
    if colour is not None:
        parts[0] += f" · {html.escape(colour)}"
    if "visit" in frame:
        parts.append(f"visit: {html.escape(str(frame.at[i, 'visit']))}")
    short = x_title.split(" (")[0]
    if estimable:
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


def _add_estimates(fig, frame, value, low, high, estimable, colour_values, colours_in,
                   colours, y_of, hovers) -> None:
    """One marker trace with horizontal error bars per colour value."""
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
            hovertext=[hovers[i] for i in idx], hovertemplate="%{hovertext}<extra></extra>",
            showlegend=len(colours_in) > 1,
        ))


def _add_not_estimable(fig, frame, value, estimable, y_of, hovers) -> None:
    """Grey crosses at the estimate (or zero) of rows that could not be estimated."""
    bad = [i for i in frame.index if not estimable[i]]
    if not bad:
        return
    xs = [_num(frame.at[i, value]) for i in bad]
    fig.add_trace(go.Scatter(
        x=[0.0 if math.isnan(x) else x for x in xs], y=[y_of[i] for i in bad],
        mode="markers", name="not estimable",
        marker=dict(size=11, color=NOT_ESTIMABLE_COLOR, symbol="x-thin-open",
                    line=dict(width=2, color=NOT_ESTIMABLE_COLOR)),
        hovertext=[hovers[i] for i in bad], hovertemplate="%{hovertext}<extra></extra>",
        showlegend=True,
    ))


def _reach(frame: pd.DataFrame, estimable: pd.Series, columns) -> float:
    """Half-width of a symmetric x range: zero in the middle, both "favours" labels fit."""
    numbers = pd.concat([pd.to_numeric(frame.loc[estimable, c], errors="coerce")
                         for c in columns if c in frame])
    reach = float(numbers.abs().max()) if numbers.notna().any() else 1.0
    return max(reach, 0.1) * 1.12


def _forest_layout(fig: go.Figure, rows: _Rows, *, title, total: int, x_title: str,
                   favours: Sequence[str], reach: float) -> None:
    """Height, axes, the group bands, the zero line and the "favours" labels."""
    # one extra row at the bottom carries the "favours" labels, inside the plot
    # area so that no theme's axis fonts can push them onto the axis title
    n_lines = rows.n_lines
    height = 150 + _ROW_PX * (n_lines + 1)
    base_layout(fig, title=title, height=max(height, 320))
    fig.update_layout(
        margin=dict(l=10, r=30, t=70 if title else 40, b=70),
        meta={"rows": rows.meta, "rows_total": total},
        hovermode="closest",
    )
    fig.update_yaxes(tickvals=rows.tickvals, ticktext=rows.ticktext,
                     range=[n_lines + 0.5, -0.6], showgrid=False, zeroline=False,
                     automargin=True, fixedrange=True, ticks="", tickfont=dict(size=FONT_SIZE))
    fig.update_xaxes(range=[-reach, reach], zeroline=False, title=dict(text=x_title),
                     automargin=True)
    for hy in rows.header_ys:  # a faint band behind each group header
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
