""":func:`load_trial`, the one entry point: sources -> readers -> layouts -> checks -> Trial.
"""

from __future__ import annotations

import pandas as pd

from .. import adam
from ..errors import TrialDataError
from ..mapping import (
    apply_mapping,
    check_mapping,
)
from ..trial import Trial
from .cells import _texts
from .checks import _validate
from .layouts import _frames_to_tables
from .readers import _read_file
from .sources import _collect

# --------------------------------------------------------------------- public
#: The stages :func:`load_trial` reports to its ``progress`` callback, in order.
STAGES = ("reading", "checking", "building the trial")


def load_trial(source, *, mapping: dict | None = None, paramcd_map: dict | None = None,
               name: str | None = None, progress=None) -> Trial:
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
    progress : callable, optional
        Called as ``progress(stage, detail)`` when each of :data:`STAGES` starts
        (``detail``: the file being read, or ``""``), for a progress display.

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
    >>> stages = []
    >>> _ = load_trial(csv, name="measurements.csv", progress=lambda s, d: stages.append(s))
    >>> stages
    ['reading', 'reading', 'checking', 'building the trial']
    >>> load_trial(csv.replace(b"value", b"vaule"), name="measurements.csv")
    Traceback (most recent call last):
    ...
    msc_dash.io.problems.MissingColumnsError: measurements.csv: required column `value` is missing; found `vaule` — did you mean `value`? ...
    """
    warnings: list[str] = []
    report = progress or (lambda stage, detail="": None)
    report(STAGES[0], "")
    files = _collect(source, name)
    if not files:
        raise TrialDataError("No files were given.")
    mappings: list[dict] = []
    frames = []
    for i, f in enumerate(files):
        report(STAGES[0], f.name if len(files) == 1 else f"{f.name} ({i + 1} of {len(files)})")
        frames += _read_file(f, warnings, mappings)
    if mapping is not None:
        mapping = check_mapping(mapping)
    for extra in mappings:
        mapping = {**extra, **(mapping or {})}
    if not frames:
        raise TrialDataError("No data files were given (only a column mapping).")
    label = name or ", ".join(f.name for f in files)
    report(STAGES[1], "")
    try:
        if adam.is_adam(fr.data for fr in frames):
            for fr in frames:
                fr.data = _texts(fr.data)
            tables, strict = adam.to_tables(frames, warnings, paramcd_map), False
            for key, (lab, frame) in list(tables.items()):
                tables[key] = (lab, apply_mapping(frame, mapping) if mapping else frame)
        else:
            tables, strict = _frames_to_tables(frames, warnings, mapping), True
        out = _validate(tables, warnings, strict_baseline=strict)
        report(STAGES[2], "")
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
    return [_texts(fr.data.head(max_rows)) for fr in frames]
