"""The chart registry: every figure the app, the presenter, the report and the ZIP show.

``CHARTS[name]`` is a :class:`Chart`: ``build(trial, settings, **params)``
returns a ``plotly.graph_objects.Figure`` (or None when the trial has
nothing to draw), ``title`` and ``caption`` are templates filled from the
parameters (and ``{ci}``, the confidence level in words). Builders run the
analyses they need through :func:`msc_dash.memo.compute`, so two charts of
one page share one effect table, and hand the results to the pure figure
functions of :mod:`msc_dash.figures`.

Pages draw a chart with ``msc_dash.ui.chart(name, trial, settings, key=...,
**params)`` (cached, with PNG / SVG / HTML buttons); slides, the report and
the figures ZIP call :func:`build`. A new chart is one figure function plus
one :func:`register` call with ``auto=True``: it then appears in every
outcome section of its domain page (``scope="outcome"`` or
``"outcome_visit"``) or on the Overview (``"trial"`` / ``"visit"``), in the
presenter slides, in the report and in the ZIP (docs/architecture.md, "Add a
chart").

Examples
--------
>>> import msc_dash
>>> trial = msc_dash.load_sample("single")
>>> fig = build("trajectory", trial, outcome="SDMT")
>>> fig.layout.title.text.startswith("Symbol Digit Modalities Test")
True
>>> CHARTS["trajectory"].describe(outcome="SDMT")[0]
'SDMT trajectory'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import figures
from .memo import compute
from .outcomes import EDSS_PLUS, EDSS_PLUS_COMPONENTS, FUNCTIONAL_SYSTEMS
from .settings import AnalysisSettings
from .trial import Trial

__all__ = ["Chart", "CHARTS", "SCOPES", "register", "build", "auto_charts", "short_label"]

#: What a chart's parameters are, for the generic loops of pages, slides and report.
SCOPES = ("trial", "visit", "outcome", "outcome_visit", "subject", "custom")


@dataclass(frozen=True)
class Chart:
    """One registered chart.

    Attributes
    ----------
    build : callable
        ``build(trial, settings, **params) -> go.Figure | None``.
    title, caption : str
        Templates (``str.format``) over the parameters and ``{ci}``.
    scope : str
        One of :data:`SCOPES`: the parameters the chart takes (``visit``,
        ``outcome``, both, ``subject``) or ``"custom"`` for others.
    auto : bool
        True: the generic loops place it (domain page or Overview, slides,
        report, ZIP). The built-in charts are False: their pages, the slide
        deck and the report place them by hand.
    """

    build: Callable
    title: str
    caption: str = ""
    scope: str = "custom"
    auto: bool = False

    def describe(self, settings: AnalysisSettings | None = None, **params) -> tuple[str, str]:
        """``(title, caption)`` filled from ``params`` and the settings' ``ci``."""
        ci = f"{(settings or AnalysisSettings()).ci:.0%}"
        values = {k: ("" if v is None else v) for k, v in params.items()}
        return (self.title.format_map(_Blank(values, ci=ci)),
                self.caption.format_map(_Blank(values, ci=ci)))


class _Blank(dict):
    def __init__(self, values, **more):
        super().__init__(values, **more)

    def __missing__(self, key):  # a template naming an absent parameter: leave it empty
        return ""


#: name -> Chart
CHARTS: dict[str, Chart] = {}


def register(name: str, title: str, caption: str = "", *, scope: str = "custom",
             auto: bool = False):
    """Decorator: add ``build`` to :data:`CHARTS` as ``name``."""
    if scope not in SCOPES:
        raise ValueError(f"`scope` must be one of {SCOPES}, not {scope!r}")

    def add(func):
        CHARTS[name] = Chart(func, title, caption, scope, auto)
        return func

    return add


def build(name: str, trial: Trial, settings: AnalysisSettings | None = None, **params):
    """The figure of chart ``name`` (None when the trial has nothing to draw)."""
    return CHARTS[name].build(trial, settings or AnalysisSettings(), **params)


def auto_charts(*scopes: str) -> list[str]:
    """Names of the ``auto`` charts of the given scopes, in registration order."""
    return [n for n, c in CHARTS.items() if c.auto and c.scope in scopes]


def short_label(trial: Trial, code: str) -> str:
    """A short outcome label for chart axes (the registry's short label, "EDSS-Plus")."""
    return trial.registry.name(code)


# ------------------------------------------------------------------ analyses
def _effects(trial: Trial, settings: AnalysisSettings):
    from .effects import effect_sizes

    return compute(effect_sizes, trial, settings=settings)


def _responders(trial: Trial, visit: str):
    from .effects import responders

    return compute(responders, trial, visit=visit)


