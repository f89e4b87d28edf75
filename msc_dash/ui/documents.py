"""Download buttons for the documents that leave the app: PowerPoint deck, Word report.

The files are made only when a button is clicked (``data`` is a callable,
``on_click="ignore"``), so drawing a page never pays for them. The Export
page and the presenter's toolbar share these buttons.
"""

from __future__ import annotations

import streamlit as st

from .. import export
from ..trial import Trial
from . import export_widgets

__all__ = ["deck_button", "docx_button"]

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _stem(trial: Trial) -> str:
    return "msc-dash-" + trial.fingerprint[:8]


def deck_button(trial: Trial, settings, effects, *, key: str, label: str = "PowerPoint deck",
                primary: bool = False, container=None) -> None:
    """A download button for the presenter's slides as ``.pptx``."""
    from ..deck import PPTX_MIME, build_deck

    def make() -> bytes:
        return build_deck(trial, settings=settings, effects=effects)

    chrome = export_widgets._chrome()  # checked once per server process
    where = container if container is not None else st
    where.download_button(
        label, data=make, file_name=f"{_stem(trial)}-slides.pptx", mime=PPTX_MIME, key=key,
        on_click="ignore", type="primary" if primary else "secondary", disabled=not chrome,
        help=("The presenter slides as PowerPoint: charts as high-resolution images, numbers "
              "as text, methods and exact values in the speaker notes (about 30 s)")
        if chrome else export.CHROME_HELP)


def docx_button(trial: Trial, settings, effects, *, key: str, container=None) -> None:
    """A download button for the Word report (``.docx``)."""
    from ..docx_report import build_docx

    def make() -> bytes:
        return build_docx(trial, settings=settings, effects=effects)

    chrome = export_widgets._chrome()  # checked once per server process
    where = container if container is not None else st
    where.download_button(
        "Word report", data=make, file_name=f"{_stem(trial)}-report.docx", mime=DOCX_MIME,
        key=key, on_click="ignore", disabled=not chrome,
        help="Word tables (Table 1, effect table, safety), figures, methods and references "
             "(about 30 s)" if chrome else export.CHROME_HELP)
