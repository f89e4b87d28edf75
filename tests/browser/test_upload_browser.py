"""Uploading files in the browser: a typo gets a clear message and a mapping editor,
the last good data stays, and applying the proposed mapping loads the upload."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.browser

TYPO = b"subject_id,visit,day,outcome,vaule\nP1,Baseline,0,EDSS,6\nP1,Month 6,182,EDSS,5.5\n"


def _upload(page, app_url, name: str, data: bytes) -> None:
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("link", name="Data", exact=True).click()
    wait_for_app(page)
    page.get_by_text("Upload my data").click()
    wait_for_app(page)
    page.locator("[data-testid='stSidebar'] input[type=file]").first.set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    wait_for_app(page)


def _error(page):
    """The first error message on the page, once it shows."""
    alert = page.locator("[data-testid='stAlertContentError']").first
    alert.wait_for(timeout=30_000)
    return alert


def test_typo_shows_message_keeps_data_and_mapping_fixes_it(page, app_url):
    _upload(page, app_url, "measurements.csv", TYPO)
    alert = _error(page)
    text = alert.inner_text()
    assert "measurements.csv: required column value is missing; found vaule" in text
    assert "Still showing: Sample trial" in text
    assert "Sample trial (simulated, single arm)" in page.inner_text("[data-testid='stMain']")
    page.get_by_role("button", name="Apply mapping and reload").click()
    wait_for_app(page)
    page.get_by_text("Loaded: measurements.csv").wait_for(timeout=30_000)
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    assert_no_exception(page)


def test_bad_value_message_names_row(page, app_url):
    bad = b"subject_id,visit,day,outcome,value\nP1,Baseline,0,EDSS,7.3\n"
    _upload(page, app_url, "measurements.csv", bad)
    alert = _error(page)
    assert "in steps of 0.5; row 2 (7.3) is outside that" in alert.inner_text()
    assert page.get_by_role("button", name="Apply mapping and reload").count() == 0
    assert_no_exception(page)


def test_three_problems_are_all_listed(page, app_url):
    from tests.test_problems import THREE

    _upload(page, app_url, "measurements.csv", THREE)
    alert = _error(page)
    text = alert.inner_text()
    assert "The upload could not be used: 3 problems." in text
    assert alert.locator("li").count() == 3
    assert "holds dates (row 5" in text and "row 3 holds text" in text and "row 6 (12)" in text
    assert "Still showing: Sample trial" in text
    assert_no_exception(page)


def test_messy_clinic_file_applied_unchanged_gives_two_arms_and_lower_peg_times(page, app_url):
    # issue 13, item 2: `Treatment group` and the 9HPT of each hand, proposal applied as is
    from tests.messy_clinic import messy_clinic_csv

    _upload(page, app_url, "clinic.csv", messy_clinic_csv())
    page.get_by_role("button", name="Apply mapping and reload").wait_for(timeout=30_000)
    # the editor shows every proposed row: nothing scrolls inside it
    grid = page.locator("[data-testid='stMain'] [data-testid='stDataFrame']").first
    grid.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    inner = grid.evaluate("""g => { const s = g.querySelector('.dvn-scroller');
        return s ? [s.scrollHeight, s.clientHeight] : null; }""")
    assert inner is not None and inner[0] <= inner[1] + 1, inner
    # the arm is named: nothing to ask
    assert page.locator("[data-testid='stMain']").get_by_role("radio").count() == 0
    page.get_by_role("button", name="Apply mapping and reload").click()
    wait_for_app(page)
    page.get_by_text("Loaded: clinic.csv").wait_for(timeout=30_000)
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text="Overview").first.click()
    page.get_by_text("Effect sizes at").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert "2 arms (MSC, Placebo)" in page.inner_text("[data-testid='stMain']")
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text="Mobility").first.click()
    page.get_by_text("9-Hole Peg Test, dominant hand").first.wait_for(timeout=60_000)
    # the page streams section by section: the non-dominant hand's comes after
    # the dominant hand's charts, so wait for it rather than read the page at once
    page.get_by_text("9-Hole Peg Test, non-dominant hand").first.wait_for(timeout=60_000)
    wait_for_app(page)
    text = page.inner_text("[data-testid='stMain']")
    assert "9-Hole Peg Test, non-dominant hand" in text
    assert "higher is better" not in text
    assert_no_exception(page)
