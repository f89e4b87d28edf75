import streamlit as st

from msc_dash.ui import state

trial = state.require_trial()
st.title("biomarkers")
st.write(trial.summary())
