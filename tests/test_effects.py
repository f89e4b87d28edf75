"""msc_dash.effects against independent references (pingouin, scipy, statsmodels).

Every expected number comes from pingouin / scipy / statsmodels run on the same
arrays in the test, from a hand computation, or from a published table (source
in the comment). Subjects enter the bootstrap sorted by subject_id, which is the
order ``paired_frame`` returns within an arm.
"""

from __future__ import annotations

from pathlib import Path

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
    bootstrap_distribution,
    effect_sizes,
    paired_frame,
    responders,
    trajectory,
)
from msc_dash.outcomes import REGISTRY
from msc_dash.settings import AnalysisSettings
from msc_dash.trial import Trial

REFERENCE = Path(__file__).parent / "reference"

TOL = 1e-9
DESIGN_COLUMNS = [
    "arm", "outcome", "domain", "visit", "day", "n", "baseline_mean", "baseline_sd",
    "visit_mean", "visit_sd", "change_mean", "change_ci_low", "change_ci_high",
    "pct_change_median", "hedges_g", "hedges_g_ci_low", "hedges_g_ci_high", "d_z", "gmr",
    "gmr_ci_low", "gmr_ci_high", "p_ttest", "p_wilcoxon", "p_wilcoxon_method", "rank_biserial",
    "p_adjusted", "improved_n", "improved_pct", "improved_ci_low", "improved_ci_high", "worsened_n",
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
        assert row.p_wilcoxon == pytest.approx(_exact_signed_rank_p(v, b), abs=TOL)
        assert row.p_wilcoxon_method == "exact"
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
    mine = bootstrap_distribution(t, "T25FW", t.followup_visits[0], "All",
                                  settings=AnalysisSettings(n_boot=700, seed=3))
    np.testing.assert_allclose(mine, -dist, atol=TOL, rtol=0)  # T25FW: lower is better


def _exact_signed_rank_p(v, b):
    """The exact signed-rank p from scipy, changes rounded and zeros dropped.

    Up to 16 non-zero changes: the permutation test over all 2**m sign flips
    (ties allowed); beyond, scipy's exact null distribution, valid without ties.
    """
    d = np.round(v - b, 10)
    d = d[d != 0]  # the test drops them; scipy would enumerate 2**n flips with them
    if len(d) == 1:  # by hand: S = 1 or 0, both |S - 1/2| = 1/2, so p = 1
        return 1.0
    if len(d) > 16:
        assert len(np.unique(np.abs(d))) == len(d), "ties beyond 16 changes: no reference"
        return stats.wilcoxon(d, method="exact").pvalue
    return stats.wilcoxon(d, method=stats.PermutationMethod(n_resamples=np.inf)).pvalue


def test_wilcoxon_with_ties_and_zeros_is_the_exact_conditional_test():
    # EDSS-like half steps tie and are zero; scipy's default used the normal
    # approximation (no continuity correction) above 13 pairs; the exact
    # permutation distribution of the midrank sum is the reference here.
    rng = np.random.default_rng(0)
    checked = 0
    for _ in range(60):
        n = int(rng.integers(4, 19))
        b = rng.integers(6, 14, n) / 2
        v = b + rng.integers(-2, 3, n) / 2
        if np.all(v == b):
            continue
        row = effect_sizes(_trial_from_arrays(b, v, outcome="EDSS"), n_boot=20).iloc[0]
        if not row.estimable:
            continue
        assert row.p_wilcoxon == pytest.approx(_exact_signed_rank_p(v, b), abs=TOL)
        assert row.p_wilcoxon_method == "exact"
        checked += 1
    assert checked > 40


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


# --------------------------------------------------------- published values
def test_lakens_2013_movie_ratings():
    # The published table and statistics (tests/reference/lakens2013*.csv; source in
    # tests/reference/README.md): Lakens 2013, Front Psychol 4:863, Table 1 and text.
    ratings = pd.read_csv(REFERENCE / "lakens2013_ratings.csv")
    ref = pd.read_csv(REFERENCE / "lakens2013.csv").set_index("statistic")
    movie1, movie2 = ratings["movie1"].to_numpy(), ratings["movie2"].to_numpy()
    t = _trial_from_arrays(movie2, movie1, outcome="RATING")  # unknown code: higher is better
    row = effect_sizes(t, n_boot=500).iloc[0]
    n = len(ratings)
    d_av = row.hedges_g / (1 - 3 / (4 * 2 * n - 9))  # undo pingouin's small-sample factor
    got = {"visit_mean": row.visit_mean, "baseline_mean": row.baseline_mean,
           "t": row.change_mean / (np.std(movie1 - movie2, ddof=1) / np.sqrt(n)),
           "p": row.p_ttest, "d_z": row.d_z, "d_av": d_av, "g_av": row.hedges_g}
    for statistic, r in ref.iterrows():
        assert round(got[statistic], int(r.decimals)) == r.value, statistic


def test_hand_computed_small_example():
    # b = 40 52 38 45, v = 44 55 39 50: changes 4 3 1 5, mean 3.25, SD 1.7078
    # s_b^2 = 116.75/3, s_v^2 = 146/3 -> d_av = 3.25 / sqrt(43.7917) = 0.49112,
    # J = 1 - 3/23 -> g = 0.42706; t = 3.806 (df 3) -> p = 0.03186.
    t = _trial_from_arrays([40, 52, 38, 45], [44, 55, 39, 50])
    row = effect_sizes(t, n_boot=200).iloc[0]
    assert row.hedges_g == pytest.approx(3.25 / np.sqrt((116.75 / 3 + 146 / 3) / 2) * 20 / 23)
    assert row.d_z == pytest.approx(3.25 / np.sqrt(8.75 / 3))
    assert row.p_ttest == pytest.approx(0.03186, abs=5e-5)
    # SDMT rule: 4 points -> subjects a (+4) and d (+5) improved
    assert (row.improved_n, row.worsened_n, row.improved_pct) == (2, 0, 50)
    # ranks of |change| 4 3 1 5 are 3 2 1 4, all positive -> r = 1; exact p = 2/16
    assert (row.rank_biserial, row.p_wilcoxon) == (1.0, 0.125)


# ------------------------------------------------------------- properties
paired_arrays = st.integers(3, 18).flatmap(lambda n: st.tuples(
    st.lists(st.floats(1, 60, allow_nan=False).map(lambda v: round(v, 1)), min_size=n,
             max_size=n),
    st.lists(st.floats(-8, 8, allow_nan=False).map(lambda v: round(v, 1)), min_size=n,
             max_size=n),
))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paired_arrays)
def test_flipping_direction_of_benefit_flips_g_and_swaps_ci(arrays):
    base, delta = map(np.asarray, arrays)
    t = _trial_from_arrays(base, base + delta + 0.5)  # SDMT: higher is better
    flipped = t.with_registry(t.registry.with_outcome("SDMT", better="lower"))
    a = effect_sizes(t, n_boot=200).iloc[0]
    b = effect_sizes(flipped, n_boot=200).iloc[0]
    if not a.estimable:
        assert not b.estimable and a.note == b.note
        return
    assert b.hedges_g == pytest.approx(-a.hedges_g, abs=TOL)
    assert (b.hedges_g_ci_low, b.hedges_g_ci_high) == pytest.approx(
        (-a.hedges_g_ci_high, -a.hedges_g_ci_low), abs=TOL, nan_ok=True)
    assert b.d_z == pytest.approx(-a.d_z) and b.rank_biserial == pytest.approx(-a.rank_biserial)
    for col in ("change_mean", "change_ci_low", "p_ttest", "p_wilcoxon", "pct_change_median"):
        assert b[col] == pytest.approx(a[col], nan_ok=True)
    # a worsening by the rule in one direction is an improvement in the other
    assert (b.improved_n, b.worsened_n) == (a.worsened_n, a.improved_n)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_row_order_of_the_input_does_not_matter(seed):
    from dataclasses import replace

    t = build_trial(n_per_arm=8, arms=("MSC", "Placebo"), seed=3)
    rng = np.random.default_rng(seed)
    shuffled = replace(
        t,
        measurements=t.measurements.sample(frac=1, random_state=rng).reset_index(drop=True),
        subjects=t.subjects.sample(frac=1, random_state=rng).reset_index(drop=True),
    )
    # arms keep their order of first appearance; compare arm by arm
    a = effect_sizes(t, n_boot=300).sort_values(["arm", "outcome", "visit"])
    b = effect_sizes(shuffled, n_boot=300).sort_values(["arm", "outcome", "visit"])
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                  check_exact=False, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("criteria", [{"ms_type": ["SPMS"]}, {"age": (40, 60)},
                                      {"sex": "F", "arm": "MSC"}])
