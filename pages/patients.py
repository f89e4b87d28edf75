"""Patients: one subject at a time: characteristics, timeline, outcomes, responder status."""

import pandas as pd
import streamlit as st

from msc_dash import safety
from msc_dash.anchored import subject_injection_table
from msc_dash.effects import responders
from msc_dash.ui import export_widgets, state, widgets
from msc_dash.ui.cache import arrow_table, cached, keep
from msc_dash.ui.charts import chart
from msc_dash.ui.reproduce import reproduce_expander

trial = state.require_trial()
st.title("👤 Patients")

SUBJECT = "patients_subject"
ids = trial.subjects["subject_id"].tolist()
if st.session_state.get(SUBJECT) not in ids:  # first visit, or filtered away
    st.session_state[SUBJECT] = ids[0]
arm_of = keep("patients.arms", lambda: trial.subjects.set_index("subject_id")["arm"].to_dict(),
              trial.cache_key)


def _step(delta: int) -> None:
    i = ids.index(st.session_state[SUBJECT]) if st.session_state.get(SUBJECT) in ids else 0
    st.session_state[SUBJECT] = ids[(i + delta) % len(ids)]


pick = st.columns([3, 1, 1, 3], vertical_alignment="bottom")
sid = pick[0].selectbox(
    f"Subject ({len(ids)}; type to search)", ids, key=SUBJECT,
    format_func=lambda s: s if trial.is_single_arm else f"{s} · {arm_of[s]}")
pick[1].button("◀ Previous", key="patients_prev", on_click=_step, args=(-1,),
               width="stretch", help="Previous subject (wraps around)")
pick[2].button("Next ▶", key="patients_next", on_click=_step, args=(1,), width="stretch",
               help="Next subject (wraps around)")
pick[3].caption(f"Subject {ids.index(sid) + 1} of {len(ids)}")

# --- characteristics
st.subheader(f"Subject {widgets.md_escape(sid)}")
row = keep("patients.row", lambda: trial.subjects.set_index("subject_id").loc[sid],
           trial.cache_key, sid)
NAMES = {"arm": "Arm", "ms_type": "MS type", "sex": "Sex", "age": "Age (years)",
         "disease_duration_years": "Disease duration (years)",
         "baseline_edss": "Baseline EDSS", "route": "Route", "bmi": "BMI",
         "n_injections": "Injections"}
shown = {NAMES.get(k, k): v for k, v in row.items() if not (k == "arm" and trial.is_single_arm)}
fu = keep("patients.fu", lambda: cached(safety.follow_up, trial).set_index("subject_id").loc[sid],
          trial.cache_key, sid)
shown["Follow-up (months)"] = round(float(fu["last_day"]) / safety.DAYS_PER_MONTH, 1)
shown["Last visit"] = fu["last_visit"] if isinstance(fu["last_visit"], str) else "–"
cols = st.columns(min(len(shown), 6))
for i, (name, value) in enumerate(shown.items()):
    text = "–" if pd.isna(value) else (f"{value:g}" if isinstance(value, float) else str(value))
    cols[i % len(cols)].metric(widgets.md_escape(name), text)

# --- timeline
st.subheader("Timeline")
# one subject's course: every event, treatment-emergent or not
chart("patient_timeline", trial.with_all_events(), key="patients_timeline",
      file_name=f"{sid} timeline", subject=sid)


def _events(sid: str) -> pd.DataFrame | None:
    ae = safety.adverse_events(trial.with_all_events())
    ae = ae[ae["subject_id"] == sid]
    if ae.empty:
        return None
    return pd.DataFrame({
        "Onset day": ae["onset_day"].astype("Int64"), "Term": ae["term"],
        "Body system": ae["body_system"], "Severity": ae["severity"],
        "Serious": ae["serious_label"], "Relatedness": ae["related"],
        "Injection": ae["injection_number"].astype("Int64"),
        "Treatment-emergent": ae["treatment_emergent"].map(
            {True: "yes", False: "no"}).fillna("unknown"),
    }).sort_values("Onset day", kind="stable")


