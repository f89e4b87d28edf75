"""Shared look of every figure: colour-blind-safe colours, projector-size type."""

from __future__ import annotations

import plotly.graph_objects as go

__all__ = ["OKABE_ITO", "arm_colors", "base_layout", "new_figure", "build_figure", "TEMPLATE",
           "STATUS_COLORS", "SEVERITY_COLORS"]

#: Okabe-Ito palette (colour-blind safe), black omitted.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
             "#F0E442", "#000000")

#: improved / stable / worsened
STATUS_COLORS = {"improved": "#009E73", "stable": "#BBBBBB", "worsened": "#D55E00",
                 "unknown": "#888888"}
SEVERITY_COLORS = {"mild": "#56B4E9", "moderate": "#E69F00", "severe": "#D55E00",
                   "life-threatening": "#CC79A7", "fatal": "#000000", "unknown": "#999999"}

FONT_SIZE = 16

_GRID = "#EBF0F8"
_AXIS = dict(gridcolor=_GRID, linecolor=_GRID, zerolinecolor=_GRID, zerolinewidth=2,
             ticks="", automargin=True, title=dict(standoff=15))
#: The layout part of plotly's "plotly_white" with the Okabe-Ito colorway. Plotly's own
#: template also carries defaults for every trace type (colorscales for 3-D, maps,
#: ...): copying it costs ~10 ms per figure, which a page with 16 charts pays on
#: every filter change.
TEMPLATE = go.layout.Template(layout=dict(
    paper_bgcolor="white", plot_bgcolor="white", colorway=list(OKABE_ITO),
    font=dict(color="#2a3f5f"), hovermode="closest", hoverlabel=dict(align="left"),
    xaxis=_AXIS, yaxis=_AXIS, title=dict(x=0.05),
    annotationdefaults=dict(arrowcolor="#2a3f5f", arrowhead=0, arrowwidth=1),
    shapedefaults=dict(line=dict(color="#2a3f5f"))))


def new_figure(*traces) -> go.Figure:
    """An empty figure on :data:`TEMPLATE` (cheaper than ``go.Figure()``'s default template).

    Examples
    --------
    >>> new_figure().layout.template.layout.paper_bgcolor
    'white'
    """
    return go.Figure(data=list(traces), layout=dict(template=TEMPLATE))


def arm_colors(arms) -> dict[str, str]:
    """One fixed colour per arm, by position (the same arm list gives the same colours).

    Examples
    --------
    >>> arm_colors(["MSC", "Placebo"])
    {'MSC': '#0072B2', 'Placebo': '#E69F00'}
    """
    return {arm: OKABE_ITO[i % len(OKABE_ITO)] for i, arm in enumerate(arms)}


_SUB_WIDTH = 44  # characters of a subtitle line: fits a 40%-wide chart at 1280 px
_HEAD_WIDTH = 38  # characters of a title line: fits a half-wide chart at 1280 px


def _wrap_head(head: str) -> tuple[str, int]:
    """A long first title line broken after its "label:" (or its last space that fits)."""
    first, sep, rest = head.partition("<br>")
    if len(first) <= _HEAD_WIDTH or " " not in first:
        return head, 0
    colon = first.find(": ")
    cut = colon + 1 if 0 < colon < _HEAD_WIDTH else first.rfind(" ", 0, _HEAD_WIDTH + 1)
    if cut <= 0:
        return head, 0
    return first[:cut] + "<br>" + first[cut:].lstrip() + sep + rest, 1


def title_pad(size: float, extra: int) -> int:
    """Top pad of a title hung from the top with ``extra`` lines below its first.

    plotly's ``yanchor="top"`` places the first line as if it were the only
    one, so the lines under it push it out of the image unless padded.

    Examples
    --------
    >>> title_pad(18, 0), title_pad(24, 2)
    (12, 31)
    """
    return 12 + round(0.4 * size * extra)


def wrap_title(title: str | None) -> tuple[str | None, int]:
    """``title`` with a long first line and its ``<sup>`` subtitle broken into short lines;
    and the lines added (a title line counts as two subtitle lines).

    Examples
    --------
    >>> wrap_title("Responders at Month 12<br><sup>improved / stable / worsened by each "
    ...            "outcome's rule</sup>")
    ("Responders at Month 12<br><sup>improved / stable / worsened by each</sup><br><sup>outcome's rule</sup>", 1)
    >>> wrap_title("Symbol Digit Modalities Test: baseline vs Month 12")
    ('Symbol Digit Modalities Test:<br>baseline vs Month 12', 2)
    """
    if not title:
        return title, 0
    title, head_lines = _wrap_head(title)
    if "<sup>" not in title or "</sup>" not in title:
        return title, 2 * head_lines
    head, rest = title.split("<sup>", 1)
    sub, tail = rest.split("</sup>", 1)
    lines, line = [], ""
    for word in sub.split(" "):
        if line and len(line) + 1 + len(word) > _SUB_WIDTH:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return (head + "<br>".join(f"<sup>{x}</sup>" for x in lines) + tail,
            len(lines) - 1 + 2 * head_lines)


def _base(title: str | None, height: int) -> dict:
    return dict(
        template=TEMPLATE,
        title=dict(text=title, x=0, xanchor="left", font=dict(size=FONT_SIZE + 4))
        if title else None,
        font=dict(size=FONT_SIZE, family="Source Sans Pro, Arial, sans-serif"),
        height=height,
        margin=dict(l=70, r=30, t=70 if title else 40, b=60),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1),
        hoverlabel=dict(font=dict(size=FONT_SIZE - 2)),
    )


def build_figure(traces, layout: dict | None = None, *, title: str | None = None,
                 height: int = 460, legend_below: int | None = None) -> go.Figure:
    """One figure from its traces and layout, in the shared style, built in one step.

    The same look as :func:`base_layout`, but plotly validates the layout once
    instead of once per update (a figure costs ~1 ms instead of ~10 ms).
    ``legend_below`` puts the legend at the foot, with that bottom margin (px).
    ``layout["margin"]`` entries override the default margins one by one.

    Examples
    --------
    >>> fig = build_figure([go.Bar(x=["a"], y=[1])], {"margin": {"b": 90}}, title="T")
    >>> fig.layout.title.text, fig.layout.margin.b, fig.layout.margin.l
    ('T', 90, 70)
    """
    title, extra = wrap_title(title)
    merged = _base(title, height)
    layout = dict(layout or {})
    if legend_below is not None:
        merged["legend"] = dict(orientation="h", x=0, xanchor="left", yref="container",
                                y=0.01, yanchor="bottom", **layout.pop("legend", {}))
        merged["margin"]["b"] = legend_below
    merged["margin"].update(layout.pop("margin", {}))
    if extra:  # hang the title from the top, with room for the subtitle's extra lines
        merged["margin"]["t"] += 16 * extra
        merged["title"].update(yref="container", y=1, yanchor="top",
                               pad=dict(t=title_pad(FONT_SIZE + 4, extra)))
    merged.update(layout)
    return go.Figure(data=list(traces), layout=merged)


def base_layout(fig: go.Figure, *, title: str | None = None, height: int = 460) -> go.Figure:
    """Apply the shared template: white background, large type, legend on top."""
    layout = _base(title, height)
    if tuple(fig.layout.template.layout.colorway or ()) == OKABE_ITO:
        del layout["template"]  # new_figure() set it: copying it again costs ~7 ms
    fig.update_layout(**layout)
    return fig
