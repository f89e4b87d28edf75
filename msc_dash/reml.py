"""REML for a linear model with a structured within-subject covariance (the MMRM engine).

The model is ``y = X beta + e`` with ``e`` independent between subjects and,
within a subject, ``Cov(e) = Sigma[obs, obs]``: ``Sigma`` is one ``v x v``
matrix over the visits and each subject contributes the rows and columns of
the visits it was seen at (missing at random). :func:`fit_reml` maximises the
restricted likelihood with ``beta`` profiled out (generalised least squares at
each ``Sigma``), using the analytic gradient ``tr(P dV) - y'P dV P y``, and
:meth:`REMLFit.satterthwaite` gives Satterthwaite degrees of freedom for any
linear combination of ``beta`` from the analytic Jacobian of
``(X'V^-1 X)^-1`` and a Hessian of the REML criterion (central differences of
the analytic gradient), as R's ``mmrm`` package does.

Covariance structures (``theta`` is unconstrained):

``unstructured``
    ``Sigma = L L'``, ``L`` lower triangular with log-diagonal.
``compound_symmetry``
    ``s2 ((1 - rho) I + rho 11')``, one variance.
``ar1``
    ``s2 rho^|i-j|`` over visit positions, ``rho = tanh``.
``toeplitz``
    ``s2 r_|i-j|``, the correlations by lag from partial autocorrelations
    ``tanh(theta)`` (Durbin-Levinson), so ``Sigma`` is always positive definite.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._lazy import optimize

__all__ = ["fit_reml", "REMLFit", "STRUCTURES", "covariance_matrix", "n_theta"]

STRUCTURES = ("unstructured", "compound_symmetry", "ar1", "toeplitz")
_LOG2PI = np.log(2 * np.pi)


def n_theta(structure: str, v: int) -> int:
    """Number of covariance parameters of ``structure`` over ``v`` visits.

    Examples
    --------
    >>> [n_theta(s, 3) for s in STRUCTURES]
    [6, 2, 2, 3]
    """
    if structure == "unstructured":
        return v * (v + 1) // 2
    if structure == "toeplitz":
        return v
    if structure in ("compound_symmetry", "ar1"):
        return 2 if v > 1 else 1
    raise ValueError(f"covariance must be one of {STRUCTURES}, not {structure!r}")


def _pacf_to_acf(pacf: np.ndarray) -> np.ndarray:
    """Autocorrelations r_0..r_p of a stationary AR(p) with these partial autocorrelations."""
    r = [1.0]
    phi = np.empty(0)
    for k, pk in enumerate(pacf, start=1):
        phi = np.append(phi - pk * phi[::-1], pk)
        r.append(float(phi @ np.array(r[::-1][:k])))
    return np.array(r)


def covariance_matrix(structure: str, theta, v: int) -> np.ndarray:
    """The ``v x v`` covariance of ``structure`` at unconstrained ``theta``.

    Examples
    --------
    >>> covariance_matrix("ar1", [np.log(4.0), np.arctanh(0.5)], 3)
    array([[4., 2., 1.],
           [2., 4., 2.],
           [1., 2., 4.]])
    """
    # a diverging optimiser may try huge theta: inf/nan here make the fit non-converged
    with np.errstate(over="ignore", invalid="ignore"):
        return _covariance(structure, theta, v)


def _covariance(structure: str, theta, v: int) -> np.ndarray:
    theta = np.asarray(theta, dtype=float)
    if structure == "unstructured":
        L = np.zeros((v, v))
        L[np.tril_indices(v)] = theta
        L[np.diag_indices(v)] = np.exp(np.diag(L))
        return L @ L.T
    s2 = np.exp(theta[0])
    lag = np.abs(np.subtract.outer(np.arange(v), np.arange(v)))
    if v == 1:
        return np.array([[s2]])
    if structure == "compound_symmetry":
        lo = -1.0 / (v - 1)
        rho = lo + (1 - lo) / (1 + np.exp(-theta[1]))
        return s2 * np.where(lag == 0, 1.0, rho)
    if structure == "ar1":
        return s2 * np.tanh(theta[1]) ** lag
    return s2 * _pacf_to_acf(np.tanh(theta[1:]))[lag]


def _jacobian(structure: str, theta: np.ndarray, v: int, h: float = 1e-6) -> np.ndarray:
    """d Sigma / d theta_k (k x v x v): analytic for unstructured, else central differences."""
    if structure == "unstructured":
        a, b = np.tril_indices(v)
        L = np.zeros((v, v))
        L[a, b] = theta
        d = np.diag_indices(v)
        L[d] = np.exp(L[d])
        scale = np.where(a == b, L[a, b], 1.0)
        # dL_k = scale_k E_ab; dSigma_k = dL_k L' + L dL_k'
        part = np.zeros((len(theta), v, v))
        part[np.arange(len(theta)), a, :] = scale[:, None] * L[:, b].T
        return part + part.transpose(0, 2, 1)
    out = np.empty((len(theta), v, v))
    for k in range(len(theta)):
        e = np.zeros(len(theta))
        e[k] = h
        out[k] = (covariance_matrix(structure, theta + e, v)
                  - covariance_matrix(structure, theta - e, v)) / (2 * h)
    return out


@dataclass
class _Pattern:
    """Subjects sharing one set of observed visits, and their cross-products.

    The REML criterion, its gradient and the Satterthwaite terms need the data
    only through ``XX[a, b] = sum_n X_n[a]' X_n[b]``, ``XY[a, b] = sum_n X_n[a] y_n[b]``
    and ``YY = sum_n y_n y_n'`` (``a, b`` the pattern's visits), so each evaluation
    costs the same at 100 subjects as at 100,000.
    """

    visits: np.ndarray  # indexes into 0..v-1
    Y: np.ndarray  # n x m
    X: np.ndarray  # n x m x k
    XX: np.ndarray = field(init=False, repr=False)  # m x m x k x k
    XY: np.ndarray = field(init=False, repr=False)  # m x m x k
    YY: np.ndarray = field(init=False, repr=False)  # m x m

    def __post_init__(self) -> None:
        self.XX = np.einsum("nak,nbl->abkl", self.X, self.X, optimize=True)
        self.XY = np.einsum("nak,nb->abk", self.X, self.Y, optimize=True)
        self.YY = self.Y.T @ self.Y


def _patterns(y, X, subject, visit) -> list[_Pattern]:
    order = np.lexsort((visit, subject))
    subject, visit = subject[order], visit[order]  # y and X are taken once, per pattern
    starts = np.flatnonzero(np.r_[True, subject[1:] != subject[:-1]])
    sizes = np.diff(np.r_[starts, len(subject)])
    # one key per subject: the set of visits it has, as bits (at most 63 visits) or text
    if visit.max(initial=0) < 63:
        keys = np.add.reduceat(np.left_shift(np.int64(1), visit.astype(np.int64)), starts)
    else:
        keys = np.array([",".join(map(str, visit[a:a + m])) for a, m in zip(starts, sizes,
                                                                               strict=True)])
    _, first, which = np.unique(keys, return_index=True, return_inverse=True)
    out = []
    for g in np.argsort(first):  # patterns in order of their first subject
        firsts = starts[which == g]
        m = int(sizes[first[g]])
        rows = order[(firsts[:, None] + np.arange(m)).ravel()]
        a = starts[first[g]]
        out.append(_Pattern(visit[a:a + m].copy(), y[rows].reshape(-1, m),
                            X[rows].reshape(-1, m, X.shape[1])))
    return out


@dataclass
class _State:
    """Everything the criterion, gradient and Satterthwaite need at one ``theta``."""

    value: float  # -2 REML log-likelihood without constants
    beta: np.ndarray
    M: np.ndarray  # (X'V^-1 X)^-1
    G: np.ndarray  # d value / d Sigma (v x v)
    sinv: list = field(default_factory=list)


def _state(patterns: list[_Pattern], S: np.ndarray, k: int) -> _State:
    XtVX = np.zeros((k, k))
    XtVy = np.zeros(k)
    logdet = 0.0
    sinv = []
    for p in patterns:
        Sp = S[np.ix_(p.visits, p.visits)]
        c = np.linalg.cholesky(Sp)
        inv = np.linalg.inv(Sp)
        sinv.append(inv)
        logdet += len(p.Y) * 2 * np.log(np.diag(c)).sum()
        XtVX += np.einsum("ab,abkl->kl", inv, p.XX)
        XtVy += np.einsum("ab,abk->k", inv, p.XY)
    cx = np.linalg.cholesky(XtVX)
    M = np.linalg.inv(XtVX)
    beta = M @ XtVy
    quad = 0.0
    G = np.zeros_like(S)
    for p, inv in zip(patterns, sinv, strict=True):
        xy = p.XY @ beta  # sum_n (X_n beta)[a] y_n[b]
        RR = p.YY - xy - xy.T + np.einsum("abkl,k,l->ab", p.XX, beta, beta)  # sum_n R_n R_n'
        quad += np.sum(inv * RR)
        xmx = np.einsum("abkl,kl->ab", p.XX, M)  # sum_n X_n M X_n'
        inner = len(p.Y) * np.eye(len(p.visits)) - (RR + xmx) @ inv
        G[np.ix_(p.visits, p.visits)] += inv @ inner
    value = logdet + quad + 2 * np.log(np.diag(cx)).sum()
    return _State(value, beta, M, (G + G.T) / 2, sinv)


@dataclass
class REMLFit:
    """A REML fit: ``beta``, its covariance and the covariance parameters.

    Attributes
    ----------
    beta : ndarray
        GLS estimates at the REML covariance.
    cov_beta : ndarray
        ``(X' V^-1 X)^-1``.
    sigma : ndarray
        The fitted ``v x v`` within-subject covariance.
    loglik : float
        REML log-likelihood, on the scale of R's ``nlme::gls(method = "REML")``.
    n_params : int
        Fixed effects plus covariance parameters (for the AIC).
    converged : bool
        The optimiser stopped at a point with a small gradient and a
        positive-definite Hessian.
    """

    structure: str
    theta: np.ndarray
    beta: np.ndarray
    cov_beta: np.ndarray
    sigma: np.ndarray
    loglik: float
    n_params: int
    converged: bool
    message: str
    hessian: np.ndarray
    _patterns: list = field(repr=False, default_factory=list)

    @property
    def aic(self) -> float:
        """``-2 loglik + 2 n_params`` (as ``AIC()`` of an nlme REML fit)."""
        return -2 * self.loglik + 2 * self.n_params

    def satterthwaite(self, C) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Estimates, SEs and Satterthwaite df of the linear combinations ``C beta``.

        ``df = 2 (c'Mc)^2 / (g' A g)`` with ``M = (X'V^-1 X)^-1``,
        ``g = d(c'Mc)/d theta`` and ``A = 2 H^-1`` the asymptotic covariance
        of ``theta`` (``H`` the Hessian of -2 REML log-likelihood).

        Parameters
        ----------
        C : array, r x k (or one row of length k)
        """
        C = np.atleast_2d(np.asarray(C, dtype=float))
        est = C @ self.beta
        var = np.einsum("rk,kl,rl->r", C, self.cov_beta, C)
        J = _jacobian(self.structure, self.theta, self.sigma.shape[0])
        MC = self.cov_beta @ C.T  # k x r
        g = np.zeros((len(C), len(self.theta)))
        for p in self._patterns:
            idx = np.ix_(p.visits, p.visits)
            inv = np.linalg.inv(self.sigma[idx])
            # sum_n c'M X_n' V^-1 J_k V^-1 X_n M c, through the pattern's cross-products
            B = np.einsum("ac,kcd,db->kab", inv, J[(slice(None), *idx)], inv)
            g += np.einsum("kab,abij,ir,jr->rk", B, p.XX, MC, MC, optimize=True)
        with np.errstate(all="ignore"):
            try:
                A = 2 * np.linalg.inv(self.hessian)
                df = 2 * var**2 / np.einsum("rk,kl,rl->r", g, A, g)
            except np.linalg.LinAlgError:
                df = np.full(len(C), np.nan)
        df = np.where(np.isfinite(df) & (df > 0), df, np.nan)
        return est, np.sqrt(var), df


def _start(structure: str, patterns: list[_Pattern], v: int, k: int) -> np.ndarray:
    """Starting values from the OLS residual covariance (pairwise complete)."""
    # OLS from the patterns' cross-products (the same normal equations as lstsq)
    XtX = sum(np.einsum("aakl->kl", p.XX) for p in patterns)
    Xty = sum(np.einsum("aak->k", p.XY) for p in patterns)
    beta = np.linalg.lstsq(XtX, Xty, rcond=None)[0]
    res = np.full((sum(len(p.Y) for p in patterns), v), np.nan)
    row = 0
    for p in patterns:
        res[row:row + len(p.Y), p.visits] = p.Y - p.X @ beta
        row += len(p.Y)
    var = np.nanmean(res**2, axis=0)
    var = np.where(np.isfinite(var) & (var > 0), var, np.nanmean(res**2) or 1.0)
    s2 = float(np.mean(var))
    if structure == "unstructured":
        S = np.diag(var)
        for i in range(v):
            for j in range(i):
                ok = np.isfinite(res[:, i]) & np.isfinite(res[:, j])
                if ok.sum() > 2:
                    S[i, j] = S[j, i] = 0.5 * np.mean(res[ok, i] * res[ok, j])
        w, U = np.linalg.eigh(S)
        S = (U * np.maximum(w, 1e-3 * s2)) @ U.T
        L = np.linalg.cholesky(S)
        L[np.diag_indices(v)] = np.log(np.diag(L))
        return L[np.tril_indices(v)]
    return np.r_[np.log(s2), np.zeros(n_theta(structure, v) - 1)]


def fit_reml(y, X, subject, visit, v: int, structure: str = "unstructured") -> REMLFit:
    """Fit ``y ~ X`` by REML with a ``structure`` covariance over ``v`` visits.

    Parameters
    ----------
    y : array of float, length N
    X : array of float, N x k, full column rank
    subject : array of int, length N
        Subject codes; a subject has at most one row per visit.
    visit : array of int, length N
        Visit positions ``0..v-1``.
    v : int
    structure : {"unstructured", "compound_symmetry", "ar1", "toeplitz"}

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> S = np.array([[1.0, 0.6], [0.6, 2.0]])
    >>> e = rng.multivariate_normal([0, 0], S, size=200)
    >>> y = (e + [1.0, 2.0]).ravel()
    >>> X = np.tile(np.eye(2), (200, 1))
    >>> fit = fit_reml(y, X, np.repeat(np.arange(200), 2), np.tile([0, 1], 200), 2)
    >>> fit.converged, bool(np.allclose(fit.beta, (e + [1.0, 2.0]).mean(axis=0)))
    (True, True)
    >>> np.round(fit.sigma / np.cov(e.T), 3)  # REML = the sample covariance here
    array([[1., 1.],
           [1., 1.]])
    """
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    k = X.shape[1]
    patterns = _patterns(y, X, np.asarray(subject), np.asarray(visit, dtype=int))

    def fun(theta):
        try:
            st = _state(patterns, covariance_matrix(structure, theta, v), k)
        except np.linalg.LinAlgError:
            return np.inf, np.zeros_like(theta)
        J = _jacobian(structure, theta, v)
        return st.value, np.einsum("ab,kab->k", st.G, J)

    def grad(theta):
        return fun(theta)[1]

    theta = _start(structure, patterns, v, k)
    with np.errstate(all="ignore"):
        res = optimize.minimize(fun, theta, jac=True, method="BFGS",
                                options={"gtol": 1e-4, "maxiter": 500})
        theta = res.x
        H = _hessian(grad, theta)
        for _ in range(5):  # Newton polish: BFGS stops short of R's tolerances
            g = grad(theta)
            if np.max(np.abs(g)) < 1e-9:
                break
            try:
                step = np.linalg.solve(H, g)
            except np.linalg.LinAlgError:
                break
            if not np.all(np.isfinite(step)) or fun(theta - step)[0] > fun(theta)[0] + 1e-9:
                break
            theta = theta - step
    S = covariance_matrix(structure, theta, v)
    try:
        if not np.all(np.isfinite(S)):
            raise np.linalg.LinAlgError("covariance not finite")
        st = _state(patterns, S, k)
    except np.linalg.LinAlgError:
        nan = np.full(k, np.nan)
        return REMLFit(structure, theta, nan, np.full((k, k), np.nan), S, np.nan,
                       k + n_theta(structure, v), False, "the covariance diverged", H, patterns)
    g = grad(theta)
    # nlme's REML log-likelihood (no log|X'X| term, so it depends on how X is coded;
    # the cell-means coding here has R's |X'X|: centring the covariate is unimodular)
    loglik = -0.5 * ((len(y) - k) * _LOG2PI + st.value)
    try:
        pd_hess = bool(np.all(np.linalg.eigvalsh(H) > 0))
    except np.linalg.LinAlgError:
        pd_hess = False
    small = bool(np.max(np.abs(g)) < 1e-4 * max(1.0, abs(st.value)))
    ok = bool(np.all(np.isfinite(theta)) and np.isfinite(st.value) and pd_hess and small
              and np.all(np.linalg.eigvalsh(S) > 1e-10 * np.trace(S)))
    message = "" if ok else ("the Hessian of the REML criterion is not positive definite"
                             if not pd_hess else f"no convergence ({res.message})")
    return REMLFit(structure, theta, st.beta, st.M, S, float(loglik),
                   k + n_theta(structure, v), ok, message, H, patterns)


def _hessian(grad, theta: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Symmetrised central-difference Jacobian of the analytic gradient."""
    n = len(theta)
    H = np.empty((n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = h
        H[:, j] = (grad(theta + e) - grad(theta - e)) / (2 * h)
    return (H + H.T) / 2
