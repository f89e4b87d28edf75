"""Log-axis ticks chosen for the axis' drawn length (issue 17 item 7: slides at 720 lines)."""

from __future__ import annotations

import numpy as np
import pytest

from msc_dash import load_sample
from msc_dash.charts import build
from msc_dash.figures.legible import legible
from msc_dash.figures.log_axis import _axis_values, fit_log_axes, log_ticks_for_length
from msc_dash.settings import AnalysisSettings


def _gaps_px(ticks, lo, hi, length_px):
    span = np.log10(hi / lo) * 1.1  # the axis' range with autorange's padding
    return np.diff(np.log10(ticks)) * length_px / span


@pytest.mark.parametrize("lo, hi", [(6.8, 12.4), (3.1, 480.0), (0.8, 1.3), (15.0, 95.0),
                                    (120.0, 9000.0)])
@pytest.mark.parametrize("length_px", [120, 180, 300, 600])
def test_ticks_stay_two_font_sizes_apart_and_span_the_data(lo, hi, length_px):
    ticks = log_ticks_for_length([lo, hi], length_px, font_px=20)
    assert len(ticks) >= 2
    assert all(lo <= t <= hi for t in ticks)
    assert _gaps_px(ticks, lo, hi, length_px).min() >= 40 - 1e-9, ticks
    # no half of the range without a label: the ticks cover most of it
    assert np.log10(ticks[-1] / ticks[0]) >= 0.4 * np.log10(hi / lo), ticks


def test_a_longer_axis_gets_at_least_as_many_ticks():
    counts = [len(log_ticks_for_length([6.8, 12.4], px)) for px in (120, 200, 400, 800)]
    assert counts == sorted(counts) and counts[-1] > counts[0]


def test_trajectory_slide_of_the_timed_walk_is_labelled_legibly_at_720_lines():
    # the defect: 7, 7.5, ... 10 on a ~200 px axis at 20 px (labels on top of each other)
    trial = load_sample()
    fig = legible(build("trajectory", trial, AnalysisSettings(n_boot=50), outcome="T25FW"),
                  base=22)
    values = [v for v in _axis_values(fig, "y") if np.isfinite(v) and v > 0]
    lo, hi = min(values), max(values)
    height = 200  # the plot area of the chart on a 1280 x 720 slide
    before = np.asarray(fig.layout.yaxis.tickvals)
    assert _gaps_px(before, lo, hi, height).min() < 40  # crowded as the app draws it
    fit_log_axes(fig, height_px=height, font_px=20)
    ticks = np.asarray(fig.layout.yaxis.tickvals)
    assert _gaps_px(ticks, lo, hi, height).min() >= 40, ticks
    assert ticks.max() > 10 and list(fig.layout.yaxis.ticktext) == [f"{t:g}" for t in ticks]
    assert fig.layout.yaxis.type == "log"


def test_values_are_read_from_a_figure_that_went_through_a_cache():
    # st.cache_data pickles figures: numpy arrays come back base64-encoded
    import pickle

    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(y=np.array([3.0, 40.0]), error_y=dict(array=np.array([1.0, 5.0]))))
    fig = pickle.loads(pickle.dumps(fig))
    assert sorted(_axis_values(fig, "y")) == [2.0, 3.0, 4.0, 35.0, 40.0, 45.0]
