"""Write the bad-input corpus in tests/data/bad/ (run: python tests/data/make_bad_corpus.py).

Each case is a small malformed file (or a folder of files) and the message
``msc_dash.load_trial`` must give for it; tests/test_bad_inputs.py loads every
case from disk and checks that message. The oversized upload and the large
zip bomb are built at test time instead, to keep the repository small.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent / "bad"
M = "subject_id,visit,day,outcome,value\n"
GOOD = M + "P1,Baseline,0,EDSS,6.0\nP1,Month 6,182,EDSS,5.5\n"
SUBJ = "subject_id,arm,sex,age\nP1,MSC,F,50\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _xlsx(sheets: dict[str, pd.DataFrame], header=True) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, df in sheets.items():
            df.to_excel(xl, sheet_name=name, index=False, header=header)
    return buf.getvalue()


def _formulas_xlsx() -> bytes:
    """A workbook whose formulas were never calculated (as openpyxl writes them)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "measurements"
    ws.append(["subject_id", "visit", "day", "outcome", "value"])
    ws.append(["P1", "Baseline", 0, "EDSS", "=2*3"])
    ws.append(["P1", "Month 6", 182, "EDSS", "=2*2.75"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xpt(n: int = 40) -> bytes:
    """A small SAS transport file of ``n`` measurement records."""
    import tempfile

    import pyreadstat

    df = pd.DataFrame({"USUBJID": [f"S-{i:03d}" for i in range(n)], "PARAMCD": "EDSSTOT",
                       "AVAL": [6.0] * n, "AVISIT": "Baseline", "ADY": [1.0] * n})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "adqs.xpt"
        pyreadstat.write_xport(df, str(path), table_name="ADQS")
        return path.read_bytes()


def _b(text: str) -> bytes:
    return text.encode("utf-8")


def _beside_good(name: str, data: str | bytes) -> dict[str, bytes]:
    """A folder of the good measurements and file ``name`` holding ``data``."""
    return {"measurements.csv": _b(GOOD), name: _b(data) if isinstance(data, str) else data}


# name -> (content: bytes, or {file name: bytes} for a folder; expected message regex)
CASES: dict[str, tuple[object, str]] = {
    "empty.csv": (b"", r"empty.csv: the file is empty \(0 bytes\)"),
    "blank_lines.csv": (b"\n \n\n", r"blank_lines.csv: the file is empty"),
    "header_only.csv": (_b(M), r"header_only.csv: the file has a header row but no data"),
    "space_delimited.csv": (_b(M.replace(",", " ") + "P1 Baseline 0 EDSS 6\n"),
                            r"only one column found \(`subject_id visit day"),
    "colon_delimited.csv": (_b(M.replace(",", ":") + "P1:Baseline:0:EDSS:6\n"),
                            r"only one column found"),
    "decimal_comma_in_comma_file.csv": (_b(M + "P1,Baseline,0,EDSS,6,5\n"),
                                        r"row 2 has 6 values but the header has 5 columns"),
    "ragged_row.csv": (_b(M + "P1,Baseline,0,EDSS,6\nP1,M6,180,EDSS,6,extra\n"),
                       r"row 3 has 6 values but the header has 5 columns"),
    "non_utf8_with_typo.csv": (
        "subject_id,visit,day,outcome,Wert\nJosé,Baseline,0,EDSS,6\n".encode("cp1252"),
        r"required column `value` is missing"),
    "binary_garbage.csv": (bytes(range(256)) * 4, r"this is not a text \(CSV\) file"),
    "mixed_types.csv": (_b(GOOD + "P1,Month 12,365,EDSS,moderate\n"),
                        r"column `value` must hold numbers, but row 4 holds text \(`moderate`\)"),
    "units_in_values.csv": (_b(M + "P1,Baseline,0,T25FW,12.3 s\n"),
                            r"`value` must hold numbers.*`12.3 s`.*no units"),
    "text_in_day.csv": (_b(M + "P1,Baseline,week 0,EDSS,6\n"),
                        r"column `day` must hold numbers, but row 2 holds text"),
    "duplicate_rows.csv": (_b(GOOD + "P1,Month 6,182,EDSS,5.5\n"),
                           r"2 rows repeat the same subject x visit x outcome.*rows 3, 4"),
    "duplicate_visit_values.csv": (_b(GOOD + "P1,Month 6,185,EDSS,6.0\n"),
                                   r"visit `Month 6`, outcome `EDSS` in rows 3, 4"),
    "missing_baseline.csv": (_b(GOOD + "P2,Month 6,180,EDSS,6.0\n"),
                             r"subject `P2` has `EDSS` values after baseline \(row 4\) but "
                             r"no baseline value"),
    "edss_7_3.csv": (_b(M + "P1,Baseline,0,EDSS,7.3\n"),
                     r"EDSS must be >= 0 and <= 10 in steps of 0.5; row 2 \(7.3\)"),
    "edss_11.csv": (_b(GOOD + "P1,Month 12,365,EDSS,11\n"), r"EDSS must be .* row 4 \(11\)"),
    "negative_t25fw.csv": (_b(M + "P1,Baseline,0,T25FW,-8.2\n"),
                           r"T25FW must be > 0; row 2 \(-8.2\)"),
    "zero_nhpt.csv": (_b(M + "P1,Baseline,0,NHPT,0\n"), r"NHPT must be > 0; row 2 \(0\)"),
    "negative_nfl.csv": (_b(M + "P1,Baseline,0,NFL,-1\n"), r"NFL must be >= 0; row 2 \(-1\) is outside"),
    "sdmt_150.csv": (_b(M + "P1,Baseline,0,SDMT,150\n"), r"SDMT must be >= 0 and <= 120"),
    "huge_float.csv": (_b(M + "P1,Baseline,0,NFL,1e400\n"),
                       r"`value` has numbers too large to be real \(row 2: `1e400`\)"),
    "huge_integer.csv": (_b(M + "P1,Baseline,0,GRIP,99999999999999999999999\n"),
                         r"`value` has numbers too large"),
    "infinity.csv": (_b(M + "P1,Baseline,0,GRIP,inf\n"), r"`value` has numbers too large"),
    "dates_iso.csv": (_b(M + "P1,Baseline,2021-03-04,EDSS,6\n"),
                      r"column `day` holds dates \(row 2: `2021-03-04`\).*subtract the "
                      r"baseline date"),
    "dates_slash.csv": (_b(M + "P1,Baseline,04/03/2021,EDSS,6\n"), r"column `day` holds dates"),
    "excel_serial_day.csv": (_b(M + "P1,Baseline,44259,EDSS,6\n"),
                             r"more than 20 years from baseline \(`44259`\)"),
    "typo_value.csv": (_b(M.replace("value", "vaule") + "P1,Baseline,0,EDSS,6\n"),
                       r"required column `value` is missing; found `vaule` — did you mean "
                       r"`value`\?"),
    "typo_subject.csv": (_b(M.replace("subject_id", "subjet_id") + "P1,Baseline,0,EDSS,6\n"),
                         r"`subject_id` is missing.*did you mean `subject_id`\?"),
    "missing_outcome_column.csv": (_b("subject_id,visit,day,value\nP1,Baseline,0,6\n"),
                                   r"required column `outcome` is missing"),
    "wide_without_visit.csv": (_b("subject_id,EDSS,T25FW\nP1,6,9.1\n"),
                               r"required column `visit` is missing"),
    "duplicate_header.csv": (_b("subject_id,visit,day,value,value\nP1,BL,0,6,6\n"),
                             r"the column `value` appears twice in the header"),
    "duplicate_header.xlsx": (
        _xlsx({"measurements": pd.DataFrame([["P1", "BL", 0, "EDSS", 6.0, 6.5]], columns=[
            "subject_id", "visit", "day", "outcome", "value", "value"])}),
        r"duplicate_header.xlsx \(sheet measurements\): the column `value` appears twice in "
        r"the header \(columns 5 and 6\)"),
    "unnamed_columns_with_data.csv": (
        _b(M.strip() + ",,\nP1,Baseline,0,EDSS,6,,\nP1,Month 6,182,EDSS,5.5,,oops\n"),
        r"a column has data but no name in the header row \(column 7; row 3 holds `oops`\)"),
    "unnamed_column_with_data.csv": (_b(M.strip() + ",\nP1,Baseline,0,EDSS,6,oops\n"),
                                     r"a column has data but no name"),
    "empty_subject_id.csv": (_b(GOOD + ",Month 12,365,EDSS,5\n"),
                             r"column `subject_id` is empty in row 4"),
    "all_values_empty.csv": (_b(M + "P1,Baseline,0,EDSS,\nP1,M6,180,EDSS,NA\n"),
                             r"no row has a `value`"),
    "long_inconsistent_sex.csv": (
        _b("subject_id,visit,day,outcome,value,sex\nP1,Baseline,0,EDSS,6,F\n"
           "P1,Month 6,182,EDSS,6,M\n"),
        r"column `sex` changes within subject `P1` \(rows 2, 3\)"),
    "no_usable_sheet.xlsx": (_xlsx({"Notes": pd.DataFrame({"read me": []})}),
                             r"no sheet holds a table .*sheets: `Notes`"),
    "truncated.xlsx": (_xlsx({"measurements": pd.read_csv(io.StringIO(GOOD))})[:700],
                       r"truncated.xlsx: could not be read as an Excel workbook"),
    "old_excel.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
                      r"old Excel .xls files are not read; .*save it as .xlsx"),
    "corrupt.zip": (b"PK\x03\x04" + b"\x14\x00garbage" * 20,
                    r"corrupt.zip: not a valid ZIP archive"),
    "empty_archive.zip": (_zip({}), r"empty_archive.zip: the archive holds no data files"),
    "nested.zip": (_zip({"inner.zip": _zip({"measurements.csv": _b(GOOD)})}),
                   r"`inner.zip` is a ZIP inside the ZIP"),
    "zip_with_bad_member.zip": (_zip({"measurements.csv": _b(GOOD.replace("5.5", "5.3"))}),
                                r"zip_with_bad_member.zip/measurements.csv: column `value`: "
                                r"EDSS must be"),
    "random.parquet": (b"PAR1" + bytes(range(200)) + b"PAR1",
                       r"random.parquet: could not be read as a Parquet file"),
    "truncated.xpt": (_xpt()[:-700], r"truncated.xpt: the file ends in the middle of record "
                      r"\d+ .*it looks truncated"),
    "formulas_without_values.xlsx": (
        _formulas_xlsx(), r"formulas_without_values.xlsx: 2 formula cell\(s\) have no saved "
                          r"value.*save it again"),
    "unterminated_quote.csv": (_b(M + 'P1,"Baseline,0,EDSS,6.0\nP1,Month 6,182,EDSS,5.5\n'),
                               r'unterminated_quote.csv: row 2 opens a quote \(`"`\) that is '
                               r"never closed"),
    "one_megabyte_cell.csv": (_b(M + "P1,Baseline,0,EDSS," + "9" * 2**20 + "\n"),
                              r"one_megabyte_cell.csv: row 2, column `value` holds a value of "
                              r"1,048,576 characters"),
    "readme_only.zip": (_zip({"README.md": b"# About this trial\nSee the protocol."}),
                        r"readme_only.zip: the archive holds no data files \(only `README.md`, "
                        r"which is documentation\)"),
    "random.xpt": (b"HEADER RECORD*******LIBRARY" + b"x" * 300,
                   r"random.xpt: could not be read as a SAS transport \(.xpt\) file"),
    "adsl_only.csv": (_b("USUBJID,TRT01A,AGE\n01-1,Placebo,60\n"),
                      r"no BDS dataset with `PARAMCD` and `AVAL`"),
    "adam_out_of_range.csv": (
        _b("USUBJID,PARAMCD,AVAL,AVISIT,ADY,ABLFL\n01-1,EDSS,6,Baseline,1,Y\n"
           "01-1,EDSS,12,Week 24,169,\n"),
        r"adam_out_of_range.csv: column `value`: EDSS must be .* row 3 \(12\)"),
    "unknown_subject": ({"subjects.csv": _b(SUBJ), "measurements.csv": _b(
        GOOD + "P9,Baseline,0,EDSS,6\n")},
        r"measurements.csv: subject `P9` \(row 4\) is not in the subjects table"),
    "unknown_subject_in_ae": ({"subjects.csv": _b(SUBJ), "measurements.csv": _b(GOOD),
                               "ae.csv": _b("subject_id,term\nP1,Headache\nP7,Fall\n")},
                              r"ae.csv: subject `P7` \(row 3\) is not in the subjects table"),
    "duplicate_subject": ({"subjects.csv": _b(SUBJ + "P1,Placebo,M,60\n"),
                           "measurements.csv": _b(GOOD)},
                          r"subjects.csv: subject `P1` appears more than once \(rows 2, 3\)"),
    "subject_age_text": ({"subjects.csv": _b(SUBJ + "P2,MSC,M,fifty\n"),
                          "measurements.csv": _b(GOOD)},
                         r"subjects.csv: column `age` must hold numbers.*`fifty`"),
    "baseline_edss_out_of_range": ({"subjects.csv": _b("subject_id,baseline_edss\nP1,10.5\n"),
                                    "measurements.csv": _b(GOOD)},
                                   r"column `baseline_edss`: EDSS must be"),
    "ae_serious_maybe": (_beside_good(
        "adverse_events.csv", "subject_id,term,serious\nP1,Headache,maybe\n"),
        r"column `serious` must be yes/no .*row 2 holds `maybe`"),
    "injection_fraction": (_beside_good(
        "injections.csv", "subject_id,injection_number,day\nP1,1.5,0\n"),
        r"`injection_number` must hold whole numbers; row 2"),
    "injection_twice": (_beside_good(
        "injections.csv", "subject_id,injection_number,day\nP1,1,0\nP1,1,120\n"),
        r"subject `P1` has injection number 1 twice \(rows 2, 3\)"),
    "injection_date": (_beside_good(
        "injections.csv", "subject_id,injection_number,day\nP1,1,2022-01-10\n"),
        r"injections.csv: column `day` holds dates"),
    "two_measurement_files": ({"m1.csv": _b(GOOD), "m2.csv": _b(GOOD)},
                              r"Two files look like the measurements table"),
    "bad_mapping_file": (_beside_good(
        "mapping.json", '{"columns": {"Patient": "patient_identifier"}}'),
        r"sends `Patient` to `patient_identifier`, which is not a known column"),
    "mapping_not_json": (_beside_good("mapping.json", b"{not json"),
                         r"The mapping file is not valid JSON"),
}


def write(root: Path = HERE) -> None:
    """(Re)write every case under ``root``."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for name, (content, _match) in CASES.items():
        if isinstance(content, dict):
            (root / name).mkdir()
            for member, data in content.items():
                (root / name / member).write_bytes(data)
        else:
            (root / name).write_bytes(content)


if __name__ == "__main__":
    write()
    print(f"wrote {len(CASES)} cases to {HERE}")
