"""Exported figures carry their title, trial and visit (they leave the page that explained them)."""

from __future__ import annotations

import plotly.graph_objects as go

import msc_dash
from msc_dash.charts import CHARTS
from msc_dash.export import figure_to_html, titled
from msc_dash.settings import AnalysisSettings
from msc_dash.ui.charts import export_context


def test_titled_heads_a_copy_and_keeps_an_own_title():
    fig = go.Figure(go.Scatter(x=[1], y=[2]))
    out = titled(fig, "T25FW <trajectory>", "Trial A · Month 12")
    assert out.layout.title.text == "T25FW &lt;trajectory&gt;"
    assert out.layout.title.subtitle.text == "Trial A · Month 12"
    assert out.layout.margin.t >= 100
    assert fig.layout.title.text is None  # the page's figure is not changed
    own = go.Figure(layout=dict(title=dict(text="Own")))
    assert titled(own, "Other", "ctx").layout.title.text == "Own"


def test_chart_export_names_trial_filters_and_visit():
    trial = msc_dash.load_sample("two_arm").filter(ms_type=["SPMS"])
    settings = AnalysisSettings(n_boot=100)
    title, _ = CHARTS["forest"].describe(settings, visit="Month 12")
    # the title says the visit already; the context line the trial and the filters
    assert export_context(trial, title, visit="Month 12") == (
        "Sample two-arm trial (simulated) · subjects with ms_type in {SPMS}")
    assert export_context(msc_dash.load_sample(), "Trajectory", visit="Month 6") == (
        "Sample trial (simulated, single arm) · Month 6")
    fig = CHARTS["forest"].build(trial, settings, visit="Month 12")
    page = figure_to_html(titled(fig, title, export_context(trial, title, visit="Month 12")))
    assert "Effect sizes at Month 12" in page and "subjects with ms_type in {SPMS}" in page
