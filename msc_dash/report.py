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

import datetime as _dt
import html
import platform
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata

import pandas as pd

from . import __version__
from .charts import CHARTS, auto_charts, build
from .crossover_summary import parallel_arms
from .crossover_summary import report_html as _crossover
from .findings import describe_p_basis, findings, one_year_visit, safety_numbers
from .io.samples import SIMULATED_NOTE, is_simulated
from .outcomes import DOMAIN_INFO
from .settings import AnalysisSettings
from .slides import describe_filters, domain_outcomes
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


def methods_text(trial: Trial, effects: pd.DataFrame | None = None, *, n_boot: int = 2000,
                 seed: int = 0, ci: float = 0.95, padjust: str = "holm",
                 family=()) -> str:
    """The methods paragraph, generated from the settings and the registry.

    ``family``: the pre-specified outcomes of the multiplicity family (empty: all).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"subject_id": "a", "visit": ["BL", "M12"], "day": [0, 365],
    ...                   "outcome": "SDMT", "value": [40.0, 44.0]})
    >>> t = Trial.from_tables(pd.DataFrame({"subject_id": ["a"]}), m)
    >>> text = methods_text(t, n_boot=500, seed=3)
    >>> "500 bootstrap resamples" in text and "seed 3" in text and "(SDMT): 4 correct answers" in text
    True
    """
    level = f"{ci:.0%}"
    methods = set()
    if effects is not None and "ci_method" in effects and len(effects):
        methods = set(effects["ci_method"].dropna().astype(str)) - {""}
    if methods == {"analytic"}:
        ci_text = f"an analytic {level} confidence interval"
    else:
        ci_text = (f"a {level} bias-corrected and accelerated (BCa) bootstrap confidence "
                   f"interval ({n_boot} bootstrap resamples of subjects, seed {seed})")
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
        f"by {PADJUST_NAMES.get(padjust, padjust)}"
        + (f" within the pre-specified outcomes ({', '.join(family)}), the other outcomes "
           "forming a separate exploratory family" if family and padjust != "none" else "")
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
    >>> s = pd.DataFrame({"subject_id": ["a", "b"]})
    >>> m = pd.DataFrame({"subject_id": ["a"], "visit": ["BL"], "day": [0],
    ...                   "outcome": ["SDMT"], "value": [40.0]})
    >>> ae = pd.DataFrame({"subject_id": ["a", "a"], "term": ["Headache"] * 2})
    >>> safety_summary(Trial.from_tables(s, m, ae))[["Term", "Events", "Subjects"]]
           Term  Events Subjects
    0  Headache       2  1 (50%)
    """
    from .safety import incidence_table

    return incidence_table(trial)


def key_figures(trial: Trial, effects: pd.DataFrame, *, n_boot: int | None = None,
                seed: int | None = None, visit: str | None = None,
                settings: AnalysisSettings | None = None) -> list[tuple[str, object]]:
    """``(file stem, figure)`` of every presenter slide that has a figure, in slide order.

    ``settings`` (or ``n_boot`` / ``seed``) are the analysis settings of the figures;
    ``visit`` the follow-up visit of the overview figures (default: closest to a year).
    """
    import re

    from .slides import slide_figure, slides

    settings = _settings(settings, n_boot=n_boot, seed=seed)
    out = []
    for k, slide in enumerate(slides(trial, effects, visit=visit, settings=settings), start=1):
        fig = slide_figure(trial, slide, settings=settings)
        if fig is not None:
            stem = re.sub(r"[^A-Za-z0-9_-]+", "_", slide.title).strip("_")[:70]
            out.append((f"{k:02d}_{stem}", fig))
    return out


def key_figures_zip(trial: Trial, effects: pd.DataFrame, *, n_boot: int | None = None,
                    seed: int | None = None, visit: str | None = None,
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
        for stem, fig in key_figures(trial, effects, n_boot=n_boot, seed=seed, visit=visit,
                                     settings=settings):
            for fmt in ("png", "svg"):
                zf.writestr(f"{stem}.{fmt}", figure_to_image(fig, fmt))
    return buf.getvalue()


# ------------------------------------------------------------------- HTML
_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       margin: 0 auto; max-width: 1200px; padding: 24px 32px 64px; color: #1a1a1a;
       line-height: 1.5; font-size: 16px; }
h1 { font-size: 2rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.5rem; border-bottom: 2px solid #0072B2; padding-bottom: 4px;
     margin-top: 2.5rem; }
h3 { font-size: 1.2rem; margin-top: 1.6rem; }
.meta, .generated { color: #555; margin: 0.2rem 0; }
.banner { background: #FFF4E0; border-left: 5px solid #E69F00; padding: 8px 14px; }
nav ol { columns: 2; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.8rem 0; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left;
         vertical-align: top; }
th { background: #f3f6f9; position: sticky; top: 0; }
tbody tr:nth-child(even) { background: #fafafa; }
.table-wrap { overflow-x: auto; }
ul.findings li { margin-bottom: 0.4rem; }
.sig { font-weight: 600; }
.figure { margin: 0.6rem 0 1.4rem; }
.note { color: #666; font-style: italic; }
dl.kv { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
dl.kv dt { font-weight: 600; }
dl.kv dd { margin: 0; font-family: ui-monospace, Menlo, Consolas, monospace;
           word-break: break-all; }
@media print { .figure { break-inside: avoid; } nav { display: none; } }
"""

