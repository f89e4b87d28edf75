"""Global filters in a real browser: a filter set on one page holds on every page, and
the address (copied into a fresh session) reopens the same view."""

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from conftest import assert_no_exception, start_app, wait_for_app, wait_for_charts

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SIDEBAR = "[data-testid='stSidebar']"


@pytest.fixture(scope="module")
def counts():
    path = ROOT / "sample_data" / "subjects.csv"
    if not path.is_file():
        pytest.skip("sample data not generated (make sample)")
    s = pd.read_csv(path)
    return len(s), int((s.ms_type == "SPMS").sum())


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar multiselect labelled ``label``."""
    box = page.locator(f"{SIDEBAR} [data-testid='stMultiSelect']").filter(has_text=label)
    box.locator("input").click()
    page.keyboard.type(option)
    choice = page.get_by_role("option", name=option).first
    choice.wait_for(timeout=30_000)
    choice.click()
    page.keyboard.press("Escape")
    wait_for_app(page)


def _sidebar(page) -> str:
    return page.inner_text(SIDEBAR)


def _wait_sidebar(page, text: str) -> None:
    """Wait until the sidebar shows ``text`` (the first run of a cold server is slow)."""
    page.wait_for_function(
        f"() => document.querySelector(\"{SIDEBAR}\") && document.querySelector("
        f"\"{SIDEBAR}\").innerText.includes({text!r})", timeout=90_000)
    wait_for_app(page)


def _go(page, title: str) -> None:
    """Move to another page through the sidebar navigation (same session)."""
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first.click()
    page.wait_for_function(
        f"() => document.querySelector('h1') && document.querySelector('h1').innerText"
        f".toLowerCase().includes({title.lower()!r})", timeout=60_000)
    wait_for_app(page)


def test_filter_holds_across_pages_and_in_the_link(page, browser, app_url, counts):
    total, spms = counts
    page.goto(f"{app_url}/")
    _wait_sidebar(page, f"Showing {total} of {total} subjects")

    _choose(page, "MS type", "SPMS")
    line = f"Showing {spms} of {total} subjects"
    _wait_sidebar(page, line)
    assert "MS type: SPMS" in _sidebar(page)
    assert_no_exception(page)
    assert f"{spms} subjects" in page.inner_text("[data-testid='stMain']")  # overview header

    for title in ("Subgroups", "Mobility", "Arms", "Overview"):
        _go(page, title)
        assert_no_exception(page)
        text = _sidebar(page)
        assert line in text and "MS type: SPMS" in text, (title, text)
    _go(page, "Subgroups")
    wait_for_charts(page, 1)

    url = page.url
    params = parse_qs(urlparse(url).query)
    assert params["f.ms_type"] == ["SPMS"], url
    assert urlparse(url).path.endswith("/subgroups")

    other = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        fresh = other.new_page()
        fresh.goto(url)
        _wait_sidebar(fresh, line)
        fresh.wait_for_function("() => document.querySelector('h1')", timeout=60_000)
        assert "subgroups" in fresh.inner_text("h1").lower()
        assert line in _sidebar(fresh) and "MS type: SPMS" in _sidebar(fresh)
        assert_no_exception(fresh)
    finally:
        other.close()


def test_reset_and_bad_link(page, app_url, counts):
    total, _ = counts
    page.goto(f"{app_url}/?f.ms_type=SPMS&f.nonsense=1&visit=Week%2099")
    _wait_sidebar(page, "MS type: SPMS")
    text = _sidebar(page)
    assert "no such subject variable" in text and "Week 99" in text
    assert f"of {total} subjects" in text and "MS type: SPMS" in text
    page.locator(SIDEBAR).get_by_role("button", name="Reset filters").click()
    wait_for_app(page)
    _wait_sidebar(page, f"Showing {total} of {total} subjects")
    assert "f.ms_type" not in page.url
    assert_no_exception(page)


def test_shared_link_is_the_first_request_to_a_fresh_server(page, counts):
    """Streamlit runs a deep link on a fresh server without app.py (pages/ exists);
    state.require_trial reruns it through app.py, so the link still opens its view."""
    total, spms = counts
    proc, url = start_app()
    try:
        page.goto(f"{url}/subgroups?data=single&f.ms_type=SPMS")
        _wait_sidebar(page, f"Showing {spms} of {total} subjects")
        page.wait_for_function("() => document.querySelector('h1')", timeout=60_000)
        assert "subgroups" in page.inner_text("h1").lower()
        assert_no_exception(page)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
