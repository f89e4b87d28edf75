"""The Safety and Patients pages in Streamlit's AppTest, on both bundled samples."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import msc_dash

ROOT = Path(__file__).resolve().parents[1]
SINGLE = "Sample trial (simulated, single arm)"
TWO_ARM = "Sample two-arm trial (simulated)"


def _page(sample: str, page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["data_choice"] = sample  # as in test_app_smoke
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.success]
    parts += [m.value for m in at.info] + [m.value for m in at.warning]
    return "\n".join(parts)


def test_single_arm_safety_headline_and_tables():
    at = _page(SINGLE, "pages/safety.py")
    assert "0 serious adverse events in 23 subjects" in _texts(at)
    assert "No serious adverse events" in _texts(at)
    frames = [d.value for d in at.dataframe]
    terms = next(f for f in frames if "Term" in f.columns)
    # the most frequent term of the sample, counted independently here
    ae = pd.read_csv(ROOT / "sample_data" / "adverse_events.csv")
    top = ae.groupby("term")["subject_id"].nunique().sort_values(ascending=False)
    assert terms.iloc[0]["Term"] == top.index[0]
    assert terms.iloc[0]["Subjects"].startswith(f"{top.iloc[0]} (")
    assert any("Severity" in f.columns for f in frames)
    assert at.number_input(key="safety_window").value == 7


def test_two_arm_safety_lists_its_serious_events():
    at = _page(TWO_ARM, "pages/safety.py")
    assert "2 serious adverse events (2 subjects) in 54 subjects" in _texts(at)
    listing = next(d.value for d in at.dataframe if "Onset day" in d.value.columns)
    ae = msc_dash.load_sample("two_arm").adverse_events
    expected = ae[ae["serious"].astype(str).str.lower() == "true"]
    assert sorted(listing["Subject"]) == sorted(expected["subject_id"])
    assert sorted(listing["Term"]) == sorted(expected["term"])
    # the window changes the post-injection table's column
    at.number_input(key="safety_window").set_value(3).run()
    assert not at.exception
    assert any("Events within 3 days" in d.value.columns for d in at.dataframe)


@pytest.mark.parametrize("sample", [SINGLE, TWO_ARM], ids=["single_arm", "two_arm"])
def test_swimmer_sort_selector(sample):
    at = _page(sample, "pages/safety.py")
    for choice in ("follow-up", "response", "arm"):
        at.segmented_control(key="safety_swimmer_sort").set_value(choice).run()
        assert not at.exception, [e.value for e in at.exception]


def test_safety_page_without_adverse_events():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["data_choice"] = SINGLE
    at.run()
    from msc_dash.ui import state
    full = at.session_state[state.FULL_TRIAL]
    bare = msc_dash.Trial.from_tables(full.subjects.drop(columns="n_injections"),
                                      full.measurements)
    at.session_state[state.TRIAL] = bare
    at.session_state[state.FULL_TRIAL] = bare
    at.switch_page("pages/safety.py").run()
    assert not at.exception, [e.value for e in at.exception]
    info = "\n".join(i.value for i in at.info)
    assert "no adverse-event table" in info and "subject_id" in info


def test_patients_previous_next_and_every_subject():
    at = _page(SINGLE, "pages/patients.py")
    ids = sorted(pd.read_csv(ROOT / "sample_data" / "subjects.csv")["subject_id"])
    box = at.selectbox(key="patients_subject")
    assert box.value == ids[0]
    at.button(key="patients_next").click().run()
    assert at.selectbox(key="patients_subject").value == ids[1]
    at.button(key="patients_prev").click().run()
    at.button(key="patients_prev").click().run()
    assert at.selectbox(key="patients_subject").value == ids[-1]  # wraps around
    # walk through every subject: each page renders without an exception
    seen = []
    for _ in ids:
        at.button(key="patients_next").click().run()
        assert not at.exception, [e.value for e in at.exception]
        seen.append(at.selectbox(key="patients_subject").value)
        assert at.subheader[0].value == f"Subject {seen[-1]}"
    assert sorted(seen) == ids


def test_patients_status_table_two_arm():
    at = _page(TWO_ARM, "pages/patients.py")
    status = next(d.value for d in at.dataframe if "Status" in d.value.columns)
    assert "EDSS_PLUS" in set(status["Code"])
    at.selectbox(key="patients_subject").set_value("H10").run()
    assert not at.exception
    events = next(d.value for d in at.dataframe if "Onset day" in d.value.columns)
    assert "serious" in set(events["Serious"])


def test_safety_page_filtered_to_subjects_without_events():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["data_choice"] = SINGLE
    at.run()
    from msc_dash.ui import state
    full = at.session_state[state.FULL_TRIAL]
    without = sorted(set(full.subjects["subject_id"]) - set(full.adverse_events["subject_id"]))
    assert without  # the sample has a subject without adverse events
    at.session_state[state.TRIAL] = full.filter(subject_id=without)
    at.switch_page("pages/safety.py").run()
    assert not at.exception, [e.value for e in at.exception]
    info = "\n".join(i.value for i in at.info)
    assert "matching the sidebar filters had an adverse event" in info


def test_two_arm_safety_shows_event_rate_and_eair():
    from msc_dash.exposure import safety_rates

    at = _page(TWO_ARM, "pages/safety.py")
    table = next(d.value for d in at.dataframe
                 if any(c.startswith("EAIR") for c in d.value.columns))
    ref = safety_rates(msc_dash.load_sample("two_arm"))
    assert list(table["Arm"]) == list(ref["arm"])
    eair = [c for c in table.columns if c.startswith("EAIR")][0]
    r = ref.iloc[-1]
    assert table[eair].iloc[-1] == f"{r.eair:.0f} [{r.eair_ci_low:.0f}, {r.eair_ci_high:.0f}]"
    assert any(c.startswith("Event rate [quasi-Poisson") for c in table.columns)
    captions = " ".join(c.value for c in at.caption)
    assert "time at risk" in captions and "Exposure: last contact" in captions


# the public CDISC pilot files in the project's shared/ folder, beside the clone
# (CI lays a copy there); the tests that need them skip when it is absent
PILOT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cdiscpilot01"


@pytest.mark.skipif(not (PILOT / "adae.xpt").exists(), reason="CDISC pilot data absent")
def test_safety_counts_treatment_emergent_events_with_a_toggle_for_all():
    from msc_dash.ui import state

    pilot = msc_dash.load_trial([PILOT / "adsl.xpt", PILOT / "adae.xpt",
                                 PILOT / "adqscibc.xpt"])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["data_choice"] = SINGLE
    at.run()
    at.session_state[state.TRIAL] = pilot
    at.switch_page("pages/safety.py").run()
    assert not at.exception, [e.value for e in at.exception]
    metric = next(m for m in at.metric if m.label == "Adverse events")
    assert metric.value == "1126"  # TRTEMFL = "Y" in adae.xpt
    captions = "\n".join(c.value for c in at.caption)
    assert "1126 treatment-emergent events" in captions
    assert "65 events not treatment-emergent" in captions
    at.toggle(key="safety_include_all_events").set_value(True).run()
    assert not at.exception
    metric = next(m for m in at.metric if m.label == "Adverse events")
    assert metric.value == "1191"  # every record of adae.xpt
