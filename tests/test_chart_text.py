"""Charts built once and readable without sight: text alternatives, data tables, the
figure-dict fast path of msc_dash.ui.charts (docs/architecture.md, "The chart registry")."""

from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.tools import return_figure_from_figure_or_data
from streamlit.testing.v1 import AppTest

from msc_dash.figures import text
from msc_dash.ui.charts import FigureSpec, build_spec

ROOT = Path(__file__).resolve().parents[1]


def _forest() -> go.Figure:
    return go.Figure(
        go.Scatter(x=[0.25, -0.05], y=["T25FW", "EDSS"], mode="markers", name="All",
                   error_x={"type": "data", "array": [0.23, 0.18],
                            "arrayminus": [0.19, 0.20]}),
        layout={"title": {"text": "Effect sizes at Month 12"},
                "xaxis": {"title": {"text": "Hedges' g"}}})


def test_describe_lists_each_point_with_its_interval():
    spec = json.loads(pio.to_json(_forest()))
    # point - arrayminus and point + array: 0.25 - 0.19, 0.25 + 0.23
    assert text.describe(spec) == ("Effect sizes at Month 12. All: T25FW 0.25 [0.06, 0.48], "
                                   "EDSS -0.05 [-0.25, 0.13].")


def test_describe_summarises_long_series_and_counts_subject_lines():
    lines = [go.Scatter(x=[0, 6], y=[9 + i, 8 + i], showlegend=False, name=f"P{i}")
             for i in range(20)]
    fig = go.Figure([*lines, go.Scatter(x=list(range(30)), y=list(range(30)), name="Mean")],
                    layout={"yaxis": {"title": {"text": "T25FW (s)"}}})
    out = text.describe(fig.to_dict(), "Trajectory")
    assert out == ("Trajectory. Mean: 30 points, T25FW (s) from 0 to 29, median 14.5. "
                   "and 20 individual lines.")


def test_data_table_has_one_row_per_point_and_the_interval():
    table = text.data_table(json.loads(pio.to_json(_forest())))
    assert list(table.columns) == ["series", "y", "Hedges' g", "low", "high"]
    assert table["y"].tolist() == ["T25FW", "EDSS"]
    assert table["low"].round(2).tolist() == [0.06, -0.25]
    assert table["high"].round(2).tolist() == [0.48, 0.13]


def test_data_table_is_cut_with_a_count():
    fig = go.Figure(go.Scatter(x=list(range(50)), y=list(range(50))))
    table = text.data_table(fig.to_dict(), max_rows=10)
    assert len(table) == 10 and table.attrs["cut"] == 40


def test_chart_spec_escapes_data_in_its_table():
    # plotly's own markup (<b>, <br>) is dropped, anything else escaped
    fig = go.Figure(go.Bar(x=["P1 <img src=x onerror=alert(1)>", "P2 & 'x'"], y=[1, 2],
                           name="<b>arm</b>"))
    made = build_spec(fig, "Responders <script>")
    assert "<img" not in made.table_html and "<b>" not in made.table_html
    assert "<script>" not in made.table_html and "&lt;script&gt;" in made.table_html
    assert "<td>P1</td>" in made.table_html and "P2 &amp; &#x27;x&#x27;" in made.table_html
    assert isinstance(made.spec, dict) and made.figure().data[0].y == (1, 2)


def test_streamlit_takes_the_figure_dict_as_it_is():
    # Streamlit 1.67's st.plotly_chart calls return_figure_from_figure_or_data(...,
    # validate_figure=True): a plain dict would be validated by building a go.Figure,
    # a BaseFigure is only asked for to_dict(). FigureSpec must stay on that path.
    spec = build_spec(_forest(), "Forest").spec
    assert return_figure_from_figure_or_data(FigureSpec(spec), True) is spec


def _page_with_spec():
    import json as json_

    import plotly.graph_objects as go_
    import streamlit as st

    from msc_dash.ui.charts import FigureSpec as Spec

    spec = json_.loads(go_.Figure(go_.Bar(x=["a"], y=[2])).to_json())

    def refuse(*args, **kwargs):
        raise AssertionError("go.Figure built while drawing a cached figure")

    original = go_.Figure.__init__
    go_.Figure.__init__ = refuse
    try:
        st.plotly_chart(Spec(spec), key="c", alt="A bar of 2")
    finally:
        go_.Figure.__init__ = original


def test_plotly_chart_draws_a_spec_without_building_a_figure():
    at = AppTest.from_function(_page_with_spec).run()
    assert not at.exception, [e.value for e in at.exception]
    proto = at.get("plotly_chart")[0].proto
    assert json.loads(proto.spec)["data"][0]["y"] == [2] or "bdata" in proto.spec
    assert proto.alt == "A bar of 2"


@pytest.mark.parametrize("page", ["pages/mobility.py", "pages/overview.py"])
def test_every_chart_on_a_page_has_alt_text_and_a_table(page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert charts
    alts = [c.proto.alt for c in charts]
    assert all(alts), alts
    # each chart's data table is in a closed expander under it, built when it is opened
    boxes = [e for e in at.expander if e.label.startswith("Chart data as a table: ")]
    assert len(boxes) == len(charts)
    assert not [h for h in at.get("html") if "msc-chart-data" in h.proto.body]
    keys = [k for k in at.session_state if str(k).endswith("__data")]
    assert len(keys) == len(charts), keys
    for key in keys:
        at.session_state[key] = True
    at.run()
    tables = [h for h in at.get("html") if "msc-chart-data" in h.proto.body]
    assert len(tables) == len(charts)
    assert all("<caption>" in t.proto.body and "<th scope='col'>" in t.proto.body
               for t in tables)
