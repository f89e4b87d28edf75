"""Sidebar analysis settings (bootstrap size, seed, CI level, multiplicity)."""

from __future__ import annotations

import streamlit as st

from . import state

PADJUST = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg (FDR)", "bonf": "Bonferroni",
           "none": "None"}


def analysis_settings() -> state.AnalysisSettings:
    """Draw the settings expander and store the chosen settings."""
    with st.sidebar.expander("Analysis settings"):
        n_boot = st.select_slider("Bootstrap resamples", [500, 1000, 2000, 5000, 10000],
                                  value=2000, key="set_n_boot")
        seed = st.number_input("Random seed", 0, 2**31 - 1, 0, key="set_seed")
        ci = st.select_slider("Confidence level", [0.90, 0.95, 0.99], value=0.95,
                              format_func=lambda x: f"{x:.0%}", key="set_ci")
        padjust = st.selectbox("Multiplicity correction", list(PADJUST),
                               format_func=PADJUST.get, key="set_padjust")
    settings = state.AnalysisSettings(int(n_boot), int(seed), float(ci), padjust)
    st.session_state[state.SETTINGS] = settings
    return settings
