"""Real-size data in the browser: the public CDISC pilot ADaM files (issue 13, item 6).

254 subjects, 3 arms, about 240 adverse-event terms and 48 ADSL columns: the
sidebar offers a curated set of filters plus "Add a filter", the navigation
lists every page, the AE-over-time chart groups the rarest terms, "not
estimable" says why, and while the upload loads the sample's cards never show
under the new trial's numbers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import assert_no_exception, wait_for_app, wait_for_charts

pytestmark = pytest.mark.browser

# the public CDISC pilot files in the project's shared/ folder, beside the clone
# (CI lays a copy there); the tests that need them skip when it is absent
PILOT = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "cdiscpilot01"
FILES = ("adsl.xpt", "adae.xpt", "adqscibc.xpt")
SIDEBAR = "[data-testid='stSidebar']"

# while the run is going: the new trial's headline line above a sample-only outcome
_MIXED = """() => {
  const m = document.querySelector('[data-testid="stMain"]');
  const t = m ? m.innerText : '';
  return t.includes('254 subjects') && (t.includes('T25FW') || t.includes('EDSS'));
}"""


def _go(page, title: str, heading: str | None = None) -> None:
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first.click()
    page.wait_for_function(
        "t => [...document.querySelectorAll('h1')].some(h => h.innerText.includes(t))",
        arg=heading or title, timeout=120_000)
    wait_for_app(page, timeout=120_000)
    assert_no_exception(page)


@pytest.fixture
def cdisc_page(browser, app_url):
    if not all((PILOT / f).is_file() for f in FILES):
        pytest.skip(f"the CDISC pilot files are not in {PILOT}")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(app_url)
    wait_for_app(page, timeout=120_000)
    wait_for_charts(page, minimum=1, timeout=90_000)  # the sample's Overview, cards drawn
    page.get_by_text("Upload my data").click()
    wait_for_app(page)
    page.locator(f"{SIDEBAR} input[type=file]").first.set_input_files(
        [str(PILOT / f) for f in FILES])
    mixed = ""
    for _ in range(600):  # poll through the load and the first run on the new data
        if not mixed and page.evaluate(_MIXED):
            mixed = page.inner_text("[data-testid='stMain']")[:1500]
        if page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')"
                         ".innerText.includes('254 subjects')") and not page.locator(
                "[data-testid='stStatusWidget']").count():
            break
        page.wait_for_timeout(100)
    wait_for_app(page, timeout=120_000)
    assert not mixed, f"the sample's cards showed under the CDISC trial's headline: {mixed}"
    yield page
    context.close()


def test_cdisc_pilot_is_usable_at_real_size(cdisc_page):
    page = cdisc_page
    main = page.locator("[data-testid='stMain']")
    assert "254 subjects" in main.inner_text()
    assert_no_exception(page)
    # "not estimable" says why: CIBIC+ is rated against baseline, so there is none
    assert "no baseline visit for CIBICVAL" in main.inner_text()

    # every page listed: nothing hidden behind "View N more"
    nav = page.locator("[data-testid='stSidebarNav']")
    assert "Other outcomes" in nav.inner_text() and "Export & report" in nav.inner_text()
    assert "more" not in nav.inner_text().lower()

    # the curated filters, and any other ADSL column one "Add a filter" away
    sidebar = page.locator(SIDEBAR)
    labels = sidebar.locator("[data-testid='stWidgetLabel']").all_inner_texts()
    for wanted in ("Arm", "Sex", "Age (years)", "Race", "Add a filter"):
        assert any(label.startswith(wanted) for label in labels), (wanted, labels)
    for hidden in ("SITEID", "TRTDUR", "COMP8FL"):
        assert not any(label.startswith(hidden) for label in labels), (hidden, labels)
    box = sidebar.locator("[data-testid='stMultiSelect']").filter(has_text="Add a filter")
    box.first.scroll_into_view_if_needed()
    box.first.click()
    page.get_by_role("option", name="SITEID", exact=True).click()
    wait_for_app(page)
    page.keyboard.press("Escape")
    labels = sidebar.locator("[data-testid='stWidgetLabel']").all_inner_texts()
    assert any(label.startswith("SITEID") for label in labels), labels

    # the AE-over-time chart: the 15 most frequent terms, the rest on one row
    _go(page, "Safety")
    assert page.get_by_role("spinbutton", name="Terms with a row of their own").input_value() == "15"
    wait_for_charts(page, minimum=2, timeout=120_000)
    ticks = page.locator(".js-plotly-plot .ytick text").evaluate_all(
        "els => els.map(e => e.textContent)")
    assert any(t.startswith("Other terms") for t in ticks), ticks
