"""Page rerun time on the samples: the server's share of every click.

Runs the app headless with Streamlit's AppTest on a warm cache (each page run
twice first, so its figures and analyses are built) and prints medians over
``--repeats`` reruns (target: at most 30 ms per page, issue 19).

What is timed is the page script's own run: ``StreamlitPage.run`` of the page
(its Python code and every ``st.*`` call it makes, i.e. the messages it
queues), wall clock, in the script thread. AppTest's own work (parsing the
messages into an element tree, about as long again) is not counted, and the
compiled page is kept between runs as a server keeps it. AppTest
(streamlit 1.67) runs a page of a ``pages/`` folder alone after
``switch_page``; the entrypoint (app.py: data source, sidebar filters and
settings, navigation), which a server runs before every page, is timed on
the Overview run through the entrypoint and printed as its own column.
The presenter (slides drawn by the entrypoint, ``?present=1``) is timed as a
whole app run.

    .venv/bin/python benchmarks/bench_pages.py [--repeats 7] [--two-arm | --crossover | --all]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from streamlit.navigation.page import StreamlitPage
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_PAGES = ["pages/overview.py", "pages/mobility.py", "pages/disability.py",
                "pages/cognition.py", "pages/biomarkers.py", "pages/patient_reported.py",
                "pages/other.py", "pages/safety.py"]
MORE_PAGES = ["pages/progression.py", "pages/patients.py", "pages/subgroups.py",
              "pages/arms.py", "pages/planning.py", "pages/data.py", "pages/export.py"]
PAGES = DOMAIN_PAGES + MORE_PAGES
SAMPLES = {  # sample -> (sidebar choice, pages)
    "single": ("Sample trial (simulated, single arm)", PAGES),
    "two_arm": ("Sample two-arm trial (simulated)", PAGES),
    "crossover": ("Sample crossover trial (simulated)", ["pages/crossover.py", *PAGES]),
}
PRESENTER = "presenter"
TARGET_MS = 30  # issue 19: a warm rerun of every page at most 30 ms server-side

_runs: list[tuple[int, float]] = []  # (nesting depth, ms) of every StreamlitPage.run
_depth = [0]
_page_run = StreamlitPage.run


def _timed_run(self):
    _depth[0] += 1
    start = time.perf_counter()
    try:
        return _page_run(self)
    finally:
        _depth[0] -= 1
        _runs.append((_depth[0], (time.perf_counter() - start) * 1000))


StreamlitPage.run = _timed_run


def _shared_script_cache() -> None:
    """One compiled-script cache for every AppTest run, as a server keeps one.

    AppTest (1.67) makes a new ``ScriptCache`` per run, so every rerun would
    compile the page file again (up to 30 ms for a long page), which a server
    does once.
    """
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


_shared_script_cache()


def _app(sample: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    # sidebar choices must be in session state before the first run
    at.session_state["data_choice"] = SAMPLES[sample][0]
    return at


def _timed(at: AppTest) -> tuple[float, float]:
    """(outermost page run, innermost page run) of one rerun, ms."""
    _runs.clear()
    at.run()
    if at.exception:
        raise SystemExit(f"raised: {at.exception[0].message}")
    return max(ms for d, ms in _runs if d == 0), min(ms for d, ms in _runs)


def time_entrypoint(repeats: int, sample: str, presenter: bool = False) -> tuple[float, float]:
    """(whole app on the Overview or the presenter, its entrypoint share) in ms, medians."""
    from msc_dash.ui import state

    at = _app(sample)
    if presenter:
        at.session_state[state.PRESENT_KEY] = True
        at.session_state[state.SLIDE_KEY] = 0
    at.run()

    def rerun():
        # forget the page: AppTest then runs the entrypoint (default page = Overview)
        at._finished_page_script_hash = ""
        return _timed(at)

    rerun()
    rerun()
    times = [rerun() for _ in range(repeats)]
    whole = statistics.median(t[0] for t in times)
    if presenter:  # the slides are the entrypoint's: no page runs under it
        return whole, whole
    return whole, statistics.median(t[0] - t[1] for t in times)


def time_page(page: str, repeats: int, sample: str) -> tuple[float, float, float] | None:
    """(first run, median rerun, slowest rerun) of ``page`` alone, in milliseconds.

    None when the sample's navigation has no such page (Other outcomes, Crossover).
    """
    at = _app(sample)
    at.run()
    try:
        at.switch_page(page)
    except ValueError:
        return None
    first = _timed(at)[0]
    _timed(at)  # a second run: widgets made by the first get their values
    times = [_timed(at)[0] for _ in range(repeats)]
    return first, statistics.median(times), max(times)


def measure(sample: str, repeats: int, pages: list[str] | None = None) -> dict:
    """Every page of ``sample``: page -> (first, median, slowest) ms, plus the entrypoint."""
    pages = pages or SAMPLES[sample][1]
    rows = {page: time_page(page, repeats, sample) for page in pages}
    rows = {page: times for page, times in rows.items() if times is not None}
    app_ms, entry_ms = time_entrypoint(repeats, sample)
    slides, _ = time_entrypoint(repeats, sample, presenter=True)
    return {"rows": rows, "app": app_ms, "entry": entry_ms, "presenter": slides}


def report(sample: str, result: dict, repeats: int) -> list[str]:
    """Print the table of one sample; return the pages over target."""
    print(f"\nPage rerun, {sample} sample, warm, page script's own time, median of "
          f"{repeats} reruns (target <= {TARGET_MS} ms)")
    print(f"entrypoint (sidebar, navigation) before every page: {result['entry']:.1f} ms; "
          f"whole app on the Overview: {result['app']:.1f} ms")
    print(f"{'page':<28}{'first run':>11}{'median':>9}{'slowest':>9}{'+ entrypoint':>14}")
    slow = []
    rows = dict(result["rows"])
    for page, (first, median, worst) in rows.items():
        flag = "" if median <= TARGET_MS else "  <-- over target"
        print(f"{page:<28}{first:>9.0f}ms{median:>7.1f}ms{worst:>7.1f}ms"
              f"{median + result['entry']:>12.1f}ms{flag}")
        if median > TARGET_MS:
            slow.append(f"{sample}:{page}")
    ms = result["presenter"]
    flag = "" if ms <= TARGET_MS else "  <-- over target"
    print(f"{'presenter (whole app)':<28}{'':>11}{ms:>7.1f}ms{'':>9}{ms:>12.1f}ms{flag}")
    if ms > TARGET_MS:
        slow.append(f"{sample}:{PRESENTER}")
    return slow


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--two-arm", action="store_true", help="the two-arm sample")
    which.add_argument("--crossover", action="store_true", help="the crossover sample")
    which.add_argument("--all", action="store_true", help="all three samples")
    parser.add_argument("--pages", nargs="*", help="only these page files")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    samples = (list(SAMPLES) if args.all else ["two_arm"] if args.two_arm
               else ["crossover"] if args.crossover else ["single"])
    slow = []
    for sample in samples:
        slow += report(sample, measure(sample, args.repeats, args.pages), args.repeats)
    if slow:
        print("\nover target:", ", ".join(slow))
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