_MARKS = {"improved": "▲", "worsened": "▼", "unchanged": "●"}


class _Figures:
    """Numbered plotly divs; plotly.js inlined with the first figure only."""

    def __init__(self) -> None:
        self.count = 0

    def html(self, fig, caption: str = "") -> str:
        if fig is None:
            return f'<p class="note">{html.escape(caption or "Figure not available.")}</p>'
        self.count += 1
        body = fig.to_html(
            full_html=False,
            include_plotlyjs=self.count == 1,
            div_id=f"figure-{self.count}",
            config={"displaylogo": False, "responsive": True},
        )
        cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        return f'<figure class="figure">{body}{cap}</figure>'


def _table(df: pd.DataFrame) -> str:
    if df is None or df.empty:
        return '<p class="note">Nothing to show.</p>'
    return ('<div class="table-wrap">'
            + df.to_html(index=False, escape=True, border=0, na_rep="–",
                         classes="data")
            + "</div>")


def _today(date) -> str:
    if date is None:
        return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(date, (_dt.date, _dt.datetime)):
        return date.isoformat()
    return str(date)


def _settings(settings: AnalysisSettings | None, **loose) -> AnalysisSettings:
    """``settings`` with the loose keywords that were given (None = keep)."""
    settings = settings or AnalysisSettings()
    given = {k: v for k, v in loose.items() if v is not None}
    return settings.replace(**given) if given else settings


@dataclass
class _Report:
    """What every section of one report reads and writes."""

    trial: Trial
    settings: AnalysisSettings
    effects: pd.DataFrame
    visit: str | None
    found: list
    figs: _Figures
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


