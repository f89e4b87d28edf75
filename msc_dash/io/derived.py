"""Outcomes derived from others at load time: NHPT from both hands, the MSFC composite.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..outcomes import MSFC_REFERENCE, NHPT_HANDS
from ..trial import TABLES

_KEYS = ["subject_id", "visit"]


def _wide(measurements: pd.DataFrame, codes) -> pd.DataFrame:
    """One row per subject x visit that has a value of each of ``codes``: the value
    (column ``code``), its ``day_<code>`` and ``pos_<code>`` (row position)."""
    outcome, uniques = pd.factorize(measurements["outcome"])
    cols = {k: measurements[k].to_numpy() for k in (*_KEYS, "day", "value")}
    wide = None
    for code in codes:
        pos = np.flatnonzero(outcome == list(uniques).index(code))
        part = pd.DataFrame({"subject_id": cols["subject_id"][pos], "visit": cols["visit"][pos],
                             code: cols["value"][pos], f"day_{code}": cols["day"][pos],
                             f"pos_{code}": pos})
        part = part.loc[part[code].notna()].drop_duplicates(_KEYS)  # the first value
        wide = part if wide is None else wide.merge(part, on=_KEYS, how="inner")
    return wide


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
    cols = list(TABLES["measurements"][0])
    outcomes = set(pd.unique(measurements["outcome"]))
    if "NHPT" in outcomes or not set(NHPT_HANDS) <= outcomes:
        return pd.DataFrame(columns=cols)
    wide = _wide(measurements, NHPT_HANDS)
    if wide.empty:
        return pd.DataFrame(columns=cols)
    dh, ndh = NHPT_HANDS
    out = wide[_KEYS].copy()
    out["day"] = np.where(wide[f"pos_{dh}"] < wide[f"pos_{ndh}"], wide[f"day_{dh}"],
                          wide[f"day_{ndh}"])
    out["outcome"] = "NHPT"
    out["value"] = (wide[dh].astype(float) + wide[ndh].astype(float)) / 2
    return out[cols].reset_index(drop=True)


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
    cols = list(TABLES["measurements"][0])
    parts = ("T25FW", "NHPT", "PASAT")
    outcomes = set(pd.unique(measurements["outcome"]))
    if "MSFC" in outcomes or not set(parts) <= outcomes:
        return pd.DataFrame(columns=cols)
    wide = _wide(measurements, parts)
    if wide.empty:
        return pd.DataFrame(columns=cols)
    (nhpt_m, nhpt_sd), (t25_m, t25_sd), (pasat_m, pasat_sd) = (
        MSFC_REFERENCE["NHPT_RECIPROCAL"], MSFC_REFERENCE["T25FW"], MSFC_REFERENCE["PASAT"])
    nhpt, t25, pasat = (wide[c].astype(float) for c in ("NHPT", "T25FW", "PASAT"))
    out = wide[_KEYS].copy()
    out["day"] = wide["day_T25FW"]
    out["outcome"] = "MSFC"
    out["value"] = ((1 / nhpt - nhpt_m) / nhpt_sd - (t25 - t25_m) / t25_sd
                    + (pasat - pasat_m) / pasat_sd) / 3
    return out[cols].reset_index(drop=True)
