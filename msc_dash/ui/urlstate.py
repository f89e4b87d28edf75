"""Shareable views: the view (data, filters, visit, outcome, page) <-> URL query parameters.

Pure functions, no Streamlit. A URL is untrusted input: only allow-listed
keys are read, values are plain strings or JSON lists of scalars parsed with
:func:`json.loads` (never ``eval``, never unpickled), with size limits. What
is not understood is reported as a problem and otherwise ignored; whether a
filter names a real column or value is checked later against the trial.

Query parameters
----------------
``data``      which data: ``single``, ``two_arm``, ``crossover`` (bundled samples) or ``upload``
``visit``     chosen visit (plain text)
``outcome``   chosen outcome code (plain text)
``page``      page name (letters, digits, ``_``, ``-``)
``f.<col>``   filter on subject column ``<col>``: a JSON list (categories, or
              ``[low, high]`` for a range) or one plain category
``family``    pre-specified outcomes of the multiplicity family, comma-separated
              codes (checked against the trial later)
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping

from .text import md_code, md_escape

__all__ = ["encode_view", "decode_view", "is_view_key", "DATA_CHOICES", "FILTER_PREFIX",
           "FOREIGN_KEYS"]

#: Values of the ``data`` parameter.
DATA_CHOICES = ("single", "two_arm", "crossover", "upload")
#: Prefix of filter parameters.
FILTER_PREFIX = "f."

_TEXT_KEYS = ("visit", "outcome")
#: Parameters owned by other parts (presenter mode, Streamlit embedding): skipped silently.
FOREIGN_KEYS = frozenset({"present", "slide", "contrast", "embed", "embed_options"})
_MAX_VALUE = 2000          # characters in one parameter value
_MAX_TEXT = 100            # characters in one category, visit or outcome
_MAX_ITEMS = 100           # values in one filter
_MAX_FILTERS = 40
_COLUMN = re.compile(r"^[\w][\w .()%/+-]{0,63}$")
_PAGE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_CODE = re.compile(r"^[\w.+-]{1,40}$")


def _scalar_ok(v) -> bool:
    if isinstance(v, bool) or v is None:
        return isinstance(v, bool)
    if isinstance(v, int):
        return abs(v) < 10**15
    if isinstance(v, float):
        return math.isfinite(v)
    return isinstance(v, str) and 0 < len(v) <= _MAX_TEXT and v.isprintable()


def _json_value(v):
    return v if not isinstance(v, tuple) else list(v)


def encode_view(view: Mapping) -> dict[str, str]:
    """Query parameters for a view.

    Parameters
    ----------
    view : mapping
        Optional keys ``data``, ``visit``, ``outcome``, ``page`` (str) and
        ``filters`` (column -> list of categories or ``(low, high)``).
        Empty or None values are left out.

    Returns
    -------
    dict of str to str
        Ready for ``st.query_params.from_dict``.

    Examples
    --------
    >>> encode_view({"data": "single", "filters": {"ms_type": ["SPMS"], "age": (40, 60)},
    ...              "visit": "Month 12", "outcome": None})
    {'data': 'single', 'visit': 'Month 12', 'f.age': '[40,60]', 'f.ms_type': 'SPMS'}
    """
    out: dict[str, str] = {}
    for key in ("data", "page", *_TEXT_KEYS):
        value = view.get(key)
        if value not in (None, ""):
            out[key] = str(value)
    if view.get("family"):
        out["family"] = ",".join(map(str, view["family"]))
    for column, rule in sorted((view.get("filters") or {}).items()):
        if rule is None:
            continue
        values = list(_json_value(rule)) if isinstance(rule, list | tuple | set | frozenset) \
            else [rule]
        values = [v.item() if hasattr(v, "item") else v for v in values]  # numpy scalars
        if isinstance(rule, tuple) or not (
                len(values) == 1 and isinstance(values[0], str) and not values[0].startswith(("[", "{"))):
            out[FILTER_PREFIX + str(column)] = json.dumps(values, separators=(",", ":"),
                                                          ensure_ascii=False)
        else:
            out[FILTER_PREFIX + str(column)] = values[0]
    return out


def is_view_key(key: str) -> bool:
    """True for the query parameters this module writes (the rest belong to others).

    Examples
    --------
    >>> is_view_key("f.age"), is_view_key("visit"), is_view_key("present")
    (True, True, False)
    """
    return key in ("data", "page", "family", *_TEXT_KEYS) or key.startswith(FILTER_PREFIX)


def _reject_constant(name):
    raise ValueError(f"{name} is not allowed")


def _parse_filter(raw: str):
    """A list of scalars from a filter parameter, or raise ValueError."""
    if raw.startswith("{"):
        raise ValueError("expected a list or one plain value")
    if not raw.startswith("["):
        if not _scalar_ok(raw):
            raise ValueError("not a plain value")
        return [raw]
    values = json.loads(raw, parse_constant=_reject_constant)
    if not isinstance(values, list) or not 0 < len(values) <= _MAX_ITEMS:
        raise ValueError(f"expected a list of 1 to {_MAX_ITEMS} values")
    if not all(_scalar_ok(v) for v in values):
        raise ValueError("values must be short texts or finite numbers")
    return values


def decode_view(params: Mapping) -> tuple[dict, list[str]]:
    """The view a URL asks for, and what in it was ignored.

    Parameters
    ----------
    params : mapping
        Query parameters (``st.query_params.to_dict()``; a list value counts
        as its last element).

    Returns
    -------
    view : dict
        Keys present among ``data``, ``visit``, ``outcome``, ``page`` (str)
        and ``filters`` (column -> list of scalars).
    problems : list of str
        One short message per ignored parameter.

    Examples
    --------
    >>> view, problems = decode_view({"f.ms_type": "SPMS", "f.age": "[40, 60]",
    ...                               "visit": "Month 12", "x": "__import__('os')"})
    >>> view
    {'visit': 'Month 12', 'filters': {'ms_type': ['SPMS'], 'age': [40, 60]}}
    >>> problems
    ['Ignored unknown link parameter `x`.']
    """
    view: dict = {}
    filters: dict = {}
    problems: list[str] = []
    for key, raw in params.items():
        key = str(key)
        if key in FOREIGN_KEYS:
            continue
        if isinstance(raw, list | tuple):
            raw = raw[-1] if raw else ""
        shown = key if len(key) <= 40 else key[:40] + "…"
        if not isinstance(raw, str) or len(raw) > _MAX_VALUE:
            problems.append(f"Ignored link parameter {md_code(shown)}: value too long.")
            continue
        if key == "data":
            if raw in DATA_CHOICES:
                view["data"] = raw
            else:
                problems.append(f"Ignored link parameter `data`: expected one of "
                                f"{', '.join(DATA_CHOICES)}.")
        elif key == "page":
            if _PAGE.match(raw):
                view["page"] = raw
            else:
                problems.append("Ignored link parameter `page`: not a page name.")
        elif key == "family":
            codes = [c.strip() for c in raw.split(",") if c.strip()]
            if codes and len(codes) <= _MAX_ITEMS and all(_CODE.match(c) for c in codes):
                view["family"] = list(dict.fromkeys(codes))
            else:
                problems.append("Ignored link parameter `family`: expected outcome codes "
                                "separated by commas.")
        elif key in _TEXT_KEYS:
            if 0 < len(raw) <= _MAX_TEXT and raw.isprintable():
                view[key] = raw
            else:
                problems.append(f"Ignored link parameter {md_code(key)}: not a short plain text.")
        elif key.startswith(FILTER_PREFIX):
            column = key[len(FILTER_PREFIX):]
            if not _COLUMN.match(column):
                problems.append(f"Ignored link parameter {md_code(shown)}: not a column name.")
                continue
            if len(filters) >= _MAX_FILTERS:
                problems.append(f"Ignored link parameter {md_code(shown)}: too many filters.")
                continue
            try:
                filters[column] = _parse_filter(raw)
            except ValueError as exc:  # json.JSONDecodeError is a ValueError
                reason = str(exc).split(":")[0] if not isinstance(
                    exc, json.JSONDecodeError) else "not valid JSON"
                problems.append(f"Ignored filter {md_code(column)} in the link: {md_escape(reason)}.")
            except RecursionError:
                problems.append(f"Ignored filter {md_code(column)} in the link: nested too deeply.")
        else:
            problems.append(f"Ignored unknown link parameter {md_code(shown)}.")
    if filters:
        view["filters"] = filters
    return view, problems
