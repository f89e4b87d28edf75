"""The Progression page: confirmed events, Kaplan-Meier curves, hazard ratio, subjects."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from ..arms import default_arms
from ..figures.progression import event_name
from ..outcomes import REGISTRY
from ..progression import event_outcomes
from ..survival import TimeToEvent, headline_text, subject_table, time_to_event
from ..tables import format_p, sig
from ..trial import Trial
from . import export_widgets
from .cache import arrow_table, cached, derived
from .charts import chart
from .reproduce import reproduce_expander
from .widgets import md_escape

__all__ = ["choices", "render_progression"]

_CONFIRM = {84: "12 weeks", 168: "24 weeks"}


def choices(trial: Trial, codes: list[str]) -> dict:
    """The page's controls: outcome, direction, confirmation, baseline (and arms)."""
    c1, c2, c3, c4 = st.columns([1.5, 1.5, 1.35, 1.1])
    outcome = c1.selectbox("Outcome", codes, format_func=trial.registry.name,
                           key="prog_outcome",
                           help="EDSS-Plus: the first confirmed worsening on any of EDSS, "
                                "T25FW and NHPT (Cadavid et al., Mult Scler 2017).")
    direction = c2.segmented_control("Event", ["worsening", "improvement"],
                                     format_func=str.capitalize, default="worsening",
                                     key="prog_direction") or "worsening"
    confirm = c3.segmented_control("Confirmed over", list(_CONFIRM), format_func=_CONFIRM.get,
                                   default=84, key="prog_confirm") or 84
    baseline = c4.segmented_control("Baseline", ["fixed", "roving"],
                                    format_func=str.capitalize, default="fixed",
                                    key="prog_baseline",
                                    help="Fixed: the first valid assessment. Roving: moved to "
                                         "the confirmation visit after each confirmed event "
                                         "(msprog's definition).") or "fixed"
    picked = {"outcome": outcome, "direction": direction, "confirm_days": int(confirm),
              "baseline": baseline}
    if len(trial.relapses):
        picked |= _relapse_windows()
    if len(trial.arms) > 2:
        t_def, c_def = default_arms(trial.arms)
        a1, a2, _ = st.columns([1, 1, 2])
        picked["treatment"] = a1.selectbox("Hazard ratio of", trial.arms,
                                           index=trial.arms.index(t_def), key="prog_treatment")
        picked["control"] = a2.selectbox("against", trial.arms,
                                         index=trial.arms.index(c_def), key="prog_control")
    return picked


def _relapse_windows() -> dict:
    """msprog's relapse windows, editable when the trial has relapses."""
    with st.expander("Relapse windows (msprog defaults)"):
        r1, r2, r3 = st.columns(3)
        conf = r1.number_input("No baseline or confirmation within (days after a relapse)",
                               0, 365, 30, key="prog_rel_conf")
        assoc = r2.number_input("Relapse-associated (RAW) if onset within (days)", 0, 365,
                                90, key="prog_rel_assoc")
        before = r3.number_input("PIRA: no relapse from this many days before onset and "
                                 "confirmation", 0, 365, 90, key="prog_rel_pira")
    return {"relapse_to_baseline": int(conf), "relapse_to_confirmation": int(conf),
            "relapse_associated": int(assoc), "pira_window": (int(before), 30)}


def _pct(x: float) -> str:
    if not math.isfinite(x):
        return "–"
    return "0%" if abs(x) < 1e-12 else f"{sig(100 * x, 2, sign=False)}%"


def _headline(res: TimeToEvent) -> None:
    s = derived(res, "summary_by_arm", lambda: res.summary().set_index("arm"))
    level = f"{res.ci:.0%}"
    if len(res.arms) >= 2 and res.treatment in s.index and res.control in s.index:
        t, c = res.treatment, res.control
        cols = st.columns(3)
        hr = res.hazard_ratio
        cols[0].metric(f"Hazard ratio, {t} vs {c}",
                       "not estimable" if hr is None else sig(hr["hr"], 2),
                       help="Cox model (Efron ties); below 1 favours " + t)
        cols[0].caption("an arm has no event" if hr is None else
                        f"{level} CI {sig(hr['ci_low'], 2)} to {sig(hr['ci_high'], 2)}")
        cols[1].metric("Log-rank p", format_p(res.logrank_p)
                       if res.logrank_p is not None else "–")
        cols[1].caption("no event in either arm" if res.logrank_p is None else
                        "difference between the curves")
        cols[2].metric("Subjects with an event",
                       f"{s.loc[t, 'events']:.0f}/{s.loc[t, 'subjects']:.0f} vs "
                       f"{s.loc[c, 'events']:.0f}/{s.loc[c, 'subjects']:.0f}")
        cols[2].caption(f"{t} vs {c}")
        return
    arm = res.arms[0]
    r = s.loc[arm]
    cols = st.columns(3)
    cols[0].metric("Subjects with an event", f"{r['events']:.0f} of {r['subjects']:.0f}")
    cols[0].caption(_pct(r["events"] / r["subjects"]) + " of those assessed"
                    if r["subjects"] else "")
    p1 = r.get("proportion_1y", float("nan"))
    cols[1].metric("By 1 year (Kaplan-Meier)", _pct(p1))
    cols[1].caption(f"{level} CI {_pct(r['ci_low_1y'])} to {_pct(r['ci_high_1y'])}"
                    if math.isfinite(p1) else "follow-up shorter than a year")
    med = r["median_days"]
    cols[2].metric("Median time to event",
                   "not reached" if not math.isfinite(med) else f"{med:.0f} days")
    cols[2].caption("fewer than half had an event" if not math.isfinite(med) else
                    f"{med / 30.44:.1f} months")


