"""The Overview page on the bundled samples (Streamlit AppTest).

Numbers shown are checked against scipy/numpy on the sample's own arrays,
not against msc_dash output.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import build_trial, open_download_menus
from scipy import stats
from streamlit.testing.v1 import AppTest

from msc_dash.findings import one_year_visit
from msc_dash.outcomes import DOMAINS
from msc_dash.tables import format_pct, p_phrase

TWO_ARM = "Sample two-arm trial (simulated)"
APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _overview(two_arm: bool = False) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    # AppTest (streamlit 1.67) reruns only the page script after the first run, so
    # sidebar choices are made in session state before it
    if two_arm:
        at.session_state["data_choice"] = TWO_ARM
    at.run()  # the Overview is the default page
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def single():
    return _overview()


def _markdown(at) -> str:
    """Every Markdown element's text, with Markdown escapes removed."""
    return "\n".join(m.value for m in at.markdown).replace("\\", "")


def _forest(at) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def _pairs(trial, outcome, visit):
    """Baseline and visit values of the subjects measured at both (numpy only)."""
    m = trial.measurements
    m = m[m["outcome"] == outcome]
    base = m[m["day"] == 0].groupby("subject_id")["value"].mean()
    at = m[m["visit"] == visit].groupby("subject_id")["value"].mean()
    both = base.index.intersection(at.index)
    return base[both].to_numpy(), at[both].to_numpy()


def test_title_description_and_default_visit(single, sample_trial):
    assert single.title[0].value == "Overview"
    assert f"{sample_trial.n_subjects} subjects" in single.markdown[0].value
    visit = single.selectbox(key="visit")
    days = sample_trial.visit_days
    # options are labelled with each visit's median day
    assert visit.options == [f"{v} (day {days[v]:.0f})" for v in sample_trial.followup_visits]
    # closest follow-up to day 365, worked out here from the visit days
    expected = min(sample_trial.followup_visits, key=lambda v: abs(days[v] - 365))
    assert visit.value == expected == one_year_visit(sample_trial)


def test_one_card_per_domain_and_safety(single, sample_trial):
    headers = [m.value for m in single.markdown if m.value.startswith("#### ")]
    domains = [DOMAINS[d] for d in DOMAINS if sample_trial.outcomes_in(d)]
    # the tree lists the grid column by column, so compare as sets
    assert sorted(headers) == sorted([f"#### {d}" for d in domains] + ["#### Safety"])
    for d in ("Mobility", "Disability", "Cognition", "Biomarkers", "Patient-reported outcomes"):
        assert d in domains
    flags = sample_trial.adverse_events["serious"].astype(str).str.lower()
    serious = int(flags.isin(["true", "1", "yes", "y"]).sum())
    safety = next(m for m in single.metric if m.label == "Serious adverse events")
    assert safety.value == str(serious) == "0"  # the seed: no serious adverse events


def test_mobility_card_shows_median_change_of_t25fw(single, sample_trial):
    visit = single.selectbox(key="visit").value
    b, v = _pairs(sample_trial, "T25FW", visit)
    expected = format_pct(np.median((v - b) / b * 100))
    card = next(m for m in single.metric if m.label.startswith("Timed 25-Foot Walk"))
    assert card.value == expected


def test_forest_has_every_outcome_at_the_visit(single, sample_trial):
    visit = single.selectbox(key="visit").value
    spec = _forest(single)
    m = sample_trial.measurements
    measured = m.loc[m["visit"] == visit, "outcome"].unique()
    n_points = sum(len(t["x"]) for t in spec["data"])
    assert n_points == len(measured)
    ticks = spec["layout"]["yaxis"]["ticktext"]
    # registry labels, not codes (issue 17 item 7)
    assert any(t.startswith("Timed 25-Foot Walk (n=") for t in ticks)
    assert not any(t.startswith(("T25FW", "FSS_SUM", "MSIS29_PHYS")) for t in ticks)
    texts = [a["text"] for a in spec["layout"]["annotations"]]
    assert "favours improvement →" in texts


def test_seed_findings_are_listed(single, sample_trial):
    text = _markdown(single)
    first = sample_trial.followup_visits[0]
    year = one_year_visit(sample_trial)
    # T25FW after the first injection and at one year: median % change from numpy
    for visit in (first, year):
        b, v = _pairs(sample_trial, "T25FW", visit)
        pct = format_pct(np.median((v - b) / b * 100))
        pattern = (rf"Timed 25-Foot Walk\*\* [^:]* at {visit}[^:]*: median change "
                   rf"{re.escape(pct)} ")
        assert re.search(pattern, text), pattern
    # SDMT at one year: paired t-test p from scipy
    b, v = _pairs(sample_trial, "SDMT", year)
    assert p_phrase(stats.ttest_rel(v, b).pvalue) in text
    # cards and findings name outcomes by their registry label, not their code
    for code in ("FSS_SUM", "NFL", "GFAP", "MSIS29_PHYS"):
        assert f"**{sample_trial.outcome(code).label}**" in text
    assert "FSS_SUM" not in text and "MSIS29_PHYS" not in text
    assert "No serious adverse events" in text


