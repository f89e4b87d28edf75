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
