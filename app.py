"""msc-dash: the router and the shared sidebar.

Run with ``make run`` (or ``streamlit run app.py``). Widgets created here keep
their values on every page; pages read the filtered trial from session state.
"""

import streamlit as st

from msc_dash.ui import warmup

# the browser fetches and starts plotly.js while the imports below run (first run only)
warmed = warmup.plotly_code()
st.set_page_config(page_title="msc-dash", page_icon="🧬", layout="wide",
                   initial_sidebar_state="expanded")

from msc_dash.outcomes import DOMAIN_INFO, DOMAIN_RECORDS  # noqa: E402
from msc_dash.ui import a11y, auth, data, filters, presenter, settings, state  # noqa: E402

warmed()
# elements made before st.navigation survive a deep link only under the entry script's hash
with filters.stable_widget_ids():
    # caption contrast, chart data tables, navigation list markup, metrics that wrap
    a11y.page_fixes(sidebar=not auth.will_stop())
auth.gate()  # the sign-in page (or the no-sign-in refusal) stops the run here

# Sidebar widgets get the same IDs on a session's first run as later (else Streamlit
# 1.67 drops the first change of any of them on a fresh session).
with filters.stable_widget_ids():
    auth.user_box()  # "Signed in as ...", Sign out
    presenter.read_url()  # before anything rewrites the query string
    filters.restore_view()  # a shared link may pick the sample, filters, visit and outcome
    data.data_source()
    full = state.get_full_trial()
    settings.analysis_settings()
    full = settings.apply_registry(full)  # meaningful-change rules, the user's outcome settings
    st.session_state[state.TRIAL] = filters.sidebar_filters(full) if full is not None else None
trial = state.get_trial()


def _domain_page(d, **kw):
    # a domain page file is one call, render_domain(code): the record gives the rest
    return st.Page(d.page, title=d.nav, icon=d.icon, url_path=d.url_path, **kw)


has_other = full is not None and full.outcomes_in("other")
PAGES = {
    "Results": [
        st.Page("pages/overview.py", title="Overview", icon="📋", default=True),
        *[_domain_page(d) for d in DOMAIN_RECORDS if d.code != "other" or has_other],
        _domain_page(DOMAIN_INFO["safety"]),
        st.Page("pages/progression.py", title="Progression", icon="📈"),
    ],
    "Explore": [
        st.Page("pages/patients.py", title="Patients", icon="👤"),
        st.Page("pages/subgroups.py", title="Subgroups", icon="🔀"),
        st.Page("pages/arms.py", title="Arms", icon="⚖️"),
        st.Page("pages/planning.py", title="Planning", icon="📐"),
    ],
    "Data": [
        st.Page("pages/data.py", title="Data", icon="🗂️"),
        st.Page("pages/export.py", title="Export & report", icon="📄"),
    ],
}
if full is not None and full.has_periods:
    PAGES["Explore"].insert(0, st.Page("pages/crossover.py", title="Crossover", icon="🔁"))

# every page stays listed: by default Streamlit collapses a menu of more than 12 pages
# behind "View N more", hiding the Data section
page = st.navigation(PAGES, expanded=True)
presenter.maybe_present(page)

# The page draws into one of two slots. Streamlit keeps a block's previous children until
# the run replaces them, so right after new data loads the old trial's cards would show
# under the new title. New data moves the page to the other slot: the slot it leaves gets
# an empty element (dropping the old page), the one it enters held an empty element (so
# nothing is inherited). Other reruns keep the slot and update the page in place.
_shown = full.cache_key if full is not None else None
if st.session_state.get(state.SHOWN_DATA) != _shown:
    st.session_state[state.SHOWN_DATA] = _shown
    st.session_state[state.PAGE_SLOT] = 1 - st.session_state.get(state.PAGE_SLOT, 0)
slots = (st.empty(), st.empty())
with slots[st.session_state[state.PAGE_SLOT]].container():
    data.show_load_error()
    page.run()
