"""The package's exception type and its structured problem records.

One error type for bad input (:class:`TrialDataError`), so callers catch
exactly what the data can cause. A check does not stop at the first problem:
the loader collects every :class:`Problem` (the pattern of pandera's lazy
validation and frictionless' reports) and raises one error holding all of
them. Harmless oddities are not warnings: they are kept as sentences in
``Trial.warnings``, which the app and the report list.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["Problem", "TrialDataError"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, for people (``str``) and machines (``as_dict``).

    Attributes
    ----------
    code : str
        What kind of problem, e.g. ``missing_column``, ``not_numeric``,
        ``out_of_range``, ``duplicate``, ``empty_cell``, ``no_baseline``,
        ``unknown_subject``; ``invalid`` when not classified.
    file : str
        The file (or sheet, ``book.xlsx [measurements]``) it is in; "" when none.
    column : str
        The column concerned, or "".
    rows : tuple of int
        The offending rows as numbered in the file (header = row 1), or ().
    message : str
        What is wrong, without the file name.
    fix : str
        How to fix it, or "".

    Examples
    --------
    >>> p = Problem("not_numeric", "m.csv", "value", (3,),
    ...             "column `value` must hold numbers, but row 3 holds text (`high`).",
    ...             "Use plain numbers.")
    >>> str(p)
    'm.csv: column `value` must hold numbers, but row 3 holds text (`high`). Use plain numbers.'
    >>> p.as_dict()["rows"]
    [3]
    """

    code: str
    file: str = ""
    column: str = ""
    rows: tuple[int, ...] = ()
    message: str = ""
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.file}: {self.message}" if self.file else self.message
        return f"{text} {self.fix}" if self.fix else text

    def as_dict(self) -> dict:
        """The record as JSON-ready values."""
        out = asdict(self)
        out["rows"] = [int(r) if isinstance(r, int) or str(r).lstrip("-").isdigit() else str(r)
                       for r in self.rows]
        return out


class TrialDataError(ValueError):
    """Trial data that cannot be used as given.

    Holds every problem found (``.problems``, a tuple of :class:`Problem`);
    its text lists them all, so it can be shown to a user as it is. Raised
    with a plain message it holds one unclassified problem.

    Examples
    --------
    >>> raise TrialDataError("measurements.csv: column `value` is missing.")
    Traceback (most recent call last):
    ...
    msc_dash.errors.TrialDataError: measurements.csv: column `value` is missing.
    >>> err = TrialDataError(problems=[Problem("duplicate", "s.csv", message="a twice."),
    ...                                Problem("empty_cell", "m.csv", message="b empty.")])
    >>> print(err)
    2 problems in the data:
    1. s.csv: a twice.
    2. m.csv: b empty.
    >>> [p.code for p in err.problems]
    ['duplicate', 'empty_cell']
    """

    def __init__(self, message: str = "", *, problems=()):
        problems = tuple(problems)
        if not problems:
            problems = (Problem("invalid", message=str(message)),)
        if not message:
            message = _listing(problems)
        self.problems = problems
        super().__init__(message)


def _listing(problems: tuple[Problem, ...]) -> str:
    if len(problems) == 1:
        return str(problems[0])
    return f"{len(problems)} problems in the data:\n" + "\n".join(
        f"{i}. {p}" for i, p in enumerate(problems, 1))
