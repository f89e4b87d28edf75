"""The simulated sample data: reproducible, calibrated to the published figures, valid.

The published figures (Petrou et al., J Neuroimmunol 2025; Harris et al., Stem
Cell Res Ther 2024; docs/architecture.md "Reference studies") are checked on the committed
CSVs with pandas and scipy only, independent of msc_dash's analysis code.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from msc_dash import sample
from msc_dash.outcomes import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "sample_data"
TWO = DATA / "two_arm"
VISITS = ["Baseline", "Post-injection 1", "Post-injection 2", "Month 12", "Month 18"]
FS = ["FS_VISUAL", "FS_BRAINSTEM", "FS_PYRAMIDAL", "FS_CEREBELLAR", "FS_SENSORY",
      "FS_BOWEL_BLADDER", "FS_CEREBRAL"]


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    sample.write_sample(out)
    return out


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _sheets(path: Path) -> dict[str, list[tuple]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_regeneration_is_byte_identical(regenerated):
    assert _files(regenerated) == _files(DATA)
    for rel in _files(DATA):
        if rel.endswith(".xlsx"):
            # openpyxl writes '<a/>' with lxml and '<a />' without it: the
            # workbook's cells must be identical, its XML bytes need not be
            assert _sheets(regenerated / rel) == _sheets(DATA / rel), rel
        else:
            assert (regenerated / rel).read_bytes() == (DATA / rel).read_bytes(), rel


def test_workbook_bytes_are_reproducible(regenerated, tmp_path):
    sample.write_sample(tmp_path)
    assert (tmp_path / "sample_trial.xlsx").read_bytes() == \
        (regenerated / "sample_trial.xlsx").read_bytes()


def test_command_line_check_and_output(tmp_path):
    run = subprocess.run([sys.executable, "-m", "msc_dash.sample", "-o", str(tmp_path)],
                         capture_output=True, text=True, check=False, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert _sheets(tmp_path / "sample_trial.xlsx") == _sheets(DATA / "sample_trial.xlsx")
    check = subprocess.run([sys.executable, "-m", "msc_dash.sample", "--check", "-o", str(DATA)],
                           capture_output=True, text=True, check=False, cwd=ROOT)
    assert check.returncode == 0
    assert "T25FW median % improvement after 1st injection" in check.stdout
    assert " NO" not in check.stdout


def test_xlsx_sheets_hold_the_csv_tables():
    book = pd.read_excel(DATA / "sample_trial.xlsx", sheet_name=None)
    assert list(book) == ["subjects", "measurements", "adverse_events", "injections"]
    for name, frame in book.items():
        csv = _read(DATA, name)
        pd.testing.assert_frame_equal(frame, csv, check_dtype=False)


def test_readme_says_simulated_and_holds_the_calibration_table():
    text = (DATA / "README.md").read_text()
    assert "SIMULATED" in text and "not the data of any study" in text
    assert str(sample.SEED) in text and "python -m msc_dash.sample" in text
    table = sample.calibration(DATA)
    assert table["ok"].all(), table[~table["ok"]]
    for fig in table["figure"]:
        assert f"| {fig} |" in text


# ----------------------------------------------------------- single-arm cohort
def test_single_arm_subjects():
    s = _read(DATA, "subjects")
    assert len(s) == 23 and s["subject_id"].is_unique
    assert s["sex"].value_counts().to_dict() == {"M": 14, "F": 9}
    assert set(s["ms_type"]) == {"SPMS", "PPMS"}
    assert s["age"].between(30, 65).all()
    assert set(s["route"]) == {"IT"}
    e = s["baseline_edss"]
    assert e.between(4.0, 7.0).all() and ((e * 2) % 1 == 0).all()
    # published: 5.9 +/- 0.8
    assert abs(e.mean() - 5.9) <= 0.1 and abs(e.std() - 0.8) <= 0.1
    assert (s["disease_duration_years"] < s["age"] - 15).all()


def test_single_arm_injections_every_3_to_6_months():
    inj = _read(DATA, "injections")
    counts = inj.groupby("subject_id").size()
    assert counts.between(2, 3).all() and len(counts) == 23
    assert set(inj["route"]) == {"IT"}
    for _, f in inj.sort_values("day").groupby("subject_id"):
        assert f["injection_number"].tolist() == list(range(1, len(f) + 1))
        assert f["day"].iloc[0] == 0
        gaps = np.diff(f["day"].to_numpy())
        assert ((gaps >= 90) & (gaps <= 183)).all()
    assert (inj["dose_million_cells"] > 0).all()


def test_visits_and_day_jitter():
    m = _read(DATA, "measurements")
    assert list(m.groupby("visit")["day"].median().sort_values().index) == VISITS
    assert (m.loc[m["visit"] == "Baseline", "day"] == 0).all()
    spread = m.groupby("visit")["day"].agg(["min", "max"])
    assert (spread.loc[VISITS[1:], "max"] > spread.loc[VISITS[1:], "min"]).all()  # jitter
    per_visit = m.groupby("visit")["subject_id"].nunique()
    assert per_visit["Baseline"] == 23
    assert 10 <= per_visit["Month 18"] < 23  # not everyone reaches Month 18


def test_every_followup_outcome_has_a_baseline():
    for folder in (DATA, TWO):
        m = _read(folder, "measurements")
        base = set(map(tuple, m.loc[m["day"] == 0, ["subject_id", "outcome"]].to_numpy()))
        later = set(map(tuple, m.loc[m["day"] > 0, ["subject_id", "outcome"]].to_numpy()))
        assert later <= base
        assert not m.duplicated(["subject_id", "visit", "outcome"]).any()


@pytest.mark.parametrize("folder", [DATA, TWO], ids=["single", "two_arm"])
def test_values_respect_registry_ranges(folder):
    m = _read(folder, "measurements")
    assert m["value"].notna().all()
    for code, f in m.groupby("outcome"):
        assert code in REGISTRY, code
        assert not REGISTRY[code].out_of_range(f["value"]).any(), code


def test_fs_scores_sum_to_fss_sum():
    m = _read(DATA, "measurements")
    wide = m.pivot_table(index=["subject_id", "visit"], columns="outcome", values="value")
    assert wide[FS].notna().all(axis=None)
    np.testing.assert_array_equal(wide[FS].sum(axis=1).to_numpy(), wide["FSS_SUM"].to_numpy())
    assert (wide[FS] == wide[FS].round()).all(axis=None)


def test_not_every_subject_improves():
    m = _read(DATA, "measurements")
    wide = m.pivot_table(index="subject_id", columns=["outcome", "visit"], values="value")
    for code in ("SDMT", "FSS_SUM", "T25FW", "MSWS12"):
        both = wide[code][["Baseline", "Month 12"]].dropna()
        change = (both["Month 12"] - both["Baseline"]) * REGISTRY[code].sign
        assert (change < 0).any() and (change > 0).any(), code


# ------------------------------------------------- published figures (single)
def _base_last(code: str) -> tuple[np.ndarray, np.ndarray]:
    """Baseline and last follow-up value of each subject with both."""
    m = _read(DATA, "measurements")
    m = m[m["outcome"] == code]
    base = m[m["visit"] == "Baseline"].set_index("subject_id")["value"]
    follow = m[m["visit"] != "Baseline"].sort_values(["subject_id", "day"])
    last = follow.groupby("subject_id")["value"].last()
    both = pd.concat([base.rename("b"), last.rename("l")], axis=1, join="inner")
    return both["b"].to_numpy(), both["l"].to_numpy()


def _pair(code: str, visit: str) -> tuple[np.ndarray, np.ndarray]:
    m = _read(DATA, "measurements")
    w = m[m["outcome"] == code].pivot(index="subject_id", columns="visit", values="value")
    both = w[["Baseline", visit]].dropna()
    return both["Baseline"].to_numpy(), both[visit].to_numpy()


def test_t25fw_published_figures():
    m = _read(DATA, "measurements")
    t = m[m["outcome"] == "T25FW"]
    assert 14 <= t.loc[t["day"] > 0, "subject_id"].nunique() <= 18  # "16 patients"
    b, v = _pair("T25FW", "Post-injection 1")
    assert 12 <= np.median((b - v) / b * 100) <= 22  # median improvement 17%
    b, v = _pair("T25FW", "Month 12")
    assert 2 <= np.median((b - v) / b * 100) <= 7  # 4.5% at one year
    assert -1.5 <= np.mean(v - b) <= -0.5  # about 1 s faster
    assert 0.01 <= stats.ttest_rel(v, b).pvalue <= 0.1  # p = 0.049


def test_fss_sum_published_figures():
    b, v = _base_last("FSS_SUM")
    # 10.86 +/- 3.14 -> 9.98 +/- 3.04, p = 0.003
    assert abs(b.mean() - 10.86) < 0.55 and abs(b.std(ddof=1) - 3.14) < 0.55
    assert abs(v.mean() - 9.98) < 0.55 and abs(v.std(ddof=1) - 3.04) < 0.55
    assert stats.ttest_rel(v, b).pvalue < 0.01


def test_sdmt_published_figures():
    b, v = _base_last("SDMT")
    # 42.9 +/- 11.9 -> 45.0 +/- 12.3, p = 0.01
    assert abs(b.mean() - 42.9) < 1.4 and abs(v.mean() - 45.0) < 1.4
    assert 1 <= (v - b).mean() <= 4
    assert stats.ttest_rel(v, b).pvalue < 0.05


def test_nfl_published_figures():
    b, v = _base_last("NFL")
    pct = (v - b) / b * 100
    assert -38 <= pct.mean() <= -28  # mean reduction 33.2%
    assert -45 <= np.median(pct) <= -20
    assert stats.wilcoxon(v, b).pvalue < 0.001


def test_gfap_published_figures():
    b, v = _base_last("GFAP")
    pct = (v - b) / b * 100
    assert -27 <= pct.mean() <= -17  # 22% reduction
    assert np.mean(v < b) >= 0.9  # lower in (nearly) every patient
    assert stats.wilcoxon(v, b).pvalue < 0.0004


def test_adverse_events_none_serious_and_after_injections():
    ae = _read(DATA, "adverse_events")
    inj = _read(DATA, "injections")
    assert len(ae) >= 20
    assert not ae["serious"].astype(bool).any()
    assert set(ae["severity"]) <= {"mild", "moderate"}
    assert set(ae["related"]) <= {"not related", "unlikely", "possible", "probable",
                                  "definite"}
    assert "Post-lumbar puncture headache" in set(ae["term"])
    assert ae["body_system"].notna().all()
    day = inj.set_index(["subject_id", "injection_number"])["day"]
    given = day.reindex(pd.MultiIndex.from_frame(ae[["subject_id", "injection_number"]]))
    assert given.notna().all()
    assert (ae["onset_day"].to_numpy() >= given.to_numpy()).all()


# -------------------------------------------------------------- two-arm sample
def test_two_arm_design():
    s = _read(TWO, "subjects")
    assert s["arm"].value_counts().to_dict() == {"MSC-NP": 27, "Saline": 27}
    assert s["arm"].iloc[0] == "MSC-NP"
    m = _read(TWO, "measurements")
    assert list(m.groupby("visit")["day"].median().sort_values().index) == [
        "Baseline", "Month 3", "Month 6", "Month 12"]
    inj = _read(TWO, "injections")
    dose = inj.merge(s, on="subject_id").groupby("arm")["dose_million_cells"].max()
    assert dose["Saline"] == 0 and dose["MSC-NP"] > 0
    ae = _read(TWO, "adverse_events")
    serious = ae[ae["serious"].astype(bool)]
    assert 1 <= len(serious) <= 3
    assert set(serious["severity"]) <= {"severe", "life-threatening"}


def test_two_arm_published_figures():
    s = _read(TWO, "subjects").set_index("subject_id")
    m = _read(TWO, "measurements")
    w = m.pivot_table(index="subject_id", columns=["outcome", "visit"], values="value")
    t = w["T25FW"][["Baseline", "Month 12"]].dropna()
    imp = (t["Baseline"] - t["Month 12"]) / t["Baseline"] * 100
    sub = s.loc[imp.index, "baseline_edss"] >= 6.0
    arm = s.loc[imp.index, "arm"]
    a, c = imp[sub & (arm == "MSC-NP")], imp[sub & (arm == "Saline")]
    # +3.7% +/- 23.1% vs -54.4% +/- 70.5%, p = 0.030
    assert abs(a.mean() - 3.7) < 8 and abs(c.mean() + 54.4) < 8
    assert 0.75 < a.std() / 23.1 < 1.25 and 0.75 < c.std() / 70.5 < 1.25
    assert stats.ttest_ind(a, c, equal_var=False).pvalue < 0.05
    # EDSS-Plus improvement (any of EDSS / T25FW / NHPT improves by its rule, none
    # worsens): 33% vs 37% of 27
    d = pd.concat({k: w[k][["Baseline", "Month 12"]] for k in ("EDSS", "T25FW", "NHPT")},
                  axis=1).dropna()
    e0, e1 = d[("EDSS", "Baseline")], d[("EDSS", "Month 12")]
    step = np.where(e0 <= 5.5, 1.0, 0.5)
    better, worse = e0 - e1 >= step, e1 - e0 >= step
    for k in ("T25FW", "NHPT"):
        b0, b1 = d[(k, "Baseline")], d[(k, "Month 12")]
        better |= b0 - b1 >= 0.2 * b0
        worse |= b1 - b0 >= 0.2 * b0
    improved = (better & ~worse).groupby(s.loc[d.index, "arm"]).sum() / 27 * 100
    assert abs(improved["MSC-NP"] - 33) <= 5 and abs(improved["Saline"] - 37) <= 5


def test_loads_as_trials():
    from msc_dash import load_sample

    single, two = load_sample("single"), load_sample("two_arm")
    assert single.visits == VISITS and not single.warnings
    assert two.arms == ["MSC-NP", "Saline"] and not two.warnings
    assert {"FSS_SUM", "SDMT", "NFL", "GFAP", *FS} <= set(single.outcomes)


def test_calibration_targets_are_data_beside_the_sample():
    """The published figures, their margins and sources live in msc_dash/sample_targets.csv
    (issue 14, item 6); the calibration table is made from them."""
    from msc_dash import sample_calibration

    targets = sample_calibration.targets()
    assert sample_calibration.TARGETS_FILE.parent == Path(sample.__file__).parent
    assert targets["source"].str.len().gt(0).all()
    assert not targets.duplicated(["sample", "figure"]).any()
    table = sample.calibration(DATA)
    assert table[["sample", "figure", "published", "margin"]].values.tolist() == \
        targets[["sample", "figure", "published", "margin"]].values.tolist()
