"""Presenter slides as data, and their figures."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import plotly.graph_objects as go
import pytest
from conftest import build_trial

from msc_dash.effects import effect_sizes
from msc_dash.findings import findings, one_year_visit
from msc_dash.settings import AnalysisSettings
from msc_dash.slides import describe_filters, high_contrast, slide_figure, slides


@pytest.fixture(scope="module")
def trial():
    return build_trial()


@pytest.fixture(scope="module")
def effects(trial):
    return effect_sizes(trial, n_boot=300)


def test_slide_order_follows_the_overview(trial, effects):
    deck = slides(trial, effects)
    kinds = [s.kind for s in deck]
    visit = one_year_visit(trial)
    found = [f for f in findings(trial, effects, visit=visit) if f.domain != "safety"]
    assert kinds[:2] == ["title", "overview"]
    assert kinds[2:2 + len(found)] == ["finding"] * len(found)
    assert [s.text for s in deck[2:2 + len(found)]] == [f.text for f in found]
    # then one main chart per domain present, time to confirmed worsening, then safety
    assert kinds[2 + len(found):] == ["domain"] * 4 + ["progression", "safety"]
    assert [s.outcome for s in deck if s.kind == "domain"] == ["T25FW", "EDSS", "SDMT", "NFL"]


def test_single_arm_title_counts_within_arm_changes_and_says_there_is_no_control(
        trial, effects):
    # issue 17 item 7: a single-arm trial has changes from baseline, not between-arm findings
    assert trial.is_single_arm
    visit = one_year_visit(trial)
    found = [f for f in findings(trial, effects, visit=visit)
             if f.domain != "safety" and f.estimable]
    up = sum(f.significant and f.direction == "improved" for f in found)
    down = sum(f.significant and f.direction == "worsened" for f in found)
    text = slides(trial, effects)[0].text
    assert (f"At {visit}: {len(found)} within-arm changes from baseline, no control arm; "
            f"{up} improved significantly, {down} worsened.") in text
    assert "outcome estimates" not in text and "favour" not in text


def test_arms_without_a_between_arm_answer_say_their_changes_are_not_compared(effects, trial):
    from msc_dash.slides import _headline

    visit = one_year_visit(trial)
    found = findings(trial, effects, visit=visit)
    # e.g. three arms, no MMRM: the within-arm findings, headed by a trial of several arms
    text = _headline(SimpleNamespace(is_single_arm=False), found, visit)
    assert "within-arm changes from baseline, not compared between the arms" in text


def test_two_arm_title_gives_the_mmrm_answer_not_within_arm_counts(two_arm_trial):
    # a parallel two-arm trial's headline is the between-arm MMRM at the visit
    effects = effect_sizes(two_arm_trial, n_boot=300)
    visit = one_year_visit(two_arm_trial)
    between = [f for f in findings(two_arm_trial, effects, visit=visit) if f.p_basis == "mmrm"]
    up = sum(f.significant and f.direction == "improved" for f in between)
    down = sum(f.significant and f.direction == "worsened" for f in between)
    text = slides(two_arm_trial, effects)[0].text
    assert f"MMRM at {visit}: {up} of {len(between)} outcomes favour MSC (adjusted p < 0.05)" \
        in text
    assert ("favour Placebo" in text) == (down > 0)
    assert "within-arm" not in text


def test_crossover_deck_leads_with_the_crossover_answer():
    from msc_dash.crossover_summary import crossover_summary
    from msc_dash.io import load_sample

    trial = load_sample("crossover")
    effects = effect_sizes(trial, n_boot=100)
    deck = slides(trial, effects)
    s = crossover_summary(trial)
    better = np.array([trial.outcome(c).sign * e > 0 for c, e in zip(s["outcome"], s["estimate"],
                                                                        strict=True)])
    k, up = int(s["estimable"].sum()), int((s["estimable"] & (s["p"] < 0.05) & better).sum())
    assert f"Crossover, within subjects: {up} of {k} outcomes favour MSC (p < 0.05)" \
        in deck[0].text
    assert not any(sl.chart == "mmrm_forest" for sl in deck)
    # the crossover slide (first outcome), then the other outcomes' crossover findings
    cross = [sl for sl in deck if sl.chart == "crossover_profile"]
    assert [sl.outcome for sl in cross] == s.loc[s["estimable"], "outcome"].tolist()
    assert cross[0].kind == "crossover" and {sl.kind for sl in cross[1:]} == {"finding"}
    fig = slide_figure(trial, cross[0], effects, settings=AnalysisSettings(n_boot=100))
    assert isinstance(fig, go.Figure) and len(fig.data) >= 1


def test_two_arm_slides_name_the_arm(two_arm_trial):
    effects = effect_sizes(two_arm_trial, n_boot=300)
    deck = slides(two_arm_trial, effects)
    assert [s.kind for s in deck[:3]] == ["title", "overview", "arms"]
    assert deck[2].title.startswith("MSC vs Placebo at ")
    fig = slide_figure(two_arm_trial, deck[2], effects, settings=AnalysisSettings(n_boot=300))
    assert isinstance(fig, go.Figure) and "MSC vs Placebo" in fig.layout.title.text
    # the between-arm slide is the MMRM's answer (every subject), not complete-case g
    assert deck[2].chart == "mmrm_forest" and "(MMRM)" in fig.layout.title.text
    assert "MMRM difference / residual SD" in fig.layout.xaxis.title.text
    titles = [s.title for s in deck if s.kind == "finding"]
    assert any(t.endswith("(MSC)") for t in titles)
    assert any(t.endswith("(Placebo)") for t in titles)


def test_every_slide_with_a_chart_draws(trial, effects):
    for slide in slides(trial, effects):
        fig = slide_figure(trial, slide, effects, settings=AnalysisSettings(n_boot=300))
        if slide.kind == "title":
            assert fig is None
        else:
            assert isinstance(fig, go.Figure) and len(fig.data) >= 1, slide


def test_high_contrast_is_a_new_white_on_black_figure():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1, 2], line=dict(color="#0072B2", width=1)))
    out = high_contrast(fig)
    assert out.layout.paper_bgcolor == "#000000" and out.layout.font.color == "#FFFFFF"
    assert out.data[0].line.color == "#56B4E9" and out.data[0].line.width == 3
    assert fig.data[0].line.color == "#0072B2" and fig.layout.paper_bgcolor is None


def test_describe_filters_open_ranges():
    assert describe_filters({"age": (None, 60)}) == "age <= 60"
    assert describe_filters({"age": (40.5, None)}) == "age >= 40.5"


def test_individual_functional_systems_stay_on_the_disability_page():
    from msc_dash import load_sample

    t = load_sample()  # has FSS_SUM and the seven FS scores
    deck = slides(t, effect_sizes(t, n_boot=200))
    shown = [s.outcome for s in deck if s.kind == "finding"]
    assert "FSS_SUM" in shown and not any(c.startswith("FS_") for c in shown)


@pytest.mark.parametrize("which", ["single", "two_arm", "crossover"])
def test_no_slide_shows_an_outcome_code_where_its_label_belongs(which):
    # issue 17 item 7: T25FW, FSS_SUM, MSIS29_PHYS ... appear as their registry labels in
    # every slide title, text and chart (codes that are their own short label, such as
    # EDSS or SDMT, are the names clinicians use, and may stay)
    import re

    from msc_dash.io import load_sample
    from msc_dash.outcomes import REGISTRY
    from msc_dash.settings import AnalysisSettings

    codes = [c for c in REGISTRY.codes if REGISTRY.get(c).short_label != c] + ["EDSS_PLUS"]
    names = sorted({n for c in REGISTRY.codes for n in (REGISTRY.get(c).label,
                                                        REGISTRY.get(c).short_label)},
                   key=len, reverse=True)

    def _unlabelled(text) -> str:  # "Serum GFAP (pg/mL)" names GFAP by its short label
        text = str(text or "")
        for name in names:
            text = text.replace(name, "")
        return text

    pattern = re.compile(r"(?<![\w-])(" + "|".join(codes) + r")(?![\w-])")
    trial = load_sample(which)
    settings = AnalysisSettings(n_boot=100)
    effects = effect_sizes(trial, settings=settings)
    seen = []
    for s in slides(trial, effects, settings=settings):
        texts = [s.title, s.text]
        fig = slide_figure(trial, s, settings=settings)
        if fig is not None:
            lay = fig.layout
            texts += [lay.title.text, *(a.text for a in lay.annotations or ())]
            texts += [t.name for t in fig.data if t.showlegend is not False]
            for name in [n for n in lay if n.startswith(("xaxis", "yaxis"))]:
                texts += [lay[name].title.text, *(lay[name].ticktext or ())]
        seen += [(s.title, m) for t in texts for m in pattern.findall(_unlabelled(t))]
    assert seen == []
