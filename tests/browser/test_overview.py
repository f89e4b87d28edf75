"""The Overview in a real browser: it draws, and the chosen visit survives page switches."""

from pathlib import Path

import pytest
from conftest import assert_no_exception, wait_for_app, wait_for_charts

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")


def _select_visit(page, label_start: str) -> None:
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Visit").first
    box.click()
    page.get_by_role("option").filter(has_text=label_start).first.click()
    wait_for_app(page)


def _visit_shown(page) -> str:
    """The visit selectbox's label and value (the value may sit in its text input)."""
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Visit").first
    inputs = box.locator("input")
    values = [inputs.nth(i).input_value() for i in range(inputs.count())]
    return " ".join([box.inner_text(), *values])


def test_overview_draws_forest_cards_and_findings(page, app_url):
    page.goto(app_url)
    wait_for_app(page, timeout=120_000)
    wait_for_charts(page, minimum=1, timeout=60_000)
    assert_no_exception(page)
    main = page.locator("[data-testid='stMain']")
    body = main.inner_text()
    assert "Overview" in body and "Findings" in body and "Effect table" in body
    assert "Serious adverse events" in body
    # the forest plot's labels are drawn
    svg = page.locator(".js-plotly-plot").first.inner_text()
    # rows named by the registry label, not the code (issue 17 item 7)
    assert "Timed 25-Foot Walk" in svg and "favours improvement" in svg
    # the whole page, for a human to look at
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1440, "height": min(int(height) + 50, 6000)})
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)


def test_visit_choice_survives_a_page_switch(page, app_url):
    page.goto(app_url)
    wait_for_app(page, timeout=120_000)
    _select_visit(page, "Post-injection 1")
    assert "Post-injection 1" in _visit_shown(page)
    assert "Effect sizes at Post-injection 1" in page.locator("[data-testid='stMain']").inner_text()
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text="Mobility").first.click()
    wait_for_app(page)
    assert_no_exception(page)
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text="Overview").first.click()
    page.get_by_text("Effect sizes at").first.wait_for(timeout=60_000)  # the Overview drew
    wait_for_app(page)
    assert "Post-injection 1" in _visit_shown(page)
