import streamlit as st

from msc_dash.ui import state

trial = state.require_trial()
st.title("export")
st.write(trial.summary())
