"""Widgets shared by the pages; each owns its session-state key and returns its value.

- :func:`visit_selector`: the follow-up visit shown (key ``"visit"``, shared by
  the overview and the domain pages, remembered across page switches).
- :func:`domain_cards`: one headline card per domain plus safety.
- :func:`findings_list`: plain-language findings with a status icon.
- :func:`effect_table`: the formatted effect table, CSV/XLSX downloads of the raw one.
- :func:`forest_chart`: the forest plot of Hedges' g at one visit.
- :func:`page_findings`: :func:`msc_dash.findings.findings`, cached.

Expensive pieces (figure, formatted table, findings) are cached per trial key,
analysis settings and visit; the effect table passed in must be the one those
settings give.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import streamlit as st

from ..constants import to_float as _num
from ..findings import ALPHA, Finding, findings, one_year_visit
from ..outcomes import DOMAIN_INFO, DOMAINS
from ..tables import G_DECIMALS, format_ci, format_effect_table, format_pct, p_phrase, sig
from ..trial import Trial
from . import export_widgets, state
from .cache import arrow_table, cached, per_arm, rows_by
from .charts import chart
from .text import md_code, md_escape, md_join, md_message  # noqa: F401 - the pages' escape

__all__ = ["VISIT_KEY", "visit_selector", "domain_cards", "findings_list",
           "effect_table", "formatted_effects", "forest_chart", "page_findings", "md_escape",
           "auto_charts", "safety_by_arm", "visit_outcomes"]

#: Widget key of the visit selector (shared by every page that shows one visit).
VISIT_KEY = state.VISIT_KEY
_VISIT_MEMORY = state.VISIT_MEMORY  # survives page switches, unlike widget state

_MAX_SECONDARY = 3  # other outcomes listed under a card's headline


def visit_selector(trial: Trial, *, label: str = "Visit", container=None,
                   help: str | None = None) -> str | None:
    """Select one follow-up visit; return it (None when the trial has no follow-up).

    The default is the follow-up closest to one year. The choice is kept in
    ``st.session_state`` and shared by every page calling this widget.
    """
    options = list(trial.followup_visits)
    if not options:
        st.info("The data has no follow-up visit after baseline (day 0), "
                "so there is no change to show.")
        return None
    # The memory is the choice; the widget only shows it. Streamlit drops a widget's
    # state when a page without it runs (or gives the next page's widget its default),
    # so the value is handed to the widget on every run, and a change goes to the memory.
    wanted = st.session_state.get(_VISIT_MEMORY)
    if wanted not in options:
        current = st.session_state.get(VISIT_KEY)
        wanted = current if current in options else one_year_visit(trial)
    st.session_state[VISIT_KEY] = wanted
    days = trial.visit_days
    where = container if container is not None else st
    choice = where.selectbox(
        label, options, key=VISIT_KEY, on_change=_remember, args=(VISIT_KEY, _VISIT_MEMORY),
        format_func=lambda v: f"{v} (day {days[v]:.0f})",
        help=help or "Follow-up visit compared with baseline (median day since baseline). "
        "Shared by every page that shows one visit, and kept in the address.",
    )
    st.session_state[_VISIT_MEMORY] = choice
    return choice


def _remember(key: str, memory: str) -> None:
    """Widget callback: the user's new choice becomes the remembered one."""
    st.session_state[memory] = st.session_state.get(key)


def _p_of(row) -> float:
    """The p value that decides significance: adjusted where the table has one."""
    p = _num(row.get("p_adjusted"))
    return p if math.isfinite(p) else _num(row.get("p_ttest"))


def _significant(row) -> bool:
    p = _p_of(row)
    return math.isfinite(p) and p < ALPHA


def _headline(row, outcome) -> tuple[str, str]:
    """(what is shown, its value): median % change on log scales, else mean change."""
    if outcome.scale == "log" and math.isfinite(_num(row.get("pct_change_median"))):
        return "median change", format_pct(row["pct_change_median"])
    unit = outcome.unit if outcome.unit and not any(c.isdigit() for c in outcome.unit) else ""
    what = f"mean change ({unit})" if unit and unit != "score" else "mean change"
    return what, sig(row.get("change_mean"), 2, sign=True)


def _estimable(row) -> bool:
    return bool(row.get("estimable", True)) and math.isfinite(_num(row.get("hedges_g")))


def _p_text(row) -> str:
    """The p value that decides significance, named: "adjusted p = 0.49" or "p = 0.01"."""
    p = _num(row.get("p_adjusted"))
    if math.isfinite(p) and p != _num(row.get("p_ttest")):  # equal: no adjustment made
        return md_escape(p_phrase(p, "adjusted p"))
    return md_escape(p_phrase(_p_of(row)))


