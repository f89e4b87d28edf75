"""Progression: confirmed disability worsening or improvement, time to event (msc_dash.ui.progression)."""

import streamlit as st

from msc_dash.ui import state
from msc_dash.ui.progression import render_progression

trial = state.require_trial()
st.title("📈 Progression")
render_progression(trial, state.get_settings())
