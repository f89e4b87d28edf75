"""Sidebar data source: the bundled samples or the user's upload, and the column mapping.

A failed load keeps the last good trial and shows the error; when the error
is about column names, a mapping editor proposes what each column means and
reloads with the confirmed mapping. Nothing the user uploads is written to
disk: files and mapping live in ``st.session_state`` only.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from .. import io
from ..errors import TrialDataError
from ..mapping import (
    IGNORE,
    TARGETS,
    arm_candidates,
    mapping_from_json,
    mapping_to_json,
    propose_mapping,
)
from . import state
from .text import md_escape, md_message

#: Choice in the sidebar -> bundled sample (the sample's name, as the documents show it).
SAMPLES = {label: which for which, label in io.SAMPLE_LABELS.items()}
UPLOAD = "Upload my data"

MAPPING, MAPPING_COLUMNS = state.MAPPING, state.MAPPING_COLUMNS  # session keys (ui/state.py)
MAPPING_PREVIEW = state.MAPPING_PREVIEW
_SIGNATURE = state.UPLOAD_SIGNATURE
_KEEP = "(keep as is)"


@st.cache_resource(show_spinner=False, max_entries=4)
def _sample(which: str):
    # Trials are immutable, so one shared object per bundled sample is safe.
    return io.load_sample(which)


def data_source() -> None:
    """Draw the data-source widgets and keep the last good trial in session state."""
    with st.sidebar:
        choice = st.radio("Data", [*SAMPLES, UPLOAD], key=state.DATA_CHOICE)
        if choice in SAMPLES:
            st.session_state[MAPPING_COLUMNS] = None
            trial = _sample(SAMPLES[choice])
            _accept(trial, choice)
            return
        files = st.file_uploader(
            "Trial files",
            type=["csv", "txt", "tsv", "xlsx", "parquet", "zip", "xpt", "sas7bdat", "json"],
            accept_multiple_files=True,
            key="upload_files",
            help="The four tables as CSV (subjects, measurements, adverse_events, "
            "injections), an Excel workbook, Parquet, a ZIP of those, one long or wide "
            "CSV, or CDISC ADaM (.xpt). A saved column mapping (.json) may be added. "
            "Files stay in memory. See the Data page for the format and templates.",
        )
        if not files:
            if state.get_full_trial() is None:
                _accept(_sample("single"), next(iter(SAMPLES)))
            st.caption("Nothing uploaded yet: showing the last data loaded.")
            return
        mapping = st.session_state.get(MAPPING)
        signature = (tuple((f.name, f.size, f.file_id) for f in files),
                     json.dumps(mapping, sort_keys=True))
        if st.session_state.get(_SIGNATURE) == signature:
            return
        st.session_state[_SIGNATURE] = signature
        try:
            trial = load_with_progress(files, mapping)
        except io.MissingColumnsError as exc:
            st.session_state[state.LOAD_ERROR] = _messages(exc)
            st.session_state[MAPPING_COLUMNS] = _columns(files, exc)
            st.session_state[MAPPING_PREVIEW] = _preview(files)
            return
        except TrialDataError as exc:
            st.session_state[state.LOAD_ERROR] = _messages(exc)
            # with a mapping in use, keep the editor open so it can be corrected
            st.session_state[MAPPING_COLUMNS] = _columns(files, exc) if mapping else None
            st.session_state[MAPPING_PREVIEW] = _preview(files) if mapping else None
            return
        st.session_state[MAPPING_COLUMNS] = None
        _accept(trial, ", ".join(f.name for f in files))


#: Uploads of this size and more show the loader's stages (they take a second or more).
PROGRESS_BYTES = 2 * 2**20


def load_with_progress(files, mapping: dict | None = None):
    """:func:`msc_dash.io.load_trial` of the uploaded ``files``, showing its stages
    (reading, checking, building the trial) with a progress bar for a large upload,
    a spinner for a small one. The display is removed when the load ends."""
    size = sum(int(getattr(f, "size", 0) or 0) for f in files)
    if size < PROGRESS_BYTES:
        with st.spinner("Reading and checking the files..."):
            return io.load_trial(files, mapping=mapping)
    box = st.empty()
    try:
        with box.container():
            status = st.status(f"Loading {size / 2**20:,.1f} MB...", expanded=True)
            with status:
                bar = st.progress(0.0, text="Reading")

                def report(stage: str, detail: str) -> None:
                    step = io.LOAD_STAGES.index(stage)
                    text = stage.capitalize() + (f" {detail}" if detail else "")
                    bar.progress(step / len(io.LOAD_STAGES), text=text)
                    status.update(label=f"{text}...")

                trial = io.load_trial(files, mapping=mapping, progress=report)
        return trial
    finally:
        box.empty()


def _messages(exc: TrialDataError) -> tuple[str, ...]:
    """One sentence per problem found (the error holds them all)."""
    return tuple(str(p) for p in exc.problems)


def _columns(files, exc) -> list[str]:
    try:
        return [c for c in io.source_columns(files) if c]
    except TrialDataError:
        return list(getattr(exc, "columns", []))


def _preview(files) -> list[pd.DataFrame]:
    try:
        return io.source_frames(files)
    except TrialDataError:
        return []


def _accept(trial, label: str) -> None:
    if state.get_full_trial() is not trial:
        st.session_state[state.FULL_TRIAL] = trial
    st.session_state[state.LOAD_ERROR] = None
    st.session_state[state.SOURCE_LABEL] = label


def show_load_error() -> None:
    """Show the last load error (if any) above the page, with the data kept.

    When the error is about column names, the mapping editor follows.
    """
    message = st.session_state.get(state.LOAD_ERROR)
    if message:
        kept = st.session_state.get(state.SOURCE_LABEL, "the previous data")
        problems = (message,) if isinstance(message, str) else tuple(message)
        if len(problems) == 1:
            text = f"**The upload could not be used.** {md_message(problems[0])}"
        else:
            text = (f"**The upload could not be used: {len(problems)} problems.**\n\n"
                    + "\n".join(f"1. {md_message(p)}" for p in problems))
        st.error(f"{text}\n\nStill showing: {md_escape(kept)}.", icon="⚠️")
        columns = st.session_state.get(MAPPING_COLUMNS)
        if columns:
            mapping_editor(columns)


def mapping_editor(columns: list[str]) -> None:
    """Propose a target for each column; on confirm, store the mapping and reload."""
    with st.expander("Map your columns to the names msc-dash expects", expanded=True):
        st.markdown(
            "For each of your columns, choose what it holds. Proposed matches are filled "
            "in: check them, then press **Apply mapping**. Outcome columns of a wide file "
            "map to outcome codes (e.g. `T25FW`); columns you do not need can be "
            f"`{IGNORE}`. Save the mapping to reuse it with the next export.")
        saved = st.file_uploader("Use a saved mapping (.json)", type=["json"],
                                 key="mapping_upload")
        base = dict(st.session_state.get(MAPPING) or {})
        if saved is not None:
            try:
                base = mapping_from_json(saved.getvalue())
            except TrialDataError as exc:
                st.error(md_message(exc))
        proposal = {**propose_mapping(columns), **base}
        table = pd.DataFrame({
            "Your column": columns,
            "Means": [proposal.get(c, _KEEP) if proposal.get(c) != c else _KEEP
                      for c in columns],
        })
        key = "mapping_editor_" + str(abs(hash((tuple(columns), json.dumps(base)))))
        edited = st.data_editor(
            # every row shown, no scrolling inside the table (35 px a row, header included)
            table, key=key, hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3,
            column_config={
                "Your column": st.column_config.TextColumn(disabled=True),
                "Means": st.column_config.SelectboxColumn(
                    options=[_KEEP, *TARGETS], required=True,
                    help="subject_id, visit, day, outcome, value (measurements); arm, "
                    "sex, age... (subjects); term, severity... (adverse events); or an "
                    "outcome code for one column per outcome."),
            })
        mapping = {c: t for c, t in zip(edited["Your column"], edited["Means"], strict=True)
                   if t and t != _KEEP and t != c}
        answered, mapping = _ask_for_arm(mapping, key)
        left, right = st.columns(2)
        if left.button("Apply mapping and reload", type="primary", key="mapping_apply",
                       disabled=not answered,
                       help=None if answered else "Answer the question about the arm first."):
            st.session_state[MAPPING] = mapping
            st.session_state.pop(_SIGNATURE, None)
            st.rerun()
        right.download_button("Download this mapping (.json)", mapping_to_json(mapping),
                              file_name="msc_dash_mapping.json", mime="application/json",
                              key="mapping_download")


_NO_ARM = "None of them: one arm (every subject had the same treatment)"


def _ask_for_arm(mapping: dict[str, str], key: str) -> tuple[bool, dict[str, str]]:
    """Ask "is this the arm?" when no column is mapped to ``arm`` but one could be.

    A column that is constant within each subject with 2 to 4 values, left
    unmapped, may be the randomised group: merging its groups would analyse
    a two-arm trial as one arm. Returns (answered, the mapping with the answer).
    """
    frames = st.session_state.get(MAPPING_PREVIEW) or []
    sid = next((c for c, t in mapping.items() if t == "subject_id"), None)
    frame = next((f for f in frames if sid in f.columns), None)
    candidates = arm_candidates(frame, mapping) if frame is not None else []
    if not candidates:
        return True, mapping

    def label(col: str) -> str:
        if col == _NO_ARM:
            return col
        from .text import md_escape  # option labels are Markdown; data is not

        levels = sorted(frame[col].dropna().astype(str).unique())
        return md_escape(f"{col} ({', '.join(levels)})")

    choice = st.radio(
        "**Is one of these columns the arm** (the treatment group each subject was "
        "randomised to)? Each has 2 to 4 values that stay the same for a subject.",
        [*candidates, _NO_ARM], index=None, key=f"{key}_arm", format_func=label)
    if choice is None:
        st.caption("Answer before applying: without an arm, every group is analysed as one.")
        return False, mapping
    if choice != _NO_ARM:
        mapping = {**mapping, choice: "arm"}
    return True, mapping


def mapping_panel() -> None:
    """The mapping in use (if any), to download or clear; for the Data page."""
    mapping = st.session_state.get(MAPPING)
    if not mapping:
        st.caption("No column mapping is in use. If an upload's column names are not "
                   "recognised, a mapping editor appears above the page.")
        return
    st.dataframe(pd.DataFrame({"Your column": list(mapping), "Means": list(mapping.values())}),
                 hide_index=True)
    left, right = st.columns(2)
    left.download_button("Download mapping (.json)", mapping_to_json(mapping),
                         file_name="msc_dash_mapping.json", mime="application/json",
                         key="mapping_panel_download")
    if right.button("Stop using this mapping", key="mapping_clear"):
        st.session_state[MAPPING] = None
        st.session_state.pop(_SIGNATURE, None)
        st.rerun()
