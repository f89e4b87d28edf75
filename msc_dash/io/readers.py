"""Readers by format: dispatch on the file kind, ZIP members, Parquet, SAS
(XPT / sas7bdat) and XLSX workbooks; CSV and text are in :mod:`.delimited`.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from ..errors import TrialDataError
from ..mapping import (
    mapping_from_json,
)
from . import limits
from .cells import _as_text, _checked_header, _clean_header, _drop_unnamed, _header_row
from .delimited import _read_text
from .limits import _check_shape, _check_size
from .sources import _File, _Frame, _guard_zip, _hint, _kind, _not_a_table, _read_member


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
            return [_Frame(f.name, _as_text(_read_parquet(f), 1, keep_numbers=True), _hint(f.name))]
        if kind in ("xpt", "sas7bdat"):
            return [_Frame(f.name, _as_text(_read_sas(f.data, kind, f.name), 1,
                                                   keep_numbers=True),
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



def _read_parquet(f: _File) -> pd.DataFrame:
    """A Parquet file, after its footer's row count and sizes passed the limits."""
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(io.BytesIO(f.data))
    meta = pf.metadata
    _check_shape(f.name, meta.num_rows, meta.num_columns)
    expanded = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if expanded > limits.MAX_UNCOMPRESSED_BYTES:
        raise TrialDataError(
            f"{f.name}: the data would expand to {expanded / 2**20:,.0f} MB; at most "
            f"{limits.MAX_UNCOMPRESSED_BYTES // 2**20} MB are read. Keep only the columns and rows "
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
            _check_size(f"{f.name}/{info.filename}", info.file_size, _kind(_File(base, b"")))
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
        if cells > limits.MAX_XLSX_CELLS:
            raise TrialDataError(
                f"{label}: the workbook has {cells:,} cells; Excel files are read up to "
                f"{limits.MAX_XLSX_CELLS:,} cells (their XML is slow to read). Save larger tables as "
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
