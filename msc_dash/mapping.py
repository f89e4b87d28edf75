"""Column mapping: from the names in a user's file to the names msc_dash expects.

A mapping is a plain ``dict`` from a source column name to a target: a
canonical column of one of the four tables (``subject_id``, ``visit``, ...)
or an outcome code of the registry (``T25FW``). It is proposed from the names
(:func:`propose_mapping`), confirmed by the user, applied to tables
(:func:`apply_mapping`) and saved as JSON (:func:`mapping_to_json`) so the
same export maps the same way next time.
"""

from __future__ import annotations

import difflib
import functools
import json
import re

import pandas as pd

from .errors import TrialDataError
from .outcomes import NHPT_HANDS, REGISTRY, looks_timed
from .trial import TABLES

__all__ = [
    "TARGETS",
    "IGNORE",
    "normalise",
    "exact_target",
    "outcome_target",
    "propose_mapping",
    "apply_mapping",
    "mapping_to_json",
    "mapping_from_json",
    "check_mapping",
    "arm_candidates",
]

#: Target meaning "drop this column".
IGNORE = "(ignore)"

_COLUMNS = tuple(dict.fromkeys(c for req, opt in TABLES.values() for c in (*req, *opt)))

#: Every allowed target: canonical columns, registry outcome codes and IGNORE.
TARGETS: tuple[str, ...] = (*_COLUMNS, *REGISTRY.codes, IGNORE)

#: Other names of the table columns seen in real exports, already normalised (see
#: normalise()); an outcome's other names are its registry ``Outcome.aliases``.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "subject_id": ("subject", "subjectid", "subjid", "usubjid", "patient", "patientid",
                   "patientno", "patientnumber", "participant", "participantid", "pid",
                   "id", "caseid", "studyid"),
    "arm": ("group", "treatment", "treatmentarm", "trt01a", "trt01p", "trta", "trtp",
            "randomisation", "randomization", "studyarm", "treatmentgroup", "trtgroup",
            "studygroup", "randomisedto", "randomizedto", "randomisationgroup",
            "randomizationgroup", "randomisationarm", "randomizationarm", "allocation",
            "allocatedto", "allocationgroup", "treatmentallocation", "actualarm",
            "plannedarm", "trt", "intervention", "interventiongroup"),
    "ms_type": ("mstype", "diseasecourse", "course", "phenotype", "mscourse",
                "diseasetype", "type"),
    "sex": ("gender",),
    "age": ("ageyears", "ageatbaseline", "baselineage"),
    "disease_duration_years": ("diseaseduration", "duration", "durationyears",
                               "yearssinceonset", "durdis"),
    "baseline_edss": ("edssbaseline", "edssatbaseline", "edssbl", "baseedss"),
    "route": ("administrationroute", "injectionroute"),
    "bmi": ("bodymassindex", "bmibl"),
    "visit": ("visitname", "timepoint", "avisit", "visitlabel", "time"),
    "day": ("visitday", "studyday", "days", "daysincebaseline", "daysfrombaseline",
            "ady", "dayssincebaseline", "dayfrombaseline", "dayssincefirstinjection",
            "daysfromfirstinjection", "dayssincefirstdose", "daysfromfirstdose",
            "dayssincetreatmentstart"),
    "outcome": ("measure", "test", "parameter", "paramcd", "endpoint", "variable",
                "outcomecode", "assessment"),
    "value": ("result", "score", "aval", "measurement", "reading", "val"),
    "term": ("aeterm", "aedecod", "event", "adverseevent", "preferredterm", "ae",
             "eventterm"),
    "onset_day": ("onset", "onsetday", "astdy", "aestdy", "startday", "eventday"),
    "body_system": ("bodysystem", "aebodsys", "soc", "systemorganclass", "organclass"),
    "severity": ("aesev", "grade", "intensity"),
    "serious": ("aeser", "sae", "isserious"),
    "related": ("relatedness", "relationship", "aerel", "arel", "causality"),
    "injection_number": ("injection", "injectionno", "injectionnumber", "dosenumber",
                         "dose", "injno", "cycle"),
    "dose_million_cells": ("dosemillioncells", "cells", "celldose", "millioncells",
                           "dosecells"),
}

_UNIT = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# a 9-Hole Peg Test name (9HPT, 9-HPT, NHPT, nine-hole peg, peg test), normalised
_NHPT = re.compile(r"9hpt|ninehpt|nhpt|9holepeg|nineholepeg|9hp|pegtest|9hole|ninehole")
_NON_DOMINANT = re.compile(r"nondom|ndh|nonpreferred|weakerhand|(?<![0-9])nd$")
_DOMINANT = re.compile(r"dom|dh$|preferred|strongerhand")
# words naming the randomised group, and words that make such a name something else
_ARM_WORDS = {"arm", "arms", "treatment", "treatments", "trt", "group", "groups",
              "randomisation", "randomization", "randomised", "randomized", "allocation",
              "allocated", "cohort", "intervention"}
_NOT_ARM = {"day", "days", "date", "dose", "start", "end", "duration", "time", "number",
            "no", "count", "age", "sex", "blood", "site", "centre", "center", "id"}


