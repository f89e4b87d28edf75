"""The key figures of a trial, as data: presenter slides and report figures.

:func:`slides` lists what a presenter walks through (title, overview forest
plot, the overview's findings one per screen, each domain's main chart,
the charts registered with ``auto=True``, safety); each slide names its
chart in the registry (:data:`msc_dash.charts.CHARTS`) and its parameters,
and :func:`slide_figure` draws it on demand, so a presenter pays only for
the slide on screen. The figures ZIP (:func:`msc_dash.report.key_figures`)
is the slides' figures.

When a chart fails on odd data, the slide keeps its text and shows no figure.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from .charts import CHARTS, auto_charts
from .crossover_summary import arms_are_sequences
from .findings import Finding, findings, one_year_visit
from .outcomes import DOMAIN_INFO, DOMAINS, FUNCTIONAL_SYSTEMS
from .settings import AnalysisSettings
from .trial import Trial

__all__ = ["Slide", "slides", "slide_figure", "domain_outcomes", "describe_filters",
           "progression_slide", "high_contrast", "forest_pages", "FOREST_ROWS"]


@dataclass(frozen=True)
class Slide:
    """One presenter screen.

    Attributes
    ----------
    kind : {"title", "overview", "arms", "crossover", "finding", "domain", "progression",
            "safety"}
    title : str
        Heading of the screen.
    text : str
        The sentence to read out (a finding's text), may be empty.
    domain, outcome, visit, arm : str
        What the figure shows ("" when not applicable).
    status : str
        "improved", "worsened", "unchanged" (findings) or "" (others).
    significant : bool
    chart : str
        Name of its chart in :data:`msc_dash.charts.CHARTS` ("" for none).
    params : tuple
        The chart's parameters, as sorted ``(name, value)`` pairs.
    """

    kind: str
    title: str
    text: str = ""
    domain: str = ""
    outcome: str = ""
    visit: str = ""
    arm: str = ""
    status: str = ""
    significant: bool = False
    chart: str = ""
    params: tuple = ()


def domain_outcomes(trial: Trial) -> dict[str, list[str]]:
    """Outcome codes present per domain, domains in display order (empty ones dropped).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"subject_id": "a", "visit": "BL", "day": 0,
    ...                   "outcome": ["SDMT", "T25FW"], "value": [40.0, 8.0]})
    >>> domain_outcomes(Trial.from_tables(pd.DataFrame({"subject_id": ["a"]}), m))
    {'mobility': ['T25FW'], 'cognition': ['SDMT']}
    """
    out = {d: trial.outcomes_in(d) for d in DOMAINS}
    return {d: codes for d, codes in out.items() if codes}


def _headline(trial: Trial, found: list[Finding], visit: str | None) -> str:
    """The title slide's answer: the between-arm (MMRM) or crossover one where there is one.

    Without one, it says what the estimates are: changes from baseline within
    each arm, which no control arm stands against (a single-arm trial) or
    which are not compared between the arms.
    """
    measured = [f for f in found if f.domain != "safety" and f.estimable]
    between = [f for f in measured if f.p_basis in ("mmrm", "crossover")]
    if not measured:
        return ""
    if not between:
        up = sum(f.significant and f.direction == "improved" for f in measured)
        down = sum(f.significant and f.direction == "worsened" for f in measured)
        what = ("no control arm" if trial.is_single_arm
                else "not compared between the arms")
        changes = "change" if len(measured) == 1 else "changes"
        return (f" At {visit}: {len(measured)} within-arm {changes} from baseline, {what}; "
                f"{up} improved significantly, {down} worsened.")
    if between[0].p_basis == "mmrm":
        from .arms import default_arms

        treatment, control = default_arms(trial.arms)
        head, p = f"MMRM at {between[0].visit}", "adjusted p < 0.05"
    else:
        from .crossover import treatments

        treatment, control = treatments(trial)
        head, p = "Crossover, within subjects", "p < 0.05"
    up = sum(f.significant and f.direction == "improved" for f in between)
    down = sum(f.significant and f.direction == "worsened" for f in between)
    against = f"; {down} favour {control}" if down else ""
    return f" {head}: {up} of {len(between)} outcomes favour {treatment} ({p}){against}."


def _finding_slide(f: Finding, trial: Trial) -> Slide:
    if f.domain == "safety":
        return Slide("safety", "Safety", f.text, domain="safety", status=f.direction,
                     chart="swimmer")
    label = trial.outcome(f.outcome).label if f.outcome else f.outcome
    if f.p_basis == "crossover":  # the within-subject answer: its period profile
        return Slide("finding", f"{label} ({f.arm}, crossover)", f.text, domain=f.domain,
                     outcome=f.outcome, arm=f.arm, status=f.direction,
                     significant=f.significant, chart="crossover_profile",
                     params=_params(outcome=f.outcome))
    title = f"{label} at {f.visit}" if f.visit else label
    if f.arm and not trial.is_single_arm:
        title += f" ({f.arm})"
    return Slide("finding", title, f.text, domain=f.domain, outcome=f.outcome, visit=f.visit,
                 arm=f.arm, status=f.direction if f.estimable else "",
                 significant=f.significant, chart="estimation",
                 params=_params(outcome=f.outcome, visit=f.visit, arm=f.arm or None))


def _params(**params) -> tuple:
    return tuple(sorted(params.items()))


def slides(trial: Trial, effects: pd.DataFrame, *, visit: str | None = None,
           safety: dict | None = None,
           settings: AnalysisSettings | None = None) -> list[Slide]:
    """The presenter's walk through a trial.

    Title; the overview's forest plot at ``visit`` (and, with two arms, the
    between-arm forest plot; with periods, the crossover estimate and period
    profile of the first outcome); the overview's findings
    at ``visit``, one per slide (individual Functional Systems left to the
    Disability page when their sum is there); then each domain's main
    chart (trajectory of its first outcome); then one slide per chart
    registered with ``auto=True`` (outcome charts for each domain's first
    outcome); then time to 12-week confirmed worsening
    (:func:`progression_slide`); then the adverse-event swimmer plot when there are adverse
    events.

    Parameters
    ----------
    trial : Trial
    effects : pandas.DataFrame
        The effect table of ``trial`` (:func:`msc_dash.effect_sizes`).
    visit : str, optional
        Follow-up visit of the overview (default: the one closest to a year).
    safety : dict, optional
        Passed to :func:`msc_dash.findings.findings`.
    settings : AnalysisSettings, optional
        The settings of the figures (named in the slide texts).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"subject_id": "a", "visit": "BL", "day": 0,
    ...                   "outcome": ["SDMT"], "value": [40.0]})
    >>> t = Trial.from_tables(pd.DataFrame({"subject_id": ["a"]}), m)
    >>> [s.kind for s in slides(t, pd.DataFrame(columns=["arm", "outcome", "visit"]))]
    ['title', 'domain']
    """
    visit = visit or one_year_visit(trial)
    arms = "single arm" if trial.is_single_arm else f"{len(trial.arms)} arms: " + ", ".join(
        trial.arms)
    follow = ", ".join(trial.followup_visits) or "none"
    intro = (f"{trial.n_subjects} subjects, {arms}. Follow-up visits: {follow}.")
    if trial.filters:
        intro += " Subgroup: " + describe_filters(trial.filters) + "."
    found = findings(trial, effects, visit=visit, safety=safety) if visit is not None else []
    intro += _headline(trial, found, visit)
    out = [Slide("title", _trial_title(trial), intro)]
    if visit is not None and len(effects) and (effects["visit"] == visit).any():
        pages = forest_pages(trial, effects, visit)
        for i, page in enumerate(pages, start=1):
            part = f" ({i} of {len(pages)})" if len(pages) > 1 else ""
            title = f"Effect sizes at {visit}{part}"
            params = _params(visit=visit, title=title) if len(pages) == 1 else _params(
                visit=visit, title=title, outcomes=page)
            out.append(Slide("overview", title, "Hedges' g per outcome, paired against "
                             "baseline; positive = improvement.", visit=visit,
                             chart="forest", params=params))
    if len(trial.arms) == 2 and visit is not None and not arms_are_sequences(trial):
        # the between-arm answer is the MMRM (every subject), as on the Arms page
        from .arms import default_arms

        treatment, control = default_arms(trial.arms)
        out += _mmrm_slides(trial, visit, treatment, control, settings)
    shown = set()
    if trial.has_periods:
        from .crossover_summary import crossover_slides

        key = crossover_slides(trial, settings)
        out += key
        shown = {s.outcome for s in key}  # its crossover finding is this slide
    safety_slides = [_finding_slide(f, trial) for f in found if f.domain == "safety"]
    # individual Functional Systems are details of their sum: the Disability page has them
    details = set(FUNCTIONAL_SYSTEMS) if "FSS_SUM" in trial.outcomes else set()
    out += [_finding_slide(f, trial) for f in found
            if f.domain != "safety" and f.outcome not in details
            and not (f.p_basis == "crossover" and f.outcome in shown)]
    level = f"{(settings or AnalysisSettings()).ci:.0%}"
    for domain, codes in domain_outcomes(trial).items():
        code = codes[0]
        out.append(Slide("domain", f"{DOMAIN_INFO[domain].title}: "
                                   f"{trial.outcome(code).label} over time",
                         f"Mean at each visit with its {level} CI.", domain=domain,
                         outcome=code, chart="trajectory", params=_params(outcome=code)))
    out += _auto_slides(trial, visit, settings)
    progression = progression_slide(trial, settings)
    if progression is not None:
        out.append(progression)
    if len(trial.adverse_events):
        text = safety_slides[0].text if safety_slides else ""
        out.append(Slide("safety", "Safety: adverse events per patient", text,
                         domain="safety", chart="swimmer"))
    return out


#: Rows (outcomes plus domain headings) of one forest slide: legible at 720 lines.
FOREST_ROWS = 10


def forest_pages(trial: Trial, effects: pd.DataFrame, visit: str) -> list[tuple[str, ...]]:
    """The outcomes of the overview's forest plot at ``visit``, split into slides.

    Each page holds at most :data:`FOREST_ROWS` rows, counting a heading row
    for each domain on it; outcomes stay in registry order.

    Examples
    --------
    >>> import msc_dash
    >>> t = msc_dash.load_sample()
    >>> e = msc_dash.effect_sizes(t, settings=msc_dash.AnalysisSettings(n_boot=100))
    >>> [len(p) for p in forest_pages(t, e, "Month 12")]
    [8, 6, 3]
    """
    shown = set(effects.loc[effects["visit"] == visit, "outcome"])
    return _pages(trial, [c for c in trial.outcomes if c in shown])


def _pages(trial: Trial, codes) -> list[tuple[str, ...]]:
    """``codes`` split into pages of at most :data:`FOREST_ROWS` rows with their headings."""
    pages, page, rows, domain = [], [], 0, None
    for code in codes:
        new_domain = trial.outcome(code).domain
        cost = 1 + (new_domain != domain)
        if page and rows + cost > FOREST_ROWS:
            pages.append(tuple(page))
            page, rows, cost = [], 0, 2
        page.append(code)
        rows += cost
        domain = new_domain
    return pages + ([tuple(page)] if page else [])


def _mmrm_slides(trial: Trial, visit: str, treatment: str, control: str,
                 settings) -> list[Slide]:
    """The between-arm MMRM forest at ``visit``, paged as the overview's forest."""
    from .memo import compute
    from .mmrm import mmrm_table

    table = compute(mmrm_table, trial, treatment=treatment, control=control,
                    settings=settings or AnalysisSettings())
    at = set(table.loc[(table["visit"] == visit) & table["estimable"], "outcome"])
    pages = _pages(trial, [c for c in trial.outcomes if c in at]) or [()]
    out = []
    for i, page in enumerate(pages, start=1):
        part = f" ({i} of {len(pages)})" if len(pages) > 1 else ""
        title = f"{treatment} vs {control} at {visit}{part}"
        params = dict(visit=visit, treatment=treatment, control=control,
                      title=f"{title} (MMRM)")
        out.append(Slide("arms", title,
                         f"MMRM contrast of the change from baseline over the model's "
                         f"residual SD, every subject with a follow-up value; positive "
                         f"favours {treatment}.", visit=visit, arm=treatment,
                         chart="mmrm_forest",
                         params=_params(**params, **({"outcomes": page}
                                                     if len(pages) > 1 else {}))))
    return out


