import streamlit as st

from msc_dash.ui import state

trial = state.require_trial()
st.title("safety")
st.write(trial.summary())
