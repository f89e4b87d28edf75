"""CSV and text files: encoding, separator and header-line sniffing, quote and
line-length checks, decimal commas.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import TrialDataError
from ..mapping import (
    exact_target,
    outcome_target,
)
from . import limits, textcols
from .cells import _checked_header, _clean_header, _drop_unnamed
from .limits import MAX_LINE_CHARS, _check_shape
from .sources import _File, _Frame, _hint


def _utf16_without_bom(head: bytes) -> str | None:
    """"utf-16-le" / "utf-16-be" when every other byte is NUL (ASCII text in UTF-16)."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 8:
        return None
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None



def _decode(f: _File, warnings: list[str]) -> tuple[str, bytes | None]:
    """The text, and its UTF-8 bytes when the file was UTF-8 (else None)."""
    if f.data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        try:
            text = f.data.decode("utf-32")
        except UnicodeDecodeError:
            raise TrialDataError(f"{f.name}: the file says it is UTF-32 text but is not "
                                 "valid UTF-32. Save it again as UTF-8 CSV.") from None
        warnings.append(f"{f.name}: read as UTF-32 text; UTF-8 is smaller and more common.")
        return text, None
    if f.data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return f.data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    encoding = _utf16_without_bom(f.data[:4096])
    if encoding:
        try:
            text = f.data.decode(encoding)
        except UnicodeDecodeError:
            raise TrialDataError(f"{f.name}: the file looks like UTF-16 text without a byte-"
                                 "order mark but does not decode as such. Save it again as "
                                 "UTF-8 CSV.") from None
        warnings.append(f"{f.name}: read as {encoding.upper()} text without a byte-order mark; "
                        "save it as UTF-8 to be sure accents are read right.")
        return text, None
    if b"\x00" in f.data[:4096]:
        raise TrialDataError(f"{f.name}: this is not a text (CSV) file; it contains binary "
                             "data. Upload CSV, XLSX, Parquet, ZIP or SAS .xpt files.")
    try:
        text = f.data.decode("utf-8-sig")
        return text, f.data[3:] if f.data.startswith(b"\xef\xbb\xbf") else f.data
    except UnicodeDecodeError as exc:
        line = f.data[: exc.start].count(b"\n") + 1
        warnings.append(
            f"{f.name}: the file is not UTF-8 (first odd byte on line {line}); it was read "
            "as Windows-1252. Check accented names, or save the file as UTF-8.")
        try:
            return f.data.decode("cp1252"), None
        except UnicodeDecodeError:
            return f.data.decode("latin-1"), None



def _separator(line: str) -> str:
    return max([",", ";", "\t", "|"],
               key=lambda s: (len(next(csv.reader([line], delimiter=s))), s == ","))



def _known_names(line: str) -> int:
    names = next(csv.reader([line], delimiter=_separator(line)), [])
    return sum(bool(n.strip()) and bool(exact_target(n) or outcome_target(n)
                                        or n.strip().upper() in ("USUBJID", "PARAMCD"))
               for n in names)



def _header_line(lines: list[str], first: int) -> int:
    """The header line: the first non-blank one, unless a later line among the next
    few names more known columns (title lines above the table are skipped)."""
    candidates = [i for i in range(first, min(first + 10, len(lines) - 1)) if lines[i].strip()]
    if len(candidates) < 2:
        return first
    scores = {i: _known_names(lines[i]) for i in candidates}
    best = max(candidates, key=lambda i: (scores[i], -i))
    return best if scores[best] > scores[first] else first



def _check_long_lines(lines: list[str], name: str, first: int) -> None:
    """Refuse a huge cell before any parser meets it, naming its row and column."""
    if max(map(len, lines), default=0) <= MAX_LINE_CHARS:
        return
    for i, line in enumerate(lines):
        if len(line) > MAX_LINE_CHARS:
            sep = _separator(lines[first])
            header = [_clean_header(h) for h in lines[first].split(sep)]
            cells = line.split(sep)
            k = max(range(len(cells)), key=lambda j: len(cells[j]))
            col = f"`{header[k][:40]}`" if k < len(header) and i != first else f"{k + 1}"
            raise TrialDataError(
                f"{name}: row {i + 1}, column {col} holds a value of {len(cells[k]):,} "
                f"characters; the cells of a trial table are short (at most "
                f"{MAX_LINE_CHARS:,} characters per row are read). Remove the long text.")



def _check_quotes(lines: list[str], name: str) -> None:
    """Refuse a quote that is never closed, naming the row that opens it."""
    opened, count = None, 0
    for i, line in enumerate(lines):
        k = line.count('"')
        if k % 2:
            opened = i if count % 2 == 0 else opened
        count += k
    if count % 2 and opened is not None:
        raise TrialDataError(
            f'{name}: row {opened + 1} opens a quote (`"`) that is never closed, so the rest '
            "of the file would be read as one value. Close the quote or remove it.")



