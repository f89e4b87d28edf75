"""trend_models: mixed-model slopes checked against statsmodels, Friedman against scipy."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from msc_dash.trends import TREND_COLUMNS, trend_models
from msc_dash.trial import Trial
from tests.conftest import build_trial


def _reference_fit(m: pd.DataFrame, log: bool, slope: bool = False):
    """statsmodels MixedLM (formula interface) on the long data, REML: random intercept, or
    random intercept + slope (``re_formula="~years"``) for rows whose model says so."""
    df = pd.DataFrame({"subject": m["subject_id"].astype(str).to_numpy(),
                       "y": np.log(m["value"].to_numpy(float)) if log else m["value"].to_numpy(float),
                       "years": m["day"].to_numpy(float) / 365.25})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return smf.mixedlm("y ~ years", df, groups=df["subject"],
                           re_formula="~years" if slope else None).fit(reml=True)


def _reference_friedman(m: pd.DataFrame, visits: list[str]):
    """Complete-case subject x visit matrix built by hand, then scipy's Friedman test."""
    present = [v for v in visits if v in set(m["visit"])]
    by_subject: dict[str, dict[str, float]] = {}
    for sid, visit, value in m[["subject_id", "visit", "value"]].itertuples(index=False):
        by_subject.setdefault(sid, {})[visit] = value
    rows = [[vals[v] for v in present] for vals in by_subject.values()
            if all(v in vals for v in present)]
    matrix = np.array(rows)
    res = stats.friedmanchisquare(*matrix.T)
    return res.statistic, res.pvalue, len(rows)


def _check_against_references(trial: Trial, table: pd.DataFrame) -> int:
    long = trial.long()
    checked = 0
    for row in table.itertuples(index=False):
        m = long[(long["arm"] == row.arm) & (long["outcome"] == row.outcome)]
        log = trial.outcome(row.outcome).scale == "log"
        assert row.scale == ("log" if log else "linear")
        assert row.n_observations == len(m) and row.n_subjects == m["subject_id"].nunique()
        ref = _reference_fit(m, log, slope=row.model == "random intercept + slope")
        if np.isfinite(row.p_lrt):
            # REML LRT against the intercept-only fit, boundary mixture 50:50 chi2(1)/chi2(2)
            small = _reference_fit(m, log)
            big = ref if row.model != "random intercept" else _reference_fit(m, log, True)
            lr = max(2 * (big.llf - small.llf), 0)
            expected = 0.5 * stats.chi2.sf(lr, 1) + 0.5 * stats.chi2.sf(lr, 2)
            assert row.p_lrt == pytest.approx(expected, rel=1e-4, abs=1e-12)
            assert (row.model == "random intercept + slope") == (row.p_lrt < 0.05)
        np.testing.assert_allclose(row.slope_per_year, ref.fe_params["years"], rtol=1e-6)
        low, high = ref.conf_int().loc["years"]
        np.testing.assert_allclose([row.slope_ci_low, row.slope_ci_high], [low, high], rtol=1e-5)
        np.testing.assert_allclose(row.p_slope, ref.pvalues["years"], rtol=1e-4, atol=1e-12)
        if log:
            assert row.pct_per_year == pytest.approx(100 * (np.exp(row.slope_per_year) - 1))
        else:
            assert np.isnan(row.pct_per_year)
        stat, p, n = _reference_friedman(m, trial.visits)
        assert row.friedman_n == n
        assert row.friedman_stat == pytest.approx(stat, rel=1e-10)
        assert row.p_friedman == pytest.approx(p, rel=1e-10)
        checked += 1
    return checked


def test_columns_and_rows(small_trial):
    table = trend_models(small_trial)
    assert tuple(table.columns) == TREND_COLUMNS
    assert table["outcome"].tolist() == small_trial.outcomes
    assert table["domain"].tolist() == [small_trial.outcome(c).domain for c in small_trial.outcomes]
    assert table["converged"].dtype == bool


