"""The signed-rank test against R (coin's exact test, wilcox.test) and a brute-force count."""

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from msc_dash import load_sample
from msc_dash.effects import effect_sizes
from msc_dash.wilcoxon import EXACT_MAX, decimals, rounded_changes, signed_rank_test

REF = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def reference():
    # tests/reference/wilcoxon.R (coin 1.4-2 wilcoxsign_test exact; R 4 wilcox.test)
    inputs = pd.read_csv(REF / "wilcoxon_inputs.csv")
    expected = pd.read_csv(REF / "wilcoxon.csv").set_index("case")
    return inputs, expected


def test_exact_and_normal_p_equal_r(reference):
    inputs, expected = reference
    checked = 0
    for case, g in inputs.groupby("case", sort=False):
        e = expected.loc[case]
        d = rounded_changes(g["value"].to_numpy(), g["baseline"].to_numpy())
        p, method, s = signed_rank_test(d)
        if e["m"] == 0:
            assert np.isnan(p) and method == ""
            continue
        assert s == pytest.approx(e["statistic"], abs=1e-9)
        if e["m"] <= EXACT_MAX:
            assert method == "exact"
            assert p == pytest.approx(e["p_exact"], rel=1e-9, abs=1e-12), case
        else:
            assert method == "normal approximation"
            assert p == pytest.approx(e["p_normal"], rel=1e-9), case
        p_norm, method_norm, _ = signed_rank_test(d, exact_max=0)
        assert method_norm == "normal approximation"
        assert p_norm == pytest.approx(e["p_normal"], rel=1e-9, abs=1e-12), case
        checked += 1
    assert checked > 100
    assert (expected["m"] > EXACT_MAX).sum() >= 2  # both branches are exercised


def test_exact_p_equals_brute_force_sign_flips():
    # hand computation: enumerate all 2**m sign patterns of the midranks
    rng = np.random.default_rng(1)
    for _ in range(40):
        m = int(rng.integers(1, 12))
        d = rng.integers(-3, 4, m).astype(float)
        d = d[d != 0]
        if not len(d):
            continue
        from scipy.stats import rankdata

        r = rankdata(np.abs(d))
        e, s = r.sum() / 2, r[d > 0].sum()
        flips = np.array(list(itertools.product([0, 1], repeat=len(d))))
        null = flips @ r
        p = np.mean(np.abs(null - e) >= abs(s - e) - 1e-12)
        assert signed_rank_test(d)[0] == pytest.approx(p, abs=1e-15)


def test_float_noise_ties_after_rounding(reference):
    # 1.1 - 1.8 and 2.1 - 2.8 differ in floating point; after rounding they tie
    inputs, expected = reference
    g = inputs[inputs["case"] == "float_ties"]
    raw = g["value"].to_numpy() - g["baseline"].to_numpy()
    assert len(np.unique(np.abs(raw))) == 6
    d = rounded_changes(g["value"].to_numpy(), g["baseline"].to_numpy())
    assert len(np.unique(np.abs(d))) == 5  # 0.7 twice
    assert signed_rank_test(d)[0] == pytest.approx(expected.loc["float_ties", "p_exact"])
    assert signed_rank_test(raw)[0] != pytest.approx(expected.loc["float_ties", "p_exact"])


def test_decimals():
    assert decimals(np.array([1.25, 3.5])) == 2
    assert decimals(np.array([np.nan, 7.0])) == 0
    assert decimals(np.array([1 / 3])) == 12


def test_single_arm_sample_fs_scores():
    # issue 13: FS_PYRAMIDAL at the first follow-up (21 zeros, one change of 2):
    # exact p = 1.0 (was 0.317); FSS_SUM exact 0.058 (was 0.048). Values from
    # tests/reference/wilcoxon.csv (coin exact): 1 and 0.0578918457...
    t = load_sample("single")
    e = effect_sizes(t, n_boot=50).set_index(["outcome", "visit"])
    first = t.followup_visits[0]
    assert e.loc[("FS_PYRAMIDAL", first), "p_wilcoxon"] == 1.0
    assert e.loc[("FSS_SUM", first), "p_wilcoxon"] == pytest.approx(0.0578918, abs=1e-6)
    assert set(e["p_wilcoxon_method"]) <= {"exact", "normal approximation", ""}
    assert (e.loc[e["estimable"], "p_wilcoxon_method"] == "exact").all()
