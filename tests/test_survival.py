"""Kaplan-Meier, log-rank and Cox against R's survival package.

Expected values: tests/reference/survival_km.csv and survival_tests.csv, written
by tests/reference/survival.R (survfit with conf.type = "log", survdiff,
coxph(ties = "efron")) from survival_input.csv (tests/reference/survival_inputs.py).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from msc_dash import load_sample
from msc_dash.survival import (
    _median,
    compare_arms_survival,
    kaplan_meier,
    time_to_event,
)

REF = Path(__file__).parent / "reference"
INPUT = pd.read_csv(REF / "survival_input.csv")
KM = pd.read_csv(REF / "survival_km.csv")
TESTS = pd.read_csv(REF / "survival_tests.csv").set_index("dataset")
CONTROL = {"two_arm_edss_plus": ("MSC-NP", "Saline"), "tied": ("Treated", "Control")}


@pytest.mark.parametrize("dataset", sorted(CONTROL))
def test_kaplan_meier_equals_survfit(dataset):
    data = INPUT[INPUT["dataset"] == dataset]
    for arm, rows in data.groupby("arm"):
        ours = kaplan_meier(rows["time"], rows["event"]).reset_index(drop=True)
        r = KM[(KM["dataset"] == dataset) & (KM["arm"] == arm)].reset_index(drop=True)
        assert len(ours) == len(r)
        for col in ("day", "at_risk", "events", "censored", "survival", "ci_low", "ci_high"):
            np.testing.assert_allclose(ours[col], r[col], rtol=1e-10, atol=1e-12, err_msg=col)


@pytest.mark.parametrize("dataset", sorted(CONTROL))
def test_logrank_and_cox_equal_survdiff_and_coxph(dataset):
    data = INPUT[INPUT["dataset"] == dataset]
    r = TESTS.loc[dataset]
    p, hr = compare_arms_survival(data, *CONTROL[dataset])
    assert p == pytest.approx(r["logrank_p"], rel=1e-9)
    assert hr["coef"] == pytest.approx(r["coef"], rel=1e-6)
    assert hr["se"] == pytest.approx(r["se"], rel=1e-6)
    assert hr["p"] == pytest.approx(r["wald_p"], rel=1e-6)
    for ours, theirs in (("hr", "hr"), ("ci_low", "hr_low"), ("ci_high", "hr_high")):
        assert hr[ours] == pytest.approx(r[theirs], rel=1e-6)


@pytest.mark.parametrize("dataset", sorted(CONTROL))
def test_median_equals_survfit(dataset):
    data = INPUT[INPUT["dataset"] == dataset]
    r = TESTS.loc[dataset]
    expected = dict(zip(r["median_arms"].split(";"), r["median_days"].split(";"), strict=True))
    for arm, rows in data.groupby("arm"):
        ours = _median(rows["time"], rows["event"])
        if expected[arm] == "NA":
            assert np.isnan(ours)
        else:
            assert ours == pytest.approx(float(expected[arm]))


def test_time_to_event_on_the_two_arm_sample_matches_r():
    res = time_to_event(load_sample("two_arm"), "EDSS_PLUS")
    r = TESTS.loc["two_arm_edss_plus"]
    assert res.logrank_p == pytest.approx(r["logrank_p"], rel=1e-9)
    assert res.hazard_ratio["hr"] == pytest.approx(r["hr"], rel=1e-6)
    km = KM[(KM["dataset"] == "two_arm_edss_plus") & (KM["arm"] == "Saline")]
    # survival by one year is the last survfit value at or before day 365.25
    expected = km.loc[km["day"] <= 365.25, "survival"].iloc[-1]
    assert res.survival_at(365.25, arm="Saline") == pytest.approx(expected, rel=1e-12)
    prop = res.proportions.set_index(["arm", "years"]).loc[("Saline", 1)]
    assert prop["proportion"] == pytest.approx(1 - expected, rel=1e-12)
    # follow-up ends near day 383, so two years is beyond it: not estimable
    assert np.isnan(res.proportions.set_index(["arm", "years"]).loc[("Saline", 2), "proportion"])
    assert res.summary()["events"].tolist() == [1, 7]


def test_single_arm_has_no_comparison():
    res = time_to_event(load_sample("single"), "EDSS")
    assert res.logrank_p is None and res.hazard_ratio is None
    assert res.arms == ["All"]
    assert res.survival_at(0) == 1.0
    assert np.isnan(res.survival_at(10_000))


def test_methods_text_names_every_setting():
    res = time_to_event(load_sample("two_arm"), "EDSS_PLUS", confirm_days=168,
                        baseline="roving", relapses=pd.DataFrame(
                            {"subject_id": ["H01"], "onset_day": [100]}))
    text = res.methods_text
    for words in ("EDSS-Plus", "168 days (24 weeks)", "7 days earlier", "730.5 days later",
                  "every visit in between", "roving", "1.5 points from baseline EDSS 0",
                  "1.0 up to 5.5", "T25FW: 20% of baseline", "within 30 days after a relapse",
                  "within 90 days", "(PIRA)", "(RAW)", "log-rank", "Efron", "MSC-NP vs Saline",
                  "95%", "censored at the last assessment", "msprog"):
        assert words in text, words


def test_monotone_likelihood_gives_no_hazard_ratio():
    # every control event happens while treated subjects are at risk, the one treated
    # event when only treated subjects remain: the Cox estimate goes to -infinity
    f = pd.DataFrame({"arm": list("aaabbb"), "time": [1, 2, 3, 1, 4, 5],
                      "event": [1, 1, 0, 0, 1, 0]})
    p, hr = compare_arms_survival(f, "b", "a")
    assert hr is None and 0 < p < 1


def test_headline_splits_pira_and_raw_with_relapses():
    from msc_dash.survival import headline_text

    t = load_sample("two_arm")
    # H10's EDSS worsening starts on day 92: a relapse on day 60 makes it RAW
    # (32 days before onset, within 90); the other seven are PIRA (no relapse near them)
    res = time_to_event(t, "EDSS_PLUS", relapses=pd.DataFrame(
        {"subject_id": ["H10"], "onset_day": [60]}))
    assert headline_text(res).endswith("Of 8 confirmed worsening(s): 7 PIRA, 1 RAW, "
                                       "0 unclassified.")
