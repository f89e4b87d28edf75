"""Data cannot write into the page: a trial whose every string is hostile.

Subject IDs, arm, visit, subject-column values and adverse-event terms are
replaced by Markdown that would show an outside image, a link, bold text or a
raw HTML tag. Every page is rendered in AppTest and every element Streamlit
draws as Markdown (text, captions, notices, titles, metric and widget labels)
is searched for the hostile strings verbatim: escaped, they carry backslashes
and show as plain text; verbatim, Markdown would render them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import open_page
from streamlit.testing.v1 import AppTest

import msc_dash
from msc_dash.ui import state

ROOT = Path(__file__).resolve().parents[1]
IMAGE = "![x](http://host.example/x.png)"
BOLD = "**bold**"
LINK = "[click](http://host.example/)"
TICK = "`tick` <script>alert(1)</script>"
HOSTILE = (IMAGE, BOLD, LINK, "<script>", "http://host")
PAGES = ["overview", "mobility", "disability", "cognition", "biomarkers", "patient_reported",
         "safety", "patients", "subgroups", "arms",
         "data", "export"]


def hostile_trial() -> msc_dash.Trial:
    t = msc_dash.load_sample("two_arm")
    ids = {sid: f"{IMAGE}{i}" for i, sid in enumerate(t.subjects["subject_id"])}
    arms = {arm: name for arm, name in zip(t.arms, (BOLD, TICK), strict=False)}
    base = t.baseline_visit
    visits = {v: (v if v == base else f"{LINK} {v}") for v in t.visits}

    def fix(frame):
        frame = frame.copy()
        frame["subject_id"] = frame["subject_id"].map(ids)
        if "visit" in frame:
            frame["visit"] = frame["visit"].map(visits)
        return frame

    subjects = fix(t.subjects)
    subjects["arm"] = subjects["arm"].map(arms)
    subjects["ms_type"] = subjects["ms_type"].map(lambda v: f"{BOLD} {v}")
    ae = fix(t.adverse_events)
    ae["term"] = ae["term"].map(lambda v: f"{IMAGE} {v}")
    return replace(t, subjects=subjects, measurements=fix(t.measurements),
                   adverse_events=ae, injections=fix(t.injections),
                   source=f"{BOLD}.csv", origin="")


def _markdown_texts(at: AppTest) -> list[str]:
    texts = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title",
                 "header", "subheader", "toast", "exception"):
        texts += [str(getattr(e, "value", "")) for e in getattr(at, kind, [])]
    texts += [m.label for m in at.metric]
    texts += [t.label for t in at.tabs]
    for kind in ("selectbox", "multiselect", "toggle", "checkbox", "radio", "slider",
                 "number_input", "text_input", "expander", "tabs", "button"):
        texts += [str(getattr(w, "label", "")) for w in getattr(at, kind, [])]
    return texts


@pytest.fixture(scope="module")
def trial():
    return hostile_trial()


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_no_markdown_from_data(trial, page):
    at = open_page(f"pages/{page}.py", **{state.FULL_TRIAL: trial, state.TRIAL: trial})
    leaks = [(s, text[:300]) for text in _markdown_texts(at) for s in HOSTILE if s in text]
    assert leaks == []


def test_many_bad_link_parameters_give_a_few_escaped_notices():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for i in range(12):
        at.query_params[f"f.{BOLD}{i}"] = IMAGE
    at.query_params["f.age"] = f"[{BOLD},{IMAGE}]"
    at.query_params["data"] = "single"
    at.run()
    assert not at.exception, [e.value for e in at.exception][:1]
    notes = [c.value for c in at.caption if c.value.startswith("⚠️")]
    assert 1 < len(notes) <= 4, notes  # three listed, the rest counted
    assert any("more link problems" in n for n in notes)
    assert len(at.toast) <= 1
    # a link's values are shown in code spans they cannot close, which show text as is
    texts = [re.sub(r"`[^`]*`", "", t) for t in _markdown_texts(at)]
    assert [t for t in texts for s in HOSTILE if s in t] == []
    assert all("`" not in t for t in texts)


def _error_script():
    from msc_dash.ui import data

    data.show_load_error()


def test_load_error_quoting_hostile_cells_and_file_names_writes_nothing():
    from msc_dash.errors import TrialDataError

    bad = (f"subject_id,visit,day,outcome,value\nP1,Baseline,0,EDSS,6\n"
           f"P1,{LINK},{IMAGE} {BOLD},EDSS,6\n")
    with pytest.raises(TrialDataError) as err:
        msc_dash.load_trial(bad.encode(), name=f"{BOLD}.csv")
    at = AppTest.from_function(_error_script, default_timeout=30)
    at.session_state[state.LOAD_ERROR] = str(err.value)
    at.session_state[state.SOURCE_LABEL] = f"{IMAGE}.csv"
    at.run()
    assert not at.exception
    shown = at.error[0].value
    assert "day" in shown and "Still showing" in shown
    outside_code = re.sub(r"`[^`]*`", "", shown)
    assert [s for s in HOSTILE if s in outside_code] == [], shown
