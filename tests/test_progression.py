"""Confirmed events on hand-built trajectories, one rule per test.

Each expected result was worked out by hand from the msprog rules (Montobbio et
al., Mult Scler 2024): the comment above each assertion shows the reasoning.
"""

import pandas as pd
import pytest

from msc_dash import Trial
from msc_dash.errors import TrialDataError
from msc_dash.outcomes import REGISTRY, MeaningfulChange
from msc_dash.progression import EventRules, confirmed_events

DAYS = [0, 91, 182, 273, 364]


def trial(series: dict, outcome: str = "EDSS", days=DAYS, arms=None) -> Trial:
    """series: {subject: [values]} at ``days`` (None = no assessment)."""
    rows = []
    for sid, values in series.items():
        for i, (day, v) in enumerate(zip(days, values, strict=False)):
            if v is not None:
                rows.append({"subject_id": sid, "visit": f"V{i}", "day": day,
                             "outcome": outcome, "value": v})
    subjects = pd.DataFrame({"subject_id": list(series)})
    if arms:
        subjects["arm"] = [arms[s] for s in series]
    return Trial.from_tables(subjects, pd.DataFrame(rows))


def one(t: Trial, outcome: str = "EDSS", **kw) -> pd.Series:
    return confirmed_events(t, outcome, **kw).iloc[0]


def test_worsening_that_falls_back_is_not_confirmed():
    # the clinician's case: +1.0 at month 6 (day 182), back to 4.0 at month 9 (day 273)
    e = one(trial({"a": [4.0, 4.0, 5.0, 4.0, 4.0]}))
    assert not e.has_event and e.event == 0
    assert e.time == 364  # censored at the last assessment
    assert "Worsened at V2 (day 182: 5 from 4)" in e.note
    assert "4 at V3 (day 273)" in e.note


def test_worsening_confirmed_twelve_weeks_later():
    # 5.0 at day 91 and still 5.0 at day 182 (91 days later, inside 84 - 7 .. 84 + 730.5)
    e = one(trial({"a": [4.0, 5.0, 5.0, 4.5, 4.5]}))
    assert e.has_event and e.event == 1
    assert (e.onset_day, e.onset_value, e.confirm_day, e.confirm_value) == (91, 5.0, 182, 5.0)
    assert (e.onset_visit, e.confirm_visit, e.time) == ("V1", "V2", 91)
    assert (e.baseline_day, e.baseline_value) == (0, 4.0)


def test_confirmation_too_early_is_outside_the_tolerance():
    # next visit 69 days after onset: before 84 - 7 = 77, and nothing later
    t = trial({"a": [4.0, 5.0, 5.0]}, days=[0, 91, 160])
    e = one(t)
    assert not e.has_event
    assert "no visit 77 to 814.5 days later" in e.note


def test_confirmation_too_late_for_a_narrow_tolerance():
    # 209 days later: confirms with the default (7, 730.5), not with (7, 7): window 77..91
    t = trial({"a": [4.0, 5.0, 5.0]}, days=[0, 91, 300])
    assert one(t).has_event and one(t).confirm_day == 300
    assert not one(t, tolerance_days=(7, 7)).has_event


def test_intermediate_visit_that_falls_back():
    # onset day 91; day 120 is back at 4.0; first visit in the window is day 182 (5.0)
    t = trial({"a": [4.0, 5.0, 4.0, 5.0]}, days=[0, 91, 120, 182])
    e = one(t)
    # check_intermediate: day 120 breaks it; the change at day 182 has no visit after it
    assert not e.has_event
    assert "4 at V2 (day 120)" in e.note
    # confirmed at the window's first visit only: day 182 is 5.0, so onset 91, confirmed 182
    e = one(t, check_intermediate=False)
    assert e.has_event and (e.onset_day, e.confirm_day) == (91, 182)


def test_baseline_zero_needs_one_and_a_half_points():
    # from 0: +1.0 is not meaningful; +1.5 is
    assert not one(trial({"a": [0.0, 1.0, 1.0]})).has_event
    e = one(trial({"a": [0.0, 1.5, 1.5]}))
    assert e.has_event and e.onset_day == 91


def test_cut_off_between_one_and_half_point_steps():
    # baseline 5.5 -> 6.0 is +0.5: meaningful only when the 1.0 step ends at 5.0
    t = trial({"a": [5.5, 6.0, 6.0]})
    assert not one(t).has_event  # registry default: 1.0 up to 5.5
    reg = REGISTRY.with_rule("EDSS", MeaningfulChange("edss", 1.0, threshold=5.0,
                                                      amount_high=0.5, amount_zero=1.5))
    e = one(t.with_registry(reg))
    assert e.has_event and (e.onset_day, e.confirm_day) == (91, 182)
    # above the cut-off either way: 6.0 -> 6.5 counts
    assert one(trial({"a": [6.0, 6.5, 6.5]})).has_event


def test_roving_baseline_moves_after_a_confirmed_improvement():
    # 4 -> 3 confirmed (days 91, 182), then back to 4 from day 273 (confirmed at 364)
    t = trial({"a": [4.0, 3.0, 3.0, 4.0, 4.0]})
    # fixed: reference stays 4.0, so 4.0 later is no change
    assert not one(t).has_event
    # roving: reference moves to the confirmation visit (day 182, 3.0); 4.0 is +1.0
    e = one(t, baseline="roving")
    assert e.has_event
    assert (e.baseline_day, e.baseline_value, e.onset_day, e.confirm_day) == (182, 3.0, 273, 364)


def test_improvement_direction():
    # SDMT 40 -> 45 at day 91, 46 at 182: +4 points (registry rule) confirmed
    t = trial({"a": [40, 45, 46]}, outcome="SDMT")
    e = one(t, "SDMT", direction="improvement")
    assert e.has_event and (e.onset_day, e.confirm_day) == (91, 182)
    assert not one(t, "SDMT").has_event  # no worsening


