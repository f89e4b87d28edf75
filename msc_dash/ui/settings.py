"""Sidebar analysis settings (bootstrap size, seed, CI level, multiplicity,
meaningful-change rules) and the user's settings for outcomes outside the registry."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..outcomes import DOMAINS, REGISTRY, Registry
from ..settings import AnalysisSettings
from ..trial import Trial
from . import state

#: session key (ui/state.py): {code: {"label", "domain", "unit", "better"}} for unknown codes
OUTCOME_SETTINGS = state.OUTCOME_SETTINGS

_EDSS = REGISTRY["EDSS"].meaningful_change
_SDMT = REGISTRY["SDMT"].meaningful_change

PADJUST = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg (FDR)", "bonf": "Bonferroni",
           "none": "None"}


def analysis_settings() -> AnalysisSettings:
    """Draw the settings expander and store the chosen settings."""
    with st.sidebar.expander("Analysis settings"):
        n_boot = st.select_slider("Bootstrap resamples", [500, 1000, 2000, 5000, 10000],
                                  value=2000, key="set_n_boot")
        seed = st.number_input("Random seed", 0, 2**31 - 1, 0, key="set_seed")
        ci = st.select_slider("Confidence level", [0.90, 0.95, 0.99], value=0.95,
                              format_func=lambda x: f"{x:.0%}", key="set_ci")
        padjust = st.selectbox("Multiplicity correction", list(PADJUST),
                               format_func=PADJUST.get, key="set_padjust")
        full = state.get_full_trial()
        options = list(full.outcomes) if full is not None else list(REGISTRY)
        wanted = st.session_state.get(state.FAMILY) or []
        if full is not None and any(c not in options for c in wanted):
            st.session_state[state.FAMILY] = [c for c in wanted if c in options]
            st.session_state[state.URL_PROBLEMS] = [
                *(st.session_state.get(state.URL_PROBLEMS) or []),
                *(f"Pre-specified outcome `{c}` is not in the data." for c in wanted
                  if c not in options)]
        family = st.multiselect(
            "Pre-specified outcomes", options, key=state.FAMILY, placeholder="All outcomes",
            help="The primary and secondary outcomes of the protocol: their p values are "
                 "adjusted as one family, the others as a separate exploratory family. "
                 "Empty: every outcome in one family.")
        st.caption("**Meaningful change** (sources differ)")
        edss = st.selectbox(
            "EDSS: 1.0-point step up to baseline", [_EDSS.threshold, 5.0], key="set_edss_step",
            format_func=lambda x: f"{x:g} (then 0.5)",
            help="A change of 1.0 counts when baseline EDSS is at or below this, 0.5 above "
                 "it, and 1.5 from a baseline of 0.")
        sdmt = st.selectbox("SDMT: points", [_SDMT.amount, 3.0], key="set_sdmt_points",
                            format_func=lambda x: f"{x:g} correct answers")
        timed = st.select_slider("Timed tests (T25FW, NHPT): % of baseline", [10, 15, 20, 25],
                                 value=20, key="set_timed_pct")
    settings = AnalysisSettings(int(n_boot), int(seed), float(ci), padjust,
                                edss_step=float(edss), sdmt_points=float(sdmt),
                                timed_pct=int(timed), family=tuple(family))
    st.session_state[state.SETTINGS] = settings
    return settings


def registry_in_force() -> Registry:
    """The registry with the chosen meaningful-change rules and the user's outcome settings."""
    reg = state.get_settings().registry(REGISTRY)
    for code, changes in (st.session_state.get(OUTCOME_SETTINGS) or {}).items():
        reg = reg.with_outcome(code, **changes)
    return reg


def apply_registry(trial: Trial | None) -> Trial | None:
    """``trial`` analysed with :func:`registry_in_force` (None stays None)."""
    if trial is None:
        return None
    reg = registry_in_force()
    return trial if reg == trial.registry else trial.with_registry(reg)


def outcome_editor(trial: Trial) -> None:
    """Let the user give each outcome outside the registry a label, domain, unit and direction.

    The choices live in session state (never on disk) and apply on every page.
    """
    unknown = [c for c in trial.outcomes if not REGISTRY.get(c).known]
    if not unknown:
        return
    st.subheader("Outcomes outside the registry")
    st.caption("Say what each one is: the domain decides on which page it appears, the "
               "direction decides the sign of effect sizes (positive = improvement).")
    current = st.session_state.get(OUTCOME_SETTINGS) or {}
    rows = []
    for code in unknown:
        out = trial.registry.get(code)
        rows.append({"code": code, "label": current.get(code, {}).get("label", out.label),
                     "domain": current.get(code, {}).get("domain", out.domain),
                     "unit": current.get(code, {}).get("unit", out.unit),
                     "better": current.get(code, {}).get("better", out.better)})
    edited = st.data_editor(
        pd.DataFrame(rows), hide_index=True, key="outcome_editor", disabled=["code"],
        column_config={
            "code": "Code", "label": "Label",
            "domain": st.column_config.SelectboxColumn("Domain (page)", options=list(DOMAINS),
                                                       required=True),
            "unit": "Unit",
            "better": st.column_config.SelectboxColumn("Better", options=["higher", "lower"],
                                                       required=True)})
    wanted = {r["code"]: {"label": str(r["label"] or r["code"]), "domain": r["domain"],
                          "unit": str(r["unit"] or ""), "better": r["better"]}
              for r in edited.to_dict("records")}
    if wanted != current:
        st.session_state[OUTCOME_SETTINGS] = wanted
        st.rerun()
