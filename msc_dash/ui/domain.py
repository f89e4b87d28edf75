"""The clinical domain pages: one renderer, one section per outcome.

Each outcome section answers "did it change, by how much, for whom, how
sure are we": headline numbers per arm, the trajectory over time, the
estimation plot (paired values beside Hedges' g and its bootstrap), and on
demand the waterfall of per-subject change with improved / stable / worsened
bars and the outcome's rows of the effect table. Figures come from the chart registry
(:mod:`msc_dash.charts`), cached per trial, settings and parameters; charts
registered with ``auto=True`` and an outcome scope follow the built-in ones
in every outcome section.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import streamlit as st

from ..charts import CHARTS, auto_charts
from ..correlations import CLINICAL_PARTNERS, change_pairs, correlate
from ..effects import effect_sizes
from ..memo import compute
from ..multiplicity import family_text
from ..outcomes import DOMAIN_INFO, EDSS_PLUS_COMPONENTS, FUNCTIONAL_SYSTEMS
from ..tables import format_ci, format_p, format_pct, sig
from ..trial import Trial
from . import anchored, state, widgets
from .cache import cached
from .charts import chart
from .reproduce import reproduce_expander

__all__ = ["render_domain"]

def _effect_index(trial: Trial, *, settings) -> dict:
    """The effect table cut once per trial and settings (memoised, not on every rerun).

    ``rows``: (outcome, visit) -> headline rows (one namespace per arm);
    ``shown``: visit -> outcomes with a row there (the multiplicity family).
    """
    effects = compute(effect_sizes, trial, settings=settings)
    rows: dict = {}
    shown: dict = {}
    for r in effects.to_dict("records"):  # one pass: a groupby per group is slow here
        rows.setdefault((r["outcome"], r["visit"]), []).append(SimpleNamespace(**r))
        shown.setdefault(r["visit"], dict.fromkeys(()))[r["outcome"]] = None
    return {"rows": rows, "shown": {v: tuple(o) for v, o in shown.items()}}


def _chart(name: str, trial: Trial, key: str, file_name: str, **params) -> None:
    chart(name, trial, key=key, file_name=file_name, **params)


# ---------------------------------------------------------------- sections
def _ci(lo: float, hi: float, decimals: int | None = None) -> str:
    """``CI 0.91 to 1.04``: the interval under its estimate, so neither is cut off."""
    text = format_ci(lo, lo, hi, 2, decimals=decimals)  # both bounds on shared decimals
    if "[" not in text:
        return "CI not available"
    low, high = text[text.index("[") + 1:-1].split(", ")
    return f"CI {low} to {high}"


def _headline(trial: Trial, rows: list, code: str, ci: float) -> None:
    """One row of numbers per arm: change, g, p values, responders; CIs under the values."""
    out = trial.outcome(code)
    level = f"{ci:.0%} "
    for r in rows:
        if not trial.is_single_arm:
            st.markdown(f"**{widgets.md_escape(str(r.arm))}** · within-arm change · "
                        f"n = {int(r.n)} (between arms: the Arms page)")
        cols = st.columns(4)
        if not r.estimable:
            cols[0].metric("Subjects", int(r.n))
            cols[1].markdown(f"Not estimable: {r.note}.")
            continue
        if out.scale == "log" and math.isfinite(r.gmr):
            cols[0].metric("Geometric mean ratio", f"{r.gmr:.2f}",
                           level + _ci(r.gmr_ci_low, r.gmr_ci_high, decimals=2),
                           delta_color="off", delta_arrow="off",
                           help=f"Visit / baseline: {format_pct(100 * (r.gmr - 1))} (median "
                                f"per-subject change {format_pct(r.pct_change_median)}), with "
                                f"its t CI on the log scale; n = {int(r.n)}.")
        else:
            cols[0].metric(f"Mean change ({out.change_unit})",
                           sig(r.change_mean, 2, sign=True),
                           level + _ci(r.change_ci_low, r.change_ci_high),
                           delta_color="off", delta_arrow="off",
                           help=f"Visit minus baseline ({sig(r.baseline_mean)} → "
                                f"{sig(r.visit_mean)}) with its t CI; n = {int(r.n)}.")
        cols[1].metric("Hedges' g (+ = better)", f"{r.hedges_g:.2f}",
                       level + _ci(r.hedges_g_ci_low, r.hedges_g_ci_high, decimals=2),
                       delta_color="off", delta_arrow="off",
                       help=f"Paired g_av, positive = improvement; {r.ci_method} CI.")
        cols[2].metric("p (t-test · Wilcoxon)",
                       f"{format_p(r.p_ttest)} · {format_p(r.p_wilcoxon)}",
                       f"adjusted {format_p(r.p_adjusted)}", delta_color="off", delta_arrow="off",
                       help="Paired t-test and Wilcoxon signed-rank test ("
                            f"{getattr(r, 'p_wilcoxon_method', '') or 'no'} p; zero changes "
                            "dropped, ties midranked); adjusted: the t-test p after the "
                            "multiplicity correction in the settings.")
        if out.meaningful_change is not None and math.isfinite(r.improved_pct):
            cols[3].metric("Improved · worsened",
                           f"{int(r.improved_n)} · {int(r.worsened_n)}",
                           f"of {int(r.n)}; {r.improved_pct:.0f}% improved", delta_color="off",
                           delta_arrow="off", help=f"Meaningful change: {out.rule_text}.")
        else:
            cols[3].metric("Subjects", int(r.n), help="Subjects with a baseline and this visit.")


def outcome_section(trial: Trial, effects: pd.DataFrame, code: str, visit: str, settings, *,
                    show_subjects: bool, key: str) -> None:
    """Everything one page shows about one outcome."""
    out = trial.outcome(code)
    st.subheader(out.label if out.label == code else f"{out.label} ({code})", anchor=code.lower())
    rule = f" Meaningful change: {out.rule_text}." if out.meaningful_change else \
        " No meaningful-change rule."
    st.caption(f"{out.description} Unit: {out.unit or 'none'}; "
               f"{out.better} is better.{rule}".strip())
    index = compute(_effect_index, trial, settings=settings)
    at = index["rows"].get((code, visit), [])
    if not at:
        st.info(f"No subject has both a baseline and a {widgets.md_escape(visit)} value of "
                f"{widgets.md_escape(out.short_label)}.")
    else:
        _headline(trial, at, code, settings.ci)
        st.caption("Adjusted p: " + widgets.md_escape(family_text(
            index["shown"].get(visit, ()), padjust=settings.padjust, family=settings.family,
            visit=visit)))
    _trend(trial, code, settings)
    left, right = st.columns(2)
    with left:
        # each subject's line only when asked for: on a large trial they are most of the
        # page's figure JSON and of the browser's drawing, even when hidden in the legend
        _chart("trajectory", trial, f"{key}_traj", f"{code} trajectory", outcome=code,
               subjects=show_subjects, show_subjects=show_subjects)
    with right:
        if at:
            _chart("estimation", trial, f"{key}_est", f"{code} estimation {visit}",
                   outcome=code, visit=visit)
    if at:
        _per_subject(trial, code, visit, key)
    _auto_charts(trial, code, visit if at else None, settings, key)
    if anchored.has_injections(trial) and st.toggle(
            f"{out.short_label} anchored to the injections", key=f"{key}_anchored",
            help="Change by time since the last injection, after each injection number, "
                 "how long an improvement lasts, and dose-response."):
        anchored.anchored_section(trial, code, settings, key=key)
    # built only while open (opening reruns the page): a table per outcome is costly
    with st.expander(f"{out.short_label}: effect table, every visit", key=f"{key}_table_open",
                     on_change="rerun") as box:
        if box.open:
            widgets.effect_table(trial, effects, settings, outcomes=(code,), key=f"{key}_table")


def _per_subject(trial: Trial, code: str, visit: str, key: str) -> None:
    """Waterfall of each subject's change and the responder bars, built only while open.

    The estimation plot above already shows every subject's pair and the headline
    counts the responders; closed, the two charts cost the page change nothing
    (every chart drawn is a tenth of a second or more of the browser's time).
    """
    out = trial.outcome(code)
    with st.expander(f"{out.short_label} per subject: waterfall of change and responders",
                     key=f"{key}_per_subject", on_change="rerun") as box:
        if not box.open:
            return
        left, right = st.columns([3, 2])
        with left:
            _chart("waterfall", trial, f"{key}_wf", f"{code} waterfall {visit}", outcome=code,
                   visit=visit)
        with right:
            if out.meaningful_change is not None:
                _chart("responders", trial, f"{key}_resp", f"{code} responders {visit}",
                       outcomes=(code,), visit=visit)
                st.caption(f"By the rule: {out.rule_text}; stable = inside the band.")
            else:
                st.caption(f"{widgets.md_escape(out.short_label)} has no meaningful-change "
                           "rule, so subjects are not classified as improved or worsened.")


def _trend_caption(trial: Trial, *, code: str, ci: float) -> str:
    from ..trends import trend_models, trend_text

    rows = compute(trend_models, trial, ci=ci, outcomes=(code,))
    unit = trial.outcome(code).change_unit
    parts = [(f"{widgets.md_escape(r['arm'])}: " if len(trial.arms) > 1 else "")
             + widgets.md_escape(trend_text(r, unit)) for r in rows.to_dict("records")]
    return (f"Trend over all visits, within {'each arm' if len(trial.arms) > 1 else 'arm'} "
            f"(linear mixed model on every measurement, {ci:.0%} CI; random slope "
            f"where a likelihood-ratio test supports it): " + "; ".join(parts) + ".")


def _trend(trial: Trial, code: str, settings) -> None:
    """The within-arm slope per year over every visit (mixed model), one line per arm."""
    st.caption(compute(_trend_caption, trial, code=code, ci=settings.ci))


def _auto_charts(trial: Trial, code: str, visit: str | None, settings, key: str) -> None:
    """Charts registered with ``auto=True`` for one outcome (docs/architecture.md)."""
    for name in auto_charts("outcome", *(("outcome_visit",) if visit else ())):
        params = {"outcome": code} | ({"visit": visit} if CHARTS[name].scope ==
                                      "outcome_visit" else {})
        fig = chart(name, trial, settings, key=f"{key}_{name}", **params)
        if fig is not None and CHARTS[name].caption:
            st.caption(CHARTS[name].describe(settings, **params)[1])


def _missing(trial: Trial, codes: list[str]) -> None:
    for code in codes:
        out = trial.registry[code]
        st.caption(f"ℹ️ **{out.label} ({code})** is not in the data. Add rows with outcome "
                   f"`{code}` to the measurements table (unit: {out.unit}) to see it here.")


def _edss_plus(trial: Trial, visit: str) -> None:
    present = [c for c in EDSS_PLUS_COMPONENTS if c in trial.outcomes]
    st.subheader("EDSS-Plus composite", anchor="edss-plus")
    if "EDSS" not in present or len(present) < 2:
        st.caption("ℹ️ EDSS-Plus needs EDSS and the Timed 25-Foot Walk or the 9-Hole Peg "
                   "Test; the data has " + (", ".join(present) or "none of them") + ".")
        return
    rules = "; ".join(f"{c}: {trial.outcome(c).rule_text}" for c in present)
    st.caption("Worsened when any component worsens by its rule (Cadavid et al. 2017); "
               "improved when none worsens and any improves (Harris et al. 2024). "
               f"Rules: {rules}.")
    _chart("edss_plus", trial, "disability_edss_plus", f"EDSS-Plus {visit}", visit=visit)


def _functional_systems(trial: Trial, effects: pd.DataFrame, visit: str, settings,
                        show_subjects: bool) -> None:
    present = [c for c in FUNCTIONAL_SYSTEMS if c in trial.outcomes]
    if not present:
        return
    st.subheader("Individual Functional Systems", anchor="functional-systems")
    rows = compute(_effect_index, trial, settings=settings)["rows"]
    if any((c, visit) in rows for c in present):
        _chart("fs_forest", trial, "disability_fs_forest", f"Functional Systems {visit}",
               visit=visit)
    # the forest above holds every system; one in full detail when asked for (built only
    # while open: its charts would cost every visit of the page)
    with st.expander("One Functional System in detail: headline, trajectory, estimation plot",
                     key="disability_fs_open", on_change="rerun") as box:
        if not box.open:
            return
        code = st.columns([1, 2])[0].selectbox(
            "Functional System", present, key="disability_fs_choice",
            format_func=lambda c: trial.outcome(c).label)
        outcome_section(trial, effects, code, visit, settings, show_subjects=show_subjects,
                        key="disability_fs")


def _correlations(trial: Trial, visit: str, settings) -> None:
    markers = trial.outcomes_in("biomarker")
    partners = [c for c in CLINICAL_PARTNERS if c in trial.outcomes]
    st.subheader("Biomarker change against clinical change", anchor="correlation")
    if not markers or not partners:
        st.caption("ℹ️ Needs a biomarker and one of " + ", ".join(CLINICAL_PARTNERS)
                   + " in the data.")
        return
    cols = st.columns([1, 1, 2])
    x = cols[0].selectbox("Biomarker", markers, key="biomarker_corr_x")
    y = cols[1].selectbox("Clinical outcome", partners, key="biomarker_corr_y")
    cols[2].markdown(compute(_correlation_text, trial, x=x, y=y, visit=visit, ci=settings.ci))
    _chart("correlation", trial, "biomarker_corr", f"{x} vs {y} change", x=x, y=y)
    st.caption("Each dot: one subject at one follow-up visit. The repeated-measures r uses "
               "only within-subject variation (Bakdash & Marusich 2017), so subjects with "
               f"several visits are not counted as independent. {settings.ci:.0%} CIs by "
               "Fisher's z. Exploratory: not adjusted for multiplicity.")


def _correlation_text(trial: Trial, *, x: str, y: str, visit: str, ci: float) -> str:
    frame = compute(change_pairs, trial, x_outcome=x, y_outcome=y)
    rm = correlate(frame, ci=ci)
    sp = correlate(frame, visit=visit, ci=ci)
    return (f"**Repeated-measures correlation** (every follow-up visit): "
            f"{widgets.md_escape(rm['text'])}  \n**{widgets.md_escape(sp['method'])}**: "
            f"{widgets.md_escape(sp['text'])}")


def render_domain(domain: str) -> None:
    """Draw the page of one domain (``"mobility"``, ``"biomarker"``, ...)."""
    trial = state.require_trial()
    settings = state.get_settings()
    record = DOMAIN_INFO[domain]
    st.title(record.title)
    st.caption(record.intro)
    codes = trial.outcomes_in(domain)
    if domain == "disability":
        codes = [c for c in codes if c not in FUNCTIONAL_SYSTEMS]
    missing = [c for c in trial.registry.core(domain) if c not in trial.outcomes]
    if not codes and not (domain == "disability" and trial.outcomes_in(domain)):
        st.info(f"The data has no {record.title.lower()} outcome." + (
            " The page shows " + ", ".join(trial.registry.core(domain))
            + " when the measurements table has them." if missing else ""))
        return
    top = st.columns([1, 1, 2], vertical_alignment="bottom")
    visit = widgets.visit_selector(trial, container=top[0])
    if visit is None:
        return
    show = top[1].toggle("Individual subjects", key=f"{domain}_subjects",
                         help="Draw each subject's values in the trajectory charts "
                              "(then 'Subjects' in a chart's legend hides or shows them).")
    top[2].caption("Change is paired against each subject's own baseline. Hedges' g: "
                   f"positive = improvement, {settings.ci:.0%} bootstrap CI. Arms are shown "
                   "side by side in every chart.")
    effects = cached(effect_sizes, trial, settings=settings)
    for code in codes:
        outcome_section(trial, effects, code, visit, settings, show_subjects=show,
                        key=f"{domain}_{code}")
        if domain == "disability" and code == "EDSS":
            _edss_plus(trial, visit)
    if domain == "disability":
        if "EDSS" not in codes:
            _edss_plus(trial, visit)
        _functional_systems(trial, effects, visit, settings, show)
    if domain == "biomarker":
        _correlations(trial, visit, settings)
    reproduce_expander(trial, "domain", settings, visit=visit, outcomes=codes)
    if missing:
        _missing(trial, missing)
