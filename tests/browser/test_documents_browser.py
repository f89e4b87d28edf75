"""The PowerPoint deck and the Word report download from the Export page and the presenter."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import downloading_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_export_page_downloads_deck_and_word_report(browser, app_url):
    import docx
    from pptx import Presentation

    with downloading_page(browser, f"{app_url}/export", (1280, 720)) as page:
        page.wait_for_selector("text=Slides and Word report", timeout=60_000)
        for label, check in (
                ("PowerPoint deck", lambda b: len(Presentation(io.BytesIO(b)).slides) > 5),
                ("Word report", lambda b: len(docx.Document(io.BytesIO(b)).tables) >= 3)):
            with page.expect_download(timeout=240_000) as info:
                page.get_by_role("button", name=label).click()
            dl = info.value
            assert dl.suggested_filename.endswith((".pptx", ".docx"))
            assert check(Path(dl.path()).read_bytes())


def test_presenter_toolbar_offers_the_deck(browser, app_url):
    with downloading_page(browser, f"{app_url}/?present=1", (1280, 720)) as page:
        button = page.get_by_role("button", name="Download .pptx")
        button.wait_for(timeout=60_000)
        box = button.bounding_box()
        assert box and box["y"] + box["height"] <= 720 + 1  # inside the 720-line screen
        with page.expect_download(timeout=240_000) as info:
            button.click()
        assert info.value.suggested_filename.endswith(".pptx")
