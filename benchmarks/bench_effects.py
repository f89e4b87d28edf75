"""Benchmark the effect-size engine (a script, not a test).

1. The full effect table of the sample trial at n_boot = 2000 with
   ``msc_dash.effect_sizes`` against the same table built cell by cell with
   ``pingouin.compute_bootci`` (plus scipy / statsmodels for the tests), in one
   run; prints medians, the speed-up (against the whole reference table and
   against its compute_bootci calls alone: scipy's Wilcoxon permutation test
   for tied data with n <= 13 costs ~0.7 s a call) and the largest difference.
2. The scaled case, 5,000 subjects x 6 visits x 10 outcomes: time and peak
   memory (tracemalloc peak of Python allocations, and process max RSS).

Run: ``.venv/bin/python benchmarks/bench_effects.py [--reps 5] [--pg-reps 1]``
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from msc_dash.effects import effect_sizes, paired_frame  # noqa: E402
from msc_dash.settings import AnalysisSettings  # noqa: E402
from msc_dash.trial import Trial  # noqa: E402


def sample_trial() -> Trial:
    """The bundled sample, or a random trial of the same size if not generated yet."""
    from msc_dash import TrialDataError, load_sample

    try:
        return load_sample()
    except TrialDataError:
        from conftest import build_trial

        codes = ["T25FW", "NHPT", "EDSS", "FSS_SUM", "SDMT", "PASAT", "NFL", "GFAP",
                 "MSIS29_PHYS", "MSIS29_PSYCH", "MSWS12", "FS_PYRAMIDAL", "FS_CEREBELLAR",
                 "FS_SENSORY", "MSFC"]
        specs = {c: (20.0 + i, 4.0, 1.0 if i % 3 else -1.0, i % 2 == 0)
                 for i, c in enumerate(codes)}
        specs["EDSS"] = (6.0, 0.5, -0.2, False)
        visits = (("Baseline", 0), ("Post-injection 1", 90), ("Post-injection 2", 200),
                  ("Month 12", 365), ("Month 18", 540))
        return build_trial(n_per_arm=23, outcomes=specs, visits=visits, seed=5)


def scaled_trial(n_subjects=5000, n_visits=6, n_outcomes=10, seed=0) -> Trial:
    """A large random trial built with numpy (baseline + n_visits - 1 follow-ups)."""
    rng = np.random.default_rng(seed)
    codes = ["T25FW", "NHPT", "EDSS", "FSS_SUM", "SDMT", "PASAT", "NFL", "GFAP",
             "MSIS29_PHYS", "MSWS12"][:n_outcomes]
    ids = np.array([f"S{i:05d}" for i in range(n_subjects)])
    subjects = pd.DataFrame({"subject_id": ids, "arm": np.where(
        np.arange(n_subjects) % 2, "Placebo", "MSC")})
    frames = []
    for k, code in enumerate(codes):
        base = rng.lognormal(np.log(10 + 3 * k), 0.3, n_subjects)
        for v in range(n_visits):
            value = base if v == 0 else base * rng.lognormal(-0.02 * v, 0.1, n_subjects)
            if code == "EDSS":
                value = np.clip(np.round(value / 2 * 2) / 2, 0, 10)
            frames.append(pd.DataFrame({
                "subject_id": ids, "visit": "Baseline" if v == 0 else f"Month {3 * v}",
                "day": 0 if v == 0 else 90 * v, "outcome": code, "value": value}))
    return Trial.from_tables(subjects, pd.concat(frames, ignore_index=True))


BOOTCI_SECONDS = [0.0]  # time spent inside pingouin.compute_bootci, summed over cells


def pingouin_table(trial: Trial, n_boot=2000, seed=0) -> pd.DataFrame:
    """The effect table's statistics cell by cell with pingouin / scipy / statsmodels."""
    import pingouin as pg
    from scipy import stats
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.proportion import proportion_confint

    rows = []
    for arm in trial.arms:
        for code in trial.outcomes:
            out = trial.outcome(code)
            for visit in trial.followup_visits:
                f = paired_frame(trial, code, visit)
                f = f[f["arm"] == arm].sort_values("subject_id")
                v, b = f["value"].to_numpy(), f["baseline"].to_numpy()
                row = {"arm": arm, "outcome": code, "visit": visit}
                d = v - b
                if len(v) >= 3 and np.std(d) > 0:
                    s = out.sign
                    row["hedges_g"] = s * pg.compute_effsize(v, b, paired=True,
                                                             eftype="hedges")
                    t0 = time.perf_counter()
                    ci = pg.compute_bootci(v, b, func="hedges", paired=True, n_boot=n_boot,
                                           seed=seed, method="bca", decimals=10)
                    BOOTCI_SECONDS[0] += time.perf_counter() - t0
                    lo, hi = (ci[0], ci[1]) if s > 0 else (-ci[1], -ci[0])
                    row.update(hedges_g_ci_low=lo, hedges_g_ci_high=hi,
                               p_ttest=stats.ttest_rel(v, b).pvalue,
                               p_wilcoxon=_exact_wilcoxon(v, b),
                               rank_biserial=s * pg.wilcoxon(np.round(d, 10), np.zeros_like(d))[
                                   "RBC"].iloc[0])
                    if out.meaningful_change is not None:
                        k = int((out.classify(b, v) == 1).sum())
                        lo, hi = proportion_confint(k, len(v), method="wilson")
                        row.update(improved_ci_low=100 * lo, improved_ci_high=100 * hi)
                rows.append(row)
    table = pd.DataFrame(rows)
    table["p_adjusted"] = np.nan
    for _, idx in table.groupby(["arm", "visit"]).groups.items():
        p = table.loc[idx, "p_ttest"]
        ok = p.notna()
        if ok.any():
            table.loc[p[ok].index, "p_adjusted"] = multipletests(p[ok], method="holm")[1]
    return table


