import streamlit as st

from msc_dash.ui import state

trial = state.require_trial()
st.title("overview")
st.write(trial.summary())
