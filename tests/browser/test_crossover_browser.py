"""A crossover trial uploaded in the browser: periods derived from a `sequence` column
give the Crossover page; overlapping periods give an error naming the subject."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_exception, wait_for_app, wait_for_charts

pytestmark = pytest.mark.browser

SUBJECTS = b"subject_id,sequence\n" + b"".join(
    f"P{i:02d},{'MSC-Sham' if i % 2 else 'Sham-MSC'}\n".encode() for i in range(1, 13))
MEAS = b"subject_id,visit,day,outcome,value\n" + b"".join(
    f"P{i:02d},Baseline,0,SDMT,{40 + i}\nP{i:02d},Month 6,{180 + i % 3},SDMT,"
    f"{42 + i + (2 if i % 2 else -1) + i % 3}\nP{i:02d},Month 12,{362 + i % 4},SDMT,"
    f"{43 + i + (1 if i % 2 else 3) + i % 4}\n".encode() for i in range(1, 13))
OVERLAP = (b"subject_id,period,treatment,start_day,end_day\n"
           b"P01,1,MSC,0,182\nP01,2,Sham,150,365\n")


def _upload(page, app_url, files) -> None:
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_text("Upload my data").click()
    wait_for_app(page)
    page.locator("[data-testid='stSidebar'] input[type=file]").first.set_input_files(
        files=[{"name": n, "mimeType": "text/csv", "buffer": d} for n, d in files])
    wait_for_app(page)


def test_sequence_column_gives_the_crossover_page(page, app_url):
    _upload(page, app_url, [("subjects.csv", SUBJECTS), ("measurements.csv", MEAS)])
    page.get_by_role("link", name="Crossover").click()
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("Crossover (12 subjects)").wait_for(timeout=30_000)
    assert "Period 1 only (12 subjects)" in main.inner_text()
    assert "Carryover test (sequence)" in main.inner_text()
    assert wait_for_charts(page, 2) >= 2
    assert_no_exception(page)


def test_overlapping_periods_name_the_subject(page, app_url):
    _upload(page, app_url, [("subjects.csv", SUBJECTS), ("measurements.csv", MEAS),
                            ("periods.csv", OVERLAP)])
    alert = page.locator("[data-testid='stAlertContentError']").first
    alert.wait_for(timeout=30_000)
    assert "subject P01 has overlapping periods" in alert.inner_text()
    assert_no_exception(page)
