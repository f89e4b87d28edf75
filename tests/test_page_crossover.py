"""The Crossover page on the crossover sample (AppTest)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from msc_dash.crossover import crossover
from msc_dash.io import load_sample
from msc_dash.tables import format_ci, format_p, sig

ROOT = Path(__file__).resolve().parents[1]


def _page(**state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["data_choice"] = "Sample crossover trial (simulated)"
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    at.switch_page("pages/crossover.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def page():
    return _page(outcome="NHPT")


def test_crossover_page_shows_estimates_and_carryover(page):
    r = crossover(load_sample("crossover"), "NHPT")
    labels = {m.label: m.value for m in page.metric}
    assert labels["Crossover (48 subjects)"] == f"{r.ratio:.3f}"
    # a bare 0.68 under "Carryover test" reads as an estimate: the label says it is a p
    assert labels["Carryover test (sequence), p"] == format_p(r.carryover_p)
    # NHPT: lower is better, and MSC is faster than sham (ratio < 1), so the g shown is
    # positive (favours MSC), as every effect size in the app; the model's own g is not
    assert r.ratio < 1 and r.hedges_g < 0
    assert labels["Hedges' g (within-subject)"] == sig(-r.hedges_g, 2, sign=True)
    assert any("positive favours MSC" in c.value for c in page.caption)
    assert not any("Possible carryover" in w.value for w in page.warning)
    assert len(page.get("plotly_chart")) == 3
    assert page.dataframe[0].value["Analysis"].tolist()[1] == "Period 1 only (parallel groups)"


def test_end_value_option():
    at = _page(outcome="EDSS", xo_response="end")
    r = crossover(load_sample("crossover"), "EDSS", response="end")
    shown = format_ci(r.estimate, r.ci_low, r.ci_high, sign=True, unit="points")
    assert at.metric[0].value == shown.split(" [")[0]
    assert any("difference of the end value" in m.value for m in at.markdown)


def test_page_code_reproduces_its_estimates(page):
    import pandas as pd

    assert not [c for c in page.code if "crossover(" in c.value]  # built when opened
    page.session_state["reproduce_crossover"] = True
    page.run()
    codes = [c.value for c in page.code if "crossover(" in c.value]
    page.session_state["reproduce_crossover"] = False
    page.run()
    assert len(codes) == 1
    assert 'load_sample("crossover")' in codes[0]
    namespace: dict = {}
    exec(compile(codes[0], "<reproduce>", "exec"), namespace)  # the generated code is the test
    result = namespace["result"]
    pd.testing.assert_frame_equal(result, crossover(load_sample("crossover"), "NHPT").table())
    shown = page.dataframe[0].value
    assert shown["n"].tolist() == result["n"].tolist()
    assert shown["p"].tolist() == [format_p(p) for p in result["p"]]
