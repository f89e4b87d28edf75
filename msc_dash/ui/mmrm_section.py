"""The Arms page's headline: the MMRM contrast of every outcome, its forest and LS means."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..between import MMRM_HEADLINE, display_table
from ..effects import PADJUST_METHODS
from ..figures.mmrm import lsmeans_figure, mmrm_forest_figure
from ..mmrm import mmrm, mmrm_table
from ..trial import Trial
from . import filters
from .cache import cached
from .export_widgets import chart, table_downloads
from .widgets import md_escape

_PADJUST_NAMES = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg", "bonf": "Bonferroni",
                  "none": "no"}


def mmrm_headline(trial: Trial, treatment: str, control: str, visit: str,
                  settings) -> str | None:
    """Render the MMRM section: contrasts table, forest, one outcome's LS means and methods.

    Returns the outcome chosen for the LS-mean chart (None when nothing is estimable).
    """
    padjust = settings.padjust if settings.padjust in PADJUST_METHODS else "holm"
    table = cached(mmrm_table, trial, treatment=treatment, control=control, ci=settings.ci,
                   padjust=padjust)
    t, c = md_escape(treatment), md_escape(control)
    st.subheader(f"Between-arm answer at {md_escape(visit)}: {t} vs {c} (MMRM)")
    at = table[table["visit"] == visit]
    if at.empty or not at["estimable"].any():
        st.info(f"No outcome has an estimable mixed model at {visit}.")
        return None
    every = st.toggle("Show every visit", key="mmrm_all_visits")
    shown = display_table(table if every else at, trial, ci=settings.ci)
    st.dataframe(shown, hide_index=True, width="stretch")
    n_out = int(at["outcome"].nunique())
    st.caption(
        f"{MMRM_HEADLINE}. {t} minus {c} in the change from baseline; for log-scale outcomes "
        f"(timed tests, biomarkers) the ratio of geometric means ({t} / {c}), where below 1 "
        f"means lower values in {t}. n: subjects contributing at the visit. Adjusted p: "
        f"{_PADJUST_NAMES.get(padjust, padjust)} across the {n_out} outcomes at each visit.")
    table_downloads(table, f"mmrm_{treatment}_vs_{control}", key="mmrm_table")
    chart(mmrm_forest_figure(table, visit=visit, treatment=treatment, control=control),
          key="mmrm_forest", name=f"mmrm_forest_{visit}")
    st.caption(f"Each outcome's MMRM contrast at {md_escape(visit)} divided by the model's "
               f"residual SD of the change at that visit, turned so that positive favours "
               f"{t}: one scale for every outcome ({settings.ci:.0%} CI).")

    st.subheader("LS-mean change per arm")
    codes = [str(x) for x in pd.unique(table.loc[table["estimable"], "outcome"])]
    code = filters.outcome_selector(trial, codes, container=st.columns([1, 2])[0])
    res = cached(mmrm, trial, outcome=code, treatment=treatment, control=control,
                 ci=settings.ci)
    o = trial.outcome(code)
    chart(lsmeans_figure(res.lsmeans, axis_title=o.axis_title, log=res.scale == "log",
                         arms=[control, treatment]),
          key="mmrm_lsmeans", name=f"mmrm_lsmeans_{code}")
    per_visit = ", ".join(f"{md_escape(r.visit)}: {r.n_treatment} vs {r.n_control}"
                          for r in res.contrasts.itertuples())
    st.caption(f"Subjects contributing ({t} vs {c}) — {per_visit}. "
               f"Covariance: {res.covariance}; AIC {res.aic:.1f}.")
    with st.expander("Methods (ready to paste)", expanded=True):
        st.write(md_escape(res.methods_text))
    return code