def _summary(r: _Report) -> list[str]:
    e, trial = html.escape, r.trial
    arms = ("single arm" if trial.is_single_arm
            else f"{len(trial.arms)} arms ({', '.join(trial.arms)})")
    parts = [
        f"<p><strong>{trial.n_subjects} subjects</strong>, {e(arms)}; baseline and "
        f"{len(trial.followup_visits)} follow-up visits "
        f"({e(', '.join(trial.followup_visits) or 'none')}). "
        f"Outcomes: {e(', '.join(trial.outcome(c).label_and_code for c in trial.outcomes))}.</p>",
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


def _table_one(r: _Report) -> list[str]:
    from .table1 import table_one

    return [_table(table_one(r.trial)),
            '<p class="note">Mean (SD) and median [Q1, Q3] of numbers, n (%) of the subjects '
            "with a known value for categories; baseline outcome values at the baseline "
            "visit.</p>"]


def _between(r: _Report) -> list[str]:
    from .between import report_html

    parts = report_html(r.trial, r.between, r)
    r.tick("between arms")
    return parts


def _overview(r: _Report) -> list[str]:
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


def _trend_line(r: _Report, code: str) -> str:
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


def _domain(r: _Report, domain: str) -> list[str]:
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


def _effect_table(r: _Report) -> list[str]:
    from .tables import format_effect_table

    parts = [_table(format_effect_table(r.effects, r.trial.registry, ci=r.settings.ci))]
    r.tick("effect table")
    return parts


def _progression(r: _Report) -> list[str]:
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


def _safety(r: _Report) -> list[str]:
    if not len(r.trial.adverse_events):
        r.tick("safety")
        return ['<p class="note">The data has no adverse-event table.</p>']
    parts = []
    headline = next((f.text for f in r.found if f.domain == "safety"), "")
    if headline:
        parts.append(f"<p>{html.escape(headline)}</p>")
    parts.append(_table(safety_summary(r.trial)))
    parts.append(r.figure("swimmer"))
    r.tick("safety")
    return parts


def _methods(r: _Report) -> list[str]:
    s = r.settings
    return [f"<p>{html.escape(methods_text(r.trial, r.effects, n_boot=s.n_boot, seed=s.seed, ci=s.ci, padjust=s.padjust, family=s.family))}</p>"]


def _reproducibility(r: _Report) -> list[str]:
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


def _reproduce(r: _Report) -> list[str]:
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


def build_report(trial: Trial, *, n_boot: int | None = None, seed: int | None = None,
                 ci: float | None = None, padjust: str | None = None, date=None,
                 effects: pd.DataFrame | None = None, progress: Progress | None = None,
                 visit: str | None = None, settings: AnalysisSettings | None = None) -> str:
    """A self-contained HTML report of ``trial``: the :data:`SECTIONS` in order.

    Parameters
    ----------
    trial : Trial
        The (possibly filtered) trial; its filters are listed in the report.
    settings : AnalysisSettings, optional
        The analysis settings (default: the defaults).
    n_boot, seed, ci, padjust
        Single settings, replacing those of ``settings`` when given.
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
    >>> import pandas as pd
    >>> m = pd.DataFrame({"subject_id": list("abcd") * 2,
    ...                   "visit": ["BL"] * 4 + ["M12"] * 4, "day": [0] * 4 + [365] * 4,
    ...                   "outcome": "SDMT", "value": [40, 52, 38, 45, 44, 55, 39, 50]})
    >>> t = Trial.from_tables(pd.DataFrame({"subject_id": list("abcd")}), m)
    >>> page = build_report(t, n_boot=200, date="2025-01-01")
    >>> page.startswith("<!DOCTYPE html>") and "SDMT" in page and "2025-01-01" in page
    True
    """
    from .effects import effect_sizes
    from .memo import compute

    settings = _settings(settings, n_boot=n_boot, seed=seed, ci=ci, padjust=padjust)
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
    r = _Report(trial, settings, effects, visit, found, _Figures(), tick, between)
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
    return "\n".join(_head(trial, date, toc) + parts + ["</body></html>", ""])


def _head(trial: Trial, date, toc) -> list[str]:
    e = html.escape
    title = f"Trial report: {trial.source}" if trial.source else "Trial report"
    head = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f'<p class="meta">msc-dash {e(__version__)} · data fingerprint '
        f"{e(trial.fingerprint[:12])} · filters: {e(describe_filters(trial.filters))}</p>",
        f'<p class="generated">Generated {e(_today(date))}</p>',
    ]
    if is_simulated(trial):
        head.append(f'<p class="banner">{SIMULATED_NOTE}</p>')
    head.append("<nav><ol>" + "".join(f'<li><a href="#{a}">{e(t)}</a></li>' for a, t in toc)
                + "</ol></nav>")
    return head
