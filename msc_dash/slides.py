"""The key figures of a trial, as data: presenter slides and report figures.

:func:`slides` lists what a presenter walks through (title, overview forest
plot, the overview's findings one per screen, each domain's main chart,
safety); :func:`slide_figure` draws one slide's figure on demand, so a
presenter pays only for the slide on screen. The report
(:mod:`msc_dash.report`) draws its figures with the same builders.

Figure builders come from :mod:`msc_dash.figures`; when one is missing or
fails on odd data, the slide keeps its text and shows no figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .findings import Finding, findings, one_year_visit
from .outcomes import DOMAINS, FUNCTIONAL_SYSTEMS
from .trial import Trial

__all__ = ["Slide", "slides", "slide_figure", "DOMAIN_TITLES", "domain_outcomes", "describe_filters",
           "overview_figure", "arms_chart", "trajectory_chart", "estimation_chart", "safety_chart",
           "progression_chart", "progression_slide", "high_contrast"]

#: Display name of each domain code.
DOMAIN_TITLES = {
    "mobility": "Mobility",
    "disability": "Disability",
    "cognition": "Cognition",
    "biomarker": "Biomarkers",
    "patient-reported": "Patient-reported outcomes",
    "other": "Other outcomes",
    "safety": "Safety",
}


@dataclass(frozen=True)
class Slide:
    """One presenter screen.

    Attributes
    ----------
    kind : {"title", "overview", "arms", "finding", "domain", "progression", "safety"}
    title : str
        Heading of the screen.
    text : str
        The sentence to read out (a finding's text), may be empty.
    domain, outcome, visit, arm : str
        What the figure shows ("" when not applicable).
    status : str
        "improved", "worsened", "unchanged" (findings) or "" (others).
    significant : bool
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


def _finding_slide(f: Finding, trial: Trial) -> Slide:
    if f.domain == "safety":
        return Slide("safety", "Safety", f.text, domain="safety", status=f.direction)
    label = trial.outcome(f.outcome).label if f.outcome else f.outcome
    title = f"{label} at {f.visit}" if f.visit else label
    if f.arm and not trial.is_single_arm:
        title += f" ({f.arm})"
    return Slide("finding", title, f.text, domain=f.domain, outcome=f.outcome, visit=f.visit,
                 arm=f.arm, status=f.direction if f.estimable else "",
                 significant=f.significant)


def slides(trial: Trial, effects: pd.DataFrame, *, visit: str | None = None,
           safety: dict | None = None) -> list[Slide]:
    """The presenter's walk through a trial.

    Title; the overview's forest plot at ``visit`` (and, with two arms, the
    between-arm forest plot); the overview's findings
    at ``visit``, one per slide (individual Functional Systems left to the
    Disability page when their sum is there); then each domain's main
    chart (trajectory of its first outcome); then time to 12-week confirmed
    worsening (:func:`progression_slide`); then the adverse-event swimmer plot
    when there are adverse events.

    Parameters
    ----------
    trial : Trial
    effects : pandas.DataFrame
        The effect table of ``trial`` (:func:`msc_dash.effect_sizes`).
    visit : str, optional
        Follow-up visit of the overview (default: the one closest to a year).
    safety : dict, optional
        Passed to :func:`msc_dash.findings.findings`.

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
    measured = [f for f in found if f.domain != "safety" and f.estimable]
    if measured:
        up = sum(f.significant and f.direction == "improved" for f in measured)
        down = sum(f.significant and f.direction == "worsened" for f in measured)
        intro += (f" At {visit}: {up} of {len(measured)} outcome estimates improved "
                  f"significantly, {down} worsened.")
    out = [Slide("title", _trial_title(trial), intro)]
    if visit is not None and len(effects) and (effects["visit"] == visit).any():
        out.append(Slide("overview", f"Effect sizes at {visit}",
                         "Hedges' g per outcome, paired against baseline; "
                         "positive = improvement.", visit=visit))
    if len(trial.arms) == 2 and visit is not None:
        treatment, control = trial.arms
        out.append(Slide("arms", f"{treatment} vs {control} at {visit}",
                         f"Hedges' g of the change from baseline; positive favours "
                         f"{treatment}.", visit=visit, arm=treatment))
    safety_slides = [_finding_slide(f, trial) for f in found if f.domain == "safety"]
    # individual Functional Systems are details of their sum: the Disability page has them
    details = set(FUNCTIONAL_SYSTEMS) if "FSS_SUM" in trial.outcomes else set()
    out += [_finding_slide(f, trial) for f in found
            if f.domain != "safety" and f.outcome not in details]
    for domain, codes in domain_outcomes(trial).items():
        code = codes[0]
        out.append(Slide("domain", f"{DOMAIN_TITLES.get(domain, domain)}: "
                                   f"{trial.outcome(code).label} over time",
                         "Mean at each visit with its 95% CI.", domain=domain, outcome=code))
    progression = progression_slide(trial)
    if progression is not None:
        out.append(progression)
    if len(trial.adverse_events):
        text = safety_slides[0].text if safety_slides else ""
        out.append(Slide("safety", "Safety: adverse events per patient", text,
                         domain="safety"))
    return out


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
def _figures():
    from . import figures

    return figures


def overview_figure(trial: Trial, effects: pd.DataFrame, visit: str):
    """The overview's forest plot of every outcome at ``visit``."""
    shown = effects[effects["visit"] == visit]
    if shown.empty:
        return None
    return _figures().forest_figure(shown, title=f"Effect sizes at {visit}")


def arms_chart(trial: Trial, visit: str, *, n_boot: int = 2000, seed: int = 0):
    """Forest plot of the between-arm effects (first arm vs second) at ``visit``."""
    from .arms import compare_arms

    if len(trial.arms) != 2:
        return None
    treatment, control = trial.arms
    table = compare_arms(trial, treatment, control, n_boot=n_boot, seed=seed)
    shown = table[table["visit"] == visit]
    if shown.empty:
        return None
    labels = {r.outcome: f"{r.outcome} ({r.n_treatment} vs {r.n_control})"
              for r in shown.itertuples()}
    return _figures().forest_figure(
        shown, color_col=None, n_col=None, labels=labels,
        x_title=f"Hedges' g of the change, {treatment} vs {control}",
        favours=(control, treatment), title=f"{treatment} vs {control} at {visit}")


def trajectory_chart(trial: Trial, outcome: str):
    """Mean (95% CI) of ``outcome`` at each visit per arm, injections marked."""
    from .effects import trajectory

    return _figures().trajectory_figure(trajectory(trial, outcome),
                                        outcome=trial.outcome(outcome),
                                        injection_days=trial.injection_days, arms=trial.arms)


def estimation_chart(trial: Trial, effects: pd.DataFrame, outcome: str, visit: str,
                     arm: str | None = None, *, n_boot: int = 2000, seed: int = 0):
    """The estimation plot of ``outcome`` at ``visit``: paired values + bootstrap g per arm.

    ``arm`` shows one arm only (default: every arm side by side).
    """
    from .effects import bootstrap_distribution, paired_frame

    arms = [arm] if arm else list(trial.arms)
    pairs = paired_frame(trial, outcome, visit)
    pairs = pairs[pairs["arm"].isin(arms)]
    rows = effects[(effects["outcome"] == outcome) & (effects["visit"] == visit)
                   & effects["arm"].isin(arms)]
    dist = {a: bootstrap_distribution(trial, outcome, visit, a, n_boot=n_boot, seed=seed)
            for a in arms}
    return _figures().estimation_figure(pairs, outcome=trial.outcome(outcome), effects=rows,
                                        distribution=dist, visit=visit, arms=arms)


def progression_slide(trial: Trial) -> Slide | None:
    """Time to 12-week confirmed worsening of the first outcome that has it (EDSS-Plus first).

    None without follow-up or without an outcome that has a meaningful-change rule.
    """
    from .progression import event_outcomes
    from .survival import headline_text, time_to_event

    codes = event_outcomes(trial)
    if not codes or not trial.followup_visits:
        return None
    code = codes[0]
    name = "EDSS-Plus" if code == "EDSS_PLUS" else code
    return Slide("progression", f"Time to confirmed {name} worsening",
                 headline_text(time_to_event(trial, code)), outcome=code)


def progression_chart(trial: Trial, outcome: str, **event_options):
    """Kaplan-Meier curves of confirmed events of ``outcome`` (see msc_dash.survival)."""
    from .figures.progression import km_figure
    from .survival import time_to_event

    return km_figure(time_to_event(trial, outcome, **event_options))


def safety_chart(trial: Trial):
    """The adverse-event swimmer plot (None without adverse events)."""
    if not len(trial.adverse_events):
        return None
    return _figures().swimmer_figure(trial)


def slide_figure(trial: Trial, slide: Slide, effects: pd.DataFrame, *, n_boot: int = 2000,
                 seed: int = 0):
    """The figure of one slide, or None when it has none (or it cannot be drawn)."""
    try:
        if slide.kind == "overview":
            return overview_figure(trial, effects, slide.visit)
        if slide.kind == "arms":
            return arms_chart(trial, slide.visit, n_boot=n_boot, seed=seed)
        if slide.kind == "finding":
            fig = estimation_chart(trial, effects, slide.outcome, slide.visit, slide.arm or None,
                                   n_boot=n_boot, seed=seed)
            return fig if fig is not None else trajectory_chart(trial, slide.outcome)
        if slide.kind == "domain":
            return trajectory_chart(trial, slide.outcome)
        if slide.kind == "progression":
            return progression_chart(trial, slide.outcome)
        if slide.kind == "safety":
            return safety_chart(trial)
    except (ValueError, KeyError, IndexError) as exc:  # odd data: keep the text
        _ = exc
        return None
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
    for trace in out.data:
        for part in ("line", "marker", "error_x", "error_y"):
            obj = getattr(trace, part, None)
            color = getattr(obj, "color", None) if obj is not None else None
            if isinstance(color, str) and color.upper() in _ON_BLACK:
                obj.color = _ON_BLACK[color.upper()]
        if getattr(trace, "type", "") == "scatter" and trace.line is not None:
            width = trace.line.width
            trace.line.width = max(width if width and not math.isnan(width) else 2, 3)
    return out


# colours too dark on black -> lighter Okabe-Ito / white
_ON_BLACK = {"#0072B2": "#56B4E9", "#000000": "#FFFFFF", "BLACK": "#FFFFFF",
             "#D55E00": "#FF8C42", "#CC79A7": "#F0A3CF", "#BBBBBB": "#DDDDDD",
             "#888888": "#CCCCCC", "#999999": "#CCCCCC"}
