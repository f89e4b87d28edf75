"""Crossover: the within-subject treatment effect, carryover, period 1, AEs by treatment."""

import numpy as np
import pandas as pd
import streamlit as st

from msc_dash.crossover import CARRYOVER_ALPHA, ae_incidence, crossover, treatments
from msc_dash.errors import TrialDataError
from msc_dash.tables import format_ci, format_p, p_phrase, sig
from msc_dash.ui import export_widgets, filters, state
from msc_dash.ui.cache import cached
from msc_dash.ui.charts import chart
from msc_dash.ui.widgets import md_escape

trial = state.require_trial()
settings = state.get_settings()
st.title("🔁 Crossover")

if not trial.has_periods:
    st.info(
        "This trial has no treatment periods, so there is no crossover to analyse. Add a "
        "`periods` table (`subject_id, period, treatment, start_day, end_day`), or a "
        "`sequence` column in the subjects table such as `MSC-Sham` (the periods are then "
        "derived from the injection or visit days). The **Data** page has a template; the "
        "*Sample crossover trial* in the sidebar shows this page.")
    st.stop()

names = sorted(pd.unique(trial.periods["treatment"]))
guess_t, guess_c = treatments(trial)
c1, c2, c3, c4 = st.columns([1.3, 1, 1.4, 0.8])
outcome = filters.outcome_selector(trial, trial.outcomes, container=c1)
treatment = c2.selectbox("Treatment", names, index=names.index(guess_t), key="xo_treatment")
control = c2.selectbox("Compared with", names, index=names.index(guess_c), key="xo_control")
response = c3.radio(
    "Response in each period", ["change", "end"], key="xo_response",
    format_func={"change": "Change from the period's first assessment",
                 "end": "End value, adjusted for the study baseline"}.get)
washout = c4.number_input("Washout (days)", min_value=0, max_value=365, value=0, step=7,
                          key="xo_washout",
                          help="Assessments in the first days of the second period are left "
                          "out; its first assessment is then the first after the washout.")
if treatment == control:
    st.warning("Choose two different treatments to compare.")
    st.stop()

entry = trial.outcome(outcome)
try:
    r = cached(crossover, trial, outcome=outcome, treatment=treatment, control=control,
               washout_days=float(washout), response=response, ci=settings.ci)
except TrialDataError as exc:
    st.warning(md_escape(str(exc)))
    st.stop()

pct = f"{settings.ci:.0%}"
unit = "" if r.log_scale else entry.change_unit
if r.log_scale:
    effect = format_ci(r.ratio, r.ratio_low, r.ratio_high, 3)
    p1 = format_ci(*np.exp([r.period1_estimate, r.period1_ci_low, r.period1_ci_high]), 3)
    what = "ratio of geometric means"
else:
    effect = format_ci(r.estimate, r.ci_low, r.ci_high, sign=True, unit=unit)
    p1 = format_ci(r.period1_estimate, r.period1_ci_low, r.period1_ci_high, sign=True,
                   unit=unit)
    what = "difference"
better = ("lower" if entry.better == "lower" else "higher")
st.markdown(
    f"**{md_escape(entry.label)}**: {md_escape(treatment)} vs {md_escape(control)}, "
    f"{what} of the {'change within each period' if response == 'change' else 'end value'}"
    f" ({pct} CI); {better} is better.")
m1, m2, m3, m4 = st.columns(4)
m1.metric(f"Crossover ({r.n_subjects} subjects)", effect.split(" [")[0],
          help="Within-subject effect from the mixed model (sequence + period + treatment, "
          "random subject intercept, REML).")
m1.caption(f"{pct} CI [{effect.split(' [')[1] if ' [' in effect else '–'}; "
           f"{p_phrase(r.p)}")
m2.metric(f"Period 1 only ({r.n_period1} subjects)", p1.split(" [")[0],
          help="Parallel-group comparison of the first period alone: free of carryover, "
          "but between subjects, so less precise.")
m2.caption(f"{pct} CI [{p1.split(' [')[1] if ' [' in p1 else '–'}; "
           f"{p_phrase(r.period1_p)}")
m3.metric("Carryover test (sequence), p", format_p(r.carryover_p),
          help=f"Sequence effect of the mixed model; judged at {CARRYOVER_ALPHA:g} because "
          "it is a between-subject test with little power.")
m3.caption(f"period effect {p_phrase(r.period_p)}")
# the model's g is treatment minus control in the data's direction; shown as everywhere
# else in the app: positive = favours the treatment (improvement)
m4.metric("Hedges' g (within-subject)", sig(entry.sign * r.hedges_g, 2, sign=True),
          help="The crossover estimate over the SD of a within-subject difference, "
          "small-sample corrected; positive favours the treatment.")
m4.caption(f"positive favours {md_escape(treatment)}; {r.n_both} subjects with both periods")
if r.carryover_warning:
    st.warning("⚠️ " + md_escape(r.carryover_warning))

st.subheader("Estimates")
tab = r.table()
shown = pd.DataFrame({
    "Analysis": tab["analysis"], "n": tab["n"],
    ("Ratio" if r.log_scale else "Difference") + f" [{pct} CI]": [
        format_ci(*(row[c] for c in (("ratio", "ratio_low", "ratio_high") if r.log_scale
                                     else ("estimate", "ci_low", "ci_high"))), 3)
        for _, row in tab.iterrows()],
    "SE": [sig(v, 3) for v in tab["se"]], "df": [sig(v, 3) for v in tab["df"]],
    "p": [format_p(v) for v in tab["p"]]})
st.dataframe(shown, hide_index=True)
export_widgets.table_downloads(tab, f"Crossover {outcome}", key="xo_estimates")
with st.expander("Methods (ready to paste)"):
    st.markdown(md_escape(r.methods_text))

params = dict(outcome=outcome, treatment=treatment, control=control,
              washout_days=float(washout), response=response)
left, right = st.columns(2)
with left:
    chart("crossover_profile", trial, settings, key="xo_profile", **params)
    st.caption(f"Mean response of each sequence in each period, {pct} CI; markers coloured "
               "by the treatment received. Parallel lines with crossing colours suggest a "
               "treatment effect; lines at different heights a sequence (carryover) effect.")
with right:
    chart("crossover_paired", trial, settings, key="xo_paired", **params)
    st.caption("One line per subject across the periods; markers coloured by treatment. "
               f"{r.n_subjects - r.n_both} subject(s) with one period show a marker only.")

st.subheader("Adverse events by the treatment received when they started")
inc = cached(ae_incidence, trial)
if trial.adverse_events.empty:
    st.info("This trial has no adverse-event table; upload `adverse_events` (with "
            "`onset_day`) to see events by the treatment received.")
elif inc["n_events"].sum() == 0:
    st.info("No adverse event started during a treatment period.")
else:
    chart("crossover_ae", trial, settings, key="xo_ae", treatment=treatment, control=control)
    anyae = inc[inc["term"] == "Any adverse event"].set_index("treatment")
    parts = [f"{md_escape(t)}: {int(a.n_events)} events in {a.patient_years:.1f} "
             f"patient-years ({a.per_100py:.0f} per 100 patient-years)"
             for t, a in anyae.iterrows()]
    note = inc.attrs.get("unassigned", 0)
    st.caption("Each event counts for the period its onset falls in; % of the subjects "
               "who had a period on that treatment. " + "; ".join(parts) + "."
               + (f" {note} event(s) outside every period are not counted." if note else ""))
