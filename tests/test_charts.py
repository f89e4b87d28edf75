"""The chart registry: every chart builds, settings reach every analysis, and a new chart
(one figure function + one registry entry) appears on its page, in the presenter, in the
report and in the figures ZIP (docs/architecture.md, "Add a chart")."""

from __future__ import annotations

import inspect
import json

import plotly.graph_objects as go
import pytest
from conftest import open_download_menus, open_page

import msc_dash
from msc_dash import charts, figures
from msc_dash.charts import CHARTS, build, register
from msc_dash.effects import trajectory
from msc_dash.findings import one_year_visit
from msc_dash.report import build_report, key_figures
from msc_dash.results import EffectTable, effect_table
from msc_dash.settings import AnalysisSettings
from msc_dash.slides import slide_figure, slides

FAST = AnalysisSettings(n_boot=200)


@pytest.fixture(scope="module")
def two():
    return msc_dash.load_sample("two_arm")


def _params(trial, name):
    visit = one_year_visit(trial)
    first = trial.subjects["subject_id"].iloc[0]
    arms = dict(treatment=trial.arms[0], control=trial.arms[-1])
    return {
        "forest": dict(visit=visit), "fs_forest": dict(visit=visit),
        "arms_forest": dict(visit=visit), "arms_difference": dict(outcome="EDSS", **arms),
        "subgroup_forest": dict(outcome="EDSS", visit=visit, variable="sex"),
        "trajectory": dict(outcome="T25FW", subjects=True),
        "estimation": dict(outcome="T25FW", visit=visit),
        "waterfall": dict(outcome="T25FW", visit=visit),
        "responders": dict(visit=visit, outcomes=("EDSS", "T25FW")),
        "edss_plus": dict(visit=visit), "correlation": dict(x="NFL", y="EDSS"),
        "swimmer": dict(sort_by="response"), "ae_timeline": {},
        "patient_timeline": dict(subject=first), "patient_outcomes": dict(subject=first),
        "mmrm_forest": dict(visit=visit, **arms), "mmrm_lsmeans": dict(outcome="SDMT", **arms),
        "mmrm_tipping": dict(outcome="NFL", **arms),
        "crossover_profile": dict(outcome="T25FW"), "crossover_paired": dict(outcome="EDSS"),
        "crossover_ae": {}, "since_injection": dict(outcome="EDSS"),
        "injection_number": dict(outcome="EDSS"), "durability": dict(outcome="SDMT"),
        "dose_response": dict(outcome="EDSS"),
        "progression_km": dict(outcome="EDSS_PLUS"),
        "progression_swimmer": dict(outcome="EDSS_PLUS", confirm_days=168, baseline="roving"),
    }[name]


@pytest.mark.parametrize("name", sorted(set(CHARTS) - {"fs_forest"}))
def test_every_registered_chart_builds_on_the_two_arm_sample(two, name):
    if name.startswith("crossover"):  # these need treatment periods: the crossover sample
        two = msc_dash.load_sample("crossover")
        assert build(name, msc_dash.load_sample("two_arm"), FAST,
                     **_params(two, name)) is None
    if name == "dose_response":  # the two-arm sample gives every subject the same dose
        assert build(name, two, FAST, **_params(two, name)) is None
        two = msc_dash.load_sample("single")
    fig = build(name, two, FAST, **_params(two, name))
    assert isinstance(fig, go.Figure) and len(fig.data)
    title, caption = CHARTS[name].describe(FAST, **_params(two, name))
    assert title and "{" not in title and "{" not in caption


def test_functional_systems_forest_needs_functional_systems(two):
    single = msc_dash.load_sample("single")
    assert build("fs_forest", two, FAST, visit=one_year_visit(two)) is None
    assert isinstance(build("fs_forest", single, FAST, visit=one_year_visit(single)),
                      go.Figure)


def test_every_figure_function_is_reachable_through_the_registry():
    used = "".join(inspect.getsource(c.build) for c in CHARTS.values())
    public = [n for mod in (figures.arms, figures.clinical, figures.forest, figures.safety,
                            figures.crossover, figures.anchored)
              for n in mod.__all__ if n.endswith("_figure")]
    assert public and [n for n in public if f"figures.{n}(" not in used] == []


def test_the_trajectory_ci_follows_the_settings(two):
    wide = trajectory(two, "SDMT", ci=0.99)
    narrow = trajectory(two, "SDMT", ci=0.90)
    assert ((wide["ci_high"] - wide["ci_low"]) > (narrow["ci_high"] - narrow["ci_low"])).all()
    fig = build("trajectory", two, AnalysisSettings(ci=0.9), outcome="SDMT")
    assert "with 90% CI" in fig.layout.title.text
    assert "with 95% CI" in build("trajectory", two, FAST, outcome="SDMT").layout.title.text


