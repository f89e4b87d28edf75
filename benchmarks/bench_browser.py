"""Browser-side speed: first chart after server start, and page changes, in headless Chromium.

For each of ``--runs`` fresh servers (``streamlit run app.py`` on loopback, as
``make run`` starts it):

* **first chart**: seconds from starting the server process to the first
  Plotly chart drawn on the Overview (target 4 s);
* **page change**: seconds from clicking a page in the sidebar to every chart
  of that page drawn (charts scrolled into view, since Plotly draws lazily;
  target 1 s), for each results page, warm (the page was visited once before
  in the session, as a user going back and forth does) and cold (first visit).

Medians over the runs are printed beside the server's own share of the same
page (the warm AppTest rerun of benchmarks/bench_pages.py).

    .venv/bin/python benchmarks/bench_browser.py [--runs 3] [--two-arm]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tests.browser.conftest import CHROMIUM_ARGS, _free_port  # noqa: E402

# nav title -> (page file, charts on the single-arm / two-arm sample)
PAGES = {
    "Mobility": ("pages/mobility.py", (8, 8)),
    "Disability": ("pages/disability.py", (10, 5)),
    "Cognition": ("pages/cognition.py", (4, 4)),
    "Biomarkers": ("pages/biomarkers.py", (7, 4)),
    "Patient-reported": ("pages/patient_reported.py", (12, 4)),
    "Safety": ("pages/safety.py", (2, 2)),
    "Overview": ("pages/overview.py", (1, 1)),
}
FIRST_CHART_S, PAGE_CHANGE_S = 4.0, 1.0

_DRAWN = ("() => [...document.querySelectorAll('.js-plotly-plot')]"
          ".filter(e => e.querySelector('.main-svg')).length")
_SCROLL = """async () => {
    const main = document.querySelector('[data-testid="stMain"]') || document.body;
    for (let y = 0; y < main.scrollHeight; y += 500) {
        main.scrollTo(0, y); await new Promise(r => requestAnimationFrame(r));
    }
    main.scrollTo(0, 0);
}"""


def _start(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", str(ROOT / "app.py")],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_health(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


def _all_drawn(page, want: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while page.evaluate(_DRAWN) < want:
        # stale charts of the previous page are replaced: count only once Streamlit is idle
        page.evaluate(_SCROLL)
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {page.evaluate(_DRAWN)} of {want} charts drew")


def _change(page, title: str, want: int) -> float:
    h1 = "() => (document.querySelector('[data-testid=\"stMain\"] h1') || {}).innerText || ''"
    before = page.evaluate(h1)
    start = time.perf_counter()
    page.get_by_role("link", name=title, exact=True).click()
    # the new page's title replaces the old one's (the charts of the old page may linger)
    page.wait_for_function(f"() => ({h1})() !== {before!r} && ({h1})() !== ''",
                           timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    _all_drawn(page, want)
    return time.perf_counter() - start


def one_run(browser, data: str, two_arm: bool) -> dict:
    """Times of one fresh server: first chart and every page change (cold, warm)."""
    port = _free_port()
    t0 = time.perf_counter()
    proc = _start(port)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_health(url)
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        page.goto(f"{url}/?data={data}")
        page.wait_for_function(_DRAWN + " >= 1", timeout=120_000)
        out = {"first chart": time.perf_counter() - t0}
        for phase in ("cold", "warm"):
            for title, (_, wants) in PAGES.items():
                out[(phase, title)] = _change(page, title, wants[two_arm])
        context.close()
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def server_share(two_arm: bool, repeats: int = 5) -> dict:
    """The warm AppTest rerun of each page (ms), as benchmarks/bench_pages.py measures it."""
    import bench_pages

    return {title: bench_pages.time_page(path, repeats, two_arm)[1]
            for title, (path, _) in PAGES.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--two-arm", action="store_true")
    args = parser.parse_args(argv)
    exe = shutil.which("chromium")
    if exe is None:
        raise SystemExit("needs Debian's chromium (make chromium)")
    from playwright.sync_api import sync_playwright

    data = "two_arm" if args.two_arm else "single"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        runs = [one_run(browser, data, args.two_arm) for _ in range(args.runs)]
        browser.close()
    server = server_share(args.two_arm)
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"Browser benchmark, {data} sample, headless Chromium 1280x720, "
          f"median of {args.runs} fresh servers")
    flag = "" if med["first chart"] <= FIRST_CHART_S else "  <-- over target"
    print(f"first chart after server start: {med['first chart']:.2f} s "
          f"(target {FIRST_CHART_S:.0f} s){flag}")
    print(f"{'page change to':<20}{'cold':>8}{'warm':>8}{'server rerun':>15}  "
          f"(target {PAGE_CHANGE_S:.1f} s, all charts drawn)")
    over = med["first chart"] > FIRST_CHART_S
    for title in PAGES:
        cold, warm = med[("cold", title)], med[("warm", title)]
        flag = "" if warm <= PAGE_CHANGE_S else "  <-- over target"
        over |= warm > PAGE_CHANGE_S
        print(f"{title:<20}{cold:>7.2f}s{warm:>7.2f}s{server[title]:>13.0f}ms{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
