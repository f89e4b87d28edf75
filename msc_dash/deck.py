"""The presenter's slides as a PowerPoint deck (python-pptx).

:func:`build_deck` walks the same slides as the presenter mode
(:func:`msc_dash.slides.slides`): a title slide with the trial, the data
fingerprint and the date, then one finding per slide. Each slide has its
chart as a high-resolution PNG (kaleido, 2.75x pixel density), the numbers as
native text (editable, searchable, readable by a screen reader) and speaker
notes holding the methods paragraph and the exact values behind the slide.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import pandas as pd

from .figures.legible import legible
from .figures.log_axis import fit_log_axes
from .io.samples import SIMULATED_NOTE, is_simulated
from .settings import AnalysisSettings
from .slides import Slide, describe_filters, slide_figure, slides
from .trial import Trial

__all__ = ["build_deck", "slide_numbers", "PPTX_MIME"]

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_W, _H = 13.333, 7.5  # inches, 16:9
# CSS px of a rendered chart (x 2.75 -> 2750 x 1595 px): on a 1080-line projector the
# chart is ~1250 px wide, so 18-px chart text shows at ~22 px
_FIG_W, _FIG_H = 1000, 580
_DARK = (0x1A, 0x1A, 0x1A)
_MUTED = (0x55, 0x55, 0x55)
_STATUS = {"improved": (0x00, 0x7A, 0x5A), "worsened": (0xB3, 0x4A, 0x00)}


def _fmt(x, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}g}"


def _p(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return "< 0.001" if x < 0.001 else f"{x:.3f}"


def slide_numbers(trial: Trial, effects: pd.DataFrame, slide: Slide) -> list[tuple[str, str]]:
    """The key numbers of a finding slide, as (label, value) pairs ([] for other slides).

    Examples
    --------
    >>> import msc_dash
    >>> from msc_dash.slides import Slide
    >>> t = msc_dash.load_sample()
    >>> e = msc_dash.effect_sizes(t, settings=msc_dash.AnalysisSettings(n_boot=200))
    >>> nums = dict(slide_numbers(t, e, Slide("finding", "x", outcome="SDMT",
    ...                                       visit="Month 12", arm="All")))
    >>> nums["Subjects"], nums["Mean at baseline → visit"]
    ('22', '42.8 → 44.4')
    """
    if slide.kind != "finding":
        return []
    rows = effects[(effects["outcome"] == slide.outcome) & (effects["visit"] == slide.visit)
                   & (effects["arm"] == (slide.arm or effects["arm"]))]
    if rows.empty:
        return []
    r = rows.iloc[0]
    out = trial.outcome(slide.outcome)
    unit = f" {out.change_unit}"
    nums = [("Subjects", f"{int(r['n'])}"),
            ("Mean at baseline → visit", f"{_fmt(r['baseline_mean'])} → {_fmt(r['visit_mean'])}"),
            ("Mean change [CI]", f"{r['change_mean']:+.3g}{unit} [{_fmt(r['change_ci_low'])}, "
                                 f"{_fmt(r['change_ci_high'])}]")]
    if out.scale == "log" and pd.notna(r.get("gmr")):
        nums.append(("Geometric mean ratio [CI]", f"{r['gmr']:.3f} [{r['gmr_ci_low']:.3f}, "
                                                  f"{r['gmr_ci_high']:.3f}]"))
    nums += [("Hedges' g [CI]", f"{r['hedges_g']:+.2f} [{r['hedges_g_ci_low']:.2f}, "
                                f"{r['hedges_g_ci_high']:.2f}]"),
             ("p (t-test) / adjusted", f"{_p(r['p_ttest'])} / {_p(r['p_adjusted'])}")]
    if pd.notna(r.get("improved_n")):
        nums.append(("Improved meaningfully", f"{int(r['improved_n'])} of {int(r['n'])} "
                                              f"({r['improved_pct']:.0f}%)"))
    return nums


def _exact_values(trial: Trial, effects: pd.DataFrame, slide: Slide) -> str:
    """Full-precision values of the slide's effect row, for the speaker notes."""
    if slide.kind != "finding":
        return ""
    rows = effects[(effects["outcome"] == slide.outcome) & (effects["visit"] == slide.visit)
                   & (effects["arm"] == (slide.arm or effects["arm"]))]
    if rows.empty:
        return ""
    r = rows.iloc[0]
    skip = {"arm", "outcome", "domain", "visit", "note"}
    return "Exact values: " + "; ".join(
        f"{k} = {v!r}" if isinstance(v, str) else f"{k} = {v:.10g}"
        for k, v in r.items() if k not in skip and pd.notna(v) and v != "")


def _text(slide_obj, left, top, width, height, paragraphs, *, size=20, bold_first=False,
          color=_DARK):
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    box = slide_obj.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, item in enumerate(paragraphs):
        text, opts = (item, {}) if isinstance(item, str) else item
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = text
        run.font.size = Pt(opts.get("size", size))
        run.font.bold = opts.get("bold", bold_first and i == 0)
        run.font.color.rgb = RGBColor(*opts.get("color", color))
        para.space_after = Pt(opts.get("space", 6))
    return box


