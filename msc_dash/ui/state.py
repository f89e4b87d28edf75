"""Session-state keys and accessors shared by app.py and the pages.

Everything a user loads or chooses lives in ``st.session_state`` (one per
browser session): nothing is kept at module level, because one Streamlit
server serves every user.
"""

from __future__ import annotations

import streamlit as st

from ..settings import AnalysisSettings
from ..trial import Trial

# session_state keys: the single list, so no module spells one twice (widget keys that
# belong to one page, such as "sg_variable", stay on that page)
# -- the data
FULL_TRIAL = "msc_full_trial"        # last good Trial as loaded (unfiltered)
TRIAL = "msc_trial"                  # the Trial after the sidebar filters
LOAD_ERROR = "msc_load_error"        # the last failed load's problems (tuple of str), or None
SOURCE_LABEL = "msc_source_label"    # what is loaded, for display
DATA_CHOICE = "data_choice"          # the sidebar's data radio (a sample or upload)
UPLOAD_SIGNATURE = "upload_signature"  # names and sizes of the files loaded last
MAPPING = "msc_column_mapping"       # the confirmed {column: target} mapping, or None
MAPPING_COLUMNS = "msc_mapping_columns"  # columns to map after a failed load, or None
MAPPING_PREVIEW = "msc_mapping_preview"  # first rows of each uploaded table, for the editor
# -- the analysis
SETTINGS = "msc_settings"            # AnalysisSettings in force
SHOWN_DATA = "msc_shown_data"        # cache key of the data the main area last showed
PAGE_SLOT = "msc_page_slot"          # which of app.py's two main-area slots holds the page
OUTCOME_SETTINGS = "msc_outcome_settings"  # {code: {label, domain, unit, better}} (unknown codes)
FAMILY = "set_family"                # the pre-specified outcomes (multiplicity family)
# -- the view (kept in the address by urlstate)
VISIT_KEY = "visit"                  # the visit selector's widget key
OUTCOME_KEY = "outcome"              # the outcome selector's widget key
VISIT_MEMORY = "msc_visit_memory"    # the visit chosen last, across page switches
OUTCOME_MEMORY = "msc_outcome_memory"  # the outcome chosen last, across page switches
FILTER_PREFIX = "flt_"               # prefix of the filter widgets' keys
FILTER_ORIGIN = "msc_flt_origin"     # cache key of the trial the filter widgets were built for
FILTER_SPECS = "msc_flt_specs"       # (origin, specs)
FILTERED = "msc_flt_filtered"        # ((origin, criteria), filtered Trial)
FILTER_MORE = "msc_flt_more"         # columns added with "Add a filter"
URL_DONE = "msc_flt_url_done"        # the URL has been read in this session
URL_PENDING = "msc_flt_pending"      # decoded view waiting for the trial
URL_PROBLEMS = "msc_flt_problems"    # link problems to show once
# -- presenter mode
PRESENT_KEY = "presenter_mode"
SLIDE_KEY = "presenter_slide"        # 0-based index of the slide on screen
CONTRAST_KEY = "presenter_contrast"
PRESENTER_URL_SEEN = "presenter_url_seen"  # query params already applied this session
# -- sign-in (msc_dash.ui.auth)
SIGNED_IN_AS = "msc_signed_in_as"    # the user this browser session belongs to


__all__ = ["AnalysisSettings", "FULL_TRIAL", "TRIAL", "LOAD_ERROR", "SOURCE_LABEL", "SETTINGS",
           "get_full_trial", "get_trial", "get_settings", "require_trial"]


def get_full_trial() -> Trial | None:
    """The loaded trial before filtering (None before anything loads)."""
    return st.session_state.get(FULL_TRIAL)


def get_trial() -> Trial | None:
    """The trial the pages show: the loaded trial after the sidebar filters."""
    return st.session_state.get(TRIAL) or st.session_state.get(FULL_TRIAL)


def get_settings() -> AnalysisSettings:
    """The analysis settings in force."""
    return st.session_state.get(SETTINGS) or AnalysisSettings()


def _leave_pages_folder_mode() -> None:
    """Rerun through app.py when Streamlit ran this page without it.

    On a fresh server, Streamlit treats the first run as a pages/-folder app
    (``pages/`` exists) and runs a deep-linked page such as ``/arms?...``
    alone, without app.py's data, filters and navigation. The rerun goes
    through app.py's ``st.navigation``, which opens the same page.

    Streamlit 1.67 has no supported setting for this (``st.navigation`` sets
    the same private flag, ``PagesManager.uses_pages_directory``, but only
    once app.py runs); this is the only place that touches it, and
    tests/test_streamlit_contract.py fails when Streamlit changes any fact
    it relies on (docs/architecture.md, "Pages").
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    except ImportError:  # another Streamlit layout: nothing to undo
        return
    if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
        PagesManager.uses_pages_directory = False
        st.rerun()


def require_trial() -> Trial:
    """The filtered trial, or stop the page with a clear message."""
    trial = get_trial()
    if trial is None:
        _leave_pages_folder_mode()
        st.info("No trial is loaded. Choose the sample trial or upload files in the sidebar.")
        st.stop()
    if trial.n_subjects == 0:
        st.warning(
            "No subject matches the filters in the sidebar. "
            "Widen them or press **Reset filters**."
        )
        st.stop()
    return trial


# Every page imports this module, and the first import in a server process happens on
# its first run: leave pages-folder mode there too, for pages that never call
# require_trial (the Data page).
_leave_pages_folder_mode()