def test_settings_are_hashable_validated_and_carry_the_rules():
    assert hash(AnalysisSettings()) == hash(AnalysisSettings())
    assert AnalysisSettings(seed=1) != AnalysisSettings()
    for bad in (dict(ci=1.2), dict(n_boot=0), dict(padjust="sidak")):
        with pytest.raises(ValueError):
            AnalysisSettings(**bad)
    reg = AnalysisSettings(edss_step=5.0, sdmt_points=3, timed_pct=25).registry()
    assert reg["EDSS"].meaningful_change.threshold == 5.0
    assert reg["SDMT"].meaningful_change.amount == 3
    assert reg["T25FW"].meaningful_change.amount == reg["NHPT"].meaningful_change.amount == 0.25


def test_effect_sizes_takes_the_settings_object(two):
    by_object = msc_dash.effect_sizes(two, settings=AnalysisSettings(n_boot=200, seed=3))
    by_keywords = msc_dash.effect_sizes(two, n_boot=200, seed=3)
    assert by_object.equals(by_keywords)


def test_effect_table_knows_its_trial_and_settings(two):
    table = effect_table(two, FAST)
    assert isinstance(table, EffectTable) and table.settings == FAST
    assert table.belongs_to(two, FAST) and not table.belongs_to(two, AnalysisSettings())
    assert not table.belongs_to(two.filter(arm=[two.arms[0]]))
    visit = one_year_visit(two)
    assert set(table.at(visit)["visit"]) == {visit}
    assert set(table.outcome("EDSS")["outcome"]) == {"EDSS"}
    assert table.frame is effect_table(two, FAST).frame  # computed once


# ------------------------------------------------------------------ a new chart
def change_histogram_figure(pairs, *, outcome) -> go.Figure:
    """The worked example of docs/architecture.md: per-subject change as a histogram."""
    fig = go.Figure()
    for arm, part in pairs.groupby("arm", sort=False):
        fig.add_trace(go.Histogram(x=part["value"] - part["baseline"], name=str(arm)))
    fig.update_layout(title=f"{outcome.code}: change per subject",
                      xaxis_title=f"Change ({outcome.unit})")
    return fig


@pytest.fixture
def new_chart():
    @register("change_histogram", "{outcome} change to {visit}",
              "Each subject's change from baseline to {visit}.", scope="outcome_visit",
              auto=True)
    def _change_histogram(trial, settings, *, outcome, visit):
        pairs = charts._pairs(trial, outcome, visit)
        return change_histogram_figure(pairs, outcome=trial.outcome(outcome)) if len(pairs) \
            else None

    yield "change_histogram"
    CHARTS.pop("change_histogram")


def test_a_new_chart_appears_in_the_presenter_report_and_zip(new_chart):
    trial = msc_dash.load_sample("single")
    effects = msc_dash.effect_sizes(trial, settings=FAST)
    deck = [s for s in slides(trial, effects, settings=FAST) if s.chart == new_chart]
    assert deck and {s.outcome for s in deck} <= set(trial.outcomes)
    fig = slide_figure(trial, deck[0], settings=FAST)
    assert fig.layout.title.text.endswith("change per subject")
    report = build_report(trial, settings=FAST, date="x", effects=effects)
    assert report.count("Each subject&#x27;s change from baseline to") == len(trial.outcomes)
    stems = [stem for stem, _ in key_figures(trial, effects, settings=FAST)]
    assert sum("change_to" in s for s in stems) == len(deck)


def test_a_new_chart_appears_with_export_buttons_on_its_domain_page(new_chart):
    at = open_page("pages/mobility.py", data="Sample trial (simulated, single arm)")
    titles = [json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "")
              for c in at.get("plotly_chart")]
    assert sum(t.endswith("change per subject") for t in titles) == 2  # T25FW and NHPT
    menus = [k for k in at.session_state if str(k).endswith("change_histogram__downloads")]
    assert len(menus) == 2, menus  # one "Download" menu per chart, made with it
    open_download_menus(at, *(k.removesuffix("__downloads") for k in menus))
    ids = [b.proto.id for b in at.get("download_button") if b.proto.label == "PNG"]
    assert sum("change_histogram__png" in i for i in ids) == 2


@pytest.mark.parametrize("page,key", [("arms", "arms_forest"), ("arms", "arms_difference"),
                                      ("subgroups", "subgroup_forest")])
def test_arms_and_subgroups_charts_have_export_buttons(page, key):
    at = open_page(f"pages/{page}.py")
    open_download_menus(at, key)
    ids = [b.proto.id for b in at.get("download_button")]
    for fmt in ("png", "svg", "html"):
        assert any(f"{key}__{fmt}" in i for i in ids), (key, fmt)