def _title_slide(prs, trial: Trial, intro: str, date: str) -> None:
    s = prs.slides.add_slide(prs.slide_layouts[6])
    _text(s, 0.8, 1.6, _W - 1.6, 1.6, [(s_title := (trial.source or "Trial results"),
                                        {"size": 40, "bold": True})])
    lines = [intro, (f"Filters: {describe_filters(trial.filters)}", {"color": _MUTED}),
             (f"Data fingerprint (sha256): {trial.fingerprint[:16]}…  ·  {date}",
              {"color": _MUTED, "size": 16})]
    if is_simulated(trial):
        lines.append((SIMULATED_NOTE,
                      {"color": _STATUS["worsened"], "bold": True}))
    _text(s, 0.8, 3.3, _W - 1.6, 3.5, lines, size=22)
    s.notes_slide.notes_text_frame.text = (
        f"{s_title}. Full data fingerprint (sha256): {trial.fingerprint}. Generated {date}.")


def _content_slide(prs, trial, effects, slide: Slide, png: bytes | None, size: tuple,
                   methods: str) -> None:
    from pptx.util import Inches

    s = prs.slides.add_slide(prs.slide_layouts[6])
    _text(s, 0.5, 0.25, _W - 1.0, 0.8,
          [(slide.title, {"size": 30 if len(slide.title) <= 45 else 24, "bold": True})])
    top = 1.1
    if slide.text:
        color = _STATUS.get(slide.status, _DARK) if slide.significant else _DARK
        _text(s, 0.5, top, _W - 1.0, 1.0, [(slide.text, {"size": 18, "color": color})])
        top = 2.2
    nums = slide_numbers(trial, effects, slide)
    room_w = _W - 1.0 - (4.1 if nums else 0)
    room_h = _H - top - 0.2
    if png is not None:
        width = min(room_w, room_h * size[0] / size[1])
        left = 0.4 + (room_w - width) / 2 if not nums else 0.4
        s.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top), width=Inches(width))
    if nums:
        panel = []
        for label, value in nums:
            panel.append((label, {"size": 13, "color": _MUTED, "space": 0}))
            panel.append((value, {"size": 18, "bold": True, "space": 8}))
        _text(s, _W - 4.4, top, 3.9, room_h, panel)
    notes = [slide.title + ".", slide.text, _exact_values(trial, effects, slide),
             "Methods: " + methods]
    s.notes_slide.notes_text_frame.text = "\n\n".join(n for n in notes if n)


def _png(fig, slide: Slide) -> tuple[bytes, tuple[int, int]]:
    from .export import figure_to_image

    rows = (len({y for tr in fig.data for y in (tr.y if tr.y is not None else ())})
            if slide.kind in ("overview", "arms") else 0)
    size = (_FIG_W, max(_FIG_H, min(900, 120 + 32 * rows)))
    fig = legible(fig, base=20)
    fig.update_layout(height=None, width=None)
    margin = fig.layout.margin
    fit_log_axes(fig, height_px=size[1] - (margin.t or 100) - (80 if margin.b is None else margin.b),
                 width_px=size[0] - (margin.l or 80) - (margin.r or 80), font_px=20)
    return figure_to_image(fig, "png", width=size[0], height=size[1], scale=2.75), size


def build_deck(trial: Trial, *, settings: AnalysisSettings | None = None,
               effects: pd.DataFrame | None = None, visit: str | None = None,
               date: str | None = None,
               progress: Callable[[int, int, str], None] | None = None) -> bytes:
    """The presenter's slides as a ``.pptx`` file (bytes).

    Parameters
    ----------
    trial : Trial
        The (possibly filtered) trial.
    settings : AnalysisSettings, optional
        The analysis settings (default: :class:`~msc_dash.settings.AnalysisSettings()`).
    effects : pandas.DataFrame, optional
        The effect table at these settings, when already computed.
    visit : str, optional
        The overview's visit (default: the follow-up closest to a year).
    date : str, optional
        Date on the title slide (default: today, UTC).
    progress : callable, optional
        Called as ``progress(step, total, label)``.

    Raises
    ------
    msc_dash.export.ExportError
        When no Chrome/Chromium is installed to draw the charts.
    """
    from pptx import Presentation
    from pptx.util import Inches

    from .effects import effect_sizes
    from .findings import safety_numbers
    from .report import methods_text
    from .report_html import today as _today

    settings = settings or AnalysisSettings()
    if effects is None:
        effects = effect_sizes(trial, settings=settings)
    safety = safety_numbers(trial) if len(trial.adverse_events) else None
    walk = slides(trial, effects, visit=visit, safety=safety, settings=settings)
    methods = methods_text(trial, effects, settings)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(_W), Inches(_H)
    date = _today(date)
    for i, slide in enumerate(walk):
        if progress is not None:
            progress(i + 1, len(walk), slide.title)
        if slide.kind == "title":
            _title_slide(prs, trial, slide.text, date)
            continue
        fig = slide_figure(trial, slide, effects, settings=settings)
        png, size = _png(fig, slide) if fig is not None else (None, (_FIG_W, _FIG_H))
        _content_slide(prs, trial, effects, slide, png, size, methods)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
