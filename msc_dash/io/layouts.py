"""Layouts to tables: which frame is which table, long files with subject
columns on every row, and wide files (one column per outcome).
"""

from __future__ import annotations

import pandas as pd

from ..errors import TrialDataError
from ..mapping import (
    apply_mapping,
    exact_target,
    outcome_target,
)
from ..outcomes import REGISTRY
from ..trial import TABLES
from .cells import _NUMBER, KEY_COLUMNS, NUMBER_COLUMNS, _texts
from .checks import _ids, _no_missing, _require
from .problems import _rows
from .sources import _Frame


# --------------------------------------------------------------------- tables
def _normalise_columns(frame: _Frame, mapping: dict | None) -> None:
    """Columns renamed to ours; number cells (Parquet, SAS) become text except in
    ``day`` and ``value``, which the checks read as numbers."""
    df = apply_mapping(_texts(frame.data), mapping) if mapping else frame.data
    rename = {}
    for c in df.columns:
        target = exact_target(c) or outcome_target(c)
        if target and target != c and target not in df.columns:
            rename[c] = target
    frame.data = _texts(df.rename(columns=rename), NUMBER_COLUMNS, KEY_COLUMNS)



def _classify(frame: _Frame) -> str:
    cols = set(frame.data.columns)
    if frame.hint == "measurements" or {"outcome", "value"} <= cols:
        if {"outcome", "value"} <= cols or not _wide_codes(frame.data):
            return "measurements"
        return "wide"
    if frame.hint in ("subjects", "adverse_events", "injections", "relapses", "periods"):
        return frame.hint
    if {"period", "start_day", "end_day"} <= cols:
        return "periods"
    if {"subject_id", "onset_day"} <= cols and not cols & {"term", "visit", "day", "value",
                                                            "outcome", "arm"}:
        return "relapses"
    if "term" in cols:
        return "adverse_events"
    if "injection_number" in cols and "day" in cols:
        return "injections"
    if _wide_codes(frame.data):
        return "wide"
    if {"visit", "day"} & cols:
        return "measurements"
    if "subject_id" in cols:
        return "subjects"
    return "unknown"



def _wide_codes(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c in REGISTRY]