def test_filtered_trial_equals_the_subset_built_by_hand(criteria):
    t = build_trial(n_per_arm=14, arms=("MSC", "Placebo"), seed=4)
    keep = pd.Series(True, index=t.subjects.index)
    for col, rule in criteria.items():
        v = t.subjects[col]
        if isinstance(rule, tuple):
            keep &= v.between(*rule)
        elif isinstance(rule, list):
            keep &= v.isin(rule)
        else:
            keep &= v == rule
    ids = set(t.subjects.loc[keep, "subject_id"])
    by_hand = Trial.from_tables(t.subjects[keep].drop(columns="n_injections"),
                                t.measurements[t.measurements["subject_id"].isin(ids)])
    pd.testing.assert_frame_equal(effect_sizes(t.filter(**criteria), n_boot=400),
                                  effect_sizes(by_hand, n_boot=400))


# ------------------------------------------------------------ edge cases
def test_two_subject_arm_is_not_estimable_with_a_reason():
    arms = ["MSC"] * 10 + ["Placebo"] * 2
    rng = np.random.default_rng(1)
    b = rng.normal(45, 10, 12).round()
    t = _trial_from_arrays(b, b + rng.normal(2, 3, 12).round(1), arms=arms)
    table = effect_sizes(t, n_boot=300).set_index("arm")
    small = table.loc["Placebo"]
    assert not small.estimable and small.note == "n < 3" and small.n == 2
    for col in ("p_ttest", "p_wilcoxon", "p_adjusted", "hedges_g_ci_low", "hedges_g_ci_high",
                "change_ci_low", "change_ci_high", "improved_ci_low", "d_z"):
        assert np.isnan(small[col]), col
    assert small.baseline_mean == pytest.approx(b[10:].mean())
    assert table.loc["MSC"].estimable and table.loc["MSC"].note == ""
    assert len(bootstrap_distribution(t, "SDMT", "M6", "Placebo",
                                      settings=AnalysisSettings(n_boot=50))) == 0