events = keep("patients.events", lambda: _events(sid), trial.cache_key, sid)
if events is None:
    st.caption("No adverse events recorded for this subject.")
else:
    st.dataframe(arrow_table(events), hide_index=True, width="stretch")
    export_widgets.table_downloads(events, f"{sid} adverse events", key="patients_ae_dl")

# --- after each injection
if not trial.injections.empty and trial.baseline_visit is not None:
    after = cached(subject_injection_table, trial, subject_id=sid)
    if not after.empty:
        st.subheader("Change after each injection")
        logs = [c for c in after["outcome"] if trial.outcome(c).scale == "log"]
        st.dataframe(keep("patients.after", lambda: arrow_table(after.round(3)),
                          trial.cache_key, sid), hide_index=True, width="stretch")
        st.caption("The change from baseline at the last value before the next injection "
                   "(the response to each injection)"
                   + (f"; log ratio for {', '.join(logs)}" if logs else "") + ". The domain "
                   "pages show every subject's injection-anchored change (switch on "
                   "'... anchored to the injections').")

# --- responder status
st.subheader("Improved, stable or worsened")
top = st.columns([1, 2], vertical_alignment="bottom")
visit = widgets.visit_selector(trial, container=top[0])


def _status(sid: str, visit: str) -> pd.DataFrame | None:
    status = cached(responders, trial, visit=visit)
    mine = status[status["subject_id"] == sid]
    if mine.empty:
        return None
    icon = {"improved": "🟢 improved", "stable": "⚪ stable", "worsened": "🔴 worsened",
            "unknown": "❔ no rule"}
    return pd.DataFrame({
        "Outcome": [trial.outcome(c).label if c != "EDSS_PLUS" else "EDSS-Plus"
                    for c in mine["outcome"]],
        "Code": mine["outcome"].to_numpy(),
        "Baseline": mine["baseline"].round(3).to_numpy(),
        visit: mine["value"].round(3).to_numpy(),
        "Change": mine["change"].round(3).to_numpy(),
        "Status": mine["status"].map(icon).to_numpy(),
        "Rule": mine["rule"].to_numpy(),
    })


if visit is not None:
    table = keep("patients.status", lambda: _status(sid, visit), trial.cache_key, sid, visit)
    if table is None:
        st.info(f"Subject {widgets.md_escape(sid)} has no value at {widgets.md_escape(visit)} "
                "with a baseline to compare.")
    else:
        st.dataframe(arrow_table(table), hide_index=True, width="stretch")
        export_widgets.table_downloads(table, f"{sid} status at {visit}",
                                       key="patients_status_dl")
        reproduce_expander(trial, "patients", state.get_settings(), visit=visit, subject=sid)
        top[1].caption("A change counts when it reaches the outcome's meaningful-change rule "
                       "(column Rule) in either direction; EDSS-Plus: worsened when any of "
                       "EDSS, T25FW, NHPT worsens, improved when any improves and none "
                       "worsens.")

# --- outcomes over time
st.subheader("Every outcome against baseline")
# the same options for every subject, so the choice survives Previous / Next
with st.expander("Choose outcomes"):
    chosen = st.multiselect("Outcomes", trial.outcomes, default=trial.outcomes,
                            key="patients_outcomes",
                            format_func=lambda c: f"{c} – {trial.outcome(c).label}")
if chosen:
    chart("patient_outcomes", trial, key="patients_outcomes_chart", file_name=f"{sid} outcomes",
          subject=sid, outcomes=tuple(chosen), cols=4)
    st.caption("Dashed line: the subject's baseline; grey band: changes smaller than the "
               "outcome's meaningful-change rule (no band where the outcome has none). "
               "Log axis for timed tests and blood biomarkers.")
else:
    st.info("Choose at least one outcome.")
