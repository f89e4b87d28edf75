"""ADaM loading: the real CDISC pilot files and small ADaM-shaped files built here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from msc_dash.adam import PARAMCD_MAP, dataset_kind
from msc_dash.errors import TrialDataError
from msc_dash.io import load_trial

# the public CDISC pilot files in the project's shared/ folder, beside the clone
# (CI lays a copy there); the tests that need them skip when it is absent
PILOT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cdiscpilot01"
pilot = pytest.mark.skipif(not (PILOT / "adsl.xpt").exists(), reason="pilot data absent")


def read(name: str) -> pd.DataFrame:
    """The reference reading: plain pandas, independent of msc_dash."""
    df = pd.read_sas(PILOT / f"{name}.xpt", format="xport", encoding="latin-1")
    return df.replace("", np.nan)


@pytest.fixture(scope="module")
def pilot_trial():
    return load_trial([PILOT / "adsl.xpt", PILOT / "adae.xpt", PILOT / "adqscibc.xpt"])


@pilot
def test_pilot_subjects_and_arms(pilot_trial):
    adsl = read("adsl")
    assert pilot_trial.n_subjects == adsl["USUBJID"].nunique() == 254
    assert sorted(pilot_trial.arms) == sorted(adsl["TRT01A"].unique())
    assert len(pilot_trial.arms) == 3
    got = pilot_trial.subjects["arm"].value_counts().sort_index()
    want = adsl["TRT01A"].value_counts().sort_index()
    assert got.to_dict() == want.to_dict()
    ages = pilot_trial.subjects.set_index("subject_id")["age"]
    assert (ages.loc[adsl["USUBJID"]].to_numpy() == adsl["AGE"].to_numpy()).all()
    assert {"RACE", "AGEGR1", "SAFFL"} <= set(pilot_trial.subjects.columns)
    assert not {"RFSTDTC", "STUDYID", "AGEGR1N"} & set(pilot_trial.subjects.columns)
    # the treatment dates stay (as SAS day numbers) for the exposure-adjusted rates
    subj = pilot_trial.subjects.set_index("subject_id").loc[adsl["USUBJID"]]
    assert (subj["TRTSDT"].to_numpy() == adsl["TRTSDT"].to_numpy()).all()


@pilot
def test_pilot_exposure_comes_from_the_treatment_dates(pilot_trial):
    from msc_dash.exposure import safety_rates, subject_exposure

    adsl = read("adsl").set_index("USUBJID")
    e = subject_exposure(pilot_trial).set_index("subject_id")
    assert (e["source"] == "dates").all()
    # TRTDUR = TRTEDT - TRTSDT + 1 in the pilot's ADSL (checked by hand on 01-701-1015:
    # 19906 - 19725 + 1 = 182)
    ok = adsl["TRTDUR"].notna()
    assert (e.loc[adsl.index[ok], "exposure_days"].to_numpy()
            == adsl.loc[ok, "TRTDUR"].to_numpy()).all()
    total = safety_rates(pilot_trial).iloc[-1]
    assert total["exposure_source"] == "ADSL TRTSDT to TRTEDT: 254"


@pilot
def test_pilot_measurements_not_double_counted(pilot_trial):
    qs = read("adqscibc")
    analysed = qs[qs["DTYPE"].isna() & (qs["ANL01FL"] == "Y")]
    assert len(pilot_trial.measurements) == len(analysed) == 537
    assert pilot_trial.outcomes == ["CIBICVAL"]  # unknown to the registry, kept
    assert pilot_trial.visits == ["Week 8", "Week 16", "Week 24"]
    got = pilot_trial.measurements.groupby("visit")["value"].mean()
    want = analysed.groupby("AVISIT")["AVAL"].mean()
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
    # no ABLFL in this dataset: days are ADY as given
    days = pilot_trial.measurements.set_index(["subject_id", "visit"])["day"].sort_index()
    ref = analysed.set_index(["USUBJID", "AVISIT"])["ADY"].sort_index()
    assert (days.to_numpy() == ref.to_numpy()).all()
    assert any("no day-0 (baseline) value" in w for w in pilot_trial.warnings)


@pilot
def test_pilot_keeps_every_adverse_event_with_its_flag(pilot_trial):
    ae = read("adae")
    events = pilot_trial.adverse_events
    assert len(events) == len(ae) == 1191  # none dropped at load
    assert not any("treatment-emergent" in w for w in pilot_trial.warnings)
    flags = events["treatment_emergent"]
    assert int(flags.sum()) == (ae["TRTEMFL"] == "Y").sum() == 1126
    assert int((flags == False).sum()) == (ae["TRTEMFL"] == "N").sum() == 65  # noqa: E712
    assert events.groupby("term")["treatment_emergent"].size().sum() == 1191


@pilot
def test_pilot_adverse_events_treatment_emergent(pilot_trial):
    ae = read("adae")
    te = ae[ae["TRTEMFL"] == "Y"]
    events = pilot_trial.treatment_emergent_only().adverse_events
    assert len(events) == len(te) == 1126
    got = events["severity"].value_counts().to_dict()
    assert got == te["AESEV"].str.lower().value_counts().to_dict()
    assert events["serious"].sum() == (te["AESER"] == "Y").sum()
    assert events["term"].value_counts().head(3).to_dict() == \
        te["AEDECOD"].value_counts().head(3).to_dict()
    assert set(events["related"].dropna()) <= {"not related", "unlikely", "possible",
                                               "probable", "definite"}
    assert (events["onset_day"].dropna().to_numpy() ==
            te["ASTDY"].dropna().to_numpy()).all()


# ---------------------------------------------------------------- built here
def adsl() -> pd.DataFrame:
    return pd.DataFrame({"STUDYID": "S1", "USUBJID": ["S1-01", "S1-02", "S1-03"],
                         "TRT01A": ["MSC", "MSC", "Placebo"], "AGE": [45.0, 52.0, 60.0],
                         "SEX": ["F", "M", "F"], "AGEGR1": ["<50", ">=50", ">=50"],
                         "AGEGR1N": [1.0, 2.0, 2.0], "TRTSDT": [22000.0, 22010.0, 22020.0]})


def adqs() -> pd.DataFrame:
    rows = []
    for sid, base in (("S1-01", 6.0), ("S1-02", 5.5), ("S1-03", 6.5)):
        rows += [
            (sid, "EDSSTOT", base, "Baseline", 0, -3.0, "Y", "Y", ""),
            (sid, "EDSSTOT", base - 0.5, "Week 24", 24, 165.0, "", "Y", ""),
            (sid, "EDSSTOT", base - 0.5, "Week 48", 48, 165.0, "", "Y", "LOCF"),  # derived
            (sid, "EDSSTOT", base + 2.0, "Week 24", 24, 170.0, "", "N", ""),  # not analysed
            (sid, "T25FWM", 9.0, "Baseline", 0, -3.0, "Y", "Y", ""),
            (sid, "T25FWM", 8.0, "Week 24", 24, 165.0, "", "Y", ""),
            (sid, "GRIP", 30.0, "Baseline", 0, -3.0, "Y", "Y", ""),
        ]
    return pd.DataFrame(rows, columns=["USUBJID", "PARAMCD", "AVAL", "AVISIT", "AVISITN",
                                       "ADY", "ABLFL", "ANL01FL", "DTYPE"])


def adae() -> pd.DataFrame:
    return pd.DataFrame({"USUBJID": ["S1-01", "S1-01", "S1-03"],
                         "AEDECOD": ["HEADACHE", "BACK PAIN", "FALL"],
                         "AEBODSYS": ["NERVOUS", "MUSCULOSKELETAL", "INJURY"],
                         "AESEV": ["MILD", "MODERATE", "SEVERE"], "AESER": ["N", "N", "Y"],
                         "AREL": ["PROBABLE", "REMOTE", "NONE"], "ASTDY": [2.0, 30.0, 90.0],
                         "TRTEMFL": ["Y", "N", "Y"]})


@pytest.fixture
def xpt_files(tmp_path):
    paths = []
    for name, df in (("adsl", adsl()), ("adqs", adqs()), ("adae", adae())):
        path = tmp_path / f"{name}.xpt"
        pyreadstat.write_xport(df, str(path), file_format_version=5, table_name=name.upper())
        paths.append(path)
    return paths


def test_built_xpt(xpt_files):
    trial = load_trial(xpt_files)
    assert trial.arms == ["MSC", "Placebo"] and trial.n_subjects == 3
    m = trial.measurements
    # 21 records - 3 LOCF - 3 ANL01FL=N; the last record must survive (pandas.read_sas
    # drops it for this file, which is why msc_dash reads XPORT with pyreadstat)
    assert len(m) == 15
    assert sorted(m["outcome"].unique()) == ["EDSS", "GRIP", "T25FW"]
    edss = m[m["outcome"] == "EDSS"].sort_values(["subject_id", "day"])
    # baseline on ADY -3 becomes day 0; ADY 165 is 164 days after day 1, so 167 after -3
    assert edss["day"].tolist() == [0, 167] * 3
    assert edss["value"].tolist() == [6.0, 5.5, 5.5, 5.0, 6.5, 6.0]  # LOCF and ANL01FL=N out
    assert trial.visits == ["Baseline", "Week 24"]
    assert sorted(trial.adverse_events["term"]) == ["BACK PAIN", "FALL", "HEADACHE"]
    flags = trial.adverse_events.set_index("term")["treatment_emergent"]
    assert flags["BACK PAIN"] == False  # noqa: E712 - TRTEMFL = N: kept, flagged
    ae = trial.treatment_emergent_only().adverse_events.sort_values("term")
    assert ae["term"].tolist() == ["FALL", "HEADACHE"]
    assert ae["serious"].tolist() == [True, False]
    assert ae["related"].tolist() == ["not related", "probable"]
    assert ae["severity"].tolist() == ["severe", "mild"]
    assert ae["onset_day"].tolist() == [92, 4]  # shifted like the measurements
    assert trial.subjects["AGEGR1"].tolist() == ["<50", ">=50", ">=50"]
    assert "AGEGR1N" not in trial.subjects
    assert "TRTSDT" in trial.subjects  # kept for the exposure (msc_dash.exposure)


def test_adam_as_csv_matches_xpt(xpt_files, tmp_path):
    csvs = []
    for name, df in (("adsl", adsl()), ("adqs", adqs()), ("adae", adae())):
        path = tmp_path / f"{name}.csv"
        df.to_csv(path, index=False)
        csvs.append(path)
    assert load_trial(csvs).fingerprint == load_trial(xpt_files).fingerprint


def test_paramcd_map_and_no_adsl(xpt_files):
    trial = load_trial(xpt_files[1:], paramcd_map={"GRIP": "NHPT"})
    assert "NHPT" in trial.outcomes and "GRIP" not in trial.outcomes
    assert trial.is_single_arm  # no ADSL and no TRTP/TRTA in the BDS
    assert any("No ADSL dataset" in w for w in trial.warnings)


def test_sas_dates_when_ady_missing(tmp_path):
    qs = adqs().drop(columns=["ADY"])
    qs["TRTSDT"] = 22000.0
    qs["ADT"] = 22000.0 + np.where(qs["AVISIT"] == "Baseline", -3, 165)
    trial = load_trial(qs.to_csv(index=False).encode(), name="adqs.csv")
    edss = trial.measurements[trial.measurements["outcome"] == "EDSS"]
    assert sorted(set(edss["day"])) == [0, 168]  # dates 3 days before and 165 after


def test_out_of_range_adam_value_is_fatal():
    qs = adqs()
    qs.loc[1, "AVAL"] = 7.3
    with pytest.raises(TrialDataError, match=r"adqs.csv: column `value`: EDSS must be .* "
                       r"row 3 \(7.3\)"):
        load_trial(qs.to_csv(index=False).encode(), name="adqs.csv")


def test_only_adsl_is_an_error(xpt_files):
    with pytest.raises(TrialDataError, match="no BDS dataset with `PARAMCD` and `AVAL`"):
        load_trial(xpt_files[0])


def test_dataset_kind_and_map():
    assert dataset_kind(adsl()) == "adsl" and dataset_kind(adae()) == "adae"
    assert dataset_kind(pd.DataFrame({"subject_id": [1]})) is None
    assert PARAMCD_MAP["NFLS"] == "NFL" and PARAMCD_MAP["9HPT"] == "NHPT"
