"""High-contrast presenter mode: every text colour reaches WCAG AA (4.5:1) on its background.

Issue 17 item 7: no dark-grey-on-black text. The CSS of the mode and every
chart of every slide of the three samples, restyled by
:func:`msc_dash.slides.high_contrast`, are read colour by colour.
"""

from __future__ import annotations

import re

import pytest

import msc_dash
from msc_dash.effects import effect_sizes
from msc_dash.figures.contrast import AA, contrast, parse_color, readable
from msc_dash.findings import safety_numbers
from msc_dash.settings import AnalysisSettings
from msc_dash.slides import high_contrast, slide_figure, slides

INLINE = re.compile(r"color:\s*(#[0-9A-Fa-f]{3,6}|rgba?\([^)]*\))")


def test_contrast_equals_the_wcag_examples():
    # WCAG 2 definition: (L1 + 0.05) / (L2 + 0.05); white on black is 21, #767676 on
    # white the lightest grey that passes AA (4.54), #777777 on white fails (4.48)
    assert contrast("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast("#777777", "#FFFFFF") < AA < contrast("#767676", "#FFFFFF")


@pytest.mark.parametrize("color", ["#555555", "#666", "#444444", "#0072B2", "#9E9E9E"])
def test_readable_reaches_aa_and_keeps_good_colours(color):
    assert contrast(readable(color)) >= AA
    assert readable("#FFEB3B") == "#FFEB3B"


def _css_rules(css: str) -> list[tuple[str, str]]:
    return re.findall(r"([^{}]+)\{([^}]*)\}", css.replace("<style>", "").replace("</style>", ""))


def test_every_colour_of_the_high_contrast_css_reaches_aa_on_black():
    from msc_dash.ui.presenter import _CONTRAST_CSS

    rules = _css_rules(_CONTRAST_CSS)
    assert rules
    checked = 0
    for selector, body in rules:
        for prop, value in re.findall(r"(background|color)\s*:\s*([^;!]+)", body):
            if prop == "background":
                assert parse_color(value.strip()) == (0, 0, 0), (selector, value)
            else:
                assert contrast(value.strip()) >= AA, (selector.strip(), value)
                checked += 1
    assert checked >= 5


def test_every_slide_status_is_recoloured_in_high_contrast():
    # the status line carries an inline colour for the normal theme (#666666 for
    # "no significant change": 3.7:1 on black); the mode must override each one
    from msc_dash.ui.presenter import _CONTRAST_CSS, _STATUS_TEXT

    rules = {sel.strip(): body for sel, body in _css_rules(_CONTRAST_CSS)}
    for status in _STATUS_TEXT:
        body = rules.get(f".slide-status.{status}")
        assert body is not None and "!important" in body, status
        colour = re.search(r"color\s*:\s*([^;!]+)", body).group(1).strip()
        assert contrast(colour) >= AA, (status, colour)


def _text_colours(fig) -> list[tuple[str, str]]:
    """(where, colour) of every text of a figure as drawn: explicit or the layout font's."""
    lay = fig.layout
    default = lay.font.color
    out = [("font", default)]

    def font(where, f):
        out.append((where, f.color if f is not None and f.color else default))

    def inline(where, text):
        out.extend((where, c) for c in INLINE.findall(str(text or "")))

    if lay.title.text:
        font("title", lay.title.font)
        inline("title", lay.title.text)
    font("legend", lay.legend.font)
    for name in [n for n in lay if n.startswith(("xaxis", "yaxis"))]:
        axis = lay[name]
        font(f"{name} ticks", axis.tickfont)
        font(f"{name} title", axis.title.font)
        for t in axis.ticktext or ():
            inline(f"{name} tick {t!r}", t)
    for note in lay.annotations or ():
        font(f"annotation {note.text!r}", note.font)
        inline(f"annotation {note.text!r}", note.text)
    for trace in fig.data:
        if trace.type == "scatter" and "text" in (trace.mode or ""):
            font(f"text of {trace.name!r}", trace.textfont)
    return out


@pytest.mark.parametrize("which", ["single", "two_arm", "crossover"])
def test_every_chart_text_of_every_slide_reaches_aa_on_black(which):
    trial = msc_dash.load_sample(which)
    settings = AnalysisSettings(n_boot=100)
    effects = effect_sizes(trial, settings=settings)
    deck = slides(trial, effects, safety=safety_numbers(trial), settings=settings)
    bad, drawn = [], 0
    for slide in deck:
        fig = slide_figure(trial, slide, settings=settings)
        if fig is None:
            continue
        drawn += 1
        fig = high_contrast(fig)
        assert fig.layout.paper_bgcolor == fig.layout.plot_bgcolor == "#000000"
        bad += [(slide.title, where, c) for where, c in _text_colours(fig)
                if contrast(c) < AA]
    assert drawn >= 10
    assert bad == [], bad[:10]


def test_the_forest_is_readable_in_high_contrast_where_it_was_not():
    # before the fix: "favours ..." in #555555 (2.8:1) and the group bands near white
    trial = msc_dash.load_sample()
    visit = msc_dash.findings.one_year_visit(trial)
    fig = msc_dash.charts.build("forest", trial, AnalysisSettings(n_boot=100), visit=visit)
    assert any(contrast(a.font.color) < AA for a in fig.layout.annotations)
    dark = high_contrast(fig)
    assert all(contrast(a.font.color) >= AA for a in dark.layout.annotations)
    bands = [s for s in dark.layout.shapes if s.type == "rect"]
    assert bands and all(contrast("#FFFFFF", s.fillcolor) >= AA for s in bands)
