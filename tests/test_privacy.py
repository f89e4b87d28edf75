"""Uploaded data stays in memory, the app phones nowhere, uploads are bounded."""

import os
import sys
import tempfile
import threading
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
    # Streamlit's cap admits msc-dash's largest (Parquet, ZIP) and no more
    from msc_dash.io import limits
    assert cfg["server"]["maxUploadSize"] * 2**20 == limits.MAX_UPLOAD_BYTES


def _snapshot(*folders: Path) -> set[str]:
    seen = set()
    for folder in folders:
        for dirpath, _dirs, files in os.walk(folder):
            if ".git" in dirpath or "__pycache__" in dirpath or ".pytest_cache" in dirpath:
                continue
            seen.update(os.path.join(dirpath, f) for f in files)
    return seen


# Files this process opens for writing while the flag is set (audit event "open",
# raised by open() and os.open()): the snapshot of /tmp below also sees files of
# other processes (parallel pytest runs), the audit hook only this process's.
_WATCH = threading.Event()
_WRITTEN: list[str] = []


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _WATCH.is_set():
        path, mode, flags = args
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if writes and isinstance(path, str | bytes | os.PathLike):
            _WRITTEN.append(os.fsdecode(path))


sys.addaudithook(_audit)


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
    _WATCH.set()
    try:
        uploader.set_value([(name, data, "text/csv") for name, data in files.items()]).run()
    finally:
        _WATCH.clear()
    assert _WRITTEN == [], f"the upload opened files for writing: {_WRITTEN}"
    assert not at.exception
    from msc_dash.ui import state

    trial = at.session_state[state.FULL_TRIAL]
    assert trial.n_subjects == 23 and "subjects.csv" in at.session_state[state.SOURCE_LABEL]
    # other processes' pytest folders are theirs; the audit hook covers this one
    after = {f for f in _snapshot(tmp, ROOT) - before if "/pytest-of-" not in f}
    assert after == set(), f"files appeared on disk: {sorted(after)}"
