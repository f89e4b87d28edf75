"""The report as a Word document (python-docx), for authors and journals.

:func:`build_docx` writes what the HTML report (:mod:`msc_dash.report`)
holds, with real Word tables a journal's editor can restyle: Table 1
(baseline characteristics), the effect table, the between-arm table (two
arms), the adverse-event tables; the key figures as high-resolution images;
the methods paragraph, references, the data fingerprint and software
versions.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd

from .crossover_summary import arms_are_sequences
from .io.samples import SIMULATED_NOTE, is_simulated
from .settings import AnalysisSettings
from .slides import describe_filters
from .trial import Trial

__all__ = ["build_docx", "REFERENCES", "EFFECT_COLUMNS"]

#: Columns of the formatted effect table that the Word table keeps (a page is narrow).
EFFECT_COLUMNS = ["Arm", "Measure", "Visit", "n", "Baseline mean (SD)", "Visit mean (SD)",
                  "Change [{ci} CI]", "Hedges' g [{ci} CI]", "GMR [{ci} CI]", "p (t-test)",
                  "p (adjusted)", "Improved"]

_MARGIN = 822960  # 0.9 inch in EMU
_WIDTH = 6.3  # inches of a figure on a portrait page

REFERENCES = [
    "Hedges LV. Distribution theory for Glass's estimator of effect size and related "
    "estimators. J Educ Stat 1981;6:107-128.",
    "Efron B. Better bootstrap confidence intervals. J Am Stat Assoc 1987;82:171-185.",
    "Holm S. A simple sequentially rejective multiple test procedure. Scand J Stat "
    "1979;6:65-70.",
    "Benjamini Y, Hochberg Y. Controlling the false discovery rate. J R Stat Soc B "
    "1995;57:289-300.",
    "Wilson EB. Probable inference, the law of succession, and statistical inference. "
    "J Am Stat Assoc 1927;22:209-212.",
    "Kerby DS. The simple difference formula: an approach to teaching nonparametric "
    "correlation. Compr Psychol 2014;3:11.IT.3.1.",
    "Cadavid D, et al. The EDSS-Plus, an improved endpoint for disability progression in "
    "secondary progressive multiple sclerosis. Mult Scler 2017;23:94-105.",
    "Vallat R. Pingouin: statistics in Python. J Open Source Softw 2018;3:1026.",
    "Seabold S, Perktold J. statsmodels: econometric and statistical modeling with Python. "
    "Proc 9th Python in Science Conference 2010.",
]


def _table(doc, df: pd.DataFrame, *, font_pt: float = 8.5, caption: str = ""):
    """``df`` as a Word table with a bold, repeated header row."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    if caption:
        para = doc.add_paragraph(caption, style="Caption")
        para.paragraph_format.keep_with_next = True
    if df is None or df.empty:
        doc.add_paragraph("Nothing to show.")
        return None
    table = doc.add_table(rows=1, cols=len(df.columns))
    table.style = "Table Grid"
    header = table.rows[0]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(flag)
    for cell, name in zip(header.cells, df.columns, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(name))
        run.bold = True
        run.font.size = Pt(font_pt)
    texts = [["–" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
              for v in values] for values in df.itertuples(index=False)]
    for row in texts:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(font_pt)
    # columns as wide as their longest word-wrapped content needs, filling the text width
    section = doc.sections[-1]
    room = section.page_width - section.left_margin - section.right_margin
    def need(i: int, name) -> float:
        cells = [str(name)] + [r[i] for r in texts]
        word = max(len(w) for text in cells for w in (text.split() or [""]))
        return max(word + 3, 0.55 * min(max(len(t) for t in cells[1:] or [""]), 30))

    need = [need(i, name) for i, name in enumerate(df.columns)]
    table.autofit = False
    for i, column in enumerate(table.columns):
        width = int(room * need[i] / sum(need))
        column.width = width  # the grid, which LibreOffice reads; Word reads the cells
        for cell in column.cells:
            cell.width = width
    return table


def _figure(doc, fig, caption: str, width_in: float) -> None:
    from docx.shared import Inches

    from .export import figure_to_image

    if fig is None:
        return
    png = figure_to_image(fig, "png", width=1100, height=int(fig.layout.height or 560),
                          scale=2)
    doc.add_picture(io.BytesIO(png), width=Inches(width_in))
    doc.add_paragraph(caption, style="Caption")


def _new_page(doc, landscape: bool):
    """A new section on a new page, turned to ``landscape`` (or back to portrait)."""
    from docx.enum.section import WD_ORIENT, WD_SECTION

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = _MARGIN
    return section


