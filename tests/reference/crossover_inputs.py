"""Inputs of tests/reference/crossover.R: crossover period responses.

Run from the repository root (``make reference`` does): writes

* ``crossover_trial/*.csv``: a generated two-treatment, three-period trial
  (sequences MSC-Sham-Sham and Sham-MSC-MSC, 30 subjects, some periods
  missing; seed 18) loaded by the tests with :func:`msc_dash.load_trial`;
* ``crossover_inputs.csv``: for each case, the rows ``y ~ sequence + period +
  treatment (+ baseline) + (1 | subject)`` is fitted to, from
  :func:`msc_dash.crossover.period_data` (the tests check that function by hand
  separately). The cases: the crossover sample (T25FW log change, EDSS change,
  SDMT end value adjusted for baseline, NHPT change with a 30-day washout) and
  the generated trial (EDSS change, NFL log change).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
#: case -> (trial, outcome, response, washout_days, treatment, control)
CASES = {
    "sample_t25fw_change": ("sample", "T25FW", "change", 0),
    "sample_edss_change": ("sample", "EDSS", "change", 0),
    "sample_sdmt_end": ("sample", "SDMT", "end", 0),
    "sample_nhpt_washout30": ("sample", "NHPT", "change", 30),
    "three_period_edss_change": ("three_period", "EDSS", "change", 0),
    "three_period_nfl_change": ("three_period", "NFL", "change", 0),
}


def three_period_tables() -> dict[str, pd.DataFrame]:
    """A 2-treatment, 3-period trial (ABB/BAA) with missing periods (seed 18)."""
    rng = np.random.default_rng(18)
    n = 30
    ids = [f"S{i + 1:02d}" for i in range(n)]
    seq = np.where(np.arange(n) % 2 == 0, "MSC-Sham-Sham", "Sham-MSC-MSC")
    level = rng.normal(0, 0.4, n)
    nfl_level = rng.normal(np.log(12), 0.3, n)
    rows, per = [], []
    for i, sid in enumerate(ids):
        trts = seq[i].split("-")
        n_periods = 3 - int(i % 7 == 3) - int(i % 11 == 5)
        edss, nfl = 5.0 + np.round(level[i] * 2) / 2, nfl_level[i]
        rows += [(sid, "Day 0", 0, "EDSS", edss), (sid, "Day 0", 0, "NFL", np.exp(nfl))]
        for k in range(n_periods):
            start, end = 120 * k, 120 * (k + 1)
            per.append((sid, k + 1, trts[k], start, end))
            msc = trts[k] == "MSC"
            step = (-0.5 if msc else 0.5) * (rng.random() < 0.5) + 0.5 * rng.integers(-1, 2)
            edss = float(np.clip(edss + step + 0.5 * (k == 2) * (rng.random() < 0.3), 0, 9.5))
            nfl = nfl + (-0.1 if msc else 0.05) + rng.normal(0, 0.15)
            day = end - int(rng.integers(0, 5))  # visits up to 4 days before the crossover
            rows += [(sid, f"Day {end}", day, "EDSS", edss),
                     (sid, f"Day {end}", day, "NFL", round(float(np.exp(nfl)), 2))]
    subjects = pd.DataFrame({"subject_id": ids, "sequence": seq})
    meas = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "outcome", "value"])
    periods = pd.DataFrame(per, columns=["subject_id", "period", "treatment", "start_day",
                                         "end_day"])
    return {"subjects": subjects, "measurements": meas, "periods": periods}


def load(which: str):
    """The trial of a case: the crossover sample or the generated three-period trial."""
    from msc_dash.io import load_sample, load_trial

    if which == "sample":
        return load_sample("crossover")
    folder = HERE / "crossover_trial"
    return load_trial(sorted(folder.glob("*.csv")))


def main() -> None:
    from msc_dash.crossover import period_data

    folder = HERE / "crossover_trial"
    folder.mkdir(exist_ok=True)
    for name, frame in three_period_tables().items():
        frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    parts = []
    for case, (which, outcome, response, washout) in CASES.items():
        d = period_data(load(which), outcome, response=response, washout_days=washout)
        parts.append(d.assign(case=case, response=response, control="Sham"))
    out = pd.concat(parts, ignore_index=True)
    cols = ["case", "response", "control", "subject_id", "sequence", "period", "treatment",
            "y", "baseline"]
    out[cols].to_csv(HERE / "crossover_inputs.csv", index=False, float_format="%.17g",
                     lineterminator="\n")


if __name__ == "__main__":
    main()
