"""The analysis results dataset holds exactly the numbers of the tables on screen."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

import msc_dash
from msc_dash.ard import METHODS, flat_results, results_dataset, to_json
from msc_dash.io import load_sample
from msc_dash.settings import AnalysisSettings

N_BOOT = 200


@pytest.fixture(scope="module")
def two_arm():
    trial = load_sample("two_arm")
    effects = msc_dash.effect_sizes(trial, n_boot=N_BOOT)
    ard = results_dataset(trial, settings=AnalysisSettings(n_boot=N_BOOT), effects=effects,
                          date="2026-12-01")
    return trial, effects, ard, flat_results(ard)


def _same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return float(a) == pytest.approx(float(b), rel=1e-12, abs=0)


def test_every_effect_table_number_is_a_record(two_arm):
    trial, effects, _, flat = two_arm
    part = flat[flat["method_id"] == "MTH-PAIRED-CHANGE"].set_index(
        ["arm", "parameter", "visit", "statistic"])["value"]
    stats = METHODS["MTH-PAIRED-CHANGE"][2]
    checked = 0
    for row in effects.to_dict("records"):
        for col in stats:
            got = part.loc[(row["arm"], row["outcome"], row["visit"], col)]
            assert _same(row[col], got), (row["outcome"], row["visit"], col)
            checked += 1
    assert checked == len(effects) * len(stats)


def test_between_arm_and_adverse_event_counts(two_arm):
    from msc_dash.arms import compare_arms
    from msc_dash.findings import safety_numbers
    from msc_dash.safety import incidence_counts

    trial, _, _, flat = two_arm
    treatment, control = trial.arms
    between = compare_arms(trial, treatment, control, settings=AnalysisSettings(n_boot=N_BOOT))
    got = flat[flat["method_id"] == "MTH-ARMS-ANCOVA"].set_index(
        ["parameter", "visit", "statistic"])["value"]
    for row in between.to_dict("records"):
        assert _same(row["adjusted_difference"],
                     got.loc[(row["outcome"], row["visit"], "adjusted_difference")])
        assert _same(row["p_ancova"], got.loc[(row["outcome"], row["visit"], "p_ancova")])
    summary = flat[flat["method_id"] == "MTH-AE-SUMMARY"].set_index("statistic")["value"]
    assert summary.to_dict() == {k: float(v) for k, v in safety_numbers(trial).items()}
    counts = incidence_counts(trial)
    ae = flat[flat["method_id"] == "MTH-AE-COUNT"]
    first = counts.iloc[0]
    hit = ae[(ae["arm"] == first["arm"]) & (ae["statistic"] == "n_events")
             & (ae["parameter"] == f"{first['body_system']} / {first['term']}")]
    assert hit["value"].tolist() == [float(first["n_events"])]
    assert len(ae) == 4 * len(counts)


def test_ars_shape_and_json(two_arm):
    trial, _, ard, flat = two_arm
    assert ard["reportingEvent"]["dataFingerprint"] == trial.fingerprint
    assert ard["analysisSets"][0] == {"id": "AS-1", "label": "Subjects after the filters",
                                      "condition": "all subjects", "n": 54}
    ops = {o["id"] for m in ard["methods"] for o in m["operations"]}
    ids = {a["id"] for a in ard["analyses"]}
    assert all(r["operationId"] in ops and r["analysisId"] in ids for r in ard["results"])
    back = json.loads(to_json(ard))
    assert len(back["results"]) == len(flat)
    assert "NaN" not in to_json(ard)


def test_filters_are_the_population(two_arm):
    trial = load_sample("two_arm").filter(ms_type=["SPMS"])
    ard = results_dataset(trial, settings=AnalysisSettings(n_boot=N_BOOT))
    assert ard["analysisSets"][0]["condition"] == "subjects with ms_type in {SPMS}"
    assert set(flat_results(ard)["population"]) == {"subjects with ms_type in {SPMS}"}


def test_cli_writes_json_and_csv_equal_to_the_effect_table(tmp_path):
    from pathlib import Path

    from msc_dash.cli import main

    root = Path(__file__).resolve().parents[1] / "sample_data"
    out = tmp_path / "results.json"
    assert main(["ard", str(root), "-o", str(out), "--n-boot", "150", "--seed", "3",
                 "--date", "2026-12-01"]) == 0
    data = json.loads(out.read_text())
    flat = pd.read_csv(out.with_suffix(".csv"), encoding="utf-8-sig")
    assert len(flat) == len(data["results"])
    effects = msc_dash.effect_sizes(load_sample(), n_boot=150, seed=3)
    g = flat[(flat.statistic == "hedges_g_ci_low") & (flat.method_id == "MTH-PAIRED-CHANGE")]
    assert g["value"].to_numpy() == pytest.approx(effects["hedges_g_ci_low"].to_numpy(),
                                                  nan_ok=True)
    assert data["reportingEvent"]["settings"] == {"n_boot": 150, "seed": 3, "ci": 0.95,
                                                  "padjust": "holm"}


def test_every_mmrm_contrast_is_a_record(two_arm):
    from msc_dash.mmrm import mmrm_table

    trial, _, _, flat = two_arm
    table = mmrm_table(trial, "MSC-NP", "Saline", settings=AnalysisSettings(n_boot=N_BOOT))
    table = table[table["visit"].notna()]
    part = flat[flat["method_id"] == "MTH-MMRM"]
    assert set(part["arm"]) == {"MSC-NP vs Saline"}
    got = part.set_index(["parameter", "visit", "statistic"])["value"]
    stats = METHODS["MTH-MMRM"][2]
    for row in table.to_dict("records"):
        for col in stats:
            assert _same(row[col], got.loc[(row["outcome"], row["visit"], col)]), (
                row["outcome"], row["visit"], col)
    assert len(part) == len(table) * len(stats)
    label = part.loc[part["parameter"] == "T25FW", "parameter_label"].iloc[0]
    assert label == trial.outcome("T25FW").label


def test_every_progression_number_is_a_record(two_arm):
    from msc_dash.progression import event_outcomes
    from msc_dash.survival import time_to_event

    trial, _, _, flat = two_arm
    km = flat[flat["method_id"] == "MTH-KM-EVENTS"].set_index(
        ["parameter", "arm", "statistic"])["value"].sort_index()
    hr = flat[flat["method_id"] == "MTH-LOGRANK-COX"].set_index(
        ["parameter", "arm", "statistic"])["value"].sort_index()
    codes = event_outcomes(trial)
    assert sorted(set(km.index.get_level_values(0))) == sorted(codes)
    for code in codes:
        # the Progression page's defaults: 12-week confirmed worsening, fixed baseline
        res = time_to_event(trial, code, confirm_days=84)
        for row in res.summary().to_dict("records"):
            for col in METHODS["MTH-KM-EVENTS"][2]:
                assert _same(row[col], km.loc[(code, row["arm"], col)]), (code, row["arm"], col)
        between = hr.loc[(code, "MSC-NP vs Saline")]
        assert _same(res.logrank_p, between["logrank_p"])
        for k, col in (("hr", "hazard_ratio"), ("ci_low", "hazard_ratio_ci_low"),
                       ("ci_high", "hazard_ratio_ci_high"), ("p", "hazard_ratio_p")):
            assert _same((res.hazard_ratio or {}).get(k), between[col]), (code, k)
    # EDSS-Plus as in time_to_event's doctest: 1 vs 7 events, HR 0.13, log-rank p 0.025
    assert km.loc[("EDSS_PLUS", "Saline", "events")] == 7
    assert round(hr.loc[("EDSS_PLUS", "MSC-NP vs Saline", "hazard_ratio")], 2) == 0.13
    assert set(flat.loc[flat["parameter"] == "EDSS_PLUS", "parameter_label"]) == {"EDSS-Plus"}


def test_one_arm_trial_has_progression_but_no_between_arm_records():
    ard = results_dataset(load_sample(), settings=AnalysisSettings(n_boot=N_BOOT))
    methods = {m["id"] for m in ard["methods"]}
    assert "MTH-KM-EVENTS" in methods
    assert not methods & {"MTH-MMRM", "MTH-LOGRANK-COX", "MTH-ARMS-ANCOVA"}
    assert {a["methodId"] for a in ard["analyses"]} == methods
