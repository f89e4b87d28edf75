"""The mapping editor shown after a failed upload, and the Data page (AppTest)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from msc_dash.ui import data, state
from tests.conftest import build_trial

ROOT = Path(__file__).resolve().parents[1]


def _error_script():
    from msc_dash.ui import data

    data.show_load_error()


def test_mapping_editor_proposes_and_applies():
    at = AppTest.from_function(_error_script, default_timeout=30)
    at.session_state[state.LOAD_ERROR] = "export.csv: required column `subject_id` is missing"
    at.session_state[state.SOURCE_LABEL] = "Sample trial"
    at.session_state[data.MAPPING_COLUMNS] = ["Patient ID", "Visit", "Visit day",
                                              "Timed 25ft walk (s)", "Notes"]
    at.run()
    assert not at.exception
    assert "required column `subject_id` is missing" in at.error[0].value
    assert "Still showing: Sample trial" in at.error[0].value
    at.button(key="mapping_apply").click().run()
    assert not at.exception
    assert at.session_state[data.MAPPING] == {
        "Patient ID": "subject_id", "Visit": "visit", "Visit day": "day",
        "Timed 25ft walk (s)": "T25FW"}


def test_no_error_no_editor():
    at = AppTest.from_function(_error_script, default_timeout=30)
    at.run()
    assert not at.error and not at.button


def test_data_page_describes_the_loaded_trial():
    trial = build_trial(n_per_arm=5, arms=("MSC", "Placebo"))
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)
    at.session_state[state.FULL_TRIAL] = trial
    at.session_state[state.SOURCE_LABEL] = "my_upload.zip"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("my\\_upload.zip" in m.value for m in at.markdown)  # escaped: shows as is
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Subjects"] == "10" and metrics["Arms"] == "2"
    assert metrics["Visits"] == str(len(trial.visits))
    visits = at.dataframe[0].value
    assert visits["visit"].tolist() == trial.visits
    assert visits["n_subjects"].tolist() == [10] * len(trial.visits)
    assert at.header[0].value == "What to upload"


def test_data_page_without_trial_explains_format():
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert "No trial is loaded yet" in at.info[0].value


def _messy_error(rename=None):
    from tests.messy_clinic import messy_clinic_frame

    frame = messy_clinic_frame().rename(columns=rename or {})
    at = AppTest.from_function(_error_script, default_timeout=30)
    at.session_state[state.LOAD_ERROR] = "clinic.csv: required column `subject_id` is missing"
    at.session_state[data.MAPPING_COLUMNS] = list(frame.columns)
    at.session_state[data.MAPPING_PREVIEW] = [frame]
    return at


def test_mapping_editor_asks_is_this_the_arm_before_applying():
    # issue 13, item 2: the group column has a name the proposal does not know
    at = _messy_error({"Treatment group": "Code"})
    at.run()
    assert not at.exception
    question = at.radio[0]
    assert "Is one of these columns the arm" in question.label
    assert question.value is None
    assert at.button(key="mapping_apply").disabled
    question.set_value("Code").run()
    assert not at.button(key="mapping_apply").disabled
    at.button(key="mapping_apply").click().run()
    mapping = at.session_state[data.MAPPING]
    assert mapping["Code"] == "arm" and mapping["9HPT dominant (s)"] == "NHPT_DH"


def test_mapping_editor_asks_nothing_when_the_arm_is_named():
    # (that every row shows without an inner scroll is checked in the browser upload test)
    at = _messy_error()
    at.run()
    assert not at.exception and not at.radio
    at.button(key="mapping_apply").click().run()
    assert at.session_state[data.MAPPING]["Treatment group"] == "arm"