def _auto_slides(trial: Trial, visit: str | None, settings) -> list[Slide]:
    """One slide per ``auto`` chart: trial/visit charts once, outcome charts per domain."""
    out = []
    scopes = ("trial", "outcome") + (("visit", "outcome_visit") if visit else ())
    for name in auto_charts(*scopes):
        chart = CHARTS[name]
        if chart.scope in ("trial", "visit"):
            params = {"visit": visit} if chart.scope == "visit" else {}
            title, caption = chart.describe(settings, **params)
            out.append(Slide("chart", title, caption, visit=visit or "", chart=name,
                             params=_params(**params)))
            continue
        for domain, codes in domain_outcomes(trial).items():
            params = {"outcome": codes[0]}
            if chart.scope == "outcome_visit":
                params["visit"] = visit
            title, caption = chart.describe(settings, **params)
            out.append(Slide("chart", title, caption, domain=domain, outcome=codes[0],
                             visit=params.get("visit", ""), chart=name,
                             params=_params(**params)))
    return out


def progression_slide(trial: Trial, settings: AnalysisSettings | None = None) -> Slide | None:
    """Time to 12-week confirmed worsening of the first outcome that has it (EDSS-Plus first).

    None without follow-up or without an outcome that has a meaningful-change rule.
    """
    from .memo import compute
    from .progression import event_outcomes
    from .survival import headline_text, time_to_event

    codes = event_outcomes(trial)
    if not codes or not trial.followup_visits:
        return None
    code = codes[0]
    ci = (settings or AnalysisSettings()).ci
    res = compute(time_to_event, trial, outcome=code, ci=ci)
    name = trial.registry.name(code)
    return Slide("progression", f"Time to confirmed {name} worsening", headline_text(res),
                 outcome=code,
                 chart="progression_km", params=_params(outcome=code))


