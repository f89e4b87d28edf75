"""Table 1: baseline characteristics by arm and overall.

Every trial paper's first table. :func:`baseline_summary` gives the numbers
(one record per variable x level x group: n, missing, mean, SD, median,
quartiles, count, percent); :func:`table_one` formats them as the table a
journal prints, with one column per arm and an "Overall" column.

Numeric variables get two rows, mean (SD) and median [Q1, Q3] (the reader
or the journal picks one; skewed variables such as disease duration and the
log-scale outcomes are better read by the median); categories get n (%) of
the subjects with a known value; a "Missing" row appears wherever a value is
missing. The variables are the subject columns the data has (except
``subject_id``, ``arm`` and the derived ``n_injections``) and the baseline
value of each outcome, labelled from the outcome registry (the individual
Functional Systems only when their sum is absent).

Written here rather than with ``tableone`` (0.9.6 warns on pandas 3 and
returns pre-formatted strings, so its numbers cannot be tested or written
as native Word/PowerPoint cells) or ``great-tables`` (an HTML renderer with
no statistics; the app, the report and the documents each render the frame
in their own way).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .outcomes import FUNCTIONAL_SYSTEMS
from .trial import Trial

__all__ = ["SUBJECT_LABELS", "OVERALL", "baseline_values", "baseline_summary", "table_one"]

#: Display names of the known subject columns.
SUBJECT_LABELS = {
    "arm": "Arm", "ms_type": "MS type", "sex": "Sex", "age": "Age (years)",
    "baseline_edss": "Baseline EDSS", "disease_duration_years": "Disease duration (years)",
    "n_injections": "Number of injections", "route": "Route", "bmi": "BMI (kg/m²)",
}
#: Name of the all-subjects column.
OVERALL = "Overall"
_SKIP = ("subject_id", "arm", "n_injections")
_MAX_LEVELS = 20  # a numeric column with at most this many distinct values stays numeric


def baseline_values(trial: Trial) -> pd.DataFrame:
    """One row per subject: ``arm``, the subject columns and each outcome's baseline value.

    Outcome columns are named by outcome code; a subject without a baseline
    value of an outcome has NaN there.

    Examples
    --------
    >>> import msc_dash
    >>> b = baseline_values(msc_dash.load_sample())
    >>> list(b.columns[:4]), len(b)
    (['subject_id', 'arm', 'ms_type', 'sex'], 23)
    """
    subjects = trial.subjects.drop(columns=["n_injections"], errors="ignore").copy()
    base = trial.baseline_visit
    if base is None or trial.measurements.empty:
        return subjects
    m = trial.measurements
    wide = (m[m["visit"] == base].groupby(["subject_id", "outcome"])["value"].first()
            .unstack("outcome"))
    wide = wide.reindex(columns=[c for c in trial.outcomes if c in wide.columns])
    taken = [c for c in wide.columns if c in subjects.columns]
    wide = wide.drop(columns=taken)
    return subjects.merge(wide, left_on="subject_id", right_index=True, how="left")


def _variables(trial: Trial, frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(column, label, kind) for each variable, kind "numeric" or "categorical"."""
    out = []
    # the individual Functional Systems stay out when their sum is there (as in the slides)
    skip = set(_SKIP) | (set(FUNCTIONAL_SYSTEMS) if "FSS_SUM" in frame.columns else set())
    for col in frame.columns:
        if col in skip or frame[col].isna().all():
            continue
        if col in trial.outcomes:
            label = trial.outcome(col).label
            unit = trial.outcome(col).unit
            label = f"{label} ({unit})" if unit else label
            out.append((col, label, "numeric"))
            continue
        values = frame[col]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        if numeric and values.nunique() <= 2 and set(values.dropna()) <= {0, 1}:
            numeric = False
        out.append((col, SUBJECT_LABELS.get(col, col), "numeric" if numeric else "categorical"))
    return out


def _numeric_record(values: pd.Series) -> dict:
    x = pd.to_numeric(values, errors="coerce").dropna().to_numpy(float)
    n = len(x)
    return {
        "n": n, "missing": int(len(values) - n),
        "mean": float(x.mean()) if n else np.nan,
        "sd": float(x.std(ddof=1)) if n > 1 else np.nan,
        "median": float(np.median(x)) if n else np.nan,
        "q1": float(np.percentile(x, 25)) if n else np.nan,
        "q3": float(np.percentile(x, 75)) if n else np.nan,
        "min": float(x.min()) if n else np.nan,
        "max": float(x.max()) if n else np.nan,
    }