def _metric(row, outcome, label: str, finding: str | None, *, describe: bool) -> None:
    if row is None or not _estimable(row):
        note = "" if row is None else str(row.get("note") or "")
        st.metric(label, "not estimable", help=note or "No paired data at this visit.")
        st.caption(md_escape(note or "no paired data at this visit"))  # why, on screen
        return
    _, value = _headline(row, outcome)
    st.metric(
        label,
        value,
        # the delta must start with the number: Streamlit colours it by its sign
        delta=format_ci(row["hedges_g"], row.get("hedges_g_ci_low"), row.get("hedges_g_ci_high"),
                        decimals=G_DECIMALS),
        delta_color="normal" if _significant(row) else "off",
        delta_description="Hedges' g" if describe else None,
        help=(finding or "") + f"\n\n{outcome.label}. The badge is Hedges' g with its CI, "
        "positive = improvement.",
    )
    # non-breaking spaces: narrow arm columns wrap only at the dot
    st.caption(f"{_p_text(row)} · n = {int(row['n'])}".replace(" = ", "\u00a0=\u00a0"))


def _g_text(row) -> str:
    """``g = 0.31 [0.14, 0.54]``, coloured when significant, or why there is none."""
    if row is None or not _estimable(row):
        reason = "" if row is None else str(row.get("note") or "")
        return f"not estimable{' (' + md_escape(reason) + ')' if reason else ''}"
    g = format_ci(row["hedges_g"], row.get("hedges_g_ci_low"), row.get("hedges_g_ci_high"),
                  decimals=G_DECIMALS)
    colour = ("green" if row["hedges_g"] > 0 else "red") if _significant(row) else "gray"
    return f":{colour}[g = {md_escape(g)}]"


def _row_of(rows: dict, visit: str, code: str, arm: str):
    hit = rows.get((visit, code, arm))
    return hit[0] if hit else None


def domain_cards(trial: Trial, effects: pd.DataFrame, visit: str, *,
                 safety: dict | None = None, safety_by_arm: dict | None = None,
                 found: list[Finding] | None = None, columns: int = 3) -> None:
    """One bordered card per domain with data (in DOMAINS order), then safety.

    A card shows the domain's first outcome (registry order) per arm: its
    change at ``visit`` (median % change for log-scale outcomes, else mean
    change) and Hedges' g with its CI, green for a significant improvement,
    red for a significant worsening, grey otherwise; below it, the g of up
    to three more outcomes of the domain and a link to the domain's page.
    The safety card shows ``safety`` (counts over all arms) and, in a
    two-arm trial, ``safety_by_arm`` (arm -> counts).
    """
    at = rows_by(effects, "visit", "outcome", "arm")
    texts = {(f.arm, f.outcome): f.text for f in (found or []) if f.visit == visit}
    cards = [d for d in DOMAINS if trial.outcomes_in(d)]
    n_cards = len(cards) + (safety is not None)
    grid = st.columns(min(columns, max(n_cards, 1)))
    arms = trial.arms
    multi = len(arms) > 1
    for k, domain in enumerate(cards):
        codes = trial.outcomes_in(domain)
        main = codes[0]
        outcome = trial.outcome(main)
        with grid[k % len(grid)].container(border=True):
            st.markdown(f"#### {DOMAINS[domain]}")
            first = next((r for r in (_row_of(at, visit, main, a) for a in arms) if r), None)
            what = _headline(first, outcome)[0] if first else "change"
            if multi:
                st.markdown(f"**{md_escape(outcome.label)}** {what}")
            # one arm under the other: side by side, a CI such as "-0.34 [-0.63, -0.05]"
            # does not fit a third of a card at 1280 px
            cols = [st.container() for _ in arms]
            for arm, col in zip(arms, cols, strict=True):
                with col:
                    _metric(_row_of(at, visit, main, arm), outcome,
                            md_escape(arm) if multi else md_escape(f"{outcome.label} {what}"),
                            texts.get((arm, main)),
                            describe=not multi)
            lines = []
            for code in codes[1:1 + _MAX_SECONDARY]:
                if multi:
                    parts = [f"{md_escape(a)} {_g_text(_row_of(at, visit, code, a))}" for a in arms]
                    lines.append(f"**{md_escape(trial.outcome(code).label)}**: "
                                 + " · ".join(parts))
                    continue
                row = _row_of(at, visit, code, arms[0])
                line = f"**{md_escape(trial.outcome(code).label)}**: {_g_text(row)}"
                if row is not None and _estimable(row):
                    line += f", {_p_text(row)}, n = {int(row['n'])}"
                lines.append(line)
            if lines:
                st.markdown("\n".join(f"- {x}" for x in lines))
            more = len(codes) - 1 - _MAX_SECONDARY
            _page_link(domain, f"All {len(codes)} outcomes" if more > 0 else "Details",
                       f"Open the {DOMAINS[domain]} page")
    if safety is not None:
        with grid[len(cards) % len(grid)].container(border=True):
            st.markdown("#### Safety")
            _safety_card(safety, safety_by_arm)
            _page_link("safety", "Adverse events", "Open the Safety page")


