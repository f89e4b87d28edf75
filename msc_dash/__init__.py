"""msc_dash: effect sizes, safety summaries and figures for MSC trials in MS.

The public API is re-exported here and imported lazily, so ``import msc_dash``
stays fast (pingouin and statsmodels load only when an analysis runs).

Examples
--------
>>> import msc_dash
>>> trial = msc_dash.load_sample()
>>> trial.n_subjects
23
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "TrialDataError": "errors",
    "REGISTRY": "outcomes",
    "DOMAINS": "outcomes",
    "Outcome": "outcomes",
    "MeaningfulChange": "outcomes",
    "Registry": "outcomes",
    "Trial": "trial",
    "load_trial": "io",
    "load_sample": "io",
    "effect_sizes": "effects",
    "trajectory": "effects",
    "responders": "effects",
    "bootstrap_distribution": "effects",
    "paired_frame": "effects",
    "trend_models": "trends",
    "compare_arms": "arms",
    "mixed_anova_table": "arms",
    "mmrm": "mmrm",
    "mmrm_table": "mmrm",
    "MMRMResult": "mmrm",
    "tipping_point": "sensitivity",
    "sensitivity_table": "sensitivity",
    "subgroup_effects": "subgroups",
    "findings": "findings",
    "crossover": "crossover",
    "CrossoverResult": "crossover",
    "AnalysisSettings": "settings",
    "EffectTable": "results",
    "effect_table": "results",
    "CHARTS": "charts",
    "Chart": "charts",
    "confirmed_events": "progression",
    "time_to_event": "survival",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'msc_dash' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
