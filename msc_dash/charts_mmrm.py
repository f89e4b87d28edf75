"""Registry entries of the MMRM charts (two-arm trials): forest, LS means, tipping point.

Imported at the end of :mod:`msc_dash.charts`, so every chart is in
:data:`msc_dash.charts.CHARTS`. None is ``auto``: the Arms page
(:mod:`msc_dash.ui.mmrm_section`) and the report's between-arm section place them.
"""

from __future__ import annotations

import functools

from . import figures
from .charts import register
from .memo import compute
from .trial import Trial

__all__: list[str] = []


def _between_arms(build):
    """``build`` given the trial's default arms when none are named; None for one arm."""
    @functools.wraps(build)
    def with_arms(trial: Trial, settings, *, treatment=None, control=None, **params):
        from .arms import default_arms

        if trial.is_single_arm:
            return None
        if treatment is None or control is None:
            treatment, control = default_arms(trial.arms)
        return build(trial, settings, treatment=treatment, control=control, **params)
    return with_arms


@register("mmrm_forest", "MMRM: {treatment} vs {control} at {visit}",
          "Each outcome's MMRM contrast at {visit} divided by the model's residual SD of the "
          "change at that visit, turned so that positive favours {treatment}; {ci} CI.")
@_between_arms
def _mmrm_forest(trial, settings, *, visit, treatment, control, title=None, outcomes=None):
    from .mmrm import mmrm_table

    table = compute(mmrm_table, trial, treatment=treatment, control=control, settings=settings)
    if outcomes is not None:  # one page of a presenter's paged forest
        table = table[table["outcome"].isin(outcomes)]
    if not table.loc[table["visit"] == visit, "estimable"].any():
        return None
    labels = {r.outcome: f"{trial.outcome(r.outcome).label} ({r.n_treatment} vs {r.n_control})"
              for r in table[table["visit"] == visit].itertuples()}
    return figures.mmrm.mmrm_forest_figure(table, visit=visit, treatment=treatment,
                                           control=control, labels=labels, title=title)


@register("mmrm_lsmeans", "{outcome}: LS-mean change per arm (MMRM)",
          "LS-mean change from baseline per arm at each visit with its {ci} CI (MMRM, at the "
          "mean baseline); n per visit in the hover.")
@_between_arms
def _mmrm_lsmeans(trial, settings, *, outcome, treatment, control):
    from .mmrm import mmrm

    res = compute(mmrm, trial, outcome=outcome, treatment=treatment, control=control,
                  ci=settings.ci)
    return figures.mmrm.lsmeans_figure(res.lsmeans, axis_title=trial.outcome(outcome).axis_title,
                                       log=res.scale == "log", arms=[control, treatment])


@register("mmrm_tipping", "{outcome}: tipping point",
          "Delta-adjusted multiple imputation: the contrast at the last visit as the "
          "treatment arm's imputed values are shifted against it ({ci} CI; filled markers "
          "p < 0.05).")
@_between_arms
def _mmrm_tipping(trial, settings, *, outcome, treatment, control):
    from .sensitivity import outcome_sensitivity

    rows, tp = compute(outcome_sensitivity, trial, outcome=outcome, treatment=treatment,
                       control=control, settings=settings)
    return figures.mmrm.tipping_point_figure(
        tp.frame, tipping_delta=tp.tipping_delta, log=rows["scale"].iloc[0] == "log",
        unit=trial.outcome(outcome).change_unit, treatment=treatment,
        control=control)
