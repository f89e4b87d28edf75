"""Load and validate trial data from the layouts people actually have.

:func:`load_trial` reads files, bytes or uploaded files (CSV, XLSX, Parquet, a
ZIP of those, one long or wide CSV, CDISC ADaM), finds the four tables of
docs/architecture.md, checks them and returns a :class:`~msc_dash.trial.Trial`. Anything
unusable raises :class:`~msc_dash.errors.TrialDataError` with a message that
names the file, the column, the first offending rows (as numbered in the file:
the header is row 1) and the fix. Harmless oddities become ``Trial.warnings``.

Uploaded data is only ever held in memory: nothing here writes to disk.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from . import adam
from . import periods as _periods
from .errors import TrialDataError
from .mapping import (
    apply_mapping,
    check_mapping,
    exact_target,
    mapping_from_json,
    outcome_target,
)
from .outcomes import MSFC_REFERENCE, NHPT_HANDS, REGISTRY
from .trial import TABLES, Trial

__all__ = [
    "load_trial",
    "load_sample",
    "source_columns",
    "source_frames",
    "template_zip",
    "TABLE_TEMPLATES",
    "MissingColumnsError",
    "MAX_UPLOAD_BYTES",
    "visit_summary",
    "outcome_summary",
    "table_summary",
]

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

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
SAMPLES = MappingProxyType({"single": SAMPLE_DIR, "two_arm": SAMPLE_DIR / "two_arm",
                            "crossover": SAMPLE_DIR / "crossover"})
SAMPLE_LABELS = MappingProxyType({
    "single": "Sample trial (simulated, single arm)",
    "two_arm": "Sample two-arm trial (simulated)",
    "crossover": "Sample crossover trial (simulated)"})

_NA = {"", "na", "n/a", "nan", "null", ".", "-", "#n/a", "missing"}
_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}
SEVERITIES = ("mild", "moderate", "severe", "life-threatening", "fatal")
RELATEDNESS = ("not related", "unlikely", "possible", "probable", "definite")

# file-name stems that name a table
_TABLE_NAMES = {
    "subjects": ("subjects", "subject", "patients", "patient", "participants",
                 "demographics", "baseline", "adsl"),
    "measurements": ("measurements", "measurement", "measures", "outcomes", "data",
                     "long", "efficacy", "assessments"),
    "adverse_events": ("adverse_events", "adverseevents", "adverse", "ae", "aes",
                       "events", "safety", "adae"),
    "injections": ("injections", "injection", "dosing", "doses", "treatments",
                   "administrations", "ex"),
    "relapses": ("relapses", "relapse", "attacks", "exacerbations"),
    "periods": ("periods", "period", "treatment_periods"),
}

#: The four tables as CSV text: header and two example rows each.
TABLE_TEMPLATES = MappingProxyType({
    "subjects": "subject_id,arm,ms_type,sex,age,disease_duration_years,baseline_edss\n"
                "P01,MSC,SPMS,F,52,14.5,6.0\nP02,Placebo,PPMS,M,47,9.0,5.5\n",
    "measurements": "subject_id,visit,day,outcome,value\n"
                    "P01,Baseline,0,T25FW,9.8\nP01,Month 6,182,T25FW,8.9\n",
    "adverse_events": "subject_id,term,onset_day,body_system,severity,serious,related,"
                      "injection_number\n"
                      "P01,Headache,2,Nervous system disorders,mild,no,possible,1\n"
                      "P02,Back pain,95,Musculoskeletal disorders,moderate,no,unlikely,2\n",
    "injections": "subject_id,injection_number,day,route,dose_million_cells\n"
                  "P01,1,0,IT,50\nP01,2,120,IT,50\n",
    "relapses": "subject_id,onset_day\nP01,210\nP02,45\n",
})


class MissingColumnsError(TrialDataError):
    """A table lacks required columns; ``columns`` lists the names that were found.

    The app offers a column mapping for these names.
    """

    def __init__(self, message: str, columns=(), label: str = "") -> None:
        super().__init__(message)
        self.columns = list(columns)
        self.label = label


# --------------------------------------------------------------------- sources
@dataclass
class _File:
    name: str
    data: bytes


@dataclass
class _Frame:
    """One table-like block read from a file, every cell str or None.

    ``frame.index`` holds the row numbers the user sees (header = row 1).
    """

    label: str
    data: pd.DataFrame
    hint: str | None = None


DATA_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".parquet", ".zip", ".xpt", ".json")


def folder_files(path: Path) -> list[Path]:
    """A folder's data files, README and the like skipped.

    A folder holding CSV files gives those (and any ``.json`` column mapping):
    a workbook or ZIP beside them is taken as the same data in another format
    (like ``sample_data/sample_trial.xlsx``) and not read twice.

    Examples
    --------
    >>> from pathlib import Path
    >>> [p.name for p in folder_files(Path("sample_data"))][:2]
    ['adverse_events.csv', 'injections.csv']
    """
    files = sorted(p for p in Path(path).iterdir() if p.is_file()
                   and not p.name.startswith((".", "~$"))
                   and p.suffix.lower() in DATA_SUFFIXES)
    if any(p.suffix.lower() == ".csv" for p in files):
        files = [p for p in files if p.suffix.lower() not in (".xlsx", ".zip")]
    if not files:
        raise TrialDataError(f"{Path(path).name}: the folder holds no data files "
                             f"({', '.join(DATA_SUFFIXES)}).")
    return files


def _collect(source, name: str | None) -> list[_File]:
    """Turn any accepted ``source`` into in-memory files (size-checked)."""
    if isinstance(source, (list, tuple)):
        files = [f for item in source for f in _collect(item, None)]
        total = sum(len(f.data) for f in files)
        if total > MAX_UPLOAD_BYTES:
            raise TrialDataError(_too_big("The files together", total))
        return files
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        _check_size(name or "upload", len(data))
        return [_File(name or "upload", data)]
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            return _collect(folder_files(path), None)
        if not path.is_file():
            raise TrialDataError(f"{path}: no such file or folder.")
        _check_size(path.name, path.stat().st_size)
        return [_File(path.name, path.read_bytes())]
    if hasattr(source, "getvalue") or hasattr(source, "read"):
        label = name or str(getattr(source, "name", "upload"))
        size = getattr(source, "size", None)
        if isinstance(size, int):
            _check_size(label, size)
        data = source.getvalue() if hasattr(source, "getvalue") else source.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        _check_size(label, len(data))
        return [_File(Path(label).name or "upload", bytes(data))]
    raise TrialDataError(
        f"Cannot read trial data from a {type(source).__name__}: give a file path, a "
        "folder, bytes with a name, or uploaded files.")


def _too_big(what: str, size: int) -> str:
    return (f"{what} is {size / 2**20:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB. "
            "Upload only the tables you need, or compress them into a ZIP.")


def _check_size(label: str, size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise TrialDataError(_too_big(f"{label}:", size).replace(": is", " is"))


def _kind(f: _File) -> str:
    ext = Path(f.name).suffix.lower().lstrip(".")
    head = f.data[:96]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if ext in ("xlsx", "xlsm"):
            return "xlsx"
        return "xlsx" if b"[Content_Types].xml" in f.data[:2000] and ext != "zip" else "zip"
    if ext in ("xlsx", "xlsm", "zip"):
        return ext if ext == "zip" else "xlsx"
    if ext == "xls" or head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"PAR1") or ext in ("parquet", "pq"):
        return "parquet"
    if head.startswith(b"HEADER RECORD*******LIBRARY") or ext == "xpt":
        return "xpt"
    if ext == "sas7bdat":
        return "sas7bdat"
    if ext == "json":
        return "json"
    return "text"


def _read_file(f: _File, warnings: list[str], mappings: list[dict]) -> list[_Frame]:
    kind = _kind(f)
    if not f.data:
        raise TrialDataError(f"{f.name}: the file is empty (0 bytes). Upload the file "
                             "with its header row and data.")
    try:
        if kind == "zip":
            return _read_zip(f, warnings, mappings)
        if kind == "json":
            mappings.append(mapping_from_json(f.data))
            return []
        if kind == "xls":
            raise TrialDataError(f"{f.name}: old Excel .xls files are not read; open it "
                                 "in Excel and save it as .xlsx (or export CSV).")
        if kind == "xlsx":
            return _read_xlsx(f)
        if kind == "parquet":
            return [_Frame(f.name, _as_text(_read_parquet(f), 1), _hint(f.name))]
        if kind in ("xpt", "sas7bdat"):
            return [_Frame(f.name, _as_text(_read_sas(f.data, kind, f.name), 1),
                           _hint(f.name))]
        return [_read_text(f, warnings)]
    except TrialDataError:
        raise
    except Exception as exc:  # any parser failure becomes a message naming the file
        what = {"xlsx": "an Excel workbook", "parquet": "a Parquet file",
                "xpt": "a SAS transport (.xpt) file", "sas7bdat": "a SAS dataset",
                "zip": "a ZIP archive"}.get(kind, "a CSV file")
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise TrialDataError(
            f"{f.name}: could not be read as {what} ({type(exc).__name__}"
            f"{': ' + detail if detail else ''}). Check that the file is not damaged "
            "and that its extension matches its content.") from exc


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


def _read_parquet(f: _File) -> pd.DataFrame:
    """A Parquet file, after its footer's row count and sizes passed the limits."""
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(io.BytesIO(f.data))
    meta = pf.metadata
    _check_shape(f.name, meta.num_rows, meta.num_columns)
    expanded = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise TrialDataError(
            f"{f.name}: the data would expand to {expanded / 2**20:,.0f} MB; at most "
            f"{MAX_UNCOMPRESSED_BYTES // 2**20} MB are read. Keep only the columns and rows "
            "you need.")
    return pf.read().to_pandas()


