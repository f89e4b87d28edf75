"""msc_dash.crossover against lme4/lmerTest (tests/reference/crossover.R) and by hand."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from msc_dash.crossover import crossover, period_data, treatments
from msc_dash.errors import TrialDataError
from msc_dash.io import load_sample
from msc_dash.trial import Trial

REF = Path(__file__).parent / "reference"
_spec = importlib.util.spec_from_file_location("crossover_inputs", REF / "crossover_inputs.py")
inputs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(inputs)
# Values frozen by tests/reference/crossover.R (lme4 + lmerTest, REML, Satterthwaite)
EXPECTED = pd.read_csv(REF / "crossover_expected.csv").set_index("case")


@pytest.fixture(scope="module")
def results():
    out = {}
    for case, (which, outcome, response, washout) in inputs.CASES.items():
        out[case] = crossover(inputs.load(which), outcome, treatment="MSC", control="Sham",
                              response=response, washout_days=washout)
    return out


#: field -> tolerance of the match with EXPECTED
LMER_TOLERANCE = {
    "estimate": dict(rel=1e-7, abs=1e-10), "se": dict(rel=1e-5), "df": dict(rel=1e-4),
    "p": dict(rel=1e-4, abs=1e-12), "carryover_p": dict(rel=1e-4),
    "carryover_df": dict(rel=1e-4), "period_p": dict(rel=1e-4), "period_df": dict(rel=1e-4),
    "sd_residual": dict(rel=1e-5), "sd_subject": dict(rel=1e-4, abs=1e-6),
    "hedges_g": dict(rel=1e-5), "period1_estimate": dict(rel=1e-10),
    "period1_se": dict(rel=1e-10), "period1_p": dict(rel=1e-8),
}


@pytest.mark.parametrize("case", list(inputs.CASES))
def test_equals_lmer(results, case):
    r, e = results[case], EXPECTED.loc[case]
    assert r.n_observations == e["n_obs"] and r.n_subjects == e["n_subjects"]
    for field, tolerance in LMER_TOLERANCE.items():
        assert getattr(r, field) == pytest.approx(e[field], **tolerance), field
    assert r.period1_df == e["period1_df"]


def test_complete_two_by_two_has_n_minus_2_df():
    # the within-subject contrast of a complete 2x2 crossover has n - 2 df (here 20 - 2),
    # and its estimate is half the difference of the sequence means of the period
    # differences (Jones & Kenward, ch. 2), computed here by hand
    rng = np.random.default_rng(5)
    n = 20
    ids = [f"s{i}" for i in range(n)]
    seq = ["MSC-Sham" if i % 2 else "Sham-MSC" for i in range(n)]
    level, course = rng.normal(10, 2, n), rng.normal(0, 2, n)
    rows, per = [], []
    for i, sid in enumerate(ids):  # each subject's own course enters both periods' changes
        a, b = seq[i].split("-")
        v1 = level[i] + course[i] + rng.normal(0, 0.5) + (1.0 if a == "MSC" else 0)
        v2 = v1 + course[i] + rng.normal(0, 0.5) + (1.0 if b == "MSC" else 0)
        rows += [(sid, "D0", 0, "SDMT", level[i]), (sid, "D90", 90, "SDMT", v1),
                 (sid, "D180", 180, "SDMT", v2)]
        per += [(sid, 1, a, 0, 90), (sid, 2, b, 90, 180)]
    meas = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "outcome", "value"])
    periods = pd.DataFrame(per, columns=["subject_id", "period", "treatment", "start_day",
                                         "end_day"])
    trial = Trial.from_tables(pd.DataFrame({"subject_id": ids}), meas, periods=periods)
    r = crossover(trial, "SDMT")
    assert r.df == pytest.approx(n - 2, rel=1e-6)
    d = r.data.pivot(index="subject_id", columns="period", values="y")
    diff = (d[1] - d[2]).groupby(pd.Series(seq, index=ids)).mean()
    assert r.estimate == pytest.approx((diff["MSC-Sham"] - diff["Sham-MSC"]) / 2, rel=1e-9)


def test_period_data_by_hand():
    # subject X01 of the crossover sample: Sham then MSC, crossing over at day 183
    trial = load_sample("crossover")
    m = trial.measurements
    v = m[(m["subject_id"] == "X01") & (m["outcome"] == "EDSS")].set_index("visit")["value"]
    d = period_data(trial, "EDSS").set_index(["subject_id", "period"])
    assert d.loc[("X01", 1), "y"] == v["Month 6"] - v["Baseline"]
    assert d.loc[("X01", 2), "y"] == v["Month 12"] - v["Month 6"]
    t = m[(m["subject_id"] == "X01") & (m["outcome"] == "T25FW")].set_index("visit")["value"]
    d = period_data(trial, "T25FW", washout_days=30).set_index(["subject_id", "period"])
    assert d.loc[("X01", 2), "y"] == pytest.approx(np.log(t["Month 12"] / t["Month 9"]))
    d = period_data(trial, "T25FW", response="end").set_index(["subject_id", "period"])
    assert d.loc[("X01", 2), "y"] == pytest.approx(np.log(t["Month 12"]))
    assert d.loc[("X01", 2), "baseline"] == pytest.approx(np.log(t["Baseline"]))


def test_sample_direction_and_text():
    trial = load_sample("crossover")
    assert treatments(trial) == ("MSC", "Sham")
    r = crossover(trial, "T25FW")
    assert r.log_scale and r.ratio == pytest.approx(np.exp(r.estimate))
    assert r.ratio_low < r.ratio < r.ratio_high < 1
    assert "REML" in r.methods_text and "Satterthwaite" in r.methods_text
    assert r.n_subjects == 48 and r.n_both == 45
    tab = r.table()
    assert list(tab["analysis"].str.split(" ").str[0]) == ["Crossover", "Period"]
    assert "ratio" in tab and tab.loc[1, "n"] == 48
    assert crossover(trial, "EDSS").carryover_warning is None


def test_carryover_warning():
    # shifting the second-period values of one sequence makes a sequence effect
    trial = load_sample("crossover")
    m = trial.measurements.copy()
    seq = m["subject_id"].map(trial.subjects.set_index("subject_id")["sequence"])
    late = (m["outcome"] == "SDMT") & (seq == "Sham-MSC") & (m["day"] > 200)
    m.loc[late, "value"] += 6
    shifted = Trial.from_tables(trial.subjects, m[["subject_id", "visit", "day", "outcome",
                                                   "value"]], periods=trial.periods)
    r = crossover(shifted, "SDMT")
    assert r.carryover_p < 0.10
    assert r.carryover_warning.startswith(f"Possible carryover: the sequence effect has p = "
                                          f"{r.carryover_p:.3f}")


def test_errors_name_the_problem():
    trial = load_sample("crossover")
    with pytest.raises(TrialDataError, match="`Placebo` is not a treatment"):
        crossover(trial, "EDSS", treatment="MSC", control="Placebo")
    with pytest.raises(TrialDataError, match="no periods with two treatments"):
        crossover(load_sample("two_arm"), "EDSS")


def test_package_level_call():
    import msc_dash

    trial = load_sample("crossover")
    r = msc_dash.crossover(trial, "EDSS")  # the module is callable, as the API says
    assert isinstance(r, msc_dash.CrossoverResult)
    assert r.estimate == crossover(trial, "EDSS").estimate
