"""Constants and tiny helpers shared by analyses, figures and the app (defined once here).

Examples
--------
>>> round(DAYS_PER_MONTH, 4), to_float("x"), to_float("1.5")
(30.4375, nan, 1.5)
"""

from __future__ import annotations

import math

__all__ = ["DAYS_PER_YEAR", "DAYS_PER_MONTH", "to_float"]

#: Days per year (Julian year), for patient-years and slopes per year.
DAYS_PER_YEAR = 365.25
#: Days per month, for time axes in months.
DAYS_PER_MONTH = DAYS_PER_YEAR / 12


def to_float(x) -> float:
    """``float(x)``, or NaN when ``x`` is not a number (None, text, NA)."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan
