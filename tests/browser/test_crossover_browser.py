"""A crossover trial uploaded in the browser: periods derived from a `sequence` column
give the Crossover page; overlapping periods give an error naming the subject."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_exception, wait_for_app, wait_for_charts

pytestmark = pytest.mark.browser

SUBJECTS = b"subject_id,sequence\n" + b"".join(
    f"P{i:02d},{'MSC-Sham' if i % 2 else 'Sham-MSC'}\n".encode() for i in range(1, 13))
MEAS = b"subject_id,visit,day,outcome,value\n" + b"".join(
    f"P{i:02d},Baseline,0,SDMT,{40 + i}\nP{i:02d},Month 6,{180 + i % 3},SDMT,"
    f"{42 + i + (2 if i % 2 else -1) + i % 3}\nP{i:02d},Month 12,{362 + i % 4},SDMT,"
    f"{43 + i + (1 if i % 2 else 3) + i % 4}\n".encode() for i in range(1, 13))
OVERLAP = (b"subject_id,period,treatment,start_day,end_day\n"
           b"P01,1,MSC,0,182\nP01,2,Sham,150,365\n")


def _upload(page, app_url, files) -> None:
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_text("Upload my data").click()
    wait_for_app(page)
    page.locator("[data-testid='stSidebar'] input[type=file]").first.set_input_files(
        files=[{"name": n, "mimeType": "text/csv", "buffer": d} for n, d in files])
    wait_for_app(page)


def test_sequence_column_gives_the_crossover_page(page, app_url):
    _upload(page, app_url, [("subjects.csv", SUBJECTS), ("measurements.csv", MEAS)])
    page.get_by_role("link", name="Crossover").click()
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("Crossover (12 subjects)").wait_for(timeout=30_000)
    assert "Period 1 only (12 subjects)" in main.inner_text()
    assert "Carryover test (sequence)" in main.inner_text()
    assert wait_for_charts(page, 2) >= 2
    assert_no_exception(page)


def test_overlapping_periods_name_the_subject(page, app_url):
    _upload(page, app_url, [("subjects.csv", SUBJECTS), ("measurements.csv", MEAS),
                            ("periods.csv", OVERLAP)])
    alert = page.locator("[data-testid='stAlertContentError']").first
    alert.wait_for(timeout=30_000)
    assert "subject P01 has overlapping periods" in alert.inner_text()
    assert_no_exception(page)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_profile_axis_title_stays_inside_the_slide_chart(browser, app_url, size):
    # the crossover sample's deck: slide 3 is T25FW's period profile; its vertical axis
    # title (then "T25FW: log ratio, last / first", one line) was longer than the short slide
    # chart's plot area and reached the top edge of the figure, where it was clipped
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = ctx.new_page()
    try:
        page.goto(f"{app_url}/?data=crossover&present=1&slide=3")
        wait_for_app(page)
        wait_for_charts(page, 1)
        page.wait_for_timeout(500)
        box = page.evaluate("""() => {
            const plot = document.querySelector('.js-plotly-plot');
            const t = plot.querySelector('.ytitle').getBoundingClientRect();
            const f = plot.querySelector('.main-svg').getBoundingClientRect();
            const a = plot.querySelector('.nsewdrag').getBoundingClientRect();
            return {text: plot.querySelector('.ytitle').textContent,
                    top: t.top, bottom: t.bottom, ftop: f.top, fbottom: f.bottom,
                    atop: a.top, abottom: a.bottom}; }""")
        assert box["text"].startswith("Timed 25-Foot"), box  # its label, over lines
        assert box["top"] >= box["ftop"] and box["bottom"] <= box["fbottom"], box
        # no longer than the axis it names: inside the plot area's height
        assert box["top"] >= box["atop"] - 1 and box["bottom"] <= box["abottom"] + 1, box
        assert_no_exception(page)
    finally:
        ctx.close()
