"""Browser-side speed: first chart after server start, and page changes, in headless Chromium.

For each of ``--runs`` fresh servers (``streamlit run app.py`` on loopback, as
``make run`` starts it):

* **first chart**: seconds from starting the server process to the first
  Plotly chart drawn on the Overview (target 4 s);
* **page change**: seconds from clicking a page in the sidebar to every chart
  on screen drawn (charts scrolled into view, since Plotly draws lazily;
  charts in a closed expander or tab are not waited for; target 1 s), for
  every page, warm (the page was visited once before in the session, as a
  user going back and forth does) and cold (first visit); with the number of
  charts and the bytes the server sent over the websocket for the change
  (the page's elements and figure JSON, of the warm visit).

Medians over the runs are printed beside the server's own share of the same
page (the warm rerun of benchmarks/bench_pages.py), the time to import the
app's modules, and the load average while measuring (the machine is shared).

    .venv/bin/python benchmarks/bench_browser.py [--runs 3] [--two-arm | --crossover]
"""

from __future__ import annotations

import argparse
import os
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

# nav title -> page file; a page change waits for the page's charts on screen (not in
# an expander, a popover or a tab but the first: counted in AppTest's element tree)
PAGES = {
    "Mobility": "pages/mobility.py",
    "Disability": "pages/disability.py",
    "Cognition": "pages/cognition.py",
    "Biomarkers": "pages/biomarkers.py",
    "Patient-reported": "pages/patient_reported.py",
    "Safety": "pages/safety.py",
    "Progression": "pages/progression.py",
    "Patients": "pages/patients.py",
    "Subgroups": "pages/subgroups.py",
    "Arms": "pages/arms.py",
    "Planning": "pages/planning.py",
    "Data": "pages/data.py",
    "Export & report": "pages/export.py",
    "Overview": "pages/overview.py",
}
CROSSOVER_PAGES = {"Crossover": "pages/crossover.py"}
FIRST_CHART_S, PAGE_CHANGE_S = 4.0, 1.0

# the page's charts: not the hidden warm-up chart of msc_dash/ui/warmup.py in the sidebar
_DRAWN = ("() => [...document.querySelectorAll('[data-testid=\"stMain\"] .js-plotly-plot')]"
          ".filter(e => e.querySelector('.main-svg')).length")
_SCROLL = """async () => {
    const main = document.querySelector('[data-testid="stMain"]') || document.body;
    for (let y = 0; y < main.scrollHeight; y += 500) {
        main.scrollTo(0, y); await new Promise(r => requestAnimationFrame(r));
    }
    main.scrollTo(0, 0);
}"""


def _start(port: int) -> subprocess.Popen:
    # as `make run`: compiled modules are cached (__pycache__) even where the shell says not to
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", str(ROOT / "app.py")],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})


