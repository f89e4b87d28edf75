"""msc_dash.effects against independent references (pingouin, scipy, statsmodels).

Every expected number comes from pingouin / scipy / statsmodels run on the same
arrays in the test, from a hand computation, or from a published table (source
in the comment). Subjects enter the bootstrap sorted by subject_id, which is the
order ``paired_frame`` returns within an arm.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import OUTCOME_SPECS, build_trial
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from msc_dash.effects import (
    ANALYTIC_N,
    COLUMNS,
    EDSS_PLUS,
    _wilcoxon_p,
    bootstrap_distribution,
    effect_sizes,
    paired_frame,
    responders,
    trajectory,
)
from msc_dash.outcomes import REGISTRY
from msc_dash.trial import Trial

TOL = 1e-9
DESIGN_COLUMNS = [
    "arm", "outcome", "domain", "visit", "day", "n", "baseline_mean", "baseline_sd",
    "visit_mean", "visit_sd", "change_mean", "change_ci_low", "change_ci_high",
    "pct_change_median", "hedges_g", "hedges_g_ci_low", "hedges_g_ci_high", "d_z", "gmr",
    "gmr_ci_low", "gmr_ci_high", "p_ttest", "p_wilcoxon", "rank_biserial", "p_adjusted",
    "improved_n", "improved_pct", "improved_ci_low", "improved_ci_high", "worsened_n",
    "worsened_pct", "ci_method", "estimable", "note",
]


def _trial_from_arrays(baseline, value, outcome="SDMT", arms=None, visit="M6", day=180):
    """A one-visit trial from paired arrays (subjects s000, s001, ... in order)."""
    n = len(baseline)
    ids = [f"s{i:03d}" for i in range(n)]
    subjects = pd.DataFrame({"subject_id": ids})
    if arms is not None:
        subjects["arm"] = arms
    m = pd.DataFrame({
        "subject_id": ids * 2, "visit": ["BL"] * n + [visit] * n,
        "day": [0] * n + [day] * n, "outcome": outcome,
        "value": np.concatenate([baseline, value]).astype(float),
    })
    return Trial.from_tables(subjects, m)


def _cells(trial, table):
    """Yield (row, visit values, baseline values) in bootstrap order."""
    for row in table.itertuples(index=False):
        f = paired_frame(trial, row.outcome, row.visit)
        f = f[f["arm"] == row.arm].sort_values("subject_id")
        yield row, f["value"].to_numpy(), f["baseline"].to_numpy()


# ------------------------------------------------------------------ shape
def test_columns_are_exactly_the_design_contract(small_trial):
    table = effect_sizes(small_trial, n_boot=200)
    assert list(table.columns) == DESIGN_COLUMNS == list(COLUMNS)


def test_rows_are_arm_by_registry_outcome_by_visit(two_arm_trial):
    t = two_arm_trial
    table = effect_sizes(t, n_boot=200)
    expected = [(a, o, v) for a in t.arms for o in t.outcomes for v in t.followup_visits]
    assert list(zip(table["arm"], table["outcome"], table["visit"], strict=True)) == expected
    assert t.outcomes == REGISTRY.order(OUTCOME_SPECS)
    # day is the visit's median day over all subjects
    assert table["day"].tolist() == [float(t.visit_days[v]) for _, _, v in expected]
    assert (table["domain"] == [t.outcome(o).domain for _, o, _ in expected]).all()


def test_bad_padjust_names_the_allowed_values(small_trial):
    with pytest.raises(ValueError, match=r"`padjust` must be one of holm, fdr_bh, bonf, none"):
        effect_sizes(small_trial, padjust="BH")
    with pytest.raises(ValueError, match=r"`ci` must be between 0 and 1"):
        effect_sizes(small_trial, ci=95)


# ------------------------------------------------- against pingouin / scipy
@pytest.mark.parametrize("seed,arms,n", [(1, None, 12), (2, ("MSC", "Placebo"), 15),
                                         (7, ("A", "B"), 9), (11, None, 30)])
def test_every_cell_matches_pingouin_scipy_statsmodels(seed, arms, n):
    import pingouin as pg
    from statsmodels.stats.proportion import proportion_confint

    t = build_trial(n_per_arm=n, arms=arms, seed=seed)
    table = effect_sizes(t, n_boot=1000, seed=seed)
    assert table["estimable"].mean() > 0.8
    for row, v, b in _cells(t, table):
        out = t.outcome(row.outcome)
        s = out.sign
        assert row.n == len(v) == n
        if not row.estimable:  # e.g. EDSS unchanged in every placebo subject
            assert np.all(v - b == v[0] - b[0]) and row.note.startswith("no variance")
            assert np.isnan([row.p_ttest, row.p_wilcoxon, row.hedges_g_ci_low]).all()
            continue
        assert row.hedges_g == pytest.approx(
            s * pg.compute_effsize(v, b, paired=True, eftype="hedges"), abs=TOL)
        ci = pg.compute_bootci(v, b, func="hedges", paired=True, n_boot=1000, seed=seed,
                               method="bca", decimals=10)
        lo, hi = (ci[0], ci[1]) if s > 0 else (-ci[1], -ci[0])
        assert row.hedges_g_ci_low == pytest.approx(lo, abs=TOL)
        assert row.hedges_g_ci_high == pytest.approx(hi, abs=TOL)
        assert row.ci_method == "bca"
        tt = stats.ttest_rel(v, b)
        assert row.p_ttest == pytest.approx(tt.pvalue, abs=TOL)
        tci = tt.confidence_interval(0.95)
        assert (row.change_ci_low, row.change_ci_high) == pytest.approx(
            (tci.low, tci.high), abs=TOL)
        assert row.p_wilcoxon == pytest.approx(stats.wilcoxon(v, b).pvalue, abs=TOL)
        w = pg.wilcoxon(v, b)  # RBC: (R+ - R-)/sum of ranks of (v - b), two-sided
        assert row.rank_biserial == pytest.approx(s * w["RBC"].iloc[0], abs=TOL)
        assert row.d_z == pytest.approx(
            s * pg.compute_effsize(v, b, paired=True, eftype="cohen_dz"), abs=TOL)
        assert row.pct_change_median == pytest.approx(np.median((v - b) / b * 100), abs=TOL)
        assert (row.baseline_mean, row.baseline_sd) == pytest.approx(
            (b.mean(), np.std(b, ddof=1)), abs=TOL)
        if out.scale == "log":
            lr = np.log(v / b)
            lci = stats.ttest_1samp(lr, 0).confidence_interval(0.95)
            assert (row.gmr, row.gmr_ci_low, row.gmr_ci_high) == pytest.approx(
                (stats.gmean(v / b), np.exp(lci.low), np.exp(lci.high)), abs=TOL)
        else:
            assert np.isnan([row.gmr, row.gmr_ci_low, row.gmr_ci_high]).all()
        if out.meaningful_change is None:
            assert np.isnan([row.improved_n, row.improved_pct, row.improved_ci_low,
                             row.improved_ci_high, row.worsened_n, row.worsened_pct]).all()
            continue
        status = out.classify(b, v)
        k = int((status == 1).sum())
        assert row.improved_n == k and row.worsened_n == (status == -1).sum()
        assert row.improved_pct == pytest.approx(100 * k / n, abs=TOL)
        wl, wh = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert (row.improved_ci_low, row.improved_ci_high) == pytest.approx(
            (100 * wl, 100 * wh), abs=TOL)


@pytest.mark.parametrize("method,sm", [("holm", "holm"), ("fdr_bh", "fdr_bh"),
                                       ("bonf", "bonferroni"), ("none", None)])
def test_p_adjusted_matches_statsmodels_within_arm_and_visit(two_arm_trial, method, sm):
    from statsmodels.stats.multitest import multipletests

    table = effect_sizes(two_arm_trial, n_boot=100, padjust=method)
    for _, block in table.groupby(["arm", "visit"]):
        p = block["p_ttest"].to_numpy()
        ok = np.isfinite(p)  # non-estimable outcomes do not count as tests
        expected = p.copy()
        if sm is not None:
            expected[ok] = multipletests(p[ok], method=sm)[1]
        np.testing.assert_allclose(block["p_adjusted"], expected, atol=TOL, rtol=0)
        assert len(block) == len(two_arm_trial.outcomes)
    assert table["p_adjusted"].notna().sum() > table["p_adjusted"].isna().sum() > 0


def test_p_adjusted_matches_pingouin_multicomp(small_trial):
    import pingouin as pg

    table = effect_sizes(small_trial, n_boot=100, padjust="fdr_bh")
    block = table[table["visit"] == small_trial.followup_visits[-1]]
    _, expected = pg.multicomp(block["p_ttest"].to_numpy(), method="fdr_bh")
    np.testing.assert_allclose(block["p_adjusted"], expected, atol=TOL, rtol=0)


def test_other_ci_level_and_seed_follow_pingouin(small_trial):
    import pingouin as pg

    table = effect_sizes(small_trial, n_boot=800, seed=42, ci=0.9)
    row, v, b = next(_cells(small_trial, table.iloc[[5]]))
    s = small_trial.outcome(row.outcome).sign
    ci = pg.compute_bootci(v, b, func="hedges", paired=True, n_boot=800, seed=42,
                           confidence=0.9, method="bca", decimals=10)
    lo, hi = (ci[0], ci[1]) if s > 0 else (-ci[1], -ci[0])
    assert (row.hedges_g_ci_low, row.hedges_g_ci_high) == pytest.approx((lo, hi), abs=TOL)
    tci = stats.ttest_rel(v, b).confidence_interval(0.9)
    assert (row.change_ci_low, row.change_ci_high) == pytest.approx((tci.low, tci.high),
                                                                    abs=TOL)


def test_bootstrap_distribution_is_pingouins_resamples(small_trial):
    import pingouin as pg

    t = small_trial
    f = paired_frame(t, "T25FW", t.followup_visits[0]).sort_values("subject_id")
    _, dist = pg.compute_bootci(f["value"].to_numpy(), f["baseline"].to_numpy(),
                                func="hedges", paired=True, n_boot=700, seed=3,
                                method="bca", return_dist=True)
    mine = bootstrap_distribution(t, "T25FW", t.followup_visits[0], "All", n_boot=700, seed=3)
    np.testing.assert_allclose(mine, -dist, atol=TOL, rtol=0)  # T25FW: lower is better


def test_wilcoxon_with_ties_and_zeros_matches_scipy():
    # scipy switches to an exact permutation test (n <= 13) or the normal
    # approximation when changes tie or are zero; EDSS-like data does both.
    rng = np.random.default_rng(0)
    for _ in range(150):
        n = int(rng.integers(4, 25))
        b = rng.integers(6, 14, n) / 2
        v = b + rng.integers(-2, 3, n) / 2
        if np.all(v == b):
            continue
        assert _wilcoxon_p(v, b) == pytest.approx(stats.wilcoxon(v, b).pvalue, abs=TOL)


def test_edss_like_ties_match_pingouin_bootci():
    # Many resamples tie exactly with the estimate here; the BCa bias
    # correction counts them, so resampled g must be bit-identical.
    import pingouin as pg

    rng = np.random.default_rng(5)
    for k in range(6):
        n = 8 + 3 * k
        b = rng.integers(8, 14, n) / 2
        v = b.copy()
        v[rng.choice(n, 2 + k % 3, replace=False)] -= 0.5
        t = _trial_from_arrays(b, v, outcome="EDSS")
        row = effect_sizes(t, n_boot=2000).iloc[0]
        ci = pg.compute_bootci(v, b, func="hedges", paired=True, n_boot=2000, seed=0,
                               method="bca", decimals=10)
        assert (row.hedges_g_ci_low, row.hedges_g_ci_high) == pytest.approx(
            (-ci[1], -ci[0]), abs=TOL)
