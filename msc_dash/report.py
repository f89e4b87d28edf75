"""A self-contained HTML report of a trial, for sharing and archiving.

:func:`build_report` writes one HTML file holding the key figures of every
page (overview forest plot, each domain's trajectory and estimation plots,
the adverse-event swimmer plot), the effect table, the safety summary, the
filters in force, a methods paragraph generated from the settings, the data
fingerprint and the software versions.

The file opens offline: plotly.js is embedded once, there is no CDN link,
no web font and no other outside request. The same data and settings give
the same file byte for byte apart from the "Generated" line (plotly's
random ``div`` ids are replaced by numbered ones).
"""

from __future__ import annotations

import html
import platform
from collections.abc import Callable
from importlib import metadata

import pandas as pd

from . import __version__
from .crossover_summary import parallel_arms
from .findings import findings, one_year_visit, safety_numbers
from .outcomes import DOMAIN_INFO
from .report_html import Figures, page
from .report_sections import SECTIONS, ReportContext, Section
from .settings import AnalysisSettings
from .slides import domain_outcomes
from .trial import Trial
from .wilcoxon import EXACT_MAX

__all__ = ["build_report", "key_figures", "key_figures_zip", "methods_text", "safety_summary",
           "software_versions", "PADJUST_NAMES", "Section", "SECTIONS"]

PADJUST_NAMES = {"holm": "the Holm method", "fdr_bh": "the Benjamini-Hochberg method (FDR)",
                 "bonf": "the Bonferroni method", "none": "no correction"}

_PACKAGES = ("numpy", "pandas", "scipy", "pingouin", "statsmodels", "plotly")

Progress = Callable[[int, int, str], None]


def software_versions() -> dict[str, str]:
    """Versions of Python, msc-dash and the analysis libraries.

    Examples
    --------
    >>> list(software_versions())[:2]
    ['Python', 'msc-dash']
    """
    out = {"Python": platform.python_version(), "msc-dash": __version__}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def methods_text(trial: Trial, effects: pd.DataFrame | None = None,
                 settings: AnalysisSettings | None = None) -> str:
    """The methods paragraph, generated from the settings and the registry.

    ``settings`` (default: the defaults) give the bootstrap, confidence level,
    multiplicity correction and its pre-specified family (empty: all outcomes).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"subject_id": "a", "visit": ["BL", "M12"], "day": [0, 365],
    ...                   "outcome": "SDMT", "value": [40.0, 44.0]})
    >>> t = Trial.from_tables(pd.DataFrame({"subject_id": ["a"]}), m)
    >>> text = methods_text(t, settings=AnalysisSettings(n_boot=500, seed=3))
    >>> "500 bootstrap resamples" in text and "seed 3" in text and "(SDMT): 4 correct answers" in text
    True
    """
    s = settings or AnalysisSettings()
    level, family = f"{s.ci:.0%}", s.family
    methods = set()
    if effects is not None and "ci_method" in effects and len(effects):
        methods = set(effects["ci_method"].dropna().astype(str)) - {""}
    if methods == {"analytic"}:
        ci_text = f"an analytic {level} confidence interval"
    else:
        ci_text = (f"a {level} bias-corrected and accelerated (BCa) bootstrap confidence "
                   f"interval ({s.n_boot} bootstrap resamples of subjects, seed {s.seed})")
        if "analytic" in methods:
            ci_text += "; analytic intervals where the sample was large"
    rules = []
    for code in trial.outcomes:
        out = trial.outcome(code)
        if out.meaningful_change is not None:
            rules.append(f"{out.label_and_code}: {out.rule_text}")
    rule_text = ("; ".join(rules) + "." if rules
                 else "no outcome in the data has a meaningful-change rule.")
    logs = [c for c in trial.outcomes if trial.outcome(c).scale == "log"]
    design = ("Each arm's values" if not trial.is_single_arm else "Values")
    text = (
        f"{design} at each follow-up visit were compared with the same subjects' baseline "
        "(paired analysis; subjects missing either value were left out of that comparison). "
        "Tests: two-sided paired t-test and Wilcoxon signed-rank test (changes rounded to "
        "the data's precision, zero changes dropped, midranks for ties; exact conditional "
        f"p up to {EXACT_MAX} non-zero changes, else the normal approximation with tie and "
        "continuity correction; the table names the method of each p); matched-pairs "
        "rank-biserial correlation. Effect size: Hedges' g for paired data (average-SD "
        f"standardiser, bias-corrected; positive = improvement) with {ci_text}. Mean changes "
        f"are given with t-based {level} confidence intervals"
        + (f"; geometric mean ratios (visit / baseline) for log-scale outcomes "
           f"({', '.join(logs)})" if logs else "")
        + ". Paired t-test p values were adjusted across outcomes within each arm and visit "
        f"by {PADJUST_NAMES.get(s.padjust, s.padjust)}"
        + (f" within the pre-specified outcomes ({', '.join(family)}), the other outcomes "
           "forming a separate exploratory family" if family and s.padjust != "none" else "")
        + ". Responders: a change counts as "
        "clinically meaningful (improvement or worsening) by these rules, with Wilson "
        f"{level} confidence intervals for the proportion improved: {rule_text}"
    )
    return text


