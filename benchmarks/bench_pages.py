"""Page rerun time on the sample trial: the server's share of every click.

Runs the app headless with Streamlit's AppTest, opens each results page,
warms the cache with one run, then times ``repeats`` reruns and prints the
median and the slowest. Target: median < 300 ms per page on a warm cache.

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
TARGET_MS = 300


def time_page(page: str, repeats: int, two_arm: bool) -> tuple[float, float, float]:
    """(first run, median rerun, slowest rerun) of ``page`` in milliseconds."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    if two_arm:
        at.radio(key="data_choice").set_value(TWO_ARM)
        at.run()
    start = time.perf_counter()
    at.switch_page(page)
    at.run()
    first = (time.perf_counter() - start) * 1000
    if at.exception:
        raise SystemExit(f"{page} raised: {at.exception[0].message}")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
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
    print(f"{'page':<28}{'first run':>12}{'median':>10}{'slowest':>10}")
    slow = []
    for page in PAGES:
        first, median, worst = time_page(page, args.repeats, args.two_arm)
        flag = "" if median < TARGET_MS else "  <-- over target"
        print(f"{page:<28}{first:>10.0f}ms{median:>8.0f}ms{worst:>8.0f}ms{flag}")
        if median >= TARGET_MS:
            slow.append(page)
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
