"""Overview: headline cards, forest plot, plain-language findings and the effect table."""

import streamlit as st

from msc_dash.effects import effect_sizes
from msc_dash.findings import describe_p_basis, one_year_visit, safety_numbers
from msc_dash.multiplicity import family_text
from msc_dash.ui import state, widgets
from msc_dash.ui.cache import cached
from msc_dash.ui.reproduce import reproduce_expander

trial = state.require_trial()
settings = state.get_settings()

st.title("Overview")
arms = (f"{len(trial.arms)} arms ({widgets.md_join(trial.arms)})" if not trial.is_single_arm
        else "single arm")
source = st.session_state.get(state.SOURCE_LABEL) or trial.source
st.markdown(
    f"**{trial.n_subjects:,} subjects**, {arms}; baseline and {len(trial.followup_visits)} "
    f"follow-up visits ({widgets.md_join(trial.followup_visits)}). "
    f"Source: {widgets.md_escape(source)}."
)

top = st.columns([1, 2], vertical_alignment="bottom")
visit = widgets.visit_selector(trial, container=top[0])
if visit is None:
    st.stop()
top[1].caption(
    "Each change is paired against the same subjects' baseline. Hedges' g: positive = "
    f"improvement; {settings.ci:.0%} bootstrap CI. Green = significant improvement, "
    "red = significant worsening, grey = not significant."
)

effects = cached(effect_sizes, trial, settings=settings)
safety = cached(safety_numbers, trial) if len(trial.adverse_events) else None
safety_by_arm = (cached(widgets.safety_by_arm, trial)
                 if safety and not trial.is_single_arm else None)
at_visit = widgets.page_findings(trial, effects, settings, visit=visit, safety=safety)

widgets.domain_cards(trial, effects, visit, safety=safety, safety_by_arm=safety_by_arm,
                     found=at_visit)

st.subheader(f"Effect sizes at {widgets.md_escape(visit)}")
widgets.forest_chart(trial, effects, visit, settings, key="overview_forest")
widgets.auto_charts(trial, settings, visit)

st.subheader("Findings")
at_key = widgets.page_findings(trial, effects, settings, safety=safety)
key_names = list(dict.fromkeys([trial.followup_visits[0], one_year_visit(trial)]))
tab_visit, tab_key = st.tabs([
    f"At {widgets.md_escape(visit)}",
    f"First follow-up and about one year ({widgets.md_join(key_names, ' and ')})"])
with tab_visit:
    widgets.findings_list(at_visit)
with tab_key:
    widgets.findings_list(at_key)
st.caption(f"{describe_p_basis(at_visit + at_key)} Adjusted p: "
           + widgets.md_escape(family_text(widgets.visit_outcomes(effects, visit),
                                           padjust=settings.padjust, family=settings.family,
                                           visit=visit)))

st.subheader("Effect table")
all_visits = st.toggle("Show every visit", key="overview_all_visits")
widgets.effect_table(trial, effects, settings, visit=None if all_visits else visit,
                     key="overview_effects")
reproduce_expander(trial, "overview", settings, visit=visit)