def test_twenty_four_week_confirmation():
    # onset day 91; 182 is 91 days later (< 168 - 7 = 161), 273 is 182 days later
    t = trial({"a": [4.0, 5.0, 5.0, 5.0]})
    e = one(t, confirm_days=168)
    assert e.has_event and (e.onset_day, e.confirm_day) == (91, 273)
    assert one(t).confirm_day == 182  # 12 weeks: the first visit in 77..814.5 days
    assert EventRules(confirm_days=168).window == (161, 898.5)


def test_timed_test_needs_twenty_percent():
    # T25FW 10.0 s: 11.9 is +19 %, 12.0 is +20 %
    assert not one(trial({"a": [10.0, 11.9, 11.9]}, "T25FW"), "T25FW").has_event
    assert one(trial({"a": [10.0, 12.0, 12.0]}, "T25FW"), "T25FW").has_event


def test_same_day_assessments_keep_the_last():
    rows = pd.DataFrame({"subject_id": "a", "visit": ["V0", "V1", "V1b", "V2"],
                         "day": [0, 91, 91, 182], "outcome": "EDSS",
                         "value": [4.0, 4.0, 5.0, 5.0]})
    t = Trial.from_tables(pd.DataFrame({"subject_id": ["a"]}), rows)
    e = one(t)
    assert e.has_event and (e.onset_visit, e.onset_value) == ("V1b", 5.0)


def test_relapse_inside_the_confirmation_window():
    t = trial({"a": [4.0, 5.0, 5.0, 5.0]})
    rel = pd.DataFrame({"subject_id": ["a"], "onset_day": [170]})
    # day 182 is 12 days after the relapse: not a confirmation; day 273 (103 days) is
    e = one(t, relapses=rel)
    assert e.has_event and (e.onset_day, e.confirm_day) == (91, 273)
    # without day 273 nothing confirms it
    e = one(trial({"a": [4.0, 5.0, 5.0]}), relapses=rel)
    assert not e.has_event
    assert "within 30 days after a relapse" in e.note


def test_relapse_just_before_baseline_moves_it():
    # relapse at day -10: day 0 is within 30 days, so the baseline is day 91 (5.0)
    t = trial({"a": [4.0, 5.0, 5.0, 5.0]})
    e = one(t, relapses=pd.DataFrame({"subject_id": ["a"], "onset_day": [-10]}))
    assert (e.baseline_day, e.baseline_value, e.has_event) == (91, 5.0, False)


def test_pira_raw_and_neither():
    t = trial({"a": [4.0, 5.0, 5.0]})

    def kind(day):
        e = one(t, relapses=pd.DataFrame({"subject_id": ["a"], "onset_day": [day]}))
        assert e.has_event
        return bool(e.pira), bool(e.raw)

    # relapse at day 30: onset (91) is 61 days later, within 90 -> RAW
    assert kind(30) == (False, True)
    # relapse at day 500: nowhere near onset or confirmation -> PIRA
    assert kind(500) == (True, False)
    # relapse at day 150: after onset (so not RAW), 32 days before the confirmation
    # (still a valid confirmation) but inside its 90-day PIRA window -> neither
    assert kind(150) == (False, False)
    # no relapses table: no pira/raw columns at all
    assert "pira" not in confirmed_events(t, "EDSS").columns


def test_edss_plus_takes_the_first_component():
    rows = []
    for code, values in {"EDSS": [4.0, 5.0, 4.0, 4.0], "T25FW": [10.0, 10.0, 13.0, 13.0],
                         "NHPT": [20.0, 20.0, 20.0, 20.0]}.items():
        for day, v in zip([0, 91, 182, 273], values, strict=True):
            rows.append({"subject_id": "a", "visit": f"d{day}", "day": day,
                         "outcome": code, "value": v})
    t = Trial.from_tables(pd.DataFrame({"subject_id": ["a"]}), pd.DataFrame(rows))
    # EDSS +1.0 at 91 falls back; T25FW +30 % at 182 confirmed at 273
    e = one(t, "EDSS_PLUS")
    assert e.has_event and e.component == "T25FW" and (e.onset_day, e.confirm_day) == (182, 273)


def test_censoring_and_missing_subjects():
    t = trial({"a": [4.0, 4.0, 4.0], "b": [None, None, None]}, arms={"a": "X", "b": "Y"})
    e = confirmed_events(t, "EDSS").set_index("subject_id")
    assert e.loc["a", "time"] == 182 and e.loc["a", "event"] == 0
    assert pd.isna(e.loc["b", "time"]) and e.loc["b", "note"] == "no EDSS assessment"


def test_outcome_without_rule_is_refused():
    with pytest.raises(TrialDataError, match="no meaningful-change rule"):
        confirmed_events(trial({"a": [1.0, 2.0]}, "NFL"), "NFL")


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="direction"):
        EventRules(direction="both")
    with pytest.raises(ValueError, match="baseline"):
        EventRules(baseline="moving")


def test_two_arm_sample_counts():
    # the count: 8 subjects with a 12-week confirmed EDSS-Plus worsening
    from msc_dash import load_sample
    e = confirmed_events(load_sample("two_arm"), "EDSS_PLUS")
    assert e.has_event.sum() == 8


def test_unconfirmed_day_marks_the_change_that_fell_back():
    e = one(trial({"a": [4.0, 4.0, 5.0, 4.0, 4.0]}))
    assert e.unconfirmed_day == 182
    assert pd.isna(one(trial({"a": [4.0, 4.0, 4.0]})).unconfirmed_day)
