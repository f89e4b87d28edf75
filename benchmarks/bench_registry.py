"""Registry-size data: load, effect table, filter change and a domain page, timed.

Generates a registry (``tests/registry_data.py``: two arms, 10 visits, 6 outcomes,
vectorised numpy, about 1 s per 100,000 subjects) as Parquet (subjects and
measurements tables) in a temporary folder, then runs each stage in a fresh
Python process (so each stage's peak memory is its own: the process's maximum
RSS, imports included) for every size:

* ``load``: ``msc_dash.load_trial`` of the two Parquet files (every check);
* ``table``: ``msc_dash.results.effect_table`` with the default AnalysisSettings;
* ``filter``: a new sidebar filter (MS type = SPMS and an age floor, as
  ``msc_dash.ui.filters`` builds it) applied with ``Trial.filter``, then the
  effect table of the filtered trial (what every page reads);
* ``page``: everything the Mobility page draws on the filtered trial: the trend
  models, and the trajectory, estimation, waterfall and responder charts of each
  mobility outcome, each turned into the JSON spec sent to the browser
  (``msc_dash.ui.charts.build_spec``); the specs' total size is printed.

The stages before the one timed (reading the tables, the full effect table) run
untimed in the same process, as the app would have them. Prints a table of
time and peak memory per stage and size, and the growth exponent (log-log slope
of time against subjects) per stage. Targets (issue 19): load < 10 s, table < 5 s,
filter change < 2 s, peak memory < 6 GB, exponent <= 1.1.

    .venv/bin/python benchmarks/bench_registry.py [--sizes 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("load", "table", "filter", "page")
TARGETS = {"load": 10.0, "table": 5.0, "filter": 2.0}
MEMORY_TARGET_MIB = 6 * 1024
EXPONENT_TARGET = 1.1
#: a registry is above the default row and cell limits of msc_dash.io.limits
LIMITS = {"MSC_DASH_MAX_ROWS": "20000000", "MSC_DASH_MAX_CELLS": "200000000"}


# ----------------------------------------------------------- one stage (child)
def _trial(folder: Path):
    import pandas as pd

    from msc_dash.trial import Trial

    return Trial.from_tables(pd.read_parquet(folder / "subjects.parquet"),
                             pd.read_parquet(folder / "measurements.parquet"))


def _filtered(trial):
    from msc_dash.ui.filters import criteria_from_values, filter_specs

    specs = filter_specs(trial)
    values = {s.column: s.default for s in specs}
    by = {s.column: s for s in specs}
    values["ms_type"] = ["SPMS"]
    values["age"] = (by["age"].low + 5, by["age"].high)
    return trial.filter(**criteria_from_values(specs, values))


def _page(trial, settings) -> int:
    """Build what the Mobility page draws; return the JSON bytes of its charts."""
    from msc_dash.charts import CHARTS
    from msc_dash.memo import compute
    from msc_dash.trends import trend_models
    from msc_dash.ui.charts import build_spec

    visit = trial.followup_visits[-1]
    size = 0
    for code in trial.outcomes_in("mobility"):
        compute(trend_models, trial, ci=settings.ci, outcomes=(code,))
        charts = [("trajectory", dict(outcome=code, subjects=True, show_subjects=False)),
                  ("estimation", dict(outcome=code, visit=visit)),
                  ("waterfall", dict(outcome=code, visit=visit)),
                  ("responders", dict(outcomes=(code,), visit=visit))]
        for name, params in charts:
            fig = CHARTS[name].build(trial, settings, **params)
            spec = build_spec(fig, CHARTS[name].describe(settings, **params)[0])
            size += len(json.dumps(spec.spec))
    return size


def run_stage(stage: str, folder: Path) -> dict:
    """Time one stage in this process; peak RSS of the process in MiB."""
    import resource

    import msc_dash
    import msc_dash.charts  # noqa: F401  (imports are the server's start-up, not a stage)
    import msc_dash.ui.charts  # noqa: F401
    import msc_dash.ui.filters  # noqa: F401  (the app has it from its first run)
    from msc_dash.results import effect_table
    from msc_dash.settings import AnalysisSettings

    settings = AnalysisSettings()
    extra = {}
    if stage == "load":
        start = time.perf_counter()
        trial = msc_dash.load_trial([folder / "subjects.parquet",
                                     folder / "measurements.parquet"])
        elapsed = time.perf_counter() - start
    else:
        trial = _trial(folder)
        if stage == "table":
            start = time.perf_counter()
            effect_table(trial, settings)
            elapsed = time.perf_counter() - start
        else:
            effect_table(trial, settings)  # the app had the unfiltered table
            start = time.perf_counter()
            filtered = _filtered(trial)
            effect_table(filtered, settings)
            elapsed = time.perf_counter() - start
            extra["subjects_after_filter"] = filtered.n_subjects
            if stage == "page":
                start = time.perf_counter()
                extra["json_bytes"] = _page(filtered, settings)
                elapsed = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"stage": stage, "seconds": elapsed, "peak_mib": rss,
            "measurements": len(trial.measurements), **extra}


# ------------------------------------------------------------------ driver
def _child(stage: str, folder: Path) -> dict:
    env = {**os.environ, **LIMITS, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, __file__, "--child", stage, str(folder)],
                         capture_output=True, text=True, env=env, check=False)
    if out.returncode:
        raise SystemExit(f"{stage} on {folder.name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def slope(sizes: list[int], seconds: list[float]) -> float:
    """Least-squares slope of log(seconds) on log(subjects).

    >>> round(slope([1000, 10000, 100000], [0.1, 1.0, 10.0]), 2)
    1.0
    """
    xs, ys = [math.log(s) for s in sizes], [math.log(max(t, 1e-6)) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return (sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
            / sum((x - mx) ** 2 for x in xs))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--stages", nargs="+", default=list(STAGES), choices=STAGES)
    parser.add_argument("--child", nargs=2, metavar=("STAGE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.path[:0] = [str(ROOT)]
        print(json.dumps(run_stage(args.child[0], Path(args.child[1]))))
        return 0
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from registry_data import write_registry

    load = os.getloadavg()[0]
    print(f"Registry benchmark: two arms, 10 visits x 6 outcomes per subject; each stage in "
          f"a fresh process; load average {load:.1f} on {os.cpu_count()} cores")
    results: dict[str, dict[int, dict]] = {s: {} for s in args.stages}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            folder = Path(tmp) / str(n)
            start = time.perf_counter()
            paths = write_registry(folder, n)
            mb = sum(p.stat().st_size for p in paths) / 1e6
            print(f"  {n:,} subjects: generated and written in "
                  f"{time.perf_counter() - start:.1f} s ({mb:.0f} MB of Parquet)", flush=True)
            for stage in args.stages:
                results[stage][n] = _child(stage, folder)
    print(f"\n{'stage':<8}" + "".join(f"{n:>22,}" for n in args.sizes)
          + f"{'exponent':>10}  target")
    bad = 0
    for stage in args.stages:
        rows = [results[stage][n] for n in args.sizes]
        cells = "".join(f"{r['seconds']:>9.2f} s {r['peak_mib']:>6.0f} MiB" for r in rows)
        exp = slope(args.sizes, [r["seconds"] for r in rows]) if len(rows) > 1 else float("nan")
        target = TARGETS.get(stage)
        top = rows[-1]
        ok = ((target is None or top["seconds"] < target) and top["peak_mib"] < MEMORY_TARGET_MIB
              and not exp > EXPONENT_TARGET)
        bad += not ok
        goal = f"< {target:.0f} s" if target else "(no target)"
        print(f"{stage:<8}{cells}{exp:>10.2f}  {goal}, < 6 GB, <= 1.1  "
              f"{'ok' if ok else 'MISSED'}")
    for stage in ("filter", "page"):
        if stage in results:
            r = results[stage][args.sizes[-1]]
            extra = (f", charts' JSON {r['json_bytes'] / 1e3:,.0f} kB"
                     if "json_bytes" in r else "")
            print(f"{stage}: {r['subjects_after_filter']:,} subjects after the filter{extra}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
