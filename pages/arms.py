"""Arms: the between-arm answer (MMRM) first, then per-visit ANCOVA and Hedges' g as sensitivity."""

import pandas as pd
import streamlit as st

from msc_dash import export
from msc_dash.arms import compare_arms, default_arms, mixed_anova_table
from msc_dash.crossover_summary import arms_are_sequences
from msc_dash.tables import format_ci, format_p, sig
from msc_dash.ui import export_widgets, filters, state, widgets
from msc_dash.ui.cache import arrow_table, cached, derived
from msc_dash.ui.charts import chart
from msc_dash.ui.mmrm_section import mmrm_headline
from msc_dash.ui.reproduce import reproduce_expander

trial = state.require_trial()
settings = state.get_settings()
st.title("Arms")

if trial.is_single_arm:
    full = state.get_full_trial()
    if full is not None and not full.is_single_arm:
        st.info(f"Only one arm ({widgets.md_escape(trial.arms[0])}) remains after the sidebar filters. "
                "Clear the **Arm** filter to compare arms.")
    else:
        st.info(
            "The arm comparison needs two arms, and this trial has one. To compare arms, "
            "add an `arm` column to the subjects table giving each subject's group "
            "(for example `MSC` or `Placebo`), then upload it again. "
            "The *Sample two-arm trial* in the sidebar shows what this page looks like."
        )
    st.stop()

if arms_are_sequences(trial):
    st.info(
        f"The arms of this trial ({widgets.md_join(trial.arms)}) are its crossover "
        "sequences: every subject had both treatments, one per period, so comparing the "
        "arms at a visit compares the orders of treatment, not the treatments. The "
        "treatment effect (within subjects, with the period-1 comparison and the "
        "carryover test) is on the **Crossover** page.")
    try:
        st.page_link("pages/crossover.py", label="Open the Crossover page", icon="🔁")
    except Exception:  # noqa: BLE001 - page not in the navigation (e.g. run alone)
        pass
    st.stop()

arms = trial.arms
c1, c2, c3 = st.columns(3)
for key, default in zip(("arms_treatment", "arms_control"), default_arms(arms), strict=True):
    if st.session_state.get(key) not in arms:
        st.session_state[key] = default
treatment = c1.selectbox("Treatment arm", arms, key="arms_treatment")
control = c2.selectbox("Compared with", arms, key="arms_control")
if treatment == control:
    st.warning("Choose two different arms to compare.")
    st.stop()
visit = widgets.visit_selector(trial, container=c3)
if visit is None:
    st.stop()

chosen = mmrm_headline(trial, treatment, control, visit, settings)

st.header("Sensitivity: per-visit complete cases")
st.caption("Each visit analysed alone, with only the subjects seen at that visit "
           "(no model across visits): check that these agree with the MMRM above.")
t_md, c_md = widgets.md_escape(treatment), widgets.md_escape(control)
table = cached(compare_arms, trial, treatment=treatment, control=control, settings=settings)
if table.empty:
    st.info(f"No outcome has changes from baseline in both {t_md} and {c_md}.")
    st.stop()

st.subheader(f"Hedges' g of the change at {widgets.md_escape(visit)} (complete pairs)")
shown = table[table["visit"] == visit]
if shown.empty:
    st.info(f"No outcome was measured at {widgets.md_escape(visit)} in both arms.")
else:
    chart("arms_forest", trial, settings, key="arms_forest", visit=visit, treatment=treatment,
          control=control, titled=False)
    st.caption(
        f"Hedges' g of the change from baseline in {t_md} against {c_md}, "
        f"turned so that positive favours {t_md} (less worsening or more improvement); "
        f"{settings.ci:.0%} BCa bootstrap CI ({settings.n_boot} resamples, seed "
        f"{settings.seed}). Labels give n per arm.")

st.subheader("Baseline-adjusted differences at each visit (ANCOVA, complete cases)")
visit_rows = table[table["visit"] == visit]


def _row(r) -> dict:
    o = trial.outcome(r.outcome)
    if r.scale == "log":
        effect = ("ratio " + format_ci(r.ratio, r.ratio_ci_low, r.ratio_ci_high, decimals=2)
                  if pd.notna(r.ratio) else "–")
    else:
        effect = format_ci(r.adjusted_difference, r.adjusted_ci_low, r.adjusted_ci_high,
                           sign=True, unit=o.change_unit)
    return {
        "Outcome": f"{o.label} ({r.outcome})" if o.label != r.outcome else r.outcome,
        "Visit": r.visit,
        "n": f"{r.n_treatment} vs {r.n_control}",
        f"{treatment} vs {control} [{settings.ci:.0%} CI]": effect,
        "Better": o.better,
        "p (ANCOVA)": format_p(r.p_ancova),
        "Hedges' g [CI]": format_ci(r.hedges_g, r.hedges_g_ci_low, r.hedges_g_ci_high,
                                    decimals=2),
        "Note": r.note,
    }


