"""Treatment periods of a crossover trial: the optional ``periods`` table.

A period is one row ``subject_id, period, treatment, start_day, end_day``. The
table comes from ``periods.csv`` (or a sheet ``periods``), from the ADaM ADSL
variables ``TRTxxA``/``TRTxxP`` with ``APxxSDT``/``APxxEDT`` (or
``TRxxSDT``/``TRxxEDT``), or is derived from a ``sequence`` subject column such
as ``MSC-Sham`` plus the injection or measurement days.

Periods of one subject may touch (period 1 ending on the day period 2 starts:
the crossover visit ends one period and is the baseline of the next) but not
overlap. A measurement belongs to the period with ``start_day < day <=
end_day`` (the first period also takes its start day), an adverse event to the
period with ``start_day <= onset_day < end_day`` (the last period also takes
its end day): an event on the crossover day follows the new period's injection.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .errors import TrialDataError

__all__ = ["COLUMNS", "TEMPLATE", "check", "from_sequence", "from_adsl", "assign",
           "sequences", "attach"]

COLUMNS = ("subject_id", "period", "treatment", "start_day", "end_day")

#: CSV template for the Data page.
TEMPLATE = ("subject_id,period,treatment,start_day,end_day\n"
            "P01,1,MSC,0,182\nP01,2,Sham,182,365\n"
            "P02,1,Sham,0,180\nP02,2,MSC,180,366\n")

_SEPARATORS = ("->", "\u2192", ">", "/", ";", ",", "-")


def _rows(index, limit: int = 3) -> str:
    rows = [str(i) for i in list(index)[:limit]]
    more = len(index) - len(rows)
    return ("row " if len(index) == 1 else "rows ") + ", ".join(rows) + (
        f" and {more} more" if more > 0 else "")


def _number(df: pd.DataFrame, col: str, label: str) -> pd.Series:
    raw = df[col]
    num = pd.to_numeric(raw, errors="coerce")
    bad = num.isna() & raw.notna()
    if bad.any():
        raise TrialDataError(
            f"{label}: column `{col}` has `{raw[bad].iloc[0]}` in {_rows(df.index[bad])}, "
            "not a number of days. Give days since baseline (day 0).")
    if num.isna().any():
        raise TrialDataError(f"{label}: column `{col}` is empty in "
                             f"{_rows(df.index[num.isna()])}. Fill it in.")
    return num.astype(float)


def check(df: pd.DataFrame, label: str, warnings: list[str],
          subject_ids=None) -> pd.DataFrame:
    """Validate a periods table; return it with typed columns, sorted.

    Raises :class:`~msc_dash.errors.TrialDataError` for missing columns, a day
    that is not a number, a period ending before it starts, a period number
    given twice, overlapping periods of one subject (naming the subject),
    treatment names differing only in case, fewer than two treatments, or a
    subject missing from ``subject_ids``; gaps between periods are warnings.

    Examples
    --------
    >>> p = pd.DataFrame({"subject_id": ["a", "a"], "period": ["1", "2"],
    ...                   "treatment": ["MSC", "Sham"], "start_day": ["0", "170"],
    ...                   "end_day": ["182", "365"]}, index=[2, 3])
    >>> check(p, "periods.csv", [])
    Traceback (most recent call last):
    ...
    msc_dash.errors.TrialDataError: periods.csv: subject `a` has overlapping periods: period 2 starts on day 170, before period 1 ends on day 182 (rows 2, 3). Make period 2 start on or after day 182.
    """
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise TrialDataError(
            f"{label}: required column " + ", ".join(f"`{c}`" for c in missing)
            + " missing from the periods table; it needs " + ", ".join(
                f"`{c}`" for c in COLUMNS) + " (see the template on the Data page).")
    df = df[list(COLUMNS)].copy()
    for col in ("subject_id", "treatment"):
        empty = df[col].isna() | (df[col].astype(str).str.strip() == "")
        if empty.any():
            raise TrialDataError(f"{label}: column `{col}` is empty in "
                                 f"{_rows(df.index[empty])}. Fill it in.")
        df[col] = df[col].astype(str).str.strip()
    df["subject_id"] = df["subject_id"].str.replace(r"^(\d+)\.0$", r"\1", regex=True)
    period = _number(df, "period", label)
    if ((period % 1 != 0) | (period < 1)).any():
        bad = (period % 1 != 0) | (period < 1)
        raise TrialDataError(f"{label}: `period` must be 1, 2, 3... ({_rows(df.index[bad])}).")
    df["period"] = period.astype(int)
    df["start_day"] = _number(df, "start_day", label)
    df["end_day"] = _number(df, "end_day", label)
    back = df["end_day"] < df["start_day"]
    if back.any():
        r = df[back].iloc[0]
        raise TrialDataError(
            f"{label}: subject `{r['subject_id']}` period {r['period']} ends on day "
            f"{r['end_day']:g}, before it starts (day {r['start_day']:g}; "
            f"{_rows(df.index[back])}). Swap `start_day` and `end_day`.")
    _check_names(df, label)
    _check_order(df, label, warnings)
    if subject_ids is not None:
        stray = ~df["subject_id"].isin(set(subject_ids))
        if stray.any():
            raise TrialDataError(
                f"{label}: subject `{df.loc[stray, 'subject_id'].iloc[0]}` "
                f"({_rows(df.index[stray])}) is not in the subjects table. Add the subject "
                "there or correct the `subject_id`.")
    return df.sort_values(["subject_id", "period"], kind="stable")


def _check_names(df: pd.DataFrame, label: str) -> None:
    names = pd.unique(df["treatment"])
    folded: dict[str, str] = {}
    for name in names:
        key = re.sub(r"\s+", " ", name).casefold()
        if key in folded and folded[key] != name:
            raise TrialDataError(
                f"{label}: treatments `{folded[key]}` and `{name}` differ only in case or "
                "spacing; spell each treatment one way.")
        folded[key] = name
    if len(names) < 2:
        raise TrialDataError(
            f"{label}: every period has the treatment `{names[0]}`; a crossover needs two "
            "treatments (e.g. MSC and Sham) in the `treatment` column.")


def _check_order(df: pd.DataFrame, label: str, warnings: list[str]) -> None:
    dup = df.duplicated(["subject_id", "period"], keep=False)
    if dup.any():
        r = df[dup].iloc[0]
        raise TrialDataError(
            f"{label}: subject `{r['subject_id']}` has period {r['period']} twice "
            f"({_rows(df.index[dup])}); give each period one row.")
    s = df.sort_values(["subject_id", "period"], kind="stable")
    same = s["subject_id"].eq(s["subject_id"].shift())
    prev_end = s["end_day"].shift()
    overlap = same & (s["start_day"] < prev_end)
    if overlap.any():
        i = s.index[overlap][0]
        pos = s.index.get_loc(i)
        prev = s.iloc[pos - 1]
        r = s.loc[i]
        raise TrialDataError(
            f"{label}: subject `{r['subject_id']}` has overlapping periods: period "
            f"{r['period']} starts on day {r['start_day']:g}, before period {prev['period']} "
            f"ends on day {prev['end_day']:g} ({_rows([s.index[pos - 1], i])}). Make period "
            f"{r['period']} start on or after day {prev['end_day']:g}.")
    _warn_some(warnings, label, s, same & (s["start_day"] > prev_end), lambda n, r: (
        f"{n} period(s) start after the previous one ended (a gap or washout), e.g. subject "
        f"`{r['subject_id']}` period {r['period']}; days in a gap belong to no period."))


def _warn_some(warnings: list[str], label: str, frame: pd.DataFrame, mask: pd.Series,
               message) -> None:
    """Warn once about the rows of ``frame`` where ``mask`` holds: ``message(n, first row)``."""
    if mask.any():
        warnings.append(f"{label}: " + message(int(mask.sum()), frame[mask].iloc[0]))


def _split(sequence: str) -> list[str]:
    text = str(sequence).strip()
    for sep in _SEPARATORS:
        if sep in text:
            return [p.strip() for p in text.split(sep) if p.strip()]
    return [text] if text else []


def from_sequence(subjects: pd.DataFrame, measurements: pd.DataFrame,
                  injections: pd.DataFrame | None, warnings: list[str]) -> pd.DataFrame | None:
    """Periods derived from a ``sequence`` subject column such as ``MSC-Sham``.

    Period k of a subject with k injections starts at injection k; otherwise the
    crossovers are at the visits nearest to equal fractions of the schedule (the
    visit nearest the middle for two periods). Returns None without a usable
    ``sequence`` column.

    Examples
    --------
    >>> s = pd.DataFrame({"subject_id": ["a", "b"], "sequence": ["MSC-Sham", "Sham-MSC"]})
    >>> m = pd.DataFrame({"subject_id": list("aaabbb"), "visit": ["M0", "M6", "M12"] * 2,
    ...                   "day": [0, 182, 365, 0, 180, 366], "outcome": "EDSS", "value": 6.0})
    >>> from_sequence(s, m, None, []).to_numpy().tolist()
    [['a', 1, 'MSC', 0.0, 182.0], ['a', 2, 'Sham', 182.0, 365.0], ['b', 1, 'Sham', 0.0, 180.0], ['b', 2, 'MSC', 180.0, 366.0]]
    """
    if "sequence" not in subjects or subjects["sequence"].isna().all():
        return None
    seqs = subjects.set_index("subject_id")["sequence"].dropna().map(_split)
    seqs = seqs[seqs.map(len) >= 2]
    if seqs.empty or measurements.empty:
        return None
    meas = measurements.copy()
    meas["day"] = pd.to_numeric(meas["day"], errors="coerce")
    visit_day = meas.groupby("visit")["day"].median().sort_values()
    last = float(visit_day.iloc[-1])
    inj_days = {}
    if injections is not None and len(injections):
        inj = injections.copy()
        inj["day"] = pd.to_numeric(inj["day"], errors="coerce")
        inj["injection_number"] = pd.to_numeric(inj["injection_number"], errors="coerce")
        inj_days = {sid: g.sort_values("injection_number")["day"].tolist()
                    for sid, g in inj.groupby("subject_id")}
    rows, used = [], set()
    for sid, treatments in seqs.items():
        k = len(treatments)
        own = meas[meas["subject_id"] == sid].groupby("visit")["day"].min()
        if len(inj_days.get(sid, ())) == k:
            starts = [float(d) for d in inj_days[sid]]
            used.add("injections")
        else:
            targets = [last * j / k for j in range(1, k)]
            cross = [visit_day.index[int(np.argmin(np.abs(visit_day.to_numpy() - t)))]
                     for t in targets]
            starts = [0.0] + [float(own.get(v, visit_day[v])) for v in cross]
            used.add("visits " + ", ".join(f"`{v}`" for v in cross))
        starts[0] = min(float(own.min()) if len(own) else 0.0, starts[0])
        end_last = max(float(own.max()) if len(own) else last, starts[-1])
        ends = starts[1:] + [end_last]
        for p, (trt, a, b) in enumerate(zip(treatments, starts, ends, strict=True), 1):
            rows.append((str(sid), p, trt, float(a), float(b)))
    how = " and ".join(sorted(used))
    warnings.append(f"Periods were derived from the `sequence` column, crossing over at "
                    f"the {how}. Upload a periods table to set them exactly.")
    return pd.DataFrame(rows, columns=list(COLUMNS))


def from_adsl(adsl: pd.DataFrame) -> pd.DataFrame | None:
    """Periods from ADaM ADSL ``TRTxxA``/``TRTxxP`` and ``APxxSDT``/``TRxxSDT`` dates.

    Days are counted from ``TRTSDT`` (SAS dates are days since 1960-01-01), as
    the measurement days are. Returns None when fewer than two periods are given.

    Examples
    --------
    >>> adsl = pd.DataFrame({"USUBJID": ["1"], "TRTSDT": ["100"], "TRT01A": ["MSC"],
    ...     "TRT02A": ["Sham"], "AP01SDT": ["100"], "AP01EDT": ["282"],
    ...     "AP02SDT": ["282"], "AP02EDT": ["465"]})
    >>> from_adsl(adsl).to_numpy().tolist()
    [['1', '1', 'MSC', 0.0, 182.0], ['1', '2', 'Sham', 182.0, 365.0]]
    """
    cols = set(adsl.columns)
    found = []
    for col in sorted(cols):
        m = re.fullmatch(r"TRT(\d\d)[AP]", col)
        if m and m.group(1) not in found:
            found.append(m.group(1))
    if len(found) < 2 or "TRTSDT" not in cols:
        return None
    ref = pd.to_numeric(adsl["TRTSDT"], errors="coerce")
    parts = []
    for xx in found:
        trt = f"TRT{xx}A" if f"TRT{xx}A" in cols else f"TRT{xx}P"
        start = next((c for c in (f"AP{xx}SDT", f"TR{xx}SDT") if c in cols), None)
        end = next((c for c in (f"AP{xx}EDT", f"TR{xx}EDT") if c in cols), None)
        if start is None or end is None:
            return None
        parts.append(pd.DataFrame({
            "subject_id": adsl["USUBJID"], "period": str(int(xx)), "treatment": adsl[trt],
            "start_day": (pd.to_numeric(adsl[start], errors="coerce") - ref).astype(float),
            "end_day": (pd.to_numeric(adsl[end], errors="coerce") - ref).astype(float)}))
    out = pd.concat(parts, ignore_index=True).dropna(subset=["treatment", "start_day"])
    return out.sort_values(["subject_id", "period"], kind="stable").reset_index(drop=True)


def assign(frame: pd.DataFrame, periods: pd.DataFrame, day: str = "day", *,
           events: bool = False) -> pd.DataFrame:
    """``period`` and ``treatment`` of each row of ``frame`` (NaN outside every period).

    Measurements take ``start < day <= end`` (the first period its start day
    too); with ``events=True``, ``start <= day < end`` (the last period its end).

    Examples
    --------
    >>> p = pd.DataFrame({"subject_id": ["a", "a"], "period": [1, 2],
    ...                   "treatment": ["MSC", "Sham"], "start_day": [0.0, 182.0],
    ...                   "end_day": [182.0, 365.0]})
    >>> m = pd.DataFrame({"subject_id": ["a"] * 4, "day": [0, 182, 300, 400]})
    >>> assign(m, p)["treatment"].tolist()
    ['MSC', 'MSC', 'Sham', nan]
    >>> assign(m, p, events=True)["period"].tolist()
    [1.0, 2.0, 2.0, nan]
    """
    out = pd.DataFrame({"period": np.nan, "treatment": pd.Series(np.nan, dtype=object)},
                       index=frame.index)
    if periods is None or periods.empty or frame.empty:
        return out
    days = pd.to_numeric(frame[day], errors="coerce")
    first = periods.groupby("subject_id")["period"].transform("min") == periods["period"]
    last = periods.groupby("subject_id")["period"].transform("max") == periods["period"]
    sid = frame["subject_id"].astype(str)
    for row, is_first, is_last in zip(periods.itertuples(index=False), first, last,
                                      strict=True):
        mine = sid == row.subject_id
        if events:
            hit = (days >= row.start_day) & ((days < row.end_day)
                                             | (is_last & (days == row.end_day)))
        else:
            hit = (days <= row.end_day) & ((days > row.start_day)
                                           | (is_first & (days == row.start_day)))
        hit &= mine & out["period"].isna()
        out.loc[hit, "period"] = row.period
        out.loc[hit, "treatment"] = row.treatment
    return out


def sequences(periods: pd.DataFrame) -> pd.Series:
    """Each subject's treatment sequence, e.g. ``MSC-Sham``, indexed by subject.

    Examples
    --------
    >>> p = pd.DataFrame({"subject_id": ["a", "a"], "period": [2, 1],
    ...                   "treatment": ["Sham", "MSC"]})
    >>> sequences(p).to_dict()
    {'a': 'MSC-Sham'}
    """
    s = periods.sort_values(["subject_id", "period"], kind="stable")
    return s.groupby("subject_id", sort=True)["treatment"].agg("-".join).rename("sequence")


def attach(out: dict, tables: dict, warnings: list[str]) -> None:
    """Validate or derive ``out["periods"]`` for the loader and label the visits.

    ``tables`` holds ``{name: (label, raw frame)}``; ``out`` the checked tables.
    Adds a ``sequence`` subject column when the periods give one and warns about
    measurements outside every period.
    """
    subjects = out["subjects"]
    if "periods" in tables:
        label, raw = tables["periods"]
        periods = check(raw, label, warnings, subjects["subject_id"])
    else:
        derived = from_sequence(subjects, out["measurements"], out.get("injections"),
                                warnings)
        if derived is None:
            return
        label = "the `sequence` column"
        periods = check(derived, label, warnings, subjects["subject_id"])
    out["periods"] = periods.reset_index(drop=True)
    if "sequence" not in subjects:
        out["subjects"] = subjects.assign(
            sequence=subjects["subject_id"].map(sequences(periods)))
    meas = out["measurements"]
    where = assign(meas, periods)
    has = meas["subject_id"].astype(str).isin(set(periods["subject_id"]))
    _warn_some(warnings, label, meas, where["period"].isna() & has, lambda n, ex: (
        f"{n} measurement(s) fall outside every period of their subject (e.g. "
        f"`{ex['subject_id']}` {ex['visit']}, day {ex['day']}); the crossover analysis "
        "leaves them out."))
