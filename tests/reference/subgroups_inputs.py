"""Write the per-subject changes that tests/reference/subgroups.R models (run: make reference).

One row per subject and case ("sample|variable|outcome|visit"): arm, subgroup level,
baseline and change, from both bundled samples; numeric variables split at the median.
"""

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent

CASES = {
    "two_arm": [(v, o, vis) for v in ("ms_type", "sex", "age", "baseline_edss")
                for o in ("SDMT", "T25FW", "EDSS") for vis in ("Month 6", "Month 12")],
    "single": [(v, o, "Month 12") for v in ("ms_type", "sex", "age")
               for o in ("SDMT", "EDSS", "NFL")],
}


def cases() -> pd.DataFrame:
    from msc_dash import load_sample
    from msc_dash.subgroups import _changes

    parts = []
    for which, specs in CASES.items():
        t = load_sample(which)
        for variable, outcome, visit in specs:
            ch = _changes(t, variable, outcome, visit, None)
            parts.append(pd.DataFrame({
                "case": f"{which}|{variable}|{outcome}|{visit}", "arms": len(t.arms),
                "arm": ch["arm"].to_numpy(), "level": ch["level"].astype(str).to_numpy(),
                "baseline": ch["baseline"].to_numpy(), "change": ch["change"].to_numpy()}))
    return pd.concat(parts, ignore_index=True)


if __name__ == "__main__":
    out = cases()
    out.to_csv(HERE / "subgroups_inputs.csv", index=False, float_format="%.17g")
    print(f"wrote {len(out)} rows, {out['case'].nunique()} cases")