def arms_table(trial: Trial, settings: AnalysisSettings | None = None):
    """The between-arm table (first arm vs second) formatted for a document, or None."""
    from .arms import compare_arms
    from .tables import format_ci, format_p

    if len(trial.arms) != 2 or arms_are_sequences(trial):
        return None
    treatment, control = trial.arms
    settings = settings or AnalysisSettings()
    t = compare_arms(trial, treatment, control, settings=settings)
    level = f"{settings.ci:.0%}"
    return pd.DataFrame({
        "Measure": [trial.outcome(c).label for c in t["outcome"]], "Visit": t["visit"],
        f"n ({treatment} / {control})": [f"{a} / {b}" for a, b in
                                         zip(t["n_treatment"], t["n_control"], strict=True)],
        f"Adjusted difference [{level} CI]": [
            format_ci(r.adjusted_difference, r.adjusted_ci_low, r.adjusted_ci_high, sign=True)
            for r in t.itertuples()],
        f"Hedges' g [{level} CI]": [format_ci(r.hedges_g, r.hedges_g_ci_low,
                                              r.hedges_g_ci_high, sign=True)
                                    for r in t.itertuples()],
        "p (ANCOVA)": [format_p(p) for p in t["p_ancova"]]})


def _chart(name: str, trial: Trial, settings: AnalysisSettings, **params):
    from .charts import build

    try:
        return build(name, trial, settings, **params)
    except (ValueError, KeyError, IndexError):  # odd data: the document goes without it
        return None


def _summary(doc, trial: Trial, found, visit, date) -> None:
    from . import __version__
    from .report_html import today as _today

    doc.add_heading(f"Trial report: {trial.source}" if trial.source else "Trial report", 0)
    doc.add_paragraph(f"msc-dash {__version__} · data fingerprint {trial.fingerprint[:12]} · "
                      f"filters: {describe_filters(trial.filters)} · generated {_today(date)}")
    if is_simulated(trial):
        doc.add_paragraph().add_run(SIMULATED_NOTE).bold = True
    doc.add_heading("Summary", 1)
    arms = ("single arm" if trial.is_single_arm
            else f"{len(trial.arms)} arms ({', '.join(trial.arms)})")
    doc.add_paragraph(f"{trial.n_subjects} subjects, {arms}; baseline and "
                      f"{len(trial.followup_visits)} follow-up visits "
                      f"({', '.join(trial.followup_visits) or 'none'}).")
    if found:
        doc.add_paragraph(f"Key findings at {visit}:")
        for f in found:
            doc.add_paragraph(f.text, style="List Bullet")


def _effect_tables(doc, trial: Trial, effects: pd.DataFrame, settings) -> None:
    from .tables import format_effect_table

    _new_page(doc, landscape=True)
    doc.add_heading("Effect sizes", 1)
    level = f"{settings.ci:.0%}"
    formatted = format_effect_table(effects, trial.registry, ci=settings.ci)
    keep = [c.format(ci=level) for c in EFFECT_COLUMNS if c.format(ci=level) in formatted]
    _table(doc, formatted[keep], font_pt=8, caption="Table 2. Change from baseline per arm, "
           f"outcome and follow-up visit (paired; {level} CI; p adjusted by "
           f"{settings.padjust}).")
    if arms_are_sequences(trial):  # every subject had both treatments: no arm contrast
        from .crossover import treatments
        from .crossover_summary import crossover_summary, display_table

        treatment, control = treatments(trial)
        _table(doc, display_table(trial, crossover_summary(trial, ci=settings.ci),
                                  ci=settings.ci), font_pt=8,
               caption=f"Table 3. {treatment} vs {control} within subjects: crossover mixed "
               "model (sequence + period + treatment, random subject intercept) of the change "
               "within each period, beside the first period alone and the carryover test; "
               "ratios for log-scale outcomes. The arms are the crossover sequences.")
        return
    if len(trial.arms) == 2:
        from .between import display_table
        from .mmrm import mmrm_table

        treatment, control = trial.arms
        mmrm = mmrm_table(trial, treatment, control, settings=settings)
        _table(doc, display_table(mmrm, trial, ci=settings.ci), font_pt=8,
               caption=f"Table 3. {treatment} vs {control}: MMRM contrast of the change from "
               "baseline at each visit (treatment policy, missing at random; ratios for "
               "log-scale outcomes).")
    between = arms_table(trial, settings)
    if between is not None:
        treatment, control = trial.arms
        _table(doc, between, font_pt=8, caption=f"Table 4. {treatment} vs {control}: "
               "difference in the change from baseline adjusted for baseline (ANCOVA) and "
               "Hedges' g of the change (sensitivity analysis, complete cases).")


def _safety(doc, trial: Trial, found, settings, figures: bool) -> None:
    from .report import safety_summary

    doc.add_heading("Safety", 1)
    if not len(trial.adverse_events):
        doc.add_paragraph("The data has no adverse-event table.")
        return
    headline = next((f.text for f in found if f.domain == "safety"), "")
    if headline:
        doc.add_paragraph(headline)
    _table(doc, safety_summary(trial), font_pt=8, caption="Adverse events by body system "
           "and term: subjects with an event (%), events, serious and related events.")
    if figures:
        _figure(doc, _chart("swimmer", trial, settings),
                "Adverse events per patient over time.", _WIDTH)


