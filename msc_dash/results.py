"""Result objects that carry what they were made from.

:class:`EffectTable` is the effect table (:func:`msc_dash.effect_sizes`) held
together with the settings and the trial key it was computed with, so that
"this table belongs to that trial under these settings" is held by the
object, not by a docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .settings import AnalysisSettings

__all__ = ["EffectTable", "effect_table"]


@dataclass(frozen=True, eq=False)
class EffectTable:
    """The effect table of one trial under one set of settings.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per arm x outcome x follow-up visit (columns:
        :data:`msc_dash.effects.COLUMNS`; docs/architecture.md, "The effect table").
    settings : AnalysisSettings
        The settings it was computed with.
    trial_key : str
        ``Trial.cache_key`` of the trial it was computed from.
    """

    frame: pd.DataFrame
    settings: AnalysisSettings
    trial_key: str

    def at(self, visit: str) -> pd.DataFrame:
        """The rows of one follow-up visit."""
        return self.frame[self.frame["visit"] == visit]

    def outcome(self, code: str) -> pd.DataFrame:
        """The rows of one outcome (every arm and visit)."""
        return self.frame[self.frame["outcome"] == code]

    def belongs_to(self, trial, settings: AnalysisSettings | None = None) -> bool:
        """True when this table was made from ``trial`` (and ``settings``, if given)."""
        return self.trial_key == trial.cache_key and (
            settings is None or settings == self.settings)

    def __len__(self) -> int:
        return len(self.frame)


def effect_table(trial, settings: AnalysisSettings | None = None) -> EffectTable:
    """:func:`msc_dash.effect_sizes` of ``trial`` under ``settings``, as an :class:`EffectTable`.

    Computed once per trial key and settings (:func:`msc_dash.memo.compute`).

    Examples
    --------
    >>> from msc_dash.examples import tiny_trial
    >>> t = tiny_trial()
    >>> table = effect_table(t, AnalysisSettings(n_boot=500))
    >>> table.at("M12")["change_mean"].tolist(), table.settings.n_boot, table.belongs_to(t)
    ([3.25], 500, True)
    """
    from .effects import effect_sizes
    from .memo import compute

    settings = settings or AnalysisSettings()
    frame = compute(effect_sizes, trial, settings=settings)
    return EffectTable(frame, settings, trial.cache_key)
