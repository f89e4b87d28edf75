"""Registry entries of the confirmed-progression charts: Kaplan-Meier and swimmer.

Imported at the end of :mod:`msc_dash.charts`, so both are in
:data:`msc_dash.charts.CHARTS`. Neither is ``auto``: the Progression page
(:mod:`msc_dash.ui.progression`), its presenter slide and the report's
progression section place them.
"""

from __future__ import annotations

from . import figures
from .charts import register
from .memo import compute

__all__: list[str] = []


def _time_to_event(trial, settings, outcome, options):
    from .progression import event_outcomes
    from .survival import time_to_event

    if outcome not in event_outcomes(trial):
        return None
    return compute(time_to_event, trial, outcome=outcome, ci=settings.ci, **options)


@register("progression_km", "Time to a confirmed {outcome} event",
          "Cumulative proportion with a confirmed event (1 - Kaplan-Meier) per arm with "
          "{ci} log-Greenwood bands; the number at risk under the axis.")
def _progression_km(trial, settings, *, outcome, **options):
    """``options``: the event definition (``direction``, ``confirm_days``, ``baseline``, ...)."""
    res = _time_to_event(trial, settings, outcome, options)
    return None if res is None else figures.progression.km_figure(res)


@register("progression_swimmer", "Confirmed {outcome} events per subject",
          "Each subject's follow-up: onset (filled triangle) and confirmation (open) of the "
          "confirmed event; grey: a change that was not confirmed.")
def _progression_swimmer(trial, settings, *, outcome, **options):
    res = _time_to_event(trial, settings, outcome, options)
    if res is None:
        return None
    return figures.progression.progression_swimmer_figure(trial, res.events,
                                              label=figures.progression.event_name(res))
