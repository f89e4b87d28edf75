"""The msc-dash command line: outputs and exit codes."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import build_trial

from msc_dash.cli import main, parse_filter
from msc_dash.io import load_trial

ROOT = Path(__file__).resolve().parents[1]


def _write(trial, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("subjects", "measurements", "adverse_events", "injections"):
        frame = getattr(trial, name)
        if name == "subjects":
            frame = frame.drop(columns=["n_injections"])
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return _write(build_trial(), tmp_path_factory.mktemp("trial"))


def test_help_has_examples(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "msc-dash report sample_data/ -o report.html" in out
    assert "exit codes" in out


def test_report_command_writes_offline_html(data_dir, tmp_path, capsys):
    out = tmp_path / "r.html"
    code = main(["report", str(data_dir), "-o", str(out), "--n-boot", "200", "--date", "D",
                 "-q"])
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Generated D" in page
    assert "wrote" in capsys.readouterr().out


def test_report_with_filters(data_dir, tmp_path):
    out = tmp_path / "r.html"
    code = main(["report", str(data_dir), "-o", str(out), "--n-boot", "200", "-q",
                 "--filter", "ms_type=SPMS", "--filter", "age=40:"])
    assert code == 0
    trial = build_trial().filter(ms_type=["SPMS"], age=(40, None))
    page = out.read_text(encoding="utf-8")
    assert "ms_type in {SPMS}; age &gt;= 40" in page
    assert f"<strong>{trial.n_subjects} subjects</strong>" in page


def test_folder_skips_readme_and_duplicate_workbook(data_dir, tmp_path):
    from msc_dash.cli import expand_paths

    folder = _write(build_trial(), tmp_path / "with_extras")
    (folder / "README.md").write_text("# Simulated data\n", encoding="utf-8")
    (folder / "same_data.xlsx").write_bytes(b"not read")
    names = [p.name for p in expand_paths([str(folder)])]
    assert names == ["adverse_events.csv", "injections.csv", "measurements.csv",
                     "subjects.csv"]
    assert main(["validate", str(folder)]) == 0


def test_effects_csv_matches_effect_sizes(data_dir, tmp_path):
    from msc_dash.effects import effect_sizes
    from msc_dash.io import load_trial

    out = tmp_path / "e.csv"
    assert main(["effects", str(data_dir), "-o", str(out), "--n-boot", "200", "-q"]) == 0
    back = pd.read_csv(out, encoding="utf-8-sig")
    expected = effect_sizes(load_trial(data_dir), n_boot=200)
    assert len(back) == len(expected)
    assert back["hedges_g"].round(10).tolist() == expected["hedges_g"].round(10).tolist()


def test_effects_xlsx_has_sheets(data_dir, tmp_path):
    out = tmp_path / "e.xlsx"
    assert main(["effects", str(data_dir), "-o", str(out), "--n-boot", "200", "-q"]) == 0
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert wb.sheetnames == ["Effects", "Effects (formatted)", "Trends", "Safety"]
    # the mixed-model slopes per arm x outcome (msc_dash.trend_models)
    header = [c.value for c in wb["Trends"][1]]
    assert header[:5] == ["arm", "outcome", "domain", "scale", "slope_per_year"]
    trial = load_trial(data_dir)
    assert wb["Trends"].max_row - 1 == len(trial.arms) * len(trial.outcomes)


def test_effects_mmrm_sheet(tmp_path, capsys):
    from msc_dash.io import load_trial
    from msc_dash.mmrm import mmrm_table

    folder = _write(build_trial(n_per_arm=10, arms=("MSC", "Placebo"), seed=3),
                    tmp_path / "two")
    out = tmp_path / "e.xlsx"
    assert main(["effects", str(folder), "-o", str(out), "--n-boot", "200", "-q",
                 "--mmrm"]) == 0
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert "MMRM" in wb.sheetnames
    sheet = pd.read_excel(out, sheet_name="MMRM")
    expected = mmrm_table(load_trial(folder), "MSC", "Placebo")
    assert sheet["estimate"].round(10).tolist() == expected["estimate"].round(10).tolist()
    csv = tmp_path / "e.csv"
    assert main(["effects", str(folder), "-o", str(csv), "--n-boot", "200", "-q",
                 "--mmrm"]) == 0
    back = pd.read_csv(tmp_path / "e_mmrm.csv", encoding="utf-8-sig")
    assert back["p_adjusted"].round(10).tolist() == expected["p_adjusted"].round(10).tolist()


def test_effects_mmrm_needs_two_arms(data_dir, tmp_path, capsys):
    assert main(["effects", str(data_dir), "-o", str(tmp_path / "e.csv"), "--mmrm"]) == 2
    assert "--mmrm compares arms" in capsys.readouterr().err


def test_effects_rejects_other_suffix(data_dir, tmp_path, capsys):
    assert main(["effects", str(data_dir), "-o", str(tmp_path / "e.json")]) == 2
    assert "written as .csv or .xlsx" in capsys.readouterr().err


def test_unknown_filter_column_is_a_usage_error(data_dir, tmp_path, capsys):
    code = main(["effects", str(data_dir), "-o", str(tmp_path / "e.csv"),
                 "--filter", "colour=red"])
    assert code == 2
    assert "no subject column `colour`" in capsys.readouterr().err


def test_filter_matching_nobody_is_a_usage_error(data_dir, tmp_path, capsys):
    code = main(["effects", str(data_dir), "-o", str(tmp_path / "e.csv"),
                 "--filter", "ms_type=RRMS"])
    assert code == 2
    assert "no subject matches" in capsys.readouterr().err


def test_missing_argument_is_exit_2(capsys):
    assert main(["report", "x"]) == 2
    assert "-o/--output" in capsys.readouterr().err


def test_validate_clean_data(data_dir, capsys):
    assert main(["validate", str(data_dir)]) == 0
    assert capsys.readouterr().out.startswith("OK: 12 subjects")


def test_validate_reports_a_broken_file(tmp_path, capsys):
    folder = _write(build_trial(), tmp_path / "bad")
    m = pd.read_csv(folder / "measurements.csv").rename(columns={"value": "vaule"})
    m.to_csv(folder / "measurements.csv", index=False)
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("error: ") and "value" in out


def test_validate_lists_warnings(tmp_path, capsys):
    folder = _write(build_trial(), tmp_path / "warn")
    m = pd.read_csv(folder / "measurements.csv")
    m.loc[[5, 6], "value"] = None  # rows without a value are skipped with a warning
    m.to_csv(folder / "measurements.csv", index=False)
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("warning: measurements.csv: 2 rows without a `value`")
    assert out[-1].startswith("1 problem(s) found (12 subjects")


def test_missing_data_is_exit_1(tmp_path, capsys):
    code = main(["report", str(tmp_path / "nope"), "-o", str(tmp_path / "r.html")])
    assert code == 1
    assert "no such file or folder" in capsys.readouterr().err


@pytest.mark.parametrize("text, column, rule", [
    ("ms_type=SPMS", "ms_type", ["SPMS"]),
    ("sex=M,F", "sex", ["M", "F"]),
    ("age=40:60", "age", (40.0, 60.0)),
    ("age=:60", "age", (None, 60.0)),
])
def test_parse_filter(text, column, rule):
    assert parse_filter(text) == (column, rule)


@pytest.mark.parametrize("text", ["ms_type", "=SPMS", "age=a:b", "age=:"])
def test_parse_filter_rejects(text):
    from msc_dash.cli import UsageError

    with pytest.raises(UsageError, match="--filter"):
        parse_filter(text)


def test_sample_command_writes_a_loadable_trial(tmp_path, capsys):
    from msc_dash.io import load_trial

    out = tmp_path / "sample"
    assert main(["sample", "-o", str(out)]) == 0
    assert "subjects.csv" in capsys.readouterr().out
    assert main(["validate", str(out)]) == 0
    trial = load_trial([out / f"{t}.csv" for t in ("subjects", "measurements",
                                                   "adverse_events", "injections")])
    assert trial.n_subjects == 23  # docs/architecture.md: the seed study's 23 subjects


def test_entry_point_runs_as_a_process(data_dir):
    proc = subprocess.run([sys.executable, "-m", "msc_dash.cli", "validate", str(data_dir)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("OK:")
    proc = subprocess.run([sys.executable, "-m", "msc_dash.cli", "bogus"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr


def test_the_bundled_sample_keeps_its_app_name_wherever_it_is_read_from(tmp_path, capsys):
    # issue 17 item 7: `msc-dash slides DATA` titles the deck as the app does, and the
    # sample's documents carry the simulated-data banner; the data decide, not the folder
    import shutil

    from msc_dash.cli import _load
    from msc_dash.io import SAMPLE_DIR, SAMPLE_LABELS, is_simulated

    for which, folder in (("single", SAMPLE_DIR), ("two_arm", SAMPLE_DIR / "two_arm")):
        trial = _load([str(folder)])
        assert trial.source == SAMPLE_LABELS[which] and is_simulated(trial)
    main(["sample", "-o", str(tmp_path / "copy")])
    assert _load([str(tmp_path / "copy")]).source == SAMPLE_LABELS["single"]
    # one value changed: someone's own data, named after its folder, no banner
    mine = tmp_path / "my_trial"
    shutil.copytree(tmp_path / "copy", mine)
    text = (mine / "measurements.csv").read_text().splitlines()
    head, first = text[0].split(","), text[1].split(",")
    first[head.index("value")] = str(float(first[head.index("value")]) + 1)
    (mine / "measurements.csv").write_text("\n".join([text[0], ",".join(first), *text[2:]]))
    trial = _load([str(mine)])
    assert trial.source == "my_trial" and not is_simulated(trial)