def _trial_title(trial: Trial) -> str:
    source = trial.source or "Trial results"
    return source if len(source) <= 80 else source[:77] + "..."


def describe_filters(filters) -> str:
    """The subgroup filters in words ("none" when there are none).

    Examples
    --------
    >>> describe_filters({"ms_type": ["SPMS"], "age": (40, 60), "sex": "F"})
    'ms_type in {SPMS}; age 40 to 60; sex = F'
    >>> describe_filters({})
    'none'
    """
    parts = []
    for col, rule in dict(filters).items():
        if isinstance(rule, tuple) and len(rule) == 2:
            lo, hi = rule
            if lo is None:
                parts.append(f"{col} <= {hi:g}" if isinstance(hi, (int, float)) else f"{col} <= {hi}")
            elif hi is None:
                parts.append(f"{col} >= {lo:g}" if isinstance(lo, (int, float)) else f"{col} >= {lo}")
            else:
                parts.append(f"{col} {lo:g} to {hi:g}" if isinstance(lo, (int, float))
                             and isinstance(hi, (int, float)) else f"{col} {lo} to {hi}")
        elif isinstance(rule, (list, set, frozenset)):
            parts.append(f"{col} in {{{', '.join(map(str, sorted(rule, key=str)))}}}")
        else:
            parts.append(f"{col} = {rule}")
    return "; ".join(parts) or "none"


