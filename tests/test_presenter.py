"""Presenter mode in Streamlit's AppTest: ?present=1, walking every slide, contrast, exit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def needs_sample():
    from msc_dash.errors import TrialDataError

    try:
        from msc_dash.io import load_sample

        load_sample()
    except (TrialDataError, ImportError) as exc:
        pytest.skip(f"the bundled sample trial is not available: {exc}")


def _app():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


def _counter(at) -> tuple[int, int]:
    for el in at.get("html"):
        m = re.search(r'class="slide-counter">(\d+) / (\d+)<', el.proto.body)
        if m:
            return int(m.group(1)), int(m.group(2))
    raise AssertionError("no slide counter on the page")


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _present(**params):
    at = _app()
    at.query_params["present"] = "1"
    for name, value in params.items():
        at.query_params[name] = str(value)
    at.run()
    return at


def test_present_param_renders_every_slide(needs_sample):
    # AppTest runs the page file directly on a rerun that follows a run which
    # stopped before page.run(), so each slide gets its own fresh AppTest;
    # clicking Next/Previous is covered by tests/browser/test_presenter_report.py.
    at = _present()
    assert not at.exception
    assert at.session_state["presenter_mode"] is True
    assert [t.value for t in at.sidebar.toggle if t.label == "Presenter mode"] == [True]
    first, total = _counter(at)
    assert first == 1 and total >= 5
    assert _button(at, "◀ Previous").disabled and not _button(at, "Next ▶").disabled
    titles = [at.title[0].value]
    for k in range(2, total + 1):
        at = _present(slide=k)
        assert not at.exception, f"slide {k}: {at.exception}"
        assert _counter(at) == (k, total)
        assert at.query_params["slide"] in (str(k), [str(k)])
        titles.append(at.title[0].value)
    assert _button(at, "Next ▶").disabled
    assert len(set(titles)) == total
    assert titles[1].startswith("Effect sizes at")
    # the overview's findings, one per screen, then each domain's main chart
    assert sum(" at " in t for t in titles[2:]) >= 3
    assert sum("over time" in t for t in titles) >= 3


def test_next_callback_moves_one_slide(needs_sample):
    at = _present(slide=2)
    _button(at, "Next ▶").click()
    at.run()
    assert at.session_state["presenter_slide"] == 2  # 0-based: the third slide


def test_slide_param_is_clamped(needs_sample):
    at = _present(slide=999)
    assert not at.exception
    k, total = _counter(at)
    assert k == total
    at = _present(slide="abc")
    assert not at.exception and _counter(at)[0] == 1


def test_slide_param_and_contrast(needs_sample):
    at = _app()
    at.query_params["present"] = "1"
    at.query_params["slide"] = "2"
    at.query_params["contrast"] = "high"
    at.run()
    assert not at.exception
    assert _counter(at)[0] == 2
    assert at.session_state["presenter_contrast"] is True
    css = " ".join(el.proto.body for el in at.get("html"))
    assert "background: #000" in css
    chart = at.get("plotly_chart")[0].proto.spec
    assert '"paper_bgcolor":"#000000"' in chart.replace(" ", "")
    _button(at, "Normal contrast").click().run()
    assert at.session_state["presenter_contrast"] is False


def test_presenter_css_hides_sidebar_and_toolbar(needs_sample):
    at = _present()
    css = " ".join(el.proto.body for el in at.get("html"))
    assert '[data-testid="stSidebar"]' in css and '[data-testid="stToolbar"]' in css
    assert "display: none !important" in css
    assert "background: #000" not in css  # high contrast only on request


def test_exit_returns_to_the_app(needs_sample):
    at = _app()
    at.query_params["present"] = "1"
    at.run()
    _button(at, "Exit presenter mode").click().run()
    assert not at.exception
    assert at.session_state["presenter_mode"] is False
    assert "present" not in at.query_params
    assert not [el for el in at.get("html") if "slide-counter" in el.proto.body]
    at = _app()
    at.run()  # a fresh session without ?present=1 shows the app, not slides
    assert not at.exception
    assert not [el for el in at.get("html") if "slide-counter" in el.proto.body]
    assert [t.value for t in at.sidebar.toggle if t.label == "Presenter mode"] == [False]