_XPT_OBS = (b"HEADER RECORD*******OBS     HEADER RECORD!!!!!!!",
            b"HEADER RECORD*******OBSV8   HEADER RECORD!!!!!!!")


def _check_xpt(data: bytes, label: str, meta) -> None:
    """Refuse a SAS transport file whose last record is cut off (a truncated copy)."""
    start = max((data.find(h) for h in _XPT_OBS), default=-1)
    width = sum((meta.variable_storage_width or {}).values())
    if start < 0 or width <= 0:
        return
    section = data[start + 80:]
    member = section.find(b"HEADER RECORD*******MEMBER  HEADER RECORD")
    if member >= 0:
        section = section[:member]
    full = len(section) // width
    rest = section[full * width:]
    if rest.strip(b" ") or len(data) % 80:
        raise TrialDataError(
            f"{label}: the file ends in the middle of record {full + 1} ({len(rest)} of its "
            f"{width} bytes): it looks truncated, and only {full} complete records are in it. "
            "Copy or export the file again.")


def _read_sas(data: bytes, kind: str, label: str = "") -> pd.DataFrame:
    # pyreadstat reads from memory (file-like objects). pandas.read_sas is not used:
    # its XPORT reader drops the last record of some files.
    import pyreadstat

    reader = pyreadstat.read_xport if kind == "xpt" else pyreadstat.read_sas7bdat
    _meta = reader(io.BytesIO(data), metadataonly=True)[1]
    if kind == "xpt":
        _check_xpt(data, label, _meta)
    if _meta.number_rows is not None:
        _check_shape(label, _meta.number_rows, _meta.number_columns or 1)
    try:
        df, _meta = reader(io.BytesIO(data), disable_datetime_conversion=True)
    except pyreadstat.ReadstatError as exc:
        if "unicode" not in str(exc).lower() and "encod" not in str(exc).lower():
            raise
        df, _meta = reader(io.BytesIO(data), disable_datetime_conversion=True,
                           encoding="LATIN1")
    return df


def _hint(name: str) -> str | None:
    stem = re.sub(r"[^0-9a-z_]", "", Path(name).stem.lower().replace(" ", "_").replace("-", "_"))
    for table, names in _TABLE_NAMES.items():
        if stem in names:
            return table
    for table, names in _TABLE_NAMES.items():
        if any(n in stem for n in names if len(n) > 3):
            return table
    return None


def _guard_zip(zf: zipfile.ZipFile, label: str) -> list[zipfile.ZipInfo]:
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise TrialDataError(f"{label}: the archive holds {len(infos)} files; at most "
                             f"{MAX_ARCHIVE_MEMBERS} are accepted.")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise TrialDataError(
            f"{label}: the archive would expand to {total / 2**20:.0f} MB; at most "
            f"{MAX_UNCOMPRESSED_BYTES // 2**20} MB are accepted (this looks like a zip bomb).")
    for i in infos:
        if i.file_size > 2**20 and i.file_size > MAX_COMPRESSION_RATIO * max(i.compress_size, 1):
            raise TrialDataError(
                f"{label}: `{i.filename}` is compressed more than "
                f"{MAX_COMPRESSION_RATIO}:1 ({i.file_size / 2**20:.0f} MB from "
                f"{i.compress_size / 2**10:.0f} kB), which looks like a zip bomb.")
    return infos


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> bytes:
    # never trust the declared size: read at most a little more than it
    with zf.open(info) as fh:
        data = fh.read(min(info.file_size, MAX_UNCOMPRESSED_BYTES) + 1)
    if len(data) > info.file_size:
        raise TrialDataError(f"{label}: `{info.filename}` is larger than its header says; "
                             "the archive is damaged or malicious.")
    return data


def _read_zip(f: _File, warnings: list[str], mappings: list[dict]) -> list[_Frame]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(f.data))
    except zipfile.BadZipFile:
        raise TrialDataError(f"{f.name}: not a valid ZIP archive (the file is damaged or "
                             "incomplete). Create the ZIP again.") from None
    frames: list[_Frame] = []
    skipped: list[str] = []
    with zf:
        infos = _guard_zip(zf, f.name)
        for info in infos:
            base = Path(info.filename).name
            if info.filename.startswith("__MACOSX") or base.startswith((".", "~$")):
                continue
            if _not_a_table(base):
                skipped.append(info.filename)
                continue
            member = _File(base, _read_member(zf, info, f.name))
            if _kind(member) == "zip":
                raise TrialDataError(f"{f.name}: `{info.filename}` is a ZIP inside the ZIP; "
                                     "put the tables directly into one archive.")
            for fr in _read_file(member, warnings, mappings):
                fr.label = f"{f.name}/{info.filename}" if fr.label == base else \
                    f"{f.name}/{fr.label}"
                frames.append(fr)
    if skipped:
        warnings.append(f"{f.name}: skipped {', '.join(f'`{s}`' for s in skipped[:5])} "
                        "(documentation, not a table).")
    if not frames:
        raise TrialDataError(f"{f.name}: the archive holds no data files"
                             + (f" (only {', '.join(f'`{s}`' for s in skipped[:5])}, which "
                                "is documentation)" if skipped else "") + ".")
    return frames


