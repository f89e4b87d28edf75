"""Tiny trials for the documentation's examples.

Each docstring example of the package that needs a trial small enough to
check by hand builds it here, so the data are written once and the printed
numbers can be followed:

:func:`tiny_trial`
    Four subjects ``a``-``d``, one arm ("All"), SDMT (correct answers) at
    ``BL`` (day 0) and ``M12`` (day 365):

    ========  ==  ===  ======
    subject   BL  M12  change
    ========  ==  ===  ======
    a         40  44   +4
    b         52  55   +3
    c         38  39   +1
    d         45  50   +5
    ========  ==  ===  ======

    Mean change 3.25; with the registry's 4-point SDMT rule a and d improved,
    b and c are stable.
:func:`events_trial`
    ``n`` subjects ``a``, ``b``, ``c``, ... with one measurement (subject
    ``a``'s SDMT of 40 at baseline) and the adverse events and injections
    an example gives: a trial for the safety examples.
:func:`onset_events`
    Three adverse events of subject ``a``: Flu (onset day -5, before
    treatment), Rash (day 3, treatment-emergent) and Cough (no onset day, so
    unknown).
"""

from __future__ import annotations

import string

import pandas as pd

from .trial import Trial

__all__ = ["tiny_trial", "events_trial", "onset_events"]

_TINY_BL = [40, 52, 38, 45]
_TINY_M12 = [44, 55, 39, 50]


def tiny_trial() -> Trial:
    """Four subjects, SDMT at baseline and month 12 (the table of the module docstring).

    Examples
    --------
    >>> t = tiny_trial()
    >>> t.n_subjects, t.outcomes, t.visits
    (4, ['SDMT'], ['BL', 'M12'])
    >>> t.long().query("subject_id == 'd'")[["visit", "day", "value"]].values.tolist()
    [['BL', 0, 45.0], ['M12', 365, 50.0]]
    """
    ids = list("abcd")
    m = pd.DataFrame({"subject_id": ids * 2, "visit": ["BL"] * 4 + ["M12"] * 4,
                      "day": [0] * 4 + [365] * 4, "outcome": "SDMT",
                      "value": _TINY_BL + _TINY_M12})
    return Trial.from_tables(pd.DataFrame({"subject_id": ids}), m)


def events_trial(n: int = 1, adverse_events: pd.DataFrame | None = None,
                 injections: pd.DataFrame | None = None) -> Trial:
    """``n`` subjects (a, b, ...), one baseline SDMT value and the events given.

    Parameters
    ----------
    n : int
        Subjects, named ``a``, ``b``, ``c``, ... (at most 26).
    adverse_events, injections : pandas.DataFrame, optional
        The adverse-event and injection tables, as :meth:`Trial.from_tables` takes them.

    Examples
    --------
    >>> ae = pd.DataFrame({"subject_id": ["a", "a", "b"], "term": ["Headache"] * 3})
    >>> t = events_trial(3, ae)
    >>> t.n_subjects, len(t.adverse_events), t.long()[["subject_id", "visit", "value"]].values.tolist()
    (3, 3, [['a', 'BL', 40.0]])
    """
    subjects = pd.DataFrame({"subject_id": list(string.ascii_lowercase[:n])})
    m = pd.DataFrame({"subject_id": ["a"], "visit": ["BL"], "day": [0], "outcome": ["SDMT"],
                      "value": [40.0]})
    return Trial.from_tables(subjects, m, adverse_events, injections)


def onset_events() -> pd.DataFrame:
    """Subject ``a``'s events before, after and at an unknown time from the start of treatment.

    Examples
    --------
    >>> events_trial(1, onset_events()).adverse_events[["term", "onset_day"]].values.tolist()
    [['Flu', -5.0], ['Rash', 3.0], ['Cough', nan]]
    """
    return pd.DataFrame({"subject_id": "a", "term": ["Flu", "Rash", "Cough"],
                         "onset_day": [-5, 3, None]})
