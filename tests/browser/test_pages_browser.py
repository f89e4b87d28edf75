"""Every page in a real browser, on both samples (and the crossover sample's own page),
and the presenter's slides: charts drawn, no exception box, no serious or critical
axe-core violation, every chart with a text alternative and its data table's expander."""

import pytest
from conftest import (
    assert_accessible,
    assert_charts_have_text,
    assert_no_exception,
    wait_for_app,
    wait_for_charts,
)

pytestmark = pytest.mark.browser

# page path -> charts it draws on the single-arm / two-arm sample (at least)
PAGES = {
    "": (1, 1),  # Overview: forest
    # T25FW and NHPT: trajectory and estimation (waterfall and responders when opened)
    "mobility": (4, 4),
    "disability": (6, 3),  # + EDSS-Plus, the Functional Systems forest
    "cognition": (2, 2),
    "biomarkers": (5, 3),  # + biomarker-clinical correlation
    "patient_reported": (6, 2),
    "safety": (2, 2),
    "progression": (2, 2),  # Kaplan-Meier and swimmer
    "patients": (2, 2),
    "subgroups": (1, 1),
    "arms": (0, 1),  # needs two arms
    "planning": (2, 2),  # power curve and sample size across the pilot's CI
    "data": (0, 0),
    "export": (0, 0),
}


@pytest.mark.parametrize("data", ["single", "two_arm"])
@pytest.mark.parametrize("path", list(PAGES), ids=[p or "overview" for p in PAGES])
def test_page_draws_its_charts(page, app_url, path, data):
    page.goto(f"{app_url}/{path}?data={data}")
    wait_for_app(page, timeout=120_000)
    want = PAGES[path][data == "two_arm"]
    if want:
        assert wait_for_charts(page, minimum=want, timeout=90_000) >= want
    assert_no_exception(page)
    assert page.locator("h1").count() >= 1
    assert_accessible(page)
    assert_charts_have_text(page)


@pytest.mark.parametrize("path,want", [("crossover", 3), ("", 1), ("mobility", 4)],
                         ids=["crossover", "overview", "mobility"])
def test_crossover_sample_pages(page, app_url, path, want):
    # the Crossover page is in the navigation of a trial with periods only
    page.goto(f"{app_url}/{path}?data=crossover")
    wait_for_app(page, timeout=120_000)
    assert wait_for_charts(page, minimum=want, timeout=90_000) >= want
    assert_no_exception(page)
    assert_accessible(page)
    assert_charts_have_text(page)


@pytest.mark.parametrize("data", ["single", "two_arm", "crossover"])
@pytest.mark.parametrize("slide", [1, 2, 6])
def test_presenter_slides_are_accessible(page, app_url, data, slide):
    page.goto(f"{app_url}/?data={data}&present=1&slide={slide}")
    wait_for_app(page, timeout=120_000)
    page.locator(".st-key-slide h1").first.wait_for(timeout=90_000)
    assert_no_exception(page)
    assert_accessible(page)


def test_per_subject_charts_draw_when_opened(page, app_url):
    # the waterfall and responder bars are built only once their expander is opened
    page.goto(f"{app_url}/mobility?data=single")
    wait_for_app(page, timeout=120_000)
    assert wait_for_charts(page, minimum=4, timeout=90_000) >= 4
    page.get_by_text("Timed 25-Foot Walk per subject: waterfall of change and responders").click()
    wait_for_app(page, timeout=120_000)
    assert wait_for_charts(page, minimum=6, timeout=90_000) >= 6
    assert_no_exception(page)
    assert_accessible(page)
    assert_charts_have_text(page)
    assert page.get_by_text("By the rule:").count() >= 1
