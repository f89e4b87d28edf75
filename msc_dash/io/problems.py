"""Problems found in the user's tables, collected rather than raised one by one.

Each check raises a :class:`~msc_dash.errors.TrialDataError` holding
:class:`~msc_dash.errors.Problem` records (file, column, rows, message, fix);
:class:`Problems` runs the checks, keeps every record and raises them together.
"""

from __future__ import annotations

import numpy as np

from ..errors import Problem, TrialDataError


class MissingColumnsError(TrialDataError):
    """A table lacks required columns; ``columns`` lists the names that were found.

    The app offers a column mapping for these names.
    """

    def __init__(self, message: str = "", columns=(), label: str = "", *, problems=()) -> None:
        super().__init__(message, problems=problems)
        self.columns = list(columns)
        self.label = label


def _rows(index, limit: int = 5) -> str:
    idx = list(index)
    text = ", ".join(str(i) for i in idx[:limit])
    if len(idx) > limit:
        text += f" and {len(idx) - limit} more"
    return ("row " if len(idx) == 1 else "rows ") + text


def _count(n, noun: str) -> str:
    """``'1 row'``, ``'3 rows'``."""
    n = int(n)
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _verb(index, one: str, many: str) -> str:
    return one if len(index) == 1 else many


def problem(code: str, label: str, message: str, fix: str = "", *, column: str = "",
            rows=()) -> Problem:
    """A :class:`~msc_dash.errors.Problem` whose rows are the file's row numbers."""
    return Problem(code, label, column, tuple(int(r) if isinstance(r, (int, np.integer)) else r
                                              for r in list(rows)[:1000]), message, fix)


def _fail(code: str, label: str, message: str, fix: str = "", *, column: str = "",
          rows=()) -> TrialDataError:
    return TrialDataError(problems=[problem(code, label, message, fix, column=column, rows=rows)])


class Problems(list):
    """Every problem found so far; checks run through :meth:`run` keep going.

    Examples
    --------
    >>> def positive(x, label):
    ...     if x <= 0:
    ...         raise _fail("not_positive", label, f"{x} is not positive.", column="x")
    >>> found = Problems()
    >>> found.run(positive, -1, "a.csv"), found.run(positive, 2, "b.csv")
    (None, None)
    >>> [(p.file, p.code) for p in found]
    [('a.csv', 'not_positive')]
    """

    missing_columns: MissingColumnsError | None = None

    def run(self, check, *args, fallback=None, **kwargs):
        """``check(*args, **kwargs)``; on a :class:`TrialDataError` record it, return ``fallback``."""
        try:
            return check(*args, **kwargs)
        except TrialDataError as exc:
            self.extend(exc.problems)
            if isinstance(exc, MissingColumnsError) and self.missing_columns is None:
                self.missing_columns = exc
            return fallback

    def raise_all(self) -> None:
        """Raise one error holding every problem (a column mapping can fix the first)."""
        if not self:
            return
        miss = self.missing_columns
        if miss is not None:
            raise MissingColumnsError("", miss.columns, miss.label, problems=tuple(self))
        raise TrialDataError(problems=tuple(self))
