"""Confirmed disability worsening and improvement, per subject.

The rules are those of msprog / pymsprog (Montobbio et al., Mult Scler
2024;30:1185), with its defaults: the visits are scanned in order; an event is
the first visit whose change from the reference reaches the outcome's
meaningful change and is confirmed at the first valid visit ``confirm_days``
later (within ``tolerance_days``), every visit in between also meeting it when
``check_intermediate``; the search then continues after that confirmation
visit. With a ``"roving"`` baseline the reference moves to the confirmation
visit after each confirmed event, of either direction. Relapses make a visit
within 30 days after one an invalid baseline or confirmation, and split a
confirmed worsening into relapse-associated worsening (RAW: onset within 90
days after a relapse) and progression independent of relapse activity (PIRA: no
relapse from 90 days before to 30 days after onset and confirmation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import TrialDataError
from .outcomes import EDSS_PLUS, EDSS_PLUS_COMPONENTS, Outcome
from .trial import Trial

__all__ = ["EventRules", "confirmed_events", "event_outcomes", "EVENT_COLUMNS"]

_TOL = 1e-9

#: Columns of :func:`confirmed_events`, in order (``pira``/``raw`` only with relapses).
EVENT_COLUMNS = ("subject_id", "arm", "component", "baseline_day", "baseline_value",
                 "has_event", "onset_visit", "onset_day", "onset_value", "confirm_visit",
                 "confirm_day", "confirm_value", "time", "event", "unconfirmed_day", "note")


@dataclass(frozen=True)
class EventRules:
    """The settings of an event definition (msprog's names in brackets).

    Attributes
    ----------
    direction : {"worsening", "improvement"}
    confirm_days : float
        Confirmation period (``conf_days``): 84 for 12 weeks, 168 for 24 weeks.
    tolerance_days : (float, float)
        A confirmation visit may come this much earlier / later (``conf_tol_days``).
    baseline : {"fixed", "roving"}
    check_intermediate : bool
        Every visit between onset and confirmation must also meet the change.
    relapse_to_baseline, relapse_to_event, relapse_to_confirmation : float
        Minimum days after a relapse for a visit to serve as baseline, event
        onset or confirmation (``relapse_to_bl``, ``relapse_to_event``,
        ``relapse_to_conf``).
    relapse_associated : float
        A worsening whose onset is at most this many days after a relapse is
        relapse-associated (``relapse_assoc``).
    pira_window : (float, float)
        PIRA needs no relapse from this many days before to this many after
        the onset and the confirmation (``relapse_indep``).

    Examples
    --------
    >>> EventRules(confirm_days=168).weeks
    24
    """

    direction: str = "worsening"
    confirm_days: float = 84
    tolerance_days: tuple[float, float] = (7, 730.5)
    baseline: str = "fixed"
    check_intermediate: bool = True
    relapse_to_baseline: float = 30
    relapse_to_event: float = 0
    relapse_to_confirmation: float = 30
    relapse_associated: float = 90
    pira_window: tuple[float, float] = (90, 30)

    def __post_init__(self) -> None:
        if self.direction not in ("worsening", "improvement"):
            raise ValueError("`direction` must be 'worsening' or 'improvement'")
        if self.baseline not in ("fixed", "roving"):
            raise ValueError("`baseline` must be 'fixed' or 'roving'")
        object.__setattr__(self, "tolerance_days", tuple(float(t) for t in self.tolerance_days))
        object.__setattr__(self, "pira_window", tuple(float(t) for t in self.pira_window))

    @property
    def weeks(self) -> int:
        """The confirmation period in weeks (rounded)."""
        return int(round(self.confirm_days / 7))

    @property
    def window(self) -> tuple[float, float]:
        """Days after onset in which a confirmation visit counts."""
        return (self.confirm_days - self.tolerance_days[0],
                self.confirm_days + self.tolerance_days[1])


def event_outcomes(trial: Trial) -> list[str]:
    """Outcomes of ``trial`` with a confirmed-event definition, the usual first.

    EDSS-Plus when at least two of its components are present, then EDSS,
    T25FW, NHPT, SDMT and any other outcome with a meaningful-change rule.

    Examples
    --------
    >>> import msc_dash
    >>> event_outcomes(msc_dash.load_sample("two_arm"))[:5]
    ['EDSS_PLUS', 'EDSS', 'T25FW', 'NHPT', 'SDMT']
    """
    present = set(trial.outcomes)
    first = [c for c in (EDSS_PLUS, "EDSS", "T25FW", "NHPT", "SDMT") if c in present
             or (c == EDSS_PLUS and len(present & set(EDSS_PLUS_COMPONENTS)) >= 2)]
    return first + [c for c in trial.outcomes if c not in first
                    and trial.outcome(c).meaningful_change is not None]


class _Subject:
    """One subject's assessments of one outcome and its relapses, with the scan."""

    def __init__(self, visits, days, values, relapses, out: Outcome, rules: EventRules):
        self.visits, self.days, self.v = list(visits), np.asarray(days, float), \
            np.asarray(values, float)
        first = self.days[0]
        rel = np.asarray(sorted(relapses), float)
        self.rel = rel[rel >= first - rules.relapse_to_baseline]
        diff = self.days[:, None] - self.rel[None, :]  # visit minus relapse
        before = np.where(diff >= 0, diff, np.inf)
        self.since_relapse = before.min(axis=1) if self.rel.size else np.full(len(days), np.inf)
        self.out, self.rules = out, rules
        self.unconfirmed: int | None = None  # first unconfirmed change in the direction
        self.sign = -out.sign  # +1 where a higher value is worse

    def delta(self, ref: float) -> float:
        return float(self.out.meaningful_change.thresholds(np.array([ref]))[0]) - _TOL

    def moved(self, i: int, ref: float, kind: str) -> bool:
        """Visit ``i`` worsened (``"wors"``) or improved (``"impr"``) from ``ref``."""
        step = self.sign * (self.v[i] - ref)
        return bool(step >= self.delta(ref) if kind == "wors" else -step >= self.delta(ref))

    def confirmations(self, onset: int) -> tuple[list[int], list[int]]:
        """Visits in the confirmation window: valid ones, and those lost to a relapse."""
        lo, hi = self.rules.window
        window = [x for x in range(onset + 1, len(self.days))
                  if lo - _TOL <= self.days[x] - self.days[onset] <= hi + _TOL]
        valid = [x for x in window if self.since_relapse[x] >= self.rules.relapse_to_confirmation]
        return valid, [x for x in window if x not in valid]

    def confirmed(self, onset: int, conf: list[int], ref: float, kind: str) -> int | None:
        """The first visit where the change does not hold (None: confirmed)."""
        if not self.moved(onset, ref, kind):
            return onset
        span = range(onset + 1, conf[0] + 1) if self.rules.check_intermediate else [conf[0]]
        return next((x for x in span if not self.moved(x, ref, kind)), None)

    def scan(self) -> dict:
        """Run the msprog scan; the first confirmed event in the requested direction."""
        r, n = self.rules, len(self.days)
        want = "wors" if r.direction == "worsening" else "impr"
        bl, search, note = 0, 1, ""
        while True:
            while bl < n and self.since_relapse[bl] < r.relapse_to_baseline:
                bl += 1
            if bl > n - 2:
                few = n < 2 or bl >= n
                return {"bl": min(bl, n - 1), "note": note or ("too few assessments" if few
                                                               else "")}
            search = max(search, bl + 1)
            ref = self.v[bl]
            change = next((x for x in range(search, n)
                           if (self.moved(x, ref, "wors") or self.moved(x, ref, "impr"))
                           and self.since_relapse[x] >= r.relapse_to_event), None)
            if change is None:
                return {"bl": bl, "note": note}
            conf, lost = self.confirmations(change)
            kind = "wors" if self.moved(change, ref, "wors") else "impr"
            failed = self.confirmed(change, conf, ref, kind) if conf else change
            if conf and failed is None:
                if kind == want:
                    return {"bl": bl, "onset": change, "conf": conf, "ref": ref, "note": ""}
                if r.baseline == "roving":
                    bl = conf[0]
                search = conf[0] + 1
                continue
            if kind == want and not note:
                note = self._why(change, ref, conf, lost, failed)
                self.unconfirmed = change
            search = change + 1

    def _why(self, onset, ref, conf, lost, failed) -> str:
        word = "Worsened" if self.rules.direction == "worsening" else "Improved"
        head = (f"{word} at {self.visits[onset]} (day {self.days[onset]:g}: "
                f"{self.v[onset]:g} from {ref:g}) but not confirmed: ")
        lo, hi = self.rules.window
        if conf:
            return head + (f"{self.v[failed]:g} at {self.visits[failed]} "
                           f"(day {self.days[failed]:g}) no longer meets the change.")
        if lost:
            return head + (f"the visits {lo:g}-{hi:g} days later are within "
                           f"{self.rules.relapse_to_confirmation:g} days after a relapse.")
        return head + f"no visit {lo:g} to {hi:g} days later."

    def relapse_type(self, onset: int, conf: list[int], ref: float) -> tuple[bool, bool]:
        """(pira, raw) of a confirmed worsening, as msprog classifies it."""
        r, rel = self.rules, self.rel
        if self.since_relapse[onset] <= r.relapse_associated or np.any(rel == self.days[onset]):
            return False, True
        nonsust = next((x for x in range(conf[0] + 1, len(self.days))
                        if not self.moved(x, ref, "wors")), None)
        kept = [c for c in conf if nonsust is None or c < nonsust]
        before, after = r.pira_window

        def near(t: float) -> bool:
            return bool(np.any((rel >= t - before) & (rel <= t + after)))

        pira = any(not near(self.days[onset]) and not near(self.days[c]) for c in kept)
        return pira, False


def _relapse_days(trial: Trial, relapses) -> dict | None:
    if relapses is None:
        relapses = getattr(trial, "relapses", None)
        if relapses is None or not len(relapses):
            return None
    if not {"subject_id", "onset_day"} <= set(relapses.columns):
        raise TrialDataError("relapses: the table needs columns `subject_id` and `onset_day`.")
    rel = relapses.dropna(subset=["onset_day"])
    days = pd.to_numeric(rel["onset_day"]).to_numpy(float)
    return pd.Series(days).groupby(rel["subject_id"].astype(str).to_numpy()).agg(list).to_dict()


def _one_outcome(trial: Trial, code: str, rules: EventRules, relapses: dict | None):
    out = trial.outcome(code)
    if out.meaningful_change is None:
        raise TrialDataError(f"{code} has no meaningful-change rule, so confirmed events "
                             "cannot be defined; choose EDSS, T25FW, NHPT, SDMT or EDSS_PLUS.")
    m = trial.measurements
    m = m[(m["outcome"] == code) & m["value"].notna() & m["day"].notna()]
    m = m.sort_values(["subject_id", "day"], kind="stable")
    m = m.drop_duplicates(["subject_id", "day"], keep="last")  # msprog keeps the last
    arm = trial.subjects.set_index("subject_id")["arm"]
    rows = []
    groups = dict(tuple(m.groupby("subject_id", sort=False)))
    for sid in trial.subjects["subject_id"]:
        g = groups.get(sid)
        row = dict.fromkeys(EVENT_COLUMNS, np.nan) | {
            "subject_id": sid, "arm": arm[sid], "component": code, "has_event": False,
            "event": 0, "note": f"no {code} assessment"}
        if relapses is not None and rules.direction == "worsening":
            row |= {"pira": False, "raw": False}
        if g is not None:
            row |= _subject_row(g, relapses, out, rules)
        rows.append(row)
    return _typed(pd.DataFrame(rows))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    kinds = {c: float for c in ("baseline_day", "baseline_value", "onset_day", "onset_value",
                                "confirm_day", "confirm_value", "time", "unconfirmed_day")}
    kinds |= {"has_event": bool, "event": int}
    kinds |= {c: bool for c in ("pira", "raw") if c in frame}
    return frame.astype(kinds)


def _subject_row(g: pd.DataFrame, relapses, out: Outcome, rules: EventRules) -> dict:
    rel = (relapses or {}).get(g["subject_id"].iloc[0], [])
    s = _Subject(g["visit"], g["day"], g["value"], rel, out, rules)
    res = s.scan()
    bl = res["bl"]
    row = {"baseline_day": s.days[bl], "baseline_value": s.v[bl], "time": s.days[-1],
           "note": res["note"] or f"no confirmed {rules.direction}",
           "unconfirmed_day": np.nan if s.unconfirmed is None else s.days[s.unconfirmed]}
    if "onset" not in res:
        return row
    i, c = res["onset"], res["conf"][0]
    row |= {"has_event": True, "event": 1, "onset_visit": s.visits[i], "onset_day": s.days[i],
            "onset_value": s.v[i], "confirm_visit": s.visits[c], "confirm_day": s.days[c],
            "confirm_value": s.v[c], "time": s.days[i],
            "note": f"confirmed at {s.visits[c]} (day {s.days[c]:g})"}
    if relapses is not None and rules.direction == "worsening":
        row["pira"], row["raw"] = s.relapse_type(i, res["conf"], res["ref"])
    return row


def confirmed_events(trial: Trial, outcome: str, *, direction: str = "worsening",
                     confirm_days: float = 84, tolerance_days=(7, 730.5),
                     baseline: str = "fixed", check_intermediate: bool = True,
                     relapses: pd.DataFrame | None = None, **relapse_rules) -> pd.DataFrame:
    """The first confirmed worsening (or improvement) of each subject.

    Parameters
    ----------
    trial : Trial
    outcome : str
        An outcome code with a meaningful-change rule, or ``"EDSS_PLUS"``: the
        first confirmed event on any of EDSS, T25FW and NHPT present.
    direction, confirm_days, tolerance_days, baseline, check_intermediate
        See :class:`EventRules`.
    relapses : DataFrame, optional
        ``subject_id, onset_day``; defaults to the trial's ``relapses`` table
        when it has one.
    **relapse_rules
        ``relapse_to_baseline``, ``relapse_to_event``, ``relapse_to_confirmation``,
        ``relapse_associated``, ``pira_window`` (:class:`EventRules`).

    Returns
    -------
    DataFrame
        One row per subject: :data:`EVENT_COLUMNS` (``component`` is the
        outcome that gave the event; ``time`` is the onset day, or the last
        assessment day when censored; ``unconfirmed_day`` is the first change
        in the direction that was not confirmed; ``note`` says why), plus
        ``pira`` and ``raw`` for worsening with relapses.

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash import Trial
    >>> m = pd.DataFrame({"subject_id": "a", "visit": ["BL", "M3", "M6", "M9"],
    ...                   "day": [0, 91, 182, 273], "outcome": "EDSS",
    ...                   "value": [4.0, 5.0, 4.0, 5.0]})
    >>> t = Trial.from_tables(pd.DataFrame({"subject_id": ["a"]}), m)
    >>> e = confirmed_events(t, "EDSS")
    >>> print(e.has_event[0], e.time[0], e.note[0])
    False 273.0 Worsened at M3 (day 91: 5 from 4) but not confirmed: 4 at M6 (day 182) no longer meets the change.
    >>> m.loc[2, "value"] = 5.0
    >>> e = confirmed_events(Trial.from_tables(pd.DataFrame({"subject_id": ["a"]}), m), "EDSS")
    >>> print(e.onset_visit[0], e.confirm_visit[0], e.time[0], e.event[0])
    M3 M6 91.0 1
    """
    rules = EventRules(direction, confirm_days, tuple(tolerance_days), baseline,
                       check_intermediate, **relapse_rules)
    rel = _relapse_days(trial, relapses)
    if outcome != EDSS_PLUS:
        return _one_outcome(trial, outcome, rules, rel)
    parts = [c for c in EDSS_PLUS_COMPONENTS if c in trial.outcomes]
    if not parts:
        raise TrialDataError("EDSS-Plus needs at least one of EDSS, T25FW and NHPT.")
    frames = [_one_outcome(trial, c, rules, rel) for c in parts]
    return _composite(frames)


def _composite(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The earliest event over components (ties: EDSS, then T25FW, NHPT)."""
    rows = []
    for i in range(len(frames[0])):
        cand = [f.iloc[i] for f in frames]
        hits = [c for c in cand if c["has_event"]]
        if hits:
            row = min(hits, key=lambda c: c["onset_day"]).copy()
            row["note"] = f"{row['component']} {row['note']}"
        else:
            seen = [c for c in cand if np.isfinite(c["time"])]
            row = cand[0].copy()
            for col in ("baseline_day", "baseline_value"):
                row[col] = np.nan
            row["component"] = ""
            row["time"] = max((c["time"] for c in seen), default=np.nan)
            row["unconfirmed_day"] = min((c["unconfirmed_day"] for c in cand
                                          if np.isfinite(c["unconfirmed_day"])), default=np.nan)
            said = [c for c in cand if not str(c["note"]).startswith(("no confirmed", "no "))]
            row["note"] = ("; ".join(f"{c['component']}: {c['note']}" for c in said)
                           or str(cand[0]["note"]))
        rows.append(row)
    return _typed(pd.DataFrame(rows).reset_index(drop=True))
