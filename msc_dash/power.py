"""Sample size and power for the next, controlled trial, from a pilot's data.

Three endpoints of a two-arm, 1:1 parallel trial, two-sided test:

* a **continuous** outcome's change (or follow-up value adjusted for baseline,
  ANCOVA): the two-sample t-test's exact noncentral-t power (statsmodels'
  ``TTestIndPower``, equal to R's ``power.t.test(strict = TRUE)``); for an
  ANCOVA the residual SD is the follow-up SD times sqrt(1 - rho^2), rho the
  baseline / follow-up correlation (Borm, Fransen & Lemmens 2007);
* a **responder** endpoint: two proportions by the normal approximation R's
  ``power.prop.test`` uses (pooled variance under the null), or Cohen's
  arcsine effect size h as statsmodels' ``NormalIndPower`` does;
* **time to confirmed worsening**: Schoenfeld's number of events
  ``(z_{1-alpha/2} + z_{1-beta})^2 / (p (1 - p) log(HR)^2)``, and the subjects
  needed to see them given the control arm's event probability over follow-up
  (proportional hazards: treated ``1 - (1 - p_c)^HR``).

Enrolment is inflated for dropout: ``ceil(n / (1 - dropout))``.

:func:`pilot_estimates` takes the inputs from the trial: the mean change (or,
with two arms, the difference in mean change between arms) with its CI, the
SDs and the correlation; log-scale outcomes of the registry on the log scale.
A pilot's estimate is uncertain: :func:`n_across_ci` gives the sample size at
every effect inside its CI.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._lazy import optimize, stats
from .trial import Trial

__all__ = ["PilotEstimate", "pilot_estimates", "n_two_means", "power_two_means",
           "n_two_proportions", "power_two_proportions", "schoenfeld_events",
           "n_time_to_event", "enrolled", "ancova_sd", "n_across_ci", "power_curve",
           "pilot_proportions"]


def enrolled(n: float, dropout: float = 0.0) -> int:
    """Subjects to enrol so that ``n`` complete: ``ceil(n / (1 - dropout))``.

    Examples
    --------
    >>> enrolled(63.8), enrolled(63.8, dropout=0.2)
    (64, 80)
    """
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    return math.ceil(n / (1 - dropout) - 1e-9)


def ancova_sd(sd_followup: float, rho: float) -> float:
    """Residual SD of an ANCOVA on baseline: ``sd * sqrt(1 - rho^2)``.

    Examples
    --------
    >>> round(ancova_sd(10.0, 0.8), 6)
    6.0
    """
    return float(sd_followup * math.sqrt(max(0.0, 1 - rho ** 2)))


def power_two_means(n_per_arm: float, delta: float, sd: float, *, alpha: float = 0.05) -> float:
    """Power of the two-sided two-sample t-test with ``n_per_arm`` in each arm.

    Examples
    --------
    >>> round(power_two_means(64, 0.5, 1.0), 4)
    0.8015
    """
    from statsmodels.stats.power import TTestIndPower

    if delta == 0 or n_per_arm < 2:
        return float(alpha) if delta == 0 else float("nan")
    return float(TTestIndPower().power(effect_size=abs(delta) / sd, nobs1=n_per_arm,
                                       alpha=alpha, ratio=1.0, alternative="two-sided"))


def n_two_means(delta: float, sd: float, *, alpha: float = 0.05, power: float = 0.8) -> float:
    """Subjects per arm (unrounded) for a two-sided two-sample t-test.

    Equal to R's ``power.t.test(delta = delta, sd = sd, sig.level = alpha,
    power = power, strict = TRUE)$n``; ``inf`` when ``delta`` is 0.

    Examples
    --------
    >>> round(n_two_means(0.5, 1.0), 2)
    63.77
    """
    from statsmodels.stats.power import TTestIndPower

    if not np.isfinite(delta) or delta == 0 or not sd > 0:
        return float("inf")
    return float(TTestIndPower().solve_power(effect_size=abs(delta) / sd, alpha=alpha,
                                             power=power, ratio=1.0,
                                             alternative="two-sided"))


def power_two_proportions(n_per_arm: float, p1: float, p2: float, *, alpha: float = 0.05,
                          method: str = "pooled") -> float:
    """Power of the two-sided comparison of two proportions.

    ``method="pooled"``: R's ``power.prop.test`` (with ``strict = FALSE``);
    ``"arcsine"``: Cohen's h with statsmodels' ``NormalIndPower``.

    Examples
    --------
    >>> round(power_two_proportions(100, 0.5, 0.3), 4)
    0.8281
    """
    if method == "arcsine":
        from statsmodels.stats.power import NormalIndPower
        from statsmodels.stats.proportion import proportion_effectsize

        h = abs(proportion_effectsize(p1, p2))
        return float(NormalIndPower().power(effect_size=h, nobs1=n_per_arm, alpha=alpha,
                                            ratio=1.0, alternative="two-sided"))
    if method != "pooled":
        raise ValueError(f"method must be 'pooled' or 'arcsine', got {method!r}")
    q1, q2 = 1 - p1, 1 - p2
    z = stats.norm.ppf(1 - alpha / 2)
    num = math.sqrt(n_per_arm) * abs(p1 - p2) - z * math.sqrt((p1 + p2) * (q1 + q2) / 2)
    return float(stats.norm.cdf(num / math.sqrt(p1 * q1 + p2 * q2)))


def n_two_proportions(p1: float, p2: float, *, alpha: float = 0.05, power: float = 0.8,
                      method: str = "pooled") -> float:
    """Subjects per arm (unrounded) to tell proportions ``p1`` and ``p2`` apart.

    Equal to R's ``power.prop.test(p1 = p1, p2 = p2, sig.level = alpha,
    power = power)$n`` for ``method="pooled"``; ``inf`` when ``p1 == p2``.

    Examples
    --------
    >>> round(n_two_proportions(0.5, 0.3), 2)
    93.0
    """
    for p in (p1, p2):
        if not 0 < p < 1:
            raise ValueError(f"proportions must be strictly between 0 and 1, got {p}")
    if p1 == p2:
        return float("inf")
    if method == "arcsine":
        from statsmodels.stats.power import NormalIndPower
        from statsmodels.stats.proportion import proportion_effectsize

        h = abs(proportion_effectsize(p1, p2))
        return float(NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power,
                                                  ratio=1.0, alternative="two-sided"))
    return float(optimize.brentq(
        lambda n: power_two_proportions(n, p1, p2, alpha=alpha) - power, 2, 1e7, xtol=1e-10))


def schoenfeld_events(hr: float, *, alpha: float = 0.05, power: float = 0.8,
                      allocation: float = 0.5) -> float:
    """Events needed (unrounded) to detect hazard ratio ``hr`` by a log-rank test.

    Schoenfeld (1983): ``(z_{1-alpha/2} + z_power)^2 / (p (1 - p) log(hr)^2)``
    with ``p`` the share allocated to one arm.

    Examples
    --------
    >>> round(schoenfeld_events(0.7), 1)
    246.8
    """
    if not hr > 0 or hr == 1:
        return float("inf")
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return float(z ** 2 / (allocation * (1 - allocation) * math.log(hr) ** 2))


def n_time_to_event(hr: float, p_event_control: float, *, alpha: float = 0.05,
                    power: float = 0.8) -> dict:
    """Events and subjects per arm for time to confirmed worsening (1:1).

    The probability of an event over follow-up is ``p_event_control`` in the
    control arm and ``1 - (1 - p_event_control) ** hr`` in the treated arm
    (proportional hazards); subjects = events / their mean.

    Returns
    -------
    dict
        ``events`` (rounded up), ``p_event_treated``, ``p_event`` (mean of the
        arms) and ``n_per_arm`` (unrounded, before dropout).

    Examples
    --------
    >>> r = n_time_to_event(0.7, 0.4)
    >>> r["events"], round(r["p_event_treated"], 4), round(r["n_per_arm"], 1)
    (247, 0.3006, 352.5)
    """
    if not 0 < p_event_control < 1:
        raise ValueError(f"p_event_control must be strictly between 0 and 1, "
                         f"got {p_event_control}")
    events = schoenfeld_events(hr, alpha=alpha, power=power)
    p_t = 1 - (1 - p_event_control) ** hr
    p = (p_event_control + p_t) / 2
    return {"events": math.ceil(events - 1e-9) if np.isfinite(events) else events,
            "p_event_treated": float(p_t), "p_event": float(p),
            "n_per_arm": float(math.ceil(events - 1e-9) / p / 2) if np.isfinite(events)
            else float("inf")}


@dataclass(frozen=True)
class PilotEstimate:
    """What a pilot says about one outcome at one visit, for planning.

    Attributes
    ----------
    outcome, visit : str
    log_scale : bool
        True when the numbers are on the log scale (log-scale outcomes).
    two_arm : bool
        True when ``effect`` is treatment minus control; else the mean change.
    n : int
        Subjects with a baseline and a value at the visit (both arms).
    effect, ci_low, ci_high : float
        Mean change (single arm) or difference in mean change (two arms), in
        the outcome's units (log units for log scale), with a t-based CI.
    sd_change, sd_baseline, sd_followup, rho : float
        SD of the change (pooled within arms), of baseline and follow-up, and
        the baseline / follow-up correlation (pooled within arms).
    ci : float
    """

    outcome: str
    visit: str
    log_scale: bool
    two_arm: bool
    n: int
    effect: float
    ci_low: float
    ci_high: float
    sd_change: float
    sd_baseline: float
    sd_followup: float
    rho: float
    ci: float = 0.95

    @property
    def sd_ancova(self) -> float:
        """Residual SD of the ANCOVA on baseline."""
        return ancova_sd(self.sd_followup, self.rho)


def _pooled_sd(groups: list[np.ndarray]) -> float:
    dof = sum(len(g) - 1 for g in groups)
    return float(math.sqrt(sum(((g - g.mean()) ** 2).sum() for g in groups) / dof)) \
        if dof > 0 else float("nan")


def pilot_estimates(trial: Trial, outcome: str, visit: str, *, treatment: str | None = None,
                    control: str | None = None, ci: float = 0.95) -> PilotEstimate:
    """The pilot's effect and variability of ``outcome`` at ``visit``.

    With ``treatment`` and ``control`` (arms of the trial), the effect is the
    difference in mean change between them with a Welch CI; otherwise the mean
    change of all subjects with a t CI (a single-arm pilot: the control arm is
    assumed not to change). Log-scale outcomes are analysed as
    log(value) - log(baseline).

    Examples
    --------
    >>> import msc_dash
    >>> e = pilot_estimates(msc_dash.load_sample(), "SDMT", "Month 12")
    >>> e.n, round(e.effect, 3), e.two_arm
    (22, 1.591, False)
    """
    from .effects import paired_frame

    pairs = paired_frame(trial, outcome, visit)
    log = trial.outcome(outcome).scale == "log"
    if log:
        pairs = pairs[(pairs["baseline"] > 0) & (pairs["value"] > 0)]
        pairs = pairs.assign(baseline=np.log(pairs["baseline"]), value=np.log(pairs["value"]))
        pairs = pairs.assign(change=pairs["value"] - pairs["baseline"])
    arms = [treatment, control] if treatment and control else [None]
    parts = [pairs if a is None else pairs[pairs["arm"] == a] for a in arms]
    if any(len(p) < 2 for p in parts):
        raise ValueError(f"{outcome} at {visit}: fewer than 2 subjects with a baseline "
                         "and a value" + (" in an arm" if len(parts) > 1 else ""))
    changes = [p["change"].to_numpy(float) for p in parts]
    centred = pd.concat([p[["baseline", "value"]] - p[["baseline", "value"]].mean()
                         for p in parts])
    rho = float(np.corrcoef(centred["baseline"], centred["value"])[0, 1])
    dof_sd = [np.array(p["baseline"], float) for p in parts]
    q = 1 - (1 - ci) / 2
    if len(parts) == 2:
        a, b = changes
        effect = a.mean() - b.mean()
        va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
        se = math.sqrt(va + vb)
        df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    else:
        (a,) = changes
        effect, se, df = a.mean(), a.std(ddof=1) / math.sqrt(len(a)), len(a) - 1
    half = stats.t.ppf(q, df) * se
    return PilotEstimate(
        outcome=outcome, visit=visit, log_scale=log, two_arm=len(parts) == 2,
        n=int(sum(len(p) for p in parts)), effect=float(effect),
        ci_low=float(effect - half), ci_high=float(effect + half),
        sd_change=_pooled_sd(changes), sd_baseline=_pooled_sd(dof_sd),
        sd_followup=_pooled_sd([np.array(p["value"], float) for p in parts]),
        rho=rho, ci=ci)


def n_across_ci(estimate: float, ci_low: float, ci_high: float, sd: float, *,
                alpha: float = 0.05, power: float = 0.8, dropout: float = 0.0,
                points: int = 41) -> pd.DataFrame:
    """Subjects per arm for every assumed effect across a CI.

    Returns ``effect, n_per_arm, enrolled_per_arm`` at ``points`` effects
    evenly spaced over ``[ci_low, ci_high]`` plus the estimate itself
    (``is_estimate`` marks it); effects near 0 need ``inf`` subjects.

    Examples
    --------
    >>> t = n_across_ci(0.5, 0.2, 0.8, 1.0, points=3)
    >>> t["enrolled_per_arm"].tolist()
    [394, 64, 26]
    """
    effects = np.unique(np.append(np.linspace(ci_low, ci_high, points), estimate))
    n = [n_two_means(d, sd, alpha=alpha, power=power) for d in effects]
    return pd.DataFrame({
        "effect": effects, "n_per_arm": n,
        "enrolled_per_arm": [enrolled(x, dropout) if np.isfinite(x) else math.inf for x in n],
        "is_estimate": effects == estimate})


def power_curve(delta: float, sd: float, *, alpha: float = 0.05, n_max: int = 300,
                points: int = 60) -> pd.DataFrame:
    """Power against subjects per arm (``n_per_arm, power``), 2 to ``n_max``.

    Examples
    --------
    >>> c = power_curve(0.5, 1.0, n_max=64, points=2)
    >>> c["n_per_arm"].tolist(), round(float(c["power"].iloc[-1]), 4)
    ([2, 64], 0.8015)
    """
    ns = np.unique(np.linspace(2, n_max, points).round().astype(int))
    return pd.DataFrame({"n_per_arm": ns,
                         "power": [power_two_means(n, delta, sd, alpha=alpha) for n in ns]})


def pilot_proportions(trial: Trial, outcome: str, visit: str, *, status: str = "improved",
                      ci: float = 0.95) -> pd.DataFrame:
    """Share of each arm's subjects with ``status`` at ``visit`` by the meaningful-change rule.

    Returns ``arm, n, count, proportion, ci_low, ci_high`` (Wilson CI), one
    row per arm; empty when the outcome has no meaningful-change rule.

    Examples
    --------
    >>> import msc_dash
    >>> p = pilot_proportions(msc_dash.load_sample(), "SDMT", "Month 12")
    >>> p[["arm", "n", "count"]].values.tolist()
    [['All', 22, 8]]
    """
    from statsmodels.stats.proportion import proportion_confint

    from .effects import responders

    resp = responders(trial, visit)
    resp = resp[(resp["outcome"] == outcome) & (resp["status"] != "unknown")]
    rows = []
    for arm in trial.arms:
        part = resp[resp["arm"] == arm]
        if part.empty:
            continue
        n, k = len(part), int((part["status"] == status).sum())
        low, high = proportion_confint(k, n, alpha=1 - ci, method="wilson")
        rows.append({"arm": arm, "n": n, "count": k, "proportion": k / n,
                     "ci_low": float(low), "ci_high": float(high)})
    return pd.DataFrame(rows, columns=["arm", "n", "count", "proportion", "ci_low", "ci_high"])