def _pairs(trial: Trial, outcome: str, visit: str):
    from .effects import paired_frame

    return compute(paired_frame, trial, outcome=outcome, visit=visit)


def _arm_table(trial: Trial, settings: AnalysisSettings, treatment, control):
    from .arms import compare_arms

    return compute(compare_arms, trial, treatment=treatment, control=control,
                   settings=settings)


def _two_arms(trial: Trial, treatment, control):
    if treatment is None or control is None:
        if len(trial.arms) != 2:
            return None
        return tuple(trial.arms)
    return treatment, control


# ------------------------------------------------------------------ forests
@register("forest", "Effect sizes at {visit}",
          "Hedges' g at {visit} with {ci} CI; positive = improvement.", scope="visit")
def _forest(trial, settings, *, visit, outcomes=None, title=None):
    rows = _effects(trial, settings)
    rows = rows[rows["visit"] == visit]
    if outcomes is not None:
        rows = rows[rows["outcome"].isin(outcomes)]
    if rows.empty:
        return None
    return figures.forest_figure(rows, title=title,
                                 labels={c: trial.outcome(c).label for c in set(rows["outcome"])})


@register("fs_forest", "Functional Systems at {visit}",
          "Hedges' g of each Functional System at {visit} with {ci} CI.", scope="visit")
def _fs_forest(trial, settings, *, visit):
    present = tuple(c for c in FUNCTIONAL_SYSTEMS if c in trial.outcomes)
    return _forest(trial, settings, visit=visit, outcomes=present,
                   title=f"Functional Systems at {visit}") if present else None


@register("arms_forest", "{treatment} vs {control} at {visit}",
          "Hedges' g of the change from baseline at {visit}, {treatment} vs {control}; "
          "positive favours {treatment}.", scope="visit")
def _arms_forest(trial, settings, *, visit, treatment=None, control=None, titled=True):
    arms = _two_arms(trial, treatment, control)
    if arms is None:
        return None
    treatment, control = arms
    table = _arm_table(trial, settings, treatment, control)
    shown = table[table["visit"] == visit]
    if shown.empty:
        return None
    labels = {r.outcome: f"{trial.outcome(r.outcome).label} ({r.n_treatment} vs {r.n_control})"
              for r in shown.itertuples()}
    return figures.forest_figure(
        shown, color_col=None, n_col=None, labels=labels,
        x_title=f"Hedges' g of the change, {treatment} vs {control}",
        favours=(control, treatment),
        title=f"{treatment} vs {control} at {visit}" if titled else None)


@register("arms_difference", "{outcome}: {treatment} minus {control} over time",
          "Baseline-adjusted difference (ANCOVA) at each visit with its {ci} CI.")
def _arms_difference(trial, settings, *, outcome, treatment, control):
    if treatment == control or not {treatment, control} <= set(trial.arms):
        return None
    table = _arm_table(trial, settings, treatment, control)
    if table.empty or outcome not in set(table["outcome"]):
        return None
    o = trial.outcome(outcome)
    return figures.adjusted_difference_figure(table, outcome=outcome, axis_title=o.axis_title,
                                              better=o.better, treatment=treatment,
                                              control=control)


@register("subgroup_forest", "{outcome} at {visit} by {variable}",
          "Hedges' g of the change from baseline per subgroup, {ci} CI.")
def _subgroup_forest(trial, settings, *, outcome, visit, variable, cuts=None):
    from .subgroups import subgroup_effects

    effects = compute(subgroup_effects, trial, variable=variable, outcome=outcome, visit=visit,
                      cuts=cuts, settings=settings)
    if effects.empty or effects["n"].sum() == 0:
        return None
    return figures.forest_figure(
        effects, label_col="level", group_col=None,
        color_col="arm" if not trial.is_single_arm else None, n_col="n",
        x_title="Hedges' g (positive = improvement)", favours=("worsening", "improvement"))


# ------------------------------------------------------------------ one outcome
@register("trajectory", "{outcome} trajectory", "Mean at each visit with its {ci} CI.",
          scope="outcome")
def _trajectory(trial, settings, *, outcome, subjects=False, show_subjects=False):
    from .effects import trajectory

    rows = None
    if subjects:
        long = trial.long()
        rows = long[long["outcome"] == outcome][["subject_id", "arm", "visit", "day", "value"]]
    return figures.trajectory_figure(
        compute(trajectory, trial, outcome=outcome, ci=settings.ci),
        outcome=trial.outcome(outcome), subjects=rows, show_subjects=show_subjects,
        injection_days=trial.injection_days, arms=trial.arms, ci=settings.ci)


