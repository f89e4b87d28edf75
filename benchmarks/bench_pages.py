"""Page rerun time on the sample trial: the server's share of every click.

Runs the app headless with Streamlit's AppTest on a warm cache and prints
medians over ``--repeats`` runs (target: at most 30 ms per page, issue 19):

* the whole app on the Overview (entrypoint: data source, sidebar filters and
  settings, navigation; then the page), rerun in one session;
* each results page alone: AppTest (streamlit 1.67) reruns only the page
  script after the first run, which times the page without the sidebar;
  "with sidebar" adds the entrypoint's share measured on the Overview.

    .venv/bin/python benchmarks/bench_pages.py [--repeats 7] [--two-arm]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["pages/overview.py", "pages/mobility.py", "pages/disability.py",
         "pages/cognition.py", "pages/biomarkers.py", "pages/patient_reported.py",
         "pages/safety.py"]
TWO_ARM = "Sample two-arm trial (simulated)"
TARGET_MS = 30  # issue 19: a warm rerun of every page at most 30 ms server-side


def _app(two_arm: bool) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    if two_arm:  # sidebar choices must be in session state before the first run
        at.session_state["data_choice"] = TWO_ARM
    return at


def _ms(run) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def time_app(repeats: int, two_arm: bool) -> float:
    """Median ms of a whole-app rerun on the Overview in one session (warm cache)."""
    at = _app(two_arm)
    at.run()

    def rerun():
        # forget the page: AppTest then runs the entrypoint (default page = Overview)
        at._finished_page_script_hash = ""
        at.run()

    rerun()
    return statistics.median(_ms(rerun) for _ in range(repeats))


def time_page(page: str, repeats: int, two_arm: bool) -> tuple[float, float, float]:
    """(first run, median rerun, slowest rerun) of ``page`` alone, in milliseconds."""
    at = _app(two_arm)
    at.run()
    at.switch_page(page)
    first = _ms(at.run)
    if at.exception:
        raise SystemExit(f"{page} raised: {at.exception[0].message}")
    times = [_ms(at.run) for _ in range(repeats)]
    return first, statistics.median(times), max(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--two-arm", action="store_true", help="use the two-arm sample")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    label = "two-arm sample" if args.two_arm else "single-arm sample"
    print(f"Page rerun time, {label}, warm cache, median of {args.repeats} reruns "
          f"(target < {TARGET_MS} ms)")
    app_ms = time_app(args.repeats, args.two_arm)
    rows = {page: time_page(page, args.repeats, args.two_arm) for page in PAGES}
    shell = max(app_ms - rows[PAGES[0]][1], 0.0)
    print(f"whole app on the Overview: {app_ms:.0f} ms "
          f"(entrypoint and sidebar: ~{shell:.0f} ms)")
    print(f"{'page':<28}{'first run':>11}{'median':>9}{'slowest':>9}{'with sidebar':>14}")
    slow = []
    for page, (first, median, worst) in rows.items():
        total = median + shell
        flag = "" if total < TARGET_MS else "  <-- over target"
        print(f"{page:<28}{first:>9.0f}ms{median:>7.0f}ms{worst:>7.0f}ms{total:>12.0f}ms{flag}")
        if total >= TARGET_MS:
            slow.append(page)
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
