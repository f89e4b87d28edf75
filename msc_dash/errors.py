"""The package's exception type.

One error type for bad input (:class:`TrialDataError`), so callers catch
exactly what the data can cause. Harmless oddities are not warnings: they are
kept as sentences in ``Trial.warnings``, which the app and the report list.
"""

from __future__ import annotations

__all__ = ["TrialDataError"]


class TrialDataError(ValueError):
    """Trial data that cannot be used as given.

    The message names the file, the column, the first offending rows and the
    fix, so it can be shown to a user as it is.

    Examples
    --------
    >>> raise TrialDataError("measurements.csv: column `value` is missing.")
    Traceback (most recent call last):
    ...
    msc_dash.errors.TrialDataError: measurements.csv: column `value` is missing.
    """
