"""Global subject filters in the sidebar, and the view kept in the URL.

app.py calls :func:`restore_view` before the data source (a shared link may
choose the sample) and :func:`sidebar_filters` after it; every page then
reads the filtered trial from session state. Filter widgets are created on
every run with stable keys (``flt_<column>``), so they keep their values on
every page. The pure parts (:func:`filter_specs`, :func:`criteria_from_values`,
:func:`describe_criteria`, :func:`values_from_view`) are tested without Streamlit.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from ..trial import Trial
from . import state, urlstate
from .text import md_code, md_join

__all__ = ["FilterSpec", "filter_specs", "split_specs", "criteria_from_values",
           "describe_criteria",
           "values_from_view", "restore_view", "sidebar_filters", "outcome_selector",
           "stable_widget_ids", "KEY_PREFIX",
           "VISIT_KEY", "OUTCOME_KEY"]

# session keys: declared in ui/state.py
KEY_PREFIX = state.FILTER_PREFIX
VISIT_KEY, OUTCOME_KEY = state.VISIT_KEY, state.OUTCOME_KEY
_ORIGIN, _SPECS, _FILTERED = state.FILTER_ORIGIN, state.FILTER_SPECS, state.FILTERED
_URL_DONE, _PENDING, _PROBLEMS = state.URL_DONE, state.URL_PENDING, state.URL_PROBLEMS
_VISIT_MEMORY, _OUTCOME_MEMORY = state.VISIT_MEMORY, state.OUTCOME_MEMORY
_MORE = state.FILTER_MORE

#: Display names of the known subject columns; the first seven come first.
LABELS = {
    "arm": "Arm", "ms_type": "MS type", "sex": "Sex", "age": "Age (years)",
    "baseline_edss": "Baseline EDSS", "disease_duration_years": "Disease duration (years)",
    "n_injections": "Number of injections", "route": "Route", "bmi": "BMI (kg/m²)",
    "race": "Race",
}
_FIRST = ("arm", "ms_type", "sex", "age", "baseline_edss", "disease_duration_years",
          "n_injections")
_MAX_CATEGORIES = 40
#: Subject columns offered as filters without asking (any case); the others are one
#: "Add a filter" away, so real exports (ADSL: SITEID, TRTDUR, COMP8FL...) stay usable.
CURATED = ("arm", "ms_type", "sex", "age", "race", "baseline_edss", "disease_duration_years",
           "n_injections", "route", "bmi")


@dataclass(frozen=True)
class FilterSpec:
    """One filter widget: a multiselect of categories or a range slider."""

    column: str
    label: str
    kind: str                       # "categorical" or "range"
    options: tuple = ()             # categories, in display order
    counts: tuple = ()              # subjects per category
    low: float = 0.0
    high: float = 0.0
    step: float = 1.0
    integer: bool = False

    @property
    def key(self) -> str:
        return KEY_PREFIX + self.column

    @property
    def default(self):
        return [] if self.kind == "categorical" else (self.low, self.high)

    def short(self) -> str:
        """The label without its unit, for the active-filter line."""
        return self.label.split(" (")[0]


def _label(column: str) -> str:
    known = LABELS.get(column) or LABELS.get(column.lower())
    if known:
        return known
    # ADaM names (SITEID, COMP8FL) read best as written
    return column if column.isupper() else column.replace("_", " ").strip().capitalize()


def _range_spec(column: str, values: pd.Series) -> FilterSpec | None:
    num = pd.to_numeric(values, errors="coerce").dropna().astype(float)
    num = num[np.isfinite(num)]
    if num.nunique() < 2:
        return None
    lo, hi = float(num.min()), float(num.max())
    if max(abs(lo), abs(hi)) > 2**53 - 1:  # no slider outside JavaScript's safe integers
        return None
    if (num == num.round()).all():
        return FilterSpec(column, _label(column), "range", low=int(lo), high=int(hi), step=1,
                          integer=True)
    if ((num * 2) == (num * 2).round()).all():
        step = 0.5
    else:
        step = 10.0 ** (math.floor(math.log10(hi - lo)) - 2)
    decimals = max(0, -math.floor(math.log10(step)) + (1 if step == 0.5 else 0))
    lo = round(math.floor(lo / step + 1e-9) * step, decimals)
    hi = round(math.ceil(hi / step - 1e-9) * step, decimals)
    return FilterSpec(column, _label(column), "range", low=lo, high=hi, step=step)


def filter_specs(trial: Trial) -> list[FilterSpec]:
    """The filters offered for a trial's subject table.

    The known columns come first (arm, MS type, sex, age, baseline EDSS,
    disease duration, number of injections), then every other subject
    column: numbers as a range slider, anything else as a multiselect.
    Columns with a single value, and text columns with a distinct value per
    subject (identifiers) or over 40 categories, are left out.

    Examples
    --------
    >>> s = pd.DataFrame({"subject_id": list("abcd"), "ms_type": ["SPMS", "PPMS", "SPMS", None],
    ...                   "age": [41, 55, 38, 60], "site": ["x", "x", "x", "x"]})
    >>> m = pd.DataFrame({"subject_id": list("abcd"), "visit": "BL", "day": 0,
    ...                   "outcome": "EDSS", "value": 6.0})
    >>> [(f.column, f.kind, f.options or (f.low, f.high)) for f in filter_specs(Trial.from_tables(s, m))]
    [('ms_type', 'categorical', ('PPMS', 'SPMS')), ('age', 'range', (38, 60))]
    """
    s = trial.subjects
    columns = [c for c in _FIRST if c in s] + [c for c in s.columns
                                              if c not in _FIRST and c != "subject_id"]
    specs = []
    for col in columns:
        values = s[col]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        if numeric:
            spec = _range_spec(col, values)
            if spec is not None:
                specs.append(spec)
            continue
        present = values.dropna()
        counts = present.value_counts(sort=False)
        if len(counts) < 2 or len(counts) > _MAX_CATEGORIES or (
                len(counts) == len(present) and len(present) > 10):
            continue
        if col == "arm":
            options = list(pd.unique(present))        # arms in the trial's order
        else:
            options = sorted(counts.index, key=str)
        specs.append(FilterSpec(col, _label(col), "categorical", options=tuple(options),
                                counts=tuple(int(counts[o]) for o in options)))
    return specs


def split_specs(specs) -> tuple[list[FilterSpec], list[FilterSpec]]:
    """(offered in the sidebar, offered through "Add a filter"): :data:`CURATED` first.

    Examples
    --------
    >>> specs = [FilterSpec("arm", "Arm", "categorical"), FilterSpec("SITEID", "Siteid", "range"),
    ...          FilterSpec("RACE", "Race", "categorical")]
    >>> [[s.column for s in part] for part in split_specs(specs)]
    [['arm', 'RACE'], ['SITEID']]
    """
    shown = [s for s in specs if s.column.lower() in CURATED]
    return shown, [s for s in specs if s.column.lower() not in CURATED]


def criteria_from_values(specs, values) -> dict:
    """``Trial.filter`` criteria from widget values (full ranges and empty selections dropped).

    Categories become a list sorted by text (so equal choices give equal
    cache keys), ranges a ``(low, high)`` tuple.

    Examples
    --------
    >>> specs = [FilterSpec("sex", "Sex", "categorical", options=("F", "M")),
    ...          FilterSpec("age", "Age (years)", "range", low=30, high=65, integer=True)]
    >>> criteria_from_values(specs, {"sex": [], "age": (40, 65)})
    {'age': (40, 65)}
    """
    criteria = {}
    for spec in specs:
        value = values.get(spec.column)
        if value is None:
            continue
        if spec.kind == "categorical":
            chosen = [o for o in spec.options if o in list(value)]
            if chosen:
                criteria[spec.column] = sorted(chosen, key=str)
        else:
            lo, hi = value
            if (lo, hi) != (spec.low, spec.high):
                criteria[spec.column] = (lo, hi)
    return criteria


def _num_text(x, spec: FilterSpec) -> str:
    return f"{int(x)}" if spec.integer else f"{x:g}"


#: Link problems listed one by one; the rest are counted.
MAX_LINK_PROBLEMS = 3


def _link_problems(problems: list[str]) -> None:
    """At most a few captions and one toast, however many parameters were bad.

    Each problem is safe Markdown: fixed text with the link's values in
    :func:`~msc_dash.ui.text.md_code` spans.
    """
    if not problems:
        return
    for problem in problems[:MAX_LINK_PROBLEMS]:
        st.caption(f"⚠️ {problem}")
    if len(problems) > MAX_LINK_PROBLEMS:
        st.caption(f"⚠️ … and {len(problems) - MAX_LINK_PROBLEMS} more link problems.")
    st.toast(problems[0] if len(problems) == 1 else
             f"{len(problems)} parts of the link were not understood and were ignored "
             "(listed under the filters).", icon="⚠️")


def describe_criteria(criteria, specs) -> list[str]:
    """Short text per active filter, e.g. ``"MS type: SPMS"``, ``"Age 40–55"``.

    Examples
    --------
    >>> specs = [FilterSpec("ms_type", "MS type", "categorical", options=("PPMS", "SPMS")),
    ...          FilterSpec("age", "Age (years)", "range", low=30, high=65, integer=True)]
    >>> describe_criteria({"ms_type": ["SPMS"], "age": (40, 55)}, specs)
    ['MS type: SPMS', 'Age 40–55']
    """
    by_col = {s.column: s for s in specs}
    out = []
    for col, rule in criteria.items():
        spec = by_col.get(col) or FilterSpec(col, _label(col), "range")
        if isinstance(rule, tuple):
            out.append(f"{spec.short()} {_num_text(rule[0], spec)}–{_num_text(rule[1], spec)}")
        else:
            out.append(f"{spec.short()}: {', '.join(map(str, rule))}")
    return out


def values_from_view(specs, view_filters) -> tuple[dict, list[str]]:
    """Widget values for filters decoded from a URL, checked against the trial.

    Unknown columns and categories are dropped and reported; ranges are
    clipped to the data's range.

    Examples
    --------
    >>> specs = [FilterSpec("ms_type", "MS type", "categorical", options=("PPMS", "SPMS")),
    ...          FilterSpec("age", "Age (years)", "range", low=30, high=65, integer=True)]
    >>> values_from_view(specs, {"ms_type": ["SPMS", "RRMS"], "age": [20, 50], "x": ["1"]})
    ({'ms_type': ['SPMS'], 'age': (30, 50)}, ['Link filter `ms_type`: ignored `RRMS` (not in the data).', 'Link filter `x`: no such subject variable.'])
    """
    by_col = {s.column: s for s in specs}
    values, problems = {}, []
    for col, raw in view_filters.items():
        spec = by_col.get(col)
        if spec is None:
            problems.append(f"Link filter {md_code(col)}: no such subject variable.")
            continue
        if spec.kind == "categorical":
            lookup = {str(o): o for o in spec.options}
            chosen = [lookup[str(v)] for v in raw if str(v) in lookup]
            missing = [str(v) for v in raw if str(v) not in lookup]
            if missing:
                problems.append(f"Link filter {md_code(col)}: ignored "
                                f"{', '.join(md_code(m) for m in missing[:5])} "
                                "(not in the data).")
            if chosen:
                values[col] = chosen
            continue
        nums = [v for v in raw if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(raw) != 2 or len(nums) != 2:
            problems.append(f"Link filter {md_code(col)}: expected \\[low, high\\].")
            continue
        lo, hi = sorted(float(v) for v in nums)
        lo, hi = min(max(lo, spec.low), spec.high), max(min(hi, spec.high), spec.low)
        if spec.integer:
            lo, hi = int(math.floor(lo)), int(math.ceil(hi))
        values[col] = (lo, hi)
    return values, problems


# ------------------------------------------------------------------ Streamlit
def restore_view() -> None:
    """Read the URL once per session, before the data source is drawn.

    A link to a bundled sample selects it; the rest of the view waits in
    session state until :func:`sidebar_filters` can check it against the trial.
    """
    if st.session_state.get(_URL_DONE):
        return
    st.session_state[_URL_DONE] = True
    view, problems = urlstate.decode_view(st.query_params.to_dict())
    from .data import SAMPLES, UPLOAD

    samples = {v: k for k, v in SAMPLES.items()}
    if view.get("data") in samples:
        st.session_state[state.DATA_CHOICE] = samples[view["data"]]
    elif view.get("data") == "upload":
        st.session_state[state.DATA_CHOICE] = UPLOAD
        problems.append("This link was made with uploaded data, which is never stored: "
                        "upload the same files to see the same view.")
    if view.get("family"):  # before the settings widget exists; checked against the data there
        st.session_state[state.FAMILY] = view["family"]
    st.session_state[_PENDING] = view
    st.session_state[_PROBLEMS] = problems


def _apply_pending(full: Trial, specs) -> None:
    view = st.session_state.pop(_PENDING, None)
    if not view:
        return
    problems = st.session_state.get(_PROBLEMS) or []
    values, more = values_from_view(specs, view.get("filters") or {})
    problems += more
    extra = [x.column for x in split_specs(specs)[1]]
    for spec in specs:
        if spec.column in values:
            st.session_state[spec.key] = values[spec.column]
    added = [c for c in extra if c in values]
    if added:  # a link's filter on another column: add its widget
        st.session_state[_MORE] = list(dict.fromkeys([*st.session_state.get(_MORE, []),
                                                      *added]))
    for key, allowed, what in ((VISIT_KEY, full.visits, "visit"),
                               (OUTCOME_KEY, full.outcomes, "outcome")):
        wanted = view.get(key)
        if wanted is None:
            continue
        if wanted in allowed:
            st.session_state[key] = wanted
            st.session_state[_VISIT_MEMORY if key == VISIT_KEY else _OUTCOME_MEMORY] = wanted
        else:
            problems.append(f"Link {what} {md_code(wanted)} is not in the data.")
    st.session_state[_PROBLEMS] = problems


def _valid(spec: FilterSpec, value) -> bool:
    """Whether a stored widget value fits the widget (else Streamlit would raise)."""
    if spec.kind == "categorical":
        return isinstance(value, list | tuple) and all(v in spec.options for v in value)
    if not (isinstance(value, list | tuple) and len(value) == 2):
        return False
    kind = int if spec.integer else float
    return all(isinstance(v, kind) and not isinstance(v, bool) for v in value) and (
        spec.low <= value[0] <= value[1] <= spec.high)


def outcome_selector(trial: Trial, options, *, container=None, label: str = "Outcome") -> str:
    """Select one outcome (key ``"outcome"``, kept in the URL and across page switches)."""
    options = list(options)
    # as widgets.visit_selector: the memory holds the choice across pages
    wanted = st.session_state.get(_OUTCOME_MEMORY)
    if wanted not in options:
        current = st.session_state.get(OUTCOME_KEY)
        wanted = current if current in options else options[0]
    st.session_state[OUTCOME_KEY] = wanted

    def name(code: str) -> str:
        text = trial.outcome(code).label
        return f"{text} ({code})" if text != code else code

    choice = (container or st).selectbox(label, options, key=OUTCOME_KEY, format_func=name,
                                         on_change=_remember_outcome)
    st.session_state[_OUTCOME_MEMORY] = choice
    return choice


def _remember_outcome() -> None:
    st.session_state[_OUTCOME_MEMORY] = st.session_state.get(OUTCOME_KEY)


def _reset(specs) -> None:
    for spec in specs:
        st.session_state[spec.key] = spec.default
    st.session_state[_MORE] = []


@contextlib.contextmanager
def stable_widget_ids():
    """Give widgets made before ``st.navigation`` the same IDs on a session's first run as later.

    Streamlit 1.67 hashes the active page into widget IDs; before
    ``st.navigation`` runs, a session's first run uses the requested page's
    hash and later runs the entry script's, so without this the first filter
    a user picks on a fresh session is dropped (seen in the browser test).
    app.py wraps its whole sidebar in this.
    """
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

        ctx = get_script_run_ctx()
        scope = ctx.run_with_active_hash(ctx.pages_manager.main_script_hash)
    except (ImportError, AttributeError):  # another Streamlit version or no context
        scope = contextlib.nullcontext()
    with scope:
        yield


def _widget(spec: FilterSpec) -> None:
    if spec.kind == "categorical":
        counts = dict(zip(spec.options, spec.counts, strict=True))
        st.multiselect(spec.label, spec.options, key=spec.key, placeholder="All",
                       format_func=lambda o: f"{o} ({counts.get(o, 0)})")
    else:
        st.slider(spec.label, min_value=spec.low, max_value=spec.high, step=spec.step,
                  key=spec.key,
                  help="Subjects with no value are left out once the range is narrowed.")


def _widgets(specs) -> list[FilterSpec]:
    """The curated filters, the "Add a filter" control and the added ones; return those shown."""
    shown, extra = split_specs(specs)
    for spec in shown:
        _widget(spec)
    if not extra:
        return shown
    by_col = {x.column: x for x in extra}
    kept = [c for c in st.session_state.get(_MORE, []) if c in by_col]
    st.session_state[_MORE] = kept
    added = st.multiselect(
        "Add a filter", list(by_col), key=_MORE, format_func=lambda c: by_col[c].label,
        placeholder=f"{len(extra)} more subject variables",
        help="Filter on any other column of the subjects table; remove it here to drop "
             "the filter.")
    for column in added:
        _widget(by_col[column])
    return shown + [by_col[c] for c in added]


def _write_url(criteria) -> None:
    from .data import SAMPLES

    choice = st.session_state.get(state.DATA_CHOICE)
    view = {"data": SAMPLES.get(choice, "upload") if choice else None, "filters": criteria,
            # the remembered choice (a page without the widget may hold a stale widget value)
            "visit": st.session_state.get(_VISIT_MEMORY) or st.session_state.get(VISIT_KEY),
            "outcome": (st.session_state.get(_OUTCOME_MEMORY)
                        or st.session_state.get(OUTCOME_KEY)),
            "family": st.session_state.get(state.FAMILY) or None}
    view = {k: v for k, v in view.items() if not (k in (VISIT_KEY, OUTCOME_KEY)
                                                 and not isinstance(v, str))}
    params = urlstate.encode_view(view)
    # only our parameters: presenter mode keeps its own in the same query string
    for key in [k for k in st.query_params if urlstate.is_view_key(k) and k not in params]:
        del st.query_params[key]
    for key, value in params.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def sidebar_filters(full: Trial) -> Trial:
    """Draw the filters in the sidebar and return the filtered trial.

    The filtered trial is kept in session state keyed by the data and the
    criteria, so reruns that change nothing do not filter again.
    """
    origin = full.cache_key
    if st.session_state.get(_ORIGIN) not in (None, origin):
        # other data: the old choices may not exist in it
        for key in [k for k in st.session_state if str(k).startswith(KEY_PREFIX)]:
            del st.session_state[key]
        st.session_state.pop(_MORE, None)
    st.session_state[_ORIGIN] = origin
    cached_specs = st.session_state.get(_SPECS)
    if cached_specs and cached_specs[0] == origin:
        specs = cached_specs[1]
    else:
        specs = filter_specs(full)
        st.session_state[_SPECS] = (origin, specs)
    _apply_pending(full, specs)
    for spec in specs:
        if spec.key not in st.session_state or not _valid(spec, st.session_state[spec.key]):
            st.session_state[spec.key] = spec.default

    with st.sidebar, stable_widget_ids():
        st.subheader("Filters")
        summary = st.container()
        with st.expander("Subject filters", expanded=True):
            active = _widgets(specs)
        values = {s.column: st.session_state[s.key] for s in active}
        criteria = criteria_from_values(active, values)
        st.button("Reset filters", key="msc_flt_reset", on_click=_reset, args=(specs,),
                  disabled=not criteria, width="stretch")

    key = (origin, repr(sorted(criteria.items())))
    hit = st.session_state.get(_FILTERED)
    if hit and hit[0] == key:
        trial = hit[1]
    else:
        trial = full.filter(**criteria) if criteria else full
        st.session_state[_FILTERED] = (key, trial)

    with summary:
        text = f"Showing **{trial.n_subjects}** of {full.n_subjects} subjects"
        if criteria:
            text += " · " + md_join(describe_criteria(criteria, specs), " · ")
        st.markdown(text)
        if criteria and trial.n_subjects == 0:
            st.warning("No subject matches these filters.", icon="⚠️")
        _link_problems(st.session_state.pop(_PROBLEMS, None) or [])
    _write_url(criteria)
    return trial
