"""Adverse-event summaries against counts made by hand on a small trial."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import msc_dash
from msc_dash import safety
from msc_dash.findings import safety_numbers
from msc_dash.report import safety_summary
from msc_dash.trial import Trial

# Five subjects in two arms:
#   a (MSC):     visits day 0, 180, 365; injections day 0, 90; 3 events
#   b (MSC):     visits day 0, 180;      injection day 0;       1 event (serious)
#   c (MSC):     baseline only (no visit after baseline), no injection, no event
#   d (Placebo): visits day 0, 365;      injections day 0, 90;  1 event, severity missing
#   e (Placebo): visits day 0, 365;      injection day 0;       no event
SUBJECTS = pd.DataFrame({"subject_id": list("abcde"),
                         "arm": ["MSC", "MSC", "MSC", "Placebo", "Placebo"],
                         "sex": list("MFMFM"), "age": [50, 45, 60, 55, 40]})
_VISITS = {"a": [0, 180, 365], "b": [0, 180], "c": [0], "d": [0, 365], "e": [0, 365]}
_NAMES = {0: "Baseline", 180: "Month 6", 365: "Month 12"}
MEASUREMENTS = pd.DataFrame(
    [(sid, _NAMES[d], d, code, v + d / 100)
     for sid, days in _VISITS.items() for d in days
     for code, v in (("EDSS", 6.0), ("NFL", 12.0))],
    columns=["subject_id", "visit", "day", "outcome", "value"])
MEASUREMENTS.loc[MEASUREMENTS["outcome"] == "EDSS", "value"] = 6.0
INJECTIONS = pd.DataFrame({
    "subject_id": ["a", "a", "b", "d", "d", "e"],
    "injection_number": [1, 2, 1, 1, 2, 1],
    "day": [0, 90, 0, 0, 90, 0],
})
EVENTS = pd.DataFrame({
    "subject_id": ["a", "a", "a", "b", "d"],
    "term": ["Headache", "Headache", "Back pain", "Meningitis", "Headache"],
    "body_system": ["Nervous system disorders", "Nervous system disorders",
                    "Musculoskeletal disorders", "Infections", "Nervous system disorders"],
    "onset_day": [2, 95, 200, 5, 96],
    "severity": ["mild", "moderate", "mild", "severe", None],
    "serious": [False, False, False, True, False],
    "related": ["probable", "possible", "not related", "possible", "unlikely"],
    # a's day-95 headache names no injection: matched to injection 2 (day 90)
    "injection_number": [1, np.nan, 2, 1, 2],
})


@pytest.fixture
def trial():
    return Trial.from_tables(SUBJECTS, MEASUREMENTS, EVENTS, INJECTIONS)


@pytest.fixture
def no_ae_trial():
    return Trial.from_tables(SUBJECTS, MEASUREMENTS, None, INJECTIONS)


def test_headline_counts_by_hand(trial):
    assert safety.safety_headline(trial) == {
        "n_subjects": 5, "n_events": 5, "n_subjects_with_event": 3, "n_serious": 1,
        "n_subjects_serious": 1}
    assert safety_numbers(trial)["n_serious"] == 1  # findings uses this module
    assert safety.headline_text(trial) == "1 serious adverse event (1 subject) in 5 subjects"


def test_headline_unknown_seriousness_is_nan(trial):
    t = Trial.from_tables(SUBJECTS, MEASUREMENTS, EVENTS.assign(serious=None), INJECTIONS)
    h = safety.safety_headline(t)
    assert math.isnan(h["n_serious"]) and math.isnan(h["n_subjects_serious"])
    assert "not recorded" in safety.headline_text(t)
    assert any("serious" in w for w in safety.safety_warnings(t))


def test_sample_headline_is_derived_from_the_data():
    single = msc_dash.load_sample("single")
    ae = single.adverse_events
    n_serious = int((ae["serious"].astype(str).str.lower() == "true").sum())
    assert n_serious == 0
    assert safety.headline_text(single) == \
        f"{n_serious} serious adverse events in {single.subjects['subject_id'].nunique()} subjects"
    two = msc_dash.load_sample("two_arm")
    assert safety.headline_text(two) == "2 serious adverse events (2 subjects) in 54 subjects"


def test_incidence_by_term_per_arm(trial):
    counts = safety.incidence_counts(trial)
    head = counts[counts["term"] == "Headache"].set_index("arm")
    # Headache: a twice, d once -> MSC 1 of 3 subjects, 2 events; Placebo 1 of 2, 1 event
    assert head.loc["MSC", ["n_subjects", "n_events", "n_arm"]].tolist() == [1, 2, 3]
    assert head.loc["Placebo", ["n_subjects", "n_events", "n_arm"]].tolist() == [1, 1, 2]
    assert head.loc["Total", ["n_subjects", "n_events", "n_arm"]].tolist() == [2, 3, 5]
    assert head.loc["Placebo", "pct"] == pytest.approx(50.0)
    # most frequent first (Headache: 2 subjects), then the 1-subject terms by body system
    # ("Infections" before "Musculoskeletal disorders")
    assert list(dict.fromkeys(counts["term"])) == ["Headache", "Meningitis", "Back pain"]

    table = safety.incidence_table(trial)
    row = table.iloc[0]
    assert row["Term"] == "Headache"
    assert row["MSC: Subjects"] == "1 (33%)" and row["MSC: Events"] == 2
    assert row["Placebo: Subjects"] == "1 (50%)" and row["Placebo: Events"] == 1
    assert row["Total: Subjects"] == "2 (40%)" and row["Total: Events"] == 3
    assert table.set_index("Term").loc["Meningitis", "Serious"] == 1
    # possible/probable/definite count as related: a's two headaches, not d's (unlikely)
    assert table.set_index("Term").loc["Headache", "Related"] == 2


def test_single_arm_table_keeps_the_report_format():
    s = pd.DataFrame({"subject_id": ["a", "b"]})
    ae = pd.DataFrame({"subject_id": ["a", "a"], "term": ["Headache"] * 2})
    t = Trial.from_tables(s, MEASUREMENTS[MEASUREMENTS.subject_id == "a"], ae)
    table = safety_summary(t)
    assert list(table.columns) == ["Body system", "Term", "Events", "Subjects", "Serious",
                                   "Related"]
    assert table[["Term", "Events", "Subjects"]].values.tolist() == [["Headache", 2, "1 (50%)"]]


def test_missing_severity_is_unknown_with_a_warning(trial):
    sev = safety.incidence_counts(trial, by="severity")
    total = sev[sev["arm"] == "Total"].set_index("severity")
    assert list(total.index) == ["mild", "moderate", "severe", "life-threatening", "fatal",
                                 "unknown"]
    # mild: a twice; moderate: a; severe: b; unknown: d
    assert total["n_events"].tolist() == [2, 1, 1, 0, 0, 1]
    assert total["n_subjects"].tolist() == [1, 1, 1, 0, 0, 1]
    warnings = safety.safety_warnings(trial)
    assert len(warnings) == 1
    assert warnings[0].startswith("1 of 5 adverse events have no recognised severity")
    assert '"unknown"' in warnings[0]
    # complete data: no unknown row, no warning
    full = Trial.from_tables(SUBJECTS, MEASUREMENTS, EVENTS.fillna({"severity": "mild"}),
                             INJECTIONS)
    assert "unknown" not in set(safety.incidence_counts(full, by="severity")["severity"])
    assert safety.safety_warnings(full) == []


def test_seriousness_and_relatedness(trial):
    ser = safety.incidence_counts(trial, by="serious")
    total = ser[ser["arm"] == "Total"].set_index("serious_label")
    assert total.loc["serious", ["n_subjects", "n_events"]].tolist() == [1, 1]
    assert total.loc["not serious", ["n_subjects", "n_events"]].tolist() == [2, 4]
    rel = safety.incidence_counts(trial, by="related")
    total = rel[rel["arm"] == "Total"].set_index("related")["n_events"]
    assert total.to_dict() == {"not related": 1, "unlikely": 1, "possible": 2, "probable": 1,
                               "definite": 0}
    shown = safety.incidence_table(trial, by="related")
    assert list(shown.columns)[:3] == ["Relatedness", "MSC: Subjects", "MSC: Events"]


def test_serious_event_is_listed(trial):
    listed = safety.serious_events(trial)
    assert len(listed) == 1
    assert listed.iloc[0].to_dict() == {
        "Subject": "b", "Arm": "MSC", "Term": "Meningitis", "Body system": "Infections",
        "Onset day": 5, "Severity": "severe", "Relatedness": "possible", "Injection": 1}


def test_post_injection_window(trial):
    table = safety.post_injection_events(trial, window=7).set_index(["arm", "injection_number"])
    # injection 1: a (day 2) and b (day 5) within 7 days; injection 2: a day 95 (5 days
    # after day 90, matched by onset) and d day 96 (6 days after); a's day-200 event is
    # 110 days after injection 2
    assert table.loc[("MSC", 1), ["injections_given", "events", "subjects_with_event"]
                     ].tolist() == [2, 2, 2]
    assert table.loc[("MSC", 2), ["injections_given", "events", "subjects_with_event"]
                     ].tolist() == [1, 1, 1]
    assert table.loc[("Placebo", 1), ["injections_given", "events"]].tolist() == [2, 0]
    assert table.loc[("Placebo", 2), ["injections_given", "events"]].tolist() == [1, 1]
    assert table.loc[("Total", 2), ["injections_given", "events", "subjects_with_event"]
                     ].tolist() == [2, 2, 2]
    narrow = safety.post_injection_events(trial, window=5).set_index(
        ["arm", "injection_number"])
    assert narrow.loc[("Total", 2), "events"] == 1  # d's day-96 event is 6 days after
    assert narrow.loc[("Total", 1), "events"] == 2


def test_follow_up_and_exposure_rates_vs_scipy(trial):
    fu = safety.follow_up(trial).set_index("subject_id")
    # a: last visit 365; b: AE day 5 < visit 180 -> 180; c: baseline only -> 0;
    # d: 365; e: 365
    assert fu["last_day"].to_dict() == {"a": 365, "b": 180, "c": 0, "d": 365, "e": 365}
    assert fu.loc["c", "last_visit"] == "Baseline" and fu.loc["c", "n_visits"] == 1

    rates = safety.exposure_rates(trial).set_index("arm")
    py_msc = (365 + 180 + 0) / 365.25
    py_pbo = (365 + 365) / 365.25
    assert rates.loc["MSC", "patient_years"] == pytest.approx(py_msc)
    assert rates.loc["Placebo", "patient_years"] == pytest.approx(py_pbo)
    assert rates.loc["MSC", "events"] == 4 and rates.loc["Placebo", "events"] == 1
    assert rates.loc["MSC", "rate"] == pytest.approx(4 / py_msc * 100)
    for arm, k, py in (("MSC", 4, py_msc), ("Placebo", 1, py_pbo),
                       ("Total", 5, py_msc + py_pbo)):
        low = stats.chi2.ppf(0.025, 2 * k) / 2 / py * 100
        high = stats.chi2.ppf(0.975, 2 * k + 2) / 2 / py * 100
        assert rates.loc[arm, "ci_low"] == pytest.approx(low)
        assert rates.loc[arm, "ci_high"] == pytest.approx(high)
    # a known value: 1 event in 1 patient-year, exact 95% CI 0.0253 to 5.5716
    low, high = safety.poisson_ci(1, 1.0)
    assert (round(low, 4), round(high, 4)) == (0.0253, 5.5716)
    # no events: lower bound 0, upper -ln(0.025) = 3.689 per patient-year
    assert safety.poisson_ci(0, 1.0) == (0.0, pytest.approx(-math.log(0.025)))


def test_subject_with_only_baseline_has_no_exposure():
    s = pd.DataFrame({"subject_id": ["c"]})
    m = MEASUREMENTS[MEASUREMENTS.subject_id == "c"]
    t = Trial.from_tables(s, m)
    rates = safety.exposure_rates(t)
    assert rates.loc[0, "patient_years"] == 0
    assert math.isnan(rates.loc[0, "rate"]) and math.isnan(rates.loc[0, "ci_high"])


def test_no_adverse_event_table_never_crashes(no_ae_trial):
    t = no_ae_trial
    assert safety.safety_headline(t) == {"n_subjects": 5, "n_events": 0,
                                         "n_subjects_with_event": 0, "n_serious": 0,
                                         "n_subjects_serious": 0}
    assert safety.headline_text(t) == "No adverse events recorded in 5 subjects"
    assert safety.safety_warnings(t) == []
    assert safety.incidence_table(t).empty
    assert safety.serious_events(t).empty
    for by in ("severity", "serious", "related", "body_system"):
        assert safety.incidence_table(t, by=by).empty
    post = safety.post_injection_events(t)
    assert post["events"].sum() == 0
    assert post.loc[post["arm"] != "Total", "injections_given"].sum() == 6
    rates = safety.exposure_rates(t).set_index("arm")
    assert rates.loc["Total", "events"] == 0 and rates.loc["Total", "ci_low"] == 0
    bare = Trial.from_tables(SUBJECTS, MEASUREMENTS)
    assert safety.post_injection_events(bare).empty
    assert safety_summary(bare).empty


def test_single_arm_subjects_without_events():
    s = pd.DataFrame({"subject_id": ["a", "b", "c", "d"]})
    ae = pd.DataFrame({"subject_id": ["a"], "term": ["Rash"], "serious": ["no"]})
    t = Trial.from_tables(s, MEASUREMENTS[MEASUREMENTS.subject_id == "a"], ae)
    assert safety.headline_text(t) == "0 serious adverse events in 4 subjects"
    table = safety.incidence_table(t)
    assert table[["Term", "Events", "Subjects"]].values.tolist() == [["Rash", 1, "1 (25%)"]]


def test_unknown_by_is_rejected(trial):
    with pytest.raises(ValueError, match="by must be one of"):
        safety.incidence_table(trial, by="colour")


def _onset_trial(ae: pd.DataFrame, injections: pd.DataFrame | None = None) -> Trial:
    s = pd.DataFrame({"subject_id": ["a", "b"]})
    m = pd.DataFrame({"subject_id": ["a", "b"], "visit": ["BL", "BL"], "day": [0, 0],
                      "outcome": ["SDMT", "SDMT"], "value": [40.0, 41.0]})
    return Trial.from_tables(s, m, ae, injections)


def test_csv_events_before_first_injection_kept_and_not_treatment_emergent(tmp_path):
    from msc_dash.io import load_trial

    (tmp_path / "measurements.csv").write_text(
        "subject_id,visit,day,outcome,value\na,BL,0,SDMT,40\na,M6,180,SDMT,42\n")
    (tmp_path / "injections.csv").write_text("subject_id,injection_number,day\na,1,14\n")
    (tmp_path / "adverse_events.csv").write_text(
        "subject_id,term,onset_day\na,Flu,3\na,Rash,14\na,Cough,\na,Fever,60\n")
    trial = load_trial(tmp_path)
    te = trial.adverse_events.set_index("term")["treatment_emergent"]
    # day 3 is before the first injection (day 14); day 14 is on it
    assert te["Flu"] is False or te["Flu"] == False  # noqa: E712
    assert te["Rash"] == True and te["Fever"] == True  # noqa: E712
    assert pd.isna(te["Cough"])  # unknown onset: not classified
    scope = safety.event_scope(trial)
    assert (scope["total"], scope["emergent"], scope["not_emergent"], scope["unknown"]) == \
        (4, 2, 1, 1)
    assert "1 event without an onset day" in scope["note"]
    assert sorted(trial.treatment_emergent_only().adverse_events["term"]) == ["Fever", "Rash"]


def test_given_treatment_emergent_column_wins_over_onset():
    ae = pd.DataFrame({"subject_id": ["a", "a"], "term": ["Flu", "Rash"],
                       "onset_day": [-3, 5], "treatment_emergent": [True, None]})
    t = _onset_trial(ae)
    assert t.adverse_events["treatment_emergent"].tolist() == [True, True]


def test_events_without_any_onset_are_all_counted_and_said_so():
    ae = pd.DataFrame({"subject_id": ["a", "b"], "term": ["Flu", "Rash"]})
    t = _onset_trial(ae)
    scope = safety.event_scope(t)
    assert scope["excluded"] == 0 and "unknown for all 2 events" in scope["note"]
    assert len(t.treatment_emergent_only().adverse_events) == 2


def test_every_safety_count_is_treatment_emergent_by_default_all_on_request():
    ae = pd.DataFrame({"subject_id": ["a", "a", "b"], "term": ["Flu", "Rash", "Cough"],
                       "onset_day": [-5, 3, 10], "serious": [True, False, False]})
    inj = pd.DataFrame({"subject_id": ["a", "b"], "injection_number": [1, 1], "day": [0, 0]})
    t = _onset_trial(ae, inj)
    assert len(t.adverse_events) == 3  # the table keeps every record
    # the serious Flu began before the first injection: not treatment-emergent
    assert safety.safety_headline(t)["n_events"] == 2
    assert safety.safety_headline(t)["n_serious"] == 0
    assert safety_numbers(t)["n_events"] == 2  # the Overview card and the report agree
    everything = t.with_all_events()
    assert safety.safety_headline(everything)["n_events"] == 3
    assert safety.safety_headline(everything)["n_serious"] == 1
    assert everything.cache_key != t.cache_key
