"""Where the data comes from: paths, folders, bytes and uploaded files, and ZIP guards.

:func:`_collect` turns any accepted source into in-memory :class:`_File` objects;
:func:`_guard_zip` refuses archives that would expand beyond the limits.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import TrialDataError
from . import limits
from .limits import _check_size, _too_big

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
        if total > limits.MAX_UPLOAD_BYTES:
            raise TrialDataError(_too_big("The files together", total))
        return files
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return [_sized(_File(name or "upload", data))]
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            return _collect(folder_files(path), None)
        if not path.is_file():
            raise TrialDataError(f"{path}: no such file or folder.")
        with path.open("rb") as fh:  # the kind (and so the cap) before reading it all
            _check_size(path.name, path.stat().st_size, _kind(_File(path.name, fh.read(2000))))
        return [_sized(_File(path.name, path.read_bytes()))]
    if hasattr(source, "getvalue") or hasattr(source, "read"):
        label = name or str(getattr(source, "name", "upload"))
        size = getattr(source, "size", None)
        if isinstance(size, int):
            _check_size(label, size, _kind(_File(label, b"")))
        data = source.getvalue() if hasattr(source, "getvalue") else source.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        return [_sized(_File(Path(label).name or "upload", bytes(data)))]
    raise TrialDataError(
        f"Cannot read trial data from a {type(source).__name__}: give a file path, a "
        "folder, bytes with a name, or uploaded files.")



def _sized(f: _File) -> _File:
    """``f`` when it is within the cap of its kind (Parquet and ZIP have the larger)."""
    _check_size(f.name, len(f.data), _kind(f))
    return f



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
    if len(infos) > limits.MAX_ARCHIVE_MEMBERS:
        raise TrialDataError(f"{label}: the archive holds {len(infos)} files; at most "
                             f"{limits.MAX_ARCHIVE_MEMBERS} are accepted.")
    total = sum(i.file_size for i in infos)
    if total > limits.MAX_UNCOMPRESSED_BYTES:
        raise TrialDataError(
            f"{label}: the archive would expand to {total / 2**20:.0f} MB; at most "
            f"{limits.MAX_UNCOMPRESSED_BYTES // 2**20} MB are accepted (this looks like a zip bomb).")
    for i in infos:
        if i.file_size > 2**20 and i.file_size > limits.MAX_COMPRESSION_RATIO * max(i.compress_size, 1):
            raise TrialDataError(
                f"{label}: `{i.filename}` is compressed more than "
                f"{limits.MAX_COMPRESSION_RATIO}:1 ({i.file_size / 2**20:.0f} MB from "
                f"{i.compress_size / 2**10:.0f} kB), which looks like a zip bomb.")
    return infos



def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> bytes:
    # never trust the declared size: read at most a little more than it
    with zf.open(info) as fh:
        data = fh.read(min(info.file_size, limits.MAX_UNCOMPRESSED_BYTES) + 1)
    if len(data) > info.file_size:
        raise TrialDataError(f"{label}: `{info.filename}` is larger than its header says; "
                             "the archive is damaged or malicious.")
    return data



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