_DOC_STEMS = ("readme", "read_me", "read me", "license", "licence", "notes", "changelog",
              "codebook", "instructions")
_DOC_SUFFIXES = (".md", ".pdf", ".docx", ".doc", ".html", ".htm", ".rtf", ".png", ".jpg")


def _not_a_table(name: str) -> bool:
    """README, licence and other documents that travel in a data ZIP.

    Examples
    --------
    >>> [_not_a_table(n) for n in ("README.txt", "notes.md", "measurements.csv")]
    [True, True, False]
    """
    low = name.lower()
    return low.startswith(_DOC_STEMS) or low.endswith(_DOC_SUFFIXES)


_XLSX_DIM = re.compile(rb'<dimension ref="[A-Z]+\d+:([A-Z]+)(\d+)"')
_XLSX_UNCACHED = re.compile(rb"</f>\s*(?:<v\s*/>|<v></v>)?\s*</c>|<f[^>]*/>\s*</c>")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def _check_xlsx(zf: zipfile.ZipFile, label: str) -> None:
    """Each sheet's declared size within the limits, and formulas with saved values."""
    cells = 0
    for info in zf.infolist():
        if not re.match(r"xl/worksheets/sheet\d+\.xml$", info.filename):
            continue
        with zf.open(info) as fh:
            dim = _XLSX_DIM.search(fh.read(4096))
        if dim:
            rows, columns = int(dim.group(2)), _column_number(dim.group(1))
            _check_shape(label, rows, columns)
            cells += rows * columns
        if cells > MAX_XLSX_CELLS:
            raise TrialDataError(
                f"{label}: the workbook has {cells:,} cells; Excel files are read up to "
                f"{MAX_XLSX_CELLS:,} cells (their XML is slow to read). Save larger tables as "
                "CSV or Parquet.")
        uncached = len(_XLSX_UNCACHED.findall(zf.read(info)))
        if uncached:
            raise TrialDataError(
                f"{label}: {uncached} formula cell(s) have no saved value (the workbook was "
                "written by a program that does not calculate formulas). Open it in Excel or "
                "LibreOffice and save it again, or paste the values instead of formulas.")


def _read_xlsx(f: _File) -> list[_Frame]:
    with zipfile.ZipFile(io.BytesIO(f.data)) as zf:
        _guard_zip(zf, f.name)
        _check_xlsx(zf, f.name)
    sheets = pd.read_excel(io.BytesIO(f.data), sheet_name=None, dtype=object, header=None,
                           engine="openpyxl")
    frames = []
    for sheet, raw in sheets.items():
        raw = raw.dropna(how="all").dropna(axis=1, how="all")
        if raw.empty or len(raw) < 2:
            continue
        top = _header_row(raw)
        label = f"{f.name} (sheet {sheet})"
        header = _checked_header([_clean_header(v) for v in raw.iloc[top]], label)
        body = raw.iloc[top + 1:]
        body.columns = header
        body.index = body.index + 1  # 0-based sheet row -> 1-based row number
        frames.append(_Frame(label, _drop_unnamed(_as_text(body, 0), label), _hint(sheet)))
    if not frames:
        names = ", ".join(f"`{s}`" for s in sheets) or "none"
        raise TrialDataError(
            f"{f.name}: no sheet holds a table with a header row and data (sheets: {names}). "
            "Name the sheets subjects, measurements, adverse_events and injections "
            "(and relapses, optional), "
            "with column names in the first row.")
    return frames


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


def _as_text(df: pd.DataFrame, start: int) -> pd.DataFrame:
    """Every cell as stripped str or None; index = row number seen by the user."""
    out = {}
    for col in df.columns:
        values = df[col].tolist()
        out[_clean_header(col)] = [_cell(v) for v in values]
    frame = pd.DataFrame(out, dtype=object)
    frame.index = (df.index if start == 0 else np.arange(start, start + len(df)))
    if len(frame) > MAX_ROWS:
        raise TrialDataError(f"The table has {len(frame)} rows; at most {MAX_ROWS} are read.")
    return frame


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


def _decode(f: _File, warnings: list[str]) -> str:
    if f.data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        try:
            text = f.data.decode("utf-32")
        except UnicodeDecodeError:
            raise TrialDataError(f"{f.name}: the file says it is UTF-32 text but is not "
                                 "valid UTF-32. Save it again as UTF-8 CSV.") from None
        warnings.append(f"{f.name}: read as UTF-32 text; UTF-8 is smaller and more common.")
        return text
    if f.data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return f.data.decode("utf-16")
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
        return text
    if b"\x00" in f.data[:4096]:
        raise TrialDataError(f"{f.name}: this is not a text (CSV) file; it contains binary "
                             "data. Upload CSV, XLSX, Parquet, ZIP or SAS .xpt files.")
    try:
        return f.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = f.data[: exc.start].count(b"\n") + 1
        warnings.append(
            f"{f.name}: the file is not UTF-8 (first odd byte on line {line}); it was read "
            "as Windows-1252. Check accented names, or save the file as UTF-8.")
        try:
            return f.data.decode("cp1252")
        except UnicodeDecodeError:
            return f.data.decode("latin-1")


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


#: Longest line read from a text file; longer ones are reported with their cell.
MAX_LINE_CHARS = 100_000


def _check_long_lines(lines: list[str], name: str, first: int) -> None:
    """Refuse a huge cell before any parser meets it, naming its row and column."""
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
    text = _decode(f, warnings)
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
    _check_quotes(lines, f.name)
    if not any(ln.strip() for ln in lines[first + 1:]):
        raise TrialDataError(f"{f.name}: the file has a header row but no data rows. Add the "
                             "data below the header.")
    frame = _fast_csv(text, sep, header, first)
    if frame is None:  # ragged rows: read row by row for an exact message
        frame = _slow_csv(text, sep, header, first, f.name)
    for col in frame.columns:
        cells = frame[col].str.strip()
        frame[col] = cells.where(~cells.str.lower().isin(_NA), None).astype(object)
    frame = _drop_unnamed(frame.loc[frame.notna().any(axis=1)], f.name)
    _decimal_commas(frame, f.name, warnings)
    return _Frame(f.name, frame, _hint(f.name))


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
        if len(records) > MAX_ROWS:
            raise TrialDataError(f"{name}: more than {MAX_ROWS} rows; split the file.")
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
    if len(raw) > MAX_ROWS:
        raise TrialDataError(f"More than {MAX_ROWS} rows; split the file.")
    raw.columns = header
    raw.index = np.arange(first + 2, first + 2 + len(raw))  # line numbers in the file
    return raw.astype(object).where(raw.notna(), "")


