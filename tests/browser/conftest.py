"""Start the app on a free loopback port and drive it in Debian's Chromium.

Playwright cannot download its own browser here; it launches the system
``chromium`` found on PATH (``make test`` installs it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _shared_builders():
    # Both this file and tests/conftest.py are imported as module "conftest";
    # when this one wins, `from conftest import build_trial` in tests/ must still
    # work, so the shared builders are re-exported here.
    import importlib.util

    spec = importlib.util.spec_from_file_location("msc_tests_conftest",
                                                  ROOT / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_shared = _shared_builders()
build_trial, OUTCOME_SPECS, VISITS = _shared.build_trial, _shared.OUTCOME_SPECS, _shared.VISITS
open_page, open_download_menus = _shared.open_page, _shared.open_download_menus

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int | None = None, *, options: tuple[str, ...] = (),
              script_args: tuple[str, ...] = (), address: str = "127.0.0.1",
              ) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run app.py`` on loopback; return the process and its URL.

    ``options`` are more Streamlit options (``("--secrets.files", path)``),
    ``script_args`` the app's own arguments (``("--no-auth",)``), ``address``
    the address it binds (the URL always uses 127.0.0.1).
    """
    port = port or _free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    script = [str(ROOT / "app.py"), *(["--", *script_args] if script_args else [])]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run",
         "--server.port", str(port), "--server.address", address,
         "--server.headless", "true", *options, *script],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"the app did not start: {proc.stderr.read().decode()[-2000:]}")


@contextmanager
def serving(**kwargs):
    """An app server (``start_app(**kwargs)``) for the ``with`` block; yields its URL."""
    proc, url = start_app(**kwargs)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def app_url():
    """URL of one app server shared by the browser tests of a session."""
    with serving() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright."""
    exe = shutil.which("chromium")
    if exe is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser page (own session) at 1440x900."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@contextmanager
def downloading_page(browser, url: str, size: tuple[int, int] = (1440, 900)):
    """A page (own session) at ``size`` that accepts downloads, at ``url`` once the app ran.

    Checks that the app showed no exception when the block ends.
    """
    context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                  accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(url)
        wait_for_app(page, 90_000)
        yield page
        assert_no_exception(page)
    finally:
        context.close()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    # a fresh server's first page shows an empty main area before the status widget
    page.wait_for_function(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m && m.innerText.trim().length > 0; }", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText"
        ".includes('Running')", timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)


def open_uploader(page, url: str) -> None:
    """Open the app at ``url``, then its Data page with "Upload my data" chosen."""
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("link", name="Data", exact=True).click()
    wait_for_app(page)
    page.get_by_text("Upload my data").click()
    wait_for_app(page)


def wait_for_charts(page, minimum: int = 1, timeout: float = 30_000) -> int:
    """Scroll through the page until ``minimum`` lazy Plotly charts have drawn.

    Plotly charts draw when scrolled into view, and on a busy machine a chart
    may mount after the scroll has passed it: so scroll again until enough drew.
    Returns how many charts have drawn.
    """
    # a drawn chart holds two .main-svg layers: count charts, not layers
    # (in the main area: not the hidden warm-up chart of msc_dash/ui/warmup.py)
    drawn = ("() => [...document.querySelectorAll('[data-testid=\"stMain\"] .js-plotly-plot')]"
             ".filter(e => e.querySelector('.main-svg')).length")
    deadline = time.monotonic() + timeout / 1000
    while True:
        page.evaluate("""async () => {
            const main = document.querySelector('[data-testid="stMain"]') || document.body;
            for (let y = 0; y < main.scrollHeight; y += 600) {
                main.scrollTo(0, y); window.scrollTo(0, y);
                await new Promise(r => setTimeout(r, 120));
            }
            main.scrollTo(0, 0); window.scrollTo(0, 0);
        }""")
        if page.evaluate(drawn) >= minimum:
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"only {page.evaluate(drawn)} of {minimum} charts drew "
                                 f"within {timeout / 1000:.0f} s")
        page.wait_for_timeout(500)
    return page.evaluate(drawn)


def assert_no_exception(page) -> None:
    """No Streamlit exception box and no error-details element on the page."""
    assert page.locator("[data-testid='stException']").count() == 0, page.inner_text("body")


def assert_accessible(page, impacts=("serious", "critical")) -> None:
    """No axe-core violation of the given impacts on the page (axe-playwright-python).

    axe-core runs inside the page from the copy bundled with the package: no
    outside request.
    """
    from axe_playwright_python.sync_playwright import Axe

    # the app's fixes (msc_dash.ui.a11y) are in place once their styles are; a rerun
    # that redraws the sidebar may take them out for a moment
    page.wait_for_function("() => !!document.getElementById('msc-a11y')"
                           " && !!window.__mscNavFix", timeout=15_000)
    page.wait_for_timeout(200)
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in impacts]
    assert not violations, "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. "
        f"{v['nodes'][0]['html'][:160]})" for v in violations)


def assert_charts_have_text(page) -> None:
    """Every drawn Plotly chart has an accessible name and its data table's expander under it.

    The table itself is built when the expander is opened (msc_dash.ui.charts.data_table).
    """
    charts = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(c => {
        const named = c.closest('[aria-label]');
        const box = c.closest('[data-testid="stElementContainer"]');
        let next = box && box.nextElementSibling, table = false;
        for (let i = 0; next && i < 3; i++, next = next.nextElementSibling)
            if ([...next.querySelectorAll('[data-testid="stExpander"] summary')].some(
                    s => s.innerText.includes('Chart data as a table'))) { table = true; break; }
        return {name: named ? named.getAttribute('aria-label') : '', table};
    })""")
    assert all(c["name"] for c in charts), charts
    assert all(c["table"] for c in charts), charts