def normalise(name: str) -> str:
    """Lowercase ``name`` and keep only letters and digits, units in brackets removed.

    Examples
    --------
    >>> normalise("Timed 25ft walk (s)")
    'timed25ftwalk'
    >>> normalise(" Subject_ID ")
    'subjectid'
    """
    text = _UNIT.sub("", str(name)).strip() or str(name)
    return re.sub(r"[^0-9a-z]", "", text.lower())


@functools.cache
def _lexicon() -> dict[str, str]:
    """normalised name -> target, for exact matching."""
    return _first_wins([*_exact().items(),
                        *((normalise(o.label), o.code) for o in REGISTRY),
                        *((n, target) for target, names in _SYNONYMS.items() for n in names),
                        *((n, o.code) for o in REGISTRY for n in o.aliases)])


def _first_wins(pairs) -> dict[str, str]:
    """``name -> target`` of ``(name, target)`` pairs, the first pair of a name winning."""
    out: dict[str, str] = {}
    for name, target in pairs:
        out.setdefault(name, target)
    return out


def exact_target(name: str) -> str | None:
    """The target ``name`` means without guessing (case, spaces, units ignored), or None.

    Examples
    --------
    >>> exact_target("Subject ID"), exact_target("T25FW (s)"), exact_target("vaule")
    ('subject_id', 'T25FW', None)
    """
    return _exact().get(normalise(name))


@functools.cache
def _exact() -> dict[str, str]:
    return _first_wins((normalise(target), target) for target in TARGETS[:-1])


def outcome_target(name: str) -> str | None:
    """The registry code ``name`` clearly denotes (code, label or known synonym), or None.

    Examples
    --------
    >>> outcome_target("Timed 25ft walk (s)"), outcome_target("9HPT"), outcome_target("Age")
    ('T25FW', 'NHPT', None)
    """
    target = _lexicon().get(normalise(name))
    return target if target in REGISTRY else None


def propose_mapping(columns) -> dict[str, str]:
    """Propose a target for each column name that resembles a known one.

    Exact matches (ignoring case, spaces, punctuation and units in brackets)
    and known synonyms come first, then close spellings (difflib ratio >= 0.8).
    Each target is proposed for at most one column; columns without a
    confident match are left out.

    Parameters
    ----------
    columns : iterable of str

    Returns
    -------
    dict
        ``{column: target}`` with targets from :data:`TARGETS`.

    Examples
    --------
    >>> propose_mapping(["Patient ID", "Visit day", "Timed 25ft walk (s)", "9HPT", "Notes"])
    {'Patient ID': 'subject_id', 'Visit day': 'day', 'Timed 25ft walk (s)': 'T25FW', '9HPT': 'NHPT'}
    """
    lex = _lexicon()
    columns = [str(c) for c in columns]
    scored: list[tuple[float, int, str, str]] = []
    for i, col in enumerate(columns):
        norm = normalise(col)
        if not norm:
            continue
        target, score = _target_of(col, norm, lex)
        if target is None:
            continue
        if looks_timed(col) and target in REGISTRY and REGISTRY[target].better == "higher":
            continue  # a timed test is never mapped to a higher-is-better outcome
        scored.append((score, i, col, target))
    proposal: dict[str, str] = {}
    taken: set[str] = set()
    for _score, _i, col, target in sorted(scored, key=lambda s: (-s[0], s[1])):
        if target not in taken:
            proposal[col] = target
            taken.add(target)
    return {c: proposal[c] for c in columns if c in proposal}


def _target_of(col: str, norm: str, lex: dict[str, str]) -> tuple[str | None, float]:
    """The proposed target of one column and how sure (1 = exact), or (None, 0)."""
    hand = _nhpt_hand(norm)
    if hand is not None:
        return hand, 1.0
    if norm in lex:
        return lex[norm], 1.0
    words = set(re.findall(r"[a-z]+", _UNIT.sub(" ", col.lower())))
    if words & _ARM_WORDS and not words & _NOT_ARM:
        return "arm", 0.9
    close = difflib.get_close_matches(norm, list(lex), n=1, cutoff=0.8)
    if close:
        return lex[close[0]], difflib.SequenceMatcher(None, norm, close[0]).ratio()
    return None, 0.0


def _nhpt_hand(norm: str) -> str | None:
    """``NHPT_DH`` / ``NHPT_NDH`` for a 9-Hole Peg Test name that names a hand."""
    match = _NHPT.search(norm)
    if match is None:
        return None
    rest = (norm[:match.start()] + norm[match.end():]).replace("hand", "")
    if _NON_DOMINANT.search(rest):
        return NHPT_HANDS[1]
    if _DOMINANT.search(rest):
        return NHPT_HANDS[0]
    return None


