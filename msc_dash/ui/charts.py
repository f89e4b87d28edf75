"""One cached way to draw any chart of the registry, with its export buttons.

::

    from msc_dash.ui.charts import chart
    chart("trajectory", trial, settings, key="mobility_T25FW_traj", outcome="T25FW")

The figure is built by :data:`msc_dash.charts.CHARTS` once per chart name,
trial key, settings and parameters (an in-memory LRU of :class:`ChartSpec`:
the figure's JSON dict, its text alternative and data table) and drawn
by :func:`msc_dash.ui.export_widgets.chart` with its "Download" menu (PNG / SVG /
HTML) and its data table in an expander (both built only when opened).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

import pandas as pd
import plotly.io as pio
import streamlit as st
from plotly.basedatatypes import BaseFigure

from ..charts import CHARTS
from ..figures import text as figure_text
from ..memo import LRU
from ..settings import AnalysisSettings
from ..trial import Trial
from . import export_widgets, state
from .text import md_escape

__all__ = ["chart", "figure", "page_chart", "data_table", "ChartSpec", "FigureSpec"]

#: Rows of the data table under a chart (screen readers; the CSV downloads hold all rows).
TABLE_ROWS = 300


@dataclass(frozen=True)
class ChartSpec:
    """What a chart needs on screen, built once: the figure as a plain dict, its text.

    ``spec`` is the figure's JSON form (``json.loads(fig.to_json())``: lists,
    strings and plotly's typed arrays), cheap to cache and to copy, drawn
    without rebuilding a ``go.Figure``; ``alt`` the chart's text alternative
    (title and key numbers), ``table_html`` its data as an HTML table (shown
    in an expander under the chart, :func:`data_table`).
    """

    spec: dict
    alt: str
    table_html: str

    def figure(self):
        """The ``go.Figure`` (built on demand, e.g. for a PNG export)."""
        import plotly.graph_objects as go

        return go.Figure(self.spec)


class FigureSpec(BaseFigure):
    """A ready figure dict that ``st.plotly_chart`` draws as it is.

    Streamlit (1.67) turns a ``BaseFigure`` into a dict with ``to_dict()``
    and then to JSON without validating it; a plain dict would instead be
    validated by building a ``go.Figure`` (the cost this avoids). So this
    subclass skips ``BaseFigure.__init__`` and hands out the dict.
    tests/test_chart_text.py fails when Streamlit stops taking this path.
    """

    def __init__(self, spec: dict):  # noqa: D107 - no BaseFigure state on purpose
        object.__setattr__(self, "_spec", spec)

    def to_dict(self) -> dict:
        return self._spec

    def __reduce__(self):  # picklable like the dict it holds
        return (FigureSpec, (self._spec,))


def _table_html(table: pd.DataFrame, title: str) -> str:
    if table.empty or len(table.columns) < 2:
        return ""
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in table.columns)
    rows = []
    for row in table.itertuples(index=False):
        cells = "".join(f"<td>{html.escape(figure_text._num(v))}</td>" for v in row)
        rows.append(f"<tr>{cells}</tr>")
    cut = table.attrs.get("cut", 0)
    note = f"<p>First {len(table)} rows; {cut} more are in the chart.</p>" if cut else ""
    return (f"<div class='msc-chart-data'><table><caption>{html.escape(title)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{note}"
            f"</div>")


def data_table(made: ChartSpec, title: str, key: str) -> None:
    """The chart's data as a table, in a collapsed expander built only when opened.

    A page of a dozen charts would otherwise send (and the browser parse) a
    dozen tables of up to :data:`TABLE_ROWS` rows on every change of page;
    a screen reader reaches the table by opening the expander, named after
    the chart.
    """
    if not made.table_html:
        return
    with st.expander(f"Chart data as a table: {md_escape(title)}", key=f"{key}__data",
                     on_change="rerun") as box:
        if box.open:
            st.html(made.table_html)


def build_spec(fig, title: str) -> ChartSpec:
    """A :class:`ChartSpec` of ``fig`` (its JSON dict, text alternative and data table)."""
    spec = json.loads(pio.to_json(fig, validate=False))
    table = figure_text.data_table(spec, max_rows=TABLE_ROWS)
    return ChartSpec(spec, figure_text.describe(spec, title), _table_html(table, title))


#: Chart specs kept per server process (least recently used dropped first).
MAX_SPECS = 512
_specs = LRU(MAX_SPECS)


def _figure(name: str, trial_key: str, settings: AnalysisSettings, params: tuple,
            _trial: Trial) -> ChartSpec | None:
    # Kept in memory as they are: no pickling on every rerun (st.cache_data would
    # copy each spec), and nothing is hashed but this small key. Specs are shared
    # and never changed in place; the trial key holds the data fingerprint.
    def make() -> ChartSpec | None:
        fig = CHARTS[name].build(_trial, settings, **dict(params))
        return None if fig is None else build_spec(
            fig, CHARTS[name].describe(settings, **dict(params))[0])
    return _specs.get((name, trial_key, settings, params), make)


def page_chart(build, *, key: str, memo: tuple, title: str, downloads: bool = True,
               **plotly_kwargs) -> ChartSpec | None:
    """Draw a page's own figure (one not in the chart registry) like :func:`chart`.

    ``build()`` makes the ``go.Figure`` (or None); it runs once per ``key``
    and ``memo`` (hashable values the figure depends on: the trial's cache
    key, the numbers typed in), and the figure is then kept as its JSON dict
    with its text alternative and data table, drawn with its "Download" menu.
    """
    def make() -> ChartSpec | None:
        fig = build()
        return None if fig is None else build_spec(fig, title)
    made = _specs.get(("page", key, memo), make)
    if made is None:
        return None
    export_widgets.chart(FigureSpec(made.spec), key=key, name=title, downloads=downloads,
                         alt=made.alt, figure=made.figure, title=title, **plotly_kwargs)
    data_table(made, title, key)
    return made


def clear() -> None:
    """Forget every chart spec."""
    _specs.clear()


def figure(name: str, trial: Trial, settings: AnalysisSettings | None = None, **params):
    """The cached :class:`ChartSpec` of chart ``name`` (None when there is nothing to draw).

    ``params`` must be hashable (tuples, not lists); ``.figure()`` gives the ``go.Figure``.
    """
    settings = settings or state.get_settings()
    return _figure(name, trial.cache_key, settings, tuple(sorted(params.items())), trial)


def export_context(trial: Trial, title: str = "", **params) -> str:
    """The trial, its filters and the visit, as the line under an exported figure's title.

    The visit is left out when ``title`` already names it.
    """
    from ..slides import describe_filters

    parts = [trial.source or "Trial"]
    if trial.filters:
        parts.append(f"subjects with {describe_filters(trial.filters)}")
    if params.get("visit") and str(params["visit"]) not in title:
        parts.append(str(params["visit"]))
    return " · ".join(parts)


def chart(name: str, trial: Trial, settings: AnalysisSettings | None = None, *, key: str,
          file_name: str | None = None, downloads: bool = True, theme=None, **params):
    """Draw chart ``name`` with its text alternative, data table and PNG / SVG / HTML buttons.

    Returns its :class:`ChartSpec` (or None when there is nothing to draw).

    Parameters
    ----------
    name : str
        A key of :data:`msc_dash.charts.CHARTS`.
    trial : Trial
    settings : AnalysisSettings, optional
        Default: the settings in force (sidebar).
    key : str
        Unique widget key of the chart.
    file_name : str, optional
        File name stem of the downloads (default: the chart's title).
    downloads : bool
        False draws the chart without its buttons.
    theme
        Passed to ``st.plotly_chart`` (default None: the figure's own template).
    **params
        The chart's parameters (``outcome``, ``visit``, ...).
    """
    settings = settings or state.get_settings()
    made = figure(name, trial, settings, **params)
    if made is None:
        return None
    title, _ = CHARTS[name].describe(settings, **params)
    export_widgets.chart(FigureSpec(made.spec), key=key, name=file_name or title,
                         downloads=downloads, theme=theme, alt=made.alt,
                         figure=made.figure, title=title,
                         context=export_context(trial, title, **params))
    data_table(made, title, key)
    return made
