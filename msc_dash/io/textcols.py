"""Text columns cleaned in Arrow, with Python's exact rules: cells stripped as
``str.strip`` strips, missing-value spellings made None, decimal commas found;
and read as numbers as ``pandas.to_numeric`` reads them (:func:`numbers`).

Only the cells that start or end with whitespace are stripped in Python; the
rest of the work is one pass of Arrow compute per column.
"""

from __future__ import annotations

import io
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .cells import _NA, _categorical

#: Every character ``str.strip()`` removes (``str.isspace``; none is above U+3000).
_SPACES = pa.array([c for c in map(chr, range(0x3001)) if c.isspace()], type=pa.large_string())

# Python's ``\d`` in a str pattern is any Unicode decimal digit: ``\p{Nd}`` in RE2.
_DEC_COMMA = r"^[+-]?\p{Nd}*,\p{Nd}+$"

_NUMBER = r"^[+-]?(\p{Nd}+\.?\p{Nd}*|\.\p{Nd}+)([eE][+-]?\p{Nd}+)?$"

_NA_SET = pa.array(sorted(_NA))

# line breaks that str.splitlines() knows and CSV readers do not
_ODD_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def clean(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Cells stripped, missing-value spellings null.

    Examples
    --------
    >>> clean(pa.array([" 5 ", "NA", "n/a", "x\\u00a0", ""])).to_pylist()
    ['5', None, None, 'x', None]
    """
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    spaced = pc.or_(pc.is_in(pc.utf8_slice_codeunits(arr, 0, 1), value_set=_SPACES),
                    pc.is_in(pc.utf8_slice_codeunits(arr, -1, 2**62), value_set=_SPACES))
    spaced = pc.fill_null(spaced, False)
    if pc.any(spaced).as_py():
        stripped = [v.strip() for v in arr.filter(spaced).to_pylist()]
        arr = pc.replace_with_mask(arr, spaced, pa.array(stripped, type=arr.type))
    # non-ASCII text never lower-cases (in Python) to one of the ASCII spellings
    na = pc.and_(pc.string_is_ascii(arr), pc.is_in(pc.ascii_lower(arr), value_set=_NA_SET))
    na = pc.fill_null(na, False)
    if pc.any(na).as_py():
        arr = pc.if_else(na, pa.scalar(None, arr.type), arr)
    return arr


def clean_column(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """:func:`clean` of a read column; a column whose values repeat (IDs, visits,
    days) as a dictionary array whose distinct texts alone were cleaned.

    The dictionary may then hold nulls (missing-value spellings) and repeats
    (``"A"`` and ``" A"``): :func:`valid` and :func:`frame` read it as the cells.

    Examples
    --------
    >>> col = clean_column(pa.array([" a", "a", "NA"] * 5000))
    >>> pa.types.is_dictionary(col.type), col.dictionary.to_pylist()
    (True, ['a', 'a', None])
    """
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if _repeats(arr):
        coded = pc.dictionary_encode(arr)
        if len(coded.dictionary) <= len(arr) // 4:
            return pa.DictionaryArray.from_arrays(coded.indices, clean(coded.dictionary))
    return clean(arr)


def texts(arr: pa.Array) -> pa.Array:
    """The distinct texts of a cleaned column (its dictionary), or the column itself."""
    return arr.dictionary if pa.types.is_dictionary(arr.type) else arr


def with_texts(arr: pa.Array, words: pa.Array) -> pa.Array:
    """``arr`` with its texts (:func:`texts`) replaced by ``words``."""
    if pa.types.is_dictionary(arr.type):
        return pa.DictionaryArray.from_arrays(arr.indices, words)
    return words


def valid(arr: pa.Array) -> np.ndarray:
    """Which cells of a cleaned column hold a value (a boolean array)."""
    if pa.types.is_dictionary(arr.type):
        codes = arr.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        present = np.append(arr.dictionary.is_valid().to_numpy(zero_copy_only=False), False)
        return present.take(codes)
    return arr.is_valid().to_numpy(zero_copy_only=False)


def decimal_commas(arr: pa.Array) -> bool:
    """True when the column's numbers use decimal commas (some do, all are numbers).

    Examples
    --------
    >>> decimal_commas(pa.array(["1,5", "2", None])), decimal_commas(pa.array(["1,5", "x"]))
    (True, False)
    """
    present = arr.drop_null()
    if len(present) == 0 or not pc.any(pc.match_substring(present, ",")).as_py():
        return False
    comma = pc.match_substring_regex(present, _DEC_COMMA)
    if not pc.any(comma).as_py():
        return False
    return pc.all(pc.or_(comma, pc.match_substring_regex(present, _NUMBER))).as_py()


def numbers(raw: pd.Series) -> pd.Series:
    """Text cells as floats, unreadable ones NaN: ``pd.to_numeric(errors="coerce")``.

    A categorical (repeated texts) is read once per category. Otherwise Arrow
    parses the column in one pass (several times faster) when it reads every
    cell as a finite number; a cell it refuses or reads as inf or nan sends
    the column to pandas, whose reading the checks are written for.

    Examples
    --------
    >>> numbers(pd.Series(["1.5", None, "2e3", "x"], dtype=object)).tolist()
    [1.5, nan, 2000.0, nan]
    """
    if isinstance(raw.dtype, pd.CategoricalDtype):
        words = numbers(pd.Series(np.asarray(raw.cat.categories, dtype=object),
                                  dtype=object)).to_numpy()
        codes = raw.cat.codes.to_numpy()
        return pd.Series(np.where(codes >= 0, words.take(codes), np.nan), index=raw.index,
                         name=raw.name)
    values = raw.to_numpy(dtype=object)
    try:
        text = pa.array(values, type=pa.large_string(), from_pandas=True)
        num = pc.cast(text, pa.float64())
        # Arrow and pandas read every finite number alike; inf and nan spellings, and
        # anything Arrow refuses (spaces, hex, other scripts' digits), pandas decides
        if pc.all(pc.is_finite(num)).as_py() in (True, None):
            return pd.Series(num.to_numpy(zero_copy_only=False), index=raw.index,
                             name=raw.name)
    except (TypeError, ValueError, ArithmeticError):
        pass  # not all text (numbers of a mixed column), or a cell Arrow refuses
    return pd.to_numeric(raw, errors="coerce").astype(float)


def to_objects(arr: pa.Array) -> np.ndarray:
    """An Arrow string array as an object array of str and None (each distinct text
    made a Python str once when the values repeat, as visits and IDs do)."""
    if _repeats(arr):
        coded = pc.dictionary_encode(arr)
        words = np.append(coded.dictionary.to_numpy(zero_copy_only=False), None)
        return words.take(coded.indices.fill_null(-1).to_numpy())
    return arr.to_numpy(zero_copy_only=False)


def from_objects(values) -> pa.Array:
    """An object column (str, None, NaN) as an Arrow string array."""
    return pa.array(np.asarray(values, dtype=object), type=pa.large_string(),
                    from_pandas=True)


def read_plain_csv(text: str, sep: str, n_columns: int, skip: int,
                   utf8: bytes | None = None) -> list[pa.Array] | None:
    """Every column of a CSV text without quotes, as text, read by Arrow's parser.

    None when the text has quotes, line breaks that ``str.splitlines`` counts but
    CSV readers do not, or rows whose length differs (the caller reads it with
    pandas then, row by row if need be, for an exact message). ``utf8``: the
    text's UTF-8 bytes, when at hand.
    """
    if '"' in text or any(ch in text for ch in _ODD_BREAKS):
        return None
    import pyarrow.csv as pcsv

    names = [f"c{i}" for i in range(n_columns)]
    try:
        table = pcsv.read_csv(
            io.BytesIO(text.encode("utf-8") if utf8 is None else utf8),
            read_options=pcsv.ReadOptions(skip_rows=skip, column_names=names,
                                          use_threads=sys.platform != "emscripten"),
            parse_options=pcsv.ParseOptions(delimiter=sep, quote_char=False,
                                            ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()), null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    return [table.column(i).combine_chunks() for i in range(n_columns)]


def frame(columns: dict[str, pa.Array], index) -> pd.DataFrame:
    """Text columns (str or None) from Arrow ones; those whose values repeat
    (visits, IDs) as categoricals of the texts, the others as objects."""
    # dtype object, not inferred: pandas 3 would turn the cells into its "str" dtype
    # (another copy), which the cell checks then read as text not yet cleaned
    values = {name: _column(arr) for name, arr in columns.items()}
    return pd.DataFrame({name: pd.Series(v, index=index, dtype=v.dtype)
                         for name, v in values.items()}, index=index, columns=list(columns))


def _column(arr: pa.Array):
    if pa.types.is_dictionary(arr.type):  # from clean_column: distinct texts cleaned
        words = np.asarray(arr.dictionary.to_numpy(zero_copy_only=False), dtype=object)
        # spellings cleaned alike merge into one category; None stays missing
        return _categorical(arr.indices.fill_null(-1).to_numpy(), words)
    if _repeats(arr):
        coded = pc.dictionary_encode(arr)
        if len(coded.dictionary) <= len(arr) // 4:
            codes = coded.indices.fill_null(-1).to_numpy()
            words = pd.Index(coded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
            return pd.Categorical.from_codes(codes, words)
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object)


def _repeats(arr: pa.Array) -> bool:
    """Whether a sample of the values repeats (cheap guess before dictionary coding)."""
    sample = arr.slice(0, 2000)
    return len(arr) > 10_000 and len(pc.unique(sample)) < len(sample) // 4
