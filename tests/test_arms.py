"""compare_arms and mixed_anova_table against pingouin and statsmodels on the same data."""

from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.formula.api as smf
from conftest import build_trial

from msc_dash import compare_arms, mixed_anova_table
from msc_dash.arms import COMPARE_COLUMNS, change_frame, hedges_g_independent
from msc_dash.settings import AnalysisSettings


@pytest.fixture(scope="module")
def trial():
    return build_trial(n_per_arm=15, arms=("MSC", "Placebo"), seed=2)


@pytest.fixture(scope="module")
def table(trial):
    return compare_arms(trial, "MSC", "Placebo", settings=AnalysisSettings(n_boot=1000, seed=3))


LOG = ("T25FW", "NHPT", "NFL", "GFAP")


def _pairs(trial, outcome, visit):
    """Baseline and visit values per subject, built by hand from the long table.

    Log-scale outcomes on the log scale, as compare_arms analyses them.
    """
    long = trial.long()
    d = long[long.outcome == outcome]
    if outcome in LOG:
        d = d.assign(value=np.log(d.value))
    base = d[d.visit == "Baseline"].set_index("subject_id")[["arm", "value"]]
    at = d[d.visit == visit].set_index("subject_id")["value"].rename("post")
    out = base.join(at, how="inner").rename(columns={"value": "pre"})
    return out.assign(change=out.post - out.pre).reset_index()


def test_columns_and_rows(trial, table):
    assert tuple(table.columns) == COMPARE_COLUMNS
    assert len(table) == len(trial.outcomes) * len(trial.followup_visits)
    assert table.estimable.all()
    assert set(table.visit) == {"Month 3", "Month 6", "Month 12"}


@pytest.mark.parametrize("outcome", ["T25FW", "SDMT", "EDSS", "NFL"])
def test_hedges_g_matches_pingouin_with_sign(trial, table, outcome):
    d = _pairs(trial, outcome, "Month 12")
    ct, cc = d[d.arm == "MSC"].change, d[d.arm == "Placebo"].change
    g = pg.compute_effsize(ct, cc, eftype="hedges")
    sign = -1 if outcome in ("T25FW", "EDSS", "NFL") else 1
    row = table[(table.outcome == outcome) & (table.visit == "Month 12")].iloc[0]
    assert row.n_treatment == len(ct) == 15 and row.n_control == len(cc) == 15
    assert row.hedges_g == pytest.approx(sign * g, rel=1e-12)


def test_bootstrap_ci_matches_pingouin_compute_bootci(trial, table):
    d = _pairs(trial, "T25FW", "Month 12")
    ct, cc = d[d.arm == "MSC"].change.to_numpy(), d[d.arm == "Placebo"].change.to_numpy()
    lo, hi = pg.compute_bootci(ct, cc, func="hedges", paired=False, method="bca", n_boot=1000,
                               seed=3, decimals=8)
    row = table[(table.outcome == "T25FW") & (table.visit == "Month 12")].iloc[0]
    # lower is better for T25FW: the flipped interval is (-hi, -lo)
    assert row.hedges_g_ci_low == pytest.approx(-hi, abs=1e-7)
    assert row.hedges_g_ci_high == pytest.approx(-lo, abs=1e-7)


def test_hedges_independent_equals_pingouin_on_plain_arrays():
    rng = np.random.default_rng(11)
    x, y = rng.normal(1, 2, 9), rng.normal(0, 1, 13)
    g, lo, hi = hedges_g_independent(x, y, n_boot=800, seed=5, ci=0.9)
    assert g == pytest.approx(pg.compute_effsize(x, y, eftype="hedges"))
    ref = pg.compute_bootci(x, y, func="hedges", paired=False, method="bca", n_boot=800,
                            seed=5, confidence=0.9, decimals=8)
    assert (lo, hi) == pytest.approx(tuple(ref), abs=1e-7)


@pytest.mark.parametrize("outcome,visit", [("SDMT", "Month 12"), ("T25FW", "Month 6"),
                                           ("EDSS", "Month 3")])
def test_ancova_matches_pingouin_and_statsmodels(trial, table, outcome, visit):
    d = _pairs(trial, outcome, visit)
    d["treated"] = (d.arm == "MSC").astype(float)
    fit = smf.ols("post ~ treated + pre", data=d).fit()
    row = table[(table.outcome == outcome) & (table.visit == visit)].iloc[0]
    assert row.adjusted_difference == pytest.approx(fit.params["treated"], rel=1e-10)
    lo, hi = fit.conf_int(0.05).loc["treated"]
    assert (row.adjusted_ci_low, row.adjusted_ci_high) == pytest.approx((lo, hi), rel=1e-10)
    assert row.p_ancova == pytest.approx(fit.pvalues["treated"], rel=1e-8)
    ref = pg.ancova(d, dv="post", covar="pre", between="arm")
    assert row.p_ancova == pytest.approx(ref.set_index("Source").loc["arm", "p_unc"], rel=1e-8)
    if outcome in LOG:  # log(value) ~ arm + log(baseline): the ratio is exp of the difference
        assert row.scale == "log"
        assert (row.ratio, row.ratio_ci_low, row.ratio_ci_high) == pytest.approx(
            (np.exp(fit.params["treated"]), np.exp(lo), np.exp(hi)), rel=1e-10)
    else:
        assert row.scale == "linear" and np.isnan(row.ratio)


