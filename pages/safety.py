"""Safety: serious-event headline, incidence tables, post-injection events, rates, charts."""

import math

import pandas as pd
import streamlit as st

from msc_dash import safety
from msc_dash.exposure import safety_rates
from msc_dash.figures.safety import SWIMMER_SORTS
from msc_dash.injection_windows import window_rates
from msc_dash.tables import format_ci, format_p
from msc_dash.ui import export_widgets, state
from msc_dash.ui.cache import arrow_table, cached, keep, per_arm
from msc_dash.ui.charts import chart
from msc_dash.ui.reproduce import reproduce_expander
from msc_dash.ui.widgets import md_escape, md_message

trial = state.require_trial()
settings = state.get_settings()
st.title("🛡️ Safety")

SORT_LABELS = {"arm": "Arm", "follow-up": "Follow-up time", "response": "Response (EDSS-Plus)"}


def swimmer_section() -> None:
    st.subheader("Every subject's course")
    sort_by = st.segmented_control(
        "Sort subjects by", SWIMMER_SORTS, format_func=SORT_LABELS.get, default="arm",
        key="safety_swimmer_sort") or "arm"
    chart("swimmer", trial, key="safety_swimmer", file_name="Swimmer plot", sort_by=sort_by)
    st.caption(
        "One bar per subject: follow-up from baseline to the last visit, injection or "
        "adverse event. | injection; dots: adverse events coloured by severity; ★ outlined: "
        "serious adverse event; ◆ last visit; × last visit more than a month before the "
        "visit closest to one year. Response: EDSS-Plus at the visit closest to one year.")


full = state.get_full_trial()
if trial.adverse_events.empty and full is not None and not full.adverse_events.empty:
    st.info(f"ℹ️ None of the {trial.n_subjects} subjects matching the sidebar filters had an "
            "adverse event. Widen the filters to see the others.")
    swimmer_section()
    st.stop()
if trial.adverse_events.empty:
    st.info(
        "ℹ️ This trial has no adverse-event table, so there is nothing to summarise here. "
        "To add one, upload an `adverse_events` table (a CSV file or an Excel sheet named "
        "`adverse_events`) with one row per event and the columns `subject_id` and `term`; "
        "optional: `onset_day`, `body_system`, `severity` (mild / moderate / severe / "
        "life-threatening / fatal), `serious` (yes/no), `related` (not related / unlikely / "
        "possible / probable / definite) and `injection_number`. The **Data** page lists "
        "every table and column.")
    swimmer_section()
    st.stop()

# --- which events count: treatment-emergent by default, all on request
scope = cached(safety.event_scope, trial)
if scope["excluded"]:
    include_all = st.toggle(
        f"Include all {scope['total']} adverse events", key="safety_include_all_events",
        help="By default the tables and charts count treatment-emergent events only "
             "(ADaM `TRTEMFL = Y`, or onset on or after the subject's first injection).")
    if include_all:
        trial = trial.with_all_events()
        st.caption(f"Counting all {scope['total']} adverse events, treatment-emergent or not "
                   f"({scope['emergent']} treatment-emergent, {scope['not_emergent']} not, "
                   f"{scope['unknown']} unknown).")
    else:
        st.caption(md_escape(scope["note"]))
elif scope["total"]:
    st.caption(md_escape(scope["note"]))

# --- headline
head = cached(safety.safety_headline, trial)
text = cached(safety.headline_text, trial)
st.markdown(f"### {'✅' if head['n_serious'] == 0 else '⚠️'} {md_escape(text)}")
c1, c2, c3, c4 = st.columns(4)
serious = head["n_serious"]
c1.metric("Serious adverse events",
          "not recorded" if isinstance(serious, float) and math.isnan(serious) else serious)
c2.metric("Adverse events", head["n_events"])
c3.metric("Subjects with an event",
          f"{head['n_subjects_with_event']} of {head['n_subjects']}")
rates = cached(safety_rates, trial, ci=settings.ci)
total = rates.iloc[-1]
c4.metric("Events per 100 patient-years",
          "–" if pd.isna(total["event_rate"]) else f"{total['event_rate']:.0f}",
          help=f"{total['events']} events in {total['patient_years']:.1f} patient-years "
               f"of exposure ({total['exposure_source']}); see Exposure-adjusted rates")
