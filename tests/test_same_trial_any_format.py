"""The same trial as canonical CSVs, as a CDISC ADaM export (XPT) and as a messy
clinic spreadsheet (through the proposed column mapping) gives the same effect table.

The ADaM and clinic files are written here from the sample's CSVs with pandas
and pyreadstat, the way a sponsor or a clinic would ship them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from msc_dash import effect_sizes, load_trial
from msc_dash.io import MissingColumnsError
from msc_dash.mapping import propose_mapping

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
COLUMNS = ["arm", "outcome", "visit", "n", "hedges_g", "hedges_g_ci_low", "hedges_g_ci_high",
           "change_mean", "p_ttest", "p_wilcoxon", "p_adjusted"]
# the clinic's own names for the outcomes it records
CLINIC_NAMES = {"T25FW": "Timed 25ft walk (s)", "NHPT": "9-hole peg test (s)",
                "EDSS": "EDSS score", "SDMT": "SDMT correct", "NFL": "Serum NfL (pg/mL)"}


def _table(trial) -> pd.DataFrame:
    t = effect_sizes(trial, n_boot=500, seed=3)
    return t[COLUMNS].sort_values(["arm", "outcome", "visit"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def canonical():
    return load_trial(SAMPLE)  # the folder's CSVs; README and workbook skipped


def _adam(tmp: Path) -> list[Path]:
    subjects = pd.read_csv(SAMPLE / "subjects.csv")
    m = pd.read_csv(SAMPLE / "measurements.csv")
    ae = pd.read_csv(SAMPLE / "adverse_events.csv")
    visit_n = {v: i for i, v in enumerate(
        m.groupby("visit")["day"].median().sort_values().index)}
    adsl = pd.DataFrame({"STUDYID": "MSC01", "USUBJID": "MSC01-" + subjects["subject_id"],
                         "TRT01A": "MSC-NP IT", "AGE": subjects["age"].astype(float),
                         "SEX": subjects["sex"], "MSTYPE": subjects["ms_type"]})
    # ADaM study days have no day 0: day 0 (first injection) is ADY 1
    adqs = pd.DataFrame({"USUBJID": "MSC01-" + m["subject_id"], "PARAMCD": m["outcome"],
                         "AVAL": m["value"].astype(float), "AVISIT": m["visit"],
                         "AVISITN": m["visit"].map(visit_n).astype(float),
                         "ADY": (m["day"] + 1).astype(float),
                         "ABLFL": np.where(m["day"] == 0, "Y", "")})
    adae = pd.DataFrame({"USUBJID": "MSC01-" + ae["subject_id"], "AEDECOD": ae["term"],
                         "AEBODSYS": ae["body_system"], "AESEV": ae["severity"].str.upper(),
                         "AESER": np.where(ae["serious"].astype(str).str.lower() == "true",
                                           "Y", "N"),
                         "AREL": ae["related"].str.upper(),
                         "ASTDY": (ae["onset_day"] + 1).astype(float)})
    paths = []
    for name, df in (("adsl", adsl), ("adqs", adqs), ("adae", adae)):
        path = tmp / f"{name}.xpt"
        pyreadstat.write_xport(df, str(path), file_format_version=5, table_name=name.upper())
        paths.append(path)
    return paths


def test_adam_export_gives_the_canonical_effect_table(canonical, tmp_path):
    adam = load_trial(_adam(tmp_path))
    assert adam.n_subjects == canonical.n_subjects
    assert adam.visits == canonical.visits
    assert len(adam.adverse_events) == len(canonical.adverse_events)
    got = _table(adam).drop(columns="arm")
    want = _table(canonical).drop(columns="arm")
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12)


def _clinic_sheet(tmp: Path) -> Path:
    """One wide sheet: a title line, the clinic's names, one row per patient and visit."""
    m = pd.read_csv(SAMPLE / "measurements.csv")
    m = m[m["outcome"].isin(list(CLINIC_NAMES))]
    wide = (m.pivot_table(index=["subject_id", "visit", "day"], columns="outcome",
                          values="value", aggfunc="first")
            .rename(columns=CLINIC_NAMES).reset_index()
            .rename(columns={"subject_id": "Patient ID", "visit": "Visit name",
                             "day": "Days since first injection"}))
    path = tmp / "clinic export.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame([["MSC follow-up clinic, exported 2024-02-01"]]).to_excel(
            xl, sheet_name="Data", index=False, header=False)
        wide.to_excel(xl, sheet_name="Data", index=False, startrow=2)
    return path


def test_clinic_spreadsheet_through_the_proposed_mapping(canonical, tmp_path):
    path = _clinic_sheet(tmp_path)
    with pytest.raises(MissingColumnsError, match="clinic export.xlsx") as err:
        load_trial(path)
    mapping = propose_mapping(err.value.columns)
    assert mapping["Patient ID"] == "subject_id"
    assert mapping["Days since first injection"] == "day"
    assert mapping["SDMT correct"] == "SDMT"
    clinic = load_trial(path, mapping=mapping)
    want = _table(canonical)
    want = want[want["outcome"].isin(list(CLINIC_NAMES))].reset_index(drop=True)
    # Holm adjusts over the outcomes present, so fewer outcomes give other p_adjusted
    pd.testing.assert_frame_equal(_table(clinic).drop(columns="p_adjusted"),
                                  want.drop(columns="p_adjusted"), check_exact=False, rtol=1e-12)
