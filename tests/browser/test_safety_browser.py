"""The Safety and Patients pages in a real browser: the headline and charts draw."""

import pytest
from conftest import assert_no_exception, wait_for_app, wait_for_charts

pytestmark = pytest.mark.browser


def test_safety_page_shows_headline_and_charts(page, app_url):
    page.goto(f"{app_url}/safety")
    wait_for_app(page, timeout=120_000)
    assert wait_for_charts(page, minimum=2, timeout=60_000) >= 2  # timeline and swimmer
    assert_no_exception(page)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "0 serious adverse events in 23 subjects" in body
    assert "Adverse events by body system and term" in body
    # the swimmer plot labels its subjects
    assert "P01" in page.locator(".js-plotly-plot").last.inner_text()


def test_patients_page_draws_and_next_moves_on(page, app_url):
    page.goto(f"{app_url}/patients")
    wait_for_app(page, timeout=120_000)
    assert wait_for_charts(page, minimum=2, timeout=60_000) >= 2  # timeline and outcomes
    assert_no_exception(page)
    main = page.locator("[data-testid='stMain']")
    assert "Subject P01" in main.inner_text()
    page.get_by_role("button", name="Next ▶").click()
    wait_for_app(page)
    page.get_by_text("Subject P02").first.wait_for(timeout=30_000)
    wait_for_charts(page, minimum=2, timeout=60_000)
    assert_no_exception(page)
