"""Session-state keys and accessors shared by app.py and the pages.

Everything a user loads or chooses lives in ``st.session_state`` (one per
browser session): nothing is kept at module level, because one Streamlit
server serves every user.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ..trial import Trial

#: session_state keys (the single list, so pages never spell them twice)
FULL_TRIAL = "msc_full_trial"        # last good Trial as loaded (unfiltered)
TRIAL = "msc_trial"                  # the Trial after the sidebar filters
LOAD_ERROR = "msc_load_error"        # message of the last failed load, or None
SOURCE_LABEL = "msc_source_label"    # what is loaded, for display
SETTINGS = "msc_settings"            # AnalysisSettings in force
SHOWN_DATA = "msc_shown_data"        # cache key of the data the main area last showed
PAGE_SLOT = "msc_page_slot"          # which of app.py's two main-area slots holds the page


@dataclass(frozen=True)
class AnalysisSettings:
    """Analysis settings chosen in the sidebar (hashable, for cache keys)."""

    n_boot: int = 2000
    seed: int = 0
    ci: float = 0.95
    padjust: str = "holm"


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