def _wait_health(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


def _shown(node, hidden: bool = False) -> int:
    """Charts of an AppTest element tree drawn on screen without a click."""
    kind = getattr(node, "type", "")
    if kind == "plotly_chart":
        return 0 if hidden else 1
    children = list(getattr(node, "children", {}).values())
    if kind in ("expander", "popover"):
        hidden = True
    if kind == "tab_container":
        return sum(_shown(c, hidden or k > 0) for k, c in enumerate(children))
    return sum(_shown(c, hidden) for c in children)


def expected_charts(sample: str, pages: dict) -> dict:
    """title -> charts on screen after the page's run (AppTest, second run of the page)."""
    import bench_pages

    out = {}
    for title, path in pages.items():
        at = bench_pages._app(sample)
        at.run()
        at.switch_page(path).run()
        at.run()
        out[title] = _shown(at._tree)
    return out


def _all_drawn(page, want: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while page.evaluate(_DRAWN) < want:
        # stale charts of the previous page are replaced: count only once Streamlit is idle
        page.evaluate(_SCROLL)
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {page.evaluate(_DRAWN)} of {want} charts drew")


def _change(page, title: str, want: int) -> tuple[float, int]:
    """(seconds to every chart drawn, bytes received over the websocket)."""
    h1 = "() => (document.querySelector('[data-testid=\"stMain\"] h1') || {}).innerText || ''"
    before = page.evaluate(h1)
    received[0] = 0
    start = time.perf_counter()
    page.get_by_role("link", name=title, exact=True).click()
    # the new page's title replaces the old one's (the charts of the old page may linger)
    page.wait_for_function(f"() => ({h1})() !== {before!r} && ({h1})() !== ''",
                           timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    _all_drawn(page, want)
    return time.perf_counter() - start, received[0]


received = [0]  # bytes of the server's websocket messages since the last click


def _count_bytes(ws) -> None:
    ws.on("framereceived", lambda payload: received.__setitem__(
        0, received[0] + len(payload)))


def one_run(browser, data: str, pages: dict, wants: dict) -> dict:
    """Times of one fresh server: first chart and every page change (cold, warm)."""
    port = _free_port()
    t0 = time.perf_counter()
    proc = _start(port)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_health(url)
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        page.on("websocket", _count_bytes)
        page.goto(f"{url}/?data={data}")
        page.wait_for_function(_DRAWN + " >= 1", timeout=120_000)
        out = {"first chart": time.perf_counter() - t0}
        for phase in ("cold", "warm"):
            for title in pages:
                out[(phase, title)], out[("bytes", title)] = _change(page, title, wants[title])
        context.close()
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def server_share(sample: str, pages: dict, repeats: int = 5) -> tuple[dict, float]:
    """The warm rerun of each page (ms, page script alone) and the entrypoint's share,
    as benchmarks/bench_pages.py measures them."""
    import bench_pages

    result = bench_pages.measure(sample, repeats, list(pages.values()))
    return ({title: result["rows"][path][1] for title, path in pages.items()
             if path in result["rows"]}, result["entry"])


def import_time() -> float:
    """Seconds to import app.py's modules in a fresh interpreter (no script run)."""
    code = ("import time; t = time.perf_counter(); import streamlit, msc_dash.ui.a11y, "
            "msc_dash.ui.auth, msc_dash.ui.data, msc_dash.ui.filters, msc_dash.ui.presenter, "
            "msc_dash.ui.settings, msc_dash.ui.state, msc_dash.outcomes; "
            "print(time.perf_counter() - t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout) for _ in range(3)]
    return statistics.median(runs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--two-arm", action="store_true")
    which.add_argument("--crossover", action="store_true")
    args = parser.parse_args(argv)
    exe = shutil.which("chromium")
    if exe is None:
        raise SystemExit("needs Debian's chromium (make chromium)")
    from playwright.sync_api import sync_playwright

    data = "two_arm" if args.two_arm else "crossover" if args.crossover else "single"
    pages = {**(CROSSOVER_PAGES if args.crossover else {}), **PAGES}
    wants = expected_charts(data, pages)
    load_before = os.getloadavg()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        runs = [one_run(browser, data, pages, wants) for _ in range(args.runs)]
        browser.close()
    load_after = os.getloadavg()
    server, entry = server_share(data, pages)
    imports = import_time()
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"Browser benchmark, {data} sample, headless Chromium 1280x720, "
          f"median of {args.runs} fresh servers; load average (1 min) "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after")
    flag = "" if med["first chart"] <= FIRST_CHART_S else "  <-- over target"
    print(f"first chart after server start: {med['first chart']:.2f} s "
          f"(target {FIRST_CHART_S:.0f} s){flag}; runs: "
          + ", ".join(f"{r['first chart']:.2f}" for r in runs)
          + f"; importing the app's modules: {imports:.2f} s")
    print(f"{'page change to':<20}{'cold':>8}{'warm':>8}{'charts':>8}{'received':>10}"
          f"{'server rerun':>14}  (target {PAGE_CHANGE_S:.1f} s warm, every chart on "
          f"screen drawn; server: page script + {entry:.0f} ms entrypoint)")
    over = med["first chart"] > FIRST_CHART_S
    for title in pages:
        cold, warm = med[("cold", title)], med[("warm", title)]
        flag = "" if warm <= PAGE_CHANGE_S else "  <-- over target"
        over |= warm > PAGE_CHANGE_S
        kb = med[("bytes", title)] / 1024
        print(f"{title:<20}{cold:>7.2f}s{warm:>7.2f}s{wants[title]:>8}"
              f"{kb:>8.0f}KB{server.get(title, float('nan')):>12.0f}ms{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
