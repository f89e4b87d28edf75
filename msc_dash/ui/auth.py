"""Sign-in for a team server: Streamlit's native OpenID Connect login.

::

    from msc_dash.ui import auth
    auth.gate()       # first thing in app.py, after st.set_page_config
    auth.user_box()   # in the sidebar

Three cases, decided on every run:

- **sign-in configured** (an ``[auth]`` section in ``.streamlit/secrets.toml``,
  see the README, "Serving to a team"): a visitor who is not signed in sees
  only the sign-in page, whatever address they open; a signed-in user sees the
  dashboard with their name and a *Sign out* button in the sidebar.
- **no sign-in, served on loopback** (127.0.0.1, the default of ``make run``):
  nothing to do, only this machine can reach the server.
- **no sign-in, served on a network address**: refused with an explanation,
  unless the app was started with ``--no-auth`` (``make serve HOST=0.0.0.0
  NOAUTH=1``); then every page carries a warning banner.
"""

from __future__ import annotations

import ipaddress
import sys

import streamlit as st

from . import state
from .text import md_escape

__all__ = ["NO_AUTH_FLAG", "auth_configured", "is_loopback", "no_auth_requested", "gate",
           "user_box", "user_name", "will_stop"]

#: Script argument that allows serving beyond loopback without sign-in.
NO_AUTH_FLAG = "--no-auth"

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to ``address`` is reachable only from this machine.

    An empty address means every interface (Streamlit's own default).

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("localhost")
    (True, True, True)
    >>> is_loopback("0.0.0.0"), is_loopback(""), is_loopback("10.1.2.3")
    (False, False, False)
    """
    address = (address or "").strip().strip("[]")
    if not address:
        return False
    if address.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:  # a host name: it may resolve to a network interface
        return False


def no_auth_requested(argv: list[str] | None = None) -> bool:
    """Whether the script was started with ``--no-auth`` (``streamlit run app.py -- --no-auth``).

    Examples
    --------
    >>> no_auth_requested(["app.py", "--no-auth"]), no_auth_requested(["app.py"])
    (True, False)
    """
    return NO_AUTH_FLAG in (sys.argv[1:] if argv is None else argv[1:])


def _auth_section() -> dict:
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        section = st.secrets.get("auth")
    except Exception:  # an unreadable secrets file: Streamlit reports it on its own
        return {}
    return section.to_dict() if hasattr(section, "to_dict") else dict(section or {})


def _providers(section: dict) -> list[str | None]:
    # [auth] with client_id is the default provider; [auth.<name>] subsections are named ones
    named = [k for k, v in section.items() if isinstance(v, dict) and "client_id" in v]
    return ([None] if "client_id" in section else []) + named


def auth_configured() -> bool:
    """Whether ``.streamlit/secrets.toml`` holds a usable ``[auth]`` section."""
    section = _auth_section()
    return bool(section.get("redirect_uri") and section.get("cookie_secret")
                and _providers(section))


def user_name() -> str:
    """The signed-in user's name (else e-mail, else subject), or '' when nobody is."""
    user = st.user
    if not user.get("is_logged_in"):
        return ""
    for claim in ("name", "preferred_username", "email", "sub"):
        if user.get(claim):
            return str(user.get(claim))
    return "signed-in user"


def _sign_in_page() -> None:
    st.title("msc-dash")
    st.subheader("Sign in to see the trial results")
    st.write("This dashboard shows data of individual trial participants, so it is open "
             "only to signed-in members of the trial team.")
    section = _auth_section()
    for provider in _providers(section):
        label = "Sign in" if provider is None else f"Sign in with {provider.title()}"
        if st.button(label, type="primary", key=f"auth_login_{provider or 'default'}"):
            if provider is None:
                st.login()
            else:
                st.login(provider)
    st.caption("Your hospital's account is checked by its own identity provider; "
               "msc-dash never sees your password.")


def _refused_page() -> None:
    st.title("msc-dash")
    st.error(
        "**This server is reachable from the network but has no sign-in**, so anyone who "
        "reaches its address would see the patients' data. Configure sign-in in "
        "`.streamlit/secrets.toml` (README, \"Serving to a team\"), serve on 127.0.0.1, "
        "or, on a network you trust, restart with `--no-auth` "
        "(`make serve HOST=0.0.0.0 NOAUTH=1`).")


def _only(page_fn, title: str) -> None:
    # st.navigation with a single page owns every address: a deep link such as
    # /mobility shows this page too, never a page file of pages/
    st.navigation([st.Page(page_fn, title=title, url_path="signin", default=True)],
                  position="hidden").run()
    st.stop()


def _sign_out() -> None:
    # the next visitor of this browser starts from nothing: no upload, no filters
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.logout()


def user_box() -> None:
    """The signed-in user's name and a *Sign out* button in the sidebar (nothing without sign-in)."""
    name = st.session_state.get(state.SIGNED_IN_AS)
    if not name:
        return
    with st.sidebar:
        row = st.container(horizontal=True, key="auth_user_row", vertical_alignment="center")
        row.markdown(f"Signed in as **{md_escape(name)}**")
        row.button("Sign out", key="auth_logout", on_click=_sign_out, type="tertiary")


def will_stop() -> bool:
    """Whether :func:`gate` will show the sign-in page or the refusal (no sidebar then)."""
    if auth_configured():
        return not user_name()
    return not is_loopback(st.get_option("server.address")) and not no_auth_requested()


def gate() -> None:
    """Let the run continue only for a signed-in user or an allowed unsigned server.

    Stops the script (``st.stop``) after drawing the sign-in page or the refusal.
    """
    if auth_configured():
        name = user_name()
        if not name:
            _only(_sign_in_page, "Sign in")
        # one browser session belongs to one user: never carry state to another
        if st.session_state.get(state.SIGNED_IN_AS, name) != name:
            for key in list(st.session_state.keys()):
                del st.session_state[key]
        st.session_state[state.SIGNED_IN_AS] = name
        return
    if is_loopback(st.get_option("server.address")):
        return
    if not no_auth_requested():
        _only(_refused_page, "Sign-in required")
    st.warning("**No sign-in**: this server is open to everyone who can reach it on the "
               "network (started with `--no-auth`). Do not load identifiable patient data "
               "unless the network is restricted to the trial team.")
