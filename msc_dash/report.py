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
from importlib import metadata

import pandas as pd

from . import __version__
from .findings import describe_p_basis, findings, one_year_visit, safety_numbers
from .slides import (
    DOMAIN_TITLES,
    arms_chart,
    describe_filters,
    domain_outcomes,
    estimation_chart,
    overview_figure,
    safety_chart,
    trajectory_chart,
)
from .trial import Trial

__all__ = ["build_report", "key_figures", "key_figures_zip", "methods_text", "safety_summary",
           "software_versions", "PADJUST_NAMES"]

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
                 seed: int = 0, ci: float = 0.95, padjust: str = "holm") -> str:
    """The methods paragraph, generated from the settings and the registry.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"subject_id": "a", "visit": ["BL", "M12"], "day": [0, 365],
    ...                   "outcome": "SDMT", "value": [40.0, 44.0]})
    >>> t = Trial.from_tables(pd.DataFrame({"subject_id": ["a"]}), m)
    >>> text = methods_text(t, n_boot=500, seed=3)
    >>> "500 bootstrap resamples" in text and "seed 3" in text and "SDMT: 4 correct answers" in text
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
            rules.append(f"{code}: {out.rule_text}")
    rule_text = ("; ".join(rules) + "." if rules
                 else "no outcome in the data has a meaningful-change rule.")
    logs = [c for c in trial.outcomes if trial.outcome(c).scale == "log"]
    design = ("Each arm's values" if not trial.is_single_arm else "Values")
    text = (
        f"{design} at each follow-up visit were compared with the same subjects' baseline "
        "(paired analysis; subjects missing either value were left out of that comparison). "
        "Tests: two-sided paired t-test and Wilcoxon signed-rank test; matched-pairs "
        "rank-biserial correlation. Effect size: Hedges' g for paired data (average-SD "
        f"standardiser, bias-corrected; positive = improvement) with {ci_text}. Mean changes "
        f"are given with t-based {level} confidence intervals"
        + (f"; geometric mean ratios (visit / baseline) for log-scale outcomes "
           f"({', '.join(logs)})" if logs else "")
        + ". Paired t-test p values were adjusted across outcomes within each arm and visit "
        f"by {PADJUST_NAMES.get(padjust, padjust)}. Responders: a change counts as "
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


def key_figures(trial: Trial, effects: pd.DataFrame, *, n_boot: int = 2000,
                seed: int = 0, visit: str | None = None) -> list[tuple[str, object]]:
    """``(file stem, figure)`` of every presenter slide that has a figure, in slide order.

    ``visit``: the follow-up visit of the overview figures (default: closest to a year).
    """
    import re

    from .slides import slide_figure, slides

    out = []
    for k, slide in enumerate(slides(trial, effects, visit=visit), start=1):
        fig = slide_figure(trial, slide, effects, n_boot=n_boot, seed=seed)
        if fig is not None:
            stem = re.sub(r"[^A-Za-z0-9_-]+", "_", slide.title).strip("_")[:70]
            out.append((f"{k:02d}_{stem}", fig))
    return out


def key_figures_zip(trial: Trial, effects: pd.DataFrame, *, n_boot: int = 2000,
                    seed: int = 0, visit: str | None = None) -> bytes:
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
        for stem, fig in key_figures(trial, effects, n_boot=n_boot, seed=seed, visit=visit):
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


def build_report(trial: Trial, *, n_boot: int = 2000, seed: int = 0, ci: float = 0.95,
                 padjust: str = "holm", date=None, effects: pd.DataFrame | None = None,
                 progress: Progress | None = None, visit: str | None = None) -> str:
    """A self-contained HTML report of ``trial``.

    Parameters
    ----------
    trial : Trial
        The (possibly filtered) trial; its filters are listed in the report.
    n_boot, seed, ci, padjust
        Analysis settings, as in :func:`msc_dash.effect_sizes`.
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

    groups = domain_outcomes(trial)
    total = 4 + sum(len(c) for c in groups.values())
    step = 0

    def tick(label: str) -> None:
        nonlocal step
        step += 1
        if progress is not None:
            progress(min(step, total), total, label)

    if effects is None:
        effects = effect_sizes(trial, n_boot=n_boot, seed=seed, ci=ci, padjust=padjust)
    tick("effect sizes")
    if visit not in trial.followup_visits:
        visit = one_year_visit(trial)
    safety = safety_numbers(trial) if len(trial.adverse_events) else None
    found = findings(trial, effects, visit=visit, safety=safety) if visit else []
    figs = _Figures()
    e = html.escape
    parts: list[str] = []
    toc: list[tuple[str, str]] = []

    def section(anchor: str, title: str) -> None:
        toc.append((anchor, title))
        parts.append(f'<h2 id="{anchor}">{e(title)}</h2>')

    # --- summary and findings
    section("summary", "Summary")
    arms = ("single arm" if trial.is_single_arm
            else f"{len(trial.arms)} arms ({', '.join(trial.arms)})")
    parts.append(
        f"<p><strong>{trial.n_subjects} subjects</strong>, {e(arms)}; baseline and "
        f"{len(trial.followup_visits)} follow-up visits "
        f"({e(', '.join(trial.followup_visits) or 'none')}). "
        f"Outcomes: {e(', '.join(trial.outcomes))}.</p>")
    parts.append(f"<p><strong>Filters in force:</strong> {e(describe_filters(trial.filters))}"
                 "</p>")
    if found:
        parts.append(f"<h3>Key findings at {e(visit)}</h3><ul class='findings'>")
        for f in found:
            mark = _MARKS.get(f.direction, "●") if f.significant else "●"
            cls = ' class="sig"' if f.significant else ""
            parts.append(f"<li{cls}>{mark} {e(f.text)}</li>")
        parts.append("</ul>")
        basis = describe_p_basis(found)
        if basis:
            parts.append(f'<p class="note">{e(basis)}</p>')

    # --- overview forest plot
    section("overview", "Overview: effect sizes")
    parts.append(figs.html(overview_figure(trial, effects, visit) if visit else None,
                           f"Hedges' g at {visit} with {ci:.0%} CI; positive = improvement."
                           if visit else "No follow-up visit."))
    if visit and len(trial.arms) == 2:
        treatment, control = trial.arms
        parts.append(f"<h3>{e(treatment)} vs {e(control)}</h3>")
        parts.append(figs.html(arms_chart(trial, visit, n_boot=n_boot, seed=seed),
                               f"Hedges' g of the change from baseline at {visit}, "
                               f"{treatment} vs {control}; positive favours {treatment}."))
    tick("overview")

    # --- domains
    for domain, codes in groups.items():
        section(f"domain-{domain}", DOMAIN_TITLES.get(domain, domain))
        for code in codes:
            out = trial.outcome(code)
            parts.append(f"<h3>{e(out.label)} ({e(code)})</h3>")
            parts.append(figs.html(trajectory_chart(trial, code),
                                   f"{out.label}: mean at each visit with 95% CI."))
            if visit:
                fig = estimation_chart(trial, effects, code, visit, n_boot=n_boot, seed=seed)
                arms = "" if trial.is_single_arm else " (arms side by side)"
                parts.append(figs.html(
                    fig, f"{out.label}{arms}: baseline and {visit} per subject, with Hedges' "
                         "g, its bootstrap distribution and CI."))
            tick(code)

    # --- effect table
    section("effects", "Effect table")
    from .tables import format_effect_table

    parts.append(_table(format_effect_table(effects, trial.registry, ci=ci)))
    tick("effect table")

    # --- safety
    section("safety", "Safety")
    if len(trial.adverse_events):
        headline = next((f.text for f in found if f.domain == "safety"), "")
        if headline:
            parts.append(f"<p>{e(headline)}</p>")
        parts.append(_table(safety_summary(trial)))
        parts.append(figs.html(safety_chart(trial),
                               "Adverse events per patient over time (swimmer plot)."))
    else:
        parts.append('<p class="note">The data has no adverse-event table.</p>')
    tick("safety")

    # --- methods and reproducibility
    section("methods", "Methods")
    parts.append(f"<p>{e(methods_text(trial, effects, n_boot=n_boot, seed=seed, ci=ci, padjust=padjust))}</p>")
    section("reproducibility", "Data and software")
    kv = {"Data fingerprint (sha256)": trial.fingerprint,
          "Source": trial.source or "–",
          "Settings": f"n_boot={n_boot}, seed={seed}, ci={ci:g}, padjust={padjust}",
          **software_versions()}
    parts.append('<dl class="kv">' + "".join(
        f"<dt>{e(k)}</dt><dd>{e(str(v))}</dd>" for k, v in kv.items()) + "</dl>")
    if trial.warnings:
        parts.append("<h3>Data warnings</h3><ul>"
                     + "".join(f"<li>{e(w)}</li>" for w in trial.warnings) + "</ul>")

    title = f"Trial report: {trial.source}" if trial.source else "Trial report"
    simulated = "simulated" in (trial.source or "").lower()
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
    if simulated:
        head.append('<p class="banner">These are simulated data, not results of a real '
                    "trial.</p>")
    head.append("<nav><ol>" + "".join(f'<li><a href="#{a}">{e(t)}</a></li>' for a, t in toc)
                + "</ol></nav>")
    return "\n".join(head + parts + ["</body></html>", ""])