every = st.toggle("Show every visit", key="arms_all_visits")
rows = table if every else visit_rows
st.dataframe(derived(table, f"ancova {every} {visit} {settings.ci}", lambda: arrow_table(
    pd.DataFrame([_row(r) for r in rows.itertuples()]))), hide_index=True, width="stretch")
logs = [c for c in pd.unique(rows["outcome"]) if trial.outcome(c).scale == "log"]
st.caption(
    f"ANCOVA: value at the visit ~ arm + baseline value (OLS). The difference is "
    f"{t_md} minus {c_md} in the outcome's own units: where lower is better, a "
    f"negative difference favours {t_md}."
    + (f" Log-scale outcomes ({', '.join(logs)}) are analysed as log(value) ~ arm + "
       f"log(baseline) and shown as the ratio {t_md} / {c_md} of geometric means "
       "(1 = no difference), as the within-arm tables show ratios; Hedges' g of these "
       "outcomes is of the log change." if logs else "")
    + " p values are not adjusted for the number of outcomes and visits.")
st.download_button("Download the comparison (CSV)", lambda: export.to_csv_bytes(table),
                   file_name=export_widgets.file_stem(
                       f"arm_comparison_{treatment}_vs_{control}") + ".csv",
                   mime="text/csv", key="arms_download", on_click="ignore")  # made on click
reproduce_expander(trial, "arms", settings, visit=visit, treatment=treatment, control=control)

codes = list(pd.unique(table["outcome"]))
code = chosen if chosen in codes else None
if code is None:
    st.subheader("One outcome over time (ANCOVA)")
    code = filters.outcome_selector(trial, codes, container=st.columns([1, 2])[0])
else:
    st.subheader(f"{widgets.md_escape(trial.outcome(code).label)} over time (ANCOVA, "
                 "complete cases)")
chart("arms_difference", trial, settings, key="arms_difference", outcome=code,
      treatment=treatment, control=control)

st.subheader("Arm × visit mixed ANOVA")
if not st.toggle("Show the mixed ANOVA of every outcome (complete cases)", key="arms_anova",
                 help="Computed on request: it takes a moment on large trials."):
    st.caption("Asks, per outcome, whether the arms differ, the visits differ, and whether "
               "the arms change differently over time (the arm × visit interaction).")
else:
    anova = cached(mixed_anova_table, trial, treatment=treatment, control=control)
    if anova.empty:
        st.info("No outcome has enough complete cases.")
    else:
        shown_anova = pd.DataFrame({
            "Outcome": anova["outcome"], "Source": anova["source"],
            "F": [sig(f) if pd.notna(f) else "–" for f in anova["f"]],
            "df": [f"{a:.0f}, {b:.0f}" if pd.notna(a) else "–"
                   for a, b in zip(anova["df1"], anova["df2"], strict=True)],
            "p (uncorrected)": [format_p(p) for p in anova["p_unc"]],
            "p (Greenhouse-Geisser)": [format_p(p) if pd.notna(p) else "–"
                                       for p in anova["p_gg"]],
            "ε (GG)": [f"{e:.2f}" if pd.notna(e) else "–" for e in anova["eps"]],
            "partial η²": [sig(x, 2) if pd.notna(x) else "–" for x in anova["np2"]],
            "n": [f"{a} vs {b}" for a, b in zip(anova["n_treatment"], anova["n_control"],
                                                 strict=True)],
            "Note": anova["note"].fillna(""),
        })
        st.dataframe(shown_anova, hide_index=True, width="stretch")
        st.caption("pingouin.mixed_anova on subjects with a value at every visit of the "
                   "outcome (visits measured in under half of the subjects are left out; "
                   "log-scale outcomes as log values). The arm × visit row asks whether the "
                   "arms change differently over time. Repeated visits rarely have equal "
                   "variances and correlations (sphericity), so read the Greenhouse-Geisser "
                   "p: its degrees of freedom are multiplied by ε (1 = sphericity holds; "
                   "its lower bound is 1 / (visits − 1)).")