def _trajectories(doc, trial: Trial, settings) -> None:
    from .slides import domain_outcomes

    doc.add_heading("Outcomes over time", 1)
    for codes in domain_outcomes(trial).values():
        out = trial.outcome(codes[0])
        _figure(doc, _chart("trajectory", trial, settings, outcome=codes[0]),
                f"{out.label} ({out.code}): mean at each visit with {settings.ci:.0%} CI.",
                _WIDTH)


def _closing(doc, trial: Trial, effects, settings, visit) -> None:
    from docx.shared import Pt

    from .report import methods_text, software_versions
    from .reproduce import python_code

    doc.add_heading("Methods", 1)
    doc.add_paragraph(methods_text(trial, effects, settings))
    doc.add_heading("References", 1)
    for ref in REFERENCES:
        doc.add_paragraph(ref, style="List Number")
    doc.add_heading("Data and software", 1)
    kv = {"Data fingerprint (sha256)": trial.fingerprint, "Source": trial.source or "–",
          "Settings": settings.describe(), **software_versions()}
    _table(doc, pd.DataFrame({"Item": list(kv), "Value": [str(v) for v in kv.values()]}))
    if visit:
        doc.add_heading("Appendix: reproduce in Python", 1)
        doc.add_paragraph("These lines give the effect table of this report (result: the "
                          f"rows at {visit}).")
        para = doc.add_paragraph()
        run = para.add_run(python_code(trial, "overview", settings, visit=visit))
        run.font.name = "Consolas"
        run.font.size = Pt(8.5)


def build_docx(trial: Trial, *, settings: AnalysisSettings | None = None,
               effects: pd.DataFrame | None = None, date=None, figures: bool = True,
               progress: Callable[[int, int, str], None] | None = None) -> bytes:
    """The report as a ``.docx`` file (bytes).

    Parameters
    ----------
    trial : Trial
        The (possibly filtered) trial; its filters are stated.
    settings : AnalysisSettings, optional
        The analysis settings (default: :class:`~msc_dash.settings.AnalysisSettings()`).
    effects : pandas.DataFrame, optional
        The effect table at these settings, when already computed.
    date : str, optional
        Text of the "Generated" line (default: now, UTC).
    figures : bool
        Draw the key figures (needs Chrome/Chromium); False leaves them out.
    progress : callable, optional
        Called as ``progress(step, total, label)``.

    Examples
    --------
    >>> import io, msc_dash, docx
    >>> t = msc_dash.load_sample()
    >>> s = msc_dash.AnalysisSettings(n_boot=200)
    >>> data = build_docx(t, settings=s, figures=False, date="2026-01-01")
    >>> d = docx.Document(io.BytesIO(data))
    >>> [p.text for p in d.paragraphs if p.style.name == "Heading 1"][:3]
    ['Summary', 'Baseline characteristics', 'Effect sizes']
    >>> d.tables[0].rows[0].cells[0].text, d.tables[0].rows[1].cells[2].text
    ('Characteristic', '23')
    """
    import docx
    from docx.shared import Pt

    from .effects import effect_sizes
    from .findings import findings, one_year_visit, safety_numbers
    from .table1 import table_one

    steps = ["effects", "summary", "table 1", "effect table", "safety", "methods"]
    tick = (lambda i: progress(i + 1, len(steps), steps[i])) if progress else (lambda i: None)
    settings = settings or AnalysisSettings()
    if effects is None:
        effects = effect_sizes(trial, settings=settings)
    tick(0)
    visit = one_year_visit(trial)
    safety = safety_numbers(trial) if len(trial.adverse_events) else None
    found = findings(trial, effects, visit=visit, safety=safety) if visit else []
    doc = docx.Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.sections[0].left_margin = doc.sections[0].right_margin = _MARGIN
    _summary(doc, trial, found, visit, date)
    tick(1)
    if figures and visit:
        _figure(doc, _chart("forest", trial, settings, visit=visit,
                            title=f"Effect sizes at {visit}"),
                f"Figure 1. Hedges' g at {visit} with {settings.ci:.0%} CI; positive = "
                "improvement.", _WIDTH)
    doc.add_heading("Baseline characteristics", 1)
    _table(doc, table_one(trial), caption="Table 1. Baseline characteristics: mean (SD) and "
           "median [Q1, Q3] of numbers, n (%) of the subjects with a known value.")
    tick(2)
    _effect_tables(doc, trial, effects, settings)
    tick(3)
    _new_page(doc, landscape=False)
    _safety(doc, trial, found, settings, figures)
    tick(4)
    if figures:
        _trajectories(doc, trial, settings)
    _closing(doc, trial, effects, settings, visit)
    tick(5)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
