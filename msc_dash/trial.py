"""The :class:`Trial`: four tidy tables and what can be derived from them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType

import numpy as np
import pandas as pd

from .groups import group_medians, isin_runs
from .outcomes import REGISTRY, Registry

__all__ = ["Trial", "TABLES", "SINGLE_ARM"]

#: Required and known optional columns of each table, in display order.
TABLES = MappingProxyType(
    {
        "subjects": (
            ("subject_id",),
            ("arm", "ms_type", "sex", "age", "disease_duration_years", "baseline_edss",
             "route", "bmi"),
        ),
        "measurements": (("subject_id", "visit", "day", "outcome", "value"), ()),
        "adverse_events": (
            ("subject_id", "term"),
            ("onset_day", "body_system", "severity", "serious", "related",
             "injection_number", "treatment_emergent"),
        ),
        "injections": (
            ("subject_id", "injection_number", "day"),
            ("route", "dose_million_cells"),
        ),
        # optional: relapse onsets, for confirmed progression (msc_dash.progression)
        "relapses": (("subject_id", "onset_day"), ()),
    }
)

#: Arm label used when the data has no ``arm`` column.
SINGLE_ARM = "All"


def empty_table(name: str) -> pd.DataFrame:
    """An empty frame with the required and optional columns of ``name``."""
    required, optional = TABLES[name] if name in TABLES else (PERIOD_COLUMNS, ())
    return pd.DataFrame({c: pd.Series(dtype="object") for c in (*required, *optional)})


def treatment_emergence(events: pd.DataFrame, injections: pd.DataFrame) -> pd.Series:
    """Whether each adverse event is treatment-emergent: True, False or NA.

    A given ``treatment_emergent`` value (ADaM ``TRTEMFL``, or a column of the
    file) is kept. Where it is missing, an event is treatment-emergent when
    its onset is on or after the subject's first injection (or day 0, the
    baseline, for a subject without recorded injections), not when before;
    without an onset day it stays unknown (NA), never guessed.

    Examples
    --------
    >>> import pandas as pd
    >>> ae = pd.DataFrame({"subject_id": ["a", "a", "b", "b"],
    ...                    "onset_day": [10, 30, -2, None]})
    >>> inj = pd.DataFrame({"subject_id": ["a"], "injection_number": [1], "day": [14]})
    >>> treatment_emergence(ae, inj).tolist()
    [False, True, False, <NA>]
    """
    given = (events["treatment_emergent"] if "treatment_emergent" in events
             else pd.Series(pd.NA, index=events.index))
    given = given.map(_flag_value).astype("boolean")
    onset = pd.to_numeric(events.get("onset_day", pd.Series(np.nan, index=events.index)),
                          errors="coerce").astype(float)
    first = (pd.to_numeric(injections["day"], errors="coerce").groupby(
        injections["subject_id"].astype(str)).min() if len(injections) else pd.Series(dtype=float))
    start = events["subject_id"].astype(str).map(first).astype(float).fillna(0.0)
    derived = pd.Series(onset >= start, index=events.index, dtype="boolean")
    derived[onset.isna()] = pd.NA
    return given.fillna(derived)


def _sorted(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``frame.sort_values(columns, kind="stable")`` with a fresh index, by integer keys.

    Text columns are factorised in sorted order first; one ``np.lexsort`` of the
    codes is 2-3x faster than pandas' multi-column sort of strings (6 million
    rows: 4.4 s). Missing values sort last, as in ``sort_values``.

    Examples
    --------
    >>> f = pd.DataFrame({"a": ["b", "a", "b", None], "d": [2.0, 5.0, 1.0, 0.0]})
    >>> _sorted(f, ["a", "d"]).to_dict("list")
    {'a': ['a', 'b', 'b', nan], 'd': [5.0, 1.0, 2.0, 0.0]}
    """
    keys = []
    for col in columns:
        values = frame[col]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            keys.append(values.to_numpy(dtype=float, na_value=np.nan))
        else:
            codes, _ = pd.factorize(values, sort=True, use_na_sentinel=True)
            keys.append(np.where(codes < 0, np.iinfo(np.int64).max, codes))
    order = np.lexsort(keys[::-1])
    return frame.take(order).reset_index(drop=True)


