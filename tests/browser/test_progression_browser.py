"""The Progression page in a real browser: both samples draw, the headline fits 1280 px,
and changing the confirmation period updates the page."""

import pytest
from conftest import assert_no_exception, wait_for_app, wait_for_charts

pytestmark = pytest.mark.browser

_OVERFLOW = """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""


def test_two_arm_progression_at_1280(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(f"{app_url}/progression?data=two_arm")
        wait_for_app(page, timeout=120_000)
        assert wait_for_charts(page, minimum=2, timeout=60_000) >= 2  # Kaplan-Meier, swimmer
        assert_no_exception(page)
        main = page.locator("[data-testid='stMain']").inner_text()
        assert "1 of 27 on MSC-NP vs 7 of 27 on Saline" in main
        assert "Number at risk" in page.locator(".js-plotly-plot").first.inner_text()
        assert "7 subject(s) worsened at a visit but have no confirmed event" in main
        assert page.evaluate(_OVERFLOW) == []
        page.get_by_text("24 weeks", exact=True).click()
        wait_for_app(page)
        page.get_by_text("168 days (24 weeks)").last.wait_for(timeout=30_000)
        assert_no_exception(page)
    finally:
        context.close()


def test_single_arm_progression(page, app_url):
    page.goto(f"{app_url}/progression?data=single")
    wait_for_app(page, timeout=120_000)
    assert wait_for_charts(page, minimum=2, timeout=60_000) >= 2
    assert_no_exception(page)
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "2 of 23 subjects" in main and "Median time to event" in main
    assert "Hazard ratio" not in main
