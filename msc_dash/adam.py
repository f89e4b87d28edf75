"""CDISC ADaM datasets (ADSL, BDS such as ADQS/ADLB/ADEFF, ADAE) -> the four tables.

Datasets are recognised by their columns: ``USUBJID`` marks ADaM; ``PARAMCD``
with ``AVAL`` a BDS dataset; ``AEDECOD`` (or ``AETERM``) an adverse-event
dataset; anything else with ``USUBJID`` is taken as ADSL.

- ADSL -> ``subjects``: ``USUBJID`` -> ``subject_id``, ``TRT01A`` (else ``ARM``,
  ``TRT01P``) -> ``arm``, ``AGE`` -> ``age``, ``SEX`` -> ``sex``, ``BMIBL`` ->
  ``bmi``; other analysis variables (``AGEGR1``, ``RACE``, flags...) are kept as
  subgroup variables; identifiers, dates and numeric codes of kept text
  variables are dropped.
- BDS -> ``measurements``: rows with a ``DTYPE`` (derived, e.g. LOCF) and rows
  whose ``ANL01FL`` is not ``Y`` are dropped so nothing is counted twice;
  ``PARAMCD`` -> outcome through :data:`PARAMCD_MAP` (unmapped codes kept as
  they are); ``AVISIT`` -> visit; ``ADY`` (else ``ADT - TRTSDT``, SAS dates being
  days since 1960-01-01) -> day, shifted so the baseline record
  (``ABLFL = "Y"``) is day 0.
- ADAE -> ``adverse_events``, every record, with ``treatment_emergent`` from
  ``TRTEMFL`` (``Y`` / ``N``; else from the onset day, see
  :func:`msc_dash.trial.treatment_emergence`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import MappingProxyType

import numpy as np
import pandas as pd

from .errors import TrialDataError
from .outcomes import REGISTRY

__all__ = ["PARAMCD_MAP", "is_adam", "dataset_kind", "to_tables"]

#: Default PARAMCD -> outcome code (registry codes map to themselves as well).
PARAMCD_MAP = MappingProxyType({
    code: outcome.code for outcome in REGISTRY for code in (outcome.code, *outcome.paramcd)
    if outcome.paramcd
})

_RELATED = {"none": "not related", "not related": "not related", "no": "not related",
            "remote": "unlikely", "unlikely": "unlikely", "possible": "possible",
            "possibly related": "possible", "probable": "probable",
            "probably related": "probable", "definite": "definite", "related": "probable"}

_DROP = {"STUDYID", "USUBJID", "SUBJID", "ARM", "ARMCD", "ACTARM", "ACTARMCD", "TRT01A",
         "TRT01P", "AGE", "SEX", "BMIBL", "AGEU", "DOMAIN"}


def _upper(df: pd.DataFrame) -> pd.DataFrame:
    return df.rename(columns={c: str(c).strip().upper() for c in df.columns})


def dataset_kind(df: pd.DataFrame) -> str | None:
    """``"adsl"``, ``"bds"``, ``"adae"``, ``"ce"`` (clinical events), or None for a non-ADaM table.

    Examples
    --------
    >>> dataset_kind(pd.DataFrame(columns=["USUBJID", "PARAMCD", "AVAL"]))
    'bds'
    """
    cols = {str(c).strip().upper() for c in df.columns}
    if "USUBJID" not in cols:
        return None
    if {"PARAMCD", "AVAL"} <= cols:
        return "bds"
    if cols & {"AEDECOD", "AETERM"}:
        return "adae"
    if cols & {"CEDECOD", "CETERM"}:
        return "ce"  # SDTM CE / ADaM ADCE clinical events: relapses among them
    return "adsl"


def is_adam(frames: Iterable[pd.DataFrame]) -> bool:
    """True when any frame is an ADaM dataset (has ``USUBJID``)."""
    return any(dataset_kind(df) is not None for df in frames)


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype(float)


def _first(df: pd.DataFrame, *names: str) -> str | None:
    return next((n for n in names if n in df.columns), None)


def _flag(df: pd.DataFrame, col: str) -> pd.Series:
    return df[col].map(lambda v: str(v).strip().upper() == "Y" if v is not None else False)


def _subjects(label: str, df: pd.DataFrame) -> pd.DataFrame:
    arm = _first(df, "TRT01A", "ARM", "TRT01P", "ACTARM")
    out = pd.DataFrame({"subject_id": df["USUBJID"]}, index=df.index)
    if arm:
        out["arm"] = df[arm]
    for src, dst in (("AGE", "age"), ("SEX", "sex"), ("BMIBL", "bmi")):
        if src in df:
            out[dst] = df[src]
    text_cols = set(df.columns)
    for col in df.columns:
        if col in _DROP or col.endswith(("DT", "DTC", "DTM", "TM", "DTF", "TMF")):
            continue
        if col.endswith("N") and col[:-1] in text_cols:
            continue  # numeric code of a kept text variable (AGEGR1N, RACEN, TRT01AN)
        if col.endswith(("PN", "AN")) and col[:-1] in _DROP:
            continue
        if df[col].isna().all():
            continue
        out[col] = df[col]
    for col in ("TRTSDT", "TRTEDT"):  # exposure dates (msc_dash.exposure), as SAS day numbers
        if col in df and not df[col].isna().all():
            out[col] = _num(df[col])
    return out


def _study_days(df: pd.DataFrame, dy: str, dt: str) -> tuple[pd.Series, pd.Series]:
    """(study day as given, days since the first treatment day).

    ADaM study days skip 0 (day 1 is the first treatment day, the day before is
    -1), so differences across baseline need the continuous form. SAS dates are
    days since 1960-01-01.
    """
    if dy in df:
        day = _num(df[dy])
        return day, day.where(day <= 0, day - 1)
    if {dt, "TRTSDT"} <= set(df.columns):
        cont = _num(df[dt]) - _num(df["TRTSDT"])
        return cont + (cont >= 0), cont
    return pd.Series(np.nan, index=df.index), pd.Series(np.nan, index=df.index)


def _measurements(label: str, df: pd.DataFrame, codes: dict, warnings: list[str],
                  offsets: dict) -> pd.DataFrame:
    keep = pd.Series(True, index=df.index)
    if "DTYPE" in df:
        keep &= df["DTYPE"].isna()
    if "ANL01FL" in df and _flag(df, "ANL01FL").any():
        keep &= _flag(df, "ANL01FL")
    dropped = int((~keep).sum())
    if dropped:
        warnings.append(f"{label}: {dropped} derived or non-analysis record(s) (`DTYPE` set or "
                        "`ANL01FL` not Y) left out so that no value counts twice.")
    d = df.loc[keep]
    visit = _first(d, "AVISIT", "VISIT")
    if visit is None:
        raise TrialDataError(f"{label}: the BDS dataset has no `AVISIT` (or `VISIT`) column; "
                             "add the analysis visit.")
    day, cont = _study_days(d, "ADY", "ADT")
    if day.isna().all():
        raise TrialDataError(f"{label}: the BDS dataset has neither `ADY` nor `ADT` with "
                             "`TRTSDT`, so the visit days are unknown. Add `ADY`.")
    out = pd.DataFrame({"subject_id": d["USUBJID"], "visit": d[visit], "day": day,
                        "outcome": d["PARAMCD"].map(lambda c: codes.get(c, c)),
                        "value": _num(d["AVAL"]).where(d["AVAL"].notna(), np.nan)},
                       index=d.index)
    if "ABLFL" in d and _flag(d, "ABLFL").any():
        out["day"] = cont
        base = out.loc[_flag(d, "ABLFL")]
        by_pair = base.groupby(["subject_id", "outcome"])["day"].min()
        by_subject = base.groupby("subject_id")["day"].min()
        offsets.update(by_subject.to_dict())
        pair = pd.Series(list(zip(out["subject_id"], out["outcome"], strict=True)),
                         index=out.index)
        shift = pair.map(lambda p: by_pair.get(p, np.nan))
        shift = shift.fillna(out["subject_id"].map(by_subject))
        out["day"] = out["day"] - shift.fillna(0)
        out.loc[base.index, "day"] = 0
    no_day = out["day"].isna()
    if no_day.any():
        warnings.append(f"{label}: {int(no_day.sum())} record(s) without a study day left "
                        "out.")
        out = out.loc[~no_day]
    dup = out.duplicated(["subject_id", "visit", "outcome"])
    if dup.any():
        warnings.append(f"{label}: {int(dup.sum())} repeated subject x visit x parameter "
                        "record(s) remain after the analysis flags; the first of each was kept.")
        out = out.loc[~dup]
    out["day"] = out["day"].map(lambda v: f"{v:g}")
    out["value"] = out["value"].map(lambda v: None if np.isnan(v) else repr(float(v)))
    return out


def _events(label: str, df: pd.DataFrame, warnings: list[str], offsets: dict) -> pd.DataFrame:
    d = df
    term = _first(d, "AEDECOD", "AETERM")
    out = pd.DataFrame({"subject_id": d["USUBJID"], "term": d[term]}, index=d.index)
    if "TRTEMFL" in d:
        # every record is kept; the Safety page counts the flagged ones by default
        flag = d["TRTEMFL"].map(lambda v: v.strip().upper() if isinstance(v, str) else "")
        out["treatment_emergent"] = flag.map({"Y": True, "N": False}).astype("boolean")
    onset, cont = _study_days(d, "ASTDY", "ASTDT")
    if onset.notna().any():
        shift = out["subject_id"].map(offsets).astype(float)
        onset = onset.where(shift.isna(), cont - shift)  # days since baseline when known
        out["onset_day"] = onset.map(lambda v: None if np.isnan(v) else f"{v:g}")
    body = _first(d, "AEBODSYS", "AESOC")
    if body:
        out["body_system"] = d[body]
    if "AESEV" in d:
        out["severity"] = d["AESEV"].map(lambda v: v.lower() if isinstance(v, str) else v)
    if "AESER" in d:
        out["serious"] = d["AESER"]
    rel = _first(d, "AREL", "AEREL")
    if rel:
        out["related"] = d[rel].map(
            lambda v: _RELATED.get(v.strip().lower(), v.strip().lower())
            if isinstance(v, str) else v)
    return out


_RELAPSE = re.compile(r"relapse|exacerbation|attack", re.IGNORECASE)


def _relapses(label: str, df: pd.DataFrame, warnings: list[str], offsets: dict) -> pd.DataFrame:
    """Relapse onsets from clinical-event records (CE / ADCE) whose term or category says so."""
    text = pd.Series("", index=df.index)
    for col in ("CEDECOD", "CETERM", "CECAT", "CESCAT"):
        if col in df:
            text = text + " " + df[col].fillna("").astype(str)
    d = df.loc[text.str.contains(_RELAPSE)]
    onset, cont = _study_days(d, _first(d, "ASTDY", "CESTDY") or "CESTDY", "ASTDT")
    out = pd.DataFrame({"subject_id": d["USUBJID"]}, index=d.index)
    shift = out["subject_id"].map(offsets).astype(float)
    onset = onset.where(shift.isna(), cont - shift)
    out["onset_day"] = onset.map(lambda v: None if np.isnan(v) else f"{v:g}")
    missing = out["onset_day"].isna()
    if missing.any():
        warnings.append(f"{label}: {int(missing.sum())} relapse record(s) without a start "
                        "day (`ASTDY`/`CESTDY`) left out.")
    if len(df) > len(d):
        warnings.append(f"{label}: {len(df) - len(d)} clinical event(s) that are not "
                        "relapses left out.")
    return out.loc[~missing]


def _arm_from(frames: list[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    parts = []
    for _label, df in frames:
        arm = _first(df, "TRT01A", "TRTA", "TRT01P", "TRTP", "ARM")
        cols = {"USUBJID": "subject_id", **({arm: "arm"} if arm else {})}
        parts.append(df[list(cols)].rename(columns=cols))
    both = pd.concat(parts).dropna(subset=["subject_id"])
    return both.drop_duplicates("subject_id")


def to_tables(frames, warnings: list[str], paramcd_map: dict | None = None) -> dict:
    """ADaM frames (cells as text) -> ``{table: (label, frame)}`` for validation.

    Parameters
    ----------
    frames : list of objects with ``label`` and ``data``
    warnings : list of str
        Appended to with what was left out and why.
    paramcd_map : dict, optional
        Extra or overriding ``{PARAMCD: outcome code}`` entries.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> bds = pd.DataFrame({"USUBJID": ["1", "1"], "PARAMCD": ["EDSSTOT", "EDSSTOT"],
    ...                     "AVAL": ["6", "5.5"], "AVISIT": ["Baseline", "Week 48"],
    ...                     "ADY": ["1", "337"], "ABLFL": ["Y", None]}, index=[1, 2])
    >>> t = to_tables([NS(label="adqs.xpt", data=bds)], [])
    >>> t["measurements"][1][["visit", "day", "outcome", "value"]].to_numpy().tolist()
    [['Baseline', '0', 'EDSS', '6.0'], ['Week 48', '336', 'EDSS', '5.5']]
    """
    codes = {c: c for c in REGISTRY.codes}
    codes.update(PARAMCD_MAP)
    codes.update(paramcd_map or {})
    by_kind: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    for fr in frames:
        kind = dataset_kind(fr.data)
        if kind is None:
            warnings.append(f"{fr.label}: not an ADaM dataset (no `USUBJID`); ignored.")
            continue
        by_kind.setdefault(kind, []).append((fr.label, _upper(fr.data)))
    if "bds" not in by_kind:
        raise TrialDataError(
            "ADaM datasets were found (" + ", ".join(lab for v in by_kind.values()
                                                     for lab, _ in v)
            + ") but no BDS dataset with `PARAMCD` and `AVAL` (such as ADQS, ADLB or ADEFF), "
            "so there are no measurements. Add one.")
    if len(by_kind.get("adsl", [])) > 1:
        labels = " and ".join(lab for lab, _ in by_kind["adsl"][:2])
        raise TrialDataError(f"{labels} both look like ADSL (one row per subject); upload "
                             "one subject-level dataset.")
    tables = {}
    offsets: dict = {}
    parts = [_measurements(lab, df, codes, warnings, offsets) for lab, df in by_kind["bds"]]
    meas = pd.concat(parts) if len(parts) > 1 else parts[0]
    tables["measurements"] = (" + ".join(lab for lab, _ in by_kind["bds"]), meas)
    if "adsl" in by_kind:
        lab, df = by_kind["adsl"][0]
        tables["subjects"] = (lab, _subjects(lab, df))
        from .periods import from_adsl  # crossover periods (TRTxxA, APxxSDT)

        periods = from_adsl(df)
        if periods is not None:
            tables["periods"] = (lab, periods)
    else:
        warnings.append("No ADSL dataset: subjects and arms were taken from the BDS and "
                        "ADAE datasets.")
        lab = by_kind["bds"][0][0]
        tables["subjects"] = (lab, _arm_from(by_kind["bds"] + by_kind.get("adae", [])))
    if "adae" in by_kind:
        lab, df = by_kind["adae"][0]
        tables["adverse_events"] = (lab, _events(lab, df, warnings, offsets))
    if "ce" in by_kind:
        lab, df = by_kind["ce"][0]
        tables["relapses"] = (lab, _relapses(lab, df, warnings, offsets))
    return tables
