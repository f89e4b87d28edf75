"""Random-intercept linear mixed model by REML, with Satterthwaite tests.

``y = X b + u[subject] + e`` with ``u ~ N(0, s2_subject)`` and ``e ~ N(0, s2)``,
the model of ``lme4::lmer(y ~ ... + (1 | subject), REML = TRUE)``. Degrees of
freedom follow lmerTest: Satterthwaite's approximation with the asymptotic
covariance of the variance parameters from the Hessian of the REML deviance,
and for tests of several coefficients the eigen-decomposition of
``lmerTest::contestMD``. The fit profiles the residual variance and searches the
variance ratio ``s2_subject / s2`` on ``[0, inf)``, so the boundary fit (no
between-subject variance, ``isSingular`` in lme4) is found too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._lazy import optimize, stats

__all__ = ["RandomIntercept", "fit_random_intercept"]


def _sums(X: np.ndarray, y: np.ndarray, codes: np.ndarray, n_groups: int):
    S = np.zeros((n_groups, X.shape[1]))
    np.add.at(S, codes, X)
    sy = np.bincount(codes, weights=y, minlength=n_groups)
    m = np.bincount(codes, minlength=n_groups).astype(float)
    return S, sy, m


@dataclass(frozen=True)
class RandomIntercept:
    """A fitted random-intercept model (see :func:`fit_random_intercept`).

    Attributes
    ----------
    beta : ndarray
        Fixed effects, in the order of the design's columns.
    vcov : ndarray
        Their covariance, ``s2 * (X' W^-1 X)^-1``.
    s2_subject, s2 : float
        Between-subject and residual variance (REML).
    n_obs, n_groups : int
    deviance : float
        REML criterion (-2 log restricted likelihood), as ``lme4`` reports it.
    """

    beta: np.ndarray
    vcov: np.ndarray
    s2_subject: float
    s2: float
    n_obs: int
    n_groups: int
    deviance: float
    _X: np.ndarray
    _y: np.ndarray
    _codes: np.ndarray

    # -------------------------------------------------------------- internals
    def _parts(self, s2b: float, s2: float):
        X, y, codes = self._X, self._y, self._codes
        S, sy, m = _sums(X, y, codes, self.n_groups)
        w = s2b / (s2 * (s2 + m * s2b))  # V_i^-1 = I/s2 - w_i J
        xtvx = X.T @ X / s2 - S.T @ (w[:, None] * S)
        xtvy = X.T @ y / s2 - S.T @ (w * sy)
        ytvy = y @ y / s2 - np.sum(w * sy ** 2)
        logdet_v = np.sum((m - 1) * np.log(s2) + np.log(s2 + m * s2b))
        return xtvx, xtvy, ytvy, logdet_v

    def _deviance(self, s2b: float, s2: float) -> float:
        xtvx, xtvy, ytvy, logdet_v = self._parts(s2b, s2)
        beta = np.linalg.solve(xtvx, xtvy)
        rvr = ytvy - beta @ xtvy
        n_p = self.n_obs - len(beta)
        return float(logdet_v + np.linalg.slogdet(xtvx)[1] + rvr + n_p * np.log(2 * np.pi))

    def _vcov_at(self, theta: float, sigma: float) -> np.ndarray:
        return np.linalg.inv(self._parts((theta * sigma) ** 2, sigma ** 2)[0])

    @property
    def _varpar(self) -> np.ndarray:
        """lmerTest's variance parameters: theta = sd_subject / sigma, and sigma."""
        sigma = np.sqrt(self.s2)
        return np.array([np.sqrt(self.s2_subject) / sigma, sigma])

    def _par_cov(self) -> np.ndarray:
        """Asymptotic covariance of (theta, sigma): 2 * inverse Hessian of the deviance.

        The deviance is even in theta, so central differences stay valid at the
        boundary theta = 0.
        """
        par = self._varpar
        h = 1e-4 * np.array([max(par[0], 1.0), par[1]])
        f = lambda p: self._deviance((p[0] * p[1]) ** 2, p[1] ** 2)  # noqa: E731
        H = np.zeros((2, 2))
        for i in range(2):
            for j in range(2):
                ei, ej = np.eye(2)[i] * h[i], np.eye(2)[j] * h[j]
                H[i, j] = (f(par + ei + ej) - f(par + ei - ej) - f(par - ei + ej)
                           + f(par - ei - ej)) / (4 * h[i] * h[j])
        return 2.0 * np.linalg.inv(H)

    def _grad(self, L: np.ndarray) -> np.ndarray:
        """Gradient of diag(L vcov(theta, sigma) L') over (theta, sigma), rows of L x 2."""
        par = self._varpar
        out = []
        for i in range(2):
            h = 1e-5 * (max(par[0], 1.0) if i == 0 else par[1])
            up, down = par.copy(), par.copy()
            up[i] += h
            down[i] -= h
            v_up = np.einsum("ij,jk,ik->i", L, self._vcov_at(*up), L)
            v_dn = np.einsum("ij,jk,ik->i", L, self._vcov_at(*down), L)
            out.append((v_up - v_dn) / (2 * h))
        return np.array(out).T

    # -------------------------------------------------------------- public
    def t_test(self, c) -> dict:
        """Estimate, SE, Satterthwaite df, t and two-sided p of ``c' beta``.

        Examples
        --------
        >>> rng = np.random.default_rng(1)
        >>> g = np.repeat(np.arange(10), 2); x = np.tile([0.0, 1.0], 10)
        >>> y = 1 + 0.5 * x + rng.normal(size=10)[g] + rng.normal(0, 0.3, 20)
        >>> fit = fit_random_intercept(np.column_stack([np.ones(20), x]), y, g)
        >>> round(fit.t_test([0, 1])["df"], 6)  # paired design: n - 1
        9.0
        """
        c = np.asarray(c, dtype=float).ravel()
        est = float(c @ self.beta)
        var = float(c @ self.vcov @ c)
        g = self._grad(c[None, :])[0]
        denom = g @ self._par_cov() @ g
        df = 2 * var ** 2 / denom if denom > 0 else np.inf
        se = np.sqrt(var)
        t = est / se
        return {"estimate": est, "se": float(se), "df": float(df), "t": float(t),
                "p": float(2 * stats.t.sf(abs(t), df))}

    def f_test(self, L) -> dict:
        """F test of ``L beta = 0`` with lmerTest's Satterthwaite denominator df."""
        L = np.atleast_2d(np.asarray(L, dtype=float))
        if L.shape[0] == 1:
            r = self.t_test(L[0])
            return {"F": r["t"] ** 2, "df1": 1, "df2": r["df"], "p": r["p"]}
        d, P = np.linalg.eigh(L @ self.vcov @ L.T)
        keep = d > 1e-10 * d.max()
        d, P = d[keep], P[:, keep]
        q = len(d)
        PtL = P.T @ L
        t = (PtL @ self.beta) / np.sqrt(d)
        F = float(np.sum(t ** 2) / q)
        grads = self._grad(PtL)
        A = self._par_cov()
        nu = np.array([2 * dm ** 2 / (gm @ A @ gm) for dm, gm in zip(d, grads, strict=True)])
        if np.all(np.abs(np.diff(nu)) < 1e-8):
            df2 = float(np.mean(nu))
        elif np.any(nu <= 2):
            df2 = 2.0
        else:
            E = np.sum(nu / (nu - 2))
            df2 = float(2 * E / (E - q))
        return {"F": F, "df1": q, "df2": df2, "p": float(stats.f.sf(F, q, df2))}


def fit_random_intercept(X, y, groups) -> RandomIntercept:
    """Fit ``y ~ X + (1 | groups)`` by REML.

    Parameters
    ----------
    X : array (n, p)
        Full-rank fixed-effects design (with the intercept column).
    y : array (n,)
    groups : array-like (n,)
        Subject of each row.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat(np.arange(30), 2)
    >>> y = rng.normal(size=30)[g] + rng.normal(0, 0.5, 60)
    >>> fit = fit_random_intercept(np.ones((60, 1)), y, g)
    >>> fit.s2_subject > fit.s2 > 0
    True
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    _, codes = np.unique(np.asarray(groups), return_inverse=True)
    n_groups = int(codes.max()) + 1
    n, p = X.shape
    if np.linalg.matrix_rank(X) < p:
        raise ValueError("the fixed-effects design is not of full rank")
    if n <= p:
        raise ValueError("fewer observations than fixed effects")
    S, sy, m = _sums(X, y, codes, n_groups)
    xtx, xty, yty = X.T @ X, X.T @ y, y @ y

    def profiled(gamma: float):
        w = gamma / (1 + m * gamma)
        a = xtx - S.T @ (w[:, None] * S)
        b = xty - S.T @ (w * sy)
        beta = np.linalg.solve(a, b)
        s2 = (yty - np.sum(w * sy ** 2) - beta @ b) / (n - p)
        dev = ((n - p) * np.log(s2) + np.sum(np.log1p(m * gamma))
               + np.linalg.slogdet(a)[1] + (n - p) * (1 + np.log(2 * np.pi)))
        return dev, s2, beta, a

    # the ratio is searched on the scale of lme4's theta = sqrt(gamma)
    obj = lambda th: profiled(th * th)[0]  # noqa: E731
    best = optimize.minimize_scalar(obj, bounds=(0.0, 1e3), method="bounded",
                                    options={"xatol": 1e-10})
    # a ratio whose deviance is within 1e-9 of the boundary's is the boundary fit
    theta = float(best.x) if obj(best.x) < obj(0.0) - 1e-9 else 0.0
    if theta > 0:  # polish on a narrow bracket
        polish = optimize.minimize_scalar(obj, bounds=(theta * 0.9, theta * 1.1),
                                          method="bounded", options={"xatol": 1e-13})
        theta = float(polish.x) if polish.fun <= obj(theta) else theta
    dev, s2, beta, a = profiled(theta * theta)
    vcov = s2 * np.linalg.inv(a)
    return RandomIntercept(beta=beta, vcov=vcov, s2_subject=float(theta * theta * s2),
                           s2=float(s2), n_obs=n, n_groups=n_groups, deviance=float(dev),
                           _X=X, _y=y, _codes=codes)
