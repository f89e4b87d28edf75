"""Column mapping: proposals, application, JSON round trip and its validation."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from msc_dash.errors import TrialDataError
from msc_dash.mapping import (
    IGNORE,
    TARGETS,
    apply_mapping,
    mapping_from_json,
    mapping_to_json,
    normalise,
    propose_mapping,
)


@pytest.mark.parametrize(("column", "target"), [
    ("Timed 25ft walk (s)", "T25FW"),
    ("Timed 25-Foot Walk", "T25FW"),
    ("Patient ID", "subject_id"),
    ("9HPT", "NHPT"),
    ("9-hole peg test [s]", "NHPT"),
    ("Visit day", "day"),
    ("Study Day", "day"),
    ("SUBJECT_ID", "subject_id"),
    ("serum NfL (pg/mL)", "NFL"),
    ("Symbol Digit Modalities Test", "SDMT"),
    ("MSIS-29 physical", "MSIS29_PHYS"),
    ("Gender", "sex"),
    ("Treatment arm", "arm"),
    ("vaule", "value"),          # a typo: close spelling
    ("subjet_id", "subject_id"),
    ("EDSS score", "EDSS"),
    ("AE term", "term"),
])
def test_proposals(column, target):
    assert propose_mapping([column]) == {column: target}


def test_unrelated_names_are_not_guessed():
    assert propose_mapping(["Notes", "Comment", "zzz", ""]) == {}


def test_each_target_proposed_once_best_match_wins():
    got = propose_mapping(["vaule", "value", "Subject", "Patient ID"])
    assert got["value"] == "value" and "vaule" not in got
    assert list(got.values()).count("subject_id") == 1


def test_normalise():
    assert normalise("Timed 25-Foot Walk (s)") == "timed25footwalk"
    assert normalise("(s)") == "s"


def test_apply_mapping_renames_drops_and_maps_outcome_values():
    df = pd.DataFrame({"Patient": ["a"], "Test": ["Timed walk"], "Result": [9.0],
                       "Notes": ["x"]})
    out = apply_mapping(df, {"Patient": "subject_id", "Test": "outcome", "Result": "value",
                             "Notes": IGNORE, "Timed walk": "T25FW"})
    assert list(out.columns) == ["subject_id", "outcome", "value"]
    assert out["outcome"].tolist() == ["T25FW"]
    assert apply_mapping(df, None) is df


def test_apply_mapping_refuses_two_columns_to_one_target():
    df = pd.DataFrame({"a": [1], "b": [2]})
    with pytest.raises(TrialDataError, match="sends two columns to `day`"):
        apply_mapping(df, {"a": "day", "b": "day"})
    with pytest.raises(TrialDataError, match="sends two columns to `b`"):
        apply_mapping(df, {"a": "b"})


def test_json_round_trip():
    mapping = {"Patient ID": "subject_id", "Timed 25ft walk (s)": "T25FW", "Notes": IGNORE,
               "Pé": "visit"}
    text = mapping_to_json(mapping)
    assert json.loads(text)["msc_dash_mapping"] == 1
    assert mapping_from_json(text) == mapping
    assert mapping_from_json(text.encode("utf-8")) == mapping
    assert mapping_from_json('{"a": "day"}') == {"a": "day"}  # plain object accepted


@pytest.mark.parametrize(("text", "match"), [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must be an object"),
    ('{"a": 1}', "may only map text to text"),
    ('{"a": "__import__"}', "not a known column or outcome code"),
    ('{"a": "vaule"}', r"did you mean `value`\?"),
    ("[" * 100001 + "]" * 100001, "larger than 200 kB"),
    ("[" * 50000 + "]" * 50000, "not valid JSON|must be an object"),
])
def test_json_validation(text, match):
    with pytest.raises(TrialDataError, match=match):
        mapping_from_json(text)


def test_targets_allow_list():
    assert {"subject_id", "value", "T25FW", "MSWS12", IGNORE} <= set(TARGETS)
    assert len(TARGETS) == len(set(TARGETS))


def test_load_trial_validates_a_mapping_argument():
    from msc_dash.io import load_trial

    csv = b"subject_id,visit,day,outcome,value\na,BL,0,EDSS,6\n"
    with pytest.raises(TrialDataError, match="may only map text to text"):
        load_trial(csv, name="m.csv", mapping={"a": object()})
    with pytest.raises(TrialDataError, match="not a known column"):
        load_trial(csv, name="m.csv", mapping={"a": "rm -rf"})


# --- issue 13, item 2: a messy wide clinic file applied unchanged -------------------
def test_messy_clinic_file_with_the_proposal_unchanged_keeps_both_arms_and_peg_direction():
    from msc_dash.io import MissingColumnsError, load_trial
    from tests.messy_clinic import messy_clinic_csv, messy_clinic_frame

    frame = messy_clinic_frame()
    data = messy_clinic_csv()
    with pytest.raises(MissingColumnsError):  # `Patient No.` is not `subject_id`: ask
        load_trial(data, name="clinic.csv")
    proposal = propose_mapping(frame.columns)
    assert proposal["Treatment group"] == "arm"
    assert proposal["9HPT dominant (s)"] == "NHPT_DH"
    assert proposal["9HPT non-dominant (s)"] == "NHPT_NDH"
    trial = load_trial(data, name="clinic.csv", mapping=proposal)
    assert trial.arms == ["MSC", "Placebo"]
    for code in ("NHPT", "NHPT_DH", "NHPT_NDH"):
        assert trial.outcome(code).better == "lower", code
    # NHPT: the mean of both hands' times (MSFC convention), per subject and visit
    first = frame.iloc[0]
    m = trial.measurements
    nhpt = m[(m["subject_id"] == first["Patient No."]) & (m["visit"] == "Baseline")
             & (m["outcome"] == "NHPT")]["value"]
    assert nhpt.tolist() == pytest.approx(
        [(first["9HPT dominant (s)"] + first["9HPT non-dominant (s)"]) / 2])
    # falling peg times in the MSC arm are an improvement, rising ones in placebo are not
    from msc_dash.effects import effect_sizes

    g = effect_sizes(trial, n_boot=200).set_index(["outcome", "arm", "visit"])["hedges_g"]
    assert g["NHPT", "MSC", "Month 12"] > 0 > g["NHPT", "Placebo", "Month 12"]


@pytest.mark.parametrize(("column", "target"), [
    ("9HPT dominant (s)", "NHPT_DH"),
    ("9-HPT non-dominant hand [s]", "NHPT_NDH"),
    ("Nine-hole peg test, dominant hand", "NHPT_DH"),
    ("NHPT ND", "NHPT_NDH"),
    ("9-HPT (s)", "NHPT"),
    ("Treatment group", "arm"),
    ("Randomisation", "arm"),
    ("Randomised to", "arm"),
    ("Study group", "arm"),
    ("Allocation", "arm"),
])
def test_arm_and_peg_test_names(column, target):
    assert propose_mapping([column]) == {column: target}


@pytest.mark.parametrize("column", ["Treatment start day", "Age group", "Blood group",
                                    "9HPT 2nd"])
def test_names_that_are_not_an_arm_or_a_hand(column):
    assert propose_mapping([column]).get(column) not in ("arm", "NHPT_NDH")


def test_a_timed_test_is_never_higher_is_better():
    from msc_dash.outcomes import REGISTRY

    # an unknown timed test defaults to lower is better; a fuzzy match never lands on a
    # higher-is-better outcome
    assert REGISTRY.get("Stair climb time (s)").better == "lower"
    assert REGISTRY.get("Grip strength (kg)").better == "higher"
    for col, target in propose_mapping(["PASAT time (s)", "SDMT (sec)", "Timed walk"]).items():
        assert REGISTRY[target].better == "lower", (col, target)


def test_arm_candidates_by_values_constant_within_subject():
    from msc_dash.mapping import arm_candidates
    from tests.messy_clinic import messy_clinic_frame

    frame = messy_clinic_frame().rename(columns={"Treatment group": "Code"})
    proposal = propose_mapping(frame.columns)
    assert "Code" not in proposal
    # Code and Site are constant within patient with 2 levels; Sex is mapped already
    assert arm_candidates(frame, proposal) == ["Code", "Site"]
    assert arm_candidates(frame, {**proposal, "Code": "arm"}) == []
