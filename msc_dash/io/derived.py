"""Outcomes derived from others at load time: NHPT from both hands, the MSFC composite.
"""

from __future__ import annotations

import pandas as pd

from ..outcomes import MSFC_REFERENCE, NHPT_HANDS
from ..trial import TABLES


def nhpt_from_hands(measurements: pd.DataFrame) -> pd.DataFrame:
    """NHPT rows: the mean of both hands' 9-Hole Peg Test times, per subject x visit.

    Only where both hands (``NHPT_DH``, ``NHPT_NDH``) were timed at the visit
    (the MSFC convention averages the two hands); nothing when the data has
    its own ``NHPT`` rows.

    Examples
    --------
    >>> m = pd.DataFrame({"subject_id": "a", "visit": ["BL", "BL", "M6"], "day": [0, 0, 180],
    ...                   "outcome": ["NHPT_DH", "NHPT_NDH", "NHPT_DH"], "value": [20.0, 24.0, 19.0]})
    >>> nhpt_from_hands(m)[["visit", "outcome", "value"]].to_dict("records")
    [{'visit': 'BL', 'outcome': 'NHPT', 'value': 22.0}]
    """
    cols = list(TABLES["measurements"][0])
    outcomes = set(measurements["outcome"])
    if "NHPT" in outcomes or not set(NHPT_HANDS) <= outcomes:
        return pd.DataFrame(columns=cols)
    hands = measurements[measurements["outcome"].isin(NHPT_HANDS)]
    wide = hands.pivot_table(index=["subject_id", "visit"], columns="outcome", values="value",
                             aggfunc="first").dropna()
    if wide.empty:
        return pd.DataFrame(columns=cols)
    out = wide[list(NHPT_HANDS)].mean(axis=1).rename("value").reset_index()
    day = hands.groupby(["subject_id", "visit"])["day"].first()
    out["day"] = day.reindex(pd.MultiIndex.from_frame(out[["subject_id", "visit"]])).to_numpy()
    out["outcome"] = "NHPT"
    return out[cols]


def msfc_rows(measurements: pd.DataFrame) -> pd.DataFrame:
    """MSFC composite rows for every subject x visit with T25FW, NHPT and PASAT.

    z-scores against the MSFC task-force reference population (Fischer et al.
    1999; ``outcomes.MSFC_REFERENCE``), NHPT as the reciprocal of its time:
    MSFC = (z_NHPT - z_T25FW + z_PASAT) / 3. Nothing when the data has its
    own ``MSFC`` rows or lacks a component.

    Examples
    --------
    >>> m = pd.DataFrame({"subject_id": "a", "visit": "BL", "day": 0,
    ...                   "outcome": ["T25FW", "NHPT", "PASAT"], "value": [9.5353, 1 / 0.0439, 45.0311]})
    >>> round(float(msfc_rows(m)["value"].iloc[0]), 10)
    0.0
    """
    cols = list(TABLES["measurements"][0])
    parts = ("T25FW", "NHPT", "PASAT")
    if "MSFC" in set(measurements["outcome"]) or not set(parts) <= set(measurements["outcome"]):
        return pd.DataFrame(columns=cols)
    wide = measurements[measurements["outcome"].isin(parts)].pivot_table(
        index=["subject_id", "visit"], columns="outcome", values="value", aggfunc="first")
    wide = wide.dropna()
    if wide.empty:
        return pd.DataFrame(columns=cols)
    (nhpt_m, nhpt_sd), (t25_m, t25_sd), (pasat_m, pasat_sd) = (
        MSFC_REFERENCE["NHPT_RECIPROCAL"], MSFC_REFERENCE["T25FW"], MSFC_REFERENCE["PASAT"])
    z = ((1 / wide["NHPT"] - nhpt_m) / nhpt_sd - (wide["T25FW"] - t25_m) / t25_sd
         + (wide["PASAT"] - pasat_m) / pasat_sd) / 3
    day = (measurements[measurements["outcome"] == "T25FW"]
           .set_index(["subject_id", "visit"])["day"])
    out = z.rename("value").reset_index()
    out["day"] = day.reindex(pd.MultiIndex.from_frame(out[["subject_id", "visit"]])).to_numpy()
    out["outcome"] = "MSFC"
    return out[cols]
