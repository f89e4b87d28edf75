"""The app in a real browser: the sample loads, an upload replaces it, and the
browser never asks any host but the app's own."""

import re
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest
from conftest import assert_no_exception, wait_for_app, wait_for_charts

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
PAGES = ["overview", "mobility", "disability", "cognition", "biomarkers", "patient_reported",
         "safety", "patients", "subgroups", "arms", "data", "export"]


def _subset_csvs(tmp_path: Path, n: int) -> list[Path]:
    """The sample's first ``n`` subjects as the four canonical CSVs."""
    subjects = pd.read_csv(ROOT / "sample_data" / "subjects.csv").head(n)
    keep = set(subjects.subject_id)
    out = [tmp_path / "subjects.csv"]
    subjects.to_csv(out[0], index=False)
    for name in ("measurements", "adverse_events", "injections"):
        frame = pd.read_csv(ROOT / "sample_data" / f"{name}.csv")
        path = tmp_path / f"{name}.csv"
        frame[frame.subject_id.isin(keep)].to_csv(path, index=False)
        out.append(path)
    return out


def _subjects_metric(page) -> str:
    return page.locator("[data-testid='stMetric']").filter(has_text="Subjects").locator(
        "[data-testid='stMetricValue']").first.inner_text()


def _upload(page, paths) -> None:
    """Replace whatever the sidebar uploader holds by ``paths``."""
    uploader = page.locator("[data-testid='stSidebar'] [data-testid='stFileUploader']")
    delete = uploader.get_by_role("button", name=re.compile(r"^Remove "))
    while delete.count():
        delete.first.click()
        wait_for_app(page)
    uploader.locator("input[type='file']").set_input_files([str(p) for p in paths])
    wait_for_app(page)


def test_sample_then_upload_replaces_it(page, app_url, tmp_path):
    page.goto(f"{app_url}/data")
    wait_for_app(page)
    assert_no_exception(page)
    assert _subjects_metric(page) == "23"

    page.get_by_text("Upload my data").click()
    wait_for_app(page)
    _upload(page, _subset_csvs(tmp_path, 9))
    page.get_by_text("Loaded: subjects.csv").wait_for(timeout=30_000)
    assert _subjects_metric(page) == "9"
    assert_no_exception(page)


def test_bad_uploads_in_a_row_keep_the_last_good_data(page, app_url, tmp_path):
    page.goto(f"{app_url}/data")
    wait_for_app(page)
    page.get_by_text("Upload my data").click()
    wait_for_app(page)
    good = _subset_csvs(tmp_path, 9)
    _upload(page, good)
    page.get_by_text("Loaded: subjects.csv").wait_for(timeout=30_000)

    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    cases = {  # file -> a phrase its message must contain
        "measurements.csv": ("subject_id,visit,day,outcome,value\nP01,Baseline,0,EDSS,7.3\n",
                             "row 2 (7.3)"),
        "subjects.csv": ("", "empty"),
        "export.xlsx": ("not a workbook", "export.xlsx"),
    }
    for name, (text, phrase) in cases.items():
        path = bad_dir / name
        path.write_text(text)
        _upload(page, [path])
        alert = page.locator("[data-testid='stAlertContentError']").first
        alert.wait_for(timeout=30_000)
        message = alert.inner_text()
        assert name in message and phrase in message, message
        # removing the good files one by one reloads what is left (the same 9 subjects)
        assert "Still showing: " in message, message
        assert _subjects_metric(page) == "9"
        assert "Traceback" not in page.inner_text("body")
        assert_no_exception(page)

    # every page still works on the last good data
    page.get_by_role("link", name="Overview", exact=True).click()
    page.get_by_text("Effect sizes at").first.wait_for(timeout=60_000)  # the Overview drew
    wait_for_app(page)
    assert "9 subjects" in page.inner_text("[data-testid='stMain']")
    wait_for_charts(page, minimum=1)
    assert_no_exception(page)


def test_no_request_leaves_the_app_host(page, app_url):
    host = urlparse(app_url).netloc
    outside: list[str] = []

    def record(request):
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != host:
            outside.append(request.url)

    page.on("request", record)
    for name in PAGES:
        page.goto(f"{app_url}/{name}")
        wait_for_app(page)
        assert_no_exception(page)
    wait_for_charts(page, minimum=0)
    assert outside == [], outside
