"""Table 1 against counts and statistics worked out by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from msc_dash.table1 import baseline_summary, baseline_values, table_one
from msc_dash.trial import Trial


@pytest.fixture
def hand_trial() -> Trial:
    # 5 subjects, two arms; one age and one sex missing; SDMT at baseline for 4
    subjects = pd.DataFrame({
        "subject_id": ["a", "b", "c", "d", "e"],
        "arm": ["T", "T", "T", "C", "C"],
        "sex": ["F", "M", "F", None, "F"],
        "age": [40.0, 50.0, np.nan, 30.0, 60.0],
    })
    rows = []
    for sid, base in zip("abcd", (30.0, 40.0, 50.0, 20.0), strict=True):
        rows += [(sid, "Baseline", 0, "SDMT", base), (sid, "Month 12", 365, "SDMT", base + 5)]
    rows.append(("e", "Month 12", 365, "SDMT", 33.0))  # no baseline value
    m = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "outcome", "value"])
    return Trial.from_tables(subjects, m)


def _cell(t1, characteristic, statistic, group):
    row = t1[(t1.Characteristic == characteristic) & (t1.Statistic == statistic)]
    assert len(row) == 1, (characteristic, statistic)
    return row.iloc[0][group]


def test_categories_count_known_values_and_missing(hand_trial):
    t1 = table_one(hand_trial)
    assert list(t1.columns) == ["Characteristic", "Statistic", "T", "C", "Overall"]
    assert t1.iloc[0].tolist() == ["Subjects", "n", "3", "2", "5"]
    # T: F, M, F -> 2 of 3 = 66.7 %; C: F of 1 known = 100 %; overall 3 of 4 known = 75 %
    assert _cell(t1, "Sex: F", "n (%)", "T") == "2 (66.7)"
    assert _cell(t1, "Sex: F", "n (%)", "C") == "1 (100.0)"
    assert _cell(t1, "Sex: F", "n (%)", "Overall") == "3 (75.0)"
    assert _cell(t1, "Sex: M", "n (%)", "C") == "0 (0.0)"
    assert [_cell(t1, "Sex: missing", "n", g) for g in ("T", "C", "Overall")] == ["0", "1", "1"]


def test_numbers_mean_sd_median_quartiles(hand_trial):
    t1 = table_one(hand_trial)
    # T ages 40, 50: mean 45, SD sqrt(50) = 7.07; median 45, Q1 42.5, Q3 47.5 (type 7)
    assert _cell(t1, "Age (years)", "Mean (SD)", "T") == "45.0 (7.1)"
    assert _cell(t1, "Age (years)", "Median [Q1, Q3]", "T") == "45.0 [42.5, 47.5]"
    # overall 40, 50, 30, 60: mean 45, SD sqrt(500/3) = 12.91; Q1 37.5, Q3 52.5
    assert _cell(t1, "Age (years)", "Mean (SD)", "Overall") == "45.0 (12.9)"
    assert _cell(t1, "Age (years)", "Median [Q1, Q3]", "Overall") == "45.0 [37.5, 52.5]"
    assert [_cell(t1, "Age (years): missing", "n", g) for g in ("T", "C", "Overall")] == [
        "1", "0", "1"]


def test_outcome_baselines_from_the_baseline_visit_with_registry_labels(hand_trial):
    b = baseline_values(hand_trial).set_index("subject_id")
    assert b["SDMT"].tolist()[:4] == [30.0, 40.0, 50.0, 20.0]
    assert np.isnan(b.loc["e", "SDMT"])  # Month 12 is not a baseline
    t1 = table_one(hand_trial)
    label = "Symbol Digit Modalities Test (correct answers)"
    # T: 30, 40, 50 -> mean 40, SD 10; C: 20 only -> SD undefined
    assert _cell(t1, label, "Mean (SD)", "T") == "40.0 (10.0)"
    assert _cell(t1, label, "Mean (SD)", "C") == "20.0 ()"
    assert _cell(t1, f"{label}: missing", "n", "C") == "1"


def test_summary_records_hold_unrounded_numbers(hand_trial):
    s = baseline_summary(hand_trial)
    age = s[(s.variable == "age") & (s.group == "Overall")].iloc[0]
    assert age["n"] == 4 and age["missing"] == 1
    assert age["sd"] == pytest.approx(np.sqrt(500 / 3))
    assert set(s["group"]) == {"T", "C", "Overall"}


def test_sample_counts_equal_the_csv(sample_trial):
    # hand count straight from the bundled CSV, without msc_dash's loader
    raw = pd.read_csv(Path(__file__).parents[1] / "sample_data" / "two_arm" / "subjects.csv")
    from msc_dash.io import load_sample

    t1 = table_one(load_sample("two_arm"))
    for arm in raw["arm"].unique():
        part = raw[raw["arm"] == arm]
        n_spms = int((part["ms_type"] == "SPMS").sum())
        assert _cell(t1, "MS type: SPMS", "n (%)", arm) == (
            f"{n_spms} ({100 * n_spms / len(part):.1f})")
        assert _cell(t1, "Age (years)", "Mean (SD)", arm) == (
            f"{part['age'].mean():.1f} ({part['age'].std():.1f})")
    assert _cell(t1, "Subjects", "n", "Overall") == str(len(raw))


def test_single_arm_has_only_overall(small_trial):
    t1 = table_one(small_trial)
    assert list(t1.columns) == ["Characteristic", "Statistic", "Overall"]


def test_data_page_shows_table_one_of_the_filtered_trial():
    from conftest import open_page

    from msc_dash.io import load_sample

    at = open_page("pages/data.py")
    expected = table_one(load_sample("two_arm"))
    shown = [d.value for d in at.dataframe if list(d.value.columns) == list(expected.columns)]
    assert len(shown) == 1
    pd.testing.assert_frame_equal(shown[0].reset_index(drop=True), expected)