def arm_candidates(frame: pd.DataFrame, mapping: dict[str, str], *,
                   max_levels: int = 4) -> list[str]:
    """Unmapped columns that could be the arm: 2 to ``max_levels`` repeated values per subject.

    A candidate is constant within each subject (the column mapped to
    ``subject_id``), has 2 to ``max_levels`` distinct values and at least two
    subjects in each. Empty when a column is already mapped to ``arm`` or
    none is mapped to ``subject_id``.

    Examples
    --------
    >>> df = pd.DataFrame({"Pt": list("aabbccdd"), "Visit": ["BL", "M6"] * 4,
    ...                    "Cohort": list("XXXXYYYY"), "Site": list("11111111")})
    >>> arm_candidates(df, {"Pt": "subject_id", "Visit": "visit"})
    ['Cohort']
    """
    targets = {t: c for c, t in mapping.items()}
    sid = targets.get("subject_id")
    if "arm" in targets or sid not in frame.columns:
        return []
    out = []
    for col in frame.columns:
        if col == sid or str(col) in mapping:
            continue
        values = frame[[sid, col]].dropna()
        per_subject = values.drop_duplicates()
        if per_subject[sid].duplicated().any():
            continue  # changes within a subject: not a group
        counts = per_subject[col].astype(str).value_counts()
        if 2 <= len(counts) <= max_levels and (counts >= 2).all():
            out.append(str(col))
    return out


def apply_mapping(frame: pd.DataFrame, mapping: dict[str, str] | None) -> pd.DataFrame:
    """Rename (or drop, for :data:`IGNORE`) the columns of ``frame`` named in ``mapping``.

    Values of an ``outcome`` column that are mapping keys are renamed too, so a
    long file with ``Timed 25ft walk`` in its outcome column maps like a wide one.

    Examples
    --------
    >>> df = pd.DataFrame({"Patient ID": ["a"], "Notes": ["x"]})
    >>> list(apply_mapping(df, {"Patient ID": "subject_id", "Notes": IGNORE}).columns)
    ['subject_id']
    """
    if not mapping:
        return frame
    drop = [c for c in frame.columns if mapping.get(str(c)) == IGNORE]
    out = frame.drop(columns=drop)
    rename = {c: mapping[str(c)] for c in out.columns
              if str(c) in mapping and mapping[str(c)] != str(c)}
    targets = list(rename.values())
    dupes = sorted({t for t in targets if targets.count(t) > 1 or t in
                    set(out.columns) - set(rename)})
    if dupes:
        raise TrialDataError(
            f"The column mapping sends two columns to `{dupes[0]}`; "
            "map exactly one column to each name.")
    out = out.rename(columns=rename)
    if "outcome" in out:
        codes = {k: v for k, v in mapping.items() if v in REGISTRY}
        if codes:
            out["outcome"] = out["outcome"].map(lambda v: codes.get(v, v))
    return out


def mapping_to_json(mapping: dict[str, str]) -> str:
    """Serialise a mapping (validated) to JSON text.

    Examples
    --------
    >>> mapping_from_json(mapping_to_json({"Patient ID": "subject_id"}))
    {'Patient ID': 'subject_id'}
    """
    mapping = _validate(mapping)
    return json.dumps({"msc_dash_mapping": 1, "columns": mapping}, indent=2,
                      ensure_ascii=False)


def mapping_from_json(text: str | bytes) -> dict[str, str]:
    """Read a mapping saved by :func:`mapping_to_json` (or a plain ``{str: str}`` object).

    Raises
    ------
    TrialDataError
        If the text is not JSON, not an object of strings, too large, or maps
        to a name outside :data:`TARGETS`.
    """
    if isinstance(text, (bytes, bytearray)):
        if len(text) > 200_000:
            raise TrialDataError("The mapping file is larger than 200 kB; it cannot be a "
                                 "column mapping.")
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TrialDataError("The mapping file is not UTF-8 text.") from None
    if len(text) > 200_000:
        raise TrialDataError("The mapping file is larger than 200 kB.")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise TrialDataError("The mapping file is not valid JSON; save it again from the "
                             "Data page.") from None
    if isinstance(data, dict) and "columns" in data:
        data = data["columns"]
    return _validate(data)


def check_mapping(mapping) -> dict[str, str]:
    """``mapping`` as a plain dict if it maps text to allowed targets, else TrialDataError.

    Examples
    --------
    >>> check_mapping({"Patient": "subject_id"})
    {'Patient': 'subject_id'}
    """
    return _validate(mapping)


def _validate(mapping) -> dict[str, str]:
    if not isinstance(mapping, dict):
        raise TrialDataError("A column mapping must be an object of `source column`: "
                             "`target` pairs.")
    if len(mapping) > 1000:
        raise TrialDataError("A column mapping may have at most 1000 entries.")
    out: dict[str, str] = {}
    for key, target in mapping.items():
        if not isinstance(key, str) or not isinstance(target, str) or len(key) > 300:
            raise TrialDataError("A column mapping may only map text to text; "
                                 f"found {key!r}: {target!r}.")
        if target not in TARGETS:
            close = difflib.get_close_matches(target, TARGETS, n=1)
            hint = f" — did you mean `{close[0]}`?" if close else ""
            raise TrialDataError(
                f"The column mapping sends `{key}` to `{target}`, which is not a known "
                f"column or outcome code{hint} Allowed: {', '.join(TARGETS)}.")
        out[key] = target
    return out
