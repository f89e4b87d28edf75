"""Presenter mode at projector sizes, and the HTML report offline, in Chromium.

Screenshots go to /tmp/shots/ (presenter_<width>_<slide>.png) for a human look.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import assert_no_exception, downloading_page, wait_for_app

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
ROOT = Path(__file__).resolve().parents[2]


def _build_trial():
    """tests/conftest.py's build_trial (its module name is taken by the browser conftest)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_tests_conftest", ROOT / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_trial()


def _counter(page) -> tuple[int, int]:
    text = page.locator(".slide-counter").first.inner_text()
    k, n = re.fullmatch(r"\s*(\d+) / (\d+)\s*", text).groups()
    return int(k), int(n)


def _inside_viewport(page, locator, size) -> None:
    box = locator.bounding_box()
    assert box is not None, "element not rendered"
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"] + 1, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"] + 1, box


@pytest.fixture(scope="module")
def sample_ready():
    from msc_dash.errors import TrialDataError
    from msc_dash.io import load_sample

    try:
        load_sample()
    except TrialDataError as exc:
        pytest.skip(f"the bundled sample trial is not available: {exc}")


@pytest.mark.parametrize("size", [{"width": 1920, "height": 1080},
                                  {"width": 1280, "height": 720}], ids=["1080p", "720p"])
def test_presenter_walks_all_slides(browser, app_url, sample_ready, size):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport=size)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/?present=1")
        wait_for_app(page, 90_000)
        page.wait_for_selector(".slide-counter", timeout=60_000)
        assert_no_exception(page)
        assert not page.locator("[data-testid='stSidebar']").is_visible()
        assert not page.locator("[data-testid='stToolbar']").is_visible()
        k, total = _counter(page)
        assert k == 1 and total >= 5
        title_px = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('.st-key-slide h1'))"
            ".fontSize)")
        assert title_px >= 32  # large type
        titles = []
        for i in range(1, total + 1):
            if i > 1:
                page.get_by_role("button", name="Next ▶").click()
                page.wait_for_function(
                    f"() => document.querySelector('.slide-counter')?.innerText.trim()"
                    f".startsWith('{i} /')", timeout=60_000)
                wait_for_app(page, 60_000)
            page.wait_for_timeout(400)
            assert_no_exception(page)
            assert _counter(page) == (i, total)
            titles.append(page.locator(".st-key-slide h1").first.inner_text())
            _inside_viewport(page, page.get_by_role("button", name="Next ▶"), size)
            chart = page.locator(".st-key-slide_chart .js-plotly-plot")
            if chart.count():
                page.wait_for_selector(".st-key-slide_chart .main-svg", timeout=30_000)
                _inside_viewport(page, chart.first, size)
            page.screenshot(path=str(SHOTS / f"presenter_{size['width']}_{i:02d}.png"))
        assert len(set(titles)) == total
        assert page.get_by_role("button", name="Next ▶").is_disabled()
        assert "slide=" in page.url and "present=1" in page.url

        page.get_by_role("button", name="High contrast").click()
        page.wait_for_selector("button:has-text('Normal contrast')", timeout=30_000)
        page.wait_for_timeout(500)
        bg = page.evaluate("() => getComputedStyle(document.querySelector("
                           "'[data-testid=\"stApp\"]')).backgroundColor")
        assert bg == "rgb(0, 0, 0)"
        page.screenshot(path=str(SHOTS / f"presenter_{size['width']}_contrast.png"))

        page.get_by_role("button", name="Exit presenter mode").click()
        page.wait_for_selector("[data-testid='stSidebar']", state="visible", timeout=30_000)
        wait_for_app(page, 60_000)
        assert page.locator(".slide-counter").count() == 0
        assert "present=" not in page.url
        assert_no_exception(page)
    finally:
        context.close()


def test_sidebar_toggle_starts_presenting(page, app_url, sample_ready):
    page.goto(app_url)
    wait_for_app(page, 90_000)
    page.locator("[data-testid='stSidebar']").get_by_text("Presenter mode").click()
    page.wait_for_selector(".slide-counter", timeout=60_000)
    assert _counter(page)[0] == 1
    assert "present=1" in page.url
    assert_no_exception(page)


def test_report_opens_offline(browser, tmp_path):
    from msc_dash.effects import effect_sizes
    from msc_dash.report import build_report
    from msc_dash.settings import AnalysisSettings
    from msc_dash.tables import format_effect_table

    trial = _build_trial()
    path = tmp_path / "report.html"
    path.write_text(build_report(trial, settings=AnalysisSettings(n_boot=300), date="test"),
                    encoding="utf-8")
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        page.wait_for_function(
            "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5",
            timeout=30_000)
        # scroll to the end so every figure draws
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(800)
        outside = [u for u in requests if u.startswith(("http://", "https://"))]
        assert outside == [], outside
        assert all(u.startswith(("file://", "data:", "blob:")) for u in requests), requests
        text = page.inner_text("body")
        assert "Effect table" in text
        effects = effect_sizes(trial, n_boot=300)
        table = format_effect_table(effects, trial.registry)
        first_g = table["Hedges' g [95% CI]"].iloc[0]
        assert first_g in text
        n_plots = page.evaluate("() => document.querySelectorAll('.js-plotly-plot').length")
        n_divs = len(re.findall(r'<div id="figure-\d+"', path.read_text(encoding="utf-8")))
        assert n_plots == n_divs
        page.screenshot(path=str(SHOTS / "report_top.png"))
    finally:
        context.close()


def test_export_page_downloads(browser, app_url, sample_ready, tmp_path):
    import io
    import zipfile

    import openpyxl

    with downloading_page(browser, app_url) as page:
        page.get_by_role("link", name="Export & report").click()
        page.wait_for_selector("text=Download the HTML report", timeout=60_000)
        assert_no_exception(page)

        def fetch(label: str, nth: int = 0) -> tuple[str, bytes]:
            with page.expect_download(timeout=120_000) as info:
                page.get_by_role("button", name=label).nth(nth).click()
            dl = info.value
            return dl.suggested_filename, Path(dl.path()).read_bytes()

        name, data = fetch("Download the HTML report")
        assert name.endswith(".html")
        html = data.decode("utf-8")
        assert html.startswith("<!DOCTYPE html>") and "Effect table" in html
        assert html.count("* plotly.js v") == 1

        name, data = fetch("CSV")  # the effect table comes first
        assert name == "effect_table.csv" and data.startswith(b"\xef\xbb\xbfarm,outcome")

        name, data = fetch("XLSX")
        wb = openpyxl.load_workbook(io.BytesIO(data))
        assert wb.sheetnames[:2] == ["effect table", "Effects (formatted)"]

        name, data = fetch("CSV", 2)
        assert sorted(zipfile.ZipFile(io.BytesIO(data)).namelist()) == [
            "adverse_events.csv", "injections.csv", "measurements.csv", "subjects.csv"]
