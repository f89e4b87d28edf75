"""Table and figure export: formula injection, file validity."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from msc_dash import export

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "=HYPERLINK(\"http://x\")"]


def _frame():
    return pd.DataFrame({
        "term": DANGEROUS + ["plain", "a=b"],
        "change": [-1.5, 2.0, -3.0, 0.0, 1.0, 2.5, -0.25, 4.0, -7.0],
        "n": [1, 2, 3, 4, 5, 6, 7, 8, -9],
    })


def test_escape_formulas_prefixes_text_only():
    out = export.escape_formulas(_frame())
    assert list(out["term"][: len(DANGEROUS)]) == ["'" + s for s in DANGEROUS]
    assert list(out["term"][len(DANGEROUS):]) == ["plain", "a=b"]
    pd.testing.assert_series_equal(out["change"], _frame()["change"])
    pd.testing.assert_series_equal(out["n"], _frame()["n"])


def test_escape_formulas_column_names_and_missing_values():
    df = pd.DataFrame({"=evil": ["x", None], "ok": [np.nan, "-1"]})
    out = export.escape_formulas(df)
    assert list(out.columns) == ["'=evil", "ok"]
    assert out.loc[1, "'=evil"] is None or pd.isna(out.loc[1, "'=evil"])
    assert out.loc[1, "ok"] == "'-1"


def test_csv_escapes_and_keeps_negative_numbers():
    raw = export.to_csv_bytes(_frame())
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", keep_default_na=False)
    assert back["term"].iloc[0] == "'=1+1"
    assert back["term"].iloc[2] == "'-2+3"
    assert back["change"].tolist() == _frame()["change"].tolist()
    assert back["n"].iloc[-1] == -9
    assert raw.decode("utf-8-sig").split("\r\n")[1] == "'=1+1,-1.5,1"
    assert back["term"].iloc[5] == "'\rx"


def test_xlsx_escapes_and_keeps_numbers():
    raw = export.to_xlsx_bytes({"Effects": _frame(), "Safety [all]: a/b": _frame()})
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    assert wb.sheetnames == ["Effects", "Safety _all__ a_b"]
    ws = wb["Effects"]
    assert [c.value for c in ws[1]] == ["term", "change", "n"]
    terms = [ws.cell(r, 1).value for r in range(2, 2 + len(DANGEROUS))]
    # openpyxl reads a bare CR back as LF with the stdlib XML parser and as CR
    # with lxml (which python-docx brings in); the apostrophe is what matters
    assert [t.replace("\r", "\n") for t in terms] == ["'" + s.replace("\r", "\n") for s in DANGEROUS]
    for r in range(2, ws.max_row + 1):
        assert ws.cell(r, 1).data_type == "s"  # never a formula cell
        assert ws.cell(r, 2).data_type == "n"
    assert ws.cell(2, 2).value == -1.5
    assert ws.cell(ws.max_row, 3).value == -9


def test_xlsx_needs_a_sheet():
    with pytest.raises(ValueError, match="`sheets` is empty"):
        export.to_xlsx_bytes({})


def test_sheet_names_are_unique_and_short():
    raw = export.to_xlsx_bytes({"x" * 40: pd.DataFrame({"a": [1]}),
                                "X" * 40: pd.DataFrame({"a": [2]})})
    names = openpyxl.load_workbook(io.BytesIO(raw)).sheetnames
    assert len(names) == 2 and len(set(n.lower() for n in names)) == 2
    assert all(len(n) <= 31 for n in names)


def _fig():
    return go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], name="demo"))


needs_chrome = pytest.mark.skipif(not export.chrome_available(),
                                  reason="no Chrome/Chromium installed: kaleido cannot "
                                         "render PNG/SVG (apt-get install chromium)")


@needs_chrome
def test_png_export_is_a_slide_sized_png():
    data = export.figure_to_image(_fig(), "png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert (width, height) == (export.SLIDE_WIDTH * 2, export.SLIDE_HEIGHT * 2)


@needs_chrome
def test_svg_export_has_an_svg_root():
    import xml.etree.ElementTree as ET

    data = export.figure_to_image(_fig(), "svg")
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    assert root.get("width") == str(export.SLIDE_WIDTH)


def test_image_format_is_checked():
    with pytest.raises(ValueError, match="`fmt` must be 'png' or 'svg'"):
        export.figure_to_image(_fig(), "jpg")


def test_missing_chrome_gives_install_step(monkeypatch):
    from kaleido.errors import ChromeNotFoundError

    def boom(*a, **k):
        raise ChromeNotFoundError("not found")

    monkeypatch.setattr(export, "_ensure_server", boom)
    with pytest.raises(export.ExportError, match="apt-get install chromium"):
        export.figure_to_image(_fig(), "png")


def test_html_export_is_offline_and_interactive():
    html = export.figure_to_html(_fig(), div_id="fig-a")
    assert 'id="fig-a"' in html
    assert '<script src="http' not in html and "<link" not in html
    assert "Plotly.newPlot" in html


def test_chart_and_table_widgets_render_lazy_download_buttons():
    from streamlit.testing.v1 import AppTest

    def script():
        import pandas as pd
        import plotly.graph_objects as go

        from msc_dash.ui import export_widgets

        export_widgets.chart(go.Figure(go.Scatter(x=[1, 2], y=[2, 1])), key="demo",
                             name="Demo: chart")
        export_widgets.table_downloads(pd.DataFrame({"a": ["=1"], "b": [-1.0]}), "demo table")

    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    # one closed "Download" menu each: no button is made until it is opened
    assert not at.get("download_button")
    at.session_state["demo__downloads"] = True
    at.session_state["tbl_demo_table__downloads"] = True
    at.run()
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["PNG", "SVG", "HTML", "CSV", "XLSX"]
    # the files are made on click, not on every rerun: nothing is attached yet
    assert all(b.proto.deferred_file_id for b in buttons)
    config = at.get("plotly_chart")[0].proto.config
    assert '"filename": "Demo_chart"' in config or '"filename":"Demo_chart"' in config
