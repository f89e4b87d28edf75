"""Issue 19, "tried as a new user would": a 150 MB Parquet file of a registry (100,000
subjects x 10 visits x 6 outcomes, 6 million measurements, one long file with the
subject columns on every row) uploaded in the browser shows its progress and then a
working dashboard: the Overview and the Mobility page draw their charts.

Needs the defaults of msc_dash.io.limits and .streamlit/config.toml to accept it
(Parquet up to 1 GB, 10 million rows, 60 million cells) and the loader's progress
display (msc_dash.ui.data.load_with_progress). Takes minutes on the 2-core machine.
"""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import (
    assert_no_exception,
    open_uploader,
    serving,
    wait_for_app,
    wait_for_charts,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_SHOWN = "document.querySelector(\"[data-testid='stProgress'], [data-testid='stSpinner']\")"
PROGRESS, DONE = f"() => !!{_SHOWN}", f"() => !{_SHOWN}"


@pytest.fixture(scope="module")
def registry_file(tmp_path_factory):
    from tests.registry_data import write_registry

    path, = write_registry(tmp_path_factory.mktemp("registry"), 100_000, layout="long")
    assert path.stat().st_size > 140e6
    return path


@pytest.fixture(scope="module")
def registry_app():
    with serving() as url:
        yield url


def test_registry_upload_shows_progress_then_a_working_dashboard(browser, registry_file,
                                                                 registry_app, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(600_000)
    try:
        open_uploader(page, registry_app)
        start = time.monotonic()
        page.locator("[data-testid='stSidebar'] input[type=file]").first.set_input_files(
            str(registry_file))
        # progress while the upload is read and checked (seconds to minutes)
        page.wait_for_function(PROGRESS, timeout=300_000, polling=200)
        page.wait_for_function(DONE, timeout=900_000, polling=500)
        page.get_by_text("Loaded: registry.parquet").first.wait_for(timeout=900_000)
        wait_for_app(page, timeout=900_000)
        loaded = time.monotonic() - start
        assert page.locator("[data-testid='stAlertContentError']").count() == 0, \
            page.inner_text("[data-testid='stMain']")
        assert_no_exception(page)

        page.get_by_role("link", name="Overview", exact=True).click()
        wait_for_app(page, timeout=900_000)
        main = page.inner_text("[data-testid='stMain']")
        assert "100,000 subjects" in main and "Source: registry.parquet" in main, main[:500]
        assert wait_for_charts(page, minimum=1, timeout=300_000) >= 1
        assert_no_exception(page)
        page.screenshot(path=str(tmp_path / "registry_overview.png"))

        page.get_by_role("link", name="Mobility", exact=True).click()
        wait_for_app(page, timeout=900_000)
        # T25FW and NHPT: trajectory and estimation each
        assert wait_for_charts(page, minimum=4, timeout=600_000) >= 4
        assert_no_exception(page)
        text = page.inner_text("[data-testid='stMain']")
        assert "Timed 25-Foot Walk" in text and "9-Hole Peg Test" in text
        page.screenshot(path=str(tmp_path / "registry_mobility.png"))
        print(f"registry upload: read, checked and shown in {loaded:.0f} s")
    finally:
        context.close()
