"""Exposure-adjusted safety rates against R (tests/reference/safety_rates.R) and by hand."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from msc_dash import load_sample
from msc_dash.exposure import quasi_poisson_ci, safety_rates, subject_exposure
from msc_dash.safety import poisson_ci
from msc_dash.trial import Trial

REF = Path(__file__).parent / "reference"
COLS = ("events", "patient_years", "event_rate", "event_rate_ci_low", "event_rate_ci_high",
        "dispersion", "event_rate_qp_low", "event_rate_qp_high", "subjects_with_event",
        "patient_years_at_risk", "eair", "eair_ci_low", "eair_ci_high")


@pytest.fixture(scope="module")
def expected():
    # R 4.x: poisson.test (exact), glm(quasipoisson) + confint.default, see the script
    return pd.read_csv(REF / "safety_rates.csv")


def test_samples_equal_r(expected):
    for which in ("single", "two_arm"):
        got = safety_rates(load_sample(which)).set_index("arm")
        want = expected[expected.case == which].set_index("arm")
        assert list(got.index) == list(want.index)
        for arm in want.index:
            for col in COLS:
                # R fits by IRLS (to 1e-14), ours is the closed form
                rel = 1e-8 if col in ("dispersion", "event_rate_qp_low",
                                      "event_rate_qp_high") else 1e-9
                assert got.loc[arm, col] == pytest.approx(want.loc[arm, col], rel=rel), (
                    which, arm, col)
        assert set(got["exposure_source"].str.split(":").str[0]) == {
            "last contact (latest measurement, injection or event)"}


def test_overdispersed_rates_equal_r(expected):
    inputs = pd.read_csv(REF / "safety_rates_inputs.csv")
    d = inputs[inputs.case == "overdispersed"]
    want = expected[expected.case == "overdispersed"].set_index("arm")
    for arm, g in [*d.groupby("arm"), ("Total", d)]:
        lo, hi, phi = quasi_poisson_ci(g.events, g.years)
        e = want.loc[arm]
        assert phi == pytest.approx(e.dispersion, rel=1e-8)  # R: IRLS
        assert (100 * lo, 100 * hi) == pytest.approx(
            (e.event_rate_qp_low, e.event_rate_qp_high), rel=1e-8)
        assert phi > 2  # clustered: the quasi-Poisson CI is wider than the exact one
        assert e.event_rate_qp_high > e.event_rate_ci_high
        elo, ehi = poisson_ci(int(g.has_event.sum()), g.years_at_risk.sum())
        assert (100 * elo, 100 * ehi) == pytest.approx((e.eair_ci_low, e.eair_ci_high),
                                                       rel=1e-9)


def _trial(subjects: dict, ae: list[tuple]) -> Trial:
    s = pd.DataFrame(subjects)
    m = pd.DataFrame({"subject_id": s.subject_id, "visit": "BL", "day": 0,
                      "outcome": "SDMT", "value": 40.0})
    a = pd.DataFrame(ae, columns=["subject_id", "onset_day"]).assign(term="Headache")
    return Trial.from_tables(s, m, a)


def test_exposure_source_and_time_at_risk_by_hand():
    # a: TRTSDT/TRTEDT 1000..1365 -> 366 days; b: TRTDUR 200; c: neither, last contact =
    # its event on day 50. Events: a at days 10, 20, 400 (after exposure: not counted),
    # b none, c at 50.
    t = _trial({"subject_id": ["a", "b", "c"], "TRTSDT": [1000, np.nan, np.nan],
                "TRTEDT": [1365, np.nan, np.nan], "TRTDUR": [np.nan, 200, np.nan]},
               [("a", 10), ("a", 20), ("a", 400), ("c", 50)])
    e = subject_exposure(t).set_index("subject_id")
    assert e.exposure_days.tolist() == [366.0, 200.0, 50.0]
    assert e.source.tolist() == ["dates", "trtdur", "last_contact"]
    r = safety_rates(t).iloc[0]
    py = (366 + 200 + 50) / 365.25
    assert r.events == 3 and r.patient_years == pytest.approx(py)
    assert r.event_rate == pytest.approx(300 / py)
    # at risk: a until its first event (10), b all 200, c until day 50
    assert r.subjects_with_event == 2
    assert r.patient_years_at_risk == pytest.approx((10 + 200 + 50) / 365.25)
    assert r.eair == pytest.approx(200 / ((10 + 200 + 50) / 365.25))
    assert r.exposure_source == ("ADSL TRTSDT to TRTEDT: 1; ADSL TRTDUR: 1; last contact "
                                 "(latest measurement, injection or event): 1")
    assert safety_rates(t).attrs["events_after_exposure"] == 1


def test_adam_subjects_keep_treatment_dates():
    from msc_dash.adam import _subjects

    adsl = pd.DataFrame({"USUBJID": ["x", "y"], "TRT01A": ["P", "P"],
                         "TRTSDT": [19725.0, 19210.0], "TRTEDT": [19906.0, 19237.0],
                         "TRTDUR": [182, 28]})
    out = _subjects("adsl.xpt", adsl)
    assert out.TRTSDT.tolist() == [19725.0, 19210.0]
    assert out.TRTEDT.tolist() == [19906.0, 19237.0]
