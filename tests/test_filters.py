"""Sidebar filters: the offered filters, criteria from widget values, the filtered trial
against hand-computed subsets, and URL filters checked against the data."""

import numpy as np
import pandas as pd
import pytest
from conftest import build_trial

from msc_dash.trial import Trial
from msc_dash.ui.filters import (
    FilterSpec,
    criteria_from_values,
    describe_criteria,
    filter_specs,
    values_from_view,
)
from msc_dash.ui.urlstate import decode_view, encode_view


@pytest.fixture(scope="module")
def trial():
    t = build_trial(n_per_arm=20, arms=("MSC", "Placebo"), seed=5)
    s = t.subjects.drop(columns="n_injections").copy()
    rng = np.random.default_rng(0)
    s["site"] = rng.choice(["Jerusalem", "Haifa", "Tel Aviv"], len(s))
    s["bmi"] = np.round(rng.uniform(18.3, 34.9, len(s)), 1)
    s.loc[3, "bmi"] = np.nan
    s["screening_code"] = [f"X{i}" for i in range(len(s))]   # an identifier: no filter
    s["country"] = "IL"                                      # one value: no filter
    inj = t.injections[~((t.injections.subject_id == s.subject_id[0])
                         & (t.injections.injection_number == 2))]
    return Trial.from_tables(s, t.measurements, t.adverse_events, inj)


def _specs(trial):
    return {s.column: s for s in filter_specs(trial)}


def test_offered_filters(trial):
    specs = filter_specs(trial)
    assert [s.column for s in specs] == ["arm", "ms_type", "sex", "age", "baseline_edss",
                                         "disease_duration_years", "n_injections", "site",
                                         "bmi"]
    by = {s.column: s for s in specs}
    assert by["arm"].options == ("MSC", "Placebo") and by["arm"].counts == (20, 20)
    assert by["site"].kind == "categorical"
    assert by["age"].integer and (by["age"].low, by["age"].high) == (
        trial.subjects.age.min(), trial.subjects.age.max())
    assert by["baseline_edss"].step == 0.5
    assert (by["n_injections"].low, by["n_injections"].high) == (1, 2)
    bmi = by["bmi"]
    assert bmi.step == pytest.approx(0.1)
    assert bmi.low <= trial.subjects.bmi.min() and bmi.high >= trial.subjects.bmi.max()
    assert by["disease_duration_years"].low <= trial.subjects.disease_duration_years.min()


def test_single_arm_has_no_arm_filter():
    assert "arm" not in [s.column for s in filter_specs(build_trial())]


def test_filtered_trial_matches_hand_subset(trial):
    specs = filter_specs(trial)
    by = {s.column: s for s in specs}
    values = {s.column: s.default for s in specs}
    values.update(ms_type=["SPMS"], sex=["F", "M"], age=(40, by["age"].high),
                  site=["Haifa", "Jerusalem"], bmi=(20.0, 30.0), arm=[])
    criteria = criteria_from_values(specs, values)
    # an unchanged range and an empty selection are no filter; both sexes stay as chosen
    assert set(criteria) == {"ms_type", "sex", "age", "site", "bmi"}
    got = trial.filter(**criteria)
    s = trial.subjects
    keep = ((s.ms_type == "SPMS") & (s.age >= 40) & s.site.isin(["Haifa", "Jerusalem"])
            & s.bmi.between(20, 30))
    assert set(got.subjects.subject_id) == set(s.subject_id[keep])
    assert set(got.measurements.subject_id) == set(s.subject_id[keep])
    assert 3 not in s.index[keep]  # missing BMI leaves once BMI is narrowed


def test_full_ranges_keep_missing_values(trial):
    specs = filter_specs(trial)
    values = {s.column: s.default for s in specs}
    assert criteria_from_values(specs, values) == {}


def test_injection_count_filter(trial):
    crit = criteria_from_values(filter_specs(trial), {"n_injections": (2, 2)})
    got = trial.filter(**crit)
    assert got.n_subjects == trial.n_subjects - 1
    assert trial.subjects.subject_id[0] not in set(got.subjects.subject_id)


def test_criteria_are_canonical(trial):
    specs = filter_specs(trial)
    a = criteria_from_values(specs, {"site": ["Tel Aviv", "Haifa"]})
    b = criteria_from_values(specs, {"site": ["Haifa", "Tel Aviv"]})
    assert a == b == {"site": ["Haifa", "Tel Aviv"]}
    assert trial.filter(**a).cache_key == trial.filter(**b).cache_key


def test_describe():
    specs = [FilterSpec("ms_type", "MS type", "categorical", options=("PPMS", "SPMS")),
             FilterSpec("bmi", "BMI (kg/m²)", "range", low=18.0, high=35.0, step=0.1)]
    assert describe_criteria({"ms_type": ["PPMS", "SPMS"], "bmi": (20.5, 30.0)}, specs) == [
        "MS type: PPMS, SPMS", "BMI 20.5–30"]


def test_url_filters_round_trip_through_the_trial(trial):
    specs = filter_specs(trial)
    criteria = {"ms_type": ["SPMS"], "age": (40, 55), "bmi": (20.0, 30.5)}
    view, problems = decode_view(encode_view({"filters": criteria}))
    values, more = values_from_view(specs, view["filters"])
    assert problems == more == []
    assert criteria_from_values(specs, values) == criteria
    pd.testing.assert_frame_equal(trial.filter(**criteria_from_values(specs, values)).subjects,
                                  trial.filter(**criteria).subjects)


def test_url_filters_checked_against_the_data(trial):
    specs = filter_specs(trial)
    values, problems = values_from_view(specs, {
        "ms_type": ["RRMS"], "age": ["a", "b"], "bmi": [10, 99], "screening_code": ["X1"],
        "arm": ["Placebo"]})
    bmi = trial.subjects.bmi  # rounded to 0.1, so the slider ends are the data's ends
    assert values == {"bmi": (bmi.min(), bmi.max()), "arm": ["Placebo"]}
    assert problems == [
        "Link filter `ms_type`: ignored `RRMS` (not in the data).",
        "Link filter `age`: expected \\[low, high\\].",
        "Link filter `screening_code`: no such subject variable.",
    ]