def _exact_wilcoxon(v, b) -> float:
    """scipy's exact sign-flip permutation p of the changes (rounded off float noise).

    Enumerates all 2**m flips, so only up to m = 16 non-zero changes (NaN beyond,
    left out of the comparison).
    """
    from scipy import stats

    d = np.round(v - b, 10)
    d = d[d != 0]  # dropped by the test anyway; scipy would enumerate 2**n with them
    if len(d) == 1:  # S is 0 or 1, both equally far from E = 1/2
        return 1.0
    if len(d) > 16:
        return np.nan
    return stats.wilcoxon(d, method=stats.PermutationMethod(n_resamples=np.inf)).pvalue


def timed(func, reps):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--pg-reps", type=int, default=1)
    parser.add_argument("--n-boot", type=int, default=2000)
    parser.add_argument("--skip-scaled", action="store_true")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # pingouin's own deprecation chatter only

    trial = sample_trial()
    cells = len(trial.arms) * len(trial.outcomes) * len(trial.followup_visits)
    settings = AnalysisSettings(n_boot=args.n_boot)
    effect_sizes(trial, settings=settings)  # warm-up: imports, caches
    ours, table = timed(lambda: effect_sizes(trial, settings=settings), args.reps)
    import pingouin  # noqa: F401  (import time is not part of the comparison)

    ref_time, ref = timed(lambda: pingouin_table(trial, n_boot=args.n_boot), args.pg_reps)
    bootci = BOOTCI_SECONDS[0] / args.pg_reps
    merged = table.merge(ref, on=["arm", "outcome", "visit"], suffixes=("", "_ref"))
    cols = [c for c in ref.columns if c not in ("arm", "outcome", "visit")]
    diff = max(float(np.nanmax(np.abs(merged[c] - merged[f"{c}_ref"]))) for c in cols)

    print(f"sample trial: {trial.n_subjects} subjects, {len(trial.outcomes)} outcomes, "
          f"{len(trial.followup_visits)} follow-up visits, {cells} cells, "
          f"n_boot={args.n_boot}")
    print(f"{'engine':<34}{'reps':>5}{'median':>12}")
    print(f"{'msc_dash.effect_sizes':<34}{args.reps:>5}{ours * 1e3:>10.1f} ms")
    print(f"{'pingouin.compute_bootci per cell':<34}{args.pg_reps:>5}{ref_time * 1e3:>10.1f} ms")
    print(f"{'  of which compute_bootci':<34}{args.pg_reps:>5}{bootci * 1e3:>10.1f} ms")
    print(f"speed-up: {ref_time / ours:.0f}x whole table, {bootci / ours:.0f}x against "
          f"compute_bootci alone   max |difference| over {len(cols)} columns: {diff:.1e}")

    if not args.skip_scaled:
        big = scaled_trial()
        tracemalloc.start()
        t0 = time.perf_counter()
        big_table = effect_sizes(big, settings=settings)
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"scaled: {big.n_subjects} subjects x {len(big.visits)} visits x "
              f"{len(big.outcomes)} outcomes ({len(big.measurements):,} measurements), "
              f"{len(big_table)} rows, ci_method={sorted(set(big_table['ci_method']))}")
        print(f"  time {elapsed:.2f} s   peak traced memory {peak / 2**20:.0f} MiB   "
              f"process max RSS {maxrss:.0f} MiB")


if __name__ == "__main__":
    main()
