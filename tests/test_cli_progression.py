"""``msc-dash progression``: the subject table and summary as CSV / XLSX."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd

from msc_dash import load_sample
from msc_dash.cli import main
from msc_dash.progression import confirmed_events

TWO_ARM = Path(__file__).resolve().parents[1] / "sample_data" / "two_arm"


def test_xlsx_has_subjects_summary_and_criteria(tmp_path, capsys):
    out = tmp_path / "events.xlsx"
    assert main(["progression", str(TWO_ARM), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1 of 27 on MSC-NP vs 7 of 27 on Saline" in printed
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Subjects", "Summary", "Criteria"]
    subjects = pd.read_excel(out, sheet_name="Subjects")
    expected = confirmed_events(load_sample("two_arm"), "EDSS_PLUS")
    assert len(subjects) == len(expected) == 54
    assert (subjects["Event"] == "yes").sum() == expected["has_event"].sum() == 8
    summary = pd.read_excel(out, sheet_name="Summary")
    assert summary["events"].tolist() == [1, 7]
    criteria = pd.read_excel(out, sheet_name="Criteria")["criteria"].iloc[0]
    assert "84 days (12 weeks)" in criteria


def test_csv_writes_the_summary_beside_it(tmp_path):
    out = tmp_path / "edss.csv"
    assert main(["progression", str(TWO_ARM), "-o", str(out), "--outcome", "EDSS",
                 "--weeks", "24", "--baseline", "roving", "-q"]) == 0
    table = pd.read_csv(out)
    expected = confirmed_events(load_sample("two_arm"), "EDSS", confirm_days=168,
                                baseline="roving")
    assert (table["Event"] == "yes").sum() == expected["has_event"].sum()
    assert (tmp_path / "edss_summary.csv").is_file()


def test_filters_apply(tmp_path):
    out = tmp_path / "saline.csv"
    assert main(["progression", str(TWO_ARM), "-o", str(out), "--filter", "arm=Saline",
                 "-q"]) == 0
    table = pd.read_csv(out)
    assert set(table["Arm"]) == {"Saline"} and (table["Event"] == "yes").sum() == 7


def test_unknown_outcome_and_format_are_usage_errors(tmp_path, capsys):
    assert main(["progression", str(TWO_ARM), "-o", str(tmp_path / "x.csv"),
                 "--outcome", "NFL"]) == 2
    assert "choose one of EDSS_PLUS, EDSS" in capsys.readouterr().err
    assert main(["progression", str(TWO_ARM), "-o", str(tmp_path / "x.txt")]) == 2
