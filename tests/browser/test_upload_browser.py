"""Uploading files in the browser: a typo gets a clear message and a mapping editor,
the last good data stays, and applying the proposed mapping loads the upload."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_exception, open_uploader, wait_for_app

pytestmark = pytest.mark.browser

TYPO = b"subject_id,visit,day,outcome,vaule\nP1,Baseline,0,EDSS,6\nP1,Month 6,182,EDSS,5.5\n"


def _upload(page, app_url, name: str, data: bytes) -> None:
    open_uploader(page, app_url)
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


def _registry_parquet(n_subjects: int) -> bytes:
    """Subjects x 6 visits x EDSS and T25FW, with the arm on every row, as Parquet."""
    import io

    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    visits = [("Baseline", 0), ("Month 3", 91), ("Month 6", 182), ("Month 9", 273),
              ("Month 12", 365), ("Month 18", 547)]
    n = n_subjects * len(visits) * 2
    ids = np.repeat([f"R{i:06d}" for i in range(n_subjects)], len(visits) * 2)
    visit = np.tile(np.repeat([v for v, _ in visits], 2), n_subjects)
    outcome = np.tile(["EDSS", "T25FW"], n // 2)
    value = np.where(outcome == "EDSS", rng.integers(2, 14, n) / 2,
                     np.round(rng.uniform(4, 30, n), 6))
    table = pd.DataFrame({"subject_id": ids, "visit": visit,
                          "day": np.tile(np.repeat([d for _, d in visits], 2), n_subjects),
                          "outcome": outcome, "value": value,
                          "arm": np.repeat(np.where(np.arange(n_subjects) % 2, "MSC", "Placebo"),
                                           len(visits) * 2)})
    buf = io.BytesIO()
    table.to_parquet(buf, index=False)
    return buf.getvalue()


def test_too_large_csv_is_refused_with_its_size_and_the_last_data_stays(browser, monkeypatch,
                                                                         tmp_path):
    """The CSV cap (here 1 MB, set by MSC_DASH_MAX_TABLE_MB) names file, size, cap and
    how to raise it; a large Parquet file under its cap then loads with progress."""
    from tests.browser.conftest import start_app

    monkeypatch.setenv("MSC_DASH_MAX_TABLE_MB", "1")
    proc, url = start_app()
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        row = b"P1,Month 6,182,EDSS,5.5\n"
        big = b"subject_id,visit,day,outcome,value\n" + row * (int(1.5 * 2**20) // len(row))
        _upload(page, url, "measurements.csv", big)
        alert = page.locator("[data-testid='stAlertContentError']").first
        alert.wait_for(timeout=30_000)
        text = alert.inner_text()
        assert ("measurements.csv is 1.5 MB; the limit for CSV, Excel and SAS files is 1 MB "
                "(Parquet and ZIP: 1,024 MB)") in text
        assert "MSC_DASH_MAX_TABLE_MB" in text and "Parquet" in text
        assert "Still showing: Sample trial" in text
        assert "Sample trial (simulated, single arm)" in page.inner_text("[data-testid='stMain']")
        # a Parquet file larger than the CSV cap loads, its stages shown meanwhile
        data = _registry_parquet(40_000)
        assert len(data) > 2 * 2**20  # over PROGRESS_BYTES: the stages are shown
        page.get_by_role("button", name="Remove measurements.csv").click()
        wait_for_app(page)
        page.locator("[data-testid='stSidebar'] input[type=file]").first.set_input_files(
            files=[{"name": "registry.parquet", "mimeType": "application/octet-stream",
                    "buffer": data}])
        # the stage being worked on beside its progress bar, seen together in one frame
        # (checked one after the other, the load could end between the two looks)
        page.wait_for_function("""() => {
            const bar = document.querySelector(
                "[data-testid='stSidebar'] [data-testid='stProgress']");
            const text = document.querySelector("[data-testid='stSidebar']").innerText;
            return bar && /(^|\\n)(Reading|Checking|Building the trial)\\b/.test(text);
        }""", polling="raf", timeout=30_000)
        page.screenshot(path=str(tmp_path / "loading.png"))
        page.get_by_text("Loaded: registry.parquet").wait_for(timeout=120_000)
        wait_for_app(page)
        assert page.locator("[data-testid='stAlertContentError']").count() == 0
        # the progress display is gone once the trial is loaded
        assert page.locator("[data-testid='stSidebar'] [data-testid='stProgress']").count() == 0
        page.screenshot(path=str(tmp_path / "loaded.png"))
        assert_no_exception(page)
        page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
