"""Size limits of what is read (configurable by environment) and their checks.

A limit is read as ``limits.NAME`` at call time, so tests and deployments can
change it (``monkeypatch.setattr(msc_dash.io.limits, "MAX_ROWS", 10)``).
"""

from __future__ import annotations

import os

from ..errors import TrialDataError


def _mb(name: str, default: int) -> int:
    """An environment variable in MB (``MSC_DASH_...``), as bytes."""
    return int(float(os.environ.get(name, default)) * 2**20)


#: Largest Parquet or ZIP file accepted, in bytes (``MSC_DASH_MAX_PACKED_MB``, 1024);
#: also the most the files of one upload may hold together.
#: ``server.maxUploadSize`` in .streamlit/config.toml must allow it.
MAX_PACKED_BYTES = _mb("MSC_DASH_MAX_PACKED_MB", 1024)

#: Largest CSV, TSV, text, Excel or SAS file accepted, in bytes
#: (``MSC_DASH_MAX_TABLE_MB``, 200): these are read whole, cell by cell.
MAX_TABLE_BYTES = _mb("MSC_DASH_MAX_TABLE_MB", 200)

#: Largest upload of any kind (the larger of the two caps above).
MAX_UPLOAD_BYTES = max(MAX_PACKED_BYTES, MAX_TABLE_BYTES)

#: Largest total size of the files inside a ZIP (or XLSX), or of a Parquet file's
#: data, uncompressed (``MSC_DASH_MAX_UNCOMPRESSED_MB``, 4096).
MAX_UNCOMPRESSED_BYTES = _mb("MSC_DASH_MAX_UNCOMPRESSED_MB", 4096)

#: Largest compression ratio of a member larger than 1 MB (zip-bomb guard).
MAX_COMPRESSION_RATIO = 100

#: Most files accepted inside one ZIP.
MAX_ARCHIVE_MEMBERS = 100

#: Most rows accepted in one table (environment: ``MSC_DASH_MAX_ROWS``).
MAX_ROWS = int(os.environ.get("MSC_DASH_MAX_ROWS", 10_000_000))

#: Most cells (rows x columns) accepted in one table, checked from the file's
#: metadata before anything is read (``MSC_DASH_MAX_CELLS``): a few GB in memory.
MAX_CELLS = int(os.environ.get("MSC_DASH_MAX_CELLS", 60_000_000))

#: Most cells read from an Excel workbook (its XML is slow to parse: about 10 s
#: for this many); larger tables belong in CSV or Parquet (``MSC_DASH_MAX_XLSX_CELLS``).
MAX_XLSX_CELLS = int(os.environ.get("MSC_DASH_MAX_XLSX_CELLS", 2_000_000))

#: Most subjects in one trial (``MSC_DASH_MAX_SUBJECTS``).
MAX_SUBJECTS = int(os.environ.get("MSC_DASH_MAX_SUBJECTS", 250_000))

#: Days further than this from baseline are taken for dates, not days.
MAX_DAY = 20 * 366

#: A visit day further than this from its visit's median day gets a warning.
VISIT_WINDOW_DAYS = 60



#: File kinds (see ``sources._kind``) under the larger cap.
PACKED_KINDS = ("parquet", "zip")



def _cap(kind: str) -> int:
    return MAX_PACKED_BYTES if kind in PACKED_KINDS else MAX_TABLE_BYTES



def _too_big(what: str, size: int, kind: str | None = None) -> str:
    """The message for a file (or files) over its cap, saying how to raise it."""
    if kind is None:
        cap, var = MAX_PACKED_BYTES, "MSC_DASH_MAX_PACKED_MB"
        limit = f"the limit for one upload is {cap / 2**20:,.0f} MB"
    elif kind in PACKED_KINDS:
        cap, var = MAX_PACKED_BYTES, "MSC_DASH_MAX_PACKED_MB"
        limit = f"the limit for Parquet and ZIP files is {cap / 2**20:,.0f} MB"
    else:
        cap, var = MAX_TABLE_BYTES, "MSC_DASH_MAX_TABLE_MB"
        limit = (f"the limit for CSV, Excel and SAS files is {cap / 2**20:,.0f} MB "
                 f"(Parquet and ZIP: {MAX_PACKED_BYTES / 2**20:,.0f} MB)")
    advice = ("Upload only the tables you need, save large tables as Parquet or compress "
              "them into a ZIP" if kind not in PACKED_KINDS else
              "Upload only the tables and columns you need")
    return (f"{what} is {size / 2**20:,.1f} MB; {limit}. {advice}, or ask whoever runs "
            f"msc-dash to raise the limit (environment variable {var}, in MB, and "
            "`server.maxUploadSize` in .streamlit/config.toml).")



def _check_size(label: str, size: int, kind: str | None = None) -> None:
    """Refuse a file over the cap of its kind (``None``: the larger cap)."""
    if size > (_cap(kind) if kind is not None else MAX_UPLOAD_BYTES):
        raise TrialDataError(_too_big(label, size, kind))



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
