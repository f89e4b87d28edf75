"""The PowerPoint deck and the Word report: content read back, and LibreOffice opens both."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest

from msc_dash import export
from msc_dash.io import load_sample
from msc_dash.io.samples import SIMULATED_NOTE
from msc_dash.settings import AnalysisSettings

needs_chrome = pytest.mark.skipif(not export.chrome_available(),
                                  reason="no Chrome/Chromium installed: kaleido cannot draw "
                                         "the charts (apt-get install chromium)")
N_BOOT = 200


@pytest.fixture(scope="module")
def single():
    import msc_dash

    trial = load_sample()
    return trial, msc_dash.effect_sizes(trial, n_boot=N_BOOT)


@pytest.fixture(scope="module")
def deck_bytes(single):
    from msc_dash.deck import build_deck

    trial, effects = single
    return build_deck(trial, settings=AnalysisSettings(n_boot=N_BOOT), effects=effects,
                      date="2026-12-01")


@pytest.fixture(scope="module")
def docx_bytes():
    from msc_dash.docx_report import build_docx

    return build_docx(load_sample("two_arm"), settings=AnalysisSettings(n_boot=N_BOOT),
                      date="2026-12-01")


def _slide_texts(slide) -> list[str]:
    return [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]


@needs_chrome
def test_deck_walks_the_presenter_slides(single, deck_bytes):
    from pptx import Presentation

    from msc_dash.findings import safety_numbers
    from msc_dash.slides import slides

    trial, effects = single
    walk = slides(trial, effects, safety=safety_numbers(trial))
    prs = Presentation(io.BytesIO(deck_bytes))
    assert len(prs.slides) == len(walk)
    title = " ".join(_slide_texts(prs.slides[0]))
    assert trial.fingerprint[:16] in title and "2026-12-01" in title
    assert "simulated data" in title
    assert trial.fingerprint in prs.slides[0].notes_slide.notes_text_frame.text
    for slide, spec in zip(list(prs.slides)[1:], walk[1:], strict=True):
        assert spec.title in _slide_texts(slide)[0]


@needs_chrome
def test_finding_slide_has_a_sharp_chart_native_numbers_and_notes(single, deck_bytes):
    from pptx import Presentation

    from msc_dash.deck import slide_numbers
    from msc_dash.findings import safety_numbers
    from msc_dash.slides import slides

    trial, effects = single
    walk = slides(trial, effects, safety=safety_numbers(trial))
    i = next(k for k, s in enumerate(walk) if s.kind == "finding" and s.outcome == "SDMT")
    slide = Presentation(io.BytesIO(deck_bytes)).slides[i]
    pictures = [sh for sh in slide.shapes if sh.shape_type == 13]
    assert len(pictures) == 1
    assert pictures[0].image.size[0] >= 2500  # px: sharp on a 4K projector
    text = "\n".join(_slide_texts(slide))
    for label, value in slide_numbers(trial, effects, walk[i]):
        assert label in text and value in text
    # the row's exact values: SDMT at Month 12, mean change to 10 significant digits
    row = effects[(effects.outcome == "SDMT") & (effects.visit == "Month 12")].iloc[0]
    notes = slide.notes_slide.notes_text_frame.text
    assert f"change_mean = {row['change_mean']:.10g}" in notes
    assert "Methods:" in notes and "Hedges' g" in notes


def test_slide_numbers_match_the_effect_row(single):
    from msc_dash.deck import slide_numbers
    from msc_dash.slides import Slide

    trial, effects = single
    row = effects[(effects.outcome == "NFL") & (effects.visit == "Month 12")].iloc[0]
    nums = dict(slide_numbers(trial, effects, Slide("finding", "x", outcome="NFL",
                                                    visit="Month 12", arm="All")))
    assert nums["Subjects"] == str(int(row["n"]))
    assert nums["Geometric mean ratio [CI]"] == (
        f"{row['gmr']:.3f} [{row['gmr_ci_low']:.3f}, {row['gmr_ci_high']:.3f}]")
    assert slide_numbers(trial, effects, Slide("overview", "x")) == []


@needs_chrome
def test_word_report_has_real_tables(docx_bytes):
    import docx

    from msc_dash.table1 import table_one

    trial = load_sample("two_arm")
    d = docx.Document(io.BytesIO(docx_bytes))
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert headings[:4] == ["Summary", "Baseline characteristics", "Effect sizes", "Safety"]
    assert {"Methods", "References", "Data and software"} <= set(headings)
    t1 = table_one(trial)
    first = d.tables[0]
    assert [c.text for c in first.rows[0].cells] == list(t1.columns)
    assert len(first.rows) == len(t1) + 1
    assert [c.text for c in first.rows[3].cells] == t1.iloc[2].tolist()
    effects = d.tables[1]
    assert effects.rows[0].cells[0].text == "Arm" and len(effects.rows) > 30
    mmrm = d.tables[2]  # Table 3: the MMRM contrasts, one row per outcome x visit
    from msc_dash.between import display_table
    from msc_dash.mmrm import mmrm_table

    want = display_table(mmrm_table(trial, *trial.arms), trial)
    assert [c.text for c in mmrm.rows[0].cells] == list(want.columns)
    assert len(mmrm.rows) == len(want) + 1
    between = d.tables[3]
    assert between.rows[0].cells[0].text == "Measure" and "ANCOVA" in between.rows[0].cells[-1].text
    assert len(d.inline_shapes) >= 3  # forest, swimmer, trajectories


def _soffice():
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing in CI: make test installs libreoffice-impress "
                        "and libreoffice-writer")
        pytest.skip("LibreOffice is not installed (make test installs libreoffice-impress, "
                    "libreoffice-writer and poppler-utils)")
    return exe


def _to_pdf(tmp_path, name: str, data: bytes) -> tuple[int, str]:
    src = tmp_path / name
    src.write_bytes(data)
    profile = tmp_path / "lo-profile"
    subprocess.run([_soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=300)
    pdf = src.with_suffix(".pdf")
    assert pdf.exists() and pdf.stat().st_size > 10_000
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(line.split()[-1] for line in info.stdout.splitlines()
                     if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return pages, text


@pytest.mark.slow
@needs_chrome
def test_libreoffice_opens_the_deck(tmp_path, single, deck_bytes):
    from msc_dash.findings import safety_numbers
    from msc_dash.slides import slides

    trial, effects = single
    pages, text = _to_pdf(tmp_path, "talk.pptx", deck_bytes)
    walk = slides(trial, effects, safety=safety_numbers(trial))
    assert pages == len(walk)
    assert "Symbol Digit Modalities Test at Month 12" in text


@pytest.mark.slow
@needs_chrome
def test_libreoffice_opens_the_word_report(tmp_path, docx_bytes):
    pages, text = _to_pdf(tmp_path, "report.docx", docx_bytes)
    assert pages >= 5
    assert "Table 1. Baseline characteristics" in text and "Hedges" in text


@needs_chrome
def test_cli_writes_deck_and_word_report(tmp_path, capsys):
    import docx
    from pptx import Presentation

    from msc_dash.cli import main

    root = os.path.join(os.path.dirname(__file__), "..", "sample_data")
    assert main(["slides", root, "-o", str(tmp_path / "talk.pptx"), "--n-boot", "100",
                 "-q", "--date", "2026-12-01"]) == 0
    talk = Presentation(str(tmp_path / "talk.pptx"))
    assert len(talk.slides) > 5
    # the app's name of the sample and its banner (issue 17 item 7), not the folder's name
    title = " ".join(_slide_texts(talk.slides[0]))
    assert title.startswith("Sample trial (simulated, single arm)")
    assert SIMULATED_NOTE in title and "sample_data" not in title
    assert main(["report", root, "--format", "docx", "-o", str(tmp_path / "r.docx"),
                 "--n-boot", "100", "-q"]) == 0
    assert docx.Document(str(tmp_path / "r.docx")).tables
    assert main(["slides", root, "-o", str(tmp_path / "x.pptx"), "--visit", "Month 99",
                 "-q"]) == 2
    assert "not a follow-up visit" in capsys.readouterr().err


def test_word_report_of_a_crossover_compares_treatments_not_sequences():
    # the crossover sample's arms are its sequences: Table 3 is the crossover model, and
    # neither the between-sequence MMRM nor the ANCOVA table is in the document
    import docx

    from msc_dash.crossover_summary import crossover_summary, display_table
    from msc_dash.docx_report import build_docx

    trial = load_sample("crossover")
    data = build_docx(trial, settings=AnalysisSettings(n_boot=N_BOOT), figures=False,
                      date="2026-01-01")
    d = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "MMRM" not in text and "ANCOVA" not in text
    assert "Table 3. MSC vs Sham within subjects: crossover mixed model" in text
    assert "Table 4" not in text
    want = display_table(trial, crossover_summary(trial))
    table = d.tables[2]
    assert [c.text for c in table.rows[0].cells] == list(want.columns)
    assert [c.text for c in table.rows[1].cells] == [str(x) for x in want.iloc[0]]
    assert "within subjects (crossover mixed model" in text  # the summary's findings