def test_one_subject_and_empty_cells_do_not_crash():
    t = _trial_from_arrays([40.0], [44.0])
    row = effect_sizes(t, n_boot=100).iloc[0]
    assert (row.n, row.estimable, row.note, row.change_mean) == (1, False, "n < 3", 4.0)
    assert np.isnan(row.baseline_sd)
    # an outcome measured only at baseline gives rows with n = 0
    m = pd.concat([t.measurements, pd.DataFrame({"subject_id": ["s000"], "visit": ["BL"],
                                                 "day": [0], "outcome": ["NFL"],
                                                 "value": [10.0]})])
    t2 = Trial.from_tables(t.subjects.drop(columns="n_injections"), m)
    row = effect_sizes(t2, n_boot=100).set_index("outcome").loc["NFL"]
    assert row.n == 0 and not row.estimable and np.isnan(row.baseline_mean)


def test_zero_variance_of_changes():
    base = np.array([40.0, 45, 50, 38, 41])
    same = effect_sizes(_trial_from_arrays(base, base + 2), n_boot=100).iloc[0]
    assert not same.estimable and same.note == "no variance"
    assert np.isnan([same.p_ttest, same.p_wilcoxon, same.hedges_g_ci_low, same.d_z]).all()
    assert same.change_mean == 2.0 and np.isfinite(same.hedges_g)
    ties = effect_sizes(_trial_from_arrays(base, base), n_boot=100).iloc[0]
    assert not ties.estimable and ties.note == "no variance; all changes are ties"
    flat = effect_sizes(_trial_from_arrays(np.full(4, 6.0), np.full(4, 6.0), "EDSS"),
                        n_boot=100).iloc[0]
    assert np.isnan(flat.hedges_g) and flat.worsened_n == 0 and flat.improved_pct == 0


