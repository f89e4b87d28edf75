"""Planning: sample size and power for a two-arm trial, from this pilot's data."""

import math

import numpy as np
import pandas as pd
import streamlit as st

from msc_dash import power
from msc_dash.figures.planning import ci_sample_size_figure, power_curve_figure
from msc_dash.ui import state, widgets
from msc_dash.ui.cache import arrow_table, cached, derived, keep
from msc_dash.ui.charts import page_chart
from msc_dash.ui.reproduce import reproduce_expander

trial = state.require_trial()
settings = state.get_settings()

st.title("Planning the next trial")
st.markdown(
    "How many patients would a randomised, two-arm (1:1) trial need? The variability and "
    "the effect come from this trial's data under the sidebar filters; every input can be "
    "changed. Two-sided tests throughout.")
st.warning(
    "**A pilot's effect estimate is uncertain.** With a few dozen patients its confidence "
    "interval is wide, and small trials that reached a follow-up tend to overestimate "
    "effects. The sample size at the pilot's own estimate is one point of a wide range: "
    "the chart *Across the pilot's CI* shows it for every effect the pilot is compatible "
    "with. Plan on the smallest effect that would matter clinically, not on the estimate.")

codes = [c for c in trial.outcomes if trial.outcome(c).known] or trial.outcomes
two_arm = len(trial.arms) == 2
top = st.columns(4)
outcome = top[0].selectbox("Outcome", codes, key="plan_outcome",
                           format_func=lambda c: f"{trial.outcome(c).label} ({c})")
visit = widgets.visit_selector(trial, container=top[1])
if visit is None:
    st.stop()
alpha = top[2].number_input("Significance level (two-sided)", 0.001, 0.2, 0.05, 0.005,
                            format="%.3f", key="plan_alpha")
target = top[3].number_input("Power", 0.5, 0.99, 0.8, 0.05, format="%.2f", key="plan_power")
dropout = st.slider("Dropout before the visit (%)", 0, 50, 15, key="plan_dropout") / 100
out = trial.outcome(outcome)
treatment, control = (trial.arms[0], trial.arms[1]) if two_arm else (None, None)

tab_cont, tab_resp, tab_tte = st.tabs(
    ["Continuous outcome", "Responders (two proportions)", "Time to confirmed worsening"])

