"""Data: what is loaded, what was noticed while loading, and the format to upload."""

import streamlit as st

from msc_dash import io, periods
from msc_dash.outcomes import DOMAINS
from msc_dash.table1 import baseline_summary, table_one
from msc_dash.trial import TABLES
from msc_dash.ui import data, export_widgets, settings, state, widgets
from msc_dash.ui.cache import arrow_table, cached, keep

st.title("Data")
trial = settings.apply_registry(state.get_full_trial())
shown = state.get_trial()

if trial is None:
    st.info("No trial is loaded yet. Choose a sample or upload files in the sidebar; the "
            "expected format is described below.")
else:
    source = st.session_state.get(state.SOURCE_LABEL) or trial.source
    st.markdown(f"**Loaded:** {widgets.md_escape(source)}")
    arms = "single arm" if trial.is_single_arm else ", ".join(
        f"{widgets.md_escape(arm)} ({n})" for arm, n in trial.subjects["arm"].value_counts(sort=False).items())
    cols = st.columns(5)
    cols[0].metric("Subjects", trial.n_subjects)
    cols[1].metric("Arms", len(trial.arms), help=arms)
    cols[2].metric("Visits", len(trial.visits))
    cols[3].metric("Outcomes", len(trial.outcomes))
    cols[4].metric("Adverse events", len(trial.adverse_events))
    st.caption(f"Arms: {arms}." + (
        f" The sidebar filters keep {shown.n_subjects} of {trial.n_subjects} subjects; "
        "this page describes all loaded data." if shown is not None
        and shown.n_subjects != trial.n_subjects else ""))

    if trial.warnings:
        n = len(trial.warnings)
        with st.expander(f"⚠️ {n} note{'s' if n > 1 else ''} from loading", expanded=True):
            st.markdown("\n".join(f"- {widgets.md_message(w)}" for w in trial.warnings))

    left, right = st.columns([2, 3])
    with left:
        st.subheader("Visits")
        visits = cached(io.visit_summary, trial)
        st.dataframe(arrow_table(visits), hide_index=True, column_config={
            "visit": "Visit", "day": st.column_config.NumberColumn("Median day", format="%d"),
            "n_subjects": "Subjects", "n_values": "Values"})
        st.subheader("Tables")
        st.dataframe(arrow_table(cached(io.table_summary, trial)), hide_index=True, column_config={
            "table": "Table", "rows": "Rows", "columns": "Columns"})
    with right:
        st.subheader("Outcomes")
        outcomes = keep("data.outcomes", lambda: arrow_table(cached(
            io.outcome_summary, trial).assign(domain=lambda d: d["domain"].map(
                lambda x: DOMAINS.get(x, x)))), trial.cache_key)
        st.dataframe(outcomes, hide_index=True, column_config={
            "outcome": "Code", "label": "Outcome", "domain": "Domain", "unit": "Unit",
            "better": "Better", "rule": "Meaningful change",
            "known": st.column_config.CheckboxColumn("In registry"),
            "n_subjects": "Subjects", "n_values": "Values"})

    settings.outcome_editor(trial)

    st.subheader("Baseline characteristics (Table 1)")
    analysed = shown if shown is not None else trial
    table1 = cached(table_one, analysed)
    st.dataframe(arrow_table(table1), hide_index=True, height="content")
    st.caption(f"{analysed.n_subjects} subjects as analysed (after the sidebar filters). "
               "Mean (SD) and median [Q1, Q3] for numbers; n (%) of the subjects with a "
               "known value for categories; baseline outcome values at the baseline visit. "
               "The same table is in the HTML and Word reports.")
    export_widgets.table_downloads(table1, "table 1", key="data_table1_dl",
                                   sheets={"Table 1 numbers": cached(baseline_summary,
                                                                     analysed)})

    st.subheader("Subjects")
    st.dataframe(arrow_table(trial.subjects), hide_index=True)
    listed = ("measurements", "adverse_events", "injections") + (
        ("periods",) if trial.has_periods else ())
    # built only while open (opening reruns the page): four tables of up to 500 rows
    with st.expander("Measurements, adverse events, injections"
                     + (" and periods" if trial.has_periods else "") + " (first 500 rows each)",
                     key="data_raw_tables", on_change="rerun") as raw:
        for name in listed if raw.open else ():
            frame = getattr(trial, name)
            st.markdown(f"**{name}** ({len(frame)} rows)")
            st.dataframe(frame.head(500), hide_index=True)

