"""Registry-size scatter plots: a fixed random sample of subjects, stated on the chart."""

from __future__ import annotations

import numpy as np
import pandas as pd


def sample_subjects(frame: pd.DataFrame, limit: int, seed: int = 0) -> tuple[pd.DataFrame, int]:
    """The rows of at most ``limit`` random subjects, and how many there were (0: all kept).

    Examples
    --------
    >>> f = pd.DataFrame({"subject_id": list("abcdef"), "x": range(6)})
    >>> kept, n = sample_subjects(f, 4)
    >>> len(kept), n, sample_subjects(f, 10)[1]
    (4, 6, 0)
    """
    ids = frame["subject_id"].unique()
    if len(ids) <= limit:
        return frame, 0
    keep = np.random.default_rng(seed).choice(ids, limit, replace=False)
    return frame[frame["subject_id"].isin(keep)], len(ids)


def dot_marker(color: str, sampled: bool) -> dict:
    """Scatter markers: small and see-through for a registry-size sample."""
    return dict(size=5 if sampled else 10, color=color, opacity=0.5 if sampled else 0.8,
                line=dict(color="white", width=0 if sampled else 1))


def sample_note(frame: pd.DataFrame, limit: int) -> str:
    """The subtitle line saying the dots are a sample (empty when every subject is drawn).

    >>> f = pd.DataFrame({"subject_id": list("abc"), "arm": "All"})
    >>> sample_note(f, 5), sample_note(f, 2)
    ('', '<br><sup>Dots: 2 random subjects per arm (up to 3); the line and r use every subject</sup>')
    """
    n = int(frame.groupby("arm", observed=True)["subject_id"].nunique().max()) if len(
        frame) else 0
    if n <= limit:
        return ""
    return (f"<br><sup>Dots: {limit:,} random subjects per arm (up to {n:,}); "
            "the line and r use every subject</sup>")
