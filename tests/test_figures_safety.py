"""Safety and patient figures: inspect fig.data and fig.layout."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import msc_dash
from msc_dash.figures import safety as figs
from msc_dash.findings import one_year_visit
from msc_dash.trial import Trial

SUBJECTS = pd.DataFrame({"subject_id": ["a", "b", "c"], "arm": ["MSC", "MSC", "Placebo"]})
# a followed 12 months, b 6 months, c baseline only
MEASUREMENTS = pd.DataFrame(
    [(sid, v, d, code, val)
     for sid, visits in {"a": [("BL", 0), ("M6", 180), ("M12", 365)],
                         "b": [("BL", 0), ("M6", 180)], "c": [("BL", 0)]}.items()
     for v, d in visits
     for code, val in (("EDSS", 6.0 if d < 365 else 5.0), ("NFL", 12.0 - d / 100),
                       ("T25FW", 9.0))],
    columns=["subject_id", "visit", "day", "outcome", "value"])
INJECTIONS = pd.DataFrame({"subject_id": ["a", "a", "b"], "injection_number": [1, 2, 1],
                           "day": [0, 120, 0]})
EVENTS = pd.DataFrame({"subject_id": ["a", "b", "b"], "term": ["Headache", "Fall", "Rash"],
                       "onset_day": [2, 30, 60], "severity": ["mild", "severe", None],
                       "serious": [False, True, False]})


@pytest.fixture
def trial():
    return Trial.from_tables(SUBJECTS, MEASUREMENTS, EVENTS, INJECTIONS)


def _bars(fig):
    return [t for t in fig.data if t.type == "bar"]


def test_swimmer_one_bar_per_subject_in_months(trial):
    fig = figs.swimmer_figure(trial)
    bars = _bars(fig)
    assert sorted(y for b in bars for y in b.y) == ["a", "b", "c"]
    length = {y: x for b in bars for y, x in zip(b.y, b.x, strict=True)}
    assert length["a"] == pytest.approx(365 / 30.4375)
    assert length["b"] == pytest.approx(180 / 30.4375)
    assert length["c"] == 0  # no visit after baseline: a bar of zero length, no crash
    assert fig.layout.xaxis.title.text == "Months since baseline"
    assert all("%{y}" in b.hovertemplate for b in bars)


def test_swimmer_sort_orders(trial):
    # y categories are listed bottom to top; the first subject is drawn on top
    top_down = {s: list(figs.swimmer_figure(trial, sort_by=s).layout.yaxis.categoryarray)[::-1]
                for s in ("arm", "follow-up")}
    assert top_down["arm"] == ["a", "b", "c"]  # MSC (longest first), then Placebo
    assert top_down["follow-up"] == ["a", "b", "c"]
    two = msc_dash.load_sample("two_arm")
    fig = figs.swimmer_figure(two, sort_by="follow-up")
    order = list(fig.layout.yaxis.categoryarray)[::-1]
    last = {y: x for b in _bars(fig) for y, x in zip(b.y, b.x, strict=True)}
    assert [last[s] for s in order] == sorted(last.values(), reverse=True)
    by_arm = list(figs.swimmer_figure(two, sort_by="arm").layout.yaxis.categoryarray)[::-1]
    arm = two.subjects.set_index("subject_id")["arm"]
    arms = [arm[s] for s in by_arm]
    assert arms == sorted(arms, key=two.arms.index)
    with pytest.raises(ValueError):
        figs.swimmer_figure(trial, sort_by="age")


def test_swimmer_sort_by_response_groups_statuses():
    two = msc_dash.load_sample("two_arm")
    visit = one_year_visit(two)
    fig = figs.swimmer_figure(two, sort_by="response", visit=visit,
                              responders=msc_dash.responders(two, visit))
    order = list(fig.layout.yaxis.categoryarray)[::-1]
    status = {}
    for t in fig.data:
        if t.name and t.name.startswith("EDSS-Plus: "):
            status.update(dict.fromkeys(t.y, t.name.split(": ")[1]))
    assert set(status) == set(order)
    ranks = [("improved", "stable", "worsened", "unknown").index(status[s]) for s in order]
    assert ranks == sorted(ranks)


def test_swimmer_serious_events_stand_out(trial):
    fig = figs.swimmer_figure(trial)
    by_name = {t.name: t for t in fig.data}
    serious, mild = by_name["Serious AE"], by_name["AE: mild"]
    assert list(serious.y) == ["b"]
    assert serious.marker.symbol != mild.marker.symbol
    assert serious.marker.size > mild.marker.size
    assert serious.marker.line.color == "#000000" and serious.marker.line.width >= 2
    # missing severity drawn as "unknown"
    assert list(by_name["AE: unknown"].y) == ["b"]
    assert list(by_name["Injection"].y) == ["a", "a", "b"]
    for t in fig.data:  # subject id in every hover: the y category or customdata[0]
        assert "%{y}" in t.hovertemplate or (
            "%{customdata[0]}" in t.hovertemplate and t.customdata[0][0] in "ab")
    assert "customdata[0]" in serious.hovertemplate and "day" in serious.hovertemplate


def test_swimmer_without_events_or_injections():
    t = Trial.from_tables(SUBJECTS, MEASUREMENTS)
    fig = figs.swimmer_figure(t)
    assert sum(len(b.y) for b in _bars(fig)) == 3
    assert not any(str(tr.name).startswith("AE") for tr in fig.data)


def test_ae_timeline(trial):
    fig = figs.ae_timeline_figure(trial)
    assert [a.text for a in fig.layout.annotations] == ["MSC (n = 2)", "Placebo (n = 1)"]
    assert list(fig.layout.yaxis.ticktext)[-1] == "Injections"
    assert set(fig.layout.yaxis.ticktext[:-1]) == {"Headache", "Fall", "Rash"}
    events = [t for t in fig.data if str(t.name).startswith(("AE", "Serious"))]
    assert sum(len(t.x) for t in events) == 3
    subjects = {row[0] for t in events for row in t.customdata}
    assert subjects == {"a", "b"}  # hover shows the subject id
    assert fig.layout.xaxis.title.text == "Months since baseline"


@pytest.mark.parametrize("sample", ["single", "two_arm"])
def test_every_subject_of_the_samples_draws(sample):
    t = msc_dash.load_sample(sample)
    for sid in t.subjects["subject_id"]:
        tl = figs.patient_timeline_figure(t, sid)
        visits = next(tr for tr in tl.data if tr.name == "Visit")
        assert len(visits.x) == t.measurements.loc[t.measurements.subject_id == sid,
                                                   "visit"].nunique()
        figs.patient_outcomes_figure(t, sid)


def test_patient_timeline(trial):
    fig = figs.patient_timeline_figure(trial, "b")
    names = {t.name: t for t in fig.data}
    assert list(names["Visit"].text) == ["BL", "M6"]
    assert list(names["Injection"].text) == ["#1"]
    assert len(names["Serious AE"].x) == 1 and len(names["AE: unknown"].x) == 1
    assert names["Visit"].customdata[0][0] == "b"
    with pytest.raises(KeyError):
        figs.patient_timeline_figure(trial, "zz")
    # a subject with baseline only
    only = figs.patient_timeline_figure(trial, "c")
    assert len(next(t for t in only.data if t.name == "Visit").x) == 1


def test_patient_outcomes_log_axis_and_band(trial):
    fig = figs.patient_outcomes_figure(trial, "a", ["EDSS", "NFL", "T25FW"])
    assert [a.text for a in fig.layout.annotations] == [
        trial.outcome(c).axis_title.replace(" (", "<br>(", 1) for c in ("EDSS", "NFL", "T25FW")]
    assert (fig.layout.yaxis.type, fig.layout.yaxis2.type, fig.layout.yaxis3.type) == (
        "linear", "log", "log")
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    # EDSS baseline 6.0 -> +/- 0.5 (baseline > 5.5); T25FW 9 s -> +/- 20% (7.2 to 10.8);
    # NFL has no meaningful-change rule -> no band
    bands = sorted((s.yref, round(s.y0, 6), round(s.y1, 6)) for s in rects)
    assert bands == [("y", 5.5, 6.5), ("y3", 7.2, 10.8)]
    edss = next(t for t in fig.data if t.name == "EDSS")
    assert list(edss.y) == [6.0, 6.0, 5.0]
    assert np.allclose(edss.x, np.array([0, 180, 365]) / 30.4375)
    assert "%{customdata[0]}" in edss.hovertemplate and edss.customdata[0][0] == "a"


def test_patient_outcomes_sample_nfl_is_log():
    t = msc_dash.load_sample("single")
    fig = figs.patient_outcomes_figure(t, "P01")
    titles = [a.text for a in fig.layout.annotations]
    i = titles.index(t.outcome("NFL").axis_title.replace(" (", "<br>(", 1))
    axis = fig.layout[f"yaxis{i + 1 if i else ''}"]
    assert axis.type == "log"


def test_swimmer_of_a_registry_size_trial_shows_a_readable_part_and_says_so():
    from conftest import build_trial

    from msc_dash.figures import safety as fs

    trial = build_trial(n_per_arm=200, arms=("MSC", "Placebo"))  # 400 subjects
    fig = fs.swimmer_figure(trial)
    rows = set(fig.layout.yaxis.categoryarray)
    assert len(rows) == fs.MAX_SWIMMER_SUBJECTS
    assert all(set(map(str, t.y)) <= rows for t in fig.data)  # no marks for hidden rows
    assert "first 300 of 400 subjects" in fig.layout.title.text
