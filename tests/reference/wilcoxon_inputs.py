"""Write the paired changes that tests/reference/wilcoxon.R tests (run: make reference).

One row per subject and case: every arm x outcome x follow-up cell of both bundled
samples (``case`` = "sample|arm|outcome|visit"), plus generated cases: float noise
that must tie (1.1 - 1.8 vs 2.1 - 2.8), many ties beyond the exact limit (normal
approximation), and one change among zeros (an FS score).
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def sample_cases() -> pd.DataFrame:
    from msc_dash import load_sample
    from msc_dash.effects import paired_frame

    parts = []
    for which in ("single", "two_arm"):
        t = load_sample(which)
        for code in t.outcomes:
            for visit in t.followup_visits:
                f = paired_frame(t, code, visit)
                for arm, g in f.groupby("arm", sort=False):
                    parts.append(pd.DataFrame({
                        "case": f"{which}|{arm}|{code}|{visit}",
                        "value": g["value"].to_numpy(), "baseline": g["baseline"].to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def generated_cases() -> pd.DataFrame:
    rng = np.random.default_rng(13)
    cases = {
        # float differences -0.7000000000000001 and -0.6999999999999997 must tie
        "float_ties": ([1.8, 2.8, 3.3, 5.0, 4.4, 2.0], [1.1, 2.1, 3.1, 4.1, 4.9, 2.6]),
        "one_change_among_zeros": ([0.0] * 21 + [1.0], [0.0] * 21 + [3.0]),
    }
    b = rng.integers(6, 14, 80) / 2
    cases["edss_like_80"] = (b, b + rng.integers(-2, 2, 80) / 2)
    b = rng.integers(20, 40, 45).astype(float)
    cases["ties_45"] = (b, b + rng.integers(-3, 5, 45))
    b = np.round(rng.normal(50, 10, 120), 1)
    cases["continuous_120"] = (b, np.round(b + rng.normal(1, 5, 120), 1))
    rows = [pd.DataFrame({"case": k, "value": v, "baseline": bb})
            for k, (bb, v) in cases.items()]
    return pd.concat(rows, ignore_index=True)


if __name__ == "__main__":
    out = pd.concat([sample_cases(), generated_cases()], ignore_index=True)
    out.to_csv(HERE / "wilcoxon_inputs.csv", index=False, float_format="%.10g")
    print(f"wrote {len(out)} rows, {out['case'].nunique()} cases")