st.header("What to upload")
st.markdown(
    "Upload four tables (CSV, one Excel workbook with a sheet per table, Parquet, or a ZIP "
    "of those), and optionally a fifth, `relapses`. Files are recognised by name "
    "(`subjects.csv`, `measurements.csv`, `adverse_events.csv` or `ae.csv`, "
    "`injections.csv`, `relapses.csv`) or by their columns. Only `measurements` is "
    "required.")
rows = []
for name, (required, optional) in TABLES.items():
    rows.append({"table": name, "one row per": {
        "subjects": "subject", "measurements": "subject x visit x outcome",
        "adverse_events": "adverse event", "injections": "injection",
        "relapses": "relapse (optional)"}[name],
        "required columns": ", ".join(required),
        "optional columns": ", ".join(optional) + (
            "; any other column is a subgroup variable" if name == "subjects" else "")})
rows.append({"table": "periods (crossover trials, optional)",
             "one row per": "subject x treatment period",
             "required columns": ", ".join(periods.COLUMNS), "optional columns": ""})
st.dataframe(rows, hide_index=True)
st.markdown(
    "- **Crossover trials**: a `periods` table (`periods.csv` or a sheet `periods`) gives "
    "each subject's treatment periods in days since baseline. Periods may touch (period 1 "
    "ending on the day period 2 starts: that visit ends one period and is the baseline of "
    "the next) but not overlap. Without it, a `sequence` column in the subjects table "
    "such as `MSC-Sham` is enough: the periods then start at each injection (when there "
    "is one per period) or cross over at the visit nearest the middle of the schedule. "
    "ADaM ADSL `TRT01A`/`TRT02A` with `AP01SDT`/`AP01EDT` (or `TR01SDT`...) work too. "
    "Visits and adverse events are assigned to the period they fall in, and the "
    "**Crossover** page appears.\n"
    "- `day` is **days since the subject's baseline** (baseline = 0), not a date.\n"
    "- `outcome` is a code such as `T25FW`, `NHPT`, `EDSS`, `SDMT`, `NFL` (see the outcome "
    "table above); other codes are analysed with higher = better.\n"
    "- Also accepted: **one long CSV** (measurements with subject columns such as `arm` "
    "and `age` on every row), a **wide file** (one row per subject and visit, one column "
    "per outcome code), and **CDISC ADaM** (ADSL + a BDS dataset such as ADQS + ADAE, as "
    ".xpt or CSV).\n"
    "- `relapses` (`subject_id`, `onset_day` in days since baseline) is used by the "
    "**Progression** page, as msprog does: a visit within 30 days after a relapse is "
    "neither a baseline nor a confirmation, and a confirmed worsening is relapse-associated "
    "(RAW) when it starts within 90 days after a relapse, independent of relapse activity "
    "(PIRA) when no relapse falls from 90 days before to 30 days after its onset and "
    "confirmation. With ADaM/SDTM, clinical-event records (CE) whose term or category says "
    "relapse are read as relapses.\n"
    "- Column names that differ (\"Patient ID\", \"Timed 25ft walk (s)\") can be mapped "
    "once in the app, and the mapping saved for next time.\n"
    f"- Up to {io.limits.MAX_TABLE_BYTES // 2**20} MB per CSV, Excel or SAS file and "
    f"{io.limits.MAX_PACKED_BYTES // 2**20} MB per Parquet or ZIP file (large tables load "
    "fastest as Parquet). Uploaded files stay in this browser "
    "session's memory: never written to disk, never sent anywhere.")
cols = st.columns(1 + len(io.TABLE_TEMPLATES))
cols[0].download_button("All templates (.zip)", io.template_zip, "msc_dash_templates.zip",
                        mime="application/zip", type="primary", key="tpl_zip")
for col, (name, text) in zip(cols[1:], io.TABLE_TEMPLATES.items(), strict=True):
    col.download_button(f"{name}.csv", text, f"{name}.csv", mime="text/csv",
                        key=f"tpl_{name}")
st.download_button("periods.csv (crossover trials)", periods.TEMPLATE, "periods.csv",
                   mime="text/csv", key="tpl_periods")

st.header("Column mapping")
data.mapping_panel()