def test_percent_change_skips_zero_baselines():
    t = _trial_from_arrays([0.0, 10, 20, 40], [5.0, 11, 18, 44])
    row = effect_sizes(t, n_boot=100).iloc[0]
    assert row.pct_change_median == pytest.approx(np.median([10.0, -10.0, 10.0]))


def test_large_n_uses_the_analytic_interval_close_to_the_bootstrap():
    import pingouin as pg

    rng = np.random.default_rng(8)
    n = ANALYTIC_N + 200
    b = rng.normal(45, 10, n)
    v = 0.7 * b + 0.3 * 45 + rng.normal(1.5, 6, n)
    row = effect_sizes(_trial_from_arrays(b, v), n_boot=500).iloc[0]
    assert row.ci_method == "analytic"
    order = np.argsort([f"s{i:03d}" for i in range(n)])
    boot = pg.compute_bootci(v[order], b[order], func="hedges", paired=True, n_boot=2000,
                             seed=0, method="per")
    assert row.hedges_g_ci_low == pytest.approx(boot[0], abs=0.01)
    assert row.hedges_g_ci_high == pytest.approx(boot[1], abs=0.01)
    small = effect_sizes(_trial_from_arrays(b[:ANALYTIC_N], v[:ANALYTIC_N]), n_boot=50)
    assert small["ci_method"].iloc[0] == "bca"


def test_sample_trial_table_is_complete():
    from msc_dash import TrialDataError, load_sample

    try:
        t = load_sample()
    except TrialDataError:
        pytest.skip("sample_data not generated yet")
    table = effect_sizes(t, n_boot=300)
    assert len(table) == len(t.arms) * len(t.outcomes) * len(t.followup_visits)
    assert table["estimable"].any()
    assert set(table["ci_method"]) == {"bca"}


def test_tiny_samples_match_pingouin_including_undefined_intervals():
    # n = 3..8 with EDSS-like ties: some resamples draw one subject n times
    # (g = +-inf, or NaN for a zero change); pingouin then returns a finite or
    # a NaN interval and so must we -- without warnings.
    import warnings

    import pingouin as pg

    from msc_dash.bootstrap import _bca

    rng = np.random.default_rng(1)
    seen = {"finite": 0, "nan": 0}
    for k in range(120):
        n = int(rng.integers(3, 9))
        b = rng.integers(8, 14, n) / 2
        v = b + (rng.integers(-2, 3, n) / 2 if k % 2 else rng.normal(0, 1, n))
        if np.std(v - b) == 0:
            continue
        with warnings.catch_warnings():  # pingouin/scipy warn on degenerate resamples
            warnings.simplefilter("ignore")
            ci = pg.compute_bootci(v, b, func="hedges", paired=True, n_boot=500, seed=k,
                                   method="bca", decimals=10)
        lo, hi, _ = _bca(v[None], b[None], n_boot=500, seed=k, ci=0.95)
        np.testing.assert_allclose([lo[0], hi[0]], ci, atol=TOL, rtol=1e-12)
        seen["nan" if np.isnan(ci).any() else "finite"] += 1
    assert min(seen.values()) > 5
    t = _trial_from_arrays([6.0, 6.0, 6.5], [6.0, 5.5, 6.5], outcome="EDSS")
    row = effect_sizes(t, n_boot=500).iloc[0]
    assert row.estimable and np.isnan(row.hedges_g_ci_low)
    assert row.note == "bootstrap CI undefined (resamples without variance)"


def test_unknown_names_raise_with_the_choices(small_trial):
    t = small_trial
    with pytest.raises(ValueError, match=r"`outcome` must be one of T25FW, EDSS, SDMT, NFL; "
                                         r"got 'GRIP'"):
        trajectory(t, "GRIP")
    with pytest.raises(ValueError, match=r"`visit` must be one of Baseline, Month 3"):
        responders(t, "Week 1")
    with pytest.raises(ValueError, match=r"`visit` must be one of"):
        paired_frame(t, "SDMT", "Week 1")
    with pytest.raises(ValueError, match=r"`arm` must be one of All; got 'MSC'"):
        bootstrap_distribution(t, "SDMT", "Month 3", "MSC")