def _flag_value(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    text = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip().lower()
    return {"y": True, "yes": True, "true": True, "1": True,
            "n": False, "no": False, "false": False, "0": False}.get(text, pd.NA)


#: Columns of the optional periods table (crossover trials, see msc_dash.periods).
PERIOD_COLUMNS = ("subject_id", "period", "treatment", "start_day", "end_day")


def _coded_order(frame: pd.DataFrame, keys: list[str]) -> np.ndarray | None:
    """The stable sort order by ``keys``, from categorical codes (None unless every
    text key is categorical with sorted categories, so that codes sort as the text)."""
    columns = []
    for key in keys:
        s = frame[key]
        if isinstance(s.dtype, pd.CategoricalDtype):
            codes = s.cat.codes.to_numpy()
            if not s.cat.categories.is_monotonic_increasing or (codes < 0).any():
                return None
            columns.append(codes)
        elif pd.api.types.is_numeric_dtype(s.dtype) and not s.isna().any():
            columns.append(s.to_numpy())
        else:
            return None
    return np.lexsort(columns[::-1])


def _as_str(s: pd.Series) -> pd.Series:
    """``s.astype(str)``; a categorical's categories converted once, then taken."""
    if isinstance(s.dtype, pd.CategoricalDtype) and (s.cat.codes >= 0).all():
        text = s.cat.categories.astype(str).array.take(s.cat.codes.to_numpy())
        return pd.Series(text, index=s.index, name=s.name)
    return s.astype(str)


@dataclass(frozen=True, eq=False)
class Trial:
    """A loaded trial: subjects, measurements, adverse events and injections.

    Build one with :func:`msc_dash.load_trial` or :func:`msc_dash.load_sample`;
    the constructor trusts its tables. Treat the frames as read-only: every
    change (:meth:`filter`, :meth:`with_registry`) returns a new ``Trial``.

    Attributes
    ----------
    subjects, measurements, adverse_events, injections : pandas.DataFrame
        The tables of docs/architecture.md; ``subjects`` always has an ``arm`` column
        (``"All"`` in a single-arm study) and ``n_injections``.
    relapses : pandas.DataFrame
        ``subject_id, onset_day`` of each relapse (empty when not given).
    warnings : tuple of str
        Non-fatal oddities found while loading.
    registry : Registry
        Outcome definitions and meaningful-change settings in force.
    source : str
        Where the data came from, for display.
    filters : mapping
        Criteria applied by :meth:`filter` so far.

    Examples
    --------
    >>> import pandas as pd
    >>> subjects = pd.DataFrame({"subject_id": ["a", "b"], "ms_type": ["SPMS", "PPMS"]})
    >>> m = pd.DataFrame({"subject_id": ["a", "a", "b", "b"], "visit": ["BL", "M12"] * 2,
    ...                   "day": [0, 365, 0, 360], "outcome": "SDMT", "value": [40, 44, 50, 49]})
    >>> t = Trial.from_tables(subjects, m)
    >>> t.visits, t.outcomes, t.arms
    (['BL', 'M12'], ['SDMT'], ['All'])
    >>> t.filter(ms_type=["SPMS"]).n_subjects
    1
    """

    subjects: pd.DataFrame
    measurements: pd.DataFrame
    adverse_events: pd.DataFrame
    injections: pd.DataFrame
    warnings: tuple[str, ...] = ()
    registry: Registry = REGISTRY
    source: str = ""
    filters: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    origin: str = ""  # fingerprint of the unfiltered trial, set by filter()
    relapses: pd.DataFrame = field(default_factory=lambda: empty_table("relapses"))
    #: which adverse events the safety analyses count: "treatment-emergent" (the
    #: default, see :attr:`emergent_events`) or "all" (:meth:`with_all_events`)
    event_scope: str = "treatment-emergent"
    periods: pd.DataFrame = field(default_factory=lambda: empty_table("periods"))

    @classmethod
    def from_tables(
        cls,
        subjects: pd.DataFrame,
        measurements: pd.DataFrame,
        adverse_events: pd.DataFrame | None = None,
        injections: pd.DataFrame | None = None,
        relapses: pd.DataFrame | None = None,
        periods: pd.DataFrame | None = None,
        **kwargs,
    ) -> Trial:
        """Assemble a Trial from already-valid tables (no validation).

        Adds the derived subject columns (``arm`` when absent, ``n_injections``)
        and sorts rows so that equal data give equal fingerprints. With
        ``periods``, measurements and adverse events get ``period`` and
        ``period_treatment`` columns (see :func:`msc_dash.periods.assign`).
        """
        subjects = subjects.copy()
        subjects["subject_id"] = subjects["subject_id"].astype(str)
        if "arm" not in subjects:
            subjects.insert(1, "arm", SINGLE_ARM)
        subjects["arm"] = subjects["arm"].astype(str)
        tables = {"measurements": measurements, "adverse_events": adverse_events,
                  "injections": injections, "relapses": relapses}
        for name, frame in tables.items():
            if frame is None:
                frame = empty_table(name)
            else:
                frame = frame.copy()
                if name != "measurements":  # (its keys are made text after the sort)
                    frame["subject_id"] = frame["subject_id"].astype(str)
            for col in TABLES[name][0] + TABLES[name][1]:
                if col not in frame:
                    frame[col] = pd.Series(np.nan, index=frame.index, dtype="object")
            tables[name] = frame
        inj = tables["injections"]
        tables["adverse_events"]["treatment_emergent"] = treatment_emergence(
            tables["adverse_events"], inj)
        counts = inj.groupby("subject_id").size() if len(inj) else pd.Series(dtype=int)
        subjects["n_injections"] = (
            subjects["subject_id"].map(counts).fillna(0).astype(int)
        )
        m = tables["measurements"]
        m["day"] = pd.to_numeric(m["day"])
        m["value"] = pd.to_numeric(m["value"]).astype(float)
        keys = ["subject_id", "outcome", "day", "visit"]
        order = _coded_order(m, keys)  # the loader's categorical keys: sort their codes
        if order is not None:
            m = m.take(order)
        for col in ("subject_id", "visit", "outcome"):
            m[col] = _as_str(m[col])
        # text keys: one lexsort of their codes (pandas' sort of 6 million strings: 4.4 s)
        tables["measurements"] = (m.reset_index(drop=True) if order is not None
                                  else _sorted(m, keys))
        subjects = subjects.sort_values("subject_id", kind="stable").reset_index(drop=True)
        rel = tables["relapses"]
        rel["onset_day"] = pd.to_numeric(rel["onset_day"]).astype(float)
        rel = rel.sort_values(["subject_id", "onset_day"], kind="stable").reset_index(drop=True)
        if periods is not None and len(periods):
            kwargs["periods"] = _with_periods(tables, periods)
        return cls(subjects, tables["measurements"], tables["adverse_events"],
                   tables["injections"], relapses=rel, **kwargs)

    @property
    def has_periods(self) -> bool:
        """True for a crossover trial (a periods table with two or more treatments)."""
        return len(self.periods) > 0

    # ----------------------------------------------------------- derived views
    @property
    def n_subjects(self) -> int:
        """Number of subjects."""
        return len(self.subjects)

    @cached_property
    def visit_days(self) -> pd.Series:
        """Median day of each visit, indexed by visit, ordered by that day."""
        m = self.measurements
        if m.empty:
            return pd.Series(dtype=float, name="day")
        return group_medians(m["visit"], m["day"]).sort_values(kind="stable").rename("day")

    @cached_property
    def injection_days(self) -> dict:
        """Median day of each injection number (empty without injections), for charts."""
        inj = self.injections
        if inj.empty:
            return {}
        return inj.groupby("injection_number")["day"].median().to_dict()

    @property
    def visits(self) -> list[str]:
        """Visits ordered by their median day."""
        return list(self.visit_days.index)

    @cached_property
    def baseline_visit(self) -> str | None:
        """The visit whose median day is 0, or None."""
        days = self.visit_days
        hits = days.index[days == 0]
        return hits[0] if len(hits) else None

    @cached_property
    def _followup_visits(self) -> tuple:
        return tuple(v for v, d in self.visit_days.items() if d > 0)

    @property
    def followup_visits(self) -> list[str]:
        """Visits after baseline, in order."""
        return list(self._followup_visits)

    @cached_property
    def outcomes(self) -> list[str]:
        """Outcome codes present, in registry order (unknown codes last)."""
        return self.registry.order(self.measurements["outcome"].unique())

    @cached_property
    def _arms(self) -> tuple:
        return tuple(pd.unique(self.subjects["arm"]))

    @property
    def arms(self) -> list[str]:
        """Arms present, in order of first appearance."""
        return list(self._arms)

    @property
    def is_single_arm(self) -> bool:
        """True when all subjects share one arm."""
        return len(self.arms) <= 1

    def outcome(self, code: str):
        """The registry entry of ``code`` (a default for unknown codes)."""
        return self.registry.get(code)

    def outcomes_in(self, domain: str) -> list[str]:
        """Outcome codes present in the data that belong to ``domain``."""
        return [c for c in self.outcomes if self.registry.get(c).domain == domain]

    @property
    def subject_variables(self) -> list[str]:
        """Columns of ``subjects`` usable as filters or subgroups."""
        return [c for c in self.subjects.columns if c != "subject_id"]

    def long(self) -> pd.DataFrame:
        """Measurements with each subject's ``arm`` attached."""
        arm = self.subjects.set_index("subject_id")["arm"]
        out = self.measurements.copy()
        out.insert(1, "arm", out["subject_id"].map(arm))
        return out

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the normalised tables; equal data give equal fingerprints."""
        h = hashlib.sha256()
        # relapses only when present, so trials without them keep their fingerprint
        names = ("subjects", "measurements", "adverse_events", "injections") + (
            ("relapses",) if len(self.relapses) else ())
        for name in names + (("periods",) if self.has_periods else ()):
            frame = getattr(self, name)
            frame = frame.reindex(sorted(frame.columns), axis=1)
            h.update(name.encode())
            h.update(",".join(map(str, frame.columns)).encode())
            if len(frame):
                # each column hashed as it is (numbers by value, text by its characters):
                # astype(str) of a registry's 6 million rows took 8 s
                h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        return h.hexdigest()

    @cached_property
    def cache_key(self) -> str:
        """Key for caching analyses: source data, filters and registry settings.

        A filtered trial is keyed by its origin's fingerprint plus the filters,
        so filtering never re-hashes the data.
        """
        h = hashlib.sha256((self.origin or self.fingerprint).encode())
        h.update(repr(sorted((k, repr(v)) for k, v in self.filters.items())).encode())
        h.update(self.registry.settings_key().encode())
        h.update(self.event_scope.encode())
        return h.hexdigest()

    # ----------------------------------------------------------- new trials
    def filter(self, **criteria) -> Trial:
        """Keep the subjects matching every criterion; return a new Trial.

        Each keyword names a column of ``subjects``. A list or set keeps the
        listed values; a 2-tuple ``(low, high)`` keeps values in the closed
        range (``None`` for an open end); any other value keeps equal values.
        ``None`` as a criterion is ignored. Subjects with a missing value fail
        a criterion on that column.

        Raises
        ------
        KeyError
            If a criterion names a column ``subjects`` does not have.
        """
        keep = pd.Series(True, index=self.subjects.index)
        applied = dict(self.filters)
        for column, rule in criteria.items():
            if rule is None:
                continue
            if column not in self.subjects:
                raise KeyError(f"`{column}` is not a column of subjects; "
                               f"choose one of {self.subject_variables}")
            col = self.subjects[column]
            if isinstance(rule, tuple) and len(rule) == 2:
                lo, hi = rule
                num = pd.to_numeric(col, errors="coerce")
                ok = num.notna()
                if lo is not None:
                    ok &= num >= lo
                if hi is not None:
                    ok &= num <= hi
            elif isinstance(rule, (list, set, frozenset)):
                ok = col.isin(list(rule))
            else:
                ok = col == rule
            keep &= ok.fillna(False).astype(bool)
            applied[column] = rule
        ids = self.subjects.loc[keep, "subject_id"].unique()  # not a set: row by row
        return replace(
            self,
            subjects=self.subjects[keep].reset_index(drop=True),
            measurements=self._only(self.measurements, ids),
            adverse_events=self._only(self.adverse_events, ids),
            injections=self._only(self.injections, ids),
            relapses=self._only(self.relapses, ids),
            periods=self._only(self.periods, ids),
            filters=MappingProxyType(applied),
            origin=self.origin or self.fingerprint,
        )

    @staticmethod
    def _only(frame: pd.DataFrame, ids) -> pd.DataFrame:
        return frame[isin_runs(frame["subject_id"], ids)].reset_index(drop=True)

    def treatment_emergent_only(self) -> Trial:
        """The same trial with only its treatment-emergent adverse events.

        Events whose ``treatment_emergent`` is False or unknown are left out;
        count them with :func:`msc_dash.safety.event_scope`. When no event's
        status is known at all (no onset days, no flag) every event is kept,
        since leaving all out would show a trial without events.

        Examples
        --------
        >>> from msc_dash.examples import events_trial, onset_events
        >>> t = events_trial(1, onset_events())
        >>> t.adverse_events["treatment_emergent"].tolist()
        [False, True, <NA>]
        >>> t.treatment_emergent_only().adverse_events["term"].tolist()
        ['Rash']
        """
        return replace(self, adverse_events=self.emergent_events,
                       event_scope="treatment-emergent", origin=self.origin or self.fingerprint)

    @cached_property
    def emergent_events(self) -> pd.DataFrame:
        """The treatment-emergent adverse events (all of them when none is known)."""
        ae = self.adverse_events
        if len(ae) and not ae["treatment_emergent"].notna().any():
            return ae
        return ae[ae["treatment_emergent"].fillna(False).astype(bool)].reset_index(drop=True)

    def with_all_events(self) -> Trial:
        """The same trial, its safety analyses counting every adverse event.

        One object per trial (kept), keyed by this trial's data fingerprint, so
        a page asking for it on every rerun neither copies nor re-hashes the data.
        """
        return self._all_events

    @cached_property
    def _all_events(self) -> Trial:
        return replace(self, event_scope="all", origin=self.origin or self.fingerprint)

    def with_registry(self, registry: Registry) -> Trial:
        """The same data analysed with other outcome settings."""
        return replace(self, registry=registry)

    def summary(self) -> dict:
        """Counts for a data summary: subjects, arms, visits, outcomes, events."""
        return {
            "subjects": self.n_subjects,
            "arms": self.arms,
            "visits": self.visits,
            "outcomes": self.outcomes,
            "measurements": len(self.measurements),
            "adverse_events": len(self.adverse_events),
            "injections": len(self.injections),
        }


def _with_periods(tables: dict, periods: pd.DataFrame) -> pd.DataFrame:
    """Typed periods; label measurements and adverse events in ``tables`` in place."""
    from .periods import assign

    periods = periods.copy()
    periods["subject_id"] = periods["subject_id"].astype(str)
    periods["period"] = pd.to_numeric(periods["period"]).astype(int)
    periods["treatment"] = periods["treatment"].astype(str)
    for col in ("start_day", "end_day"):
        periods[col] = pd.to_numeric(periods[col]).astype(float)
    periods = periods.sort_values(["subject_id", "period"], kind="stable")
    for name, day, events in (("measurements", "day", False),
                              ("adverse_events", "onset_day", True)):
        frame = tables[name]
        where = assign(frame, periods, day, events=events)
        frame["period"] = where["period"]
        frame["period_treatment"] = where["treatment"]
    return periods.reset_index(drop=True)