def safety_by_arm(trial: Trial) -> dict:
    """Arm -> :func:`msc_dash.findings.safety_numbers` of its subjects (use it ``cached``)."""
    from ..findings import safety_numbers

    return per_arm(safety_numbers, trial)


def visit_outcomes(effects: pd.DataFrame, visit: str) -> tuple:
    """Outcomes with a row of ``effects`` at ``visit`` (the multiplicity family shown)."""
    return tuple(dict.fromkeys(k[1] for k in rows_by(effects, "visit", "outcome") if k[0] == visit))


def _page_link(domain: str, label: str, help: str) -> None:
    try:
        st.page_link(DOMAIN_INFO[domain].page, label=label, help=help,
                     icon=":material/arrow_forward:")
    except Exception:  # noqa: BLE001 - page not in the navigation (e.g. run alone)
        pass


def _safety_card(safety: dict, by_arm: dict | None = None) -> None:
    serious = _num(safety.get("n_serious"))
    n = safety.get("n_subjects")
    events = safety.get("n_events", 0)
    st.metric("Serious adverse events",
              "not recorded" if not math.isfinite(serious) else f"{int(serious)}",
              help="Events flagged serious in the adverse-event table.")
    if math.isfinite(serious) and serious == 0:
        st.badge("No serious adverse events", icon=":material/check_circle:", color="green")
    elif math.isfinite(serious):
        st.badge(f"in {safety.get('n_subjects_serious')} of {n} subjects",
                 icon=":material/warning:", color="red")
    st.markdown(f"{events} adverse events in {safety.get('n_subjects_with_event')} "
                f"of {n} subjects.")
    if by_arm and len(by_arm) > 1:
        lines = []
        for arm, numbers in by_arm.items():
            k = _num(numbers.get("n_serious"))
            serious_text = "not recorded" if not math.isfinite(k) else f"{int(k)} serious"
            lines.append(f"- **{md_escape(str(arm))}**: {numbers.get('n_events', 0)} events "
                         f"in {numbers.get('n_subjects_with_event')} of "
                         f"{numbers.get('n_subjects')}, {serious_text}")
        st.markdown("\n".join(lines))


_ICONS = {
    ("improved", True): ":green[:material/trending_up:]",
    ("worsened", True): ":red[:material/trending_down:]",
}


def findings_list(found: list[Finding]) -> None:
    """The findings as Markdown lists with a status icon; one column per arm.

    Findings without an arm (safety) follow under the columns.
    """
    if not found:
        st.info("No findings at this visit.")
        return
    between = [f for f in found if f.p_basis in ("mmrm", "crossover")]
    if between:
        how = ("within subjects (crossover)" if between[0].p_basis == "crossover"
               else "(MMRM)")
        st.markdown(f"**Between {'treatments' if between[0].p_basis == 'crossover' else 'arms'}"
                    f": {md_escape(between[0].arm)} {how}**")
        _finding_lines(between)
        st.markdown("**Within each arm: change from baseline**")
        found = [f for f in found if f.p_basis not in ("mmrm", "crossover")]
    arms = list(dict.fromkeys(f.arm for f in found if f.arm))
    if len(arms) > 1:
        for arm, col in zip(arms, st.columns(len(arms)), strict=True):
            with col:
                st.markdown(f"**{md_escape(arm)}**")
                _finding_lines([f for f in found if f.arm == arm], strip=f"{arm}: ")
        _finding_lines([f for f in found if not f.arm])
    else:
        _finding_lines(found)


_SUBJECT = re.compile(r"(.+?) (?=improved |worsened |did not |change could not |at )")


def _finding_lines(found: list[Finding], strip: str = "") -> None:
    if not found:
        return
    lines = []
    for f in found:
        if f.domain == "safety":
            icon = (":red[:material/warning:]" if f.direction == "worsened"
                    else ":green[:material/verified_user:]")
        elif not f.estimable:
            icon = ":gray[:material/help:]"
        else:
            icon = _ICONS.get((f.direction, f.significant), ":gray[:material/trending_flat:]")
        text = f.text[len(strip):] if strip and f.text.startswith(strip) else f.text
        # the outcome (its registry label) leads every finding's text: bold it
        subject = _SUBJECT.match(text) if f.domain != "safety" else None
        if subject:
            text = f"**{md_escape(subject.group(1))}**{md_escape(text[subject.end(1):])}"
        else:
            text = md_escape(text)
        lines.append(f"- {icon} {text}")
    st.markdown("\n".join(lines))


