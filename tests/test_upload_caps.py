"""Upload caps by file kind (CSV/Excel/SAS 200 MB, Parquet/ZIP 1 GB, configurable) and
the loader's progress callback."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from msc_dash.errors import TrialDataError
from msc_dash.io import LOAD_STAGES, limits, load_trial
from tests.test_io import Upload

CSV = b"subject_id,visit,day,outcome,value\na,Baseline,0,EDSS,6.0\na,Month 12,360,EDSS,5.5\n"


def _parquet() -> bytes:
    buf = io.BytesIO()
    pd.read_csv(io.BytesIO(CSV)).to_parquet(buf, index=False)
    return buf.getvalue()


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("measurements.csv", CSV)
    return buf.getvalue()


def test_default_caps_and_streamlit_agree():
    assert limits.MAX_TABLE_BYTES == 200 * 2**20
    assert limits.MAX_PACKED_BYTES == 1024 * 2**20
    assert limits.MAX_UPLOAD_BYTES == limits.MAX_PACKED_BYTES


@pytest.mark.parametrize("name", ["big.csv", "big.tsv", "big.txt", "big.xlsx", "big.xpt"])
def test_a_table_file_over_its_cap_is_refused_before_reading(name):
    big = Upload(name, b"")
    big.size = 201 * 2**20  # only the declared size: nothing is read
    with pytest.raises(TrialDataError) as err:
        load_trial([big])
    text = str(err.value)
    assert f"{name} is 201.0 MB; the limit for CSV, Excel and SAS files is 200 MB" in text
    assert "(Parquet and ZIP: 1,024 MB)" in text
    assert "save large tables as Parquet or compress them into a ZIP" in text
    assert "MSC_DASH_MAX_TABLE_MB" in text and "server.maxUploadSize" in text


@pytest.mark.parametrize("name", ["registry.parquet", "trial.zip"])
def test_parquet_and_zip_may_be_larger_than_a_csv(name):
    fine = Upload(name, b"")
    fine.size = 900 * 2**20  # over the CSV cap, under the Parquet/ZIP cap
    limits._check_size(name, fine.size, "parquet" if name.endswith("parquet") else "zip")
    fine.size = 1025 * 2**20
    with pytest.raises(TrialDataError, match=rf"{name} is 1,025.0 MB; the limit for Parquet "
                       r"and ZIP files is 1,024 MB\. .*MSC_DASH_MAX_PACKED_MB"):
        load_trial([fine])


def test_caps_are_configurable(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TABLE_BYTES", 100)
    with pytest.raises(TrialDataError, match=r"measurements.csv is 0.0 MB; the limit for CSV"):
        load_trial(CSV * 2, name="measurements.csv")
    assert load_trial(_parquet(), name="measurements.parquet").n_subjects == 1
    assert load_trial(_zip(), name="trial.zip").n_subjects == 1  # the ZIP is small...
    monkeypatch.setattr(limits, "MAX_TABLE_BYTES", 50)
    with pytest.raises(TrialDataError, match=r"trial.zip/measurements.csv is 0.0 MB; the "
                       r"limit for CSV"):  # ...but the CSV in it is over the CSV cap
        load_trial(_zip(), name="trial.zip")
    monkeypatch.setattr(limits, "MAX_PACKED_BYTES", 100)
    with pytest.raises(TrialDataError, match=r"measurements.parquet is 0.0 MB; the limit for "
                       r"Parquet and ZIP files"):
        load_trial(_parquet(), name="measurements.parquet")


def test_caps_come_from_the_environment(monkeypatch):
    import importlib

    monkeypatch.setenv("MSC_DASH_MAX_TABLE_MB", "5")
    monkeypatch.setenv("MSC_DASH_MAX_PACKED_MB", "2048")
    try:
        fresh = importlib.reload(limits)
        assert fresh.MAX_TABLE_BYTES == 5 * 2**20
        assert fresh.MAX_PACKED_BYTES == fresh.MAX_UPLOAD_BYTES == 2048 * 2**20
    finally:
        monkeypatch.delenv("MSC_DASH_MAX_TABLE_MB")
        monkeypatch.delenv("MSC_DASH_MAX_PACKED_MB")
        importlib.reload(limits)
    assert limits.MAX_TABLE_BYTES == 200 * 2**20


def test_files_together_are_capped(monkeypatch):
    monkeypatch.setattr(limits, "MAX_UPLOAD_BYTES", len(CSV) + 10)
    with pytest.raises(TrialDataError, match=r"The files together is 0.0 MB; the limit for "
                       r"one upload is"):
        load_trial([Upload("measurements.csv", CSV), Upload("subjects.csv", CSV)])


def test_progress_reports_every_stage_in_order():
    calls = []
    trial = load_trial([Upload("measurements.csv", CSV), Upload("subjects.csv", b"subject_id,age\na,50\n")],
                       progress=lambda stage, detail: calls.append((stage, detail)))
    assert trial.n_subjects == 1
    assert calls == [("reading", ""), ("reading", "measurements.csv (1 of 2)"),
                     ("reading", "subjects.csv (2 of 2)"), ("checking", ""),
                     ("building the trial", "")]
    assert [s for s, _ in calls if s != "reading"] == list(LOAD_STAGES[1:])


def test_progress_stops_at_the_stage_that_failed():
    calls = []
    with pytest.raises(TrialDataError, match="required column `value` is missing"):
        load_trial(CSV.replace(b"value", b"vaule"), name="measurements.csv",
                   progress=lambda stage, detail: calls.append(stage))
    assert calls == ["reading", "reading", "checking"]
