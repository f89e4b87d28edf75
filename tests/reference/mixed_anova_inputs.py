"""Write the complete-case rows that tests/reference/mixed_anova.R analyses (make reference).

Two-arm sample, subjects with a value at every visit (baseline included) of the
outcome; one row per subject x visit; ``case`` names the outcome and the scale
("T25FW|raw" is the raw-scale analysis the issue quotes, "T25FW|log" what the app runs).
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
CASES = (("T25FW", "raw"), ("T25FW", "log"), ("NHPT", "log"), ("SDMT", "raw"),
         ("EDSS", "raw"), ("MSWS12", "raw"))


def cases() -> pd.DataFrame:
    from msc_dash import load_sample

    t = load_sample("two_arm")
    long = t.long()
    parts = []
    for code, scale in CASES:
        d = long[(long.outcome == code) & long.value.notna()]
        d = d.groupby(["subject_id", "arm", "visit"], as_index=False, sort=False)["value"].mean()
        per = d.groupby("subject_id")["visit"].nunique()
        d = d[d.subject_id.isin(per.index[per == len(t.visits)])]
        rank = {v: i for i, v in enumerate(t.visits)}
        parts.append(pd.DataFrame({
            "case": f"{code}|{scale}", "subject_id": d.subject_id, "arm": d.arm,
            "visit": d.visit, "visit_index": d.visit.map(rank),
            "value": np.log(d.value) if scale == "log" else d.value}))
    return pd.concat(parts, ignore_index=True).sort_values(
        ["case", "subject_id", "visit_index"], kind="stable")


if __name__ == "__main__":
    out = cases()
    out.to_csv(HERE / "mixed_anova_inputs.csv", index=False, float_format="%.17g")
    print(f"wrote {len(out)} rows, {out['case'].nunique()} cases")