def test_matches_statsmodels_and_scipy_small(small_trial):
    table = trend_models(small_trial)
    assert _check_against_references(small_trial, table) == 4


def test_matches_statsmodels_and_scipy_two_arms(two_arm_trial):
    table = trend_models(two_arm_trial)
    assert table["arm"].unique().tolist() == ["MSC", "Placebo"]
    assert _check_against_references(two_arm_trial, table) == 8


def test_matches_statsmodels_on_sample(sample_trial):
    table = trend_models(sample_trial)
    assert table["converged"].all(), table[~table["converged"]]
    assert _check_against_references(sample_trial, table) == len(sample_trial.outcomes)
    nfl = table.set_index("outcome").loc["NFL"]
    # the sample's NfL falls by about a third over a year (docs/architecture.md, "Reference studies")
    assert -45 < nfl["pct_per_year"] < -15 and nfl["p_slope"] < 0.001


def test_recovers_a_known_slope():
    rng = np.random.default_rng(5)
    rows = []
    for i in range(200):
        intercept = 40 + rng.normal(0, 8)
        for day in (0, 90, 180, 365, 540):
            rows.append((f"s{i}", f"d{day}", day, "SDMT",
                         intercept + 3.0 * day / 365.25 + rng.normal(0, 1.5)))
    m = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "outcome", "value"])
    t = Trial.from_tables(pd.DataFrame({"subject_id": [f"s{i}" for i in range(200)]}), m)
    row = trend_models(t).iloc[0]
    assert row["slope_ci_low"] < 3.0 < row["slope_ci_high"]
    assert row["slope_per_year"] == pytest.approx(3.0, abs=0.15)
    assert row["converged"] and row["note"] == ""


def test_log_scale_percent_per_year():
    # every subject's value falls 20% per year exactly: slope log(0.8), -20% per year
    rows = [(s, v, d, "NFL", base * 0.8 ** (d / 365.25))
            for s, base in zip("abcde", (10, 14, 20, 9, 16), strict=True)
            for v, d in (("BL", 0), ("M6", 182), ("M12", 365))]
    m = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "outcome", "value"])
    rng = np.random.default_rng(0)
    m["value"] *= np.exp(rng.normal(0, 0.01, len(m)))
    t = Trial.from_tables(pd.DataFrame({"subject_id": list("abcde")}), m)
    row = trend_models(t).iloc[0]
    assert row["slope_per_year"] == pytest.approx(np.log(0.8), abs=0.01)
    assert row["pct_per_year"] == pytest.approx(-20, abs=1)


def test_too_few_data_gives_nan_and_note():
    m = pd.DataFrame({"subject_id": ["a", "a", "b", "b", "c"],
                      "visit": ["BL", "M12", "BL", "M12", "BL"],
                      "day": [0, 365, 0, 360, 0], "outcome": "SDMT",
                      "value": [40.0, 42, 50, 49, 45]})
    t = Trial.from_tables(pd.DataFrame({"subject_id": list("abc")}), m)
    row = trend_models(t).iloc[0]
    assert np.isnan(row["slope_per_year"]) and np.isnan(row["p_slope"])
    assert not row["converged"]
    assert "too few data: 2 subject(s)" in row["note"]
    assert "three or more visits" in row["note"]
    assert np.isnan(row["p_friedman"]) and row["friedman_n"] == 0


def test_constant_values_and_empty_arm():
    m = pd.DataFrame({"subject_id": [s for s in "abcd" for _ in range(3)],
                      "visit": ["BL", "M6", "M12"] * 4, "day": [0, 180, 365] * 4,
                      "outcome": "EDSS", "value": 6.0})
    subjects = pd.DataFrame({"subject_id": list("abcde"), "arm": ["A"] * 4 + ["B"]})
    table = trend_models(Trial.from_tables(subjects, m))
    a, b = table.iloc[0], table.iloc[1]
    assert "no variance" in a["note"] and "same value at every visit" in a["note"]
    assert np.isnan(a["slope_per_year"]) and a["friedman_n"] == 4
    assert b["arm"] == "B" and b["n_observations"] == 0 and "no data" in b["note"]


