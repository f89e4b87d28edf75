"""Every page runs without an exception on both bundled samples (AppTest)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
# pages/other.py is registered only when the data has outcomes of domain "other";
# tests/test_pages_domain.py runs it on such a trial. pages/crossover.py only when
# the trial has periods (the crossover sample).
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py")
               if p.name not in ("other.py", "crossover.py"))
SAMPLES = ["Sample trial (simulated, single arm)", "Sample two-arm trial (simulated)",
           "Sample crossover trial (simulated)"]


def _app(sample: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    # AppTest (streamlit 1.67) reruns only the page after the first run, so the
    # sidebar's data choice is made in session state before it
    at.session_state["data_choice"] = sample
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("sample", SAMPLES, ids=["single_arm", "two_arm", "crossover"])
@pytest.mark.parametrize("page", PAGES)
def test_page_runs(page, sample):
    at = _app(sample)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    # a page shows something: a title or a message, never a blank screen
    assert at.title or at.info or at.warning or at.header or at.markdown
