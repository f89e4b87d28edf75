"""Size limits of what is read (configurable by environment) and their checks.

A limit is read as ``limits.NAME`` at call time, so tests and deployments can
change it (``monkeypatch.setattr(msc_dash.io.limits, "MAX_ROWS", 10)``).
"""

from __future__ import annotations

import os

from ..errors import TrialDataError

#: Largest upload accepted, in bytes (matches ``maxUploadSize`` in .streamlit/config.toml).
MAX_UPLOAD_BYTES = 50 * 2**20

#: Largest total size of the files inside a ZIP (or XLSX), uncompressed.
MAX_UNCOMPRESSED_BYTES = 200 * 2**20

#: Largest compression ratio of a member larger than 1 MB (zip-bomb guard).
MAX_COMPRESSION_RATIO = 100

#: Most files accepted inside one ZIP.
MAX_ARCHIVE_MEMBERS = 100

#: Most rows accepted in one table (environment: ``MSC_DASH_MAX_ROWS``).
MAX_ROWS = int(os.environ.get("MSC_DASH_MAX_ROWS", 2_000_000))

#: Most cells (rows x columns) accepted in one table, checked from the file's
#: metadata before anything is read (``MSC_DASH_MAX_CELLS``): about 1 GB in memory.
MAX_CELLS = int(os.environ.get("MSC_DASH_MAX_CELLS", 20_000_000))

#: Most cells read from an Excel workbook (its XML is slow to parse: about 10 s
#: for this many); larger tables belong in CSV or Parquet (``MSC_DASH_MAX_XLSX_CELLS``).
MAX_XLSX_CELLS = int(os.environ.get("MSC_DASH_MAX_XLSX_CELLS", 2_000_000))

#: Most subjects in one trial (``MSC_DASH_MAX_SUBJECTS``).
MAX_SUBJECTS = int(os.environ.get("MSC_DASH_MAX_SUBJECTS", 250_000))

#: Days further than this from baseline are taken for dates, not days.
MAX_DAY = 20 * 366

#: A visit day further than this from its visit's median day gets a warning.
VISIT_WINDOW_DAYS = 60



def _too_big(what: str, size: int) -> str:
    return (f"{what} is {size / 2**20:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB. "
            "Upload only the tables you need, or compress them into a ZIP.")



def _check_size(label: str, size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise TrialDataError(_too_big(f"{label}:", size).replace(": is", " is"))



def _check_shape(label: str, rows: int, columns: int) -> None:
    """Refuse a table too large to hold, from its size as the file declares it."""
    if rows > MAX_ROWS:
        raise TrialDataError(f"{label}: the table has {rows:,} rows; at most {MAX_ROWS:,} are "
                             "read. Split the file or keep only the rows you need.")
    if rows * max(columns, 1) > MAX_CELLS:
        raise TrialDataError(
            f"{label}: the table has {rows:,} rows x {columns:,} columns "
            f"({rows * columns:,} cells); at most {MAX_CELLS:,} cells are read. Keep only "
            "the columns and rows you need.")



#: Longest line read from a text file; longer ones are reported with their cell.
MAX_LINE_CHARS = 100_000

#: Beyond this a whole number is not exact as a float64 (nor in JavaScript).
MAX_SAFE_INTEGER = 2**53 - 1