def test_non_positive_values_left_out_of_log_model():
    t = build_trial(seed=3)
    m = t.measurements.copy()
    first = m.index[(m["outcome"] == "NFL") & (m["day"] > 0)][0]
    m.loc[first, "value"] = 0.0
    t0 = Trial.from_tables(t.subjects.drop(columns=["arm", "n_injections"]), m)
    row = trend_models(t0).set_index("outcome").loc["NFL"]
    assert "1 value(s) <= 0 left out" in row["note"]
    assert row["n_observations"] == (m["outcome"] == "NFL").sum() - 1


def _no_subject_effect() -> Trial:
    rng = np.random.default_rng(1)
    rows = [(f"s{i}", f"d{d}", d, "SDMT", 40 + 2 * d / 365.25 + rng.normal(0, 1))
            for i in range(6) for d in (0, 180, 365)]
    m = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "outcome", "value"])
    return Trial.from_tables(pd.DataFrame({"subject_id": [f"s{i}" for i in range(6)]}), m)


def test_boundary_fit_is_noted_and_nothing_printed():
    t = _no_subject_effect()
    m = t.long()
    df = pd.DataFrame({"y": m["value"], "years": m["day"] / 365.25, "g": m["subject_id"]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ref = smf.mixedlm("y ~ years", df, groups="g").fit(reml=True)
    assert any("boundary" in str(w.message) for w in caught)  # statsmodels warns here
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning escaping trend_models fails the test
        row = trend_models(t).iloc[0]
    assert "boundary" in row["note"]
    assert row["slope_per_year"] == pytest.approx(ref.fe_params["years"], rel=1e-6)


def test_convergence_failure_sets_converged_false(monkeypatch):
    from statsmodels.regression import mixed_linear_model as mlm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    original = mlm.MixedLM.fit

    def failing_fit(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        warnings.warn("Gradient optimization failed, |grad| = 0.5", ConvergenceWarning,
                      stacklevel=2)
        return result

    monkeypatch.setattr(mlm.MixedLM, "fit", failing_fit)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        row = trend_models(build_trial(seed=7)).iloc[0]
    assert not row["converged"]
    assert "not converged (Gradient optimization failed" in row["note"]
    assert np.isfinite(row["slope_per_year"])


def test_rejects_bad_ci(small_trial):
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        trend_models(small_trial, ci=95)


def test_ci_level(small_trial):
    wide = trend_models(small_trial, ci=0.99).iloc[0]
    narrow = trend_models(small_trial, ci=0.80).iloc[0]
    assert wide["slope_ci_low"] < narrow["slope_ci_low"] < narrow["slope_ci_high"] < wide[
        "slope_ci_high"]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_row_order_invariance(seed):
    trial = build_trial(n_per_arm=8, seed=4)
    base = trend_models(trial)
    rng = np.random.default_rng(seed)
    shuffled = Trial(
        trial.subjects.sample(frac=1, random_state=rng).reset_index(drop=True),
        trial.measurements.sample(frac=1, random_state=rng).reset_index(drop=True),
        trial.adverse_events, trial.injections)
    again = trend_models(shuffled)
    pd.testing.assert_frame_equal(base, again, rtol=1e-6)


def test_random_slope_chosen_where_the_lrt_supports_it():
    import msc_dash
    from msc_dash.trends import MODELS, trend_text

    table = trend_models(msc_dash.load_sample("single"))
    assert set(table["model"]) == set(MODELS)  # both models occur on the sample
    slope = table[table["model"] == MODELS[1]]
    assert (slope["p_lrt"] < 0.05).all()
    row = slope[slope["outcome"] == "SDMT"].iloc[0]
    assert trend_text(row, "correct answers").endswith(
        f"(random intercept + slope, {row['n_subjects']} subjects)")
