"""msc_dash.mmrm against R (nlme::gls + emmeans), frozen in tests/reference/mmrm_reference.csv.

The expected values come from tests/reference/mmrm.R (nlme 3.1-162, emmeans
1.8.4-1, R 4.x) fitted to tests/reference/mmrm_input.csv, which
tests/reference/mmrm_inputs.py writes from the single-arm and two-arm samples
and a generated dropout trial (a third of subjects miss Month 12). `make
reference` re-creates both files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from msc_dash.mmrm import _design, analysis_frame, change_table, mmrm
from tests.reference.mmrm_inputs import ARMS, HERE, datasets, input_rows

REF = pd.read_csv(HERE / "mmrm_reference.csv")


@pytest.fixture(scope="module", autouse=True)
def _one_blas_thread():
    # ~250 small fits and dense 158 x 158 inverses: BLAS threads only contend here
    # (85 s for this file with them on a loaded 2-core machine, 24 s without)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture(scope="module")
def trials():
    return datasets()


@pytest.fixture(scope="module")
def changes(trials):
    """Each dataset's changes from baseline, computed once (as mmrm_table does)."""
    return {name: change_table(t) for name, t in trials.items()}


@pytest.fixture(scope="module")
def compared(trials, changes):
    """Our value next to R's for every row R fitted and we fitted with the same structure."""
    rows = []
    for (name, code, structure), ref in REF.groupby(["dataset", "outcome", "structure"],
                                                    sort=False):
        arms = ARMS[name]
        kw = {} if arms is None else {"treatment": arms[0], "control": arms[1]}
        res = mmrm(trials[name], code, covariance=structure, changes=changes[name], **kw)
        if res.covariance != structure:  # ours did not converge there: no comparison
            continue
        for r in ref.itertuples():
            if r.term == "contrast":
                ours = res.contrasts.set_index("visit").loc[r.visit]
            else:
                ls = res.lsmeans
                ours = ls[(ls["arm"] == r.term.split(":", 1)[1]) & (ls["visit"] == r.visit)]
                ours = ours.iloc[0]
            rows.append(dict(dataset=name, outcome=code, structure=structure, term=r.term,
                             visit=r.visit, est=ours["estimate"], est_r=r.estimate,
                             se=ours["se"], se_r=r.se, df=ours["df"], df_r=r.df,
                             ll=res.loglik, ll_r=r.loglik, aic=res.aic, aic_r=r.aic))
    return pd.DataFrame(rows)


def test_inputs_are_what_msc_dash_fits():
    # the committed input equals what the writer produces now (same rows, same values)
    committed = pd.read_csv(HERE / "mmrm_input.csv")
    now = input_rows()
    assert len(committed) == len(now)
    np.testing.assert_allclose(committed["y"], now["y"], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(committed["covariate"], now["covariate"], rtol=1e-14)


def test_every_dataset_and_structure_is_compared(compared):
    seen = compared.groupby(["dataset", "structure"]).size()
    for name in ARMS:
        for s in ("unstructured", "compound_symmetry", "ar1", "toeplitz"):
            assert seen.get((name, s), 0) >= 6, (name, s)
    assert len(compared) >= 450
    assert (compared["term"] == "contrast").sum() >= 80


def test_estimates_equal_r(compared):
    # 1e-6 relative; for estimates within one SE of zero, relative to the SE
    scale = np.maximum(compared["est_r"].abs(), compared["se_r"])
    err = (compared["est"] - compared["est_r"]).abs() / scale
    assert err.max() < 1e-6, compared.loc[err.idxmax()].to_dict()


def test_standard_errors_equal_r(compared):
    np.testing.assert_allclose(compared["se"], compared["se_r"], rtol=1e-4)


def test_reml_loglik_and_aic_equal_r(compared):
    np.testing.assert_allclose(compared["ll"], compared["ll_r"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(compared["aic"], compared["aic_r"], rtol=0, atol=1e-5)


def test_satterthwaite_df_near_emmeans(compared):
    # emmeans' Satterthwaite uses nlme's apVar, a finite-difference Hessian of
    # nlme's own parameterisation (and "appx-satterthwaite" where that is not
    # available), so it agrees only to a few percent; the exact check is below.
    ok = compared["df_r"].notna()
    np.testing.assert_allclose(compared.loc[ok, "df"], compared.loc[ok, "df_r"], rtol=0.08)


def _dense_reml(frame, X, sigma_entries, v):
    """-2 REML log-likelihood and (X'V^-1 X)^-1 from one dense N x N V (no patterns, no
    Cholesky parameterisation): the covariance parameters are Sigma's entries themselves."""
    S = np.zeros((v, v))
    S[np.triu_indices(v)] = sigma_entries
    S = S + np.triu(S, 1).T
    subj = frame["subject_id"].to_numpy()
    j = frame["visit"].cat.codes.to_numpy()
    same = subj[:, None] == subj[None, :]
    V = np.where(same, S[j[:, None], j[None, :]], 0.0)
    Vi = np.linalg.inv(V)
    XtViX = X.T @ Vi @ X
    Phi = np.linalg.inv(XtViX)
    y = frame["y"].to_numpy()
    beta = Phi @ X.T @ Vi @ y
    r = y - X @ beta
    value = np.linalg.slogdet(V)[1] + np.linalg.slogdet(XtViX)[1] + r @ Vi @ r
    return value, Phi


@pytest.mark.parametrize("name, code", [("two_arm", "T25FW"), ("dropout", "SDMT")])
def test_satterthwaite_df_by_numerical_differentiation(trials, name, code):
    # Independent computation: df = 2 (c'Phi c)^2 / (g' A g), A = 2 H^-1, where H (the
    # Hessian of -2 REML in Sigma's entries) and g (the gradient of c'Phi c) are both
    # central differences of the dense criterion above. df does not depend on how the
    # covariance is parameterised, so this checks the analytic Jacobian and the Hessian.
    arms = ARMS[name]
    res = mmrm(trials[name], code, treatment=arms[0], control=arms[1])
    frame, _ = analysis_frame(trials[name], code, list(arms))
    X, _ = _design(frame, arms[0])
    v = res.sigma.shape[0]
    theta0 = res.sigma.to_numpy()[np.triu_indices(v)]
    h = 1e-4 * np.abs(theta0).max()
    n = len(theta0)

    def f(t):
        return _dense_reml(frame, X, t, v)

    H = np.empty((n, n))
    for a in range(n):
        for b in range(n):
            ea, eb = np.eye(n)[a] * h, np.eye(n)[b] * h
            H[a, b] = (f(theta0 + ea + eb)[0] - f(theta0 + ea - eb)[0]
                       - f(theta0 - ea + eb)[0] + f(theta0 - ea - eb)[0]) / (4 * h * h)
    A = 2 * np.linalg.inv(H)
    k = X.shape[1]
    for jv, visit in enumerate(res.contrasts["visit"]):
        c = np.zeros(k)
        c[2 * v + jv] = 1.0
        g = np.array([(c @ f(theta0 + np.eye(n)[a] * h)[1] @ c
                       - c @ f(theta0 - np.eye(n)[a] * h)[1] @ c) / (2 * h) for a in range(n)])
        var = c @ f(theta0)[1] @ c
        df = 2 * var**2 / (g @ A @ g)
        ours = res.contrasts.set_index("visit").loc[visit, "df"]
        assert ours == pytest.approx(df, rel=1e-4), visit
