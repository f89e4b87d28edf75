"""The MSFC composite computed on load from T25FW, NHPT and PASAT
(docs/architecture.md, "Conventions")."""

from __future__ import annotations

import pandas as pd
import pytest

from msc_dash import load_trial


def test_msfc_is_derived_per_subject_and_visit_with_the_task_force_reference(tmp_path):
    rows = []
    values = {("a", "BL"): (6.0, 25.0, 50.0), ("a", "M12"): (5.0, 22.0, 52.0),
              ("b", "BL"): (12.0, 40.0, 30.0), ("b", "M12"): (14.0, 45.0, None)}
    for (s, v), (t25, nhpt, pasat) in values.items():
        day = 0 if v == "BL" else 365
        for code, x in (("T25FW", t25), ("NHPT", nhpt), ("PASAT", pasat)):
            if x is not None:
                rows.append((s, v, day, code, x))
    path = tmp_path / "measurements.csv"
    pd.DataFrame(rows, columns=["subject_id", "visit", "day", "outcome", "value"]).to_csv(
        path, index=False)
    trial = load_trial(path)
    msfc = trial.measurements[trial.measurements["outcome"] == "MSFC"].set_index(
        ["subject_id", "visit"])["value"]

    def by_hand(t25, nhpt, pasat):
        z_nhpt = (1 / nhpt - 0.0439) / 0.0101
        z_t25 = (t25 - 9.5353) / 11.4058
        z_pasat = (pasat - 45.0311) / 12.0771
        return (z_nhpt - z_t25 + z_pasat) / 3

    assert msfc[("a", "BL")] == pytest.approx(by_hand(6.0, 25.0, 50.0))
    assert msfc[("a", "M12")] == pytest.approx(by_hand(5.0, 22.0, 52.0))
    assert msfc[("b", "BL")] == pytest.approx(by_hand(12.0, 40.0, 30.0))
    assert ("b", "M12") not in msfc.index  # PASAT missing: no composite
    assert any("MSFC composite was computed" in w for w in trial.warnings)
    assert trial.outcome("MSFC").better == "higher"
