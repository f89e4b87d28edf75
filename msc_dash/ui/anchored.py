"""Injection-anchored views of one outcome: time since injection, injection number,
durability of a response, dose-response (drawn on a domain page when switched on)."""

from __future__ import annotations

import streamlit as st

from .. import anchored
from ..figures.anchored import (
    dose_response_figure,
    durability_figure,
    injection_number_figure,
    since_injection_figure,
)
from ..tables import format_ci, p_phrase
from ..trial import Trial
from . import export_widgets
from .cache import cached

__all__ = ["anchored_section", "has_injections"]


def has_injections(trial: Trial) -> bool:
    """True when the trial has injections after a baseline visit."""
    return not trial.injections.empty and trial.baseline_visit is not None


def _by_arm(trial: Trial, frame, ci: float):
    curves, numbers = {}, {}
    for arm in trial.arms:
        f = frame[frame["arm"] == arm]
        if f.empty:
            continue
        curves[arm] = anchored.since_injection_curve(f, ci=ci)
        res = anchored.injection_number_effect(f, ci=ci)
        if res is not None:
            numbers[arm] = res
    return curves, numbers


def anchored_section(trial: Trial, code: str, settings, *, key: str) -> None:
    """The four injection-anchored views of ``code``, each when the data supports it."""
    out = trial.outcome(code)
    frame = cached(anchored.anchored_changes, trial, outcome=code)
    if frame.empty:
        st.info(f"No {code} value follows an injection, so there is nothing to anchor.")
        return
    y = (f"{code}: log ratio to baseline" if out.scale == "log"
         else f"Change in {code} ({out.change_unit})")
    curves, numbers = _by_arm(trial, frame, settings.ci)
    left, right = st.columns(2)
    with left:
        fig = since_injection_figure(frame, curves, y_title=y,
                                     title="Change by time since the last injection")
        export_widgets.chart(fig, key=f"{key}_since", name=f"{code} since injection")
        st.caption(f"Every follow-up value against the days since the subject's most recent "
                   f"injection (all injections overlaid); line: mean per 30 days (bins "
                   f"with 5 or more values) with {settings.ci:.0%} CI. {out.better.capitalize()} is better.")
    with right:
        if numbers:
            fig = injection_number_figure(numbers, y_title=y,
                                          title="Change after each injection")
            export_widgets.chart(fig, key=f"{key}_number", name=f"{code} by injection")
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
        kms = {arm: km for arm in trial.arms if (km := cached(
            anchored.durability, trial.filter(arm=[arm]), outcome=code,
            ci=settings.ci)) is not None}
        if kms:
            fig = durability_figure(kms, title="How long an improvement lasts")
            export_widgets.chart(fig, key=f"{key}_durable", name=f"{code} durability")
            med = "; ".join(f"{arm}: median {km.attrs['median']:.0f} days" if
                            km.attrs["median"] == km.attrs["median"] else
                            f"{arm}: median not reached" for arm, km in kms.items())
            st.caption(f"Kaplan-Meier: subjects improved by the rule ({out.rule_text}) at "
                       "their first follow-up after an injection, until a later value is no "
                       f"longer improved ({med}; {settings.ci:.0%} log-log CI).")
        else:
            st.caption("Durability needs a meaningful-change rule and at least three "
                       "subjects improved at their first follow-up.")
    with right:
        dose = cached(anchored.dose_response, trial, outcome=code)
        if dose is not None:
            fig = dose_response_figure(dose, y_title=y, title="Dose-response")
            export_widgets.chart(fig, key=f"{key}_dose", name=f"{code} dose-response")
            st.caption(f"Change at each subject's last value against the cells received "
                       f"before it ({dose['n']} subjects given cells); Spearman rho = "
                       f"{dose['rho']:.2f}, {p_phrase(dose['rho_p'])}.")
        else:
            st.caption("The dose does not differ between subjects (or is not recorded), so "
                       "there is no dose-response.")
