"""Sidebar data source: the bundled samples or the user's upload.

A failed load keeps the last good trial and shows the error; nothing the
user uploads is written to disk.
"""

from __future__ import annotations

import streamlit as st

from .. import io
from ..errors import TrialDataError
from . import state

SAMPLES = {
    "Sample trial (simulated, single arm)": "single",
    "Sample two-arm trial (simulated)": "two_arm",
}
UPLOAD = "Upload my data"


@st.cache_resource(show_spinner=False, max_entries=4)
def _sample(which: str):
    # Trials are immutable, so one shared object per bundled sample is safe.
    return io.load_sample(which)


def data_source() -> None:
    """Draw the data-source widgets and keep the last good trial in session state."""
    with st.sidebar:
        choice = st.radio("Data", [*SAMPLES, UPLOAD], key="data_choice")
        if choice in SAMPLES:
            trial = _sample(SAMPLES[choice])
            _accept(trial, choice)
            return
        files = st.file_uploader(
            "Trial files",
            type=["csv", "txt", "xlsx", "parquet", "zip", "xpt", "json"],
            accept_multiple_files=True,
            key="upload_files",
            help="The four tables as CSV, an Excel workbook, Parquet, a ZIP of those, "
            "one long or wide CSV, or CDISC ADaM (.xpt). Files stay in memory.",
        )
        if not files:
            if state.get_full_trial() is None:
                _accept(_sample("single"), next(iter(SAMPLES)))
            st.caption("Nothing uploaded yet: showing the last data loaded.")
            return
        signature = tuple((f.name, f.size, f.file_id) for f in files)
        if st.session_state.get("upload_signature") == signature:
            return
        st.session_state["upload_signature"] = signature
        try:
            trial = io.load_trial(files)
        except TrialDataError as exc:
            st.session_state[state.LOAD_ERROR] = str(exc)
            return
        _accept(trial, ", ".join(f.name for f in files))


def _accept(trial, label: str) -> None:
    if state.get_full_trial() is not trial:
        st.session_state[state.FULL_TRIAL] = trial
        st.session_state[state.LOAD_ERROR] = None
    st.session_state[state.SOURCE_LABEL] = label


def show_load_error() -> None:
    """Show the last load error (if any) above the page, with the data kept."""
    message = st.session_state.get(state.LOAD_ERROR)
    if message:
        kept = st.session_state.get(state.SOURCE_LABEL, "the previous data")
        st.error(f"**The upload could not be used.** {message}\n\n"
                 f"Still showing: {kept}.", icon="⚠️")
