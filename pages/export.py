"""Export & report: the HTML report in one click, tables for spreadsheets, figures for slides."""

import streamlit as st

from msc_dash.effects import effect_sizes
from msc_dash.export import to_csv_zip, to_xlsx_bytes
from msc_dash.report import build_report, key_figures_zip, safety_summary
from msc_dash.slides import describe_filters
from msc_dash.ui import documents, export_widgets, state, widgets
from msc_dash.ui.cache import cached
from msc_dash.ui.settings import PADJUST
from msc_dash.ui.text import md_escape

trial = state.require_trial()
settings = state.get_settings()
effects = cached(effect_sizes, trial, settings=settings)

st.title("Export & report")
st.caption(f"{trial.n_subjects} subjects · filters: {md_escape(describe_filters(trial.filters))} · "
           f"{settings.n_boot} bootstrap resamples, seed {settings.seed}, "
           f"{settings.ci:.0%} CI, {PADJUST.get(settings.padjust, settings.padjust)} correction")

st.subheader("Report")
top = st.columns([1, 2], vertical_alignment="bottom")
visit = widgets.visit_selector(
    trial, container=top[0],
    help="Visit of the report's key findings and figures, and of the figures ZIP "
         "(the same visit as on the other pages).")
stem = "_" + export_widgets.file_stem(visit) if visit else ""
top[1].markdown(
    f"One HTML file with the key findings and figures"
    f"{' at ' + md_escape(visit) if visit else ''}, "
    "the effect table of every visit, the safety "
    "summary, the filters in force, a methods paragraph, the data fingerprint and the "
    "software versions. It opens offline in any browser (nothing is loaded from the web)."
)


def _report() -> str:
    return build_report(trial, settings=settings, effects=effects, visit=visit)


st.download_button("Download the HTML report", data=_report,
                   file_name=f"msc-dash-report{stem}.html",
                   mime="text/html", key="export_report", on_click="ignore", type="primary",
                   icon=":material/description:")
st.caption("The same report from the command line: "
           "`msc-dash report sample_data/ -o report.html --filter ms_type=SPMS`")

st.subheader("Slides and Word report")
st.markdown(
    "**PowerPoint**: the presenter's slides (title with the data fingerprint and date, one "
    "finding per slide with its chart as a high-resolution image and the numbers as text; "
    "speaker notes hold the methods and exact values). **Word**: the report with real "
    "tables (Table 1, effect table, between-arm table, adverse events), figures, methods "
    "and references. Both open in PowerPoint, Word and LibreOffice.")
row = st.container(horizontal=True, gap="small")
documents.deck_button(trial, settings, effects, key="export_pptx", container=row)
documents.docx_button(trial, settings, effects, key="export_docx", container=row)
st.caption("From the command line: `msc-dash slides sample_data/ -o talk.pptx` and "
           "`msc-dash report sample_data/ --format docx -o report.docx`.")

st.subheader("Tables")
st.markdown("CSV and Excel files. Text that a spreadsheet would run as a formula "
            "(starting with =, +, -, @) is prefixed with an apostrophe; numbers stay numbers.")
formatted = widgets.formatted_effects(trial, settings)
st.markdown("**Effect table** (every arm x outcome x follow-up visit)")
export_widgets.table_downloads(effects, "effect table", key="export_effects",
                               sheets={"Effects (formatted)": formatted}, menu=False)
if len(trial.adverse_events):
    summary = cached(safety_summary, trial)
    st.markdown("**Adverse events**: summary by term, and the full listing")
    export_widgets.table_downloads(summary, "adverse event summary", key="export_ae_summary",
                                   sheets={"Listing": trial.adverse_events}, menu=False)
else:
    st.caption("The data has no adverse-event table.")
st.markdown("**The data as analysed** (after the filters): the four tables")
tables = {name: getattr(trial, name) for name in
          ("subjects", "measurements", "adverse_events", "injections")}
row = st.container(horizontal=True, gap="small")
cols = (row, row)
cols[0].download_button("CSV", data=lambda: to_csv_zip(tables), file_name="trial_tables.zip",
                        mime="application/zip", key="export_data__zip", on_click="ignore",
                        type="tertiary", icon=":material/download:",
                        help="A ZIP with one CSV per table")
cols[1].download_button("XLSX", data=lambda: to_xlsx_bytes(tables),
                        file_name="trial_tables.xlsx",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        key="export_data__xlsx", on_click="ignore", type="tertiary",
                        icon=":material/download:", help="One sheet per table")

st.subheader("Figures")
st.markdown(
    "Every chart in the app has a **Download** menu under it with **PNG**, **SVG** and "
    "**HTML**: PNG at slide size (2560 x 1440 px, 16:9), SVG for print, HTML interactive "
    "and offline. "
    "Presenter mode (sidebar, or `?present=1` in the address) shows the key findings "
    "full-screen."
)
chrome = export_widgets._chrome()
st.download_button(
    "All key figures (ZIP of PNG and SVG)",
    data=lambda: key_figures_zip(trial, effects, settings=settings, visit=visit),
    file_name=f"msc-dash-figures{stem}.zip", mime="application/zip", key="export_figures_zip",
    on_click="ignore", icon=":material/folder_zip:", disabled=not chrome,
    help="About 20 seconds: every key figure drawn twice" if chrome else None)
if not chrome:
    from msc_dash.export import CHROME_HELP

    st.warning(CHROME_HELP)

st.subheader("Analysis results dataset")
st.markdown(
    "Every result above as machine-readable records shaped after CDISC's Analysis Results "
    "Standard (ARS): the effect table, the between-arm comparison and MMRM contrasts (two or "
    "more arms), confirmed progression (events, Kaplan-Meier proportions, log-rank p, hazard "
    "ratio) and the adverse-event counts, one record per analysis x statistic with its "
    "method, population, parameter and visit; the unrounded values the tables on screen are formatted from.")


def _ard():
    from msc_dash.ard import results_dataset

    return results_dataset(trial, settings=settings, effects=effects)


def _ard_json() -> str:
    from msc_dash.ard import to_json

    return to_json(_ard())


def _ard_flat() -> bytes:
    from msc_dash.ard import flat_results
    from msc_dash.export import to_csv_bytes

    return to_csv_bytes(flat_results(_ard()))


row = st.container(horizontal=True, gap="small")
row.download_button("Results (ARS JSON)", data=_ard_json, file_name="msc-dash-results.json",
                    mime="application/json", key="export_ard_json", on_click="ignore")
row.download_button("Results, one row each", data=_ard_flat,
                    file_name="msc-dash-results.csv", mime="text/csv", key="export_ard_flat",
                    on_click="ignore", help="The flat version: analysis_id, method_id, method, "
                    "population, arm, parameter, parameter_label, visit, statistic, value")
st.caption("From the command line: `msc-dash ard sample_data/ -o results.json` (writes "
           "results.json and results.csv).")
