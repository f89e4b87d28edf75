"""Load and validate trial data from the layouts people actually have.

:func:`load_trial` reads files, bytes or uploaded files (CSV, XLSX, Parquet, a
ZIP of those, one long or wide CSV, CDISC ADaM), finds the four tables of
docs/architecture.md, checks them and returns a :class:`~msc_dash.trial.Trial`.
Anything unusable raises one :class:`~msc_dash.errors.TrialDataError` holding
every problem found (``.problems``, :class:`~msc_dash.errors.Problem` records
naming the file, the column, the offending rows as numbered in the file (the
header is row 1) and the fix). Harmless oddities become ``Trial.warnings``.

Uploaded data is only ever held in memory: nothing here writes to disk.

The package, in the order data flows through it:

- :mod:`.sources`: paths, folders, bytes, uploads; ZIP guards
- :mod:`.readers`, :mod:`.delimited`, :mod:`.cells`: XLSX, Parquet, SAS, CSV sniffing
- :mod:`.layouts`: long, wide and canonical layouts to the four tables
- :mod:`.checks`: every table's checks; :mod:`.problems`: collecting every problem
- :mod:`.derived`: outcomes computed at load time (MSFC)
- :mod:`.load`: :func:`load_trial`; :mod:`.samples`, :mod:`.summaries`
- :mod:`.limits`: size limits (configurable by environment)
"""

from __future__ import annotations

from . import limits
from .checks import RELATEDNESS, SEVERITIES
from .derived import msfc_rows, nhpt_from_hands
from .limits import (
    MAX_ARCHIVE_MEMBERS,
    MAX_CELLS,
    MAX_COMPRESSION_RATIO,
    MAX_DAY,
    MAX_PACKED_BYTES,
    MAX_ROWS,
    MAX_SUBJECTS,
    MAX_TABLE_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_XLSX_CELLS,
    VISIT_WINDOW_DAYS,
)
from .load import STAGES as LOAD_STAGES
from .load import load_trial, source_columns, source_frames
from .problems import MissingColumnsError, Problems
from .samples import (
    SAMPLE_DIR,
    SAMPLE_LABELS,
    SAMPLES,
    TABLE_TEMPLATES,
    is_simulated,
    load_sample,
    sample_named,
    template_zip,
)
from .sources import DATA_SUFFIXES, folder_files
from .summaries import outcome_summary, table_summary, visit_summary

__all__ = [
    "load_trial",
    "LOAD_STAGES",
    "load_sample",
    "is_simulated",
    "sample_named",
    "source_columns",
    "source_frames",
    "nhpt_from_hands",
    "template_zip",
    "TABLE_TEMPLATES",
    "MissingColumnsError",
    "MAX_UPLOAD_BYTES",
    "MAX_PACKED_BYTES",
    "MAX_TABLE_BYTES",
    "visit_summary",
    "outcome_summary",
    "table_summary",
    "folder_files",
    "msfc_rows",
    "limits",
    "Problems",
    "DATA_SUFFIXES",
    "SAMPLES",
    "SAMPLE_DIR",
    "SAMPLE_LABELS",
    "SEVERITIES",
    "RELATEDNESS",
    "MAX_ARCHIVE_MEMBERS",
    "MAX_CELLS",
    "MAX_COMPRESSION_RATIO",
    "MAX_DAY",
    "MAX_ROWS",
    "MAX_SUBJECTS",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_XLSX_CELLS",
    "VISIT_WINDOW_DAYS",
]
