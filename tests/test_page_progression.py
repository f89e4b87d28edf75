"""The Progression page in Streamlit's AppTest: both samples, the controls, uploaded data
without the outcomes, and the clinician's case of a worsening that falls back."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from msc_dash.trial import Trial
from msc_dash.ui import state
from msc_dash.ui.data import UPLOAD

ROOT = Path(__file__).resolve().parents[1]
SINGLE = "Sample trial (simulated, single arm)"
TWO_ARM = "Sample two-arm trial (simulated)"


def _open(sample: str | None = None, trial: Trial | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if trial is not None:
        at.session_state["data_choice"] = UPLOAD
        at.session_state[state.FULL_TRIAL] = trial
    else:
        at.session_state["data_choice"] = sample
    at.run()
    at.switch_page("pages/progression.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown) + " ".join(i.value for i in at.info)


def test_two_arm_headline_has_hazard_ratio_and_logrank():
    at = _open(TWO_ARM)
    labels = [m.label for m in at.metric]
    assert "Hazard ratio, MSC-NP vs Saline" in labels and "Log-rank p" in labels
    hr = next(m for m in at.metric if m.label.startswith("Hazard ratio"))
    assert hr.value == "0.13"  # tests/test_survival.py checks it against R's coxph
    assert next(m for m in at.metric if m.label == "Log-rank p").value == "0.025"
    text = _texts(at)
    assert "1 of 27 on MSC-NP vs 7 of 27 on Saline" in text
    assert "Efron" in text and "12 weeks" in text
    kinds = [json.loads(c.proto.spec)["data"][0]["type"] for c in at.get("plotly_chart")]
    assert len(kinds) == 2  # Kaplan-Meier and swimmer
    table = at.dataframe[0].value
    assert (table["Event"] == "yes").sum() == 8


def test_single_arm_headline_has_events_proportion_median():
    at = _open(SINGLE)
    labels = [m.label for m in at.metric]
    assert labels == ["Subjects with an event", "By 1 year (Kaplan-Meier)",
                      "Median time to event"]
    assert not any(m.label.startswith("Hazard") for m in at.metric)


def test_controls_change_the_analysis():
    at = _open(TWO_ARM)
    at.selectbox(key="prog_outcome").set_value("EDSS").run()
    assert (at.dataframe[0].value["Event"] == "yes").sum() == 1
    at.segmented_control(key="prog_confirm").set_value(168).run()
    assert not at.exception
    assert "24 weeks" in _texts(at)
    at.segmented_control(key="prog_baseline").set_value("roving").run()
    assert "roving" in _texts(at)
    at.segmented_control(key="prog_direction").set_value("improvement").run()
    assert "improvement" in _texts(at)


def _trial(values_a, values_b=None, outcome="EDSS") -> Trial:
    days = [0, 91, 182, 273, 364]
    rows = [{"subject_id": sid, "visit": v, "day": d, "outcome": outcome, "value": x}
            for sid, vals in (("A", values_a), ("B", values_b or [4.0] * 5))
            for v, d, x in zip(["Baseline", "Month 3", "Month 6", "Month 9", "Month 12"],
                               days, vals, strict=True)]
    return Trial.from_tables(pd.DataFrame({"subject_id": ["A", "B"]}), pd.DataFrame(rows))


def test_a_worsening_that_falls_back_is_explained():
    # EDSS 4 -> 5 at month 6, back to 4 at month 9: worsened at a visit, not confirmed
    at = _open(trial=_trial([4.0, 4.0, 5.0, 4.0, 4.0]))
    assert next(m for m in at.metric if m.label == "Subjects with an event").value == "0 of 2"
    info = " ".join(i.value for i in at.info)
    assert "1 subject(s) worsened at a visit but have no confirmed event" in info
    note = at.dataframe[0].value.set_index("Subject").loc["A", "Note"]
    assert note.startswith("Worsened at Month 6 (day 182: 5 from 4) but not confirmed")


def test_trial_without_progression_outcomes_says_so():
    at = _open(trial=_trial([1.0, 2, 3, 4, 5], [1.0, 2, 3, 4, 5], outcome="NFL"))
    assert any("meaningful-change rule" in i.value for i in at.info)


def test_relapse_windows_show_with_relapses_and_change_the_types():
    t = _trial([4.0, 5.0, 5.0, 5.0, 5.0])
    rel = pd.DataFrame({"subject_id": ["A"], "onset_day": [20.0]})
    at = _open(trial=Trial.from_tables(t.subjects.drop(columns=["n_injections"]),
                                       t.measurements, relapses=rel))
    # onset day 91 is 71 days after the relapse: RAW with the default 90-day window
    table = at.dataframe[0].value.set_index("Subject")
    assert table.loc["A", "Type"] == "RAW" and "1 PIRA" not in _texts(at)
    at.number_input(key="prog_rel_assoc").set_value(60).run()
    # 71 > 60 days: no longer relapse-associated; the relapse is 71 days before onset,
    # inside PIRA's 90-day window, so neither PIRA nor RAW
    assert at.dataframe[0].value.set_index("Subject").loc["A", "Type"] == "unclassified"
    assert "within 60 days after a relapse" in _texts(at)
