"""Biomarker-clinical change correlations against pingouin, statsmodels and scipy."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from msc_dash import load_sample
from msc_dash.correlations import change_pairs, correlate
from msc_dash.figures import correlation_figure


@pytest.fixture(scope="module")
def pairs():
    return change_pairs(load_sample(), "NFL", "SDMT")


def test_change_pairs_are_percent_for_log_scale_and_points_otherwise(pairs):
    m = load_sample().measurements
    wide = m.pivot_table(index=["subject_id"], columns=["outcome", "visit"], values="value")
    row = pairs.iloc[0]
    s, v = row["subject_id"], row["visit"]
    nfl_bl, nfl_v = wide.loc[s, ("NFL", "Baseline")], wide.loc[s, ("NFL", v)]
    assert row["x"] == pytest.approx(100 * (nfl_v / nfl_bl - 1))
    assert row["y"] == pytest.approx(wide.loc[s, ("SDMT", v)] - wide.loc[s, ("SDMT", "Baseline")])


def test_repeated_measures_r_equals_pingouin_and_the_ancova_in_statsmodels(pairs):
    import pingouin as pg

    got = correlate(pairs)
    with warnings.catch_warnings():  # pandas deprecations from inside pingouin
        warnings.simplefilter("ignore")
        ref = pg.rm_corr(pairs, x="x", y="y", subject="subject_id")
    assert got["r"] == pytest.approx(ref["r"].iloc[0], abs=1e-12)
    assert got["dof"] == ref["dof"].iloc[0]
    assert got["p"] == pytest.approx(ref["pval"].iloc[0], rel=1e-9)
    assert [got["ci_low"], got["ci_high"]] == pytest.approx(list(ref["CI95"].iloc[0]), abs=0.005)
    # Bakdash & Marusich: the ANCOVA y ~ subject + x; r from its sums of squares
    fit = smf.ols("y ~ C(subject_id) + x", data=pairs).fit()
    ss_x = fit.params["x"] ** 2 * ((pairs["x"] - pairs.groupby("subject_id")["x"]
                                    .transform("mean")) ** 2).sum()
    r = math.copysign(math.sqrt(ss_x / (ss_x + fit.ssr)), fit.params["x"])
    assert got["r"] == pytest.approx(r, abs=1e-10)
    assert got["p"] == pytest.approx(fit.pvalues["x"], rel=1e-8)
    assert got["n_subjects"] == pairs["subject_id"].nunique() and got["n_obs"] == len(pairs)


def test_spearman_at_one_visit_equals_scipy(pairs):
    got = correlate(pairs, visit="Month 12")
    at = pairs[pairs["visit"] == "Month 12"]
    ref = stats.spearmanr(at["x"], at["y"])
    assert got["r"] == pytest.approx(ref.statistic) and got["p"] == pytest.approx(ref.pvalue)
    assert got["ci_low"] < got["r"] < got["ci_high"]
    assert got["text"].startswith("rho = ")


def test_too_little_data_is_not_estimable_with_a_reason():
    tiny = pd.DataFrame({"subject_id": ["a", "b"], "arm": "All", "visit": "M12",
                         "day": 365.0, "x": [1.0, 2.0], "y": [3.0, 1.0]})
    res = correlate(tiny)
    assert math.isnan(res["r"]) and "not estimable" in res["text"]
    res = correlate(tiny, visit="M12")
    assert math.isnan(res["r"]) and "4 or more" in res["note"]


def test_correlation_figure_axes_hover_and_fit_line(pairs):
    t = load_sample()
    stats_ = correlate(pairs)
    fig = correlation_figure(pairs, x_outcome=t.outcome("NFL"), y_outcome=t.outcome("SDMT"),
                             stats=stats_)
    dots = fig.data[0]
    assert len(dots.x) == len(pairs)
    assert fig.layout.xaxis.title.text == "Serum NfL change from baseline (%)"  # registry short label
    assert fig.layout.yaxis.title.text == "SDMT change from baseline (correct answers)"
    # the subtitle is broken into short lines (each its own <sup>) to fit 1280 px
    assert stats_["text"] in fig.layout.title.text.replace("</sup><br><sup>", " ")
    assert "%{customdata[0]}" in dots.hovertemplate
    line = fig.data[-1]
    slope = np.polyfit(pairs["x"], pairs["y"], 1)[0]
    assert (line.y[1] - line.y[0]) / (line.x[1] - line.x[0]) == pytest.approx(slope)