with tab_cont:
    try:
        est = cached(power.pilot_estimates, trial, outcome=outcome, visit=visit,
                     treatment=treatment, control=control, ci=settings.ci)
    except ValueError as err:
        st.info(f"{err}. Choose another outcome or visit, or widen the filters.")
        st.stop()

    def shown(x: float) -> float:
        """Effect on the display scale: % ratio for log-scale outcomes, units otherwise."""
        return 100 * (math.exp(x) - 1) if est.log_scale else x

    unit = "%" if est.log_scale else f" {out.change_unit}"
    what = (f"difference in {'geometric mean ratio' if est.log_scale else 'mean change'} "
            f"{treatment} vs {control}" if est.two_arm else
            ("geometric mean change" if est.log_scale else "mean change"))
    left, right = st.columns(2)
    design = left.radio(
        "Analysis of the next trial",
        ["ANCOVA on baseline", "Change from baseline (t-test)"], key="plan_design",
        help="ANCOVA (follow-up value adjusted for baseline) needs fewer patients: its "
             "residual SD is the follow-up SD x sqrt(1 - rho^2), rho the correlation of "
             "baseline and follow-up.")
    source = right.radio("Effect to detect", ["The pilot's estimate", "A target effect"],
                         key="plan_source", horizontal=True)
    sd = est.sd_ancova if design.startswith("ANCOVA") else est.sd_change
    if source == "A target effect":
        default = float(np.round(shown(est.effect), 2))
        typed = right.number_input(
            f"Target effect ({'% difference' if est.log_scale else out.change_unit})",
            value=default if default else 1.0, key=f"plan_target_{outcome}")
        delta = math.log1p(typed / 100) if est.log_scale else typed
    else:
        delta = est.effect
    # the numbers typed in key every result: a rerun that changes none recomputes none
    n = keep("plan.n", lambda: power.n_two_means(delta, sd, alpha=alpha, power=target),
             delta, sd, alpha, target)
    cols = st.columns(4)
    finite = math.isfinite(n)
    cols[0].metric("Completing per arm", f"{math.ceil(n)}" if finite else "∞")
    cols[1].metric(f"Enrolled per arm ({dropout:.0%} dropout)",
                   f"{power.enrolled(n, dropout)}" if finite else "∞")
    cols[2].metric("Enrolled in total", f"{2 * power.enrolled(n, dropout)}" if finite else "∞")
    cols[3].metric("Effect assumed", f"{shown(delta):+.3g}{unit}",
                   help=f"Standardised: {abs(delta) / sd:.2f} SD")
    st.markdown(
        f"To detect a {what} of **{shown(delta):+.3g}{unit}** at {out.label} {visit} with "
        f"{target:.0%} power at a two-sided alpha of {alpha:g}, a trial needs "
        + (f"**{math.ceil(n)} completing patients per arm** ({power.enrolled(n, dropout)} "
           f"enrolled per arm with {dropout:.0%} dropout)." if finite else
           "an infinite number of patients: an effect of 0 cannot be detected.")
        + f" SD used: {sd:.3g}{' (log scale)' if est.log_scale else ''} ({design}).")

    pilot = pd.DataFrame([
        ("Subjects with baseline and visit", f"{est.n}"),
        (f"Pilot estimate ({what})", f"{shown(est.effect):+.3g}{unit}"),
        (f"{est.ci:.0%} CI", f"{shown(est.ci_low):+.3g} to {shown(est.ci_high):+.3g}{unit}"),
        ("SD of change" + (" (pooled within arms)" if est.two_arm else ""), f"{est.sd_change:.3g}"),
        ("SD at baseline / at the visit", f"{est.sd_baseline:.3g} / {est.sd_followup:.3g}"),
        ("Correlation baseline-visit (rho)", f"{est.rho:.3f}"),
        ("ANCOVA residual SD = SD(visit) x sqrt(1 - rho^2)", f"{est.sd_ancova:.3g}"),
    ], columns=["Pilot", "Value"])
    a, b = st.columns(2)
    with a:
        st.subheader("Power against sample size")
        n_max = max(40, int(min(n, 5000) * 1.6)) if finite else 300
        page_chart(lambda: power_curve_figure(
            power.power_curve(delta, sd, alpha=alpha, n_max=n_max), target=target,
            n_required=n), key="plan_curve", memo=(delta, sd, alpha, target, n_max),
            title=f"Power against sample size: {out.label} {visit}")
    with b:
        st.subheader("Across the pilot's CI")
        across = keep("plan.across", lambda: power.n_across_ci(
            est.effect, est.ci_low, est.ci_high, sd, alpha=alpha, power=target,
            dropout=dropout), est.effect, est.ci_low, est.ci_high, sd, alpha, target, dropout)
        page_chart(lambda: ci_sample_size_figure(
            across.assign(effect=across["effect"].map(shown)),
            effect_label=f"Assumed effect ({unit.strip()})", estimate_text="Pilot estimate"),
            key="plan_ci", memo=(est, sd, alpha, target, dropout, unit),
            title=f"Sample size across the pilot's CI: {out.label} {visit}")
    lo, hi = across.iloc[0], across.iloc[-1]
    crosses = est.ci_low <= 0 <= est.ci_high
    st.markdown(
        f"Across the {est.ci:.0%} CI ({shown(est.ci_low):+.3g} to {shown(est.ci_high):+.3g}"
        f"{unit}) the enrolment per arm runs from "
        f"**{min(lo.enrolled_per_arm, hi.enrolled_per_arm):,.0f}** to "
        + ("**no finite number**: the CI includes 0 (no effect)."
           if crosses else f"**{max(lo.enrolled_per_arm, hi.enrolled_per_arm):,.0f}**."))
    st.dataframe(pilot, hide_index=True)
    reproduce_expander(trial, "planning", settings, visit=visit, outcome=outcome,
                       treatment=treatment, control=control, alpha=alpha, power=target,
                       design="ancova" if design.startswith("ANCOVA") else "change",
                       delta=None if source != "A target effect" else delta)

