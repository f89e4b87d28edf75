"""The HTML report: content, offline-ness, determinism."""

from __future__ import annotations

import difflib
import html
import re

import pandas as pd
import pytest
from conftest import build_trial

from msc_dash.effects import effect_sizes
from msc_dash.report import build_report, methods_text, safety_summary, software_versions
from msc_dash.settings import AnalysisSettings
from msc_dash.tables import format_effect_table
from msc_dash.trial import Trial

N_BOOT = 300
FAST = AnalysisSettings(n_boot=N_BOOT)


@pytest.fixture(scope="module")
def trial():
    return build_trial()


@pytest.fixture(scope="module")
def report(trial):
    return build_report(trial, settings=FAST.replace(seed=4), date="2030-01-01")


def test_same_inputs_give_same_bytes_apart_from_the_date(trial, report):
    other = build_report(trial, settings=FAST.replace(seed=4), date="2031-12-31 23:59 UTC")
    diff = [line for line in difflib.unified_diff(report.splitlines(), other.splitlines(),
                                                   lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == ['-<p class="generated">Generated 2030-01-01</p>',
                    '+<p class="generated">Generated 2031-12-31 23:59 UTC</p>']


def test_other_settings_change_the_report(trial, report):
    assert build_report(trial, settings=FAST.replace(seed=5), date="2030-01-01") != report


def test_plotlyjs_embedded_once_and_no_outside_resource(report):
    assert report.count("* plotly.js v") == 1
    assert re.search(r"<script[^>]*\bsrc=", report) is None
    assert "<link" not in report
    assert "@import" not in report and "@font-face" not in report
    assert "cdn.plot.ly/plotly" not in report
    n_divs = len(re.findall(r'<div id="figure-\d+"', report))
    assert n_divs >= 1 + 4  # forest + a trajectory per outcome
    assert len(set(re.findall(r'<div id="(figure-\d+)"', report))) == n_divs


def test_report_holds_the_effect_table(trial, report):
    effects = effect_sizes(trial, n_boot=N_BOOT, seed=4)
    table = format_effect_table(effects, trial.registry)
    # every formatted Hedges' g cell of the table appears in the report
    for cell in table["Hedges' g [95% CI]"]:
        assert cell.replace("'", "&#x27;") in report or cell in report
    assert "Effect table" in report and 'class="dataframe data"' in report


def test_report_states_settings_fingerprint_versions(trial, report):
    assert trial.fingerprint in report
    assert f"{N_BOOT} bootstrap resamples" in report and "seed 4" in report
    assert "the Holm method" in report
    assert "Filters in force:</strong> none" in report
    for name, version in software_versions().items():
        assert f"<dt>{name}</dt><dd>{version}</dd>" in report


def test_report_lists_the_filters_in_force():
    trial = build_trial().filter(ms_type=["SPMS"], age=(40, 60))
    page = build_report(trial, settings=FAST, date="x")
    assert "ms_type in {SPMS}; age 40 to 60" in page
    assert f"<strong>{trial.n_subjects} subjects</strong>" in page


def test_two_arm_report_builds(two_arm_trial):
    page = build_report(two_arm_trial, settings=FAST, date="x")
    assert "2 arms (MSC, Placebo)" in page
    assert "<h3>MSC vs Placebo</h3>" in page


def test_two_arm_report_leads_with_mmrm(two_arm_trial):
    from msc_dash.mmrm import mmrm

    page = build_report(two_arm_trial, settings=FAST, date="x")
    between = page.index('<h2 id="between">Between arms: MMRM</h2>')
    assert between < page.index('<h2 id="overview">')
    assert page.index("MSC vs Placebo (MMRM)") < page.index("MSC: ")  # findings lead too
    res = mmrm(two_arm_trial, "SDMT", treatment="MSC", control="Placebo")
    assert html.escape(res.methods_text) in page
    assert page.count("LS-mean change from baseline per arm") == len(two_arm_trial.outcomes)


def test_progress_is_reported(trial):
    calls = []
    build_report(trial, settings=FAST, date="x", progress=lambda *a: calls.append(a))
    assert calls[0][0] == 1 and calls[-1][0] == calls[-1][1]
    assert [c[0] for c in calls] == list(range(1, len(calls) + 1))


def test_methods_text_follows_settings(trial):
    text = methods_text(trial, settings=AnalysisSettings(n_boot=1234, seed=9, ci=0.9,
                                                     padjust="fdr_bh"))
    assert "1234 bootstrap resamples" in text and "seed 9" in text
    assert "90% bias-corrected and accelerated (BCa)" in text
    assert "Benjamini-Hochberg" in text
    # rules from the registry for the outcomes present, none for NfL
    assert "Timed 25-Foot Walk (T25FW): 20% of baseline" in text
    assert "Symbol Digit Modalities Test (SDMT): 4 correct answers" in text
    assert "NFL:" not in text
    analytic = pd.DataFrame({"ci_method": ["analytic"]})
    assert "an analytic 90% confidence interval" in methods_text(trial, analytic,
                                                                   AnalysisSettings(ci=0.9))


def test_safety_summary_counts_by_hand():
    s = pd.DataFrame({"subject_id": ["a", "b", "c", "d"]})
    m = pd.DataFrame({"subject_id": ["a"], "visit": ["BL"], "day": [0], "outcome": ["SDMT"],
                      "value": [40.0]})
    ae = pd.DataFrame({"subject_id": ["a", "a", "b", "c"],
                       "term": ["Headache", "Headache", "Headache", "Back pain"],
                       "body_system": ["Nervous", "Nervous", "Nervous", "Musculoskeletal"],
                       "serious": [False, True, False, False],
                       "related": ["possible", "not related", "definite", "unlikely"]})
    table = safety_summary(Trial.from_tables(s, m, ae))
    head = table.iloc[0]
    # Headache: 3 events in 2 of 4 subjects, 1 serious, 2 possibly+ related
    assert head["Term"] == "Headache" and head["Events"] == 3
    assert head["Subjects"] == "2 (50%)"
    assert head["Serious"] == 1 and head["Related"] == 2
    assert table.iloc[1]["Subjects"] == "1 (25%)"


def test_report_states_each_outcome_trend(trial):
    from msc_dash.trends import trend_models, trend_text

    page = build_report(trial, settings=FAST, date="x")
    rows = trend_models(trial)
    for row in rows.to_dict("records"):
        assert html.escape(trend_text(row, trial.outcome(row["outcome"]).change_unit)) in page
    assert page.count("Trend over all visits") == len(trial.outcomes)


def test_report_has_the_progression_section():
    from msc_dash import load_sample
    from msc_dash.survival import headline_text, time_to_event

    t = load_sample("two_arm")
    page = build_report(t, settings=AnalysisSettings(n_boot=200), date="D")
    assert 'id="progression"' in page
    assert html.escape(headline_text(time_to_event(t, "EDSS_PLUS"))) in page
    assert "Efron" in page and "Number at risk" in page
