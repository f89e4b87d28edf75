"""A trial with periods gets its crossover answer in the deck, the figures ZIP and the report."""

import pytest

from msc_dash.crossover import crossover
from msc_dash.crossover_summary import crossover_summary
from msc_dash.effects import effect_sizes
from msc_dash.io import load_sample
from msc_dash.report import build_report, key_figures
from msc_dash.settings import AnalysisSettings
from msc_dash.slides import slide_figure, slides
from msc_dash.tables import format_ci

FAST = AnalysisSettings(n_boot=200)


@pytest.fixture(scope="module")
def xo():
    t = load_sample("crossover")
    return t, effect_sizes(t, settings=FAST)


def test_summary_rows_are_the_crossover_results(xo):
    t, _ = xo
    s = crossover_summary(t).set_index("outcome")
    for code in t.outcomes:
        r = crossover(t, code)
        assert s.loc[code, "estimate"] == r.estimate
        assert s.loc[code, "period1_estimate"] == r.period1_estimate
        assert s.loc[code, "carryover_p"] == r.carryover_p


def test_deck_has_the_crossover_slide_with_its_estimate(xo):
    t, effects = xo
    deck = slides(t, effects, settings=FAST)
    shown = [s for s in deck if s.kind == "crossover"]
    assert len(shown) == 1 and shown[0].chart == "crossover_profile"
    r = crossover(t, "T25FW")
    assert f"ratio {format_ci(r.ratio, r.ratio_low, r.ratio_high, 3)}" in shown[0].text
    assert "period 1 only" in shown[0].text and "carryover" in shown[0].text
    assert slide_figure(t, shown[0], settings=FAST) is not None
    # the arms of this trial are its sequences (MSC-Sham, Sham-MSC): comparing them at a
    # visit compares sequences, not treatments, so no between-arm slide
    assert not [s for s in deck if s.kind == "arms"]
    # and a trial without periods has none
    single = load_sample("single")
    assert not [s for s in slides(single, effect_sizes(single, settings=FAST), settings=FAST)
                if s.kind == "crossover"]


def test_figures_zip_has_the_crossover_profile(xo):
    t, effects = xo
    stems = [stem for stem, _ in key_figures(t, effects, settings=FAST)]
    assert any("Crossover" in s for s in stems), stems


def test_report_has_the_crossover_section(xo):
    t, effects = xo
    page = build_report(t, effects=effects, settings=FAST, date="2025-01-01")
    assert 'id="crossover"' in page and "Crossover: within-subject effect" in page
    r = crossover(t, "NHPT")
    assert f"ratio {format_ci(r.ratio, r.ratio_low, r.ratio_high, 3)}" in page
    assert "Carryover p" in page and "carryover-free sensitivity" in page
    # no between-sequence MMRM section or findings
    assert 'id="between"' not in page and "MSC-Sham vs Sham-MSC (MMRM)" not in page
