"""Write the time-to-event inputs that tests/reference/survival.R reads.

Two data sets, rows ``dataset, arm, time, event``:

- ``two_arm_edss_plus``: the bundled two-arm sample's first 12-week confirmed
  EDSS-Plus worsening per subject (msc_dash.progression.confirmed_events);
- ``tied``: 80 generated subjects (seed 16) with times rounded to 30 days, so
  that many event times tie within and across arms (Efron's correction matters).

Run from the repository root: ``python tests/reference/survival_inputs.py``.
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def inputs() -> pd.DataFrame:
    from msc_dash import load_sample
    from msc_dash.progression import confirmed_events

    e = confirmed_events(load_sample("two_arm"), "EDSS_PLUS")
    e = e[e["time"].notna()]
    first = pd.DataFrame({"dataset": "two_arm_edss_plus", "arm": e["arm"],
                          "time": e["time"], "event": e["event"]})
    rng = np.random.default_rng(16)
    arm = np.repeat(["Treated", "Control"], 40)
    t = rng.exponential(np.where(arm == "Treated", 900, 500))
    c = rng.uniform(200, 800, len(t))
    time = np.ceil(np.minimum(t, c) / 30) * 30
    tied = pd.DataFrame({"dataset": "tied", "arm": arm, "time": time,
                         "event": (t <= c).astype(int)})
    return pd.concat([first, tied], ignore_index=True)


if __name__ == "__main__":
    inputs().to_csv(HERE / "survival_input.csv", index=False)
