"""Outcomes derived from others at load time: NHPT from both hands, the MSFC composite.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..outcomes import MSFC_REFERENCE, NHPT_HANDS
from ..trial import TABLES

_KEYS = ["subject_id", "visit"]


def _parts(measurements: pd.DataFrame, derived: str, parts) -> pd.DataFrame | None:
    """:func:`_wide` of ``parts``; None if the data has its own ``derived`` or lacks a part."""
    outcomes = set(pd.unique(measurements["outcome"]))
    if derived in outcomes or not set(parts) <= outcomes:
        return None
    wide = _wide(measurements, parts)
    return None if wide.empty else wide


def _wide(measurements: pd.DataFrame, codes) -> pd.DataFrame:
    """One row per subject x visit that has a value of each of ``codes``: the
    ``pos_<code>`` (row position) of each, in the order of the first code's rows."""
    keys = np.zeros(len(measurements), dtype=np.int64)
    for col in _KEYS:
        k, uniques = pd.factorize(measurements[col], use_na_sentinel=False)
        keys = keys * (len(uniques) + 1) + k
    outcome, names = pd.factorize(measurements["outcome"])
    names = list(names)
    value_ok = measurements["value"].notna().to_numpy()
    wide = None
    for code in codes:
        pos = np.flatnonzero((outcome == names.index(code)) & value_ok)
        part = pd.DataFrame({"key": keys[pos], f"pos_{code}": pos}).drop_duplicates("key")
        wide = part if wide is None else wide.merge(part, on="key", how="inner")
    return wide


def _rows(measurements: pd.DataFrame, wide: pd.DataFrame, code: str, day_from: np.ndarray,
          value) -> pd.DataFrame:
    """The derived rows: keys from the first code's rows, ``day`` from ``day_from``."""
    first = wide.iloc[:, 1].to_numpy()
    out = pd.DataFrame({col: measurements[col].iloc[first].reset_index(drop=True)
                        for col in _KEYS})
    out["day"] = measurements["day"].iloc[day_from].to_numpy()
    out["outcome"] = code
    out["value"] = np.asarray(value, dtype=float)
    return out[list(TABLES["measurements"][0])]


def nhpt_from_hands(measurements: pd.DataFrame) -> pd.DataFrame:
    """NHPT rows: the mean of both hands' 9-Hole Peg Test times, per subject x visit.

    Only where both hands (``NHPT_DH``, ``NHPT_NDH``) were timed at the visit
    (the MSFC convention averages the two hands); nothing when the data has
    its own ``NHPT`` rows. The day is that of the hand timed first in the table.

    Examples
    --------
    >>> m = pd.DataFrame({"subject_id": "a", "visit": ["BL", "BL", "M6"], "day": [0, 0, 180],
    ...                   "outcome": ["NHPT_DH", "NHPT_NDH", "NHPT_DH"], "value": [20.0, 24.0, 19.0]})
    >>> nhpt_from_hands(m)[["visit", "outcome", "value"]].to_dict("records")
    [{'visit': 'BL', 'outcome': 'NHPT', 'value': 22.0}]
    """
    wide = _parts(measurements, "NHPT", NHPT_HANDS)
    if wide is None:
        return pd.DataFrame(columns=list(TABLES["measurements"][0]))
    a, b = (wide[f"pos_{hand}"].to_numpy() for hand in NHPT_HANDS)
    dh, ndh = (measurements["value"].to_numpy(dtype=float)[p] for p in (a, b))
    return _rows(measurements, wide, "NHPT", np.minimum(a, b), (dh + ndh) / 2)


def msfc_rows(measurements: pd.DataFrame) -> pd.DataFrame:
    """MSFC composite rows for every subject x visit with T25FW, NHPT and PASAT.

    z-scores against the MSFC task-force reference population (Fischer et al.
    1999; ``outcomes.MSFC_REFERENCE``), NHPT as the reciprocal of its time:
    MSFC = (z_NHPT - z_T25FW + z_PASAT) / 3. Nothing when the data has its
    own ``MSFC`` rows or lacks a component. The day is the T25FW's.

    Examples
    --------
    >>> m = pd.DataFrame({"subject_id": "a", "visit": "BL", "day": 0,
    ...                   "outcome": ["T25FW", "NHPT", "PASAT"], "value": [9.5353, 1 / 0.0439, 45.0311]})
    >>> round(float(msfc_rows(m)["value"].iloc[0]), 10)
    0.0
    """
    parts = ("T25FW", "NHPT", "PASAT")
    wide = _parts(measurements, "MSFC", parts)
    if wide is None:
        return pd.DataFrame(columns=list(TABLES["measurements"][0]))
    (nhpt_m, nhpt_sd), (t25_m, t25_sd), (pasat_m, pasat_sd) = (
        MSFC_REFERENCE["NHPT_RECIPROCAL"], MSFC_REFERENCE["T25FW"], MSFC_REFERENCE["PASAT"])
    value = measurements["value"].to_numpy(dtype=float)
    t25, nhpt, pasat = (value[wide[f"pos_{c}"].to_numpy()] for c in parts)
    z = ((1 / nhpt - nhpt_m) / nhpt_sd - (t25 - t25_m) / t25_sd
         + (pasat - pasat_m) / pasat_sd) / 3
    return _rows(measurements, wide, "MSFC", wide["pos_T25FW"].to_numpy(), z)
