"""Write per-subject event counts and exposure for tests/reference/safety_rates.R (make reference).

From both bundled samples (via msc_dash.exposure: exposure = last contact there, time at
risk censored at the first event) and a generated overdispersed trial; one row per
subject with exposure: case, arm, events, years, has_event, years_at_risk.
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def cases() -> pd.DataFrame:
    from msc_dash import load_sample
    from msc_dash.exposure import _first_onset, subject_exposure
    from msc_dash.safety import DAYS_PER_YEAR

    parts = []
    for which in ("single", "two_arm"):
        t = load_sample(which)
        e = _first_onset(t, subject_exposure(t))
        e = e[e.exposure_days > 0]
        parts.append(pd.DataFrame({
            "case": which, "arm": e.arm, "events": e.events,
            "years": e.exposure_days / DAYS_PER_YEAR, "has_event": e.has_event.astype(int),
            "years_at_risk": e.days_at_risk / DAYS_PER_YEAR}))
    rng = np.random.default_rng(6)
    n = 60
    years = rng.uniform(0.2, 2.0, n)
    events = rng.negative_binomial(1, 1 / (1 + 1.5 * years))  # mean 1.5 / year, clustered
    parts.append(pd.DataFrame({
        "case": "overdispersed", "arm": np.where(np.arange(n) < 30, "A", "B"),
        "events": events, "years": years, "has_event": (events > 0).astype(int),
        "years_at_risk": np.where(events > 0, years * rng.uniform(0.05, 1, n), years)}))
    return pd.concat(parts, ignore_index=True)


if __name__ == "__main__":
    out = cases()
    out.to_csv(HERE / "safety_rates_inputs.csv", index=False, float_format="%.17g")
    print(f"wrote {len(out)} rows")
