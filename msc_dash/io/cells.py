"""Cells and headers shared by the readers: missing-value spellings, header rows,
unnamed columns and text cells.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import TrialDataError
from ..mapping import (
    exact_target,
    outcome_target,
)
from . import limits

_NA = {"", "na", "n/a", "nan", "null", ".", "-", "#n/a", "missing"}



def _header_row(raw: pd.DataFrame) -> int:
    """Position of the header among the first rows: the one naming most known columns
    (a title or notes above the table are skipped)."""
    def known(i: int) -> int:
        names = [_clean_header(v) for v in raw.iloc[i]]
        return sum(bool(n) and bool(exact_target(n) or outcome_target(n)
                                    or n.upper() in ("USUBJID", "PARAMCD", "AVAL"))
                   for n in names)
    scores = [known(i) for i in range(min(10, len(raw) - 1))]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    return best if scores[best] else 0



_UNNAMED = "\x00unnamed column {}"



def _checked_header(header: list[str], label: str) -> list[str]:
    """The header with blank names made unique placeholders; a repeated name refused.

    Examples
    --------
    >>> _checked_header(["subject_id", "value", "", ""], "a.csv")[2:] == [
    ...     _UNNAMED.format(3), _UNNAMED.format(4)]
    True
    >>> _checked_header(["value", "Value ", "value"], "a.csv")
    Traceback (most recent call last):
    ...
    msc_dash.errors.TrialDataError: a.csv: the column `value` appears twice in the header (columns 1 and 3); give each column one unique name.
    """
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name and name in seen:
            raise TrialDataError(
                f"{label}: the column `{name}` appears twice in the header (columns "
                f"{seen[name] + 1} and {i + 1}); give each column one unique name.")
        seen.setdefault(name, i)
    return [name or _UNNAMED.format(i + 1) for i, name in enumerate(header)]



def _drop_unnamed(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """Columns without a name dropped when empty (trailing Excel commas); refused if not."""
    unnamed = [c for c in frame.columns if str(c).startswith("\x00unnamed")]
    for col in unnamed:
        filled = frame[col].notna()
        if filled.any():
            n = int(col.rsplit(" ", 1)[1])
            row = frame.index[filled][0]
            raise TrialDataError(
                f"{label}: a column has data but no name in the header row (column {n}; "
                f"row {row} holds `{str(frame.at[row, col])[:40]}`). Name the column or "
                "delete it.")
    return frame.drop(columns=unnamed)



def _clean_header(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\ufeff", "").strip()



def _as_text(df: pd.DataFrame, start: int, *, keep_numbers: bool = False) -> pd.DataFrame:
    """Every cell as stripped str or None; index = row number seen by the user.

    With ``keep_numbers``, int and float columns (Parquet, SAS) stay numbers and
    text columns whose values repeat (visits, IDs) become categoricals of those
    texts; :func:`_texts` turns either into text cells where the checks need them.

    Examples
    --------
    >>> _as_text(pd.DataFrame({"a": [1.0, 2.5, None], "b": [" x ", "NA", None]}), 1).to_dict("list")
    {'a': ['1', '2.5', None], 'b': ['x', None, None]}
    """
    out = {}
    index = df.index if start == 0 else np.arange(start, start + len(df))
    for col in df.columns:
        s = df[col]
        if keep_numbers and _is_number(s):
            values = s.to_numpy()
        else:
            values = _text_values(s, categorical=keep_numbers)
        out[_clean_header(col)] = pd.Series(values, index=index, dtype=values.dtype)
    frame = pd.DataFrame(out, index=index, columns=list(out))
    if len(frame) > limits.MAX_ROWS:
        raise TrialDataError(f"The table has {len(frame)} rows; at most {limits.MAX_ROWS} are read.")
    return frame



def _is_number(s: pd.Series) -> bool:
    return isinstance(s.dtype, np.dtype) and s.dtype.kind in "iuf"



#: Columns the measurement checks read as numbers or as categorical keys.
NUMBER_COLUMNS, KEY_COLUMNS = ("day", "value"), ("subject_id", "visit", "outcome")



def _texts(frame: pd.DataFrame, numbers=(), keys=()) -> pd.DataFrame:
    """``frame`` with its number and categorical columns as text cells, but the
    number columns named in ``numbers`` and the categorical ones in ``keys``."""
    def kept(c) -> bool:
        dtype = frame[c].dtype
        if isinstance(dtype, pd.CategoricalDtype):  # repeated texts (days, keys)
            return c in keys or c in numbers
        return (isinstance(dtype, np.dtype) and dtype.kind == "O") or (
            c in numbers and _is_number(frame[c]))
    cols = [c for c in frame.columns if not kept(c)]
    if not cols:
        return frame
    frame = frame.copy()
    for col in cols:
        frame[col] = pd.Series(_text_values(frame[col]), index=frame.index, dtype=object)
    return frame



def _objects(s: pd.Series) -> pd.Series:
    """A categorical of texts as an object column (missing: None)."""
    words = np.append(np.asarray(s.cat.categories, dtype=object), None)
    return pd.Series(words.take(s.cat.codes.to_numpy()), index=s.index, name=s.name,
                     dtype=object)



def _text_values(s: pd.Series, *, categorical: bool = False):
    """The cells of ``s`` as :func:`_cell` makes them (an object array), vectorised;
    with ``categorical``, repeated texts as a :class:`pandas.Categorical` of them."""
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        s = _objects(s)
        dtype = s.dtype
    if pd.api.types.is_float_dtype(dtype) and not isinstance(dtype, pd.ArrowDtype):
        return _float_text(s.to_numpy(dtype=float, na_value=np.nan))
    if (pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_extension_array_dtype(dtype)):
        return np.array([str(v) for v in s.tolist()], dtype=object)
    if pd.api.types.is_string_dtype(dtype) and (
            not isinstance(dtype, np.dtype)
            or pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")):
        # text: the same few values repeat (visits, outcomes), so clean each once
        codes, uniques = pd.factorize(s)
        if len(uniques) > 1000:  # many (IDs): strip and spot missing-value words in Arrow
            from . import textcols

            cleaned = textcols.to_objects(textcols.clean(textcols.from_objects(uniques)))
            cleaned = np.append(cleaned, None)
        else:
            cleaned = np.array([_cell(u) for u in uniques] + [None], dtype=object)
        if categorical and len(uniques) <= len(s) // 4:
            return _categorical(codes, cleaned[:-1])
        return cleaned.take(codes)  # code -1 (missing) takes the trailing None
    return np.array([_cell(v) for v in s.tolist()], dtype=object)



def _categorical(codes: np.ndarray, texts: np.ndarray) -> pd.Categorical:
    """Rows ``codes`` into ``texts`` (None: missing; texts may repeat) as a categorical."""
    inner, categories = pd.factorize(texts)
    inner = np.append(inner, -1)  # code -1 stays missing
    return pd.Categorical.from_codes(inner.take(codes), pd.Index(categories, dtype=object))



def _float_text(a: np.ndarray) -> np.ndarray:
    out = np.full(len(a), None, dtype=object)
    whole = np.isfinite(a) & (np.abs(a) < 1e15)
    whole[whole] = a[whole] == np.round(a[whole])
    out[whole] = [str(v) for v in a[whole].astype(np.int64).tolist()]
    other = ~whole & ~np.isnan(a)
    out[other] = [repr(v) for v in a[other].tolist()]
    return out



def _cell(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, bytes):
        v = v.decode("utf-8", errors="replace")
    if isinstance(v, float):
        if np.isnan(v):
            return None
        return repr(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, (np.floating,)):
        return _cell(float(v))
    if isinstance(v, (bool, np.bool_)):
        return "True" if v else "False"
    if isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "isoformat"):
        return str(v).replace(" 00:00:00", "")
    text = str(v).strip()
    return None if text.lower() in _NA else text



_DEC_COMMA = re.compile(r"^[+-]?\d*,\d+$")

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
