"""Registry entries of the trial-design charts: crossover and injection-anchored views.

Imported at the end of :mod:`msc_dash.charts`, so every chart is in
:data:`msc_dash.charts.CHARTS`. None is ``auto``: the Crossover page and the
domain pages' "anchored to the injections" sections place them.
"""

from __future__ import annotations

import functools

from . import anchored, figures
from .charts import register
from .memo import compute

__all__: list[str] = []


def _crossover_chart(draw):
    """A chart of the crossover model: ``draw(trial, settings, result)``, None without periods.

    The chart takes ``outcome`` and the model's options (``treatment``,
    ``control``: default the trial's two treatments; ``washout_days``, ``response``).
    """
    @functools.wraps(draw)
    def build(trial, settings, *, outcome, treatment=None, control=None, washout_days=0,
              response="change"):
        from .crossover import crossover, treatments

        if not trial.has_periods:
            return None
        guess = treatments(trial)
        r = compute(crossover, trial, outcome=outcome, treatment=treatment or guess[0],
                    control=control or guess[1], washout_days=float(washout_days),
                    response=response, ci=settings.ci)
        return None if r is None else draw(trial, settings, r)
    return build


def _response_title(trial, r) -> str:
    out = trial.outcome(r.outcome)
    if r.log_scale:
        what = "log ratio, last / first" if r.response == "change" else "log end value"
    else:
        what = ("change" if r.response == "change" else "end value") + f" ({out.change_unit})"
    return f"{out.short_label}: {what}"


@register("crossover_profile", "{outcome}: mean per period and sequence",
          "Mean response of each sequence in each period, {ci} CI; markers coloured by the "
          "treatment received.")
@_crossover_chart
def _crossover_profile(trial, settings, r):
    return figures.period_profile_figure(r.data, treatment=r.treatment, control=r.control,
                                 y_title=_response_title(trial, r), ci=settings.ci,
                                 title="Mean per period and sequence")


@register("crossover_paired", "{outcome}: every subject across the periods",
          "One line per subject across the periods; markers coloured by treatment.")
@_crossover_chart
def _crossover_paired(trial, settings, r):
    return figures.paired_periods_figure(r.data, treatment=r.treatment, control=r.control,
                                 y_title=_response_title(trial, r), title="Every subject")


@register("crossover_ae", "Adverse events by the treatment received",
          "% of the subjects who had a period on each treatment with an event starting in it.",
          scope="trial")
def _crossover_ae(trial, settings, *, treatment=None, control=None):
    from .crossover import ae_incidence, treatments

    if not trial.has_periods or trial.adverse_events.empty:
        return None
    guess = treatments(trial)
    inc = compute(ae_incidence, trial)
    if inc["n_events"].sum() == 0:
        return None
    return figures.ae_by_treatment_figure(inc, treatment=treatment or guess[0],
                                  control=control or guess[1])


def _y_title(trial, outcome: str) -> str:
    out = trial.outcome(outcome)
    return (f"{out.short_label}: log ratio to baseline" if out.scale == "log"
            else f"Change in {out.short_label} ({out.change_unit})")


def _frames_by_arm(trial, outcome):
    frame = compute(anchored.anchored_changes, trial, outcome=outcome)
    return frame, {arm: frame[frame["arm"] == arm] for arm in trial.arms
                   if (frame["arm"] == arm).any()}


@register("since_injection", "{outcome}: change by time since the last injection",
          "Every follow-up value against the days since the most recent injection; line: "
          "mean per 30 days with {ci} CI.", scope="outcome")
def _since_injection(trial, settings, *, outcome):
    frame, parts = _frames_by_arm(trial, outcome)
    if frame.empty:
        return None
    curves = {arm: anchored.since_injection_curve(f, ci=settings.ci) for arm, f in parts.items()}
    return figures.since_injection_figure(frame, curves, y_title=_y_title(trial, outcome),
                                  title="Change by time since the last injection")


def _per_arm(arms, result) -> dict:
    """arm -> ``result(arm)`` for each of ``arms``, arms where it is None left out."""
    out = {arm: result(arm) for arm in arms}
    return {arm: res for arm, res in out.items() if res is not None}


def injection_number_results(trial, settings, outcome) -> dict:
    """arm -> :func:`msc_dash.anchored.injection_number_effect` (arms with a trend)."""
    _, parts = _frames_by_arm(trial, outcome)
    return _per_arm(parts, lambda arm: anchored.injection_number_effect(parts[arm],
                                                                        ci=settings.ci))


@register("injection_number", "{outcome}: change after each injection",
          "Response to injection k: the last value before injection k + 1; slope from a "
          "random-intercept mixed model.", scope="outcome")
def _injection_number(trial, settings, *, outcome):
    results = injection_number_results(trial, settings, outcome)
    if not results:
        return None
    return figures.injection_number_figure(results, y_title=_y_title(trial, outcome),
                                   title="Change after each injection")


def durability_curves(trial, settings, outcome) -> dict:
    """arm -> :func:`msc_dash.anchored.durability` (arms with three or more responders)."""
    return _per_arm(trial.arms, lambda arm: compute(
        anchored.durability, trial.filter(arm=[arm]), outcome=outcome, ci=settings.ci))


@register("durability", "{outcome}: how long an improvement lasts",
          "Kaplan-Meier: subjects improved at their first follow-up after an injection, until "
          "a later value is no longer improved.", scope="outcome")
def _durability(trial, settings, *, outcome):
    curves = durability_curves(trial, settings, outcome)
    return figures.durability_figure(curves, title="How long an improvement lasts") if curves else None


@register("dose_response", "{outcome}: dose-response",
          "Change at each subject's last value against the cells received before it.",
          scope="outcome")
def _dose_response(trial, settings, *, outcome):
    res = compute(anchored.dose_response, trial, outcome=outcome)
    if res is None:
        return None
    return figures.dose_response_figure(res, y_title=_y_title(trial, outcome), title="Dose-response")
