"""Benchmark the MMRM (a script, not a test).

Prints the median wall and CPU time of ``msc_dash.mmrm_table`` on the two-arm sample
(6 outcomes x 3 visits, unstructured covariance), of the single-arm sample's
per-outcome fits (17 outcomes x 4 visits) and of one fit on a generated
trial of 1,000 subjects x 3 visits.

Run: ``.venv/bin/python benchmarks/bench_mmrm.py [--reps 7]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from msc_dash.io import load_sample  # noqa: E402
from msc_dash.mmrm import mmrm, mmrm_table  # noqa: E402
from tests.reference.mmrm_inputs import dropout_trial  # noqa: E402


def median_time(fn, reps: int) -> tuple[float, float]:
    """Median wall and CPU seconds (CPU shows the cost on a shared, busy machine)."""
    wall, cpu = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=7)
    reps = ap.parse_args().reps
    two = load_sample("two_arm")
    single = load_sample("single")
    big = dropout_trial(n_per_arm=500)
    mmrm_table(two, "MSC-NP", "Saline")  # warm-up (imports)
    rows = [
        ("two-arm sample: mmrm_table (6 outcomes x 3 visits)",
         lambda: mmrm_table(two, "MSC-NP", "Saline")),
        ("single-arm sample: mmrm per outcome (17 x 4 visits)",
         lambda: [mmrm(single, c) for c in single.outcomes]),
        ("1,000 subjects x 3 visits, dropout: one mmrm (SDMT)",
         lambda: mmrm(big, "SDMT", treatment="MSC", control="Sham")),
    ]
    for label, fn in rows:
        wall, cpu = median_time(fn, reps)
        print(f"{label}: median {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU "
              f"over {reps} runs")


if __name__ == "__main__":
    main()
