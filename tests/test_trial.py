"""Trial: derived views, filtering against hand-computed subsets, fingerprints."""

import pandas as pd
import pytest
from conftest import build_trial

from msc_dash.trial import SINGLE_ARM, Trial


def test_visits_ordered_by_median_day(small_trial):
    assert small_trial.visits == ["Baseline", "Month 3", "Month 6", "Month 12"]
    assert small_trial.baseline_visit == "Baseline"
    assert small_trial.followup_visits == ["Month 3", "Month 6", "Month 12"]


def test_single_arm_gets_all(small_trial):
    assert small_trial.arms == [SINGLE_ARM] and small_trial.is_single_arm


def test_absent_tables_are_empty_with_columns():
    t = Trial.from_tables(pd.DataFrame({"subject_id": ["a"]}),
                          pd.DataFrame({"subject_id": ["a"], "visit": ["BL"], "day": [0],
                                        "outcome": ["EDSS"], "value": [6.0]}))
    assert t.adverse_events.empty and {"subject_id", "term", "serious"} <= set(
        t.adverse_events.columns)
    assert t.injections.empty and "injection_number" in t.injections
    assert t.subjects["n_injections"].tolist() == [0]


def test_filter_list_range_and_scalar():
    t = build_trial(n_per_arm=20, seed=5)
    s = t.subjects
    expected = set(s.loc[(s.ms_type == "SPMS") & s.age.between(40, 55), "subject_id"])
    f = t.filter(ms_type=["SPMS"], age=(40, 55))
    assert set(f.subjects.subject_id) == expected
    assert set(f.measurements.subject_id) <= expected
    assert set(f.adverse_events.subject_id) <= expected
    assert len(f.measurements) == t.measurements.subject_id.isin(expected).sum()
    assert dict(f.filters) == {"ms_type": ["SPMS"], "age": (40, 55)}
    assert t.filter(sex="F").subjects.sex.eq("F").all()
    assert t.filter(age=(None, 45)).subjects.age.le(45).all()
    assert t.filter(ms_type=None).n_subjects == t.n_subjects


def test_filter_to_nobody_is_empty_not_error(small_trial):
    f = small_trial.filter(ms_type=["RRMS"])
    assert f.n_subjects == 0 and f.measurements.empty and f.visits == []


def test_filter_unknown_column_names_it(small_trial):
    with pytest.raises(KeyError, match="`bogus` is not a column of subjects"):
        small_trial.filter(bogus=["x"])


def test_fingerprint_stable_under_row_order(small_trial):
    t = small_trial
    shuffled = Trial.from_tables(t.subjects.sample(frac=1, random_state=3),
                                 t.measurements.sample(frac=1, random_state=4),
                                 t.adverse_events, t.injections)
    assert shuffled.fingerprint == t.fingerprint
    changed = t.measurements.copy()
    changed.loc[0, "value"] += 1
    assert Trial.from_tables(t.subjects, changed, t.adverse_events,
                             t.injections).fingerprint != t.fingerprint


def test_cache_key_follows_filters_and_settings(small_trial):
    a = small_trial.filter(ms_type=["SPMS"])
    b = small_trial.filter(ms_type=["SPMS"])
    assert a.cache_key == b.cache_key != small_trial.cache_key
    assert small_trial.filter(ms_type=["PPMS"]).cache_key != a.cache_key
    from msc_dash.outcomes import REGISTRY, MeaningfulChange
    other = small_trial.with_registry(REGISTRY.with_rule("SDMT", MeaningfulChange("absolute", 3)))
    assert other.cache_key != small_trial.cache_key


def test_outcomes_in_domain(small_trial):
    assert small_trial.outcomes_in("mobility") == ["T25FW"]
    assert small_trial.outcomes_in("biomarker") == ["NFL"]
