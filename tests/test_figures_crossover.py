"""Crossover figures on the crossover sample: what is drawn equals the analysis."""

import numpy as np
import pytest
from scipy import stats

from msc_dash.crossover import ae_incidence, crossover
from msc_dash.figures.crossover import (
    ae_by_treatment_figure,
    paired_periods_figure,
    period_profile_figure,
)
from msc_dash.io import load_sample


@pytest.fixture(scope="module")
def result():
    return crossover(load_sample("crossover"), "EDSS")


def test_profile_means_and_ci(result):
    d = result.data
    fig = period_profile_figure(d, treatment="MSC", control="Sham", y_title="Change")
    seq = fig.data[0]
    assert seq.name == "MSC-Sham"
    g = d[(d["sequence"] == "MSC-Sham") & (d["period"] == 2)]["y"]
    assert seq.y[1] == pytest.approx(g.mean())
    half = stats.t.ppf(0.975, len(g) - 1) * g.std() / np.sqrt(len(g))
    assert seq.error_y.array[1] == pytest.approx(half)
    assert list(seq.marker.color) == ["#0072B2", "#E69F00"]  # MSC then Sham


def test_paired_lines_one_per_subject(result):
    d = result.data
    fig = paired_periods_figure(d, treatment="MSC", control="Sham", y_title="Change")
    lines = [t for t in fig.data if t.mode == "lines"]
    assert sum(list(t.x).count(None) for t in lines) == result.n_subjects
    markers = [t for t in fig.data if t.mode == "markers"]
    assert sum(len(t.y) for t in markers) == result.n_observations


def test_ae_bars_are_incidence():
    inc = ae_incidence(load_sample("crossover"))
    fig = ae_by_treatment_figure(inc, treatment="MSC", control="Sham", top=5)
    msc = next(t for t in fig.data if t.name == "MSC")
    assert msc.y[-1] == "Any adverse event" and len(msc.y) == 6
    row = inc[(inc["term"] == "Any adverse event") & (inc["treatment"] == "MSC")].iloc[0]
    assert msc.x[-1] == pytest.approx(100 * row["n_subjects"] / row["n_exposed"])