@register("estimation", "{outcome} estimation {visit}",
          "Baseline and {visit} per subject, with Hedges' g, its bootstrap distribution and "
          "{ci} CI.", scope="outcome_visit")
def _estimation(trial, settings, *, outcome, visit, arm=None):
    from .effects import bootstrap_distribution

    arms = [arm] if arm else list(trial.arms)
    effects = _effects(trial, settings)
    rows = effects[(effects["outcome"] == outcome) & (effects["visit"] == visit)
                   & effects["arm"].isin(arms)]
    if rows.empty:
        return None
    pairs = _pairs(trial, outcome, visit)
    pairs = pairs[pairs["arm"].isin(arms)]
    # large arms get an analytic CI (no bootstrap): then there is no distribution to draw
    boot = set(rows.loc[rows["ci_method"] == "bca", "arm"].astype(str))
    dist = {a: compute(bootstrap_distribution, trial, outcome=outcome, visit=visit, arm=a,
                       settings=settings) for a in arms if a in boot}
    return figures.estimation_figure(pairs, outcome=trial.outcome(outcome), effects=rows,
                                     distribution=dist, visit=visit, arms=arms)


@register("waterfall", "{outcome} waterfall {visit}",
          "Each subject's change from baseline to {visit}, sorted.", scope="outcome_visit")
def _waterfall(trial, settings, *, outcome, visit):
    pairs = _pairs(trial, outcome, visit)
    if pairs.empty:
        return None
    status = _responders(trial, visit)
    return figures.waterfall_figure(pairs, outcome=trial.outcome(outcome),
                                    status=status[status["outcome"] == outcome], visit=visit,
                                    arms=trial.arms)


@register("responders", "{outcome} responders {visit}",
          "Improved, stable and worsened subjects at {visit} by the meaningful-change rule.")
def _responder_bars(trial, settings, *, visit, outcomes=None, outcome=None):
    codes = list(outcomes or (outcome,))
    resp = _responders(trial, visit)
    resp = resp[resp["outcome"].isin(codes)]
    if resp.empty:
        return None
    return figures.responder_figure(resp, labels={c: short_label(trial, c) for c in codes},
                                    arms=trial.arms, visit=visit)


@register("edss_plus", "EDSS-Plus {visit}",
          "EDSS-Plus and its components at {visit}: worsened when any component worsens by "
          "its rule, improved when none worsens and any improves.", scope="visit")
def _edss_plus(trial, settings, *, visit):
    present = [c for c in EDSS_PLUS_COMPONENTS if c in trial.outcomes]
    if "EDSS" not in present or len(present) < 2:
        return None
    return _responder_bars(trial, settings, visit=visit, outcomes=(EDSS_PLUS, *present))


@register("correlation", "{x} vs {y} change",
          "Each dot: one subject at one follow-up visit; repeated-measures r with its {ci} "
          "CI.")
def _correlation(trial, settings, *, x, y):
    from .correlations import change_pairs, correlate

    frame = compute(change_pairs, trial, x_outcome=x, y_outcome=y)
    return figures.correlation_figure(frame, x_outcome=trial.outcome(x),
                                      y_outcome=trial.outcome(y),
                                      stats=correlate(frame, ci=settings.ci), arms=trial.arms)


# ------------------------------------------------------------------ safety and patients
@register("swimmer", "Swimmer plot",
          "Adverse events per patient over time (swimmer plot).", scope="trial")
def _swimmer(trial, settings, *, sort_by="arm", visit=None):
    from .findings import one_year_visit

    status = None
    if sort_by == "response":
        visit = visit or one_year_visit(trial)
        status = _responders(trial, visit) if visit is not None else None
    return figures.swimmer_figure(trial, sort_by=sort_by, visit=visit, responders=status)


@register("ae_timeline", "Adverse events over time",
          "Each dot is one event at its onset, on the row of its term.", scope="trial")
def _ae_timeline(trial, settings, *, top=15):
    if not len(trial.adverse_events):
        return None
    return figures.ae_timeline_figure(trial, top=top)


@register("patient_timeline", "{subject} timeline",
          "Visits, injections and adverse events of one subject.", scope="subject")
def _patient_timeline(trial, settings, *, subject):
    return figures.patient_timeline_figure(trial, subject)


@register("patient_outcomes", "{subject} outcomes",
          "Every outcome of one subject against their baseline.", scope="subject")
def _patient_outcomes(trial, settings, *, subject, outcomes=None, cols=4):
    return figures.patient_outcomes_figure(trial, subject, list(outcomes or trial.outcomes),
                                           cols=cols)


# the crossover, injection-anchored and MMRM charts register themselves (modules of their own)
from . import charts_mmrm, charts_progression, charts_trial_design  # noqa: E402,F401
