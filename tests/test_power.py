"""Sample size and power against R's stats package, closed forms, and hand computations."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from msc_dash import power

# Frozen by tests/reference/power.R (R's power.t.test(strict = TRUE), power.prop.test
# and Schoenfeld's formula); `make reference` re-runs it.
REFERENCE = pd.read_csv(Path(__file__).parent / "reference" / "power.csv")


def _cases(kind):
    rows = REFERENCE[REFERENCE["kind"] == kind]
    assert len(rows) >= 3, kind
    return [r for _, r in rows.iterrows()]


#: reference kind -> (the call on a row of the CSV, relative tolerance)
R_CASES = {
    "n_two_means": (lambda r: power.n_two_means(r.a, r.b, alpha=r.alpha, power=r.power), 1e-6),
    "power_two_means": (lambda r: power.power_two_means(r.n, r.a, r.b, alpha=r.alpha), 1e-8),
    "n_two_proportions": (lambda r: power.n_two_proportions(r.a, r.b, alpha=r.alpha,
                                                            power=r.power), 1e-6),
    "power_two_proportions": (lambda r: power.power_two_proportions(r.n, r.a, r.b,
                                                                    alpha=r.alpha), 1e-8),
    "schoenfeld_events": (lambda r: power.schoenfeld_events(r.a, alpha=r.alpha,
                                                            power=r.power), 1e-10),
}


@pytest.mark.parametrize(("kind", "row"), [(k, r) for k in R_CASES for r in _cases(k)],
                         ids=lambda v: v if isinstance(v, str) else str(v.to_dict()))
def test_equals_r(kind, row):
    call, rel = R_CASES[kind]
    assert call(row) == pytest.approx(row.value, rel=rel)


def test_arcsine_method_equals_the_closed_form():
    # statsmodels' NormalIndPower counts both tails; with equal arms n = ((z_a + z_b) / h)^2 * 2
    # up to the negligible far tail. h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p2))
    h = 2 * math.asin(math.sqrt(0.5)) - 2 * math.asin(math.sqrt(0.3))
    closed = 2 * ((stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) / h) ** 2
    got = power.n_two_proportions(0.5, 0.3, method="arcsine")
    assert got == pytest.approx(closed, rel=1e-4)
    assert power.power_two_proportions(got, 0.5, 0.3, method="arcsine") == pytest.approx(0.8)


def test_time_to_event_subjects_from_events_and_event_probability():
    r = power.n_time_to_event(0.5, 0.3, power=0.9)
    # 88 events (87.48 at 90 % power, R value above, rounded up); treated 1 - 0.7^0.5 = 0.16334; mean 0.23167
    assert r["events"] == 88
    assert r["p_event_treated"] == pytest.approx(1 - 0.7 ** 0.5)
    assert r["n_per_arm"] == pytest.approx(88 / ((0.3 + 1 - 0.7 ** 0.5) / 2) / 2)


def test_dropout_inflation_and_bad_input():
    assert power.enrolled(64, 0.0) == 64
    assert power.enrolled(63.77, 0.15) == math.ceil(63.77 / 0.85)
    with pytest.raises(ValueError, match="dropout"):
        power.enrolled(10, 1.0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        power.n_two_proportions(0.0, 0.3)
    assert power.n_two_means(0.0, 1.0) == math.inf


def test_power_curve_crosses_the_target_at_the_sample_size():
    n = power.n_two_means(3.0, 8.0)
    curve = power.power_curve(3.0, 8.0, n_max=400, points=400)
    below = curve[curve["n_per_arm"] < n]["power"]
    above = curve[curve["n_per_arm"] > n]["power"]
    assert below.max() < 0.8 < above.min()
    assert curve["power"].is_monotonic_increasing


def test_n_across_ci_is_infinite_where_the_ci_crosses_zero():
    t = power.n_across_ci(1.0, -0.5, 2.5, 2.0, points=7)
    assert t.loc[t["effect"] == 0.0, "n_per_arm"].iloc[0] == math.inf
    est = t[t["is_estimate"]].iloc[0]
    assert est["effect"] == 1.0
    assert est["n_per_arm"] == pytest.approx(power.n_two_means(1.0, 2.0))
    # the far end of the CI needs fewer subjects than the estimate
    assert t["n_per_arm"].iloc[-1] < est["n_per_arm"]


def test_pilot_single_arm_from_paired_values(sample_trial):
    from msc_dash.effects import paired_frame

    e = power.pilot_estimates(sample_trial, "SDMT", "Month 12")
    pairs = paired_frame(sample_trial, "SDMT", "Month 12")
    ch = pairs["change"]
    assert e.n == len(pairs) and not e.two_arm and not e.log_scale
    assert e.effect == pytest.approx(ch.mean())
    assert e.sd_change == pytest.approx(ch.std(ddof=1))
    ci = stats.ttest_1samp(ch, 0).confidence_interval(0.95)
    assert (e.ci_low, e.ci_high) == pytest.approx((ci.low, ci.high))
    assert e.rho == pytest.approx(np.corrcoef(pairs["baseline"], pairs["value"])[0, 1])


def test_pilot_log_scale_outcome_uses_log_values(sample_trial):
    from msc_dash.effects import paired_frame

    e = power.pilot_estimates(sample_trial, "T25FW", "Month 12")
    pairs = paired_frame(sample_trial, "T25FW", "Month 12")
    assert e.log_scale
    assert e.effect == pytest.approx((np.log(pairs["value"]) - np.log(pairs["baseline"])).mean())


def test_pilot_two_arms_welch_and_ancova_sd():
    import statsmodels.formula.api as smf

    from msc_dash.effects import paired_frame
    from msc_dash.io import load_sample

    trial = load_sample("two_arm")
    treatment, control = trial.arms
    e = power.pilot_estimates(trial, "SDMT", "Month 12", treatment=treatment, control=control)
    pairs = paired_frame(trial, "SDMT", "Month 12")
    a = pairs.loc[pairs["arm"] == treatment, "change"]
    b = pairs.loc[pairs["arm"] == control, "change"]
    assert e.two_arm and e.effect == pytest.approx(a.mean() - b.mean())
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert (e.ci_low, e.ci_high) == pytest.approx((ci.low, ci.high))
    # ANCOVA residual variance = follow-up variance x (1 - rho^2), pooled within arms:
    # OLS value ~ baseline + arm has n - 3 residual df where the pooled SDs use n - 2
    fit = smf.ols("value ~ baseline + C(arm)", data=pairs).fit()
    n = len(pairs)
    assert e.sd_ancova ** 2 * (n - 2) / (n - 3) == pytest.approx(fit.mse_resid, rel=1e-9)
