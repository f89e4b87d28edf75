"""Sidebar subgroup filters (placeholder until the filters issue lands)."""

from __future__ import annotations


def sidebar_filters(trial):
    """Draw the filters and return the filtered trial."""
    return trial