def _read_text(f: _File, warnings: list[str]) -> _Frame:
    text, utf8 = _decode(f, warnings)
    lines = text.splitlines()
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        raise TrialDataError(f"{f.name}: the file is empty. Upload the file with its header "
                             "row and data.")
    _check_long_lines(lines, f.name, first)
    first = _header_line(lines, first)
    header_line = lines[first]
    sep = _separator(header_line)
    header = [_clean_header(h) for h in next(csv.reader([header_line], delimiter=sep))]
    if len(header) == 1 and re.search(r"\s|:", header[0]) and not exact_target(header[0]):
        raise TrialDataError(
            f"{f.name}: only one column found (`{header[0][:80]}`). Separate the columns "
            "with commas or semicolons, with the column names in the first row.")
    header = _checked_header(header, f.name)
    _check_shape(f.name, len(lines) - first - 1, len(header))
    if text.count('"') % 2:  # (an even count closes every quote)
        _check_quotes(lines, f.name)
    if not any(ln.strip() for ln in lines[first + 1:]):
        raise TrialDataError(f"{f.name}: the file has a header row but no data rows. Add the "
                             "data below the header.")
    columns, index = _columns(text, utf8, sep, header, first, f.name)
    columns = [textcols.clean_column(arr) for arr in columns]
    commas = [i for i, arr in enumerate(columns)
              if textcols.decimal_commas(textcols.texts(arr))]
    for i in commas:
        columns[i] = textcols.with_texts(
            columns[i], pc.replace_substring(textcols.texts(columns[i]), ",", "."))
    filled = np.zeros(len(index), dtype=bool)
    for arr in columns:
        filled |= textcols.valid(arr)
    if not filled.all():  # rows with every cell empty are dropped
        keep = pa.array(filled)
        columns, index = [arr.filter(keep) for arr in columns], index[filled]
    frame = _drop_unnamed(textcols.frame(dict(zip(header, columns, strict=True)), index),
                          f.name)
    if commas:
        warnings.append(f"{f.name}: decimal commas were read as decimal points in "
                        + ", ".join(f"`{header[i]}`" for i in commas) + ".")
    return _Frame(f.name, frame, _hint(f.name))



def _columns(text: str, utf8: bytes | None, sep: str, header: list[str], first: int,
             name: str):
    """The data rows' columns as Arrow text, and their row numbers in the file."""
    columns = textcols.read_plain_csv(text, sep, len(header), first + 1, utf8)
    if columns is not None:
        n = len(columns[0]) if columns else 0
        if n > limits.MAX_ROWS:
            raise TrialDataError(f"More than {limits.MAX_ROWS} rows; split the file.")
        return columns, np.arange(first + 2, first + 2 + n)
    frame = _fast_csv(text, sep, header, first)
    if frame is None:  # ragged rows: read row by row for an exact message
        frame = _slow_csv(text, sep, header, first, name)
    return ([textcols.from_objects(frame.iloc[:, i]) for i in range(frame.shape[1])],
            frame.index.to_numpy())



def _slow_csv(text: str, sep: str, header: list[str], first: int, name: str) -> pd.DataFrame:
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    records, numbers = [], []
    for record in reader:
        if reader.line_num <= first + 1:
            continue  # the header and anything blank above it
        if len(record) > len(header):
            if any(v.strip() for v in record[len(header):]):
                raise TrialDataError(
                    f"{name}: row {reader.line_num} has {len(record)} values but the header "
                    f"has {len(header)} columns. Check for a stray `{sep}` (a decimal comma "
                    "in a comma-separated file?) or quote the value.")
            record = record[:len(header)]
        records.append(record + [""] * (len(header) - len(record)))
        numbers.append(reader.line_num)
        if len(records) > limits.MAX_ROWS:
            raise TrialDataError(f"{name}: more than {limits.MAX_ROWS} rows; split the file.")
    return pd.DataFrame(records, columns=header, index=numbers, dtype=object)



def _fast_csv(text: str, sep: str, header: list[str], first: int) -> pd.DataFrame | None:
    """pandas' C parser; None when a row has more fields than the header."""
    try:
        raw = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str,
                          keep_default_na=False, na_filter=False, skip_blank_lines=False,
                          engine="c", quotechar='"')
    except pd.errors.ParserError:
        return None
    if raw.shape[1] != len(header):
        return None
    raw = raw.iloc[first + 1:]
    if len(raw) > limits.MAX_ROWS:
        raise TrialDataError(f"More than {limits.MAX_ROWS} rows; split the file.")
    raw.columns = header
    raw.index = np.arange(first + 2, first + 2 + len(raw))  # line numbers in the file
    return raw.astype(object).where(raw.notna(), "")
