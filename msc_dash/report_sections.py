"""What the report holds: its sections, in order, each a heading and a renderer.

:data:`SECTIONS` is the declarative list :func:`msc_dash.report.build_report`
walks; each renderer takes the :class:`ReportContext` (the trial, settings,
effect table, key findings ...) and returns the HTML parts of its section,
asking the chart registry for every figure. How the parts are written
(style, head, figures, tables) is :mod:`msc_dash.report_html`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .charts import CHARTS, auto_charts, build
from .crossover_summary import parallel_arms
from .crossover_summary import report_html as _crossover
from .findings import describe_p_basis
from .report_html import Figures
from .report_html import table as _table
from .settings import AnalysisSettings
from .slides import describe_filters, domain_outcomes
from .trial import Trial

__all__ = ["ReportContext", "Section", "SECTIONS"]

_MARKS = {"improved": "▲", "worsened": "▼", "unchanged": "●"}


@dataclass
class ReportContext:
    """What every section of one report reads and writes."""

    trial: Trial
    settings: AnalysisSettings
    effects: pd.DataFrame
    visit: str | None
    found: list
    figs: Figures
    tick: Callable[[str], None]
    between: pd.DataFrame | None = None  # the MMRM table of a trial with arms

    def figure(self, name: str, caption: str | None = None, **params) -> str:
        """The HTML of registry chart ``name`` (its caption from the registry by default)."""
        chart = CHARTS[name]
        try:
            fig = build(name, self.trial, self.settings, **params)
        except (ValueError, KeyError, IndexError):  # odd data: say so, keep the report
            fig = None
        return self.figs.html(fig, chart.describe(self.settings, **params)[1]
                              if caption is None else caption)


@dataclass(frozen=True)
class Section:
    """One section of the report.

    ``render(report)`` returns the section's HTML parts (after its heading);
    ``per_domain`` sections are repeated for each domain with data, with
    ``{code}`` and ``{title}`` filled in the anchor and title and the domain
    code passed as ``render(report, code)``.
    """

    anchor: str
    title: str
    render: Callable
    per_domain: bool = False
    only_if: Callable | None = None  # only_if(trial) False: the section is left out


def _summary(r: ReportContext) -> list[str]:
    e, trial = html.escape, r.trial
    arms = ("single arm" if trial.is_single_arm
            else f"{len(trial.arms)} arms ({', '.join(trial.arms)})")
    parts = [
        f"<p><strong>{trial.n_subjects} subjects</strong>, {e(arms)}; baseline and "
        f"{len(trial.followup_visits)} follow-up visits "
        f"({e(', '.join(trial.followup_visits) or 'none')}). "
        f"Outcomes: {e(', '.join(trial.outcome(c).label_and_code for c in trial.outcomes))}"
        ".</p>",
        f"<p><strong>Filters in force:</strong> {e(describe_filters(trial.filters))}</p>"]
    if r.found:
        parts.append(f"<h3>Key findings at {e(r.visit)}</h3><ul class='findings'>")
        for f in r.found:
            mark = _MARKS.get(f.direction, "●") if f.significant else "●"
            cls = ' class="sig"' if f.significant else ""
            parts.append(f"<li{cls}>{mark} {e(f.text)}</li>")
        parts.append("</ul>")
        basis = describe_p_basis(r.found)
        if basis:
            parts.append(f'<p class="note">{e(basis)}</p>')
    return parts


def _table_one(r: ReportContext) -> list[str]:
    from .table1 import table_one

    return [_table(table_one(r.trial)),
            '<p class="note">Mean (SD) and median [Q1, Q3] of numbers, n (%) of the subjects '
            "with a known value for categories; baseline outcome values at the baseline "
            "visit.</p>"]


def _between(r: ReportContext) -> list[str]:
    from .between import report_html

    parts = report_html(r.trial, r.between, r)
    r.tick("between arms")
    return parts


def _overview(r: ReportContext) -> list[str]:
    e, visit = html.escape, r.visit
    if not visit:
        parts = [r.figs.html(None, "No follow-up visit.")]
    else:
        parts = [r.figure("forest", visit=visit, title=f"Effect sizes at {visit}")]
    if visit and len(r.trial.arms) == 2:
        treatment, control = r.trial.arms
        parts.append(f"<h3>{e(treatment)} vs {e(control)}</h3>")
        parts.append(r.figure("arms_forest", visit=visit, treatment=treatment,
                              control=control))
    for name in auto_charts("trial", *(("visit",) if visit else ())):
        params = {"visit": visit} if CHARTS[name].scope == "visit" else {}
        parts.append(f"<h3>{e(CHARTS[name].describe(r.settings, **params)[0])}</h3>")
        parts.append(r.figure(name, **params))
    r.tick("overview")
    return parts


def _trend_line(r: ReportContext, code: str) -> str:
    """The within-arm slope per year of ``code`` (mixed model over every visit), per arm."""
    from .memo import compute
    from .trends import trend_models, trend_text

    rows = compute(trend_models, r.trial, ci=r.settings.ci, outcomes=(code,))
    unit = r.trial.outcome(code).change_unit
    many = len(r.trial.arms) > 1
    text = "; ".join((f"{row['arm']}: " if many else "") + trend_text(row, unit)
                     for row in rows.to_dict("records"))
    return (f"Trend over all visits, within {'each arm' if many else 'arm'} (linear mixed "
            f"model, {r.settings.ci:.0%} CI; random slope where a likelihood-ratio test "
            f"supports it): {text}.")


def _domain(r: ReportContext, domain: str) -> list[str]:
    e, visit, parts = html.escape, r.visit, []
    extra = auto_charts("outcome", *(("outcome_visit",) if visit else ()))
    for code in domain_outcomes(r.trial)[domain]:
        out = r.trial.outcome(code)
        parts.append(f"<h3>{e(out.label)} ({e(code)})</h3>")
        parts.append(r.figure("trajectory", f"{out.label}: mean at each visit with "
                                            f"{r.settings.ci:.0%} CI.", outcome=code))
        parts.append(f'<p class="note">{e(_trend_line(r, code))}</p>')
        if visit:
            arms = "" if r.trial.is_single_arm else " (arms side by side)"
            parts.append(r.figure(
                "estimation", f"{out.label}{arms}: baseline and {visit} per subject, with "
                              "Hedges' g, its bootstrap distribution and CI.",
                outcome=code, visit=visit))
        for name in extra:
            params = {"outcome": code} | (
                {"visit": visit} if CHARTS[name].scope == "outcome_visit" else {})
            parts.append(r.figure(name, **params))
        r.tick(code)
    return parts


def _effect_table(r: ReportContext) -> list[str]:
    from .tables import format_effect_table

    parts = [_table(format_effect_table(r.effects, r.trial.registry, ci=r.settings.ci))]
    r.tick("effect table")
    return parts


def _progression(r: ReportContext) -> list[str]:
    """Time to 12-week confirmed worsening: headline, Kaplan-Meier, swimmer, subjects, criteria."""
    from .memo import compute
    from .progression import event_outcomes
    from .survival import headline_text, subject_table, time_to_event

    codes = event_outcomes(r.trial)
    r.tick("progression")
    if not codes or not r.trial.followup_visits:
        return ['<p class="note">No outcome with a meaningful-change rule was followed up, '
                "so there are no confirmed events.</p>"]
    res = compute(time_to_event, r.trial, outcome=codes[0], ci=r.settings.ci)
    table = subject_table(res)
    e = html.escape
    return [f"<p><strong>{e(headline_text(res))}</strong></p>",
            r.figure("progression_km", outcome=codes[0]),
            r.figure("progression_swimmer", outcome=codes[0]),
            "<h3>Subjects with an event</h3>",
            _table(table[table["Event"] == "yes"].drop(columns=["Event"])),
            f"<p>{e(res.methods_text)}</p>"]


def _safety(r: ReportContext) -> list[str]:
    if not len(r.trial.adverse_events):
        r.tick("safety")
        return ['<p class="note">The data has no adverse-event table.</p>']
    parts = []
    headline = next((f.text for f in r.found if f.domain == "safety"), "")
    if headline:
        parts.append(f"<p>{html.escape(headline)}</p>")
    from .report import safety_summary

    parts.append(_table(safety_summary(r.trial)))
    parts.append(r.figure("swimmer"))
    r.tick("safety")
    return parts


def _methods(r: ReportContext) -> list[str]:
    from .report import methods_text

    return [f"<p>{html.escape(methods_text(r.trial, r.effects, r.settings))}</p>"]


def _reproducibility(r: ReportContext) -> list[str]:
    from .report import software_versions

    e, trial = html.escape, r.trial
    kv = {"Data fingerprint (sha256)": trial.fingerprint,
          "Source": trial.source or "–",
          "Settings": r.settings.describe(),
          **software_versions()}
    parts = ['<dl class="kv">' + "".join(
        f"<dt>{e(k)}</dt><dd>{e(str(v))}</dd>" for k, v in kv.items()) + "</dl>"]
    if trial.warnings:
        parts.append("<h3>Data warnings</h3><ul>"
                     + "".join(f"<li>{e(w)}</li>" for w in trial.warnings) + "</ul>")
    return parts


def _reproduce(r: ReportContext) -> list[str]:
    from .reproduce import python_code

    if not r.visit:
        return ['<p class="note">No follow-up visit, so no effect table to reproduce.</p>']
    code = python_code(r.trial, "overview", r.settings, visit=r.visit)
    return [f"<p>These lines give the effect table of this report (<code>result</code>: the "
            f"rows at {html.escape(r.visit)}).</p>",
            f"<pre><code>{html.escape(code)}</code></pre>"]


#: The report, in order: each section's anchor, heading and renderer.
SECTIONS: tuple[Section, ...] = (
    Section("summary", "Summary", _summary),
    Section("table1", "Baseline characteristics (Table 1)", _table_one),
    Section("between", "Between arms: MMRM", _between,
            only_if=parallel_arms),
    Section("crossover", "Crossover: within-subject effect", _crossover,
            only_if=lambda trial: trial.has_periods),
    Section("overview", "Overview: effect sizes", _overview),
    Section("domain-{code}", "{title}", _domain, per_domain=True),
    Section("effects", "Effect table", _effect_table),
    Section("progression", "Confirmed disability progression", _progression),
    Section("safety", "Safety", _safety),
    Section("methods", "Methods", _methods),
    Section("reproducibility", "Data and software", _reproducibility),
    Section("reproduce", "Appendix: reproduce in Python", _reproduce),
)


