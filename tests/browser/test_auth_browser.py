"""Sign-in for a team server, against a local OpenID provider on loopback.

``oidc-provider-mock`` (PyPI) plays the hospital's identity provider: its
authorisation page has one button per predefined user. The app reads its
``[auth]`` section from a secrets file in a temporary folder
(``--secrets.files``), exactly as it would read ``.streamlit/secrets.toml``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.conftest import (
    _free_port,
    assert_accessible,
    assert_no_exception,
    start_app,
    wait_for_app,
)

pytestmark = pytest.mark.browser

USERS = {"alice": "Alice Example", "bob": "Bob Sample"}
# an upload with 2 subjects, so its pages differ from the 23-subject sample
UPLOAD = (b"subject_id,visit,day,outcome,value\n"
          b"U1,Baseline,0,EDSS,6\nU1,Month 6,182,EDSS,5.5\n"
          b"U2,Baseline,0,EDSS,5\nU2,Month 6,180,EDSS,5\n")


def _wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@pytest.fixture(scope="module")
def signin_app(tmp_path_factory):
    """An app with sign-in configured and its OpenID provider, both on loopback."""
    provider_port, app_port = _free_port(), _free_port()
    claims = [json.dumps({"sub": sub, "name": name, "email": f"{sub}@hospital.example"})
              for sub, name in USERS.items()]
    provider = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(provider_port),
         *[arg for c in claims for arg in ("--user-claims", c)]],
        env={**os.environ, "AUTHLIB_INSECURE_TRANSPORT": "1"},  # plain http on loopback
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    metadata = f"http://127.0.0.1:{provider_port}/.well-known/openid-configuration"
    secrets = tmp_path_factory.mktemp("auth") / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{os.urandom(24).hex()}"\n'
        'client_id = "msc-dash"\n'
        'client_secret = "not-a-real-secret"\n'
        f'server_metadata_url = "{metadata}"\n')
    try:
        _wait_http(metadata)
        proc, url = start_app(app_port, options=("--secrets.files", str(secrets)))
    except Exception:
        provider.kill()
        raise
    yield url
    proc.terminate()
    provider.terminate()
    proc.wait(timeout=10)
    provider.wait(timeout=10)


@pytest.fixture
def context(browser):
    """A factory of fresh browser contexts (one per user: own cookies, own session)."""
    made = []

    def make():
        ctx = browser.new_context(viewport={"width": 1280, "height": 720})
        made.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in made:
        ctx.close()


def _sign_in(page, url: str, sub: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("button", name=sub, exact=True).click()  # the provider's page
    page.wait_for_url(f"{url}/**")
    wait_for_app(page)
    page.get_by_text(f"Signed in as {USERS[sub]}").wait_for(timeout=30_000)


def _assert_sign_in_page_only(page) -> None:
    body = page.inner_text("body")
    assert "Sign in to see the trial results" in body
    for text in ("Overview", "Mobility", "subjects", "Sample trial", "Upload my data"):
        assert text not in body, text
    assert page.locator("[data-testid='stSidebarNav']").count() == 0


def test_unsigned_visitor_sees_only_the_sign_in_page(context, signin_app):
    page = context()
    for path in ("/", "/mobility", "/patients?data=two_arm", "/export"):
        page.goto(signin_app + path)
        wait_for_app(page)
        _assert_sign_in_page_only(page)
    assert page.locator(".js-plotly-plot").count() == 0
    assert_no_exception(page)
    assert_accessible(page)


def test_signed_in_user_sees_dashboard_with_name_and_sign_out_ends_session(
        context, signin_app):
    page = context()
    _sign_in(page, signin_app, "alice")
    main = page.inner_text("[data-testid='stMain']")
    assert "23 subjects" in main
    page.get_by_role("link", name="Mobility", exact=True).click()
    wait_for_app(page)
    assert "Signed in as Alice Example" in page.inner_text("[data-testid='stSidebar']")
    assert_no_exception(page)

    page.get_by_role("button", name="Sign out").click()
    # the provider's end-session page (a real provider ends its own session here)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{signin_app}/**")
    wait_for_app(page)
    _assert_sign_in_page_only(page)
    assert not [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    page.goto(signin_app + "/mobility")  # the old address no longer opens the data
    wait_for_app(page)
    _assert_sign_in_page_only(page)


def test_two_users_uploads_never_mix(context, signin_app):
    alice, bob = context(), context()
    _sign_in(alice, signin_app, "alice")
    _sign_in(bob, signin_app, "bob")
    alice.get_by_role("link", name="Data", exact=True).click()
    wait_for_app(alice)
    alice.get_by_text("Upload my data").click()
    wait_for_app(alice)
    alice.locator("[data-testid='stSidebar'] input[type=file]").first.set_input_files(
        files=[{"name": "alice_trial.csv", "mimeType": "text/csv", "buffer": UPLOAD}])
    wait_for_app(alice)
    alice.get_by_text("Loaded: alice_trial.csv").wait_for(timeout=90_000)  # a loaded 2-core CI

    bob.reload()
    wait_for_app(bob)
    bob_text = bob.inner_text("body")
    assert "alice_trial.csv" not in bob_text
    assert "23 subjects" in bob_text
    assert "Signed in as Bob Sample" in bob_text
    bob.get_by_role("link", name="Data", exact=True).click()
    wait_for_app(bob)
    assert "alice_trial.csv" not in bob.inner_text("body")

    alice.get_by_role("link", name="Overview", exact=True).click()
    wait_for_app(alice)
    alice_text = alice.inner_text("[data-testid='stMain']")
    assert "2 subjects" in alice_text and "23 subjects" not in alice_text
    assert "Signed in as Alice Example" in alice.inner_text("[data-testid='stSidebar']")
