"""The vectorised REML growth model (msc_dash.growth) against statsmodels' MixedLM,
and trend_models' registry-size path (above FAST_SUBJECTS subjects) against its small one."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from statsmodels.regression.mixed_linear_model import MixedLM

from msc_dash import trends
from msc_dash.growth import fit_growth


def _data(n_groups=300, seed=1, slope_sd=0.5):
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(n_groups), 5)
    t = np.tile(np.arange(5) * 0.5, n_groups) + rng.normal(0, 0.05, 5 * n_groups)
    t[::5] = 0
    keep = rng.random(len(t)) > 0.15  # unbalanced: some visits missing
    keep[::5] = True
    y = (10 + rng.normal(0, 2, n_groups)[g] + (1 + rng.normal(0, slope_sd, n_groups)[g]) * t
         + rng.normal(0, 0.6, len(t)))
    return t[keep], y[keep], g[keep]


def _statsmodels(t, y, g, slope):
    X = np.column_stack([np.ones_like(t), t])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return MixedLM(y, X, groups=g, exog_re=X if slope else None).fit(reml=True)


@pytest.mark.parametrize("slope", [False, True])
def test_matches_statsmodels_mixedlm(slope):
    t, y, g = _data()
    ours, ref = fit_growth(t, y, g, random_slope=slope), _statsmodels(t, y, g, slope)
    assert ours.converged
    # the same restricted likelihood, maximised at least as well as statsmodels does
    assert ours.llf == pytest.approx(ref.llf, abs=1e-5)
    assert ours.llf >= ref.llf - 1e-7
    np.testing.assert_allclose(ours.beta, ref.fe_params, rtol=1e-5)  # two optimisers
    np.testing.assert_allclose(ours.cov_re, ref.cov_re, rtol=2e-3, atol=1e-4)
    assert ours.s2 == pytest.approx(ref.scale, rel=1e-4)
    # s2 (X'V^-1X)^-1, as lme4; statsmodels inverts the full Hessian: equal to 0.1%
    np.testing.assert_allclose(ours.bse, ref.bse_fe, rtol=1e-3)
    slope_, se, low, high, p = ours.slope_test(0.95)
    ref_low, ref_high = ref.conf_int()[1]
    np.testing.assert_allclose([low, high], [ref_low, ref_high], rtol=1e-4)  # se is small
    assert slope_ / se == pytest.approx(ref.tvalues[1], rel=1e-3)  # Wald z; p is 1e-261
    assert p > 0


def test_no_between_subject_variance_is_a_boundary_fit():
    rng = np.random.default_rng(3)
    g = np.repeat(np.arange(100), 4)
    t = np.tile([0.0, 0.5, 1.0, 1.5], 100)
    e = rng.normal(0, 1, 400)
    e -= np.bincount(g, weights=e)[g] / 4  # subject means of exactly zero: less than no effect
    y = 5 + 0.5 * t + e
    fit = fit_growth(t, y, g)
    assert fit.converged and fit.on_boundary
    ref = _statsmodels(t, y, g, False)
    assert fit.llf >= ref.llf - 1e-6


@pytest.mark.parametrize("sample", ["single", "two_arm"])
def test_trend_models_fast_path_equals_the_statsmodels_path(monkeypatch, sample):
    import msc_dash

    trial = msc_dash.load_sample(sample)
    small = trends.trend_models(trial)
    monkeypatch.setattr(trends, "FAST_SUBJECTS", 0)
    fast = trends.trend_models(trial)
    # statsmodels' slope fit is dropped when it warns (p_lrt NaN; ours is kept), so
    # compare where statsmodels kept it, and the slopes where both chose the same model
    both = small["p_lrt"].notna()
    assert both.sum() >= 3
    assert fast.loc[both, "model"].tolist() == small.loc[both, "model"].tolist()
    np.testing.assert_allclose(fast.loc[both, "p_lrt"], small.loc[both, "p_lrt"], rtol=1e-2,
                               atol=1e-8)
    same = fast["model"] == small["model"]
    assert same.sum() >= len(fast) - 3
    for col in ("slope_per_year", "pct_per_year"):
        np.testing.assert_allclose(fast.loc[same, col], small.loc[same, col], rtol=1e-3,
                                   atol=1e-10)
    # 23-54 subjects: the Hessian's SE and (X'V^-1X)^-1 differ by up to 1% (0.04% at 300)
    width = lambda t: (t["slope_ci_high"] - t["slope_ci_low"])[same]  # noqa: E731
    np.testing.assert_allclose(width(fast), width(small), rtol=1e-2)
    np.testing.assert_allclose(fast.loc[same, "p_slope"], small.loc[same, "p_slope"],
                               rtol=0.1, atol=1e-6)
    assert fast["converged"].all()


def test_registry_size_trend_is_fast():
    import time

    from msc_dash.trial import Trial
    from tests.registry_data import registry_tables

    s, m = registry_tables(20_000, n_visits=6)
    trial = Trial.from_tables(s, m)
    start = time.process_time()
    table = trends.trend_models(trial, outcomes=("T25FW",))
    assert time.process_time() - start < 20  # statsmodels: several minutes
    assert table["converged"].all() and (table["n_subjects"] > 9_000).all()
    # the generator's drift: +4% a year, the treated arm 3% less
    pct = table.set_index("arm")["pct_per_year"]
    assert pct["Standard care"] == pytest.approx(100 * np.expm1(0.04), abs=0.4)
    assert pct["MSC"] == pytest.approx(100 * np.expm1(0.01), abs=0.4)
