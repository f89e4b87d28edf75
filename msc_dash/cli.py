"""The ``msc-dash`` command line: reports, effect tables, sample data, validation.

Exit codes: 0 success, 1 a data problem (the message says what and how to fix
it), 2 a usage error (wrong arguments, unknown filter column).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

__all__ = ["main", "build_parser", "parse_filter", "expand_paths"]

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2

EPILOG = """\
examples:
  msc-dash report sample_data/ -o report.html
  msc-dash report trial.xlsx -o spms.html --filter ms_type=SPMS --filter age=40:60
  msc-dash report sample_data/ --format docx -o report.docx
  msc-dash slides sample_data/ -o talk.pptx
  msc-dash ard sample_data/ -o results.json
  msc-dash effects sample_data/ -o effects.xlsx --n-boot 5000 --seed 1
  msc-dash progression sample_data/ -o progression.xlsx --outcome EDSS --weeks 24
  msc-dash validate subjects.csv measurements.csv adverse_events.csv
  msc-dash sample -o my_sample/
  msc-dash run --port 8501

filters (repeatable, all must hold):
  COLUMN=VALUE[,VALUE...]   keep subjects whose COLUMN is one of the values
  COLUMN=LOW:HIGH           keep subjects with LOW <= COLUMN <= HIGH (either end may be empty)

exit codes: 0 success, 1 data problem, 2 usage error
"""


class UsageError(Exception):
    """A command-line mistake (exit code 2)."""


def parse_filter(text: str) -> tuple[str, object]:
    """Parse one ``--filter`` value into a :meth:`Trial.filter` criterion.

    Examples
    --------
    >>> parse_filter("ms_type=SPMS,PPMS")
    ('ms_type', ['SPMS', 'PPMS'])
    >>> parse_filter("age=40:60")
    ('age', (40.0, 60.0))
    >>> parse_filter("baseline_edss=:6.5")
    ('baseline_edss', (None, 6.5))
    """
    column, sep, value = text.partition("=")
    column = column.strip()
    if not sep or not column or not value.strip():
        raise UsageError(f"--filter {text!r}: write COLUMN=VALUE or COLUMN=LOW:HIGH, "
                         "e.g. --filter ms_type=SPMS or --filter age=40:60")
    if ":" in value:
        lo, _, hi = value.partition(":")
        try:
            bounds = tuple(float(v) if v.strip() else None for v in (lo, hi))
        except ValueError:
            raise UsageError(f"--filter {text!r}: a range needs numbers, e.g. age=40:60"
                             ) from None
        if bounds == (None, None):
            raise UsageError(f"--filter {text!r}: give at least one end of the range")
        return column, bounds
    return column, [v.strip() for v in value.split(",") if v.strip()]


def _apply_filters(trial, filters: list[str]):
    criteria: dict[str, object] = {}
    for text in filters or []:
        column, rule = parse_filter(text)
        if column not in trial.subjects:
            raise UsageError(f"--filter {text!r}: the data has no subject column `{column}`; "
                             f"choose one of {', '.join(trial.subject_variables)}")
        if isinstance(rule, list):
            col = trial.subjects[column]
            if col.dtype.kind in "iufb":
                try:
                    rule = [float(v) for v in rule]
                except ValueError:
                    raise UsageError(f"--filter {text!r}: `{column}` is numeric; give numbers"
                                     ) from None
            prev = criteria.get(column)
            if isinstance(prev, list):
                rule = prev + rule
        criteria[column] = rule
    if not criteria:
        return trial
    out = trial.filter(**criteria)
    if out.n_subjects == 0:
        raise UsageError("no subject matches the filters " + ", ".join(filters))
    return out


class _Progress:
    """A one-line progress bar on stderr (redrawn in place on a terminal)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.start = time.monotonic()

    def __call__(self, step: int, total: int, label: str) -> None:
        if self.quiet:
            return
        width = 24
        done = int(width * step / max(total, 1))
        line = (f"[{'#' * done}{'.' * (width - done)}] {step}/{total} {label} "
                f"({time.monotonic() - self.start:.0f} s)")
        if self.tty:
            sys.stderr.write("\r\033[K" + line)
            if step >= total:
                sys.stderr.write("\n")
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


