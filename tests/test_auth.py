"""The sign-in gate (msc_dash.ui.auth) in AppTest: refusal, --no-auth banner, sign-in page.

The sign-in itself, against a local OpenID provider, is in
tests/browser/test_auth_browser.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from msc_dash.ui import auth

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = "Sample trial (simulated, single arm)"


@pytest.fixture
def address():
    """Set the address the server binds for one test (Streamlit's config is global)."""
    before = config.get_option("server.address")

    def set_(value):
        config.set_option("server.address", value)

    yield set_
    config.set_option("server.address", before)


def _run(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["data_choice"] = SAMPLE
    if secrets:
        at.secrets["auth"] = secrets
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.markdown, *at.error, *at.warning, *at.title,
                                             *at.subheader, *at.caption])


def test_network_address_without_sign_in_is_refused(address, monkeypatch):
    address("0.0.0.0")
    monkeypatch.setattr(sys, "argv", ["app.py"])
    at = _run()
    assert "reachable from the network but has no sign-in" in at.error[0].value
    assert "--no-auth" in at.error[0].value
    assert "23 subjects" not in _text(at)
    assert not at.radio and not at.multiselect  # no data source, no filters


def test_no_auth_flag_serves_with_a_warning_banner(address, monkeypatch):
    address("0.0.0.0")
    monkeypatch.setattr(sys, "argv", ["app.py", auth.NO_AUTH_FLAG])
    at = _run()
    assert not at.error
    assert "No sign-in" in at.warning[0].value
    assert "23 subjects" in _text(at)


def test_loopback_needs_no_sign_in_and_shows_no_banner(address, monkeypatch):
    address("127.0.0.1")
    monkeypatch.setattr(sys, "argv", ["app.py"])
    at = _run()
    assert not at.error
    assert not any("No sign-in" in w.value for w in at.warning)
    assert "23 subjects" in _text(at)


def test_sign_in_configured_shows_only_the_sign_in_page(address, monkeypatch):
    # sign-in is required even on loopback once it is configured
    address("127.0.0.1")
    monkeypatch.setattr(sys, "argv", ["app.py", auth.NO_AUTH_FLAG])
    at = _run({"redirect_uri": "http://127.0.0.1:8501/oauth2callback",
               "cookie_secret": "x" * 40, "client_id": "msc-dash", "client_secret": "s",
               "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"})
    assert [b.label for b in at.button] == ["Sign in"]
    assert "Sign in to see the trial results" in _text(at)
    assert "23 subjects" not in _text(at)
    assert not at.warning


def test_providers_default_and_named():
    # [auth] with client_id is the default provider; [auth.<name>] are named ones
    assert auth._providers({"client_id": "a", "microsoft": {"client_id": "b"}}) == [
        None, "microsoft"]
    assert auth._providers({"redirect_uri": "x", "okta": {"client_id": "b"}}) == ["okta"]
    assert auth._providers({"redirect_uri": "x"}) == []
