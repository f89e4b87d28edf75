"""The generated 'Reproduce in Python' code gives exactly the numbers of the page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import open_page as _page

import msc_dash
from msc_dash.io import load_sample
from msc_dash.outcomes import MeaningfulChange
from msc_dash.reproduce import python_code
from msc_dash.settings import AnalysisSettings

SETTINGS = AnalysisSettings(n_boot=300, seed=7, ci=0.9, padjust="fdr_bh")


def _opened(at, view: str):
    """The page after opening its "Reproduce in Python" expander (closed, it holds no
    code: the browser would load the syntax highlighter for nothing)."""
    assert not [c for c in at.code if "msc_dash" in c.value]
    at.session_state[f"reproduce_{view}"] = True
    return at.run()


def _run(code: str):
    namespace: dict = {}
    exec(compile(code, "<reproduce>", "exec"), namespace)  # running the generated code is the test
    return namespace["result"]


@pytest.fixture(scope="module")
def shown():
    """A filtered two-arm trial with a changed meaningful-change rule, as a page sees it."""
    trial = load_sample("two_arm")
    trial = trial.with_registry(trial.registry.with_rule("SDMT", MeaningfulChange("absolute",
                                                                                    3.0)))
    return trial.filter(ms_type=["SPMS"], age=(40, None))


def test_overview_and_domain_code_give_the_effect_table(shown):
    effects = msc_dash.effect_sizes(shown, n_boot=300, seed=7, ci=0.9, padjust="fdr_bh")
    got = _run(python_code(shown, "overview", SETTINGS, visit="Month 12"))
    pd.testing.assert_frame_equal(got, effects[effects["visit"] == "Month 12"])
    got = _run(python_code(shown, "domain", SETTINGS, visit="Month 6",
                           outcomes=["SDMT"]))
    want = effects[(effects["visit"] == "Month 6") & (effects["outcome"] == "SDMT")]
    pd.testing.assert_frame_equal(got, want)
    assert "MeaningfulChange(kind='absolute', amount=3.0" in python_code(
        shown, "overview", SETTINGS, visit="Month 12")


def test_overview_code_keeps_the_pre_specified_family(shown):
    family = AnalysisSettings(n_boot=300, seed=7, ci=0.9, padjust="holm", family=("T25FW", "EDSS"))
    effects = msc_dash.effect_sizes(shown, settings=family)
    got = _run(python_code(shown, "overview", family, visit="Month 12"))
    pd.testing.assert_frame_equal(got, effects[effects["visit"] == "Month 12"])
    # the family changes the adjusted p, so a code without it would not reproduce them
    plain = msc_dash.effect_sizes(shown, n_boot=300, seed=7, ci=0.9, padjust="holm")
    assert not np.allclose(plain["p_adjusted"], effects["p_adjusted"], equal_nan=True)


def test_arms_safety_and_planning_code(shown):
    from msc_dash import power, safety
    from msc_dash.arms import compare_arms

    t, c = shown.arms
    table = compare_arms(shown, treatment=t, control=c, settings=SETTINGS)
    got = _run(python_code(shown, "arms", SETTINGS, visit="Month 12", treatment=t, control=c))
    pd.testing.assert_frame_equal(got, table[table["visit"] == "Month 12"])
    pd.testing.assert_frame_equal(_run(python_code(shown, "safety", SETTINGS)),
                                  safety.incidence_table(shown))
    est = power.pilot_estimates(shown, "T25FW", "Month 12", treatment=t, control=c, ci=0.9)
    got = _run(python_code(shown, "planning", SETTINGS, visit="Month 12", outcome="T25FW",
                           treatment=t, control=c, alpha=0.05, power=0.9, design="change"))
    assert got == power.n_two_means(est.effect, est.sd_change, alpha=0.05, power=0.9)


def test_uploaded_data_names_the_files_to_load():
    trial = load_sample().with_registry(msc_dash.REGISTRY)
    from dataclasses import replace

    code = python_code(replace(trial, source="my_trial.xlsx"), "safety", SETTINGS)
    assert "# the data loaded in the app: my_trial.xlsx" in code
    assert 'msc_dash.load_trial("path/to/your/files/")' in code


def test_overview_page_code_reproduces_its_table():
    from msc_dash.tables import format_effect_table

    at = _opened(_page("pages/overview.py"), "overview")
    codes = [c.value for c in at.code if "effect_sizes" in c.value]
    assert len(codes) == 1
    result = _run(codes[0])
    page = [d.value for d in at.dataframe if "Hedges' g [95% CI]" in d.value.columns]
    assert page, "no effect table on the page"
    want = format_effect_table(result, load_sample("two_arm").registry, ci=0.95)
    pd.testing.assert_frame_equal(page[0].reset_index(drop=True), want.reset_index(drop=True))


def test_html_report_appendix_runs():
    import html
    import re

    from msc_dash.report import build_report
    from msc_dash.settings import AnalysisSettings

    trial = load_sample().filter(sex=["F"])
    page = build_report(trial, settings=AnalysisSettings(n_boot=200), date="2026-12-01")
    code = html.unescape(re.search(r"<pre><code>(.*?)</code></pre>", page, re.S).group(1))
    result = _run(code)
    effects = msc_dash.effect_sizes(trial, n_boot=200)
    pd.testing.assert_frame_equal(result, effects[effects["visit"] == result["visit"].iloc[0]])


def test_subgroups_patients_and_progression_code(shown):
    from msc_dash.effects import responders
    from msc_dash.subgroups import subgroup_effects

    kw = dict(variable="sex", outcome="T25FW", visit="Month 12", cuts=None)
    got = _run(python_code(shown, "subgroups", SETTINGS, **kw))
    pd.testing.assert_frame_equal(got, subgroup_effects(shown, **kw,
                                                        settings=SETTINGS))
    # a numeric variable split at cut points, as the page passes them
    kw = dict(variable="age", outcome="EDSS", visit="Month 6", cuts=(45.5, 52.0))
    got = _run(python_code(shown, "subgroups", SETTINGS, **kw))
    pd.testing.assert_frame_equal(got, subgroup_effects(shown, **kw,
                                                        settings=SETTINGS))
    sid = shown.subjects["subject_id"].iloc[2]
    got = _run(python_code(shown, "patients", SETTINGS, visit="Month 12", subject=sid))
    status = responders(shown, visit="Month 12")
    pd.testing.assert_frame_equal(got, status[status["subject_id"] == sid])
    assert len(got) > 0
    picked = dict(direction="improvement", confirm_days=168, baseline="roving")
    got = _run(python_code(shown, "progression", SETTINGS, outcome="EDSS_PLUS", **picked))
    want = msc_dash.time_to_event(shown, "EDSS_PLUS", ci=0.9, **picked).summary()
    pd.testing.assert_frame_equal(got, want)


def test_progression_page_code_gives_its_headline():
    at = _opened(_page("pages/progression.py"), "progression")
    code = [c.value for c in at.code if "time_to_event" in c.value]
    assert len(code) == 1
    summary = _run(code[0])
    metrics = {m.label: m.value for m in at.metric}
    hr = summary["hazard_ratio"].iloc[0]
    assert metrics["Hazard ratio, MSC-NP vs Saline"].startswith(f"{hr:.2f}")
    events = {r["arm"]: r for r in summary.to_dict("records")}
    t, c = events["MSC-NP"], events["Saline"]
    assert metrics["Subjects with an event"] == (f"{t['events']}/{t['subjects']} vs "
                                                 f"{c['events']}/{c['subjects']}")


def test_subgroups_page_code_gives_its_table():
    at = _opened(_page("pages/subgroups.py"), "subgroups")
    code = [c.value for c in at.code if "subgroup_effects" in c.value]
    assert len(code) == 1
    result = _run(code[0])
    page = [d.value for d in at.dataframe if "Subgroup" in d.value.columns][0]
    assert page["n"].tolist() == result["n"].tolist()
    assert page["Subgroup"].astype(str).tolist() == result["level"].astype(str).tolist()
    col = page.filter(like="Hedges").iloc[:, 0]
    g = [float(s.split(" ")[0].replace("\u2212", "-")) for s in col]
    assert g == pytest.approx(result["hedges_g"].round(2).tolist(), abs=0.0051)
