"""Subgroup levels, per-level paired Hedges' g (vs pingouin), the heterogeneity F test
(vs a hand-computed nested-model F on numpy least squares) and the treatment x subgroup
interaction (vs R's anova(lm(...)), frozen in tests/reference/subgroups.csv)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from conftest import build_trial
from scipy import stats

from msc_dash import subgroup_effects
from msc_dash.settings import AnalysisSettings
from msc_dash.subgroups import (
    HETEROGENEITY_KIND,
    HETEROGENEITY_TEST,
    INTERACTION_KIND,
    INTERACTION_TEST,
    MULTIPLICITY_NOTE,
    SUBGROUP_COLUMNS,
    is_numeric_variable,
    subgroup_interaction,
    subgroup_levels,
)


@pytest.fixture(scope="module")
def trial():
    return build_trial(n_per_arm=30, seed=4)


def _pairs(trial, outcome, visit):
    long = trial.long()
    d = long[long.outcome == outcome]
    base = d[d.visit == "Baseline"].set_index("subject_id")[["arm", "value"]]
    post = d[d.visit == visit].set_index("subject_id")["value"].rename("post")
    out = base.join(post, how="inner").rename(columns={"value": "pre"}).reset_index()
    return out.merge(trial.subjects.drop(columns="arm"), on="subject_id")


def test_median_split_by_hand(trial):
    lv = subgroup_levels(trial, "age")
    med = trial.subjects.age.median()
    s = trial.subjects.set_index("subject_id").age
    assert list(lv.cat.categories) == [f"≤ {med:g}", f"> {med:g}"]
    assert set(lv.index[lv == f"≤ {med:g}"]) == set(s.index[s <= med])


def test_cut_points_and_categories(trial):
    lv = subgroup_levels(trial, "baseline_edss", cuts=(6.5, 5.0))
    s = trial.subjects.set_index("subject_id").baseline_edss
    assert list(lv.cat.categories) == ["≤ 5", "5 to 6.5", "> 6.5"]
    assert set(lv.index[lv == "5 to 6.5"]) == set(s.index[(s > 5) & (s <= 6.5)])
    ms = subgroup_levels(trial, "ms_type")
    assert list(ms.cat.categories) == ["PPMS", "SPMS"]
    assert not is_numeric_variable(trial.subjects.n_injections)
    with pytest.raises(KeyError, match="`bogus` is not a subject variable"):
        subgroup_levels(trial, "bogus")


@pytest.mark.parametrize("outcome", ["SDMT", "T25FW"])
def test_effects_match_pingouin(trial, outcome):
    out = subgroup_effects(trial, "ms_type", outcome=outcome, visit="Month 12",
                           settings=AnalysisSettings(n_boot=600, seed=2))
    assert tuple(out.columns) == SUBGROUP_COLUMNS
    d = _pairs(trial, outcome, "Month 12")
    sign = 1 if outcome == "SDMT" else -1
    for _, row in out.iterrows():
        sub = d[d.ms_type == row.level]
        assert row.n == len(sub)
        g = pg.compute_effsize(sub.post, sub.pre, paired=True, eftype="hedges")
        assert row.hedges_g == pytest.approx(sign * g, rel=1e-12)
        lo, hi = pg.compute_bootci(sub.post.to_numpy(), sub.pre.to_numpy(), func="hedges",
                                   paired=True, method="bca", n_boot=600, seed=2, decimals=8)
        assert sorted((sign * lo, sign * hi)) == pytest.approx(
            [row.hedges_g_ci_low, row.hedges_g_ci_high], abs=1e-7)
        assert row.change_mean == pytest.approx((sub.post - sub.pre).mean())


def test_interaction_f_by_hand(trial):
    cuts = (45.0, 55.0)
    out = subgroup_interaction(trial, "age", outcome="SDMT", visit="Month 6", cuts=cuts)
    row = out.iloc[0]
    d = _pairs(trial, "SDMT", "Month 6")
    d["change"] = d.post - d.pre
    level = np.digitize(d.age, cuts, right=True)  # 0: <=45, 1: (45, 55], 2: > 55
    X0 = np.column_stack([np.ones(len(d)), d.pre])
    X1 = np.column_stack([X0, level == 1, level == 2]).astype(float)

    def rss(X):
        beta = np.linalg.lstsq(X, d.change, rcond=None)[0]
        return float(((d.change - X @ beta) ** 2).sum())

    df_den = len(d) - 4
    f = ((rss(X0) - rss(X1)) / 2) / (rss(X1) / df_den)
    assert row.f == pytest.approx(f, rel=1e-9)
    assert (row.df_num, row.df_den, row.n, row.n_levels) == (2, df_den, len(d), 3)
    assert row.p_interaction == pytest.approx(stats.f.sf(f, 2, df_den), rel=1e-9)
    assert row.test == HETEROGENEITY_TEST and "F test" in row.test
    assert row.kind == HETEROGENEITY_KIND == "heterogeneity across subgroups"


def test_interaction_detects_a_real_difference():
    t = build_trial(n_per_arm=40, seed=8)
    m = t.measurements.copy()
    spms = set(t.subjects.subject_id[t.subjects.ms_type == "SPMS"])
    boost = (m.outcome == "SDMT") & (m.day > 0) & m.subject_id.isin(spms)
    m.loc[boost, "value"] += 10
    from msc_dash.trial import Trial
    t2 = Trial.from_tables(t.subjects.drop(columns="n_injections"), m)
    p = subgroup_interaction(t2, "ms_type", outcome="SDMT", visit="Month 12").p_interaction[0]
    assert p < 1e-6


def test_small_levels_not_estimable(trial):
    out = subgroup_effects(trial, "age", outcome="SDMT", visit="Month 12",
                           cuts=(float(trial.subjects.age.min()),), settings=AnalysisSettings(n_boot=200))
    low = out.iloc[0]
    assert low.n < 3 and not low.estimable and low.note == "n < 3"
    one = subgroup_interaction(trial.filter(ms_type=["SPMS"]), "ms_type", outcome="SDMT",
                               visit="Month 12")
    assert not one.estimable[0] and one.note[0] == "fewer than 2 subgroups with data"


def test_two_arms_give_effect_rows_per_arm_and_one_interaction_test():
    t = build_trial(n_per_arm=12, arms=("MSC", "Placebo"), seed=3)
    out = subgroup_effects(t, "sex", outcome="EDSS", visit="Month 12",
                           settings=AnalysisSettings(n_boot=200))
    assert list(out.arm) == ["MSC", "MSC", "Placebo", "Placebo"]
    inter = subgroup_interaction(t, "sex", outcome="EDSS", visit="Month 12")
    assert len(inter) == 1
    row = inter.iloc[0]
    assert row.arm == "MSC vs Placebo" and row.kind == INTERACTION_KIND
    assert row.test == INTERACTION_TEST and "arm * subgroup" in row.test


REF = Path(__file__).parent / "reference"


def test_interaction_and_heterogeneity_equal_r_anova():
    # tests/reference/subgroups.R: anova(lm(change ~ baseline + arm * level)) (two-arm
    # sample, the arm:level row) and anova(lm(change ~ baseline + level)) (single arm)
    from msc_dash import load_sample

    expected = pd.read_csv(REF / "subgroups.csv")
    trials = {w: load_sample(w) for w in ("single", "two_arm")}
    for e in expected.itertuples():
        which, variable, outcome, visit = e.case.split("|")
        out = subgroup_interaction(trials[which], variable, outcome=outcome, visit=visit)
        assert len(out) == 1
        row = out.iloc[0]
        assert row.kind == (INTERACTION_KIND if which == "two_arm" else HETEROGENEITY_KIND)
        assert (row.df_num, row.df_den) == (e.df_num, e.df_den), e.case
        assert row.f == pytest.approx(e.f, rel=1e-9), e.case
        assert row.p_interaction == pytest.approx(e.p, rel=1e-8), e.case


def test_interaction_is_not_the_within_arm_subgroup_difference():
    # the same subgroup shift in both arms changes each arm's change but not the
    # difference between arms: heterogeneity within an arm is large, interaction is not
    t = build_trial(n_per_arm=40, arms=("MSC", "Placebo"), seed=8)
    m = t.measurements.copy()
    spms = set(t.subjects.subject_id[t.subjects.ms_type == "SPMS"])
    m.loc[(m.outcome == "SDMT") & (m.day > 0) & m.subject_id.isin(spms), "value"] += 10
    from msc_dash.trial import Trial

    t2 = Trial.from_tables(t.subjects.drop(columns="n_injections"), m)
    inter = subgroup_interaction(t2, "ms_type", outcome="SDMT", visit="Month 12").iloc[0]
    within = subgroup_interaction(t2.filter(arm=["MSC"]), "ms_type", outcome="SDMT",
                                  visit="Month 12").iloc[0]
    assert within.p_interaction < 1e-6 and within.kind == HETEROGENEITY_KIND
    assert inter.p_interaction > 0.01 and inter.kind == INTERACTION_KIND


def test_bad_outcome_and_visit_are_named(trial):
    with pytest.raises(ValueError, match="`visit` = 'Baseline' is not a follow-up visit"):
        subgroup_effects(trial, "sex", outcome="SDMT", visit="Baseline")
    with pytest.raises(ValueError, match="`outcome` = 'XYZ' is not in the data"):
        subgroup_interaction(trial, "sex", outcome="XYZ", visit="Month 12")
    assert "exploratory" in MULTIPLICITY_NOTE


def test_missing_values_left_out(trial):
    s = trial.subjects.copy()
    s.loc[:4, "sex"] = pd.NA
    from msc_dash.trial import Trial
    t = Trial.from_tables(s.drop(columns="n_injections"), trial.measurements)
    out = subgroup_effects(t, "sex", outcome="SDMT", visit="Month 12",
                           settings=AnalysisSettings(n_boot=200))
    assert out.n.sum() == len(_pairs(trial, "SDMT", "Month 12")) - 5


def test_large_levels_use_the_effect_table_analytic_ci():
    from msc_dash.effects import ANALYTIC_N, effect_sizes

    t = build_trial(n_per_arm=2 * ANALYTIC_N + 40, seed=12,
                    outcomes={"SDMT": (43.0, 12.0, 2.0, False)},
                    visits=(("Baseline", 0), ("Month 12", 365)), with_events=False)
    out = subgroup_effects(t, "ms_type", outcome="SDMT", visit="Month 12").set_index("level")
    ref = effect_sizes(t.filter(ms_type=["SPMS"]))
    ref = ref[(ref.outcome == "SDMT") & (ref.visit == "Month 12")].iloc[0]
    got = out.loc["SPMS"]
    assert got.ci_method == ref.ci_method == "analytic"
    assert (got.hedges_g, got.hedges_g_ci_low, got.hedges_g_ci_high) == pytest.approx(
        (ref.hedges_g, ref.hedges_g_ci_low, ref.hedges_g_ci_high), rel=1e-9)
