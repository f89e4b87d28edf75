"""Adverse-event rates after injections vs the rest of follow-up."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from msc_dash.injection_windows import rate_ratio_exact, window_rates
from msc_dash.trial import Trial

REF = Path(__file__).parent / "reference"


def test_rate_ratio_equals_r_poisson_test():
    # expected: stats::poisson.test in tests/reference/injection_rates.R
    inputs = pd.read_csv(REF / "injection_rates_inputs.csv")
    expected = pd.read_csv(REF / "injection_rates_expected.csv")
    assert len(inputs) == len(expected) > 20
    for r, e in zip(inputs.itertuples(), expected.itertuples(), strict=True):
        got = rate_ratio_exact(r.x1, r.t1, r.x2, r.t2)
        for key in ("rate_ratio", "ci_low", "ci_high"):
            assert got[key] == pytest.approx(getattr(e, key), rel=1e-9), (r.case, key)
        assert got["p"] == pytest.approx(e.p, rel=1e-7, abs=1e-300), r.case


def test_window_counts_by_hand():
    # one subject followed days 0..99 (100 days), injections on days 0 and 50, 7-day
    # windows (days 0-7 and 50-57: 16 days); events on days 3, 50, 57 (windows) and
    # 20, 80 (rest: 84 days); an event on day 120 is after follow-up and not counted
    s = pd.DataFrame({"subject_id": ["a"]})
    m = pd.DataFrame({"subject_id": "a", "visit": ["BL", "D99"], "day": [0, 99],
                      "outcome": "EDSS", "value": [6.0, 6.0]})
    inj = pd.DataFrame({"subject_id": "a", "injection_number": [1, 2], "day": [0, 50],
                        "route": ["IT", "IV"]})
    ae = pd.DataFrame({"subject_id": "a", "term": "x", "onset_day": [3, 50, 57, 20, 80]})
    t = window_rates(Trial.from_tables(s, m, ae, inj), 7).set_index("group")
    assert t.loc["All injections", "events_window"] == 3
    assert t.loc["All injections", "py_window"] == pytest.approx(16 / 365.25)
    assert t.loc["All injections", "events_rest"] == 2
    assert t.loc["All injections", "py_rest"] == pytest.approx(84 / 365.25)
    assert t.loc["Injection 1", "events_window"] == 1
    assert t.loc["Route IV", "events_window"] == 2
    assert t.loc["All injections", "rate_ratio"] == pytest.approx((3 / 16) / (2 / 84))
    assert np.isfinite(t.loc["Injection 2", "ci_high"])


def test_no_injections_gives_empty_table():
    s = pd.DataFrame({"subject_id": ["a"]})
    m = pd.DataFrame({"subject_id": "a", "visit": ["BL"], "day": [0], "outcome": "EDSS",
                      "value": [6.0]})
    assert window_rates(Trial.from_tables(s, m)).empty


def test_safety_page_shows_the_rate_ratio():
    from streamlit.testing.v1 import AppTest

    from msc_dash.io import load_sample
    from msc_dash.tables import format_ci

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"),
                           default_timeout=120)
    at.session_state["data_choice"] = "Sample trial (simulated, single arm)"
    at.run()
    at.switch_page("pages/safety.py").run()
    assert not at.exception
    tables = [d.value for d in at.dataframe if "Rate ratio [95% CI]" in d.value.columns]
    assert len(tables) == 1
    r = window_rates(load_sample(), 7).iloc[0]
    assert tables[0]["Rate ratio [95% CI]"].iloc[0] == format_ci(r.rate_ratio, r.ci_low,
                                                                  r.ci_high, 3)
    assert "Arm" not in tables[0].columns
