"""Inputs of tests/reference/injection_rates.R: event counts and patient-years.

Writes ``injection_rates_inputs.csv``: for every row of
:func:`msc_dash.injection_windows.window_rates` on the single-arm and crossover
samples (7-day window), the events and patient-years in the windows and in the
rest of follow-up (the tests check that counting by hand separately), plus a few
edge cases (no events in the window; none outside it).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent


def main() -> None:
    from msc_dash.injection_windows import window_rates
    from msc_dash.io import load_sample

    parts = []
    for which in ("single", "crossover"):
        t = window_rates(load_sample(which), 7)
        parts.append(pd.DataFrame({
            "case": which + ": " + t["arm"] + ": " + t["group"], "x1": t["events_window"],
            "t1": t["py_window"], "x2": t["events_rest"], "t2": t["py_rest"]}))
    parts.append(pd.DataFrame({"case": ["edge: none in window", "edge: none outside"],
                               "x1": [0, 7], "t1": [0.5, 0.4], "x2": [9, 0], "t2": [12.0, 8.0]}))
    pd.concat(parts).to_csv(HERE / "injection_rates_inputs.csv", index=False,
                            float_format="%.17g", lineterminator="\n")


if __name__ == "__main__":
    main()