def _unconfirmed(trial: Trial, res: TimeToEvent) -> None:
    e = res.events
    un = e[~e["has_event"] & e["unconfirmed_day"].notna()]
    if un.empty:
        return
    word = "worsened" if res.rules.direction == "worsening" else "improved"
    st.info(
        f"**{len(un)} subject(s) {word} at a visit but have no confirmed event.** "
        f"The domain pages classify each visit on its own against baseline; here a change "
        f"counts only when it is still there at the first visit {res.rules.confirm_days} days "
        f"({res.rules.weeks} weeks) later"
        + (" and at every visit in between" if res.rules.check_intermediate else "")
        + ". The **Note** column of the table says why each one was not confirmed; grey "
          "triangles mark them on the swimmer plot.")


def _at(visit, day, value) -> str:
    if not isinstance(visit, str):
        return ""
    return f"{visit} (day {day:.0f}): {value:g}"


def _display(res: TimeToEvent) -> pd.DataFrame:
    """Subjects with an event first (by onset), then unconfirmed changes, then the rest."""
    e = res.events
    rank = np.where(e["has_event"], 0, np.where(e["unconfirmed_day"].notna(), 1, 2))
    e = e.assign(_rank=rank, _key=e["onset_day"].fillna(e["unconfirmed_day"])).sort_values(
        ["_rank", "_key", "subject_id"], kind="stable")
    out = pd.DataFrame({
        "Subject": e["subject_id"], "Arm": e["arm"],
        "Event": np.where(e["has_event"], "yes", "no"), "Outcome": e["component"].map(REGISTRY.name),
        "Baseline": [f"{v:g}" if np.isfinite(v) else "" for v in e["baseline_value"]],
        "Onset": [_at(*r) for r in zip(e["onset_visit"], e["onset_day"], e["onset_value"],
                                       strict=True)],
        "Confirmed": [_at(*r) for r in zip(e["confirm_visit"], e["confirm_day"],
                                           e["confirm_value"], strict=True)],
    })
    if "pira" in e:
        out["Type"] = np.select([e["raw"], e["pira"], e["has_event"]],
                                ["RAW", "PIRA", "unclassified"], "")
    if res.arms == ["All"] or len(res.arms) < 2:
        out = out.drop(columns=["Arm"])
    out["Note"] = e["note"].to_numpy()
    return out


def render_progression(trial: Trial, settings) -> None:
    """Draw the page for ``trial`` (already filtered) under the sidebar settings."""
    codes = event_outcomes(trial)
    if not codes:
        st.info("Confirmed progression needs an outcome with a meaningful-change rule "
                "(EDSS, T25FW, NHPT or SDMT). None of them is in this trial.")
        return
    picked = choices(trial, codes)
    res = cached(time_to_event, trial, ci=settings.ci, **picked)
    name = event_name(res)
    st.markdown(f"#### {md_escape(derived(res, 'headline', lambda: headline_text(res)))}")
    _headline(res)
    st.subheader(f"Time to {name}")
    chart_params = {k: v for k, v in picked.items() if k not in ("treatment", "control")}
    chart("progression_km", trial, settings, key="prog_km", file_name=f"Kaplan-Meier {name}",
          **chart_params)
    st.caption(
        f"Cumulative proportion with a {name} (1 - Kaplan-Meier) per arm, {res.ci:.0%} "
        "log-Greenwood bands; ticks mark censored subjects; under the axis, the number still "
        "at risk every three months.")
    _unconfirmed(trial, res)
    st.subheader("Each subject's events")
    chart("progression_swimmer", trial, settings, key="prog_swimmer",
          file_name=f"Swimmer {name}", **chart_params)
    st.caption("Bars: follow-up to the last assessment; dots: assessments; ▲ onset of the "
               "confirmed event; △ its confirmation; grey △ a change that was not confirmed "
               "(hover for why).")
    # derived once per (memoised) result, not on every rerun
    table = derived(res, "subjects", lambda: subject_table(res))
    st.dataframe(derived(res, "display", lambda: arrow_table(_display(res))),
                 hide_index=True, width="stretch",
                 column_config={"Note": st.column_config.TextColumn(width="large"),
                                "Onset": st.column_config.TextColumn(width="medium"),
                                "Confirmed": st.column_config.TextColumn(width="medium")})
    summary = derived(res, "summary", res.summary)
    export_widgets.table_downloads(table, f"progression {name}", key="prog_table",
                                   sheets={"summary": summary})
    st.subheader("Criteria")
    st.markdown(md_escape(res.methods_text))
    reproduce_expander(trial, "progression", settings, **picked)

