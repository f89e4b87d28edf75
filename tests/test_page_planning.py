"""The Planning page shows the sample sizes msc_dash.power computes (AppTest)."""

import math

import pytest
from conftest import open_page

from msc_dash import power
from msc_dash.io import load_sample


@pytest.fixture(scope="module")
def planning():
    return open_page("pages/planning.py")


def _metric(at, label):
    hits = [m.value for m in at.metric if m.label == label]
    assert hits, [m.label for m in at.metric]
    return hits


def test_continuous_sample_size_equals_power_module(planning):
    at = planning
    outcome = at.selectbox(key="plan_outcome").value
    visit = next(s.value for s in at.selectbox if s.label == "Visit")
    trial = load_sample("two_arm")
    est = power.pilot_estimates(trial, outcome, visit, treatment=trial.arms[0],
                                control=trial.arms[1])
    n = power.n_two_means(est.effect, est.sd_ancova, alpha=0.05, power=0.8)
    assert _metric(at, "Completing per arm")[0] == str(math.ceil(n))
    assert _metric(at, "Enrolled per arm (15% dropout)")[0] == str(power.enrolled(n, 0.15))
    assert any("pilot's effect estimate is uncertain" in w.value for w in at.warning)


def test_time_to_event_tab_uses_schoenfeld(planning):
    r = power.n_time_to_event(0.7, 0.3)
    assert _metric(planning, "Events needed")[0] == str(r["events"]) == "247"
