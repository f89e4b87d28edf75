"""The periods table: loading, derivation from a sequence column, checks, assignment."""

from __future__ import annotations

import pandas as pd
import pytest

from msc_dash import periods
from msc_dash.errors import TrialDataError
from msc_dash.io import load_sample, load_trial, template_zip

SUBJECTS = b"subject_id,sequence\nP1,MSC-Sham\nP2,Sham-MSC\n"
MEAS = (b"subject_id,visit,day,outcome,value\n"
        b"P1,Baseline,0,EDSS,6.0\nP1,Month 6,180,EDSS,5.5\nP1,Month 12,362,EDSS,6.0\n"
        b"P2,Baseline,0,EDSS,5.0\nP2,Month 6,185,EDSS,5.5\nP2,Month 12,368,EDSS,5.0\n")
AES = (b"subject_id,term,onset_day\nP1,Headache,2\nP1,Back pain,181\nP2,Fatigue,185\n"
       b"P2,Fall,400\n")


@pytest.fixture
def upload():
    def load(files: dict):
        from types import SimpleNamespace
        return load_trial([SimpleNamespace(name=f"{n}.csv", getvalue=lambda d=d: d)
                           for n, d in files.items()])
    return load


def test_sequence_column_gives_periods_without_further_input(upload):
    # the crossover is at the visit nearest the middle of the schedule (Month 6),
    # on each subject's own day of it
    t = upload({"subjects": SUBJECTS, "measurements": MEAS, "adverse_events": AES})
    assert t.has_periods
    assert t.periods.to_numpy().tolist() == [
        ["P1", 1, "MSC", 0.0, 180.0], ["P1", 2, "Sham", 180.0, 362.0],
        ["P2", 1, "Sham", 0.0, 185.0], ["P2", 2, "MSC", 185.0, 368.0]]
    assert any("derived from the `sequence` column" in w and "Month 6" in w
               for w in t.warnings)
    m = t.measurements[t.measurements["subject_id"] == "P1"]
    assert m["period"].tolist() == [1, 1, 2]  # the crossover visit ends period 1
    assert m["period_treatment"].tolist() == ["MSC", "MSC", "Sham"]
    ae = t.adverse_events.set_index("term")
    assert ae.loc["Headache", "period_treatment"] == "MSC"
    assert ae.loc["Back pain", "period_treatment"] == "Sham"
    assert ae.loc["Fatigue", "period_treatment"] == "MSC"  # on the crossover day
    assert pd.isna(ae.loc["Fall", "period"])  # after the last period


def test_sequence_with_injections_uses_injection_days(upload):
    inj = b"subject_id,injection_number,day\nP1,1,0\nP1,2,175\nP2,1,0\nP2,2,190\n"
    t = upload({"subjects": SUBJECTS, "measurements": MEAS, "injections": inj})
    assert t.periods["start_day"].tolist() == [0.0, 175.0, 0.0, 190.0]
    assert any("injections" in w for w in t.warnings)


def test_periods_table_is_loaded_and_gives_the_sequence(upload):
    per = (b"subject_id,period,treatment,start_day,end_day\n"
           b"P1,1,MSC,0,180\nP1,2,Sham,180,362\nP2,1,Sham,0,185\nP2,2,MSC,185,368\n")
    t = upload({"subjects": b"subject_id\nP1\nP2\n", "measurements": MEAS, "periods": per})
    assert t.subjects.set_index("subject_id")["sequence"].to_dict() == {
        "P1": "MSC-Sham", "P2": "Sham-MSC"}
    assert t.filter(subject_id=["P1"]).periods["subject_id"].unique().tolist() == ["P1"]


def test_overlapping_periods_name_the_subject(upload):
    per = (b"subject_id,period,treatment,start_day,end_day\n"
           b"P1,1,MSC,0,180\nP1,2,Sham,180,362\nP2,1,Sham,0,185\nP2,2,MSC,150,368\n")
    with pytest.raises(TrialDataError, match=r"periods.csv: subject `P2` has overlapping "
                       r"periods: period 2 starts on day 150, before period 1 ends on day "
                       r"185 \(rows 4, 5\)"):
        upload({"subjects": b"subject_id\nP1\nP2\n", "measurements": MEAS, "periods": per})


