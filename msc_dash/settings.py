"""The analysis settings: one frozen, hashable record passed to every analysis.

:class:`AnalysisSettings` holds what the sidebar's "Analysis settings"
expander (and the command line's options) choose: bootstrap resamples, seed,
confidence level, multiplicity correction and the meaningful-change rules
where sources differ. It is one argument in place of loose keywords, and
part of every cache key (it is hashable), so a result can always say which
settings made it (:class:`msc_dash.effects.EffectTable`).

The meaningful-change rules reach the analyses through the trial's outcome
registry: :meth:`AnalysisSettings.registry` gives the registry with the
rules in force, and ``trial.with_registry(settings.registry(trial.registry))``
the trial analysed under them (its ``cache_key`` changes with the rules).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .outcomes import REGISTRY, MeaningfulChange, Registry

__all__ = ["AnalysisSettings", "PADJUST_METHODS", "DEFAULT"]

#: Multiplicity corrections :func:`msc_dash.effect_sizes` knows.
PADJUST_METHODS = ("holm", "fdr_bh", "bonf", "none")

_EDSS = REGISTRY["EDSS"].meaningful_change
_SDMT = REGISTRY["SDMT"].meaningful_change
#: Outcomes whose rule is a percentage of baseline (the timed tests).
TIMED = tuple(o.code for o in REGISTRY if o.meaningful_change is not None
              and o.meaningful_change.kind == "relative")


@dataclass(frozen=True)
class AnalysisSettings:
    """Settings of every analysis (hashable: part of every cache key).

    Parameters
    ----------
    n_boot : int
        Bootstrap resamples of the BCa confidence intervals.
    seed : int
        Seed of the bootstrap.
    ci : float
        Confidence level of every interval (0 < ci < 1), the trajectory's included.
    padjust : {"holm", "fdr_bh", "bonf", "none"}
        Multiplicity correction of the paired t-test p values.
    edss_step : float
        Baseline EDSS up to which a 1.0-point change is meaningful (0.5 above).
    sdmt_points : float
        Meaningful SDMT change in correct answers.
    timed_pct : int
        Meaningful change of the timed tests (T25FW, NHPT), % of baseline.
    family : tuple of str
        Pre-specified (primary/secondary) outcomes adjusted together for
        multiplicity; the others form a separate exploratory family. Empty:
        every outcome is in one family.

    Examples
    --------
    >>> s = AnalysisSettings(n_boot=500, ci=0.9)
    >>> s.n_boot, s.ci, s.padjust, hash(s) == hash(AnalysisSettings(n_boot=500, ci=0.9))
    (500, 0.9, 'holm', True)
    >>> s.replace(seed=3).seed
    3
    >>> s.registry()["T25FW"].meaningful_change.amount
    0.2
    >>> AnalysisSettings(timed_pct=25).registry()["NHPT"].meaningful_change.amount
    0.25
    """

    n_boot: int = 2000
    seed: int = 0
    ci: float = 0.95
    padjust: str = "holm"
    edss_step: float = float(_EDSS.threshold)
    sdmt_points: float = float(_SDMT.amount)
    timed_pct: int = 20
    family: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0 < float(self.ci) < 1:
            raise ValueError(f"`ci` must be between 0 and 1 (e.g. 0.95); got {self.ci!r}")
        if int(self.n_boot) != self.n_boot or self.n_boot < 1:
            raise ValueError(f"`n_boot` must be a positive integer; got {self.n_boot!r}")
        object.__setattr__(self, "family", tuple(dict.fromkeys(map(str, self.family or ()))))
        if self.padjust not in PADJUST_METHODS:
            raise ValueError(f"`padjust` must be one of {', '.join(PADJUST_METHODS)}; "
                             f"got {self.padjust!r}")

    def replace(self, **changes) -> AnalysisSettings:
        """A copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    @property
    def bootstrap(self) -> dict:
        """``{"n_boot": ..., "seed": ...}``, the keywords of the bootstrap functions."""
        return {"n_boot": int(self.n_boot), "seed": int(self.seed)}

    def registry(self, base: Registry = REGISTRY) -> Registry:
        """``base`` with the meaningful-change rules of these settings."""
        reg = base
        edss = base["EDSS"].meaningful_change or _EDSS
        if self.edss_step != edss.threshold:
            reg = reg.with_rule("EDSS", MeaningfulChange(
                "edss", edss.amount, threshold=self.edss_step, amount_high=edss.amount_high,
                amount_zero=edss.amount_zero))
        if self.sdmt_points != _SDMT.amount:
            reg = reg.with_rule("SDMT", MeaningfulChange("absolute", self.sdmt_points))
        if self.timed_pct != 20:
            for code in TIMED:
                reg = reg.with_rule(code, MeaningfulChange("relative", self.timed_pct / 100))
        return reg

    def describe(self) -> str:
        """The settings in one line (for reports and file metadata).

        Examples
        --------
        >>> AnalysisSettings().describe()
        'n_boot=2000, seed=0, ci=0.95, padjust=holm'
        """
        text = f"n_boot={self.n_boot}, seed={self.seed}, ci={self.ci:g}, padjust={self.padjust}"
        return text + (f", family={','.join(self.family)}" if self.family else "")


#: The defaults (the sidebar's initial values).
DEFAULT = AnalysisSettings()
