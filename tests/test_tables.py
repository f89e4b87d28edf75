"""Display formatting: expected strings worked out by hand from the rounding rules."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from msc_dash.outcomes import REGISTRY
from msc_dash.tables import (
    MISSING,
    format_ci,
    format_effect_table,
    format_p,
    format_pct,
    p_phrase,
    sig,
)

NAN = float("nan")


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        (0.45123, 2, "0.45"),
        (0.45123, 3, "0.451"),
        (12.345, 3, "12.3"),
        (12.345, 2, "12"),
        (123.45, 2, "123"),          # integer digits are never dropped
        (0.0004567, 2, "0.00046"),
        (-3.14159, 3, "-3.14"),
        (9.996, 3, "10.0"),          # rounding up adds a digit: one decimal fewer
        (0.09996, 2, "0.10"),
        (0.0, 2, "0.0"),
        (-0.0004, 1, "-0.0004"),
        (NAN, 2, MISSING),
        (None, 2, MISSING),
        (math.inf, 2, MISSING),
        ("abc", 2, MISSING),
    ],
)
def test_sig(x, digits, expected):
    assert sig(x, digits) == expected


def test_sig_sign_and_no_negative_zero():
    assert sig(2.5, 2, sign=True) == "+2.5"
    assert sig(-2.5, 2, sign=True) == "-2.5"
    # -0.001 rounds to zero at 2 decimals: shown without a minus sign
    assert format_ci(-0.001, -0.3, 0.3, decimals=2) == "0.00 [-0.30, 0.30]"


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.0, "< 0.001"),
        (0.000999, "< 0.001"),
        (0.001, "0.001"),
        (0.0062, "0.006"),
        (0.0498, "0.050"),   # 3 decimals below 0.05 would need a rule of its own
        (0.049, "0.049"),
        (0.21, "0.21"),
        (0.2149, "0.21"),
        (0.999, "1.0"),
        (1.0, "1.0"),
        (NAN, MISSING),
        (None, MISSING),
    ],
)
def test_format_p(p, expected):
    assert format_p(p) == expected


def test_p_phrase_uses_equals_or_less_than():
    assert p_phrase(0.0062) == "p = 0.006"
    assert p_phrase(0.00001, "Wilcoxon p") == "Wilcoxon p < 0.001"
    assert p_phrase(NAN) == f"p = {MISSING}"


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((0.4512, 0.1234, 0.8), {}, "0.45 [0.12, 0.80]"),
        # decimals follow the largest magnitude, so all three line up
        ((0.8, 0.5, 1.2), {}, "0.8 [0.5, 1.2]"),
        ((0.8, 0.5, 1.2), {"decimals": 2}, "0.80 [0.50, 1.20]"),
        ((-1.03, -1.91, -0.12), {"sign": True, "unit": "s"}, "-1.0 s [-1.9, -0.1]"),
        ((2.1, 0.6, 3.6), {"sign": True}, "+2.1 [0.6, 3.6]"),
        ((12.3, 3.4, 21.2), {}, "12 [3, 21]"),
        ((12.3, 3.4, 21.2), {"digits": 3}, "12.3 [3.4, 21.2]"),
        ((0.3, NAN, 1.0), {}, "0.30"),   # half an interval is no interval
        ((NAN, 0.1, 0.2), {}, MISSING),
    ],
)
def test_format_ci(args, kwargs, expected):
    assert format_ci(*args, **kwargs) == expected


def test_format_pct():
    assert format_pct(-12.04) == "-12%"
    assert format_pct(4.51) == "+4.5%"
    assert format_pct(-33.2, 3) == "-33.2%"
    assert format_pct(4.51, sign=False) == "4.5%"
    assert format_pct(NAN) == MISSING


def _effect_row(**kw):
    row = dict(
        arm="All", outcome="SDMT", domain="cognition", visit="Month 12", day=365, n=20,
        baseline_mean=42.9, baseline_sd=11.9, visit_mean=45.0, visit_sd=12.3,
        change_mean=2.1, change_ci_low=0.6, change_ci_high=3.6, pct_change_median=4.0,
        hedges_g=0.17, hedges_g_ci_low=0.05, hedges_g_ci_high=0.3, d_z=0.5,
        gmr=NAN, gmr_ci_low=NAN, gmr_ci_high=NAN, p_ttest=0.0102, p_wilcoxon=0.0004,
        rank_biserial=0.6, p_adjusted=0.0306, improved_n=6, improved_pct=30.0,
        improved_ci_low=14.5, improved_ci_high=51.9, worsened_n=1, worsened_pct=5.0,
        ci_method="bca", estimable=True, note="",
    )
    row.update(kw)
    return row


def test_format_effect_table_single_arm_values():
    e = pd.DataFrame([
        _effect_row(),
        _effect_row(outcome="NFL", domain="biomarker", n=2, hedges_g=NAN,
                    hedges_g_ci_low=NAN, hedges_g_ci_high=NAN, p_ttest=NAN, p_wilcoxon=NAN,
                    p_adjusted=NAN, improved_n=NAN, improved_pct=NAN, worsened_n=NAN,
                    worsened_pct=NAN, gmr=0.667, gmr_ci_low=0.55, gmr_ci_high=0.81,
                    baseline_mean=14.04, baseline_sd=4.1, estimable=False, note="n < 3"),
    ])
    out = format_effect_table(e, REGISTRY)
    assert "Arm" not in out  # one arm: the column says nothing
    assert list(out.columns[:6]) == ["Domain", "Outcome", "Measure", "Unit", "Visit", "n"]
    sdmt = out.iloc[0]
    assert sdmt["Domain"] == "Cognition"
    assert sdmt["Measure"] == REGISTRY["SDMT"].label
    assert sdmt["Unit"] == "correct answers"
    assert sdmt["Baseline mean (SD)"] == "42.9 (11.9)"
    assert sdmt["Visit mean (SD)"] == "45.0 (12.3)"
    assert sdmt["Change [95% CI]"] == "+2.1 [0.6, 3.6]"
    assert sdmt["Median % change"] == "+4.0%"
    assert sdmt["Hedges' g [95% CI]"] == "0.17 [0.05, 0.30]"
    assert sdmt["GMR [95% CI]"] == MISSING
    assert sdmt["p (t-test)"] == "0.010"
    assert sdmt["p (Wilcoxon)"] == "< 0.001"
    assert sdmt["p (adjusted)"] == "0.031"
    assert sdmt["Improved"] == "6/20 (30%)"
    assert sdmt["Worsened"] == "1/20 (5%)"
    nfl = out.iloc[1]
    assert nfl["Domain"] == "Biomarkers"
    assert nfl["Baseline mean (SD)"] == "14.0 (4.1)"
    assert nfl["Hedges' g [95% CI]"] == MISSING
    assert nfl["GMR [95% CI]"] == "0.667 [0.550, 0.810]"
    assert nfl["Improved"] == MISSING
    assert nfl["Note"] == "n < 3"
    assert nfl["n"] == 2


def test_format_effect_table_arms_ci_level_and_no_gmr():
    e = pd.DataFrame([_effect_row(arm="MSC"), _effect_row(arm="Placebo")])
    out = format_effect_table(e, REGISTRY, ci=0.9)
    assert out["Arm"].tolist() == ["MSC", "Placebo"]
    assert "Hedges' g [90% CI]" in out and "Change [90% CI]" in out
    assert not any(c.startswith("GMR") for c in out.columns)  # no outcome has one


def test_format_effect_table_unknown_outcome_and_empty():
    e = pd.DataFrame([_effect_row(outcome="GRIP", domain="other")])
    out = format_effect_table(e, REGISTRY)
    assert out.loc[0, ["Domain", "Measure", "Unit"]].tolist() == ["Other outcomes", "GRIP", ""]
    empty = format_effect_table(e.iloc[:0], REGISTRY)
    assert empty.empty and "Outcome" in empty


def test_format_effect_table_keeps_row_order():
    rng = np.random.default_rng(0)
    rows = [_effect_row(outcome=c, n=int(n)) for c, n in
            zip(["SDMT", "PASAT", "EDSS"], rng.integers(5, 30, 3), strict=True)]
    out = format_effect_table(pd.DataFrame(rows), REGISTRY)
    assert out["Outcome"].tolist() == ["SDMT", "PASAT", "EDSS"]
    assert out["n"].tolist() == [r["n"] for r in rows]


def test_format_effect_table_names_the_wilcoxon_method():
    e = pd.DataFrame([_effect_row(p_wilcoxon_method="exact"),
                      _effect_row(p_wilcoxon_method="normal approximation"),
                      _effect_row(p_wilcoxon=NAN, p_wilcoxon_method="", estimable=False)])
    out = format_effect_table(e, REGISTRY)
    assert out["Wilcoxon method"].tolist() == ["exact", "normal approximation", ""]
    cols = list(out.columns)
    assert cols.index("Wilcoxon method") == cols.index("p (Wilcoxon)") + 1