# ------------------------------------------------------------------ figures
def slide_figure(trial: Trial, slide: Slide, effects: pd.DataFrame | None = None, *,
                 settings: AnalysisSettings | None = None):
    """The figure of one slide, or None when it has none (or it cannot be drawn).

    ``settings`` (default: the defaults) give the chart's settings; ``effects``
    is not needed (the chart computes its own, shared through
    :func:`msc_dash.memo.compute`).
    """
    from .charts import build

    settings = settings or AnalysisSettings()
    if not slide.chart:
        return None
    try:
        fig = build(slide.chart, trial, settings, **dict(slide.params))
        if fig is None and slide.kind == "finding":  # no paired data: the course over time
            fig = build("trajectory", trial, settings, outcome=slide.outcome)
        return fig
    except (ValueError, KeyError, IndexError):  # odd data: keep the text
        return None


def high_contrast(fig, *, font_size: int = 24):
    """``fig`` restyled for a projector: black background, white text, thicker lines.

    Returns a new figure; ``fig`` is unchanged.
    """
    import plotly.graph_objects as go

    out = go.Figure(fig)
    out.update_layout(template="plotly_dark", paper_bgcolor="#000000", plot_bgcolor="#000000",
                      font=dict(color="#FFFFFF", size=font_size))
    out.update_xaxes(gridcolor="#444444", zerolinecolor="#AAAAAA", linecolor="#FFFFFF")
    out.update_yaxes(gridcolor="#444444", zerolinecolor="#AAAAAA", linecolor="#FFFFFF")
    _readable_text(out)
    for trace in out.data:
        for part in ("line", "marker", "error_x", "error_y"):
            obj = getattr(trace, part, None)
            color = getattr(obj, "color", None) if obj is not None else None
            if isinstance(color, str) and color.upper() in _ON_BLACK:
                obj.color = _ON_BLACK[color.upper()]
        if getattr(trace, "type", "") == "scatter" and trace.line is not None:
            width = trace.line.width
            if width == 0:  # the edge of a CI band: thickened, it drew as an extra curve
                continue
            trace.line.width = max(width if width and not math.isnan(width) else 2, 3)
    return out


