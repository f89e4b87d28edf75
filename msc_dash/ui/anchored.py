"""Injection-anchored views of one outcome: time since injection, injection number,
durability of a response, dose-response (drawn on a domain page when switched on)."""

from __future__ import annotations

import math

import streamlit as st

from .. import anchored
from ..charts_trial_design import durability_curves, injection_number_results
from ..memo import compute
from ..tables import format_ci, p_phrase
from ..trial import Trial
from .charts import chart

__all__ = ["anchored_section", "has_injections"]


def has_injections(trial: Trial) -> bool:
    """True when the trial has injections after a baseline visit."""
    return not trial.injections.empty and trial.baseline_visit is not None


def anchored_section(trial: Trial, code: str, settings, *, key: str) -> None:
    """The four injection-anchored views of ``code``, each when the data supports it."""
    out = trial.outcome(code)
    if compute(anchored.anchored_changes, trial, outcome=code).empty:
        st.info(f"No {out.short_label} value follows an injection, so there is nothing to "
                "anchor.")
        return
    left, right = st.columns(2)
    with left:
        chart("since_injection", trial, settings, key=f"{key}_since", outcome=code)
        st.caption(f"Every follow-up value against the days since the subject's most recent "
                   f"injection (all injections overlaid); line: mean per 30 days (bins "
                   f"with 5 or more values) with {settings.ci:.0%} CI. "
                   f"{out.better.capitalize()} is better.")
    with right:
        numbers = injection_number_results(trial, settings, code)
        if numbers:
            chart("injection_number", trial, settings, key=f"{key}_number", outcome=code)
            text = "; ".join(f"{arm}: {format_ci(r['slope'], r['ci_low'], r['ci_high'])} per "
                             f"injection, {p_phrase(r['p'])} ({r['n_subjects']} subjects)"
                             for arm, r in numbers.items())
            st.caption("Response to injection k: the last value before injection k + 1. "
                       "Does the effect build up? Slope of change on injection number, mixed "
                       f"model with a random intercept per subject (REML, Satterthwaite): "
                       f"{text}.")
        else:
            st.caption("Fewer than two injection numbers with values: no build-up trend.")
    left, right = st.columns(2)
    with left:
        kms = durability_curves(trial, settings, code)
        if kms:
            chart("durability", trial, settings, key=f"{key}_durable", outcome=code)
            med = "; ".join(f"{arm}: median not reached" if math.isnan(km.attrs["median"])
                            else f"{arm}: median {km.attrs['median']:.0f} days"
                            for arm, km in kms.items())
            st.caption(f"Kaplan-Meier: subjects improved by the rule ({out.rule_text}) at "
                       "their first follow-up after an injection, until a later value is no "
                       f"longer improved ({med}; {settings.ci:.0%} log-log CI).")
        else:
            st.caption("Durability needs a meaningful-change rule and at least three "
                       "subjects improved at their first follow-up.")
    with right:
        dose = compute(anchored.dose_response, trial, outcome=code)
        if dose is not None:
            chart("dose_response", trial, settings, key=f"{key}_dose", outcome=code)
            st.caption(f"Change at each subject's last value against the cells received "
                       f"before it ({dose['n']} subjects given cells); Spearman rho = "
                       f"{dose['rho']:.2f}, {p_phrase(dose['rho_p'])}.")
        else:
            st.caption("The dose does not differ between subjects (or is not recorded), so "
                       "there is no dose-response.")
