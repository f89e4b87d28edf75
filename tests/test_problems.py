"""Validation lists every problem (issue 14): structured records, one error, all shown.

A measurements file with three independent problems (text in `value`, a date in
`day`, an EDSS out of range) gives three problems, in load_trial, in
`msc-dash validate` (text and --json) and on the Data page.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from msc_dash.cli import main
from msc_dash.errors import Problem, TrialDataError
from msc_dash.io import MissingColumnsError, load_trial
from msc_dash.ui import data, state

THREE = (b"subject_id,visit,day,outcome,value\n"
         b"a,Baseline,0,EDSS,6.0\n"
         b"a,Month 12,360,EDSS,high\n"          # row 3: text in `value`
         b"b,Baseline,0,EDSS,5.5\n"
         b"b,Month 12,2024-03-01,EDSS,5.0\n"    # row 5: a date in `day`
         b"c,Baseline,0,EDSS,12\n"              # row 6: EDSS beyond 10
         b"c,Month 12,360,EDSS,6.5\n")


def _three() -> TrialDataError:
    with pytest.raises(TrialDataError) as err:
        load_trial(THREE, name="measurements.csv")
    return err.value


def test_every_problem_is_a_record():
    problems = _three().problems
    assert [(p.code, p.file, p.column, p.rows) for p in problems] == [
        ("date", "measurements.csv", "day", (5,)),
        ("not_numeric", "measurements.csv", "value", (3,)),
        ("out_of_range", "measurements.csv", "value", (6,)),
    ]
    assert all(isinstance(p, Problem) and p.message and p.fix for p in problems)


def test_the_error_text_lists_them_all():
    lines = str(_three()).splitlines()
    assert lines[0] == "3 problems in the data:"
    assert lines[1].startswith("1. measurements.csv: column `day` holds dates (row 5")
    assert "row 3 holds text (`high`)" in lines[2]
    assert "EDSS must be" in lines[3] and "row 6 (12)" in lines[3]


def test_problems_in_several_tables_are_collected(tmp_path):
    (tmp_path / "measurements.csv").write_bytes(THREE.replace(b"high", b"5.0"))
    (tmp_path / "subjects.csv").write_text("subject_id,age\na,41\na,42\nb,old\nc,50\n")
    with pytest.raises(TrialDataError) as err:
        load_trial(tmp_path)
    codes = sorted((p.file, p.code) for p in err.value.problems)
    assert codes == [("measurements.csv", "date"), ("measurements.csv", "out_of_range"),
                     ("subjects.csv", "duplicate"), ("subjects.csv", "not_numeric")]


def test_one_problem_reads_as_before():
    with pytest.raises(MissingColumnsError) as err:
        load_trial(b"subject_id,visit,day,outcome,vaule\na,BL,0,EDSS,6\n", name="m.csv")
    assert str(err.value).startswith("m.csv: required column `value` is missing; found `vaule`")
    assert [p.code for p in err.value.problems] == ["missing_column"]


def test_validate_prints_three(tmp_path, capsys):
    path = tmp_path / "measurements.csv"
    path.write_bytes(THREE)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len([line for line in out if line.startswith("error: ")]) == 3
    assert out[-1] == "3 problems found."


def test_validate_json(tmp_path, capsys):
    path = tmp_path / "measurements.csv"
    path.write_bytes(THREE)
    assert main(["validate", "--json", str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert [(p["code"], p["column"], p["rows"]) for p in report["problems"]] == [
        ("date", "day", [5]), ("not_numeric", "value", [3]), ("out_of_range", "value", [6])]
    assert set(report["problems"][0]) == {"code", "file", "column", "rows", "message", "fix"}


def test_validate_json_clean(tmp_path, capsys):
    path = tmp_path / "measurements.csv"
    path.write_bytes(THREE.replace(b"high", b"5.0").replace(b"2024-03-01", b"360")
                     .replace(b",12\n", b",6.0\n"))
    assert main(["validate", "--json", str(path)]) == 1  # a warning, as in text mode
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["problems"] == []
    assert report["warnings"][0].startswith("No subjects table")
    assert report["summary"]["subjects"] == 3


def _error_script():
    from msc_dash.ui import data

    data.show_load_error()


def test_the_data_page_lists_three():
    at = AppTest.from_function(_error_script, default_timeout=30)
    at.session_state[state.LOAD_ERROR] = data._messages(_three())
    at.session_state[state.SOURCE_LABEL] = "Sample trial"
    at.run()
    assert not at.exception
    shown = at.error[0].value
    assert "3 problems" in shown
    assert shown.count("\n1. ") == 3  # a numbered Markdown list, one item per problem
    assert "holds dates" in shown and "holds text" in shown and "EDSS must be" in shown
