"""The optional relapses table: CSV, XLSX sheet, ADaM/SDTM CE records, checks, and its use
by confirmed_events (relapse windows, PIRA/RAW)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from msc_dash.errors import TrialDataError
from msc_dash.io import TABLE_TEMPLATES, load_trial, template_zip
from msc_dash.progression import confirmed_events

MEAS = ("subject_id,visit,day,outcome,value\n"
        "P01,Baseline,0,EDSS,4.0\nP01,Month 3,91,EDSS,5.0\nP01,Month 6,182,EDSS,5.0\n"
        "P02,Baseline,0,EDSS,4.0\nP02,Month 3,91,EDSS,5.0\nP02,Month 6,182,EDSS,5.0\n")
SUBJ = "subject_id,arm\nP01,MSC\nP02,Placebo\n"


def _load(relapses: str, name: str = "relapses.csv"):
    return load_trial([_Upload("measurements.csv", MEAS), _Upload("subjects.csv", SUBJ),
                       _Upload(name, relapses)])


class _Upload:
    def __init__(self, name, text):
        self.name, self._data = name, text.encode()

    def getvalue(self):
        return self._data


def test_relapses_csv_is_read_and_used():
    t = _load("subject_id,onset_day\nP01,30\n")
    assert t.relapses.to_dict("records") == [{"subject_id": "P01", "onset_day": 30.0}]
    e = confirmed_events(t, "EDSS").set_index("subject_id")
    # P01: onset day 91 is 61 days after the relapse on day 30 -> RAW; P02: no relapse -> PIRA
    assert bool(e.loc["P01", "raw"]) and not bool(e.loc["P01", "pira"])
    assert bool(e.loc["P02", "pira"]) and not bool(e.loc["P02", "raw"])


def test_relapses_recognised_by_columns_under_another_name():
    t = _load("subject_id,onset_day\nP02,170\n", name="episodes.csv")
    assert t.relapses["subject_id"].tolist() == ["P02"]


def test_relapses_sheet_in_a_workbook():
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        pd.read_csv(io.StringIO(MEAS)).to_excel(xw, sheet_name="measurements", index=False)
        pd.read_csv(io.StringIO(SUBJ)).to_excel(xw, sheet_name="subjects", index=False)
        pd.DataFrame({"subject_id": ["P01"], "onset_day": [170]}).to_excel(
            xw, sheet_name="relapses", index=False)
    t = load_trial(buf.getvalue(), name="trial.xlsx")
    assert t.relapses["onset_day"].tolist() == [170.0]
    # day 182 is 12 days after the relapse: no confirmation there, so no event for P01
    e = confirmed_events(t, "EDSS").set_index("subject_id")
    assert not e.loc["P01", "has_event"] and e.loc["P02", "has_event"]


def test_relapse_dates_instead_of_days_are_refused_with_the_fix():
    with pytest.raises(TrialDataError, match=r"relapses.csv: column `onset_day` holds dates"):
        _load("subject_id,onset_day\nP01,2021-03-04\n")


def test_relapse_of_an_unknown_subject_is_refused():
    with pytest.raises(TrialDataError, match=r"subject `P09`.*not in the subjects table"):
        _load("subject_id,onset_day\nP09,30\n")


def test_adam_ce_records_give_relapses():
    adsl = pd.DataFrame({"USUBJID": ["1", "2"], "TRT01A": ["MSC", "Placebo"]})
    bds = pd.DataFrame({"USUBJID": ["1"] * 3 + ["2"] * 3, "PARAMCD": "EDSSTOT",
                        "AVAL": ["4", "5", "5"] * 2, "AVISIT": ["Baseline", "M3", "M6"] * 2,
                        "ADY": ["1", "92", "183"] * 2, "ABLFL": ["Y", None, None] * 2})
    ce = pd.DataFrame({"USUBJID": ["1", "2"], "CETERM": ["MS relapse", "Fever"],
                       "CEDECOD": ["Multiple sclerosis relapse", "Pyrexia"],
                       "CESTDY": ["31", "50"]})
    files = [_Upload(f"{n}.csv", df.to_csv(index=False))
             for n, df in (("adsl", adsl), ("adqs", bds), ("ce", ce))]
    t = load_trial(files)
    # ADaM day 31 is 30 days after the first treatment day (day 1 = baseline day 0)
    assert t.relapses.to_dict("records") == [{"subject_id": "1", "onset_day": 30.0}]
    assert any("1 clinical event(s) that are not relapses" in w for w in t.warnings)


def test_no_relapses_table_means_an_empty_one():
    t = load_trial([_Upload("measurements.csv", MEAS)])
    assert t.relapses.empty and list(t.relapses.columns) == ["subject_id", "onset_day"]
    assert "pira" not in confirmed_events(t, "EDSS").columns


def test_filter_keeps_the_subjects_relapses():
    t = _load("subject_id,onset_day\nP01,30\nP02,40\n")
    assert t.filter(arm=["MSC"]).relapses["subject_id"].tolist() == ["P01"]


def test_template_has_relapses():
    assert TABLE_TEMPLATES["relapses"].startswith("subject_id,onset_day\n")
    import zipfile
    assert "relapses.csv" in zipfile.ZipFile(io.BytesIO(template_zip())).namelist()