_DEC_COMMA = re.compile(r"^[+-]?\d*,\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _decimal_commas(frame: pd.DataFrame, label: str, warnings: list[str]) -> None:
    fixed = []
    for col in frame.columns:
        s = frame[col].dropna()
        if s.empty:
            continue
        comma = s.str.match(_DEC_COMMA)
        if comma.any() and (comma | s.str.match(_NUMBER)).all():
            frame[col] = frame[col].map(lambda v: v.replace(",", ".") if isinstance(v, str)
                                        else v)
            fixed.append(col)
    if fixed:
        warnings.append(f"{label}: decimal commas were read as decimal points in "
                        + ", ".join(f"`{c}`" for c in fixed) + ".")


# --------------------------------------------------------------------- tables
def _normalise_columns(frame: _Frame, mapping: dict | None) -> None:
    df = apply_mapping(frame.data, mapping) if mapping else frame.data
    rename = {}
    for c in df.columns:
        target = exact_target(c) or outcome_target(c)
        if target and target != c and target not in df.columns:
            rename[c] = target
    frame.data = df.rename(columns=rename)


def _classify(frame: _Frame) -> str:
    cols = set(frame.data.columns)
    if frame.hint == "measurements" or {"outcome", "value"} <= cols:
        if {"outcome", "value"} <= cols or not _wide_codes(frame.data):
            return "measurements"
        return "wide"
    if frame.hint in ("subjects", "adverse_events", "injections", "relapses", "periods"):
        return frame.hint
    if {"period", "start_day", "end_day"} <= cols:
        return "periods"
    if {"subject_id", "onset_day"} <= cols and not cols & {"term", "visit", "day", "value",
                                                            "outcome", "arm"}:
        return "relapses"
    if "term" in cols:
        return "adverse_events"
    if "injection_number" in cols and "day" in cols:
        return "injections"
    if _wide_codes(frame.data):
        return "wide"
    if {"visit", "day"} & cols:
        return "measurements"
    if "subject_id" in cols:
        return "subjects"
    return "unknown"


def _wide_codes(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c in REGISTRY]


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


def _require(df: pd.DataFrame, table: str, label: str, required=None) -> None:
    required = required or TABLES[table][0]
    missing = [c for c in required if c not in df.columns]
    if not missing:
        return
    col = missing[0]
    found = [str(c) for c in df.columns]
    others = [c for c in found if c not in TABLES[table][0]]
    close = difflib.get_close_matches(col, others, n=1, cutoff=0.6)
    if close:
        fix = (f"found `{close[0]}` — did you mean `{col}`? Rename `{close[0]}` to `{col}` "
               "(or map it in the column-mapping step).")
    else:
        fix = ("found columns: " + ", ".join(f"`{c}`" for c in found[:12])
               + (" ..." if len(found) > 12 else "")
               + f". Add a column `{col}` or map one of yours to it.")
    also = ""
    if len(missing) > 1:
        also = " Also missing: " + ", ".join(f"`{c}`" for c in missing[1:]) + "."
    raise MissingColumnsError(
        f"{label}: required column `{col}` is missing; {fix}{also} The "
        f"{table.replace('_', ' ')} table needs the columns "
        + ", ".join(f"`{c}`" for c in required) + ".", found, label)


def _numbers(df: pd.DataFrame, col: str, label: str, *, integer=False, date_hint=False):
    """``df[col]`` as floats; text, dates and overflow raise a TrialDataError."""
    raw = df[col]
    num = pd.to_numeric(raw, errors="coerce").astype(float)
    bad = num.isna() & raw.notna()
    if bad.any():
        rows = raw[bad]
        first = str(rows.iloc[0])
        if re.match(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", first):
            if date_hint:
                raise TrialDataError(
                    f"{label}: column `{col}` holds dates ({_rows(rows.index)}: "
                    f"`{first}`). `{col}` must be the number of days since the subject's "
                    "baseline (0 at baseline): subtract the baseline date from each date.")
            raise TrialDataError(f"{label}: column `{col}` holds dates ({_rows(rows.index)}: "
                                 f"`{first}`) where numbers are expected.")
        examples = ", ".join(f"`{v}`" for v in pd.unique(rows)[:3])
        raise TrialDataError(
            f"{label}: column `{col}` must hold numbers, but {_rows(rows.index)} "
            f"{_verb(rows.index, 'holds', 'hold')} text ({examples}). Use plain numbers (decimal point, no units); leave "
            "a cell empty when the value is missing.")
    huge = ~np.isfinite(num) & num.notna() | (num.abs() > 1e12)
    if huge.any():
        rows = num[huge]
        raise TrialDataError(
            f"{label}: column `{col}` has numbers too large to be real ({_rows(rows.index)}: "
            f"`{raw[huge].iloc[0]}`). Check for a merged cell, an ID or a typo.")
    if date_hint:
        far = num.abs() > MAX_DAY
        if far.any():
            raise TrialDataError(
                f"{label}: column `{col}` has {_rows(num[far].index)} more than 20 years "
                f"from baseline (`{raw[far].iloc[0]}`): this looks like a date stored as a "
                f"number. `{col}` must be days since the subject's baseline (0 at baseline).")
    if integer:
        frac = num.notna() & (num != np.round(num))
        if frac.any():
            raise TrialDataError(f"{label}: column `{col}` must hold whole numbers; "
                                 f"{_rows(num[frac].index)} {_verb(num[frac].index, 'does', 'do')} not "
                                 f"(`{raw[frac].iloc[0]}`).")
    return num


#: Beyond this a whole number is not exact as a float64 (nor in JavaScript).
MAX_SAFE_INTEGER = 2**53 - 1


def _tidy_number(num: pd.Series) -> pd.Series:
    """Whole numbers without gaps as int64, the rest float64 (stable fingerprints)."""
    if (num.notna().all() and (num == np.round(num)).all()
            and (num.abs() <= MAX_SAFE_INTEGER).all()):
        return num.astype("int64")
    return num.astype("float64")


def _auto(series: pd.Series) -> pd.Series:
    """An optional column: numeric when every value is a number, else text.

    Whole numbers beyond 2^53 (identifiers such as ``12345678901234567890``)
    cannot be held exactly as numbers, so such a column stays text.

    Examples
    --------
    >>> _auto(pd.Series(["12345678901234567890", "7"])).tolist()
    ['12345678901234567890', '7']
    >>> _auto(pd.Series(["41", "55"])).tolist()
    [41, 55]
    """
    s = series.dropna()
    if len(s) and s.map(lambda v: bool(_NUMBER.match(str(v)))).all():
        num = pd.to_numeric(series, errors="coerce").astype(float)
        whole = s.map(lambda v: bool(re.match(r"^[+-]?\d+$", str(v).strip())))
        if not (num.loc[whole[whole].index].abs() > MAX_SAFE_INTEGER).any():
            return _tidy_number(num)
    return series.astype("str")


def _no_missing(df: pd.DataFrame, cols, label: str) -> None:
    for col in cols:
        empty = df[col].isna()
        if empty.any():
            raise TrialDataError(
                f"{label}: column `{col}` is empty in {_rows(df.index[empty])}. Fill it in, "
                "or delete those rows.")


def _ids(series: pd.Series) -> pd.Series:
    """IDs as text; ``101.0`` (a number column read as float) becomes ``101``."""
    fixed = {v: v[:-2] for v in pd.unique(series.dropna())
             if isinstance(v, str) and re.match(r"^\d+\.0$", v)}
    return series.replace(fixed) if fixed else series


# ----------------------------------------------------------- table checkers
def _subjects(df: pd.DataFrame, label: str) -> pd.DataFrame:
    _require(df, "subjects", label)
    df = df.copy()
    _no_missing(df, ["subject_id"], label)
    df["subject_id"] = _ids(df["subject_id"])
    dup = df["subject_id"].duplicated(keep=False)
    if dup.any():
        first = df.loc[dup, "subject_id"].iloc[0]
        raise TrialDataError(f"{label}: subject `{first}` appears more than once "
                             f"({_rows(df.index[df['subject_id'] == first])}); give each "
                             "subject one row.")
    for col in df.columns:
        if col == "subject_id":
            continue
        if col in ("age", "disease_duration_years", "baseline_edss", "bmi"):
            num = _numbers(df, col, label)
            if col == "baseline_edss":
                _range(df.index, num, "EDSS", label, col)
            df[col] = _tidy_number(num)
        elif col in ("arm", "ms_type", "sex", "route"):
            df[col] = df[col].astype("str")
        else:
            df[col] = _auto(df[col])
    return df


def _range(index, values, code: str, label: str, col: str = "value") -> None:
    outcome = REGISTRY.get(code)
    if not outcome.known:
        return
    bad = outcome.out_of_range(values.to_numpy(dtype=float))
    if bad.any():
        rows = index[bad]
        shown = ", ".join(f"{r} ({values.loc[r]:g})" for r in list(rows)[:5])
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        raise TrialDataError(
            f"{label}: column `{col}`: {code} must be {outcome.range_text()}; "
            f"{'row' if len(rows) == 1 else 'rows'} {shown}{more} {_verb(rows, 'is', 'are')} outside that. "
            "Correct or remove these values.")


def _measurements(df: pd.DataFrame, label: str, warnings: list[str], *,
                  strict_baseline: bool = True) -> pd.DataFrame:
    _require(df, "measurements", label)
    df = df.copy()
    _no_missing(df, ["subject_id", "visit", "day", "outcome"], label)
    empty = df["value"].isna()
    if empty.any():
        warnings.append(f"{label}: {_count(empty.sum(), 'row')} without a `value` skipped "
                        f"({_rows(df.index[empty], 3)}).")
        df = df.loc[~empty]
    if df.empty:
        raise TrialDataError(f"{label}: no row has a `value`; the measurements table is "
                             "empty.")
    df["subject_id"] = _ids(df["subject_id"])
    codes = {v: _outcome_code(v) for v in pd.unique(df["outcome"])}
    df["outcome"] = df["outcome"].map(codes)
    df["day"] = _tidy_number(_numbers(df, "day", label, date_hint=True))
    df["value"] = _numbers(df, "value", label)
    for code, part in df.groupby("outcome", sort=False):
        _range(part.index, part["value"], code, label)
    key = ["subject_id", "visit", "outcome"]
    dup = df.duplicated(key, keep=False)
    if dup.any():
        first = df.loc[dup].iloc[0]
        same = dup & (df["subject_id"] == first["subject_id"]) & \
            (df["visit"] == first["visit"]) & (df["outcome"] == first["outcome"])
        raise TrialDataError(
            f"{label}: {int(dup.sum())} rows repeat the same subject x visit x outcome, e.g. "
            f"subject `{first['subject_id']}`, visit `{first['visit']}`, outcome "
            f"`{first['outcome']}` in {_rows(df.index[same])}. Keep one value per subject, "
            "visit and outcome (average repeated trials beforehand).")
    _baselines(df, label, warnings, strict_baseline)
    _windows(df, label, warnings)
    unknown = sorted(set(df["outcome"]) - set(REGISTRY.codes))
    for code in unknown:
        close = difflib.get_close_matches(code.upper(), REGISTRY.codes, n=1, cutoff=0.75)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        warnings.append(f"{label}: outcome `{code}` is not in the outcome registry{hint}; "
                        "it is analysed with higher = better and no meaningful-change rule.")
    df = df[list(TABLES["measurements"][0])]
    hands = nhpt_from_hands(df)
    if len(hands):
        warnings.append(f"{label}: NHPT was computed as the mean of the dominant- and "
                        f"non-dominant-hand times for {_count(len(hands), 'subject x visit')} "
                        "(MSFC convention).")
        df = pd.concat([df, hands], ignore_index=True)
    msfc = msfc_rows(df)
    if len(msfc):
        warnings.append(f"{label}: the MSFC composite was computed from T25FW, NHPT and PASAT "
                        f"for {_count(len(msfc), 'subject x visit')} (z-scores against the "
                        "MSFC task-force reference population).")
        df = pd.concat([df, msfc], ignore_index=True)
    return df


def nhpt_from_hands(measurements: pd.DataFrame) -> pd.DataFrame:
    """NHPT rows: the mean of both hands' 9-Hole Peg Test times, per subject x visit.

    Only where both hands (``NHPT_DH``, ``NHPT_NDH``) were timed at the visit
    (the MSFC convention averages the two hands); nothing when the data has
    its own ``NHPT`` rows.

    Examples
    --------
    >>> m = pd.DataFrame({"subject_id": "a", "visit": ["BL", "BL", "M6"], "day": [0, 0, 180],
    ...                   "outcome": ["NHPT_DH", "NHPT_NDH", "NHPT_DH"], "value": [20.0, 24.0, 19.0]})
    >>> nhpt_from_hands(m)[["visit", "outcome", "value"]].to_dict("records")
    [{'visit': 'BL', 'outcome': 'NHPT', 'value': 22.0}]
    """
    cols = list(TABLES["measurements"][0])
    outcomes = set(measurements["outcome"])
    if "NHPT" in outcomes or not set(NHPT_HANDS) <= outcomes:
        return pd.DataFrame(columns=cols)
    hands = measurements[measurements["outcome"].isin(NHPT_HANDS)]
    wide = hands.pivot_table(index=["subject_id", "visit"], columns="outcome", values="value",
                             aggfunc="first").dropna()
    if wide.empty:
        return pd.DataFrame(columns=cols)
    out = wide[list(NHPT_HANDS)].mean(axis=1).rename("value").reset_index()
    day = hands.groupby(["subject_id", "visit"])["day"].first()
    out["day"] = day.reindex(pd.MultiIndex.from_frame(out[["subject_id", "visit"]])).to_numpy()
    out["outcome"] = "NHPT"
    return out[cols]


def msfc_rows(measurements: pd.DataFrame) -> pd.DataFrame:
    """MSFC composite rows for every subject x visit with T25FW, NHPT and PASAT.

    z-scores against the MSFC task-force reference population (Fischer et al.
    1999; ``outcomes.MSFC_REFERENCE``), NHPT as the reciprocal of its time:
    MSFC = (z_NHPT - z_T25FW + z_PASAT) / 3. Nothing when the data has its
    own ``MSFC`` rows or lacks a component.

    Examples
    --------
    >>> m = pd.DataFrame({"subject_id": "a", "visit": "BL", "day": 0,
    ...                   "outcome": ["T25FW", "NHPT", "PASAT"], "value": [9.5353, 1 / 0.0439, 45.0311]})
    >>> round(float(msfc_rows(m)["value"].iloc[0]), 10)
    0.0
    """
    cols = list(TABLES["measurements"][0])
    parts = ("T25FW", "NHPT", "PASAT")
    if "MSFC" in set(measurements["outcome"]) or not set(parts) <= set(measurements["outcome"]):
        return pd.DataFrame(columns=cols)
    wide = measurements[measurements["outcome"].isin(parts)].pivot_table(
        index=["subject_id", "visit"], columns="outcome", values="value", aggfunc="first")
    wide = wide.dropna()
    if wide.empty:
        return pd.DataFrame(columns=cols)
    (nhpt_m, nhpt_sd), (t25_m, t25_sd), (pasat_m, pasat_sd) = (
        MSFC_REFERENCE["NHPT_RECIPROCAL"], MSFC_REFERENCE["T25FW"], MSFC_REFERENCE["PASAT"])
    z = ((1 / wide["NHPT"] - nhpt_m) / nhpt_sd - (wide["T25FW"] - t25_m) / t25_sd
         + (wide["PASAT"] - pasat_m) / pasat_sd) / 3
    day = (measurements[measurements["outcome"] == "T25FW"]
           .set_index(["subject_id", "visit"])["day"])
    out = z.rename("value").reset_index()
    out["day"] = day.reindex(pd.MultiIndex.from_frame(out[["subject_id", "visit"]])).to_numpy()
    out["outcome"] = "MSFC"
    return out[cols]


def _outcome_code(v):
    if not isinstance(v, str):
        return v
    if v in REGISTRY:
        return v
    target = exact_target(v) or outcome_target(v)
    if target in REGISTRY:
        return target
    up = v.upper()
    return up if up in REGISTRY else v


def _baselines(df, label, warnings, strict: bool) -> None:
    base = df.loc[df["day"] == 0, ["subject_id", "outcome"]].drop_duplicates()
    has = set(map(tuple, base.to_numpy().tolist()))
    later = df.loc[df["day"] > 0]
    missing = later.loc[[(s, o) not in has for s, o in zip(later["subject_id"],
                                                            later["outcome"], strict=True)]]
    if missing.empty:
        return
    codes_with_base = set(base["outcome"])
    no_base_at_all = sorted(set(missing["outcome"]) - codes_with_base)
    for code in no_base_at_all:
        warnings.append(f"{label}: outcome `{code}` has no day-0 (baseline) value for any "
                        "subject, so changes from baseline cannot be computed for it.")
    partial = missing.loc[missing["outcome"].isin(codes_with_base)]
    if partial.empty:
        return
    first = partial.iloc[0]
    pairs = partial[["subject_id", "outcome"]].drop_duplicates()
    if strict:
        raise TrialDataError(
            f"{label}: subject `{first['subject_id']}` has `{first['outcome']}` values after "
            f"baseline ({_rows(partial.index[(partial['subject_id'] == first['subject_id']) & (partial['outcome'] == first['outcome'])])}) "
            f"but no baseline value (a row with `day` 0); "
            f"{_count(len(pairs), 'subject x outcome pair')} in all.  Add the baseline rows, or set the baseline visit's `day` to 0.")
    warnings.append(f"{label}: {_count(len(pairs), 'subject x outcome pair')} with "
                    "follow-up values but no baseline (day 0) value: left out of changes "
                    "from baseline.")


def _windows(df, label, warnings) -> None:
    median = df.groupby("visit")["day"].transform("median")
    off = (df["day"] - median).abs() > VISIT_WINDOW_DAYS
    if off.any():
        first = df.loc[off].iloc[0]
        warnings.append(
            f"{label}: {_count(off.sum(), 'visit day')} more than {VISIT_WINDOW_DAYS} days from "
            f"their visit's median day, e.g. subject `{first['subject_id']}` at "
            f"`{first['visit']}` on day {first['day']:g} ({_rows(df.index[off], 3)}). Check "
            "the visit names and days.")


def _bool(series: pd.Series, label: str, col: str) -> pd.Series:
    def parse(v):
        if v is None:
            return None
        low = str(v).strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return "?"
    parsed = series.map(parse)
    bad = parsed == "?"
    if bad.any():
        raise TrialDataError(f"{label}: column `{col}` must be yes/no (or true/false, Y/N); "
                             f"{_rows(series.index[bad])} {_verb(series.index[bad], 'holds', 'hold')} "
                             f"`{series[bad].iloc[0]}`.")
    if parsed.isna().any():
        return parsed.astype("boolean")
    return parsed.astype(bool)


def _events(df: pd.DataFrame, label: str, warnings: list[str]) -> pd.DataFrame:
    _require(df, "adverse_events", label)
    df = df.copy()
    _no_missing(df, ["subject_id", "term"], label)
    df["subject_id"] = _ids(df["subject_id"])
    if "onset_day" in df:
        df["onset_day"] = _tidy_number(_numbers(df, "onset_day", label, date_hint=True))
    if "injection_number" in df:
        df["injection_number"] = _tidy_number(_numbers(df, "injection_number", label,
                                                        integer=True))
    for col in ("serious", "treatment_emergent"):
        if col in df:
            df[col] = _bool(df[col], label, col)
    for col, allowed in (("severity", SEVERITIES), ("related", RELATEDNESS)):
        if col not in df:
            continue
        df[col] = df[col].map(lambda v: v.strip().lower() if isinstance(v, str) else v)
        if col == "severity" and df[col].isna().any():
            warnings.append(f"{label}: {_count(df[col].isna().sum(), 'adverse event')} "
                            f"without a `severity` ({_rows(df.index[df[col].isna()], 3)}).")
        odd = sorted(set(df[col].dropna()) - set(allowed))
        if odd:
            warnings.append(f"{label}: `{col}` has values outside "
                            f"{', '.join(allowed)}: " + ", ".join(f"`{v}`" for v in odd[:5])
                            + ".")
        df[col] = df[col].astype("str")
    for col in ("term", "body_system"):
        if col in df:
            df[col] = df[col].astype("str")
    return df


def _injections(df: pd.DataFrame, label: str) -> pd.DataFrame:
    _require(df, "injections", label)
    df = df.copy()
    _no_missing(df, ["subject_id", "injection_number", "day"], label)
    df["subject_id"] = _ids(df["subject_id"])
    df["injection_number"] = _tidy_number(_numbers(df, "injection_number", label,
                                                   integer=True))
    df["day"] = _tidy_number(_numbers(df, "day", label, date_hint=True))
    if "dose_million_cells" in df:
        df["dose_million_cells"] = _tidy_number(_numbers(df, "dose_million_cells", label))
    if "route" in df:
        df["route"] = df["route"].astype("str")
    dup = df.duplicated(["subject_id", "injection_number"], keep=False)
    if dup.any():
        first = df.loc[dup].iloc[0]
        raise TrialDataError(
            f"{label}: subject `{first['subject_id']}` has injection number "
            f"{first['injection_number']} twice ({_rows(df.index[dup])}); number each "
            "subject's injections 1, 2, 3...")
    return df


def _relapses(df: pd.DataFrame, label: str) -> pd.DataFrame:
    """The optional relapses table: one row per relapse, its onset in days since baseline."""
    _require(df, "relapses", label)
    df = df[["subject_id", "onset_day"]].copy()
    _no_missing(df, ["subject_id", "onset_day"], label)
    df["subject_id"] = _ids(df["subject_id"])
    df["onset_day"] = _numbers(df, "onset_day", label, date_hint=True)
    return df


# ------------------------------------------------------- layouts to tables
def _split_long(df: pd.DataFrame, label: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A long file with subject columns on every row -> (subjects, measurements)."""
    _require(df, "measurements", label)
    extra = [c for c in df.columns if c not in TABLES["measurements"][0]]
    return _subjects_from(df, extra, label), df[list(TABLES["measurements"][0])]


def _subjects_from(df: pd.DataFrame, cols: list[str], label: str) -> pd.DataFrame:
    _no_missing(df, ["subject_id"], label)
    sub = df[["subject_id", *cols]].copy()
    sub["subject_id"] = _ids(sub["subject_id"])
    for col in cols:
        varying = sub.groupby("subject_id")[col].nunique(dropna=True) > 1
        if varying.any():
            sid = varying.index[varying][0]
            rows = sub.index[sub["subject_id"] == sid]
            raise TrialDataError(
                f"{label}: column `{col}` changes within subject `{sid}` ({_rows(rows)}). "
                "Subject columns such as arm, sex or age must be the same on every row of a "
                "subject; if it is an outcome, give it its own `outcome` rows.")
    first = sub.groupby("subject_id", sort=False).first()
    out = first.reset_index()
    out.index = sub.drop_duplicates("subject_id").index
    return out


def _melt_wide(df: pd.DataFrame, label: str, warnings: list[str]):
    """One row per subject x visit, one column per outcome -> (subjects, measurements)."""
    _require(df, "measurements", label, ("subject_id", "visit", "day"))
    subject_cols = [c for c in df.columns if c in TABLES["subjects"][1]]
    outcome_cols = _wide_codes(df)
    rest = [c for c in df.columns if c not in ("subject_id", "visit", "day", *subject_cols,
                                               *outcome_cols)]
    ids = _ids(df["subject_id"])
    ignored = []
    for col in rest:  # unknown columns: subject variable if constant, else an outcome
        per = df.assign(subject_id=ids).groupby("subject_id")[col].nunique(dropna=True)
        nums = df[col].dropna().map(lambda v: bool(_NUMBER.match(str(v))))
        if not (per > 1).any():
            subject_cols.append(col)
        elif len(nums) and nums.all():
            outcome_cols.append(col)
        else:
            ignored.append(col)
    if ignored:
        warnings.append(f"{label}: " + ", ".join(f"`{c}`" for c in ignored) + " changes "
                        "within subjects and is not numeric, so it is neither a subject "
                        "variable nor an outcome; it was ignored.")
    df = df.drop(columns=ignored)
    subjects = _subjects_from(df, subject_cols, label)
    rows = []
    for col in outcome_cols:
        part = df[["subject_id", "visit", "day"]].copy()
        part["outcome"] = col
        part["value"] = df[col]
        part = part.loc[part["value"].notna()]
        rows.append(part)
    if not rows:
        raise TrialDataError(f"{label}: no outcome columns found; name them by outcome code "
                             f"(e.g. {', '.join(REGISTRY.codes[:4])}).")
    meas = pd.concat(rows)
    return subjects, meas


def _frames_to_tables(frames: list[_Frame], warnings: list[str], mapping) -> dict:
    """Find which frame is which table; returns {table: (label, frame)}."""
    found: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    unknown: list[_Frame] = []
    for fr in frames:
        _normalise_columns(fr, mapping)
        kind = _classify(fr)
        if kind == "unknown":
            unknown.append(fr)
            continue
        if kind == "wide":
            subj, meas = _melt_wide(fr.data, fr.label, warnings)
            found.setdefault("measurements", []).append((fr.label, meas))
            found.setdefault("_derived_subjects", []).append((fr.label, subj))
        else:
            found.setdefault(kind, []).append((fr.label, fr.data))
    tables: dict[str, tuple[str, pd.DataFrame]] = {}
    for name in (*TABLES, "periods"):
        items = found.get(name, [])
        if len(items) > 1:
            raise TrialDataError(
                "Two files look like the " + name.replace("_", " ") + " table: "
                + " and ".join(f"`{lab}`" for lab, _ in items[:2])
                + ". Upload one file per table, or name each file after its table "
                "(subjects.csv, measurements.csv, adverse_events.csv, injections.csv).")
        if items:
            tables[name] = items[0]
    if "measurements" not in tables:
        names = ", ".join(f"`{fr.label}`" for fr in frames)
        if unknown:  # columns not recognised: ask for them (the app offers a mapping)
            _require(unknown[0].data, "measurements", unknown[0].label)
        raise TrialDataError(
            f"No measurements table found in {names}. Upload measurements.csv (columns "
            "`subject_id`, `visit`, `day`, `outcome`, `value`), a wide file with one column "
            "per outcome, or an ADaM BDS dataset.")
    for fr in unknown:
        warnings.append(f"{fr.label}: no known column (such as `subject_id`), so it was not "
                        "used.")
    label, meas = tables["measurements"]
    extra = [c for c in meas.columns if c not in TABLES["measurements"][0]]
    derived = found.get("_derived_subjects")
    if extra and "subjects" not in tables and "visit" in meas and "outcome" in meas:
        subj, meas = _split_long(meas, label)
        tables["subjects"] = (label, subj)
        tables["measurements"] = (label, meas)
    elif derived and "subjects" not in tables:
        tables["subjects"] = derived[0]
    elif extra and "outcome" in meas:
        warnings.append(f"{label}: columns " + ", ".join(f"`{c}`" for c in extra[:5])
                        + " are not used (subject details come from the subjects table).")
    return tables


def _validate(tables: dict, warnings: list[str], *, strict_baseline=True) -> dict:
    out = {}
    m_label, m = tables["measurements"]
    out["measurements"] = _measurements(m, m_label, warnings, strict_baseline=strict_baseline)
    if "subjects" in tables:
        s_label, s = tables["subjects"]
        out["subjects"] = _subjects(s, s_label)
    else:
        ids = pd.unique(out["measurements"]["subject_id"])
        out["subjects"] = pd.DataFrame({"subject_id": ids})
        warnings.append("No subjects table: subjects were taken from the measurements "
                        "(no arm, so the study is analysed as single-arm).")
    if len(out["subjects"]) > MAX_SUBJECTS:
        raise TrialDataError(
            f"{tables.get('subjects', (m_label,))[0]}: {len(out['subjects']):,} subjects; at most "
            f"{MAX_SUBJECTS:,} are loaded (set MSC_DASH_MAX_SUBJECTS to allow more, memory "
            "permitting).")
    known = set(out["subjects"]["subject_id"])
    for name, checker in (("adverse_events", lambda d, lab: _events(d, lab, warnings)),
                          ("injections", _injections), ("relapses", _relapses)):
        if name in tables:
            lab, frame = tables[name]
            out[name] = checker(frame, lab)
    for name, lab in ((n, tables[n][0]) for n in ("measurements", "adverse_events",
                                                  "injections", "relapses") if n in out):
        frame = out[name]
        stray = ~frame["subject_id"].isin(known)
        if stray.any() and "subjects" in tables:
            sid = frame.loc[stray, "subject_id"].iloc[0]
            raise TrialDataError(
                f"{lab}: subject `{sid}` ({_rows(frame.index[stray])}) is not in the subjects "
                f"table `{tables['subjects'][0]}`. Add the subject there or correct the "
                "`subject_id`.")
    _periods.attach(out, tables, warnings)
    return out


# --------------------------------------------------------------------- public
def load_trial(source, *, mapping: dict | None = None, paramcd_map: dict | None = None,
               name: str | None = None) -> Trial:
    """Read, check and assemble a trial from files, bytes or uploaded files.

    Parameters
    ----------
    source : path, list of paths, bytes, uploaded file(s)
        A file or folder path; a list of them; raw ``bytes`` (give ``name``, whose
        extension tells the format); objects with ``.name`` and ``.getvalue()``
        (Streamlit ``UploadedFile``) or a list of them. Accepted: the four tables
        as CSV (comma, semicolon or tab; UTF-8 with or without BOM), an XLSX
        workbook with a sheet per table, Parquet, a ZIP of those, one long CSV with
        subject columns on each row, a wide file with one column per outcome code,
        and CDISC ADaM (ADSL, BDS such as ADQS/ADLB, ADAE) as .xpt or CSV. A
        ``.json`` column mapping among the files is applied like ``mapping``.
    mapping : dict, optional
        ``{your column: our column or outcome code}`` (see :mod:`msc_dash.mapping`).
    paramcd_map : dict, optional
        ADaM only: extra ``{PARAMCD: outcome code}`` entries over
        :data:`msc_dash.adam.PARAMCD_MAP`.
    name : str, optional
        File name for ``bytes`` input, and the source label.

    Returns
    -------
    Trial

    Raises
    ------
    TrialDataError
        For anything that makes the data unusable; the message says what and how
        to fix it.

    Examples
    --------
    >>> csv = (b"subject_id,visit,day,outcome,value\\n"
    ...        b"a,Baseline,0,EDSS,6.0\\na,Month 12,360,EDSS,5.5\\n")
    >>> trial = load_trial(csv, name="measurements.csv")
    >>> trial.visits, trial.outcomes
    (['Baseline', 'Month 12'], ['EDSS'])
    >>> load_trial(csv.replace(b"value", b"vaule"), name="measurements.csv")
    Traceback (most recent call last):
    ...
    msc_dash.io.MissingColumnsError: measurements.csv: required column `value` is missing; found `vaule` — did you mean `value`? ...
    """
    warnings: list[str] = []
    files = _collect(source, name)
    if not files:
        raise TrialDataError("No files were given.")
    mappings: list[dict] = []
    frames = [fr for f in files for fr in _read_file(f, warnings, mappings)]
    if mapping is not None:
        mapping = check_mapping(mapping)
    for extra in mappings:
        mapping = {**extra, **(mapping or {})}
    if not frames:
        raise TrialDataError("No data files were given (only a column mapping).")
    label = name or ", ".join(f.name for f in files)
    try:
        if adam.is_adam(fr.data for fr in frames):
            tables, strict = adam.to_tables(frames, warnings, paramcd_map), False
            for key, (lab, frame) in list(tables.items()):
                tables[key] = (lab, apply_mapping(frame, mapping) if mapping else frame)
        else:
            tables, strict = _frames_to_tables(frames, warnings, mapping), True
        out = _validate(tables, warnings, strict_baseline=strict)
        return Trial.from_tables(out["subjects"], out["measurements"],
                                 out.get("adverse_events"), out.get("injections"),
                                 relapses=out.get("relapses"), periods=out.get("periods"),
                                 warnings=tuple(dict.fromkeys(warnings)), source=label)
    except TrialDataError:
        raise
    except Exception as exc:  # never a bare traceback for bad data
        raise TrialDataError(
            f"{label}: the data could not be read ({type(exc).__name__}: "
            f"{str(exc)[:200]}). Compare the files with the templates on the Data page."
        ) from exc


def source_columns(source, name: str | None = None) -> list[str]:
    """Column names of every table in ``source`` (for the mapping step), in order.

    Examples
    --------
    >>> source_columns(b"Patient ID,Visit,Walk\\n1,BL,9\\n", name="x.csv")
    ['Patient ID', 'Visit', 'Walk']
    """
    warnings: list[str] = []
    frames = [fr for f in _collect(source, name) for fr in _read_file(f, warnings, [])]
    return list(dict.fromkeys(str(c) for fr in frames for c in fr.data.columns))


def source_frames(source, name: str | None = None, *, max_rows: int = 5000
                  ) -> list[pd.DataFrame]:
    """The first ``max_rows`` rows of every table in ``source`` (for the mapping step).

    Examples
    --------
    >>> source_frames(b"Patient ID,Visit\\n1,BL\\n2,BL\\n", name="x.csv", max_rows=1)[0]
      Patient ID Visit
    2          1    BL
    """
    warnings: list[str] = []
    frames = [fr for f in _collect(source, name) for fr in _read_file(f, warnings, [])]
    return [fr.data.head(max_rows) for fr in frames]


def load_sample(which: str = "single") -> Trial:
    """The bundled simulated sample trial (``"single"`` arm, ``"two_arm"`` or ``"crossover"``).

    Examples
    --------
    >>> load_sample("single").is_single_arm
    True
    """
    if which not in SAMPLES:
        raise ValueError(f"which must be one of {sorted(SAMPLES)}, not {which!r}")
    folder = SAMPLES[which]
    files = [folder / f"{t}.csv" for t in (*TABLES, "periods")
             if (folder / f"{t}.csv").is_file()]
    if not files:
        raise TrialDataError(f"The sample data is missing from {folder}; create it with "
                             "`make sample`.")
    return load_trial(files, name=SAMPLE_LABELS[which])


def template_zip() -> bytes:
    """A ZIP of the four table templates (CSV with header and example rows)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for table, text in TABLE_TEMPLATES.items():
            zf.writestr(f"{table}.csv", text)
        zf.writestr("periods.csv", _periods.TEMPLATE)
    return buf.getvalue()


# ------------------------------------------------------------ data summaries
def visit_summary(trial: Trial) -> pd.DataFrame:
    """One row per visit in order: ``visit``, ``day`` (median), ``n_subjects``, ``n_values``.

    Examples
    --------
    >>> csv = b"subject_id,visit,day,outcome,value\\na,BL,0,EDSS,6\\na,M6,170,EDSS,6\\nb,BL,0,EDSS,5\\n"
    >>> visit_summary(load_trial(csv, name="m.csv")).to_dict("list")
    {'visit': ['BL', 'M6'], 'day': [0.0, 170.0], 'n_subjects': [2, 1], 'n_values': [2, 1]}
    """
    m = trial.measurements
    days = trial.visit_days
    grouped = m.groupby("visit")
    return pd.DataFrame({
        "visit": list(days.index),
        "day": days.to_numpy(dtype=float),
        "n_subjects": grouped["subject_id"].nunique().reindex(days.index).to_numpy(dtype=int),
        "n_values": grouped.size().reindex(days.index).to_numpy(dtype=int),
    })


def outcome_summary(trial: Trial) -> pd.DataFrame:
    """One row per outcome: ``outcome``, ``label``, ``domain``, ``unit``, ``better``,
    ``rule``, ``known``, ``n_subjects``, ``n_values``.

    Examples
    --------
    >>> csv = b"subject_id,visit,day,outcome,value\\na,BL,0,EDSS,6\\na,BL,0,GRIP,30\\n"
    >>> outcome_summary(load_trial(csv, name="m.csv"))[["outcome", "domain", "known"]].to_dict("list")
    {'outcome': ['EDSS', 'GRIP'], 'domain': ['disability', 'other'], 'known': [True, False]}
    """
    m = trial.measurements
    rows = []
    for code in trial.outcomes:
        o = trial.outcome(code)
        part = m[m["outcome"] == code]
        rows.append({"outcome": code, "label": o.label, "domain": o.domain, "unit": o.unit,
                     "better": o.better, "rule": o.rule_text, "known": o.known,
                     "n_subjects": int(part["subject_id"].nunique()),
                     "n_values": len(part)})
    return pd.DataFrame(rows, columns=["outcome", "label", "domain", "unit", "better", "rule",
                                       "known", "n_subjects", "n_values"])


def table_summary(trial: Trial) -> pd.DataFrame:
    """Rows and columns of each of the four tables.

    Examples
    --------
    >>> csv = b"subject_id,visit,day,outcome,value\\na,BL,0,EDSS,6\\n"
    >>> table_summary(load_trial(csv, name="m.csv"))["rows"].tolist()
    [1, 1, 0, 0, 0]
    """
    rows = []
    for name in TABLES:
        frame = getattr(trial, name)
        rows.append({"table": name, "rows": len(frame),
                     "columns": ", ".join(map(str, frame.columns))})
    return pd.DataFrame(rows)