def test_log_scale_outcome_is_compared_as_a_ratio_by_hand():
    # two arms of 4: MSC values halve, Placebo's stay; baselines 10, 20, 40, 80 in both.
    # log(value) - log(baseline) = log(0.5) +- noise -> ratio of geometric means ~ 0.5,
    # which a raw-scale difference (mean of -5, -10, -20, -40 = -18.75) cannot say.
    rows, arms = [], {}
    for arm, factor in (("MSC", 0.5), ("Placebo", 1.0)):
        for i, b in enumerate((10.0, 20.0, 40.0, 80.0)):
            sid = f"{arm}{i}"
            arms[sid] = arm
            wobble = (1.02, 0.98, 1.01, 0.99)[i]
            rows += [(sid, "BL", 0, b), (sid, "M12", 365, b * factor * wobble)]
    m = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "value"]).assign(
        outcome="T25FW")
    s = pd.DataFrame({"subject_id": list(arms), "arm": list(arms.values())})
    from msc_dash.trial import Trial

    row = compare_arms(Trial.from_tables(s, m), "MSC", "Placebo", settings=AnalysisSettings(n_boot=200)).iloc[0]
    # both arms share baselines and wobble, so the log-scale ANCOVA difference is log(0.5)
    assert row.ratio == pytest.approx(0.5, rel=1e-9)
    assert row.adjusted_difference == pytest.approx(np.log(0.5), rel=1e-9)


def test_log_scale_outcome_with_zero_is_not_estimable_and_says_why(trial):
    m = trial.measurements.copy()
    hit = m.index[(m.outcome == "NFL") & (m.visit == "Month 12")][:2]
    m.loc[hit, "value"] = 0.0
    from msc_dash.trial import Trial

    t = Trial.from_tables(trial.subjects.drop(columns="n_injections"), m)
    out = compare_arms(t, "MSC", "Placebo", settings=AnalysisSettings(n_boot=200)).set_index(["outcome", "visit"])
    row = out.loc[("NFL", "Month 12")]
    assert not row.estimable and np.isnan(row.ratio)
    assert row.note.startswith("2 value(s) ≤ 0 of a log-scale outcome")
    assert out.loc[("NFL", "Month 6"), "estimable"]


def test_treatment_benefit_is_positive():
    # MSC gets the stated change (T25FW faster, SDMT higher), Placebo none: both favour MSC
    t = build_trial(n_per_arm=40, arms=("MSC", "Placebo"), seed=9,
                    outcomes={"T25FW": (9.0, 3.0, -3.0, True), "SDMT": (43.0, 12.0, 8.0, False)})
    out = compare_arms(t, "MSC", "Placebo", settings=AnalysisSettings(n_boot=500)).set_index(["outcome", "visit"])
    assert out.loc[("T25FW", "Month 12"), "hedges_g"] > 1
    assert out.loc[("SDMT", "Month 12"), "hedges_g"] > 1
    assert out.loc[("T25FW", "Month 12"), "adjusted_difference"] < 0  # log ratio: faster
    assert out.loc[("T25FW", "Month 12"), "ratio"] < 1
    swapped = compare_arms(t, "Placebo", "MSC", settings=AnalysisSettings(n_boot=500)).set_index(["outcome", "visit"])
    assert swapped.loc[("SDMT", "Month 12"), "hedges_g"] == pytest.approx(
        -out.loc[("SDMT", "Month 12"), "hedges_g"])


def test_too_few_subjects_is_not_estimable(trial):
    keep = list(trial.subjects.subject_id[trial.subjects.arm == "MSC"][:2]) + list(
        trial.subjects.subject_id[trial.subjects.arm == "Placebo"])
    out = compare_arms(trial.filter(subject_id=keep), "MSC", "Placebo", settings=AnalysisSettings(n_boot=200))
    assert not out.estimable.any() and out.hedges_g.isna().all()
    assert set(out.note) == {"n < 3 in an arm"}
    assert (out.n_treatment == 2).all()


def test_unknown_arm_is_named(trial):
    with pytest.raises(ValueError, match="`control` = 'Saline' is not an arm"):
        compare_arms(trial, "MSC", "Saline")
    with pytest.raises(ValueError, match="two different arms"):
        mixed_anova_table(trial, "MSC", "MSC")


