"""Download widgets: every chart as PNG/SVG/HTML, every table as CSV/XLSX.

Each chart and table gets one "Download" menu (a popover): its buttons are
made only while it is open (``on_change="rerun"``), so a page with forty
charts sends forty small menus, not 120 buttons, on every rerun. Files are
made lazily too: ``st.download_button`` gets a callable, which Streamlit runs
only when the button is clicked (in a separate thread, with no rerun of the
page: ``on_click="ignore"``), so drawing a page never pays for an export.

Use :func:`chart` instead of ``st.plotly_chart`` and
:func:`table_downloads` under a table::

    from msc_dash.ui import export_widgets
    export_widgets.chart(fig, key="mobility_trajectory", name="T25FW trajectory")
    export_widgets.table_downloads(effects, "effect table")
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from .. import export

__all__ = ["chart", "figure_downloads", "table_downloads", "file_stem", "download_menu",
           "PLOTLY_CONFIG"]

#: Plotly toolbar config of every chart: no logo, camera button at slide size.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "width": export.SLIDE_WIDTH,
                             "height": export.SLIDE_HEIGHT, "scale": export.SLIDE_SCALE},
}


def file_stem(name: str) -> str:
    """A safe file name stem: letters, digits, ``-`` and ``_`` only.

    Examples
    --------
    >>> file_stem("T25FW: trajectory (All)")
    'T25FW_trajectory_All'
    """
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", str(name)).strip("_")
    return stem[:80] or "figure"


@st.cache_resource(show_spinner=False)
def _chrome() -> bool:
    # checked once per server process: installing Chrome needs a restart anyway
    return export.chrome_available()


def _built(fig):
    # fig, or a callable that builds it (a cached figure dict becomes a Figure on click)
    return fig() if callable(fig) else fig


def _image_maker(fig, fmt: str, title=None, context=None):
    def make() -> bytes:
        return export.figure_to_image(export.titled(_built(fig), title, context), fmt)

    return make


def _html_maker(fig, title=None, context=None):
    def make() -> str:
        return export.figure_to_html(export.titled(_built(fig), title, context))

    return make


def download_menu(key: str, what: str, help: str | None = None):
    """The "Download" menu of one chart or table: its container while open, else None.

    The menu is a popover whose content runs only while it is open (opening
    it reruns the page), so its buttons cost nothing on other reruns. A test
    (AppTest) opens it with ``at.session_state[f"{key}__downloads"] = True``.
    """
    menu = st.popover("Download", type="tertiary", key=f"{key}__downloads",
                      on_change="rerun", help=help or f"Download {what}")
    return menu if menu.open else None


def figure_downloads(fig, *, key: str, name: str | None = None, title: str | None = None,
                     context: str | None = None) -> None:
    """A "Download" menu of PNG / SVG / HTML buttons for ``fig``.

    ``fig`` is a ``go.Figure`` or a callable returning one: either way the
    files are made only when a button is clicked, and the buttons only while
    the menu is open (:func:`download_menu`). The files are headed by
    ``title`` and ``context`` (trial, visit) when the figure has no title of
    its own (:func:`msc_dash.export.titled`).
    """
    menu = download_menu(key, "this chart as PNG, SVG or interactive HTML")
    if menu is None:
        return
    stem = file_stem(name or key)
    has_chrome = _chrome()
    cols = (menu, menu, menu)
    help_img = (f"Slide size (16:9, {export.SLIDE_WIDTH * export.SLIDE_SCALE} x {export.SLIDE_HEIGHT * export.SLIDE_SCALE} px)"
        if has_chrome else export.CHROME_HELP)
    cols[0].download_button(
        "PNG", data=_image_maker(fig, "png", title, context), file_name=f"{stem}.png", mime="image/png",
        key=f"{key}__png", on_click="ignore", type="tertiary", icon=":material/download:",
        disabled=not has_chrome, help=help_img)
    cols[1].download_button(
        "SVG", data=_image_maker(fig, "svg", title, context), file_name=f"{stem}.svg", mime="image/svg+xml",
        key=f"{key}__svg", on_click="ignore", type="tertiary", icon=":material/download:",
        disabled=not has_chrome,
        help="Vector image for slides and print" if has_chrome else export.CHROME_HELP)
    cols[2].download_button(
        "HTML", data=_html_maker(fig, title, context), file_name=f"{stem}.html", mime="text/html",
        key=f"{key}__html", on_click="ignore", type="tertiary", icon=":material/download:",
        help="Interactive chart that opens offline in any browser")


def chart(fig, *, key: str, name: str | None = None, downloads: bool = True,
          figure=None, title: str | None = None, context: str | None = None,
          **plotly_kwargs) -> None:
    """``st.plotly_chart(fig)`` with a PNG / SVG / HTML download row under it.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    key : str
        Unique widget key of the chart (the buttons derive theirs from it).
    name : str, optional
        File name stem of the downloads (default: ``key``).
    downloads : bool
        False draws the chart alone (e.g. in presenter mode).
    figure : callable, optional
        Builds the ``go.Figure`` of the downloads when ``fig`` is not one
        (default: ``fig`` itself).
    title, context : str, optional
        Heading and trial/visit line of the downloaded files.
    **plotly_kwargs
        Passed to ``st.plotly_chart`` (``height``, ``on_select``, ...).
    """
    config = {**PLOTLY_CONFIG, **plotly_kwargs.pop("config", {})}
    config["toImageButtonOptions"] = {**PLOTLY_CONFIG["toImageButtonOptions"],
                                      "filename": file_stem(name or key)}
    result = st.plotly_chart(fig, key=key, config=config, **plotly_kwargs)
    if downloads:
        figure_downloads(figure or fig, key=key, name=name, title=title, context=context)
    return result


def table_downloads(df: pd.DataFrame, name: str, *, key: str | None = None,
                    sheets: dict[str, pd.DataFrame] | None = None, menu: bool = True) -> None:
    """A "Download" menu of CSV and XLSX buttons for ``df`` (formula injection escaped).

    ``sheets`` adds more sheets to the workbook (the CSV holds ``df`` only).
    The buttons are made only while the menu is open (:func:`download_menu`);
    ``menu=False`` shows them in a row instead (the Export page, whose point
    they are).
    """
    stem = file_stem(name)
    key = key or f"tbl_{stem}"
    if menu:
        where = download_menu(key, "this table as CSV or Excel")
        if where is None:
            return
    else:
        where = st.container(horizontal=True, gap="small", key=f"{key}__downloads")
    workbook = {name[:31]: df, **(sheets or {})}
    cols = (where, where)
    cols[0].download_button(
        "CSV", data=lambda: export.to_csv_bytes(df), file_name=f"{stem}.csv",
        mime="text/csv", key=f"{key}__csv", on_click="ignore", type="tertiary",
        icon=":material/download:", help="UTF-8 CSV; cells that look like formulas are "
                                         "prefixed with ' so spreadsheets show them as text")
    cols[1].download_button(
        "XLSX", data=lambda: export.to_xlsx_bytes(workbook), file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}__xlsx", on_click="ignore", type="tertiary", icon=":material/download:",
        help="Excel workbook; numbers stay numbers")
