"""Subgroups: the effect in each level of a subject variable, and whether it differs."""

import pandas as pd
import streamlit as st

from msc_dash.subgroups import (
    HETEROGENEITY_TEST,
    INTERACTION_TEST,
    MULTIPLICITY_NOTE,
    is_numeric_variable,
    subgroup_effects,
    subgroup_interaction,
)
from msc_dash.tables import format_ci, format_p, sig
from msc_dash.ui import filters, state, widgets
from msc_dash.ui.cache import cached
from msc_dash.ui.charts import chart
from msc_dash.ui.reproduce import reproduce_expander

trial = state.require_trial()
settings = state.get_settings()
st.title("Subgroups")
st.caption("Does the change from baseline differ between groups of subjects? "
           "Pick an outcome, a visit and a subject variable.")

if not trial.outcomes:
    st.info("The data has no outcome measurements.")
    st.stop()

variables = [c for c in trial.subject_variables
             if trial.subjects[c].nunique(dropna=True) >= 2 and not (
                 c == "arm" or trial.subjects[c].nunique() > 40
                 and not is_numeric_variable(trial.subjects[c]))]
if not variables:
    st.info("Every subject variable has a single value in the subjects shown, so there are "
            "no subgroups to compare. Widen the filters or add subject columns such as "
            "`sex` or `age`.")
    st.stop()

cols = st.columns(3)
outcome = filters.outcome_selector(trial, trial.outcomes, container=cols[0])
visit = widgets.visit_selector(trial, container=cols[1])
if visit is None:
    st.stop()
if st.session_state.get("sg_variable") not in variables:
    st.session_state["sg_variable"] = "ms_type" if "ms_type" in variables else variables[0]
variable = cols[2].selectbox("Split subjects by", variables, key="sg_variable",
                             format_func=lambda c: filters.LABELS.get(c, c.replace("_", " ")))

cuts = None
column = trial.subjects[variable]
if is_numeric_variable(column):
    median = float(column.median())
    c1, c2 = st.columns([1, 2])
    how = c1.radio("Split at", ["Median", "Cut points"], horizontal=True, key="sg_split",
                   help=f"The median of {variable} in the subjects shown is {median:g}.")
    if how == "Cut points":
        raw = c2.text_input("Cut points (comma-separated)", key="sg_cuts",
                            placeholder=f"e.g. {median:g}",
                            help="Each group includes its upper end: cuts 45, 55 give "
                                 "≤ 45, 45 to 55, > 55.")
        parsed, bad = [], []
        for part in raw.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                parsed.append(float(part))
            except ValueError:
                bad.append(part)
        if bad:
            c2.warning(f"Not a number: {', '.join(bad)}. Using the other cut points.")
        if parsed:
            cuts = tuple(sorted(set(parsed)))
        else:
            c2.caption(f"No cut point given: splitting at the median ({median:g}).")
    if cuts is None:
        cuts = (median,)

out = trial.outcome(outcome)
kw = dict(variable=variable, outcome=outcome, visit=visit, cuts=cuts)
effects = cached(subgroup_effects, trial, **kw, settings=settings)
inter = cached(subgroup_interaction, trial, **kw)

if effects.empty or effects["n"].sum() == 0:
    st.info(f"No subject has both a baseline and a {widgets.md_escape(visit)} value of "
            f"{widgets.md_escape(outcome)}.")
    st.stop()

var_label = filters.LABELS.get(variable, variable.replace("_", " "))
st.subheader(f"{widgets.md_escape(out.label)}: change to {widgets.md_escape(visit)} by "
             f"{widgets.md_escape(var_label.split(' (')[0])}")
chart("subgroup_forest", trial, settings, key="subgroup_forest", **kw)

between = not trial.is_single_arm
st.subheader("Does the difference between arms vary by subgroup?" if between
             else "Does the change differ between subgroups?")
metrics = st.columns(max(len(inter), 1))
for col, row in zip(metrics, inter.itertuples(), strict=False):
    name = ("Treatment × subgroup interaction p" if between
            else "Heterogeneity across subgroups p")
    if row.estimable:
        col.metric(name, format_p(row.p_interaction),
                   help=f"{row.kind} ({widgets.md_escape(row.arm)}): "
                        f"F({row.df_num:.0f}, {row.df_den:.0f}) = {sig(row.f)}, n = {row.n}")
    else:
        col.metric(name, "–", help=row.note)
        col.caption(f"Not testable: {row.note}.")
group = widgets.md_escape(var_label.split(" (")[0])
if between:
    st.caption(f"Test: {INTERACTION_TEST.rstrip('?')}. A small p means the difference "
               f"between {widgets.md_escape(inter['arm'].iloc[0].replace(' vs ', ' and '))} "
               f"depends on {group} "
               "more than chance would explain; "
               "a subgroup being significant in one arm only is not evidence of that.")
else:
    st.caption(f"Test: {HETEROGENEITY_TEST}. A single-arm trial has no comparator, so this "
               f"is heterogeneity across subgroups: a small p means the change differs "
               f"between {group} groups more than chance would explain, not that the "
               "treatment works differently in them.")
st.info(MULTIPLICITY_NOTE, icon="ℹ️")

with st.expander("Subgroup table"):
    table = pd.DataFrame({
        "Arm": effects["arm"], "Subgroup": effects["level"], "n": effects["n"],
        "Mean change": [sig(x, sign=True) + (f" {out.unit}" if out.unit else "")
                        if pd.notna(x) else "–" for x in effects["change_mean"]],
        f"Hedges' g [{settings.ci:.0%} CI]": [
            format_ci(g, lo, hi, decimals=2) for g, lo, hi in
            zip(effects.hedges_g, effects.hedges_g_ci_low, effects.hedges_g_ci_high,
                strict=True)],
        "Note": effects["note"],
    })
    if trial.is_single_arm:
        table = table.drop(columns="Arm")
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(f"Hedges' g of the paired change (g_av), positive = improvement "
               f"({out.better} is better); {settings.ci:.0%} BCa bootstrap CI, "
               f"{settings.n_boot} resamples, seed {settings.seed}.")
reproduce_expander(trial, "subgroups", settings, visit=visit, outcome=outcome,
                   variable=variable, cuts=cuts)
