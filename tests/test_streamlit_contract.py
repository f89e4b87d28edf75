"""What msc-dash relies on inside Streamlit: fails when a Streamlit upgrade changes it.

The app keeps its page files in ``pages/`` (the product's layout) and routes
them with ``st.navigation`` in app.py. Streamlit 1.67 has no setting to say
"this pages/ folder belongs to st.navigation": ``PagesManager`` decides on the
first run of a server process that an app with a ``pages/`` folder is a
legacy (v1) multipage app, and the script runner then runs a deep-linked page
file alone, without app.py. ``msc_dash.ui.state._leave_pages_folder_mode``
undoes that by setting the same flag ``st.navigation`` sets and rerunning
(docs/architecture.md, "Pages"). These tests pin each fact it relies on.
"""

from __future__ import annotations

import inspect

from streamlit.commands import navigation
from streamlit.runtime import pages_manager
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner

from msc_dash.ui import state


def test_pages_folder_flag_is_a_class_attribute_set_from_the_folder():
    assert "uses_pages_directory" in vars(PagesManager)
    source = inspect.getsource(pages_manager.PagesManager.__init__)
    assert "uses_pages_directory" in source and '"pages"' in source


def test_st_navigation_turns_the_flag_off():
    source = inspect.getsource(navigation.navigation)
    assert "PagesManager.uses_pages_directory = False" in source


def test_the_script_runner_runs_page_files_alone_while_the_flag_is_on():
    source = inspect.getsource(script_runner)
    assert "if PagesManager.uses_pages_directory:" in source and "_mpa_v1(" in source


def test_the_workaround_sets_that_flag_and_lives_in_one_place():
    source = inspect.getsource(state._leave_pages_folder_mode)
    assert "PagesManager.uses_pages_directory = False" in source
    # outside a script run (no context) it leaves the flag alone
    before = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = True
        state._leave_pages_folder_mode()
        assert PagesManager.uses_pages_directory is True
    finally:
        PagesManager.uses_pages_directory = before
