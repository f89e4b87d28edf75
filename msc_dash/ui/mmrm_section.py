"""The Arms page's headline: the MMRM contrast of every outcome, its forest and LS means."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ..between import MMRM_HEADLINE, contrast_text, display_table
from ..mmrm import mmrm, mmrm_table
from ..sensitivity import outcome_sensitivity
from ..tables import format_p
from ..trial import Trial
from . import filters
from .cache import arrow_table, cached, derived
from .charts import chart
from .export_widgets import table_downloads
from .widgets import md_escape

_PADJUST_NAMES = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg", "bonf": "Bonferroni",
                  "none": "no"}


def mmrm_headline(trial: Trial, treatment: str, control: str, visit: str,
                  settings) -> str | None:
    """Render the MMRM section: contrasts table, forest, one outcome's LS means and methods.

    Returns the outcome chosen for the LS-mean chart (None when nothing is estimable).
    """
    padjust = settings.padjust
    # the same call (and memo entry) as the registry's "mmrm_forest" chart
    table = cached(mmrm_table, trial, treatment=treatment, control=control, settings=settings)
    t, c = md_escape(treatment), md_escape(control)
    st.subheader(f"Between-arm answer at {md_escape(visit)}: {t} vs {c} (MMRM)")
    at = table[table["visit"] == visit]
    if at.empty or not at["estimable"].any():
        st.info(f"No outcome has an estimable mixed model at {visit}.")
        return None
    every = st.toggle("Show every visit", key="mmrm_all_visits")
    # formatted once per shared result, not on every rerun of the page
    shown = derived(table, f"display {every} {visit} {settings.ci}", lambda: arrow_table(
        display_table(table if every else at, trial, ci=settings.ci)))
    st.dataframe(shown, hide_index=True, width="stretch")
    n_out = int(at["outcome"].nunique())
    st.caption(
        f"{MMRM_HEADLINE}. {t} minus {c} in the change from baseline; for log-scale outcomes "
        f"(timed tests, biomarkers) the ratio of geometric means ({t} / {c}), where below 1 "
        f"means lower values in {t}. n: subjects contributing at the visit. Adjusted p: "
        f"{_PADJUST_NAMES.get(padjust, padjust)} across the {n_out} outcomes at each visit.")
    table_downloads(table, f"mmrm_{treatment}_vs_{control}", key="mmrm_table")
    chart("mmrm_forest", trial, settings, key="mmrm_forest", visit=visit,
          treatment=treatment, control=control)
    st.caption(f"Each outcome's MMRM contrast at {md_escape(visit)} divided by the model's "
               f"residual SD of the change at that visit, turned so that positive favours "
               f"{t}: one scale for every outcome ({settings.ci:.0%} CI).")

    st.subheader("LS-mean change per arm")
    codes = [str(x) for x in pd.unique(table.loc[table["estimable"], "outcome"])]
    code = filters.outcome_selector(trial, codes, container=st.columns([1, 2])[0])
    res = cached(mmrm, trial, outcome=code, treatment=treatment, control=control,
                 ci=settings.ci)
    chart("mmrm_lsmeans", trial, settings, key="mmrm_lsmeans", outcome=code,
          treatment=treatment, control=control)
    per_visit = ", ".join(f"{md_escape(r.visit)}: {r.n_treatment} vs {r.n_control}"
                          for r in res.contrasts.itertuples())
    st.caption(f"Subjects contributing ({t} vs {c}) — {per_visit}. "
               f"Covariance: {res.covariance}; AIC {res.aic:.1f}.")
    with st.expander("Methods (ready to paste)", expanded=True):
        st.write(md_escape(res.methods_text))
    _missing_data(trial, code, treatment, control, settings)
    return code


def _missing_data(trial: Trial, code: str, treatment: str, control: str, settings) -> None:
    """Completers' ANCOVA and the delta-adjusted MI tipping point of one outcome."""
    o = trial.outcome(code)
    rows, tp = cached(outcome_sensitivity, trial, outcome=code, treatment=treatment,
                      control=control, settings=settings)
    t = md_escape(treatment)
    st.subheader(f"Sensitivity to missing data: {md_escape(code)} at {md_escape(tp.visit)}")
    def shown() -> pd.DataFrame:
        return pd.DataFrame({
            "Analysis": rows["analysis"],
            f"n ({treatment} vs {control})": [f"{a} vs {b}" for a, b in
                                              zip(rows["n_treatment"], rows["n_control"],
                                                  strict=True)],
            f"{treatment} vs {control} [{settings.ci:.0%} CI]": [
                contrast_text(_ratio(r, rows["scale"].iloc[0]), o.change_unit)
                for r in rows.to_dict("records")],
            "p": [format_p(p) for p in rows["p"]],
        })

    st.dataframe(derived(rows, f"display {settings.ci}", lambda: arrow_table(shown())),
                 hide_index=True, width="stretch")
    log = rows["scale"].iloc[0] == "log"
    chart("mmrm_tipping", trial, settings, key="mmrm_tipping", outcome=code,
          treatment=treatment, control=control)
    if np.isfinite(tp.tipping_delta):
        sd = tp.frame.loc[tp.frame["delta"] == tp.tipping_delta, "delta_sd"].iloc[0]
        shift = (f"{(np.exp(tp.tipping_delta) - 1) * 100:.1f}%" if log
                 else f"{tp.tipping_delta:.3g} {o.change_unit}".strip())
        verdict = (f"The contrast stops being significant when the imputed values of {t} "
                   f"are shifted by {md_escape(shift)} ({sd:.1f} residual SD) against it.")
    else:
        verdict = md_escape(tp.note[:1].upper() + tp.note[1:]) + "."
    st.caption(
        f"{verdict} Missing values at {md_escape(tp.visit)} ({tp.n_imputed_treatment} in {t}, "
        f"{tp.n_imputed_control} in {md_escape(control)}) imputed {tp.n_imputations} times "
        "from the fitted MMRM under missing at random (fixed effects drawn from their "
        f"sampling distribution); {t}'s imputed values then shifted against {t}; each "
        "completed data set analysed by ANCOVA, pooled with Rubin's rules (Barnard-Rubin "
        "df). Filled markers: p < 0.05.")


def _ratio(row: dict, scale: str) -> dict:
    if scale == "log":
        row = {**row, "ratio": np.exp(row["estimate"]), "ratio_low": np.exp(row["ci_low"]),
               "ratio_high": np.exp(row["ci_high"])}
    return row
