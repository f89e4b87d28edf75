"""'Reproduce in Python': the few lines of ``msc_dash`` calls behind a view's numbers.

:func:`python_code` writes a script that loads the same data, applies the
same outcome settings and filters, and calls the same analysis with the same
settings as the page, ending in a variable ``result`` holding the numbers on
screen. Pasted into Python (with the data files at hand), it gives exactly
those numbers.
"""

from __future__ import annotations

from .io.samples import SAMPLE_LABELS
from .outcomes import REGISTRY
from .trial import Trial

__all__ = ["python_code", "VIEWS"]

_SAMPLES = {label: "" if which == "single" else f'"{which}"'
            for which, label in SAMPLE_LABELS.items()}


def _load_lines(trial: Trial) -> list[str]:
    if trial.source in _SAMPLES:
        return [f"trial = msc_dash.load_sample({_SAMPLES[trial.source]})"]
    return [f"# the data loaded in the app: {trial.source or 'your files'}",
            'trial = msc_dash.load_trial("path/to/your/files/")']


def _registry_lines(trial: Trial) -> list[str]:
    """Outcome settings that differ from the default registry (rules, user's outcomes)."""
    lines = []
    fields = ("label", "domain", "unit", "better", "scale", "meaningful_change")
    for out in trial.registry.outcomes:
        default = REGISTRY.get(out.code)
        changed = {f: getattr(out, f) for f in fields
                   if getattr(out, f) != getattr(default, f) or (not default.known and
                                                                 out.code in trial.outcomes
                                                                 and f != "meaningful_change")}
        if not default.known and out.code not in trial.outcomes:
            continue
        if changed:
            args = ", ".join(f"{k}={v!r}" for k, v in changed.items())
            lines.append(f"registry = registry.with_outcome({out.code!r}, {args})")
    if not lines:
        return []
    return (["from msc_dash.outcomes import REGISTRY, MeaningfulChange",
             "registry = REGISTRY"] + lines + ["trial = trial.with_registry(registry)"])


def _filter_lines(trial: Trial) -> list[str]:
    if not trial.filters:
        return []
    return [f"trial = trial.filter(**{dict(trial.filters)!r})"]


def _settings(settings) -> str:
    family = f", family={settings.family!r}" if settings.family else ""
    return (f"settings = msc_dash.AnalysisSettings(n_boot={settings.n_boot}, "
            f"seed={settings.seed}, ci={settings.ci!r}, padjust={settings.padjust!r}{family})")


def _effects(settings) -> list[str]:
    return [_settings(settings), "effects = msc_dash.effect_sizes(trial, settings=settings)"]


def _overview(settings, visit: str, **_) -> list[str]:
    return [*_effects(settings), f"result = effects[effects[\"visit\"] == {visit!r}]"]


def _domain(settings, visit: str, outcomes, **_) -> list[str]:
    return [*_effects(settings),
            f"result = effects[(effects[\"visit\"] == {visit!r}) & "
            f"effects[\"outcome\"].isin({list(outcomes)!r})]"]


def _arms(settings, visit: str, treatment: str, control: str, **_) -> list[str]:
    return ["from msc_dash.arms import compare_arms", _settings(settings),
            f"table = compare_arms(trial, treatment={treatment!r}, control={control!r}, "
            f"settings=settings)",
            f"result = table[table[\"visit\"] == {visit!r}]"]


def _safety(settings, **_) -> list[str]:
    return ["from msc_dash import safety", "result = safety.incidence_table(trial)"]


def _planning(settings, visit: str, outcome: str, treatment=None, control=None,
              design: str = "ancova", alpha: float = 0.05, power: float = 0.8,
              delta: float | None = None, **_) -> list[str]:
    sd = "est.sd_ancova" if design == "ancova" else "est.sd_change"
    effect = "est.effect" if delta is None else repr(delta)
    return ["from msc_dash import power",
            f"est = power.pilot_estimates(trial, {outcome!r}, {visit!r}, "
            f"treatment={treatment!r}, control={control!r}, ci={settings.ci!r})",
            f"result = power.n_two_means({effect}, {sd}, alpha={alpha!r}, power={power!r})"
            "  # completing per arm, before rounding up"]


def _subgroups(settings, visit: str, outcome: str, variable: str, cuts=None, **_
               ) -> list[str]:
    kw = f"variable={variable!r}, outcome={outcome!r}, visit={visit!r}, cuts={cuts!r}"
    return ["from msc_dash.subgroups import subgroup_effects, subgroup_interaction",
            f"interaction = subgroup_interaction(trial, {kw})", _settings(settings),
            f"result = subgroup_effects(trial, {kw}, settings=settings)"]


def _patients(settings, visit: str, subject: str, **_) -> list[str]:
    return ["from msc_dash.effects import responders",
            f"status = responders(trial, visit={visit!r})",
            f"result = status[status[\"subject_id\"] == {subject!r}]"]


def _progression(settings, outcome: str, **options) -> list[str]:
    args = "".join(f", {k}={v!r}" for k, v in options.items())
    return [f"res = msc_dash.time_to_event(trial, {outcome!r}, ci={settings.ci!r}{args})",
            "result = res.summary()  # events, proportions by 1 and 2 years, log-rank p, HR"]


def _crossover(settings, outcome: str, **options) -> list[str]:
    args = "".join(f", {k}={v!r}" for k, v in options.items())
    return ["from msc_dash.crossover import crossover",
            f"res = crossover(trial, {outcome!r}, ci={settings.ci!r}{args})",
            "result = res.table()  # the crossover model and period 1 only"]


#: view name -> lines of analysis code (after loading, settings and filters)
VIEWS = {"overview": _overview, "domain": _domain, "arms": _arms, "safety": _safety,
         "planning": _planning, "subgroups": _subgroups, "patients": _patients,
         "progression": _progression, "crossover": _crossover}


def python_code(trial: Trial, view: str, settings, **params) -> str:
    """The Python that reproduces ``view``'s numbers for ``trial`` under ``settings``.

    Parameters
    ----------
    trial : Trial
        The trial as the page sees it (filters and outcome settings applied).
    view : str
        A key of :data:`VIEWS`: ``"overview"``, ``"domain"``, ``"arms"``, ``"safety"``,
        ``"planning"``, ``"subgroups"``, ``"patients"``, ``"progression"`` or ``"crossover"``.
    settings
        The analysis settings (``n_boot``, ``seed``, ``ci``, ``padjust``).
    **params
        What the view shows: ``visit``, ``outcomes``, ``treatment``, ...

    Examples
    --------
    >>> import msc_dash
    >>> from msc_dash.settings import AnalysisSettings
    >>> s = AnalysisSettings(n_boot=500, seed=1)
    >>> t = msc_dash.load_sample().filter(ms_type=["SPMS"])
    >>> print(python_code(t, "overview", s, visit="Month 12"))
    import msc_dash
    <BLANKLINE>
    trial = msc_dash.load_sample()
    trial = trial.filter(**{'ms_type': ['SPMS']})
    settings = msc_dash.AnalysisSettings(n_boot=500, seed=1, ci=0.95, padjust='holm')
    effects = msc_dash.effect_sizes(trial, settings=settings)
    result = effects[effects["visit"] == 'Month 12']
    """
    body = [*_load_lines(trial), *_registry_lines(trial), *_filter_lines(trial),
            *VIEWS[view](settings, **params)]
    body = [line for line in body if line]
    imports = ["import msc_dash"] + list(dict.fromkeys(
        line for line in body if line.startswith(("from ", "import "))))
    rest = [line for line in body if not line.startswith(("from ", "import "))]
    return "\n".join([*imports, "", *rest])