# ------------------------------------------------------- layouts to tables
def _split_long(df: pd.DataFrame, label: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A long file with subject columns on every row -> (subjects, measurements)."""
    _require(df, "measurements", label)
    extra = [c for c in df.columns if c not in TABLES["measurements"][0]]
    return _subjects_from(df, extra, label), df[list(TABLES["measurements"][0])]



def _subjects_from(df: pd.DataFrame, cols: list[str], label: str) -> pd.DataFrame:
    _no_missing(df, ["subject_id"], label)
    sub = df[["subject_id", *cols]].copy()
    sub["subject_id"] = _ids(sub["subject_id"])
    for col in cols:
        varying = sub.groupby("subject_id")[col].nunique(dropna=True) > 1
        if varying.any():
            sid = varying.index[varying][0]
            rows = sub.index[sub["subject_id"] == sid]
            raise TrialDataError(
                f"{label}: column `{col}` changes within subject `{sid}` ({_rows(rows)}). "
                "Subject columns such as arm, sex or age must be the same on every row of a "
                "subject; if it is an outcome, give it its own `outcome` rows.")
    first = sub.groupby("subject_id", sort=False).first()
    out = first.reset_index()
    out.index = sub.drop_duplicates("subject_id").index
    return out



def _melt_wide(df: pd.DataFrame, label: str, warnings: list[str]):
    """One row per subject x visit, one column per outcome -> (subjects, measurements)."""
    _require(df, "measurements", label, ("subject_id", "visit", "day"))
    subject_cols = [c for c in df.columns if c in TABLES["subjects"][1]]
    outcome_cols = _wide_codes(df)
    rest = [c for c in df.columns if c not in ("subject_id", "visit", "day", *subject_cols,
                                               *outcome_cols)]
    ids = _ids(df["subject_id"])
    ignored = []
    for col in rest:  # unknown columns: subject variable if constant, else an outcome
        per = df.assign(subject_id=ids).groupby("subject_id")[col].nunique(dropna=True)
        nums = df[col].dropna().map(lambda v: bool(_NUMBER.match(str(v))))
        if not (per > 1).any():
            subject_cols.append(col)
        elif len(nums) and nums.all():
            outcome_cols.append(col)
        else:
            ignored.append(col)
    if ignored:
        warnings.append(f"{label}: " + ", ".join(f"`{c}`" for c in ignored) + " changes "
                        "within subjects and is not numeric, so it is neither a subject "
                        "variable nor an outcome; it was ignored.")
    df = df.drop(columns=ignored)
    subjects = _subjects_from(df, subject_cols, label)
    rows = []
    for col in outcome_cols:
        part = df[["subject_id", "visit", "day"]].copy()
        part["outcome"] = col
        part["value"] = df[col]
        part = part.loc[part["value"].notna()]
        rows.append(part)
    if not rows:
        raise TrialDataError(f"{label}: no outcome columns found; name them by outcome code "
                             f"(e.g. {', '.join(REGISTRY.codes[:4])}).")
    meas = pd.concat(rows)
    return subjects, meas



def _frames_to_tables(frames: list[_Frame], warnings: list[str], mapping) -> dict:
    """Find which frame is which table; returns {table: (label, frame)}."""
    found: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    unknown: list[_Frame] = []
    for fr in frames:
        _normalise_columns(fr, mapping)
        kind = _classify(fr)
        if kind not in ("measurements", "wide"):
            fr.data = _texts(fr.data)
        if kind == "unknown":
            unknown.append(fr)
            continue
        if kind == "wide":
            subj, meas = _melt_wide(fr.data, fr.label, warnings)
            found.setdefault("measurements", []).append((fr.label, meas))
            found.setdefault("_derived_subjects", []).append((fr.label, subj))
        else:
            found.setdefault(kind, []).append((fr.label, fr.data))
    tables: dict[str, tuple[str, pd.DataFrame]] = {}
    for name in (*TABLES, "periods"):
        items = found.get(name, [])
        if len(items) > 1:
            raise TrialDataError(
                "Two files look like the " + name.replace("_", " ") + " table: "
                + " and ".join(f"`{lab}`" for lab, _ in items[:2])
                + ". Upload one file per table, or name each file after its table "
                "(subjects.csv, measurements.csv, adverse_events.csv, injections.csv).")
        if items:
            tables[name] = items[0]
    if "measurements" not in tables:
        names = ", ".join(f"`{fr.label}`" for fr in frames)
        if unknown:  # columns not recognised: ask for them (the app offers a mapping)
            _require(unknown[0].data, "measurements", unknown[0].label)
        raise TrialDataError(
            f"No measurements table found in {names}. Upload measurements.csv (columns "
            "`subject_id`, `visit`, `day`, `outcome`, `value`), a wide file with one column "
            "per outcome, or an ADaM BDS dataset.")
    for fr in unknown:
        warnings.append(f"{fr.label}: no known column (such as `subject_id`), so it was not "
                        "used.")
    label, meas = tables["measurements"]
    extra = [c for c in meas.columns if c not in TABLES["measurements"][0]]
    derived = found.get("_derived_subjects")
    if extra and "subjects" not in tables and "visit" in meas and "outcome" in meas:
        subj, meas = _split_long(meas, label)
        tables["subjects"] = (label, subj)
        tables["measurements"] = (label, meas)
    elif derived and "subjects" not in tables:
        tables["subjects"] = derived[0]
    elif extra and "outcome" in meas:
        warnings.append(f"{label}: columns " + ", ".join(f"`{c}`" for c in extra[:5])
                        + " are not used (subject details come from the subjects table).")
    return tables