if not trial.is_single_arm:
    lines = []
    for arm, h in per_arm(safety.safety_headline, trial).items():
        k = h["n_serious"]
        k_text = "seriousness not recorded" if isinstance(k, float) and math.isnan(k) else (
            f"{k} serious")
        lines.append(f"- **{md_escape(arm)}**: {h['n_events']} events in "
                     f"{h['n_subjects_with_event']} of {h['n_subjects']} subjects, {k_text}")
    st.markdown("\n".join(lines))
for warning in cached(safety.safety_warnings, trial):
    st.warning(f"⚠️ {md_message(warning)}")

# --- serious events
st.subheader("Serious adverse events")
listing = cached(safety.serious_events, trial)
if listing.empty:
    if isinstance(serious, float) and math.isnan(serious):
        st.info("The adverse-event table does not say which events were serious.")
    else:
        st.success("✅ No serious adverse events")
else:
    st.dataframe(arrow_table(listing), hide_index=True, width="stretch")
    export_widgets.table_downloads(listing, "serious adverse events", key="safety_sae_dl")

# --- incidence
st.subheader("Adverse events by body system and term")
incidence = cached(safety.incidence_table, trial)
st.dataframe(arrow_table(incidence), hide_index=True, width="stretch")
export_widgets.table_downloads(incidence, "adverse events by term", key="safety_terms_dl")
reproduce_expander(trial, "safety", state.get_settings())
st.caption("Subjects: with at least one such event, n (% of the subjects in the arm); "
           "Events: every occurrence. Most frequent first. Serious: events flagged serious; "
           "Related: events possibly, probably or definitely related to treatment.")

tabs = st.tabs(["Severity", "Seriousness", "Relatedness", "Body system"])
for tab, by, name in zip(tabs, ("severity", "serious", "related", "body_system"),
                         ("by severity", "by seriousness", "by relatedness",
                          "by body system"), strict=True):
    with tab:
        table = cached(safety.incidence_table, trial, by=by)
        st.dataframe(arrow_table(table), hide_index=True, width="stretch")
        export_widgets.table_downloads(table, f"adverse events {name}",
                                       key=f"safety_{by}_dl")
st.caption("A subject counts once in each category they had an event of; a subject with "
           "a mild and a moderate event counts in both rows.")

# --- after each injection
st.subheader("Events after each injection")
cols = st.columns([1, 3], vertical_alignment="bottom")
window = int(cols[0].number_input("Window (days after the injection)", min_value=0,
                                  max_value=365, value=7, step=1, key="safety_window"))
post = cached(safety.post_injection_events, trial, window=window)
if post.empty:
    st.info("The trial has no injection table, so events cannot be placed after injections.")
else:
    def _post_table() -> pd.DataFrame:
        out = post.rename(columns={
            "arm": "Arm", "injection_number": "Injection", "injections_given": "Injections given",
            "events": f"Events within {window} days",
            "subjects_with_event": "Subjects with an event",
            "pct_subjects": "% of subjects injected"})
        return out.drop(columns="Arm") if trial.is_single_arm else out

    # kept per trial and window: a rerun that changes neither rebuilds no table
    shown = keep("safety.post", _post_table, trial.cache_key, window)
    st.dataframe(arrow_table(shown), hide_index=True, width="stretch",
                 column_config={"% of subjects injected": st.column_config.NumberColumn(
                     format="%.0f%%")})
    export_widgets.table_downloads(shown, f"events within {window} days of an injection",
                                   key="safety_post_dl")
    cols[1].caption(
        f"An event counts for injection k when it started 0 to {window} days after it: "
        "the event's own injection number when recorded, else the latest injection on or "
        "before its onset.")

