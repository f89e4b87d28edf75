"""Injection-anchored analyses, checked by hand, and their views on a domain page."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from msc_dash import anchored
from msc_dash.io import load_sample
from msc_dash.trial import Trial


def _trial(values_by_subject, inj_days=(0, 100, 200), doses=(50.0, 50.0, 50.0)):
    """Subjects with visits on days 0 (baseline), 50, 150, 250."""
    rows, inj = [], []
    for sid, vals in values_by_subject.items():
        for visit, day, v in zip(("BL", "D50", "D150", "D250"), (0, 50, 150, 250), vals,
                                 strict=True):
            rows.append((sid, visit, day, "SDMT", v))
        inj += [(sid, k + 1, d, "IT", dose) for k, (d, dose) in enumerate(
            zip(inj_days, doses, strict=True))]
    m = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "outcome", "value"])
    i = pd.DataFrame(inj, columns=["subject_id", "injection_number", "day", "route",
                                   "dose_million_cells"])
    return Trial.from_tables(pd.DataFrame({"subject_id": list(values_by_subject)}), m,
                             injections=i)


def test_anchor_is_the_latest_injection_before_the_visit():
    t = _trial({"a": [40, 42, 45, 47]}, inj_days=(0, 150, 200))
    a = anchored.anchored_changes(t, "SDMT").set_index("visit")
    # day 150 is an injection day: the visit is pre-dose, so it follows injection 1
    assert a.loc["D150", "injection_number"] == 1 and a.loc["D150", "days_since"] == 150
    assert a.loc["D250", "injection_number"] == 3 and a.loc["D250", "days_since"] == 50
    assert a["change"].tolist() == [2, 5, 7]
    assert a.loc["D250", "cumulative_dose"] == 150


def test_injection_number_slope_balanced_equals_ols():
    # complete, balanced data: the random-intercept slope equals the OLS slope of the
    # per-injection means (1, 2.5, 4.5 -> 1.75 per injection)
    t = _trial({"a": [40, 41, 43, 45], "b": [50, 51, 52, 54], "c": [30, 31, 32.5, 34.5]})
    r = anchored.injection_number_effect(anchored.anchored_changes(t, "SDMT"))
    assert r["table"]["mean"].tolist() == pytest.approx([1.0, 2.5, 4.5])
    assert r["slope"] == pytest.approx(np.polyfit([1, 2, 3], [1.0, 2.5, 4.5], 1)[0])
    assert r["ci_low"] < r["slope"] < r["ci_high"] and r["n_subjects"] == 3


def test_durability_by_hand():
    # SDMT rule: a change of 4 or more points. a, b, c improve at their first follow-up;
    # a loses it at day 150 (100 days later), b at day 250 (200 days), c keeps it
    # (censored at 200 days); d never improves and is not a responder
    t = _trial({"a": [40, 45, 42, 41], "b": [40, 45, 46, 41], "c": [40, 45, 46, 47],
                "d": [40, 41, 41, 41]})
    km = anchored.durability(t, "SDMT")
    assert km.attrs["n_responders"] == 3
    assert km["time"].tolist() == [0, 100, 200]
    assert km["survival"].tolist() == pytest.approx([1, 2 / 3, 1 / 3])
    assert km.attrs["median"] == 200


def test_dose_response_needs_differing_doses():
    same = _trial({s: [40, 41, 42, 43] for s in "abcd"})
    assert anchored.dose_response(same, "SDMT") is None
    assert anchored.dose_response(load_sample(), "SDMT")["n"] == 23


def test_domain_page_shows_the_anchored_views():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"),
                           default_timeout=120)
    at.session_state["data_choice"] = "Sample trial (simulated, single arm)"
    at.session_state["cognition_SDMT_anchored"] = True
    at.run()
    at.switch_page("pages/cognition.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(c.value for c in at.caption)
    r = anchored.injection_number_effect(anchored.anchored_changes(load_sample(), "SDMT"))
    assert f"per injection, p = {r['p']:.2f}" in text
    assert "Kaplan-Meier" in text and "Spearman rho" in text


def test_subject_injection_table_by_hand():
    t = _trial({"a": [40, 42, 45, 47]}, inj_days=(0, 100, 200))
    row = anchored.subject_injection_table(t, "a").iloc[0]
    # D50 follows injection 1, D150 injection 2, D250 injection 3
    assert row.to_dict() == {"outcome": "SDMT", "After injection 1": 2.0,
                             "After injection 2": 5.0, "After injection 3": 7.0}