def effect_table(trial: Trial, effects: pd.DataFrame, settings, *, visit: str | None = None,
                 outcomes: tuple[str, ...] | None = None, key: str = "effects") -> None:
    """The formatted effect table (one visit, or all when ``visit`` is None) and downloads.

    ``effects`` must be the whole effect table of ``trial`` under ``settings``
    (they key the cache of the formatted table); ``outcomes`` keeps only those
    rows. The CSV / XLSX downloads hold the raw rows of every visit, unformatted.
    """
    outcomes = tuple(outcomes) if outcomes is not None else None
    table = cached(_formatted, trial, settings=settings, visit=visit, outcomes=outcomes)
    st.dataframe(arrow_table(table), hide_index=True, key=f"{key}_table", height="auto")
    st.caption("Download the raw effect table (every visit, full precision):")
    raw = effects if outcomes is None else effects[effects["outcome"].isin(outcomes)]
    name = "effect sizes" if outcomes is None else f"effect sizes {' '.join(outcomes)}"
    export_widgets.table_downloads(raw, name, key=f"{key}_download")


def forest_chart(trial: Trial, effects: pd.DataFrame, visit: str, settings, *,
                 key: str = "forest") -> None:
    """Forest plot of Hedges' g of every outcome (and arm) at ``visit``.

    ``effects`` must be the effect table of ``trial`` under ``settings``
    (they key the figure cache).
    """
    rows = effects[effects["visit"] == visit]
    if rows.empty:
        st.info(f"No outcome has paired data at {visit}.")
        return
    chart("forest", trial, settings, key=key, file_name=f"effect sizes at {visit}", visit=visit)
    ci = getattr(settings, "ci", 0.95)
    st.caption(f"Squares: Hedges' g of the change from baseline to {md_escape(visit)} "
               f"(positive = improvement); bars: {ci:.0%} bootstrap CI; n: subjects with "
               "both values. Grey crosses: not estimable (hover for the reason).")


def formatted_effects(trial: Trial, settings, *, visit: str | None = None,
                      outcomes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The effect table as shown (:func:`msc_dash.tables.format_effect_table`), memoised.

    One visit (or all), ``outcomes`` only (or all). Shared: do not change it.
    """
    return cached(_formatted, trial, settings=settings, visit=visit, outcomes=outcomes)


def _formatted(trial: Trial, *, settings, visit, outcomes) -> pd.DataFrame:
    # the effect table of these settings, as the pages pass it (memoised: same object)
    from ..effects import effect_sizes

    effects = cached(effect_sizes, trial, settings=settings)
    shown = effects if visit is None else effects[effects["visit"] == visit]
    if outcomes is not None:
        shown = shown[shown["outcome"].isin(outcomes)]
    return format_effect_table(shown, trial.registry, ci=getattr(settings, "ci", 0.95))


class _ByRepr:
    """A dict as a memo key: equal when the reprs are (the safety numbers)."""

    def __init__(self, value):
        self.value, self._repr = value, repr(value)

    def __eq__(self, other):
        return isinstance(other, _ByRepr) and other._repr == self._repr

    def __hash__(self):
        return hash(self._repr)

    def __repr__(self):
        return self._repr


def _findings(trial: Trial, *, settings, visit, safety: _ByRepr) -> list[Finding]:
    from ..effects import effect_sizes

    effects = cached(effect_sizes, trial, settings=settings)
    return findings(trial, effects, visit=visit, safety=safety.value)


def page_findings(trial: Trial, effects: pd.DataFrame, settings, *, visit: str | None = None,
                  safety: dict | None = None) -> list[Finding]:
    """:func:`msc_dash.findings.findings`, cached per trial, settings, visit and safety.

    ``effects`` must be the effect table of ``trial`` under ``settings``
    (the memoised one is used). The list is shared: do not change it.
    """
    return cached(_findings, trial, settings=settings, visit=visit, safety=_ByRepr(safety))


def auto_charts(trial: Trial, settings, visit: str | None) -> None:
    """The charts registered with ``auto=True`` and a trial or visit scope (Overview)."""
    from ..charts import CHARTS
    from ..charts import auto_charts as names

    for name in names("trial", *(("visit",) if visit else ())):
        params = {"visit": visit} if CHARTS[name].scope == "visit" else {}
        title, caption = CHARTS[name].describe(settings, **params)
        st.subheader(title)
        if chart(name, trial, settings, key=f"overview_{name}", **params) is None:
            st.caption(f"Nothing to draw for {md_escape(title)} in this trial.")
        elif caption:
            st.caption(md_escape(caption))
