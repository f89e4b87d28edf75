"""Every text fits at 1280 x 720 (issue 13, item 8): nothing cut off, no label over another.

On every page of both samples (and of the CDISC pilot files when present),
:func:`fit.overflows` measures metric values, deltas and labels, captions,
selectbox values, headings and paragraphs (``scrollWidth > clientWidth``), chart
titles and subtitles running out of their chart, and chart labels drawn over each
other (tick labels of one axis, subplot titles, annotations).
"""

from __future__ import annotations

import pytest
from conftest import wait_for_app, wait_for_charts
from fit import overflows
from test_cdisc_browser import FILES, PILOT
from test_pages_browser import PAGES

pytestmark = pytest.mark.browser


@pytest.fixture
def narrow(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield context.new_page()
    context.close()


def _measure(page, want: int) -> list[str]:
    if want:
        wait_for_charts(page, minimum=want, timeout=120_000)
    page.wait_for_timeout(600)
    return overflows(page)


@pytest.mark.parametrize("data", ["single", "two_arm"])
def test_every_text_fits_at_1280(narrow, app_url, data):
    problems = []
    for path, counts in PAGES.items():
        narrow.goto(f"{app_url}/{path}?data={data}")
        wait_for_app(narrow, timeout=120_000)
        problems += [f"{path or 'overview'}: {p}"
                     for p in _measure(narrow, counts[data == "two_arm"])]
    assert not problems, "\n".join(problems)


def test_every_text_fits_at_1280_on_the_cdisc_pilot(narrow, app_url):
    if not all((PILOT / f).is_file() for f in FILES):
        pytest.skip(f"the CDISC pilot files are not in {PILOT}")
    narrow.goto(app_url)
    wait_for_app(narrow, timeout=120_000)
    narrow.get_by_text("Upload my data").click()
    wait_for_app(narrow)
    narrow.locator("[data-testid='stSidebar'] input[type=file]").first.set_input_files(
        [str(PILOT / f) for f in FILES])
    narrow.get_by_text("254 subjects").first.wait_for(timeout=120_000)
    wait_for_app(narrow, timeout=120_000)
    problems = []
    titles = [t.strip().split("\n")[-1].strip() for t in narrow.locator(
        "[data-testid='stSidebarNav'] a").all_inner_texts()]
    for title in titles:
        narrow.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first.click()
        narrow.wait_for_timeout(500)
        wait_for_app(narrow, timeout=120_000)
        drawn = narrow.locator(".js-plotly-plot").count()  # charts on this page, drawn
        problems += [f"{title}: {p}" for p in _measure(narrow, drawn)]
    assert not problems, "\n".join(problems)
