"""Uploaded data stays in memory, the app phones nowhere, uploads are bounded."""

import os
import tempfile
import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


def _config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_usage_statistics_off_and_xsrf_on():
    cfg = _config()
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["server"]["enableXsrfProtection"] is True
    assert 1 <= cfg["server"]["maxUploadSize"] <= 200


def _snapshot(*folders: Path) -> set[str]:
    seen = set()
    for folder in folders:
        for dirpath, _dirs, files in os.walk(folder):
            if ".git" in dirpath or "__pycache__" in dirpath or ".pytest_cache" in dirpath:
                continue
            seen.update(os.path.join(dirpath, f) for f in files)
    return seen


def _data_source():
    from msc_dash.ui import data

    data.data_source()


def test_upload_writes_nothing_to_disk():
    tmp = Path(tempfile.gettempdir())
    files = {name: (SAMPLE / name).read_bytes() for name in
             ("subjects.csv", "measurements.csv", "adverse_events.csv", "injections.csv")}
    # the sidebar's data widgets alone: AppTest (1.67) reruns only the page of a
    # multipage app after its first run, so app.py's uploader would not rerun
    at = AppTest.from_function(_data_source, default_timeout=120)
    at.session_state["data_choice"] = "Upload my data"
    at.run()
    before = _snapshot(tmp, ROOT)  # after AppTest wrote its own script file
    uploader = at.get("file_uploader")[0]
    uploader.set_value([(name, data, "text/csv") for name, data in files.items()]).run()
    assert not at.exception
    from msc_dash.ui import state

    trial = at.session_state[state.FULL_TRIAL]
    assert trial.n_subjects == 23 and "subjects.csv" in at.session_state[state.SOURCE_LABEL]
    after = _snapshot(tmp, ROOT)
    assert after - before == set(), f"files appeared on disk: {sorted(after - before)}"
