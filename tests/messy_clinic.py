"""A messy wide clinic export (issue 13, item 2): free-text headers, a `Treatment group`
column and the 9-Hole Peg Test of each hand, as a clinic's spreadsheet has them."""

from __future__ import annotations

import numpy as np
import pandas as pd

VISITS = (("Baseline", 0), ("Month 6", 182), ("Month 12", 365))


def messy_clinic_frame(n_per_arm: int = 12, seed: int = 7) -> pd.DataFrame:
    """One row per patient x visit; the MSC arm's peg times fall, the placebo arm's rise."""
    rng = np.random.default_rng(seed)
    rows = []
    for a, arm in enumerate(("MSC", "Placebo")):
        for k in range(n_per_arm):
            pid = f"P{a}{k:02d}"
            sex = "F" if k % 2 else "M"
            site = "North" if k % 3 else "South"
            age = int(40 + rng.integers(0, 20))
            dom, nondom = rng.normal(24, 3), rng.normal(27, 3)
            walk, edss = rng.normal(8, 1.5), float(rng.choice([4.0, 5.0, 6.0]))
            for j, (visit, day) in enumerate(VISITS):
                drift = (-1.2 if arm == "MSC" else 1.0) * j
                rows.append({
                    "Patient No.": pid, "Treatment group": arm, "Visit": visit,
                    "Days from baseline": day, "Sex": sex, "Age (y)": age, "Site": site,
                    "EDSS": edss,
                    "T25FW (s)": round(walk + 0.2 * j + rng.normal(0, 0.3), 1),
                    "9HPT dominant (s)": round(dom + drift + rng.normal(0, 0.8), 1),
                    "9HPT non-dominant (s)": round(nondom + drift + rng.normal(0, 0.8), 1),
                    "SDMT": int(45 + rng.integers(-3, 4)),
                })
    return pd.DataFrame(rows)


def messy_clinic_csv(**kw) -> bytes:
    """The frame as the CSV a clinic would export."""
    return messy_clinic_frame(**kw).to_csv(index=False).encode()