def safety_summary(trial: Trial) -> pd.DataFrame:
    """Adverse events per body system and term: events, subjects (%), serious, related.

    :func:`msc_dash.safety.incidence_table` of the whole trial.

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash.examples import events_trial
    >>> ae = pd.DataFrame({"subject_id": ["a", "a"], "term": ["Headache"] * 2})
    >>> safety_summary(events_trial(2, ae))[["Term", "Events", "Subjects"]]
           Term  Events Subjects
    0  Headache       2  1 (50%)
    """
    from .safety import incidence_table

    return incidence_table(trial)


def key_figures(trial: Trial, effects: pd.DataFrame, *, visit: str | None = None,
                settings: AnalysisSettings | None = None) -> list[tuple[str, object]]:
    """``(file stem, figure)`` of every presenter slide that has a figure, in slide order.

    ``settings`` (default: the defaults) are the analysis settings of the figures;
    ``visit`` the follow-up visit of the overview figures (default: closest to a year).
    """
    import re

    from .slides import slide_figure, slides

    settings = settings or AnalysisSettings()
    out = []
    for k, slide in enumerate(slides(trial, effects, visit=visit, settings=settings), start=1):
        fig = slide_figure(trial, slide, settings=settings)
        if fig is not None:
            stem = re.sub(r"[^A-Za-z0-9_-]+", "_", slide.title).strip("_")[:70]
            out.append((f"{k:02d}_{stem}", fig))
    return out


def key_figures_zip(trial: Trial, effects: pd.DataFrame, *, visit: str | None = None,
                    settings: AnalysisSettings | None = None) -> bytes:
    """A ZIP of the key figures (at ``visit``, as :func:`key_figures`) as PNG and SVG.

    Raises
    ------
    msc_dash.export.ExportError
        When no Chrome/Chromium is installed.
    """
    import io
    import zipfile

    from .export import figure_to_image

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for stem, fig in key_figures(trial, effects, visit=visit, settings=settings):
            for fmt in ("png", "svg"):
                zf.writestr(f"{stem}.{fmt}", figure_to_image(fig, fmt))
    return buf.getvalue()


def build_report(trial: Trial, *, settings: AnalysisSettings | None = None, date=None,
                 effects: pd.DataFrame | None = None, progress: Progress | None = None,
                 visit: str | None = None) -> str:
    """A self-contained HTML report of ``trial``: the :data:`SECTIONS` in order.

    Parameters
    ----------
    trial : Trial
        The (possibly filtered) trial; its filters are listed in the report.
    settings : AnalysisSettings, optional
        The analysis settings (default: the defaults).
    date : str or datetime.date, optional
        Text of the "Generated" line (default: now, UTC). The only part of the
        report that changes between runs on the same data and settings.
    effects : pandas.DataFrame, optional
        The effect table at these settings, when already computed.
    progress : callable, optional
        Called as ``progress(step, total, label)`` while the report builds.
    visit : str, optional
        Follow-up visit of the key findings and figures (default: the one
        closest to a year).

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> from msc_dash.examples import tiny_trial
    >>> t = tiny_trial()
    >>> doc = build_report(t, settings=AnalysisSettings(n_boot=200), date="2025-01-01")
    >>> doc.startswith("<!DOCTYPE html>") and "SDMT" in doc and "2025-01-01" in doc
    True
    """
    from .effects import effect_sizes
    from .memo import compute

    settings = settings or AnalysisSettings()
    groups = domain_outcomes(trial)
    total = 5 + parallel_arms(trial) + trial.has_periods + sum(len(c) for c in groups.values())
    step = 0

    def tick(label: str) -> None:
        nonlocal step
        step += 1
        if progress is not None:
            progress(min(step, total), total, label)

    if effects is None:
        effects = compute(effect_sizes, trial, settings=settings)
    tick("effect sizes")
    if visit not in trial.followup_visits:
        visit = one_year_visit(trial)
    safety = safety_numbers(trial) if len(trial.adverse_events) else None
    between = None
    if parallel_arms(trial):  # crossover sequences: the crossover section has the answer
        from .arms import default_arms
        from .mmrm import mmrm_table

        treatment, control = default_arms(trial.arms)
        between = compute(mmrm_table, trial, treatment=treatment, control=control,
                          settings=settings)
    found = (findings(trial, effects, visit=visit, safety=safety, between=between)
             if visit else [])
    r = ReportContext(trial, settings, effects, visit, found, Figures(), tick, between)
    parts: list[str] = []
    toc: list[tuple[str, str]] = []
    for sec in SECTIONS:
        if sec.only_if is not None and not sec.only_if(trial):
            continue
        for code in (groups if sec.per_domain else [None]):
            names = {"code": code, "title": DOMAIN_INFO[code].title} if code else {}
            anchor, title = sec.anchor.format(**names), sec.title.format(**names)
            toc.append((anchor, title))
            parts.append(f'<h2 id="{anchor}">{html.escape(title)}</h2>')
            parts += sec.render(r, code) if code else sec.render(r)
    return page(trial, date, toc, parts)


