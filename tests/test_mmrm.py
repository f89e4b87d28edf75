"""msc_dash.mmrm: behaviour (the numbers themselves are checked against R in
tests/test_mmrm_reference.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import msc_dash
from msc_dash.arms import compare_arms
from msc_dash.mmrm import MMRM_COLUMNS, mmrm, mmrm_table
from msc_dash.settings import AnalysisSettings
from msc_dash.trial import Trial
from tests.reference.mmrm_inputs import dropout_trial


@pytest.fixture(scope="module")
def dropout():
    return dropout_trial()


@pytest.fixture(scope="module")
def two_arm():
    return msc_dash.load_sample("two_arm")


def test_every_subject_contributes_under_dropout(dropout):
    res = mmrm(dropout, "SDMT", treatment="MSC", control="Sham")
    assert res.n_subjects == 48  # all, though 16 miss Month 12
    last = res.contrasts.set_index("visit").loc["Month 12"]
    assert (last["n_treatment"], last["n_control"]) == (16, 16)
    assert res.n_observations == 48 + 41 + 32
    assert "All 48 subjects" in res.methods_text and "Month 12 32" in res.methods_text
    # the complete-case ANCOVA at Month 12 uses 32 subjects and gives another answer
    cc = compare_arms(dropout, "MSC", "Sham", settings=AnalysisSettings(n_boot=200))
    cc = cc[(cc["outcome"] == "SDMT") & (cc["visit"] == "Month 12")].iloc[0]
    assert cc["n_treatment"] + cc["n_control"] == 32
    assert cc["adjusted_difference"] != pytest.approx(last["estimate"], rel=1e-3)


def test_log_scale_outcome_gives_ratios(two_arm):
    res = mmrm(two_arm, "T25FW", treatment="MSC-NP", control="Saline")
    c = res.contrasts
    assert res.scale == "log"
    np.testing.assert_allclose(c["ratio"], np.exp(c["estimate"]))
    np.testing.assert_allclose(c["ratio_low"], np.exp(c["ci_low"]))
    assert "log baseline" in res.methods_text
    lin = mmrm(two_arm, "SDMT", treatment="MSC-NP", control="Saline")
    assert "ratio" not in lin.contrasts


def test_ci_and_p_follow_from_estimate_se_df(two_arm):
    from scipy import stats

    res = mmrm(two_arm, "SDMT", treatment="MSC-NP", control="Saline", ci=0.9)
    r = res.contrasts.iloc[0]
    q = stats.t.ppf(0.95, r["df"])
    assert r["ci_low"] == pytest.approx(r["estimate"] - q * r["se"])
    assert r["p"] == pytest.approx(2 * stats.t.sf(abs(r["estimate"] / r["se"]), r["df"]))
    assert "90% confidence" in res.methods_text
    # lsmeans: treatment minus control LS means is the contrast
    ls = res.lsmeans.set_index(["arm", "visit"])["estimate"]
    assert ls[("MSC-NP", r["visit"])] - ls[("Saline", r["visit"])] == pytest.approx(r["estimate"])


def test_single_arm_lsmeans_use_all_subjects():
    single = msc_dash.load_sample("single")
    res = mmrm(single, "SDMT")
    assert res.treatment is None and res.contrasts.empty
    assert res.lsmeans["arm"].unique().tolist() == ["All"]
    assert res.lsmeans["visit"].tolist() == single.followup_visits
    assert "mean change from baseline" in res.methods_text


def test_fallback_is_said(two_arm):
    # FS_VISUAL of the single-arm sample: the unstructured fit does not converge
    single = msc_dash.load_sample("single")
    res = mmrm(single, "FS_VISUAL")
    assert res.requested_covariance == "unstructured"
    assert res.covariance == "compound_symmetry" and res.converged
    assert "did not converge" in res.methods_text


def test_bad_arguments(two_arm):
    with pytest.raises(ValueError, match="covariance"):
        mmrm(two_arm, "SDMT", covariance="banded")
    with pytest.raises(ValueError, match="not an arm"):
        mmrm(two_arm, "SDMT", treatment="X", control="Saline")
    with pytest.raises(ValueError, match="not an outcome"):
        mmrm(two_arm, "NOPE")
    with pytest.raises(ValueError, match="padjust"):
        mmrm_table(two_arm, "MSC-NP", "Saline", settings=AnalysisSettings(padjust="sidak"))


def test_too_few_subjects_is_a_clear_error():
    m = pd.DataFrame({"subject_id": ["a", "a", "b", "b"], "visit": ["BL", "M6"] * 2,
                      "day": [0, 180] * 2, "outcome": "SDMT", "value": [40, 41, 50, 52]})
    t = Trial.from_tables(pd.DataFrame({"subject_id": ["a", "b"]}), m)
    with pytest.raises(ValueError, match="too few subjects"):
        mmrm(t, "SDMT")


def test_table_is_holm_adjusted_per_visit(two_arm):
    tab = mmrm_table(two_arm, "MSC-NP", "Saline")
    assert tuple(tab.columns) == MMRM_COLUMNS
    assert len(tab) == 6 * 3 and tab["estimable"].all()
    for _, g in tab.groupby("visit"):
        p = np.sort(g["p"].to_numpy())
        holm = np.minimum(np.maximum.accumulate(p * (len(p) - np.arange(len(p)))), 1)
        np.testing.assert_allclose(np.sort(g["p_adjusted"].to_numpy()), holm)
    # favours: lower T25FW ratio < 1 favours the treatment arm
    t25 = tab[tab["outcome"] == "T25FW"]
    assert (t25.loc[t25["estimate"] < 0, "favours"] == "MSC-NP").all()
    same = mmrm(two_arm, "NFL", treatment="MSC-NP", control="Saline").contrasts
    np.testing.assert_allclose(tab.loc[tab["outcome"] == "NFL", "estimate"], same["estimate"])


def test_two_arm_findings_lead_with_mmrm(two_arm):
    from msc_dash.findings import describe_p_basis, findings

    table = mmrm_table(two_arm, "MSC-NP", "Saline")
    found = findings(two_arm, visit="Month 6", between=table)
    lead = [f for f in found if f.p_basis == "mmrm"]
    assert found[: len(lead)] == lead and len(lead) == 6
    nfl = next(f for f in lead if f.outcome == "NFL")
    row = table[(table.outcome == "NFL") & (table.visit == "Month 6")].iloc[0]
    assert nfl.significant == (row.p_adjusted < 0.05)
    assert nfl.text.startswith("Serum neurofilament light at Month 6, MSC-NP vs Saline (MMRM): ratio ")
    assert "27 vs 27 at Month 6 of 54 subjects" in nfl.text
    assert describe_p_basis(found).startswith("Between arms, significant means MMRM p")
    # single-arm trials have no between-arm findings
    single = msc_dash.load_sample("single")
    assert not any(f.p_basis == "mmrm" for f in findings(single, visit="Month 12"))