def test_trial_without_follow_up_gives_an_empty_table_with_the_columns():
    m = pd.DataFrame({"subject_id": ["a", "b"], "visit": "BL", "day": 0, "outcome": "SDMT",
                      "value": [40.0, 50.0]})
    t = Trial.from_tables(pd.DataFrame({"subject_id": ["a", "b"]}), m)
    table = effect_sizes(t)
    assert table.empty and list(table.columns) == DESIGN_COLUMNS
    assert table["hedges_g"].dtype == float and table["n"].dtype == int
    assert trajectory(t, "SDMT")["n"].tolist() == [2]


@pytest.mark.parametrize("blas", [False, True])
def test_larger_samples_still_match_pingouin_bootci(blas, monkeypatch):
    # n > 64 takes the leave-one-out-sums jackknife; big products go to BLAS
    import pingouin as pg

    import msc_dash.bootstrap

    if blas:
        monkeypatch.setattr(msc_dash.bootstrap, "_EINSUM_LIMIT", 0)

    rng = np.random.default_rng(21)
    for n, outcome in [(90, "SDMT"), (400, "T25FW")]:
        b = rng.lognormal(2.5, 0.3, n).round(2)
        v = (b * rng.lognormal(-0.05, 0.1, n)).round(2)
        t = _trial_from_arrays(b, v, outcome=outcome)
        row = effect_sizes(t, n_boot=1000, seed=3).iloc[0]
        f = paired_frame(t, outcome, "M6").sort_values("subject_id")
        ci = pg.compute_bootci(f["value"].to_numpy(), f["baseline"].to_numpy(), func="hedges",
                               paired=True, n_boot=1000, seed=3, method="bca", decimals=10)
        s = t.outcome(outcome).sign
        lo, hi = (ci[0], ci[1]) if s > 0 else (-ci[1], -ci[0])
        assert (row.hedges_g_ci_low, row.hedges_g_ci_high) == pytest.approx((lo, hi), abs=TOL)


def test_not_estimable_cells_say_why():
    # issue 13, item 6: an outcome rated against baseline has no day-0 value (CIBIC+ in the
    # CDISC pilot); a visit where nobody has a pair says so too
    s = pd.DataFrame({"subject_id": list("abcd")})
    m = pd.DataFrame({"subject_id": list("abcd") * 3,
                      "visit": ["BL"] * 4 + ["W8"] * 4 + ["W16"] * 4,
                      "day": [0] * 4 + [56] * 4 + [112] * 4,
                      "outcome": ["SDMT"] * 8 + ["CIBIC"] * 4,
                      "value": [40, 52, 38, 45, 44, 55, 39, 50, 4, 3, 4, 5]})
    t = Trial.from_tables(s, m)
    e = effect_sizes(t, n_boot=200).set_index(["outcome", "visit"])
    assert e.loc[("CIBIC", "W16"), "note"] == "no baseline visit for CIBIC"
    assert e.loc[("SDMT", "W16"), "note"] == "no subject has both a baseline and a W16 value"
    assert e.loc[("SDMT", "W8"), "note"] == ""
def test_zero_values_of_a_log_scale_outcome_say_why_there_is_no_gmr():
    from msc_dash.effects import effect_sizes as _effects

    s = pd.DataFrame({"subject_id": [f"s{i}" for i in range(6)]})
    base = [10.0, 12.0, 0.0, 9.0, 11.0, 8.0]      # one NfL of 0 at baseline
    month = [9.0, 0.0, 7.0, 8.5, 0.0, 7.5]        # two at Month 12
    m = pd.DataFrame({"subject_id": list(s["subject_id"]) * 2,
                      "visit": ["BL"] * 6 + ["M12"] * 6, "day": [0] * 6 + [365] * 6,
                      "outcome": "NFL", "value": base + month})
    row = _effects(Trial.from_tables(s, m), n_boot=200, seed=1).iloc[0]
    assert np.isnan(row["gmr"])
    assert "no GMR: 3 zero values (1 at baseline, 2 at the visit) of 12" in row["note"]
    assert bool(row["estimable"])  # g and the tests are still computed
