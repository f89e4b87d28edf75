"""Plain summaries of a loaded trial for the Data page.
"""

from __future__ import annotations

import pandas as pd

from ..trial import TABLES, Trial


# ------------------------------------------------------------ data summaries
def visit_summary(trial: Trial) -> pd.DataFrame:
    """One row per visit in order: ``visit``, ``day`` (median), ``n_subjects``, ``n_values``.

    Examples
    --------
    >>> from msc_dash.io import load_trial
    >>> csv = b"subject_id,visit,day,outcome,value\\na,BL,0,EDSS,6\\na,M6,170,EDSS,6\\nb,BL,0,EDSS,5\\n"
    >>> visit_summary(load_trial(csv, name="m.csv")).to_dict("list")
    {'visit': ['BL', 'M6'], 'day': [0.0, 170.0], 'n_subjects': [2, 1], 'n_values': [2, 1]}
    """
    m = trial.measurements
    days = trial.visit_days
    grouped = m.groupby("visit")
    return pd.DataFrame({
        "visit": list(days.index),
        "day": days.to_numpy(dtype=float),
        "n_subjects": grouped["subject_id"].nunique().reindex(days.index).to_numpy(dtype=int),
        "n_values": grouped.size().reindex(days.index).to_numpy(dtype=int),
    })



def outcome_summary(trial: Trial) -> pd.DataFrame:
    """One row per outcome: ``outcome``, ``label``, ``domain``, ``unit``, ``better``,
    ``rule``, ``known``, ``n_subjects``, ``n_values``.

    Examples
    --------
    >>> from msc_dash.io import load_trial
    >>> csv = b"subject_id,visit,day,outcome,value\\na,BL,0,EDSS,6\\na,BL,0,GRIP,30\\n"
    >>> outcome_summary(load_trial(csv, name="m.csv"))[["outcome", "domain", "known"]].to_dict("list")
    {'outcome': ['EDSS', 'GRIP'], 'domain': ['disability', 'other'], 'known': [True, False]}
    """
    m = trial.measurements
    rows = []
    for code in trial.outcomes:
        o = trial.outcome(code)
        part = m[m["outcome"] == code]
        rows.append({"outcome": code, "label": o.label, "domain": o.domain, "unit": o.unit,
                     "better": o.better, "rule": o.rule_text, "known": o.known,
                     "n_subjects": int(part["subject_id"].nunique()),
                     "n_values": len(part)})
    return pd.DataFrame(rows, columns=["outcome", "label", "domain", "unit", "better", "rule",
                                       "known", "n_subjects", "n_values"])



def table_summary(trial: Trial) -> pd.DataFrame:
    """Rows and columns of each of the four tables.

    Examples
    --------
    >>> from msc_dash.io import load_trial
    >>> csv = b"subject_id,visit,day,outcome,value\\na,BL,0,EDSS,6\\n"
    >>> table_summary(load_trial(csv, name="m.csv"))["rows"].tolist()
    [1, 1, 0, 0, 0]
    """
    rows = []
    for name in TABLES:
        frame = getattr(trial, name)
        rows.append({"table": name, "rows": len(frame),
                     "columns": ", ".join(map(str, frame.columns))})
    return pd.DataFrame(rows)