def expand_paths(paths: list[str]) -> list[Path]:
    """Files to load: files as given; a folder's data files (see ``io.folder_files``)."""
    from .io import folder_files

    out: list[Path] = []
    for text in paths:
        path = Path(text)
        out.extend(folder_files(path) if path.is_dir() else [path])
    return out


def _load(paths: list[str]):
    from .io import load_trial, sample_named

    files = expand_paths(paths)
    name = Path(paths[0]).resolve().name if len(paths) == 1 else None
    # the bundled sample keeps the name the app gives it (and so its "simulated" banner)
    return sample_named(load_trial(files[0] if len(files) == 1 else files, name=name))


def _analysis_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("data", nargs="+", metavar="DATA",
                   help="data files or a folder (CSV, XLSX, Parquet, ZIP, ADaM .xpt)")
    p.add_argument("-o", "--output", required=True, help="file to write")
    p.add_argument("--filter", action="append", default=[], metavar="COLUMN=VALUE",
                   help="keep a subgroup (repeatable): ms_type=SPMS, age=40:60")
    p.add_argument("--n-boot", type=int, default=2000, help="bootstrap resamples (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--ci", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("--padjust", choices=["holm", "fdr_bh", "bonf", "none"], default="holm",
                   help="multiplicity correction of the paired t-test p (default holm)")
    p.add_argument("--family", default="", metavar="CODES",
                   help="pre-specified outcomes adjusted as one family, comma-separated "
                        "(e.g. T25FW,EDSS); the others form a separate exploratory family "
                        "(default: all outcomes in one family)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")


def _settings(args):
    """The :class:`~msc_dash.settings.AnalysisSettings` of the command's options."""
    from .settings import AnalysisSettings

    try:
        family = tuple(c.strip() for c in (args.family or "").split(",") if c.strip())
        return AnalysisSettings(n_boot=args.n_boot, seed=args.seed, ci=args.ci,
                                padjust=args.padjust, family=family)
    except ValueError as exc:
        raise UsageError(str(exc).replace("`", "")) from exc


def _progression_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("data", nargs="+", metavar="DATA", help="data files or a folder")
    p.add_argument("-o", "--output", required=True, help=".csv or .xlsx file to write")
    p.add_argument("--filter", action="append", default=[], metavar="COLUMN=VALUE",
                   help="keep a subgroup (repeatable): ms_type=SPMS, age=40:60")
    p.add_argument("--outcome", help="EDSS_PLUS, EDSS, T25FW, NHPT, SDMT, ... (default: "
                                     "EDSS_PLUS when available, else the first with a rule)")
    p.add_argument("--improvement", action="store_true",
                   help="confirmed improvement instead of worsening")
    p.add_argument("--weeks", type=int, choices=[12, 24], default=12,
                   help="confirmation period (default 12)")
    p.add_argument("--baseline", choices=["fixed", "roving"], default="fixed",
                   help="reference value (default fixed: the first valid assessment)")
    p.add_argument("--ci", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")


def _command(sub, name: str, help: str, description: str, *examples: str):
    """Sub-command ``name`` with its one-line help, description and example command lines."""
    epilog = ("examples:" if len(examples) > 1 else "example:") + "".join(
        f"\n  {line}" for line in examples)
    return sub.add_parser(name, help=help, description=description, epilog=epilog,
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``msc-dash``."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="msc-dash",
        description="Effect sizes, safety summaries and reports for trials of MSC "
                    "injections in progressive MS.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"msc-dash {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = _command(sub, "report", "write a self-contained HTML report (or a Word report)",
                 "Write a self-contained HTML report that opens offline, "
                 "or with --format docx a Word report.",
                 "msc-dash report sample_data/ -o report.html --filter ms_type=SPMS",
                 "msc-dash report sample_data/ --format docx -o report.docx")
    _analysis_args(p)
    p.add_argument("--date", help="text of the 'Generated' line (default: now, UTC)")
    p.add_argument("--format", choices=["html", "docx"], default=None,
                   help="html (default; also from an .html output name) or docx (Word: real "
                        "tables, figures, methods, references)")

    p = _command(sub, "slides", "write the presenter slides as a PowerPoint deck",
                 "Write the presenter slides as .pptx: a title slide, "
                 "one finding per slide with its chart and numbers, and "
                 "speaker notes with the methods and exact values "
                 "(needs Chrome/Chromium for the charts).",
                 "msc-dash slides sample_data/ -o talk.pptx")
    _analysis_args(p)
    p.add_argument("--visit", help="visit of the overview (default: closest to one year)")
    p.add_argument("--date", help="date on the title slide (default: today, UTC)")

    p = _command(sub, "ard", "write the analysis results dataset (JSON and CSV)",
                 "Write every result (effect table, between-arm table, "
                 "adverse-event counts) as records shaped after CDISC's "
                 "Analysis Results Standard: OUTPUT.json, plus a flat "
                 "OUTPUT.csv (one row per result) beside it; an output "
                 "ending in .csv writes the flat file only.",
                 "msc-dash ard sample_data/ -o results.json")
    _analysis_args(p)
    p.add_argument("--date", help="the 'generated' field (default: now, UTC)")

    p = _command(sub, "effects", "write the effect table as CSV or XLSX",
                 "Write the effect table (one row per arm x outcome x "
                 "follow-up visit) as .csv or .xlsx.",
                 "msc-dash effects sample_data/ -o effects.xlsx",
                 "msc-dash effects two_arm/ -o effects.xlsx --mmrm")
    _analysis_args(p)
    p.add_argument("--mmrm", action="store_true",
                   help="add the between-arm MMRM table (two-arm trials): an 'MMRM' sheet "
                        "in .xlsx, or NAME_mmrm.csv beside a .csv")

    p = _command(sub, "progression", "write confirmed events per subject as CSV or XLSX",
                 "Write each subject's first confirmed worsening (or "
                 "improvement) and the Kaplan-Meier / log-rank / Cox "
                 "summary: .xlsx holds the subjects, the summary and the "
                 "criteria; .csv holds the subjects, with the summary in "
                 "NAME_summary.csv beside it.",
                 "msc-dash progression sample_data/ -o events.xlsx --outcome EDSS_PLUS --weeks 12")
    _progression_args(p)

    _data_commands(sub)
    return parser


def _data_commands(sub) -> None:
    """The commands without analyses: validate, sample, run."""
    p = _command(sub, "validate", "check data files and list every problem",
                 "Load the data and print every problem found. Exit 1 "
                 "when there is one, 0 when the data is clean.",
                 "msc-dash validate my_trial/")
    p.add_argument("data", nargs="+", metavar="DATA", help="data files or a folder")
    p.add_argument("--json", action="store_true",
                   help="print the problems as JSON records (code, file, column, rows, "
                        "message, fix) for machines")

    p = _command(sub, "sample", "write the simulated sample trial",
                 "Write the simulated sample trial's CSV files.",
                 "msc-dash sample -o sample_data/")
    p.add_argument("-o", "--output", required=True, help="folder to write")

    p = _command(sub, "run", "start the dashboard (streamlit)",
                 "Start the dashboard in Streamlit.",
                 "msc-dash run --port 8501")
    p.add_argument("--port", type=int, default=8501)


def _cmd_report(args) -> int:
    from .docx_report import build_docx
    from .report import build_report

    progress = _Progress(args.quiet)
    fmt = args.format or ("docx" if str(args.output).lower().endswith(".docx") else "html")
    trial = _apply_filters(_load(args.data), args.filter)
    if fmt == "docx":
        return _write_file(trial, args.output, lambda: build_docx(
            trial, settings=_settings(args), date=args.date, progress=progress))
    return _write_file(trial, args.output, lambda: build_report(
        trial, settings=_settings(args), date=args.date, progress=progress).encode("utf-8"))


def _write_file(trial, output: str, make) -> int:
    """Write the bytes ``make()`` gives to ``output`` and say so (no browser: a usage error)."""
    from .export import ExportError

    try:
        data = make()
    except ExportError as exc:
        raise UsageError(str(exc)) from exc
    out = Path(output)
    out.write_bytes(data)
    print(f"wrote {out} ({len(data) / 2**20:.1f} MB, {trial.n_subjects} subjects)")
    return EXIT_OK


def _cmd_ard(args) -> int:
    from .ard import flat_results, results_dataset, to_json
    from .export import to_csv_bytes

    trial = _apply_filters(_load(args.data), args.filter)
    ard = results_dataset(trial, settings=_settings(args), date=args.date)
    out = Path(args.output)
    flat = out if out.suffix.lower() == ".csv" else out.with_suffix(".csv")
    if out != flat:
        out.write_text(to_json(ard), encoding="utf-8")
    flat.write_bytes(to_csv_bytes(flat_results(ard)))
    wrote = [str(out)] * (out != flat) + [str(flat)]
    print(f"wrote {' and '.join(wrote)} ({len(ard['results'])} results, "
          f"{trial.n_subjects} subjects)")
    return EXIT_OK


def _cmd_slides(args) -> int:
    from .deck import build_deck

    progress = _Progress(args.quiet)
    trial = _apply_filters(_load(args.data), args.filter)
    if args.visit is not None and args.visit not in trial.followup_visits:
        raise UsageError(f"--visit {args.visit!r} is not a follow-up visit; choose one of "
                         f"{trial.followup_visits}")
    return _write_file(trial, args.output, lambda: build_deck(
        trial, settings=_settings(args), visit=args.visit, date=args.date, progress=progress))


def _mmrm_sheet(trial, args):
    """The MMRM table of the default arm pair (UsageError for a single-arm trial)."""
    from .arms import default_arms
    from .mmrm import mmrm_table

    if len(trial.arms) < 2:
        raise UsageError("--mmrm compares arms, and this trial has one arm")
    return mmrm_table(trial, *default_arms(trial.arms), settings=_settings(args))


def _cmd_effects(args) -> int:
    from .effects import effect_sizes
    from .export import to_csv_bytes, to_xlsx_bytes

    out = Path(args.output)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(f"-o {args.output}: the effect table is written as .csv or .xlsx")
    progress = _Progress(args.quiet)
    trial = _apply_filters(_load(args.data), args.filter)
    progress(0, 1, "effect sizes")
    table = effect_sizes(trial, settings=_settings(args))
    progress(1, 1, "effect sizes")
    mmrm = _mmrm_sheet(trial, args) if args.mmrm else None
    if out.suffix.lower() == ".csv":
        out.write_bytes(to_csv_bytes(table))
        if mmrm is not None:
            extra = out.with_name(f"{out.stem}_mmrm.csv")
            extra.write_bytes(to_csv_bytes(mmrm))
            print(f"wrote {extra} ({len(mmrm)} rows)")
    else:
        from .report import safety_summary
        from .tables import format_effect_table
        from .trends import trend_models

        sheets = {"Effects": table,
                  "Effects (formatted)": format_effect_table(table, trial.registry, ci=args.ci),
                  "Trends": trend_models(trial, ci=args.ci)}
        if mmrm is not None:
            sheets["MMRM"] = mmrm
        if len(trial.adverse_events):
            sheets["Safety"] = safety_summary(trial)
        out.write_bytes(to_xlsx_bytes(sheets))
    print(f"wrote {out} ({len(table)} rows)")
    return EXIT_OK


def _cmd_progression(args) -> int:
    import pandas as pd

    from .export import to_csv_bytes, to_xlsx_bytes
    from .progression import event_outcomes
    from .survival import headline_text, subject_table, time_to_event

    out = Path(args.output)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(f"-o {args.output}: the progression table is written as .csv or .xlsx")
    trial = _apply_filters(_load(args.data), args.filter)
    codes = event_outcomes(trial)
    outcome = args.outcome or (codes[0] if codes else None)
    if outcome is None or outcome not in codes:
        raise UsageError(f"--outcome {outcome}: choose one of {', '.join(codes) or 'none'} "
                         "(an outcome with a meaningful-change rule)")
    res = time_to_event(trial, outcome, ci=args.ci, confirm_days=args.weeks * 7,
                        baseline=args.baseline,
                        direction="improvement" if args.improvement else "worsening")
    table, summary = subject_table(res), res.summary()
    criteria = pd.DataFrame({"criteria": [res.methods_text], "headline": [headline_text(res)]})
    if out.suffix.lower() == ".csv":
        out.write_bytes(to_csv_bytes(table))
        extra = out.with_name(f"{out.stem}_summary.csv")
        extra.write_bytes(to_csv_bytes(summary))
        written = f"{out} and {extra}"
    else:
        out.write_bytes(to_xlsx_bytes({"Subjects": table, "Summary": summary,
                                       "Criteria": criteria}))
        written = str(out)
    if not args.quiet:
        print(headline_text(res))
    print(f"wrote {written} ({len(table)} subjects)")
    return EXIT_OK


def _cmd_validate(args) -> int:
    import json

    from .errors import TrialDataError

    try:
        trial = _load(args.data)
    except TrialDataError as exc:
        if args.json:
            print(json.dumps({"ok": False, "problems": [p.as_dict() for p in exc.problems],
                              "warnings": []}, indent=2))
        else:
            for p in exc.problems:
                print(f"error: {p}")
            if len(exc.problems) > 1:
                print(f"{len(exc.problems)} problems found.")
        return EXIT_DATA
    summary = {"subjects": trial.n_subjects, "arms": len(trial.arms),
               "visits": len(trial.visits), "outcomes": len(trial.outcomes),
               "adverse_events": len(trial.adverse_events)}
    if args.json:
        print(json.dumps({"ok": not trial.warnings, "problems": [],
                          "warnings": list(trial.warnings), "summary": summary}, indent=2))
        return EXIT_DATA if trial.warnings else EXIT_OK
    for w in trial.warnings:
        print(f"warning: {w}")
    text = (f"{trial.n_subjects} subjects, {len(trial.arms)} arm(s), "
            f"{len(trial.visits)} visits, {len(trial.outcomes)} outcomes, "
            f"{len(trial.adverse_events)} adverse events")
    if trial.warnings:
        print(f"{len(trial.warnings)} problem(s) found ({text}).")
        return EXIT_DATA
    print(f"OK: {text}.")
    return EXIT_OK


def _cmd_sample(args) -> int:
    from . import sample

    out = Path(args.output)
    sample.write_sample(out)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    print(f"wrote {len(files)} files to {out}: {', '.join(files)}")
    return EXIT_OK


def _cmd_run(args) -> int:
    import subprocess

    app = Path(__file__).resolve().parents[1] / "app.py"
    if not app.is_file():
        print(f"error: app.py not found next to the package ({app}); run from a source "
              "checkout of msc-dash.", file=sys.stderr)
        return EXIT_DATA
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port)]
    return subprocess.call(cmd, cwd=app.parent)


COMMANDS = {"report": _cmd_report, "effects": _cmd_effects, "progression": _cmd_progression,
            "validate": _cmd_validate, "sample": _cmd_sample, "run": _cmd_run,
            "slides": _cmd_slides, "ard": _cmd_ard}


def main(argv: list[str] | None = None) -> int:
    """Run ``msc-dash`` with ``argv`` (default: the process arguments); return the exit code."""
    from .errors import TrialDataError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help / --version exit 0, mistakes exit 2
        return int(exc.code or 0)
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"msc-dash {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except TrialDataError as exc:
        print(f"msc-dash {args.command}: data problem: {exc}", file=sys.stderr)
        return EXIT_DATA
    except OSError as exc:
        print(f"msc-dash {args.command}: cannot write or read a file: {exc}", file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