@pytest.mark.parametrize("rows, message", [
    (b"P1,1,MSC,0,180\nP1,2,msc ,180,362\n", "differ only in case"),
    (b"P1,1,MSC,0,180\nP1,2,MSC,180,362\n", "a crossover needs two treatments"),
    (b"P1,1,MSC,200,180\nP1,2,Sham,200,362\n", "before it starts"),
    (b"P1,1,MSC,0,180\nP1,1,Sham,180,362\n", "has period 1 twice"),
    (b"P1,1,MSC,0,x\nP1,2,Sham,180,362\n", "not a number of days"),
    (b"P9,1,MSC,0,180\nP9,2,Sham,180,362\n", "`P9` .* is not in the subjects table"),
])
def test_bad_periods(upload, rows, message):
    per = b"subject_id,period,treatment,start_day,end_day\n" + rows
    with pytest.raises(TrialDataError, match=message):
        upload({"subjects": b"subject_id\nP1\nP2\n", "measurements": MEAS, "periods": per})


def test_gaps_and_visits_outside_are_warned(upload):
    per = (b"subject_id,period,treatment,start_day,end_day\n"
           b"P1,1,MSC,0,150\nP1,2,Sham,190,362\n")
    t = upload({"subjects": b"subject_id\nP1\nP2\n", "measurements": MEAS, "periods": per})
    assert any("gap or washout" in w and "`P1`" in w for w in t.warnings)
    assert any("1 measurement(s) fall outside every period" in w and "Month 6" in w
               for w in t.warnings)


def test_adsl_periods():
    adsl = pd.DataFrame({"USUBJID": ["1", "2"], "TRTSDT": ["100", "50"],
                         "TRT01A": ["MSC", "Sham"], "TRT02A": ["Sham", "MSC"],
                         "AP01SDT": ["100", "50"], "AP01EDT": ["282", "230"],
                         "AP02SDT": ["282", "230"], "AP02EDT": ["465", "420"]})
    p = periods.check(periods.from_adsl(adsl), "adsl.xpt", [])
    assert p["start_day"].tolist() == [0.0, 182.0, 0.0, 180.0]
    assert p["treatment"].tolist() == ["MSC", "Sham", "Sham", "MSC"]
    assert periods.from_adsl(adsl.drop(columns=["TRT02A"])) is None


def test_template_and_sample(upload):
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(template_zip())) as zf:
        text = zf.read("periods.csv").decode()
    assert text == periods.TEMPLATE
    t = upload({"periods": text.encode(),
                "measurements": MEAS.replace(b"P2", b"P02").replace(b"P1", b"P01")})
    assert t.has_periods and t.n_subjects == 2
    x = load_sample("crossover")
    assert x.has_periods and x.n_subjects == 48
    assert x.measurements["period"].notna().all()
    assert not load_sample("two_arm").has_periods


def test_adam_upload_gets_periods(upload):
    adsl = (b"USUBJID,TRTSDT,TRT01A,TRT02A,AP01SDT,AP01EDT,AP02SDT,AP02EDT\n"
            b"1,100,MSC,Sham,100,282,282,465\n2,50,Sham,MSC,50,230,230,420\n")
    adqs = (b"USUBJID,PARAMCD,AVAL,AVISIT,ADY,ABLFL\n1,EDSSTOT,6,Baseline,1,Y\n"
            b"1,EDSSTOT,5.5,Week 26,183,\n2,EDSSTOT,5,Baseline,1,Y\n2,EDSSTOT,5.5,Week 26,181,\n")
    t = upload({"adsl": adsl, "adqs": adqs})
    assert t.periods["treatment"].tolist() == ["MSC", "Sham", "Sham", "MSC"]
    assert t.measurements["period"].tolist() == [1, 1, 1, 1]
