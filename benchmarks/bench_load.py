"""Loading speed: ``msc_dash.load_trial`` against plain pandas on the same files.

Writes a generated trial (subjects and measurements; ``--sizes`` subjects, 6
visits x 6 outcomes each) as CSV and as Parquet into a temporary folder, then
times, median of ``--repeats``:

* ``pandas``: ``pandas.read_csv`` / ``read_parquet`` of the same files (the floor);
* ``load_trial``: reading, every check and the assembled ``Trial``;

and prints the ratio (target: load_trial within 3x of pandas) and the peak
memory traced by ``tracemalloc`` during one load. Beside the wall-clock times,
the CPU times (``time.process_time``, every thread) and their ratio: on a
shared machine they move much less than wall-clock time.

    .venv/bin/python benchmarks/bench_load.py [--sizes 1000 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_effects import scaled_trial  # noqa: E402

import msc_dash  # noqa: E402

TARGET_RATIO = 3.0


def write(folder: Path, n_subjects: int, fmt: str) -> list[Path]:
    """The trial's subjects and measurements tables as files of format ``fmt``."""
    trial = scaled_trial(n_subjects=n_subjects, n_visits=6, n_outcomes=6)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    meas = trial.measurements.copy()
    for code, part in meas.groupby("outcome"):  # keep every value in its valid range
        lo, hi = trial.registry[code].valid_range
        meas.loc[part.index, "value"] = part["value"].clip(lo, hi)
    for name, table in (("subjects", trial.subjects), ("measurements", meas)):
        table = table[[c for c in table.columns if not c.startswith("_")]]
        path = folder / f"{name}.{fmt}"
        if fmt == "csv":
            table.to_csv(path, index=False)
        else:
            table.to_parquet(path, index=False)
        paths.append(path)
    return paths


def _median(func, repeats: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds of ``func()``."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def _peak_mib(func) -> float:
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"load_trial vs pandas, median of {args.repeats} (target: within "
          f"{TARGET_RATIO:.0f}x of pandas)")
    print(f"{'subjects':>9}{'rows':>10} {'format':<8}{'pandas':>9}{'load_trial':>12}"
          f"{'ratio':>8}{'CPU pandas':>12}{'CPU ours':>10}{'ratio':>8}{'peak MiB':>10}")
    over = False
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            for fmt in ("csv", "parquet"):
                paths = write(Path(tmp) / f"{n}_{fmt}", n, fmt)
                read = pd.read_csv if fmt == "csv" else pd.read_parquet
                rows = sum(len(read(p)) for p in paths)
                floor, floor_cpu = _median(
                    lambda paths=paths, read=read: [read(p) for p in paths], args.repeats)
                ours, ours_cpu = _median(lambda paths=paths: msc_dash.load_trial(paths),
                                         args.repeats)
                peak = _peak_mib(lambda paths=paths: msc_dash.load_trial(paths))
                ratio = ours / floor
                over |= ratio > TARGET_RATIO
                flag = "" if ratio <= TARGET_RATIO else "  <-- over target"
                print(f"{n:>9,}{rows:>10,} {fmt:<8}{floor:>8.2f}s{ours:>11.2f}s"
                      f"{ratio:>7.1f}x{floor_cpu:>11.2f}s{ours_cpu:>9.2f}s"
                      f"{ours_cpu / max(floor_cpu, 1e-9):>7.1f}x{peak:>10.0f}{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