# --- do events cluster after injections? (window vs rest of follow-up)
clustered = cached(window_rates, trial, window=window)
if not clustered.empty:
    st.markdown(f"**Event rate in the {window} days after an injection vs the rest of "
                "follow-up**")

    def _window_table() -> pd.DataFrame:
        out = pd.DataFrame({
            "Arm": clustered["arm"], "Injections": clustered["group"],
            "Events in window": clustered["events_window"],
            "Per 100 PY in window": clustered["rate_window"].round(1),
            "Events outside": clustered["events_rest"],
            "Per 100 PY outside": clustered["rate_rest"].round(1),
            "Rate ratio [95% CI]": [format_ci(r.rate_ratio, r.ci_low, r.ci_high, 3)
                                    for r in clustered.itertuples()],
            "p": [format_p(p) for p in clustered["p"]]})
        return arrow_table(out.drop(columns="Arm") if trial.is_single_arm else out)

    st.dataframe(keep("safety.window", _window_table, trial.cache_key, window),
                 hide_index=True, width="stretch")
    export_widgets.table_downloads(clustered, f"event rates {window} days after injections",
                                   key="safety_window_rates_dl")
    st.caption(f"Window: the injection day and the {window} days after it (up to the next "
               "injection); outside: every other day of follow-up (baseline to the last day "
               "seen). Rate ratio with the exact conditional CI and p (as R's "
               "`poisson.test`). PY: patient-years.")

# --- exposure-adjusted rates
st.subheader("Exposure-adjusted rates")
level = f"{settings.ci:.0%} CI"


def _rate(x, lo, hi) -> str:
    return "–" if pd.isna(x) else (f"{x:.0f} [{lo:.0f}, {hi:.0f}]" if pd.notna(hi)
                                   else f"{x:.0f}")


st.dataframe(keep("safety.rates", lambda: arrow_table(pd.DataFrame({
    "Arm": rates["arm"], "Patient-years": [f"{x:.1f}" for x in rates["patient_years"]],
    "Events": rates["events"], "Serious events": rates["serious_events"],
    f"Event rate [exact Poisson {level}]": [
        _rate(r.event_rate, r.event_rate_ci_low, r.event_rate_ci_high)
        for r in rates.itertuples()],
    f"Event rate [quasi-Poisson {level}]": [
        _rate(r.event_rate, r.event_rate_qp_low, r.event_rate_qp_high)
        for r in rates.itertuples()],
    "Dispersion": ["–" if pd.isna(x) else f"{x:.2f}" for x in rates["dispersion"]],
    "Subjects with an event": rates["subjects_with_event"],
    "Years at risk": [f"{x:.1f}" for x in rates["patient_years_at_risk"]],
    f"EAIR [exact {level}]": [_rate(r.eair, r.eair_ci_low, r.eair_ci_high)
                              for r in rates.itertuples()],
    "Note": rates["note"],
})), trial.cache_key, settings.ci), hide_index=True, width="stretch")
export_widgets.table_downloads(rates, "exposure-adjusted adverse event rates",
                               key="safety_rates_dl")
late = rates.attrs.get("events_after_exposure", 0)
st.caption(
    "Per 100 patient-years. **Event rate**: every event over the total exposure; the exact "
    "Poisson CI assumes independent events, the quasi-Poisson CI widens it by the "
    "dispersion of the subjects' counts (above 1: events cluster in some subjects). "
    "**EAIR** (exposure-adjusted incidence rate): subjects with a first event over the "
    "time at risk, each subject's exposure ending at their first event. Exposure: "
    f"{md_escape(total['exposure_source'])}."
    + (f" {late} event(s) with an onset after the end of exposure are not counted."
       if late else ""))


# --- charts
st.subheader("Adverse events over time")
n_terms = int(trial.adverse_events["term"].nunique()) if len(trial.adverse_events) else 0
top = None
if n_terms > 15:
    top = int(st.columns([1, 3])[0].number_input(
        "Terms with a row of their own", min_value=1, max_value=n_terms, value=15, step=5,
        key="safety_timeline_top",
        help=f"The most frequent terms of the {n_terms}; the others share one row, "
             "'Other terms' (hover for each event's term)."))
chart("ae_timeline", trial, key="safety_timeline", file_name="Adverse events over time",
      top=top)
st.caption("Each dot is one event at its onset, on the row of its term (most frequent at "
           "the top"
           + (f"; the rarest {n_terms - top} terms share the bottom row" if top and top < n_terms
              else "")
           + "); colour = severity, outlined star = serious. ▲ injections.")
swimmer_section()