_INLINE_COLOR = re.compile(r"(color:\s*)(#[0-9A-Fa-f]{3,6}|rgba?\([^)]*\))")


def _readable_text(fig) -> None:
    """Every text colour the figure sets lightened to WCAG AA on black; light bands dark.

    Explicit fonts of the title, legend, axes, annotations and text traces,
    and colours inside tick and annotation texts (``<span style="color:...">``).
    """
    from .figures.contrast import readable

    def fix(font) -> None:
        if font is not None and isinstance(font.color, str):
            font.color = readable(font.color)

    def fix_inline(text):
        if not isinstance(text, str):
            return text
        return _INLINE_COLOR.sub(lambda m: m.group(1) + readable(m.group(2)), text)

    fix(fig.layout.title.font)
    fix(fig.layout.legend.font)
    for name in [n for n in fig.layout if n.startswith(("xaxis", "yaxis"))]:
        axis = fig.layout[name]
        fix(axis.tickfont)
        fix(axis.title.font)
        if axis.ticktext is not None:
            axis.ticktext = [fix_inline(t) for t in axis.ticktext]
    for note in fig.layout.annotations or ():
        fix(note.font)
        note.text = fix_inline(note.text)
    for shape in fig.layout.shapes or ():  # the forest's group bands: dark, not glaring
        if (shape.type == "rect" and shape.xref == "paper" and shape.layer == "below"
                and isinstance(shape.fillcolor, str)
                and readable(shape.fillcolor) == shape.fillcolor):
            shape.fillcolor = "#262626"
    for trace in fig.data:
        if getattr(trace, "type", "") == "scatter":
            fix(trace.textfont)


# colours too dark on black -> lighter Okabe-Ito / white
_ON_BLACK = {"#0072B2": "#56B4E9", "#000000": "#FFFFFF", "BLACK": "#FFFFFF",
             "#D55E00": "#FF8C42", "#CC79A7": "#F0A3CF", "#BBBBBB": "#DDDDDD",
             "#888888": "#CCCCCC", "#999999": "#CCCCCC",
             # dark greys of means, CIs and reference lines: light grey on black
             **dict.fromkeys(("#222", "#222222", "#333", "#333333", "#444", "#444444",
                              "#555", "#555555", "#666", "#666666"), "#DDDDDD")}
