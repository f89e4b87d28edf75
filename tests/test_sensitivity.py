"""Missing-data sensitivity of the MMRM: completers' ANCOVA and the delta-adjusted tipping point."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from msc_dash.mmrm import mmrm
from msc_dash.sensitivity import completers_ancova, outcome_sensitivity, tipping_point
from msc_dash.trial import Trial
from tests.reference.mmrm_inputs import dropout_trial


def _ols_treated(value, baseline, treated) -> tuple[float, float]:
    """statsmodels OLS ``value ~ 1 + treated + baseline``: the treated coefficient and its p
    (the independent reference of the complete-data ANCOVA)."""
    import statsmodels.api as sm

    X = sm.add_constant(np.column_stack([np.asarray(treated, dtype=float),
                                         np.asarray(baseline, dtype=float)]))
    fit = sm.OLS(np.asarray(value, dtype=float), X).fit()
    return float(fit.params[1]), float(fit.pvalues[1])


@pytest.fixture(scope="module")
def dropout():
    return dropout_trial()


@pytest.fixture(scope="module")
def strong(dropout):
    """The dropout trial with SDMT raised by 6 points at every follow-up under MSC."""
    m = dropout.measurements.copy()
    arm = m["subject_id"].map(dropout.subjects.set_index("subject_id")["arm"])
    m.loc[(m["outcome"] == "SDMT") & (m["day"] > 0) & (arm == "MSC"), "value"] += 6
    return Trial.from_tables(dropout.subjects.drop(columns="n_injections"), m)


def test_completers_ancova_is_the_ancova_of_completers(dropout):
    r = completers_ancova(dropout, "SDMT", treatment="MSC", control="Sham")
    m = dropout.long()
    sd = m[m["outcome"] == "SDMT"].pivot(index="subject_id", columns="visit", values="value")
    sd = sd.dropna()  # seen at every visit
    arm = dropout.subjects.set_index("subject_id").loc[sd.index, "arm"]
    # value ~ arm + baseline has the same arm coefficient as change ~ arm + baseline
    est, p = _ols_treated(sd["Month 12"], sd["Baseline"], arm == "MSC")
    assert (r["n_treatment"], r["n_control"]) == ((arm == "MSC").sum(), (arm == "Sham").sum())
    assert r["estimate"] == pytest.approx(est, rel=1e-10)
    assert r["p"] == pytest.approx(p, rel=1e-8)


def test_no_missing_data_gives_the_complete_data_ancova(dropout):
    # without missing values nothing is imputed: Rubin's rules return the one ANCOVA
    m = dropout.measurements
    seen = m[(m["visit"] == "Month 12")]["subject_id"].unique()
    keep = Trial.from_tables(dropout.subjects[dropout.subjects.subject_id.isin(seen)]
                             .drop(columns="n_injections"), m[m["subject_id"].isin(seen)])
    tp = tipping_point(keep, "SDMT", treatment="MSC", control="Sham")
    assert tp.n_imputed_treatment == 0 and "nothing to shift" in tp.note
    sd = keep.long().query("outcome == 'SDMT'").pivot(index="subject_id", columns="visit",
                                                      values="value")
    arm = keep.subjects.set_index("subject_id").loc[sd.index, "arm"]
    est, p = _ols_treated(sd["Month 12"], sd["Baseline"], arm == "MSC")
    first = tp.frame.iloc[0]
    assert first["estimate"] == pytest.approx(est, rel=1e-10)
    assert first["p"] == pytest.approx(p, rel=1e-8)


def test_mar_imputation_agrees_with_the_mmrm(dropout):
    tp = tipping_point(dropout, "SDMT", treatment="MSC", control="Sham", n_imputations=200)
    res = mmrm(dropout, "SDMT", treatment="MSC", control="Sham")
    last = res.contrasts.iloc[-1]
    assert (tp.n_imputed_treatment, tp.n_imputed_control) == (8, 8)
    assert abs(tp.frame["estimate"].iloc[0] - last["estimate"]) < 0.25 * last["se"]


def test_tipping_point_is_where_significance_ends(strong):
    tp = tipping_point(strong, "SDMT", treatment="MSC", control="Sham",
                       deltas=np.linspace(0, 20, 41))
    f = tp.frame
    assert f["p"].iloc[0] < 0.05 and np.isfinite(tp.tipping_delta)
    i = int(np.flatnonzero(f["delta"] == tp.tipping_delta)[0])
    assert f["p"].iloc[i] >= 0.05 and (f["p"].iloc[:i] < 0.05).all()
    # shifting the treatment arm's imputed SDMT down only lowers the contrast
    assert np.all(np.diff(f["estimate"]) < 0)
    # a shift of d in the 8 imputed of 24 treated subjects moves the contrast by about d/3
    slope = (f["estimate"].iloc[-1] - f["estimate"].iloc[0]) / 20
    assert slope == pytest.approx(-8 / 24, rel=0.15)


def test_outcome_sensitivity_rows(strong):
    rows, tp = outcome_sensitivity(strong, "SDMT", treatment="MSC", control="Sham")
    assert rows["analysis"].str.startswith(("MMRM", "ANCOVA, completers", "ANCOVA after MI")
                                           ).all()
    assert rows["n_treatment"].tolist() == [16, 14, 24]
    # the default grid (0 to 3 residual SDs) never reaches p >= 0.05 here: said in the note
    assert np.isnan(tp.tipping_delta) and np.isnan(rows["tipping_delta"].iloc[2])
    assert rows["note"].iloc[2] == "still significant at the largest shift tried (3.0 SD)"
    assert isinstance(rows, pd.DataFrame)
