"""Take results out of the dashboard: tables for spreadsheets, figures for slides.

Tables are written as CSV or XLSX with spreadsheet formula injection defused
(:func:`escape_formulas`); figures become PNG or SVG at slide resolution
through kaleido (which drives a local Chrome/Chromium) or self-contained
interactive HTML. Nothing here imports Streamlit.
"""

from __future__ import annotations

import io
import threading
import warnings

import pandas as pd

__all__ = [
    "ExportError",
    "FORMULA_PREFIXES",
    "SLIDE_WIDTH",
    "SLIDE_HEIGHT",
    "SLIDE_SCALE",
    "escape_formulas",
    "to_csv_bytes",
    "to_xlsx_bytes",
    "to_csv_zip",
    "figure_to_image",
    "figure_to_html",
    "chrome_available",
    "CHROME_HELP",
]

#: Text starting with one of these is read as a formula by spreadsheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Slide size of exported images: 16:9 in CSS pixels; PNGs are drawn at
#: ``SLIDE_SCALE`` times that (2560 x 1440), sharp on a 1440p projector.
SLIDE_WIDTH, SLIDE_HEIGHT, SLIDE_SCALE = 1280, 720, 2

CHROME_HELP = (
    "PNG and SVG export needs Chrome or Chromium, and none was found. Install one "
    "(Debian/Ubuntu: `sudo apt-get install chromium`; or run `plotly_get_chrome`), "
    "then restart. Interactive HTML export works without it."
)


class ExportError(RuntimeError):
    """A figure could not be exported (usually: no Chrome/Chromium installed)."""


