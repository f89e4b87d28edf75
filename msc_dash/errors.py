"""The package's exception and warning types.

One error type for bad input (:class:`TrialDataError`) and one warning type
(:class:`TrialDataWarning`), so callers catch exactly what the data can cause.
"""

from __future__ import annotations

__all__ = ["TrialDataError", "TrialDataWarning"]


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


class TrialDataWarning(UserWarning):
    """A non-fatal oddity in trial data (also kept in ``Trial.warnings``)."""