with tab_resp:
    props = cached(power.pilot_proportions, trial, outcome=outcome, visit=visit,
                   ci=settings.ci)
    if props.empty:
        st.info(f"{out.label} has no meaningful-change rule, so there are no responders. "
                "Set one on the Data page, or choose another outcome.")
    else:
        st.markdown(f"A responder improves by the meaningful change ({out.rule_text}) "
                    f"from baseline to {visit}.")
        by = props.set_index("arm")
        p_t_default = float(by["proportion"].iloc[0])
        p_c_default = float(by["proportion"].iloc[1]) if two_arm and len(by) > 1 else 0.10
        c1, c2, c3 = st.columns(3)
        p_t = c1.number_input("Responders, treated (%)", 1.0, 99.0,
                              float(np.clip(round(100 * p_t_default, 1), 1, 99)), 1.0,
                              key=f"plan_pt_{outcome}") / 100
        p_c = c2.number_input("Responders, control (%)", 1.0, 99.0,
                              float(np.clip(round(100 * p_c_default, 1), 1, 99)), 1.0,
                              key=f"plan_pc_{outcome}",
                              help=None if two_arm else "A single-arm pilot has no "
                              "control: this is an assumption (placebo response).") / 100
        method = c3.radio("Method", ["pooled", "arcsine"], key="plan_prop_method",
                          format_func={"pooled": "Normal approximation (R power.prop.test)",
                                       "arcsine": "Arcsine, Cohen's h (statsmodels)"}.get)
        np_ = keep("plan.np", lambda: power.n_two_proportions(
            p_t, p_c, alpha=alpha, power=target, method=method), p_t, p_c, alpha, target, method)
        fin = math.isfinite(np_)
        m = st.columns(3)
        m[0].metric("Completing per arm", f"{math.ceil(np_)}" if fin else "∞")
        m[1].metric("Enrolled per arm", f"{power.enrolled(np_, dropout)}" if fin else "∞")
        m[2].metric("Enrolled in total", f"{2 * power.enrolled(np_, dropout)}" if fin else "∞")
        st.dataframe(derived(props, "shares", lambda: arrow_table(props.assign(**{
                         c: props[c].map(lambda v: f"{v:.0%}")
                         for c in ("proportion", "ci_low", "ci_high")}))),
                     hide_index=True, column_config={
                         "arm": "Arm", "n": "Subjects", "count": "Responders",
                         "proportion": "Share", "ci_low": f"{settings.ci:.0%} CI low",
                         "ci_high": "CI high"})
        lo_t, hi_t = float(by["ci_low"].iloc[0]), float(by["ci_high"].iloc[0])
        ends = keep("plan.ends", lambda: [power.n_two_proportions(
            float(np.clip(p, 0.001, 0.999)), p_c, alpha=alpha, power=target, method=method)
            for p in (lo_t, hi_t)], lo_t, hi_t, p_c, alpha, target, method)
        st.caption(
            f"The treated share's {settings.ci:.0%} CI ({lo_t:.0%} to {hi_t:.0%}) gives "
            + " and ".join(f"{power.enrolled(x, dropout)}" if math.isfinite(x) else "∞"
                           for x in ends) + " enrolled per arm at its ends.")

with tab_tte:
    st.markdown(
        "Events needed by Schoenfeld's formula, (z₁₋α/₂ + z₁₋β)² / (¼ log(HR)²) for 1:1 "
        "allocation, and the patients needed to observe them given the control arm's "
        "probability of confirmed worsening over the follow-up (proportional hazards).")
    worse = cached(power.pilot_proportions, trial, outcome=outcome, visit=visit,
                   status="worsened", ci=settings.ci)
    guide = (f" In this trial, {worse['count'].sum()} of {worse['n'].sum()} subjects had "
             f"worsened on {out.label} at {visit} (not confirmed)." if len(worse) else "")
    t1, t2 = st.columns(2)
    hr = t1.number_input("Hazard ratio to detect", 0.1, 0.99, 0.7, 0.05, key="plan_hr")
    p_event = t2.number_input("Control arm with an event over follow-up (%)", 1.0, 99.0, 30.0,
                              1.0, key="plan_pevent", help="An assumption." + guide) / 100
    r = power.n_time_to_event(hr, p_event, alpha=alpha, power=target)
    m = st.columns(3)
    m[0].metric("Events needed", f"{r['events']}")
    m[1].metric("Enrolled per arm", f"{power.enrolled(r['n_per_arm'], dropout)}")
    m[2].metric("Enrolled in total", f"{2 * power.enrolled(r['n_per_arm'], dropout)}")
    st.caption(f"Treated arm's event probability under HR {hr:g}: {r['p_event_treated']:.1%};"
               f" both arms: {r['p_event']:.1%}.{guide}")

    def grid() -> pd.DataFrame:
        rows = [(h, power.n_time_to_event(h, p_event, alpha=alpha, power=target))
                for h in (0.5, 0.6, 0.7, 0.75, 0.8)]
        return pd.DataFrame([{"Hazard ratio": h, "Events": x["events"],
                              "Enrolled per arm": power.enrolled(x["n_per_arm"], dropout)}
                             for h, x in rows])

    st.dataframe(keep("plan.tte_grid", lambda: arrow_table(grid()), p_event, alpha, target,
                      dropout), hide_index=True)
