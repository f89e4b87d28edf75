"""Slides laid out for 1280 x 720 (issue 17 item 7): paged forests, a risk table that fits."""

from __future__ import annotations

import msc_dash
from msc_dash.effects import effect_sizes
from msc_dash.figures.progression import km_figure
from msc_dash.settings import AnalysisSettings
from msc_dash.slides import FOREST_ROWS, slide_figure, slides
from msc_dash.survival import time_to_event


def test_the_between_arm_mmrm_forest_is_paged_like_the_overview():
    # the two-arm sample's 6 outcomes in 5 domains are 11 rows: more than a slide holds
    t = msc_dash.load_sample("two_arm")
    settings = AnalysisSettings(n_boot=50)
    deck = slides(t, effect_sizes(t, n_boot=50), settings=settings)
    arms = [s for s in deck if s.kind == "arms"]
    assert [s.title for s in arms] == ["MSC-NP vs Saline at Month 12 (1 of 2)",
                                       "MSC-NP vs Saline at Month 12 (2 of 2)"]
    shown = []
    for s in arms:
        codes = dict(s.params)["outcomes"]
        rows = len(codes) + len({t.outcome(c).domain for c in codes})
        assert rows <= FOREST_ROWS
        fig = slide_figure(t, s, settings=settings)
        drawn = fig.to_json()
        assert all(t.outcome(c).label in drawn for c in codes)
        assert not any(f"{t.outcome(c).label} (" in drawn for c in t.outcomes
                       if c not in codes)
        shown += codes
    assert shown == [c for c in t.outcomes if c in set(shown)] and len(shown) == 6


def test_km_month_labels_sit_under_the_risk_table_with_every_arm_named():
    # above the table the axis title ran into the numbers at risk on a short slide
    fig = km_figure(time_to_event(msc_dash.load_sample("two_arm"), "EDSS_PLUS"))
    assert fig.layout.xaxis.showticklabels is False and not fig.layout.xaxis.title.text
    assert fig.layout.xaxis2.showticklabels and fig.layout.xaxis2.title.text
    assert list(fig.layout.yaxis2.tickvals) == ["MSC-NP", "Saline"]
    assert fig.layout.yaxis2.domain[1] - fig.layout.yaxis2.domain[0] >= 0.25


def _top_rows_blank(png: bytes, rows: int = 3) -> bool:
    import io

    import numpy as np
    from PIL import Image

    top = np.asarray(Image.open(io.BytesIO(png)).convert("L"))[:rows]
    return bool((top > 200).all())


def test_a_three_line_chart_title_is_not_cut_off_at_the_top_of_the_image():
    # plotly's yanchor="top" placed the first of the title's lines as if it were alone:
    # "Timed 25-Foot Walk:" was cut in half, in the app's image and in the deck's
    import shutil

    import pytest

    if shutil.which("chromium") is None:
        pytest.skip("rendering needs Debian's chromium")
    from msc_dash.charts import build
    from msc_dash.export import figure_to_image
    from msc_dash.figures.legible import legible

    fig = build("trajectory", msc_dash.load_sample("two_arm"), AnalysisSettings(n_boot=50),
                outcome="T25FW")
    assert fig.layout.title.text.count("<br>") == 2
    fig.update_layout(height=None, width=None)
    assert _top_rows_blank(figure_to_image(fig, "png", width=1000, height=580, scale=1))
    deck = legible(fig, base=20)
    assert _top_rows_blank(figure_to_image(deck, "png", width=1000, height=580, scale=1))


def test_high_contrast_keeps_the_edges_of_ci_bands_invisible():
    # thickened to 3 px in plotly_dark's colours, the KM band edges read as extra curves
    from msc_dash.slides import high_contrast

    fig = km_figure(time_to_event(msc_dash.load_sample("two_arm"), "EDSS_PLUS"))
    edges = [i for i, tr in enumerate(fig.data) if tr.line.width == 0]
    assert len(edges) == 4
    out = high_contrast(fig)
    assert all(out.data[i].line.width == 0 for i in edges)
    assert all(tr.line.width >= 3 for tr in out.data if tr.mode == "lines" and tr.line.width)
