"""Presenter mode (filled in by the presenter issue)."""

from __future__ import annotations


def maybe_present(page) -> None:
    """Switch to presenter layout when asked; otherwise do nothing."""
    return None
