"""The table checks. Every problem is collected as a
:class:`~msc_dash.errors.Problem` (through :class:`~msc_dash.io.problems.Problems`),
and :func:`_validate` raises one :class:`~msc_dash.errors.TrialDataError` holding all.
"""

from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from .. import periods as _periods
from ..errors import Problem, TrialDataError
from ..mapping import (
    exact_target,
    outcome_target,
)
from ..outcomes import REGISTRY
from ..trial import TABLES
from . import limits, textcols
from .cells import _NUMBER, _cell, _objects
from .derived import msfc_rows, nhpt_from_hands
from .limits import MAX_DAY, MAX_SAFE_INTEGER, VISIT_WINDOW_DAYS
from .problems import MissingColumnsError, Problems, _count, _fail, _rows, _verb, problem

_TRUE = {"true", "t", "yes", "y", "1", "1.0"}

_FALSE = {"false", "f", "no", "n", "0", "0.0"}

SEVERITIES = ("mild", "moderate", "severe", "life-threatening", "fatal")

RELATEDNESS = ("not related", "unlikely", "possible", "probable", "definite")


def _require(df: pd.DataFrame, table: str, label: str, required=None) -> None:
    required = required or TABLES[table][0]
    missing = [c for c in required if c not in df.columns]
    if not missing:
        return
    col = missing[0]
    found = [str(c) for c in df.columns]
    others = [c for c in found if c not in TABLES[table][0]]
    close = difflib.get_close_matches(col, others, n=1, cutoff=0.6)
    if close:
        fix = (f"found `{close[0]}` — did you mean `{col}`? Rename `{close[0]}` to `{col}` "
               "(or map it in the column-mapping step).")
    else:
        fix = ("found columns: " + ", ".join(f"`{c}`" for c in found[:12])
               + (" ..." if len(found) > 12 else "")
               + f". Add a column `{col}` or map one of yours to it.")
    also = ""
    if len(missing) > 1:
        also = " Also missing: " + ", ".join(f"`{c}`" for c in missing[1:]) + "."
    fix = (f"{fix}{also} The {table.replace('_', ' ')} table needs the columns "
           + ", ".join(f"`{c}`" for c in required) + ".")
    raise MissingColumnsError("", found, label, problems=[problem(
        "missing_column", label, f"required column `{col}` is missing;", fix, column=col)])


def _numbers(df: pd.DataFrame, col: str, label: str, *, integer=False, date_hint=False):
    """``df[col]`` as floats; text, dates and overflow raise a TrialDataError.

    The error holds one problem per kind of bad cell; :func:`_numbers_lazy`
    records them and goes on with those cells empty.
    """
    num, found = _numbers_lazy(df, col, label, integer=integer, date_hint=date_hint)
    if found:
        raise TrialDataError(problems=found)
    return num


def _numbers_lazy(df, col, label, *, integer=False, date_hint=False):
    """(numbers with the bad cells as NaN, problems)."""
    raw = df[col]
    if isinstance(raw.dtype, np.dtype) and raw.dtype.kind in "iuf":
        num = raw.astype(float)  # number cells kept from Parquet or SAS
    else:
        num = textcols.numbers(raw)
    found: list[Problem] = []
    bad = num.isna() & raw.notna()
    if bad.any():
        found.append(_text_problem(raw[bad], col, label, date_hint))
    huge = ~np.isfinite(num) & num.notna() | (num.abs() > 1e12)
    if huge.any():
        found.append(problem("too_large", label, f"column `{col}` has numbers too large to be "
                             f"real ({_rows(num[huge].index)}: `{_shown(raw[huge].iloc[0])}`).",
                             "Check for a merged cell, an ID or a typo.",
                             column=col, rows=num.index[huge]))
        num = num.mask(huge)
    if date_hint:
        far = num.abs() > MAX_DAY
        if far.any():
            found.append(problem(
                "date_as_number", label, f"column `{col}` has {_rows(num[far].index)} more "
                f"than 20 years from baseline (`{_shown(raw[far].iloc[0])}`): this looks like a date "
                "stored as a number.", f"`{col}` must be days since the subject's baseline "
                "(0 at baseline).", column=col, rows=num.index[far]))
            num = num.mask(far)
    if integer:
        frac = num.notna() & (num != np.round(num))
        if frac.any():
            found.append(problem(
                "not_whole", label, f"column `{col}` must hold whole numbers; "
                f"{_rows(num[frac].index)} {_verb(num[frac].index, 'does', 'do')} not "
                f"(`{_shown(raw[frac].iloc[0])}`).", column=col, rows=num.index[frac]))
            num = num.mask(frac)
    return num, found