def _escape_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Defuse spreadsheet formula injection in the text cells of ``df``.

    Text cells (and column names) starting with ``=``, ``+``, ``-``, ``@``,
    tab or carriage return get a leading apostrophe, so Excel, LibreOffice
    and Google Sheets show them as text instead of running them (OWASP, "CSV
    Injection"). Numbers are left untouched: a negative number stays a
    number.

    Examples
    --------
    >>> df = pd.DataFrame({"term": ["=1+1", "-5 mg", "ok"], "change": [-1.5, 2.0, 0.0]})
    >>> escape_formulas(df)
         term  change
    0   '=1+1    -1.5
    1  '-5 mg     2.0
    2      ok     0.0
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        out[col] = s.map(_escape_text)
    out.columns = [_escape_text(c) if isinstance(c, str) else c for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as UTF-8 CSV (with a byte-order mark so Excel reads accents), formulas escaped.

    Examples
    --------
    >>> to_csv_bytes(pd.DataFrame({"a": ["=HYPERLINK()"], "b": [-1]}))
    b"\\xef\\xbb\\xbfa,b\\r\\n'=HYPERLINK(),-1\\r\\n"
    """
    # CRLF line ends (RFC 4180) also make the csv writer quote cells holding a bare CR
    text = escape_formulas(df).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if c in "[]:*?/\\" else c for c in str(name)).strip("'") or "Sheet"
    clean = clean[:31]
    base, k = clean, 2
    while clean.lower() in used:
        suffix = f" ({k})"
        clean = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(clean.lower())
    return clean


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An Excel workbook with one sheet per frame, formulas escaped.

    Sheet names are cut to Excel's 31 characters and stripped of the
    characters it forbids. Numbers stay numeric cells.

    Examples
    --------
    >>> data = to_xlsx_bytes({"Effects": pd.DataFrame({"x": [1.5]})})
    >>> data[:2]
    b'PK'
    """
    if not sheets:
        raise ValueError("`sheets` is empty: give at least one {name: DataFrame}")
    buf = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, df in sheets.items():
            safe = escape_formulas(df)
            sheet = _sheet_name(name, used)
            safe.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            # openpyxl stores a str starting with "=" as a formula; make every
            # text cell a plain string (the apostrophe already neutralises it).
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
            for i, col in enumerate(safe.columns, start=1):
                width = max([len(str(col))] + [len(str(v)) for v in safe[col].head(200)])
                ws.column_dimensions[ws.cell(1, i).column_letter].width = min(width + 2, 60)
            ws.freeze_panes = "A2"
    return buf.getvalue()


def to_csv_zip(tables: dict[str, pd.DataFrame]) -> bytes:
    """A ZIP of one escaped CSV per frame (``<name>.csv``).

    Examples
    --------
    >>> import zipfile
    >>> data = to_csv_zip({"subjects": pd.DataFrame({"subject_id": ["a"]})})
    >>> zipfile.ZipFile(io.BytesIO(data)).namelist()
    ['subjects.csv']
    """
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, df in tables.items():
            zf.writestr(f"{name}.csv", to_csv_bytes(df))
    return buf.getvalue()


# --------------------------------------------------------------------- figures
_server_lock = threading.Lock()
_server = {"started": False}


def chrome_available() -> bool:
    """True when kaleido can find Chrome/Chromium for PNG/SVG export."""
    try:
        from choreographer.browsers.chromium import Chromium

        return Chromium.find_browser(skip_local=False) is not None
    except Exception:  # noqa: BLE001 - any failure here means "not usable"
        import shutil

        return any(shutil.which(n) for n in ("chromium", "chromium-browser",
                                             "google-chrome", "chrome"))


#: Chromium switches that keep kaleido's browser off the network: no background
#: requests (updates, safe browsing, metrics, DNS prefetch), no host name
#: resolved, and any remaining http(s) request sent to a closed loopback port.
OFFLINE_CHROMIUM_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-sync",
    "--no-pings",
    "--dns-prefetch-disable",
    "--safebrowsing-disable-auto-update",
    "--disable-features=OptimizationHints,MediaRouter,Translate,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)


def _offline_chromium():
    """choreographer's Chromium, started with :data:`OFFLINE_CHROMIUM_FLAGS`."""
    from choreographer.browsers.chromium import Chromium

    class OfflineChromium(Chromium):
        def get_cli(self):
            return [*super().get_cli(), *OFFLINE_CHROMIUM_FLAGS]

    return OfflineChromium


def kaleido_options() -> dict:
    """Keyword arguments for kaleido that keep figure export on this machine.

    plotly.js from the installed plotly package, no MathJax (kaleido would
    load it from a public CDN; the figures use no LaTeX) and a Chromium with
    background networking off.

    Examples
    --------
    >>> opts = kaleido_options()
    >>> opts["mathjax"], opts["plotlyjs"].name
    (False, 'plotly.min.js')
    """
    from pathlib import Path

    import plotly

    plotlyjs = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return {"mathjax": False, "plotlyjs": plotlyjs, "browser_cls": _offline_chromium()}


def _ensure_server() -> None:
    import kaleido

    with _server_lock:
        if not _server["started"]:
            kaleido.start_sync_server(silence_warnings=True, **kaleido_options())
            _server["started"] = True


def figure_to_image(fig, fmt: str = "png", *, width: int = SLIDE_WIDTH,
                    height: int = SLIDE_HEIGHT, scale: float | None = None) -> bytes:
    """A PNG or SVG of ``fig`` at slide resolution.

    The first call starts one kaleido browser for the process (about 2 s);
    later images take about 0.2 s each.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    fmt : {"png", "svg"}
    width, height : int
        Size in CSS pixels (default 1280 x 720, 16:9).
    scale : float, optional
        Pixel density; default 2 for PNG (2560 x 1440 pixels), 1 for SVG.

    Raises
    ------
    ExportError
        When no Chrome/Chromium is installed (with the install step), or the
        export fails.
    """
    if fmt not in ("png", "svg"):
        raise ValueError(f"`fmt` must be 'png' or 'svg', not {fmt!r}")
    if scale is None:
        scale = SLIDE_SCALE if fmt == "png" else 1
    try:
        from kaleido.errors import ChromeNotFoundError
    except ImportError as exc:  # pragma: no cover - kaleido is a dependency
        raise ExportError("PNG/SVG export needs kaleido: `pip install 'kaleido>=1'`.") from exc
    try:
        _ensure_server()
        with warnings.catch_warnings():
            # plotly passes kopts that a running server ignores, and says so
            warnings.simplefilter("ignore", UserWarning)
            return fig.to_image(format=fmt, width=width, height=height, scale=scale)
    except ChromeNotFoundError as exc:
        raise ExportError(CHROME_HELP) from exc
    except RuntimeError as exc:
        if "chrome" in str(exc).lower():
            raise ExportError(CHROME_HELP) from exc
        raise ExportError(f"Figure export failed: {exc}") from exc


def figure_to_html(fig, *, div_id: str | None = None, full_html: bool = True,
                   include_plotlyjs: bool | str = True) -> str:
    """Interactive HTML of ``fig`` that opens offline (plotly.js embedded).

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> html = figure_to_html(go.Figure(), div_id="fig-1")
    >>> 'id="fig-1"' in html and '<script src="http' not in html
    True
    """
    return fig.to_html(full_html=full_html, include_plotlyjs=include_plotlyjs,
                       div_id=div_id, config={"displaylogo": False, "responsive": True})
