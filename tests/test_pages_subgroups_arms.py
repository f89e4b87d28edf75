"""AppTest: sidebar filters and shared links drive the Subgroups and Arms pages.

AppTest runs the entry script only on the first run of a test (later runs
execute the page alone), so each test presets widget state or the URL before
that first run and then switches to the page; cross-page behaviour in a real
browser is in tests/browser/test_filters_browser.py.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import build_trial
from streamlit.testing.v1 import AppTest

from msc_dash.arms import compare_arms
from msc_dash.subgroups import subgroup_interaction
from msc_dash.tables import format_ci, format_p
from msc_dash.ui import state

ROOT = Path(__file__).resolve().parents[1]
UPLOAD = "Upload my data"


@pytest.fixture(scope="module")
def two_arm():
    return build_trial(n_per_arm=15, arms=("MSC", "Placebo"), seed=2)


@pytest.fixture(scope="module")
def single():
    return build_trial(n_per_arm=16, seed=6)


def _app(trial, query=None, **preset) -> AppTest:
    """The app after one full run on ``trial`` (as if uploaded), with widget presets."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["data_choice"] = UPLOAD
    at.session_state[state.FULL_TRIAL] = trial
    for key, value in preset.items():
        at.session_state[key] = value
    if query:
        at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _page(at, name) -> AppTest:
    at.switch_page(f"pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _spec(at, i=0) -> dict:
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def test_filter_sets_count_url_and_trial(two_arm):
    at = _app(two_arm, flt_ms_type=["SPMS"], flt_age=(40, 65))
    s = two_arm.subjects
    expected = set(s.subject_id[(s.ms_type == "SPMS") & s.age.between(40, 65)])
    assert set(at.session_state[state.TRIAL].subjects.subject_id) == expected
    line = at.sidebar.markdown[0].value
    assert line.startswith(f"Showing **{len(expected)}** of 30 subjects")
    assert "MS type: SPMS" in line and "Age 40–65" in line
    assert at.query_params["f.ms_type"] == "SPMS"
    assert json.loads(at.query_params["f.age"]) == [40, 65]
    assert at.query_params["data"] == "upload"


def test_link_restores_filters_visit_outcome_and_reports_junk(two_arm):
    at = _app(two_arm, query={"f.ms_type": "SPMS", "f.sex": '["F"]', "visit": "Month 6",
                              "outcome": "SDMT", "f.age": "[0, 200]", "hack": "eval('1')",
                              "f.ms_type_x": "1"})
    assert at.session_state["flt_ms_type"] == ["SPMS"]
    assert at.session_state["flt_sex"] == ["F"]
    assert at.session_state["visit"] == "Month 6" and at.session_state["outcome"] == "SDMT"
    assert at.selectbox(key="visit").value == "Month 6"      # the overview's visit selector
    s = two_arm.subjects
    assert at.session_state[state.TRIAL].n_subjects == ((s.ms_type == "SPMS")
                                                        & (s.sex == "F")).sum()
    notes = " ".join(c.value for c in at.sidebar.caption)
    assert "unknown link parameter `hack`" in notes
    assert "`ms_type_x`: no such subject variable" in notes
    # the full age range is no filter, so it is not written back
    assert "f.age" not in at.query_params and at.query_params["visit"] == "Month 6"
    at = _page(at, "subgroups")
    assert at.selectbox(key="outcome").value == "SDMT"


def test_nobody_left_gives_a_message(two_arm):
    ages = set(two_arm.subjects.age)
    gap = next(a for a in range(min(ages), max(ages)) if a not in ages)
    at = _app(two_arm, flt_ms_type=["SPMS"], flt_age=(gap, gap))
    assert at.session_state[state.TRIAL].n_subjects == 0
    assert any("No subject matches" in w.value for w in at.sidebar.warning)
    for name in ("subgroups", "arms", "overview"):
        at = _page(at, name)
        assert any("No subject matches" in w.value for w in at.warning)
        assert not at.get("plotly_chart")


def test_subgroups_page_forest_and_interaction(two_arm):
    at = _page(_app(two_arm, flt_sex=["M"], outcome="SDMT"), "subgroups")
    assert at.selectbox(key="sg_variable").value == "ms_type"
    spec = _spec(at)
    rows = [tuple(r) for r in spec["layout"]["meta"]["rows"]]
    assert sorted(rows) == sorted((None, lv, arm) for lv in ("PPMS", "SPMS")
                                  for arm in ("MSC", "Placebo"))
    males = two_arm.filter(sex=["M"])
    visit = at.selectbox(key="visit").value
    ref = subgroup_interaction(males, "ms_type", outcome="SDMT", visit=visit)
    shown = {m.label: m.value for m in at.metric}
    assert len(ref) == 1  # two arms: one treatment x subgroup test
    assert shown["Treatment × subgroup interaction p"] == format_p(ref.p_interaction[0])
    assert any("exploratory" in i.value for i in at.info)
    assert any("arm * subgroup" in c.value for c in at.caption)
    assert not any("Heterogeneity" in label for label in shown)


def test_subgroups_numeric_cut_points(single):
    at = _page(_app(single, sg_variable="age", sg_split="Cut points", sg_cuts="45, 55"),
               "subgroups")
    labels = [r[1] for r in _spec(at)["layout"]["meta"]["rows"]]
    assert labels == ["≤ 45", "45 to 55", "> 55"]
    assert [m.label for m in at.metric] == ["Heterogeneity across subgroups p"]
    assert any("heterogeneity across subgroups" in c.value for c in at.caption)


def test_arms_page_matches_compare_arms(two_arm):
    at = _page(_app(two_arm), "arms")
    ref = compare_arms(two_arm, "MSC", "Placebo", settings=state.AnalysisSettings())
    ref = ref[ref.visit == at.selectbox(key="visit").value].set_index("outcome")
    spec = _spec(at, 3)  # after the MMRM forest, LS means and tipping point: the g forest
    trace = spec["data"][0]
    got = dict(zip([r[1] for r in spec["layout"]["meta"]["rows"]], trace["x"], strict=True))
    assert got == pytest.approx(ref.hedges_g.to_dict(), rel=1e-9)
    table = at.dataframe[2].value
    col = [c for c in table.columns if c.startswith("MSC vs Placebo")][0]
    assert len(table) == len(ref)
    sdmt = table[table.Outcome.str.contains("SDMT")].iloc[0]
    assert sdmt[col].startswith(f"{ref.loc['SDMT', 'adjusted_difference']:+.1f}"[:3])
    assert sdmt["p (ANCOVA)"] == format_p(ref.loc["SDMT", "p_ancova"])
    # log-scale outcomes: the baseline-adjusted ratio of geometric means, not a difference
    t25 = table[table.Outcome.str.contains("T25FW")].iloc[0]
    assert t25[col] == "ratio " + format_ci(ref.loc["T25FW", "ratio"],
                                            ref.loc["T25FW", "ratio_ci_low"],
                                            ref.loc["T25FW", "ratio_ci_high"], decimals=2)
    assert any("log(value) ~ arm + log(baseline)" in c.value for c in at.caption)


def test_arms_page_single_arm_explains(single):
    at = _page(_app(single), "arms")
    assert any("needs two arms" in i.value and "`arm` column" in i.value for i in at.info)


def test_arms_page_after_arm_filter(two_arm):
    at = _page(_app(two_arm, flt_arm=["Placebo"]), "arms")
    assert any("Only one arm (Placebo)" in i.value for i in at.info)


def test_two_arm_sample_arms_page():
    from msc_dash import io

    try:
        sample = io.load_sample("two_arm")
    except Exception as exc:  # noqa: BLE001 - the sample is generated by another step
        pytest.skip(f"two-arm sample not available: {exc}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["data_choice"] = "Sample two-arm trial (simulated)"
    at.run()
    at = _page(at, "arms")
    treatment, control = "MSC-NP", "Saline"   # Saline is named like a control
    assert set(sample.arms) == {treatment, control}
    assert at.selectbox(key="arms_treatment").value == treatment
    assert at.get("plotly_chart")
    assert f"{treatment} vs {control}" in " ".join(at.dataframe[0].value.columns)
    assert f"{treatment} vs {control}" in " ".join(at.dataframe[2].value.columns)


def test_arms_page_leads_with_mmrm(two_arm):
    from msc_dash.mmrm import mmrm, mmrm_table

    at = _page(_app(two_arm), "arms")
    visit = at.selectbox(key="visit").value
    assert at.subheader[0].value.startswith(f"Between-arm answer at {visit}")
    ref = mmrm_table(two_arm, "MSC", "Placebo")
    ref = ref[ref.visit == visit].set_index("outcome")
    table = at.dataframe[0].value
    assert len(table) == len(ref)
    sdmt = table[table.Outcome.str.contains("SDMT")].iloc[0]
    assert sdmt["p"] == format_p(ref.loc["SDMT", "p"])
    assert sdmt["n (MSC vs Placebo)"] == (f"{ref.loc['SDMT', 'n_treatment']} vs "
                                          f"{ref.loc['SDMT', 'n_control']}")
    t25 = table[table.Outcome.str.contains("T25FW")].iloc[0]
    assert t25["MSC vs Placebo [95% CI]"].startswith("ratio ")
    forest = _spec(at, 0)
    got = dict(zip([r[1] for r in forest["layout"]["meta"]["rows"]], forest["data"][0]["x"],
                   strict=True))
    assert got == pytest.approx(ref.std_estimate.to_dict(), rel=1e-9)
    # LS-mean chart and the methods paragraph of the chosen outcome
    code = at.selectbox(key="outcome").value
    res = mmrm(two_arm, code, treatment="MSC", control="Placebo")
    ls = _spec(at, 1)
    assert [t["name"] for t in ls["data"]] == ["Placebo", "MSC"]
    assert any("mixed model for repeated measures" in m.value for m in at.markdown)
    assert any("Subjects contributing" in c.value for c in at.caption)
    assert res.n_subjects == two_arm.n_subjects
    # missing-data sensitivity of the chosen outcome: three analyses and the tipping chart
    from msc_dash.sensitivity import outcome_sensitivity

    rows, tp = outcome_sensitivity(two_arm, code, treatment="MSC", control="Placebo")
    sens = at.dataframe[1].value
    assert sens["Analysis"].tolist() == rows["analysis"].tolist()
    assert sens["p"].tolist() == [format_p(p) for p in rows["p"]]
    tip = _spec(at, 2)
    assert tip["data"][0]["y"][0] == pytest.approx(
        tp.frame["estimate"].iloc[0] if res.scale == "linear"
        else (np.exp(tp.frame["estimate"].iloc[0]) - 1) * 100)


def test_arms_page_mixed_anova_on_request(two_arm):
    from msc_dash.arms import mixed_anova_table

    at = _page(_app(two_arm, arms_anova=True), "arms")
    table = at.dataframe[3].value
    ref = mixed_anova_table(two_arm, "MSC", "Placebo")
    assert list(table.Source) == list(ref.source)
    assert list(table["p (uncorrected)"]) == [format_p(p) for p in ref.p_unc]
    gg = table[table.Source == "arm x visit"]
    want = ref[ref.source == "arm x visit"]
    assert list(gg["p (Greenhouse-Geisser)"]) == [format_p(p) for p in want.p_gg]
    assert list(gg["ε (GG)"]) == [f"{e:.2f}" for e in want.eps]
    assert any("Greenhouse-Geisser" in c.value for c in at.caption)


@pytest.fixture(scope="module")
def adsl_like(two_arm):
    """The two-arm trial with ADSL-style extra subject columns (issue 13, item 6)."""
    from msc_dash.trial import Trial

    s = two_arm.subjects.copy()
    s["RACE"] = ["WHITE", "BLACK OR AFRICAN AMERICAN"] * (len(s) // 2)
    s["SITEID"] = [701 + i % 4 for i in range(len(s))]
    s["COMP8FL"] = ["Y", "N"] * (len(s) // 2)
    s["TRTDUR"] = list(range(100, 100 + len(s)))
    return Trial.from_tables(s, two_arm.measurements, two_arm.adverse_events,
                             two_arm.injections)


def test_curated_filters_and_add_a_filter(adsl_like):
    at = _app(adsl_like)
    labels = [w.label for w in (*at.sidebar.multiselect, *at.sidebar.slider)]
    assert "Race" in labels and "Arm" in labels
    for hidden in ("SITEID", "COMP8FL", "TRTDUR"):
        assert hidden not in labels  # one "Add a filter" away, not one widget each
    more = at.sidebar.multiselect(key="msc_flt_more")
    assert more.label == "Add a filter"
    assert set(more.options) == {"SITEID", "COMP8FL", "TRTDUR"}
    # (AppTest reruns the page alone, so the choice is preset: the browser test clicks it)
    at = _app(adsl_like, msc_flt_more=["SITEID"], flt_SITEID=(701, 702))
    assert at.sidebar.slider(key="flt_SITEID").value == (701, 702)
    s = adsl_like.subjects
    assert at.session_state[state.TRIAL].n_subjects == s.SITEID.between(701, 702).sum()
    assert json.loads(at.query_params["f.SITEID"]) == [701, 702]


def test_a_link_filter_on_another_column_adds_its_widget(adsl_like):
    at = _app(adsl_like, query={"f.COMP8FL": "Y", "f.RACE": "WHITE"})
    assert at.sidebar.multiselect(key="msc_flt_more").value == ["COMP8FL"]
    assert at.sidebar.multiselect(key="flt_COMP8FL").value == ["Y"]
    s = adsl_like.subjects
    assert at.session_state[state.TRIAL].n_subjects == ((s.COMP8FL == "Y")
                                                        & (s.RACE == "WHITE")).sum()


def test_arms_page_on_a_dropout_trial_uses_every_subject():
    # a third of subjects miss Month 12: the MMRM still uses all 48 and says who contributed
    from tests.reference.mmrm_inputs import dropout_trial

    trial = dropout_trial()
    at = _page(_app(trial, visit="Month 12"), "arms")
    assert at.selectbox(key="visit").value == "Month 12"
    table = at.dataframe[0].value
    assert set(table["n (MSC vs Sham)"]) == {"16 vs 16"}
    caption = " ".join(c.value for c in at.caption)
    assert "Month 3: 24 vs 24" in caption and "Month 12: 16 vs 16" in caption
    assert any("All 48 subjects with a baseline" in m.value for m in at.markdown)


def test_arms_page_of_a_crossover_points_to_the_crossover_page():
    # the crossover sample's arms are its sequences (MSC-Sham, Sham-MSC): no MMRM or
    # ANCOVA between them, a note and a link to the Crossover page instead
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["data_choice"] = "Sample crossover trial (simulated)"
    at.run()
    _page(at, "arms")
    text = " ".join(i.value for i in at.info)
    assert "crossover sequences" in text and "**Crossover** page" in text
    assert not at.get("plotly_chart") and not at.dataframe
    assert not any("MMRM" in s.value for s in at.subheader)