def _shown(v) -> str:
    """A cell as the user wrote it (number cells as :func:`.cells._cell` writes them)."""
    return v if isinstance(v, str) else _cell(v)


def _by_unique(series: pd.Series, func) -> np.ndarray:
    """``series.map(func)`` as an object array, calling ``func`` once per distinct value.

    Missing cells (None or NaN) give ``func(None)``.
    """
    codes, uniques = pd.factorize(series)
    return np.array([func(u) for u in uniques] + [func(None)], dtype=object).take(codes)


def _text_problem(rows: pd.Series, col: str, label: str, date_hint: bool) -> Problem:
    first = str(rows.iloc[0])
    where = dict(column=col, rows=rows.index)
    if re.match(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", first):
        text = f"column `{col}` holds dates ({_rows(rows.index)}: `{first}`)"
        if date_hint:
            return problem("date", label, f"{text}.", f"`{col}` must be the number of days "
                           "since the subject's baseline (0 at baseline): subtract the "
                           "baseline date from each date.", **where)
        return problem("date", label, f"{text} where numbers are expected.", **where)
    examples = ", ".join(f"`{v}`" for v in pd.unique(rows)[:3])
    return problem("not_numeric", label, f"column `{col}` must hold numbers, but "
                   f"{_rows(rows.index)} {_verb(rows.index, 'holds', 'hold')} text "
                   f"({examples}).", "Use plain numbers (decimal point, no units); leave "
                   "a cell empty when the value is missing.", **where)


def _tidy_number(num: pd.Series) -> pd.Series:
    """Whole numbers without gaps as int64, the rest float64 (stable fingerprints)."""
    if (num.notna().all() and (num == np.round(num)).all()
            and (num.abs() <= MAX_SAFE_INTEGER).all()):
        return num.astype("int64")
    return num.astype("float64")


def _auto(series: pd.Series) -> pd.Series:
    """An optional column: numeric when every value is a number, else text.

    Whole numbers beyond 2^53 (identifiers such as ``12345678901234567890``)
    cannot be held exactly as numbers, so such a column stays text.

    Examples
    --------
    >>> _auto(pd.Series(["12345678901234567890", "7"])).tolist()
    ['12345678901234567890', '7']
    >>> _auto(pd.Series(["41", "55"])).tolist()
    [41, 55]
    """
    s = series.dropna()
    if len(s) and _by_unique(s, lambda v: bool(_NUMBER.match(str(v)))).all():
        num = pd.to_numeric(series, errors="coerce").astype(float)
        whole = _by_unique(s, lambda v: bool(re.match(r"^[+-]?\d+$", str(v).strip())))
        if not (num.loc[s.index[whole.astype(bool)]].abs() > MAX_SAFE_INTEGER).any():
            return _tidy_number(num)
    return series.astype("str")


def _no_missing(df: pd.DataFrame, cols, label: str) -> None:
    found = [problem("empty_cell", label, f"column `{col}` is empty in "
                     f"{_rows(df.index[df[col].isna()])}.", "Fill it in, or delete those rows.",
                     column=col, rows=df.index[df[col].isna()])
             for col in cols if df[col].isna().any()]
    if found:
        raise TrialDataError(problems=found)


_FLOAT_ID = re.compile(r"^\d+\.0$")


def _id_text(v):
    """``"101.0"`` (an ID of a number column read as float) as ``"101"``; else ``v``."""
    if isinstance(v, str) and v.endswith((".0", ".0\n")) and _FLOAT_ID.match(v):
        return v[:-2]
    return v


def _ids(series: pd.Series) -> pd.Series:
    """IDs as text; ``101.0`` (a number column read as float) becomes ``101``."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = _objects(series)
    fixed = {v: _id_text(v) for v in pd.unique(series.dropna())
             if isinstance(v, str) and v.endswith((".0", ".0\n"))}
    fixed = {k: v for k, v in fixed.items() if k != v}
    return series.replace(fixed) if fixed else series


def _coded(series: pd.Series, fix=None) -> pd.Categorical:
    """``series.map(fix)`` as a categorical with sorted categories (missing stays
    missing), ``fix`` called once per distinct value."""
    codes, uniques = pd.factorize(series)
    values = np.array([fix(u) if fix else u for u in uniques], dtype=object)
    categories, inverse = np.unique(values, return_inverse=True) if len(values) else (
        values, np.zeros(0, dtype=np.intp))
    codes = np.where(codes >= 0, inverse.reshape(-1)[codes] if len(values) else -1, -1)
    return pd.Categorical.from_codes(codes, pd.Index(categories, dtype=object))


# ----------------------------------------------------------- table checkers
def _subjects(df: pd.DataFrame, label: str, found: Problems) -> pd.DataFrame:
    _require(df, "subjects", label)
    df = df.copy()
    found.run(_no_missing, df, ["subject_id"], label)
    df["subject_id"] = _ids(df["subject_id"])
    dup = df["subject_id"].duplicated(keep=False)
    if dup.any():
        first = df.loc[dup, "subject_id"].iloc[0]
        rows = df.index[df["subject_id"] == first]
        found.append(problem("duplicate", label, f"subject `{first}` appears more than once "
                             f"({_rows(rows)});", "give each subject one row.",
                             column="subject_id", rows=rows))
    for col in df.columns:
        if col == "subject_id":
            continue
        if col in ("age", "disease_duration_years", "baseline_edss", "bmi"):
            num, bad = _numbers_lazy(df, col, label)
            found.extend(bad)
            if col == "baseline_edss":
                found.run(_range, df.index, num, "EDSS", label, col)
            df[col] = _tidy_number(num)
        elif col in ("arm", "ms_type", "sex", "route"):
            df[col] = df[col].astype("str")
        else:
            df[col] = _auto(df[col])
    return df


def _range(index, values, code: str, label: str, col: str = "value") -> None:
    outcome = REGISTRY.get(code)
    if not outcome.known:
        return
    bad = outcome.out_of_range(values.to_numpy(dtype=float))
    if bad.any():
        rows = index[bad]
        shown = ", ".join(f"{r} ({values.loc[r]:g})" for r in list(rows)[:5])
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        raise _fail("out_of_range", label, f"column `{col}`: {code} must be "
                    f"{outcome.range_text()}; {'row' if len(rows) == 1 else 'rows'} {shown}"
                    f"{more} {_verb(rows, 'is', 'are')} outside that.",
                    "Correct or remove these values.", column=col, rows=rows)


def _measurements(df: pd.DataFrame, label: str, warnings: list[str], found: Problems, *,
                  strict_baseline: bool = True) -> pd.DataFrame:
    _require(df, "measurements", label)
    df = df.copy()
    # factorised once, for every check below and the sort in Trial
    for col, fix in (("subject_id", _id_text), ("visit", None), ("outcome", _outcome_code)):
        df[col] = _coded(df[col], fix)
    before = len(found)
    found.run(_no_missing, df, ["subject_id", "visit", "day", "outcome"], label)
    empty = df["value"].isna()
    if empty.any():
        warnings.append(f"{label}: {_count(empty.sum(), 'row')} without a `value` skipped "
                        f"({_rows(df.index[empty], 3)}).")
        df = df.loc[~empty]
    if df.empty:
        raise _fail("empty_table", label, "no row has a `value`; the measurements table is "
                    "empty.")
    day, bad_day = _numbers_lazy(df, "day", label, date_hint=True)
    value, bad_value = _numbers_lazy(df, "value", label)
    found.extend(bad_day + bad_value)
    df["day"], df["value"] = _tidy_number(day), value
    codes = df["outcome"].cat.codes.to_numpy()
    for k in pd.unique(codes[codes >= 0]):  # in order of appearance
        pos = np.flatnonzero(codes == k)
        found.run(_range, df.index[pos], df["value"].iloc[pos],
                  df["outcome"].cat.categories[k], label)
    found.run(_no_repeats, df, label)
    if len(found) == before:  # baselines and windows need sound days
        found.run(_baselines, df, label, warnings, strict_baseline)
        _windows(df, label, warnings)
    _unknown_outcomes(df, label, warnings)
    df = df[list(TABLES["measurements"][0])]
    for derive, what in _DERIVED if len(found) == before else ():
        rows = derive(df)  # in order: the MSFC needs the NHPT derived from the hands
        if len(rows):
            warnings.append(f"{label}: " + what.format(n=_count(len(rows), "subject x visit")))
            df = _append(df, rows)
    return df


#: Derived outcomes added to the measurements: (rows of ``df``, the warning saying so).
_DERIVED = (
    (nhpt_from_hands, "NHPT was computed as the mean of the dominant- and non-dominant-hand "
                      "times for {n} (MSFC convention)."),
    (msfc_rows, "the MSFC composite was computed from T25FW, NHPT and PASAT for {n} (z-scores "
                "against the MSFC task-force reference population)."),
)


_KEYS = ("subject_id", "visit", "outcome")


def _text_categories(s: pd.Series) -> pd.Categorical:
    cat = s.array if isinstance(s.dtype, pd.CategoricalDtype) else pd.Categorical(s)
    return pd.Categorical.from_codes(cat.codes, pd.Index(cat.categories, dtype=object))


def _append(df: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` below ``df``, the key columns categorical (sorted categories) still."""
    keys = {col: union_categoricals([_text_categories(df[col]), _text_categories(rows[col])],
                                    sort_categories=True) for col in _KEYS}
    out = pd.concat([df.drop(columns=list(_KEYS)), rows.drop(columns=list(_KEYS))],
                    ignore_index=True)
    for col in _KEYS:
        out[col] = keys[col]
    return out[list(TABLES["measurements"][0])]


def _key(df: pd.DataFrame, cols) -> np.ndarray:
    """One int64 per row, equal where the rows' ``cols`` are equal (missing equal missing)."""
    key = np.zeros(len(df), dtype=np.int64)
    for col in cols:
        codes, uniques = pd.factorize(df[col], use_na_sentinel=False)
        if len(key) and (int(key.max()) + 1) * (len(uniques) + 1) > 2**62:
            key = pd.factorize(key)[0].astype(np.int64)  # renumber: no overflow
        key = key * (len(uniques) + 1) + codes
    return key


def _repeated(key: np.ndarray) -> np.ndarray:
    """Which entries of ``key`` (non-negative ints) occur more than once.

    Examples
    --------
    >>> _repeated(np.array([3, 1, 3, 0])).tolist()
    [True, False, True, False]
    """
    if len(key) and int(key.max()) < max(4 * len(key), 2**20):  # a count per key value
        return np.bincount(key)[key] > 1
    return pd.Series(key).duplicated(keep=False).to_numpy()


def _no_repeats(df: pd.DataFrame, label: str) -> None:
    dup = pd.Series(_repeated(_key(df, ["subject_id", "visit", "outcome"])), index=df.index)
    if not dup.any():
        return
    first = df.loc[dup].iloc[0]
    same = dup & (df["subject_id"] == first["subject_id"]) & \
        (df["visit"] == first["visit"]) & (df["outcome"] == first["outcome"])
    raise _fail("duplicate", label, f"{int(dup.sum())} rows repeat the same subject x visit x "
                f"outcome, e.g. subject `{first['subject_id']}`, visit `{first['visit']}`, "
                f"outcome `{first['outcome']}` in {_rows(df.index[same])}.",
                "Keep one value per subject, visit and outcome (average repeated trials "
                "beforehand).", rows=df.index[dup])


def _unknown_outcomes(df: pd.DataFrame, label: str, warnings: list[str]) -> None:
    codes = {str(v) for v in pd.unique(df["outcome"].dropna())}
    for code in sorted(codes - set(REGISTRY.codes)):
        close = difflib.get_close_matches(code.upper(), REGISTRY.codes, n=1, cutoff=0.75)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        warnings.append(f"{label}: outcome `{code}` is not in the outcome registry{hint}; "
                        "it is analysed with higher = better and no meaningful-change rule.")


def _outcome_code(v):
    if not isinstance(v, str):
        return v
    if v in REGISTRY:
        return v
    target = exact_target(v) or outcome_target(v)
    if target in REGISTRY:
        return target
    up = v.upper()
    return up if up in REGISTRY else v


def _baselines(df, label, warnings, strict: bool) -> None:
    key = _key(df, ["subject_id", "outcome"])
    at_base = (df["day"] == 0).to_numpy()
    base = df.loc[at_base, ["subject_id", "outcome"]].drop_duplicates()
    after = (df["day"] > 0).to_numpy()
    missing = df.loc[after & ~np.isin(key, key[at_base])]
    if missing.empty:
        return
    codes_with_base = set(base["outcome"])
    no_base_at_all = sorted(set(missing["outcome"]) - codes_with_base)
    for code in no_base_at_all:
        warnings.append(f"{label}: outcome `{code}` has no day-0 (baseline) value for any "
                        "subject, so changes from baseline cannot be computed for it.")
    partial = missing.loc[missing["outcome"].isin(codes_with_base)]
    if partial.empty:
        return
    first = partial.iloc[0]
    pairs = partial[["subject_id", "outcome"]].drop_duplicates()
    if strict:
        rows = partial.index[(partial["subject_id"] == first["subject_id"])
                             & (partial["outcome"] == first["outcome"])]
        raise _fail("no_baseline", label, f"subject `{first['subject_id']}` has "
                    f"`{first['outcome']}` values after baseline ({_rows(rows)}) but no "
                    "baseline value (a row with `day` 0); "
                    f"{_count(len(pairs), 'subject x outcome pair')} in all.",
                    "Add the baseline rows, or set the baseline visit's `day` to 0.",
                    column="day", rows=partial.index)
    warnings.append(f"{label}: {_count(len(pairs), 'subject x outcome pair')} with "
                    "follow-up values but no baseline (day 0) value: left out of changes "
                    "from baseline.")


def _windows(df, label, warnings) -> None:
    median = df.groupby("visit")["day"].transform("median")
    off = (df["day"] - median).abs() > VISIT_WINDOW_DAYS
    if off.any():
        first = df.loc[off].iloc[0]
        warnings.append(
            f"{label}: {_count(off.sum(), 'visit day')} more than {VISIT_WINDOW_DAYS} days from "
            f"their visit's median day, e.g. subject `{first['subject_id']}` at "
            f"`{first['visit']}` on day {first['day']:g} ({_rows(df.index[off], 3)}). Check "
            "the visit names and days.")


def _bool(series: pd.Series, label: str, col: str) -> pd.Series:
    def parse(v):
        if v is None:
            return None
        low = str(v).strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return "?"
    parsed = series.map(parse)
    bad = parsed == "?"
    if bad.any():
        raise _fail("not_yes_no", label, f"column `{col}` must be yes/no (or true/false, "
                    f"Y/N); {_rows(series.index[bad])} "
                    f"{_verb(series.index[bad], 'holds', 'hold')} `{series[bad].iloc[0]}`.",
                    column=col, rows=series.index[bad])
    if parsed.isna().any():
        return parsed.astype("boolean")
    return parsed.astype(bool)


def _events(df: pd.DataFrame, label: str, warnings: list[str], found: Problems) -> pd.DataFrame:
    _require(df, "adverse_events", label)
    df = df.copy()
    found.run(_no_missing, df, ["subject_id", "term"], label)
    df["subject_id"] = _ids(df["subject_id"])
    for col, kind in (("onset_day", {"date_hint": True}), ("injection_number", {"integer": True})):
        if col in df:
            num, bad = _numbers_lazy(df, col, label, **kind)
            found.extend(bad)
            df[col] = _tidy_number(num)
    for col in ("serious", "treatment_emergent"):
        if col in df:
            df[col] = found.run(_bool, df[col], label, col, fallback=df[col])
    for col, allowed in (("severity", SEVERITIES), ("related", RELATEDNESS)):
        if col in df:
            df[col] = _categories(df[col], col, allowed, label, warnings)
    for col in ("term", "body_system"):
        if col in df:
            df[col] = df[col].astype("str")
    return df


def _categories(values: pd.Series, col: str, allowed, label: str, warnings: list[str]):
    values = values.map(lambda v: v.strip().lower() if isinstance(v, str) else v)
    if col == "severity" and values.isna().any():
        warnings.append(f"{label}: {_count(values.isna().sum(), 'adverse event')} "
                        f"without a `severity` ({_rows(values.index[values.isna()], 3)}).")
    odd = sorted(set(values.dropna()) - set(allowed))
    if odd:
        warnings.append(f"{label}: `{col}` has values outside {', '.join(allowed)}: "
                        + ", ".join(f"`{v}`" for v in odd[:5]) + ".")
    return values.astype("str")


def _injections(df: pd.DataFrame, label: str, found: Problems) -> pd.DataFrame:
    _require(df, "injections", label)
    df = df.copy()
    found.run(_no_missing, df, ["subject_id", "injection_number", "day"], label)
    df["subject_id"] = _ids(df["subject_id"])
    for col, kind in (("injection_number", {"integer": True}), ("day", {"date_hint": True}),
                      ("dose_million_cells", {})):
        if col in df:
            num, bad = _numbers_lazy(df, col, label, **kind)
            found.extend(bad)
            df[col] = _tidy_number(num)
    if "route" in df:
        df["route"] = df["route"].astype("str")
    dup = df.duplicated(["subject_id", "injection_number"], keep=False)
    if dup.any():
        first = df.loc[dup].iloc[0]
        found.append(problem("duplicate", label, f"subject `{first['subject_id']}` has "
                             f"injection number {first['injection_number']} twice "
                             f"({_rows(df.index[dup])});",
                             "number each subject's injections 1, 2, 3...",
                             column="injection_number", rows=df.index[dup]))
    return df


def _relapses(df: pd.DataFrame, label: str, found: Problems) -> pd.DataFrame:
    """The optional relapses table: one row per relapse, its onset in days since baseline."""
    _require(df, "relapses", label)
    df = df[["subject_id", "onset_day"]].copy()
    found.run(_no_missing, df, ["subject_id", "onset_day"], label)
    df["subject_id"] = _ids(df["subject_id"])
    num, bad = _numbers_lazy(df, "onset_day", label, date_hint=True)
    found.extend(bad)
    df["onset_day"] = num
    return df


def _validate(tables: dict, warnings: list[str], *, strict_baseline=True) -> dict:
    """Check every table; raise one error with every problem found."""
    out: dict = {}
    found = Problems()
    m_label, m = tables["measurements"]
    meas = found.run(_measurements, m, m_label, warnings, found, strict_baseline=strict_baseline)
    if meas is not None:
        out["measurements"] = meas
    if "subjects" in tables:
        s_label, s = tables["subjects"]
        subjects = found.run(_subjects, s, s_label, found)
    elif meas is not None:
        subjects = pd.DataFrame({"subject_id": pd.unique(meas["subject_id"])})
        warnings.append("No subjects table: subjects were taken from the measurements "
                        "(no arm, so the study is analysed as single-arm).")
    else:
        subjects = None
    if subjects is not None:
        out["subjects"] = subjects
        found.run(_not_too_many, subjects, tables.get("subjects", (m_label,))[0])
    if "adverse_events" in tables:
        lab, frame = tables["adverse_events"]
        out["adverse_events"] = found.run(_events, frame, lab, warnings, found)
    for name, checker in (("injections", _injections), ("relapses", _relapses)):
        if name in tables:
            lab, frame = tables[name]
            out[name] = found.run(checker, frame, lab, found)
    out = {k: v for k, v in out.items() if v is not None}
    if "subjects" in tables and "subjects" in out:
        for name in ("measurements", "adverse_events", "injections", "relapses"):
            if name in out:
                found.run(_known_subjects, out[name], tables[name][0], out["subjects"],
                          tables["subjects"][0])
    if not found:
        found.run(_periods.attach, out, tables, warnings)
    found.raise_all()
    return out


def _not_too_many(subjects: pd.DataFrame, label: str) -> None:
    if len(subjects) > limits.MAX_SUBJECTS:
        raise _fail("too_many_subjects", label, f"{len(subjects):,} subjects; at most "
                    f"{limits.MAX_SUBJECTS:,} are loaded", "(set MSC_DASH_MAX_SUBJECTS to allow "
                    "more, memory permitting).")


def _known_subjects(frame: pd.DataFrame, label: str, subjects: pd.DataFrame,
                    subjects_label: str) -> None:
    stray = ~frame["subject_id"].isin(subjects["subject_id"].unique())
    if stray.any():
        sid = frame.loc[stray, "subject_id"].iloc[0]
        raise _fail("unknown_subject", label, f"subject `{sid}` "
                    f"({_rows(frame.index[stray])}) is not in the subjects table "
                    f"`{subjects_label}`.", "Add the subject there or correct the "
                    "`subject_id`.", column="subject_id", rows=frame.index[stray])
