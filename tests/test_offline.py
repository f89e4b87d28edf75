"""Nothing leaves the machine: the server and a PNG export, with no way out.

Each test runs in a network namespace whose default route is a dead end (tests/offline.py)
and fails on any attempt, by any process, to reach another host.
"""

import os
import sys
import tomllib
from pathlib import Path

import pytest

from msc_dash import export
from tests import offline

ROOT = Path(__file__).resolve().parents[1]
why_not = offline.available()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(why_not is not None, reason=f"offline check {why_not}"),
    pytest.mark.skipif(not export.chrome_available(), reason="no Chromium"),
]

_PNG_SCRIPT = """
import plotly.graph_objects as go
from msc_dash import export
fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4])).update_layout(title="Walk $x$")
print(len(export.figure_to_image(fig, "png")))
"""


def test_config_binds_loopback_and_names_the_address():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["address"] == "127.0.0.1"
    # set explicitly, Streamlit prints it instead of asking checkip.amazonaws.com
    assert cfg["browser"]["serverAddress"] == "localhost"
    makefile = (ROOT / "Makefile").read_text()
    assert "--server.address 127.0.0.1" in makefile and "WITHOUT SIGN-IN" in makefile


def test_png_export_contacts_no_host(tmp_path):
    log = tmp_path / "strace.log"
    result = offline.run_offline([sys.executable, "-c", _PNG_SCRIPT], log)
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout.strip().splitlines()[-1]) > 1000
    assert offline.outbound(log.read_text()) == []


@pytest.mark.browser
def test_server_and_browser_session_contact_no_host(tmp_path):
    log = tmp_path / "strace.log"
    env_log = {"OFFLINE_STRACE_LOG": str(log)}
    os.environ.update(env_log)
    try:
        result = offline.run_offline(
            [sys.executable, str(ROOT / "tests" / "offline.py"), "8765"], None, timeout=400)
    finally:
        os.environ.pop("OFFLINE_STRACE_LOG")
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    assert "PNG bytes:" in result.stdout
    assert "Network URL" not in result.stdout and "External URL" not in result.stdout
    text = log.read_text()
    assert "127.0.0.1" in text  # the trace saw the server's own sockets
    assert offline.outbound(text) == []