def baseline_summary(trial: Trial) -> pd.DataFrame:
    """The numbers of Table 1, one record per variable x level x group.

    Columns: ``variable, label, kind, level, group, n, missing, mean, sd,
    median, q1, q3, min, max, count, percent``. ``group`` is each arm and
    ``"Overall"`` (only "Overall" in a single-arm trial). For numeric
    variables ``level`` is empty and ``n`` counts known values; for
    categories one record per level with ``count`` and ``percent`` (of the
    group's subjects with a known value), ``n`` the known values and
    ``missing`` the unknown. Quartiles are numpy's linear interpolation
    (R's type 7); SD uses n - 1.

    Examples
    --------
    >>> import msc_dash
    >>> s = baseline_summary(msc_dash.load_sample())
    >>> row = s[(s.variable == "sex") & (s.level == "F")].iloc[0]
    >>> int(row["count"]), int(row["n"])
    (9, 23)
    """
    frame = baseline_values(trial)
    groups = [(OVERALL, frame)]
    if not trial.is_single_arm:
        groups = [(arm, frame[frame["arm"] == arm]) for arm in trial.arms] + groups
    rows = []
    for col, label, kind in _variables(trial, frame):
        levels = (sorted(frame[col].dropna().unique(), key=str) if kind == "categorical"
                  else [None])
        for group, part in groups:
            if kind == "numeric":
                rows.append({"variable": col, "label": label, "kind": kind, "level": "",
                             "group": group, **_numeric_record(part[col])})
                continue
            known = part[col].dropna()
            for level in levels:
                count = int((known == level).sum())
                rows.append({"variable": col, "label": label, "kind": kind,
                             "level": str(level), "group": group, "n": len(known),
                             "missing": int(part[col].isna().sum()), "count": count,
                             "percent": 100 * count / len(known) if len(known) else np.nan})
    columns = ["variable", "label", "kind", "level", "group", "n", "missing", "mean", "sd",
               "median", "q1", "q3", "min", "max", "count", "percent"]
    return pd.DataFrame(rows).reindex(columns=columns)


def _fmt(x: float, digits: int) -> str:
    return "" if pd.isna(x) else f"{x:.{digits}f}"


def _digits(values: pd.Series) -> int:
    """Decimals for a variable: one more than its data has, at most 2 (ages: 1)."""
    x = pd.to_numeric(values, errors="coerce").dropna()
    if x.empty:
        return 1
    decimals = x.map(lambda v: len(f"{v:.6g}".split(".")[1]) if "." in f"{v:.6g}" else 0)
    return int(min(2, decimals.max() + 1))


def table_one(trial: Trial) -> pd.DataFrame:
    """Table 1 as a journal prints it: one column per arm and "Overall".

    Columns: ``Characteristic``, ``Statistic`` (what the cells hold) and one
    column per group; the first row gives each group's number of subjects.
    Numbers: "Mean (SD)" and "Median [Q1, Q3]" rows; categories: one
    "n (%)" row per level; "Missing, n" where any group misses values.

    Examples
    --------
    >>> import msc_dash
    >>> t1 = table_one(msc_dash.load_sample())
    >>> t1.iloc[0].tolist()
    ['Subjects', 'n', '23']
    >>> t1[t1.Characteristic == "Sex: F"].iloc[0].tolist()
    ['Sex: F', 'n (%)', '9 (39.1)']
    """
    summary = baseline_summary(trial)
    groups = list(dict.fromkeys(summary["group"])) if len(summary) else [OVERALL]
    sizes = trial.subjects["arm"].value_counts()
    first = {"Characteristic": "Subjects", "Statistic": "n"}
    first.update({g: str(trial.n_subjects if g == OVERALL else int(sizes.get(g, 0)))
                  for g in groups})
    rows = [first]
    frame = baseline_values(trial)
    for col, part in summary.groupby("variable", sort=False):
        label = part["label"].iloc[0]
        by = part.set_index(["level", "group"])
        if part["kind"].iloc[0] == "numeric":
            d = _digits(frame[col])
            cell = {g: by.loc[("", g)] for g in groups}
            rows.append({"Characteristic": label, "Statistic": "Mean (SD)",
                         **{g: f"{_fmt(r['mean'], d)} ({_fmt(r['sd'], d)})"
                            if r["n"] else "" for g, r in cell.items()}})
            rows.append({"Characteristic": label, "Statistic": "Median [Q1, Q3]",
                         **{g: f"{_fmt(r['median'], d)} [{_fmt(r['q1'], d)}, "
                               f"{_fmt(r['q3'], d)}]" if r["n"] else ""
                            for g, r in cell.items()}})
        else:
            for level in dict.fromkeys(part["level"]):
                rows.append({"Characteristic": f"{label}: {level}", "Statistic": "n (%)",
                             **{g: f"{int(by.loc[(level, g), 'count'])} "
                                   f"({by.loc[(level, g), 'percent']:.1f})"
                                if by.loc[(level, g), "n"] else "0" for g in groups}})
        missing = part.groupby("group", sort=False)["missing"].first()
        if missing.sum():
            rows.append({"Characteristic": f"{label}: missing", "Statistic": "n",
                         **{g: str(int(missing[g])) for g in groups}})
    return pd.DataFrame(rows, columns=["Characteristic", "Statistic", *groups])
