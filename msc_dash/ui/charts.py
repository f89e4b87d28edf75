"""One cached way to draw any chart of the registry, with its export buttons.

::

    from msc_dash.ui.charts import chart
    chart("trajectory", trial, settings, key="mobility_T25FW_traj", outcome="T25FW")

The figure is built by :data:`msc_dash.charts.CHARTS` once per chart name,
trial key, settings and parameters (``st.cache_data``, memory only) and drawn
by :func:`msc_dash.ui.export_widgets.chart` with PNG / SVG / HTML downloads.
"""

from __future__ import annotations

import streamlit as st

from ..charts import CHARTS
from ..settings import AnalysisSettings
from ..trial import Trial
from . import export_widgets, state

__all__ = ["chart", "figure"]


@st.cache_data(show_spinner=False, max_entries=512)
def _figure(name: str, trial_key: str, settings: AnalysisSettings, params: tuple,
            _trial: Trial):
    # trial_key, settings and params key the cache; the trial itself is not hashed
    return CHARTS[name].build(_trial, settings, **dict(params))


def figure(name: str, trial: Trial, settings: AnalysisSettings | None = None, **params):
    """The cached figure of chart ``name`` (None when there is nothing to draw).

    ``params`` must be hashable (tuples, not lists).
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
    """Draw chart ``name`` with its PNG / SVG / HTML buttons; return its figure (or None).

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
    fig = figure(name, trial, settings, **params)
    if fig is None:
        return None
    title, _ = CHARTS[name].describe(settings, **params)
    export_widgets.chart(fig, key=key, name=file_name or title, downloads=downloads,
                         theme=theme, title=title, context=export_context(trial, title, **params))
    return fig