def test_changing_the_visit_updates_the_page(sample_trial):
    at = _overview()
    first = sample_trial.followup_visits[0]
    at.selectbox(key="visit").set_value(first).run()
    assert not at.exception
    assert f"Effect sizes at {first}" in [h.value for h in at.subheader]
    ticks = _forest(at)["layout"]["yaxis"]["ticktext"]
    b, _ = _pairs(sample_trial, "T25FW", first)
    assert f"Timed 25-Foot Walk (n={len(b)})" in ticks
    # the effect table shows that visit only, every visit on request
    table = at.dataframe[0].value
    assert set(table["Visit"]) == {first}
    at.toggle(key="overview_all_visits").set_value(True).run()
    assert set(at.dataframe[0].value["Visit"]) == set(sample_trial.followup_visits)
    # raw effect table and forest plot downloads: in menus, made only when opened
    assert not at.get("download_button")
    open_download_menus(at, "overview_forest", "overview_effects_download")
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"CSV", "XLSX", "PNG"} <= set(labels), labels


def test_two_arm_sample():
    at = _overview(two_arm=True)
    from msc_dash import load_sample

    trial = load_sample("two_arm")
    arms = trial.arms
    assert len(arms) == 2
    spec = _forest(at)
    names = [t["name"] for t in spec["data"] if t["name"] != "not estimable"]
    assert names == arms
    # each domain card: one metric per arm under the main outcome's name
    labels = [m.label for m in at.metric if m.label != "Serious adverse events"]
    n_domains = sum(bool(trial.outcomes_in(d)) for d in DOMAINS)
    assert labels == arms * n_domains
    text = _markdown(at)
    assert "**Timed 25-Foot Walk** median change" in text
    # findings in one column per arm, headed by the arm
    assert f"**{arms[0]}**" in text and f"**{arms[1]}**" in text
    assert "Arm" in at.dataframe[0].value.columns
    # the safety card splits the adverse events by arm (counted here with pandas)
    ae = trial.adverse_events.merge(trial.subjects[["subject_id", "arm"]], on="subject_id")
    for arm in arms:
        events = int((ae["arm"] == arm).sum())
        size = int((trial.subjects["arm"] == arm).sum())
        with_event = ae.loc[ae["arm"] == arm, "subject_id"].nunique()
        assert f"**{arm}**: {events} events in {with_event} of {size}" in text


def _overview_of(trial) -> AppTest:
    """The Overview on a trial built in the test (as if uploaded)."""
    from msc_dash.ui import state
    from msc_dash.ui.data import UPLOAD

    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["data_choice"] = UPLOAD
    at.session_state[state.FULL_TRIAL] = trial
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_tiny_trial_shows_not_estimable_instead_of_failing():
    # two subjects: every effect has n < 3
    at = _overview_of(build_trial(n_per_arm=2, seed=5))
    values = [m.value for m in at.metric if m.label != "Serious adverse events"]
    assert values and all(v == "not estimable" for v in values)
    spec = _forest(at)
    assert [t["name"] for t in spec["data"]] == ["not estimable"]
    assert "could not be estimated" in _markdown(at)


def test_trial_without_events_or_follow_up():
    trial = build_trial(with_events=False)
    at = _overview_of(trial)
    assert "#### Safety" not in [m.value for m in at.markdown]
    assert "adverse events" not in _markdown(at)  # no safety finding either
    baseline_only = trial.filter()  # same data; then drop every follow-up row
    from dataclasses import replace

    m = baseline_only.measurements
    baseline_only = replace(baseline_only, measurements=m[m["day"] == 0].reset_index(drop=True))
    at = _overview_of(baseline_only)
    assert any("no follow-up visit" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_unknown_outcome_gets_an_other_card():
    spec = {"SDMT": (43.0, 12.0, 2.0, False), "GRIP": (30.0, 5.0, 2.0, False)}
    at = _overview_of(build_trial(outcomes=spec))
    headers = {m.value for m in at.markdown if m.value.startswith("#### ")}
    assert {"#### Cognition", "#### Other outcomes"} <= headers
    assert "GRIP" in _markdown(at)