def test_change_frame_by_hand(trial):
    ch = change_frame(trial, "SDMT")
    d = _pairs(trial, "SDMT", "Month 6")
    got = ch[ch.visit == "Month 6"].set_index("subject_id").change.sort_index()
    pd.testing.assert_series_equal(got, d.set_index("subject_id").change.sort_index(),
                                   check_names=False)


def test_mixed_anova_matches_pingouin_complete_cases(trial):
    # drop one subject's Month 6 SDMT: that subject must leave the SDMT analysis
    m = trial.measurements
    gone = m.index[(m.subject_id == "M0000") & (m.outcome == "SDMT") & (m.visit == "Month 6")]
    from msc_dash.trial import Trial
    t = Trial.from_tables(trial.subjects.drop(columns="n_injections"), m.drop(index=gone),
                          trial.adverse_events, trial.injections)
    out = mixed_anova_table(t, "MSC", "Placebo")
    sd = out[out.outcome == "SDMT"].set_index("source")
    long = t.long()
    d = long[(long.outcome == "SDMT") & (long.subject_id != "M0000")]
    ref = pg.mixed_anova(d, dv="value", within="visit", between="arm",
                         subject="subject_id").set_index("Source")
    assert sd.loc["arm", "f"] == pytest.approx(ref.loc["arm", "F"])
    assert sd.loc["arm x visit", "p_unc"] == pytest.approx(ref.loc["Interaction", "p_unc"])
    assert sd.loc["visit", "df2"] == ref.loc["visit", "DF2"]
    assert sd.loc["arm", "n_treatment"] == 14 and sd.loc["arm", "n_control"] == 15
    assert set(out.outcome) == set(t.outcomes)


REF = Path(__file__).parent / "reference"


def test_mixed_anova_greenhouse_geisser_equals_r_hand_computation():
    # tests/reference/mixed_anova.R: aov(value ~ arm * visit + Error(subject_id / visit))
    # and the GG epsilon computed by hand from the pooled within-arm covariance.
    # Two-arm sample T25FW, raw scale: eps 0.3618, arm x visit p 0.0258 -> 0.0770 (issue 13).
    from msc_dash import load_sample
    from msc_dash.arms import _mixed_anova

    expected = pd.read_csv(REF / "mixed_anova.csv").set_index(["case", "source"])
    raw = expected.loc[("T25FW|raw", "arm x visit")]
    assert (raw.eps, raw.p_unc, raw.p_gg) == pytest.approx((0.3618, 0.0258, 0.0770), abs=1e-4)
    inputs = pd.read_csv(REF / "mixed_anova_inputs.csv")
    t = load_sample("two_arm")
    table = mixed_anova_table(t, *t.arms).set_index(["outcome", "source"])
    for case, g in inputs.groupby("case"):
        code, scale = case.split("|")
        visits = sorted(g.visit.unique(), key=lambda v: t.visits.index(v))
        mine = _mixed_anova(g[["subject_id", "arm", "visit", "value"]], visits).set_index(
            "source")
        in_app = table.loc[code] if scale == t.outcome(code).scale.replace("linear", "raw") \
            else None
        for source in ("arm", "visit", "arm x visit"):
            e = expected.loc[(case, source)]
            for got in (mine, in_app):
                if got is None:
                    continue
                r = got.loc[source]
                assert (r.f, r.df1, r.df2) == pytest.approx((e.f, e.df1, e.df2), rel=1e-9)
                assert r.p_unc == pytest.approx(e.p_unc, rel=1e-8)
                if source != "arm":
                    assert r.eps == pytest.approx(e.eps, rel=1e-9), case
                    assert r.p_gg == pytest.approx(e.p_gg, rel=1e-8), case


def test_large_trials_use_the_analytic_ci_of_pingouin_compute_esci():
    from msc_dash.arms import ANALYTIC_N

    n = ANALYTIC_N // 2 + 10
    t = build_trial(n_per_arm=n, arms=("MSC", "Placebo"), seed=4,
                    outcomes={"SDMT": (43.0, 12.0, 2.0, False)},
                    visits=(("Baseline", 0), ("Month 12", 365)), with_events=False)
    row = compare_arms(t, "MSC", "Placebo").iloc[0]
    assert row.ci_method == "analytic"
    d = _pairs(t, "SDMT", "Month 12")
    ct, cc = d[d.arm == "MSC"].change, d[d.arm == "Placebo"].change
    g = pg.compute_effsize(ct, cc, eftype="hedges")
    ref = pg.compute_esci(stat=g, nx=n, ny=n, eftype="hedges", decimals=10)
    assert row.hedges_g == pytest.approx(g)
    assert (row.hedges_g_ci_low, row.hedges_g_ci_high) == pytest.approx(tuple(ref), abs=1e-9)
