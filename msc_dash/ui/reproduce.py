"""The "Reproduce in Python" expander under a results view."""

from __future__ import annotations

import streamlit as st

from ..reproduce import python_code
from ..trial import Trial

__all__ = ["reproduce_expander"]


def reproduce_expander(trial: Trial, view: str, settings, **params) -> str:
    """An expander with the code that gives this view's numbers; returns the code.

    The code block is built only while the expander is open (opening reruns the
    page): a closed one would still make the browser load and start its syntax
    highlighter, about a second of its main thread on the first page drawn.
    """
    code = python_code(trial, view, settings, **params)
    with st.expander("Reproduce in Python", key=f"reproduce_{view}",
                     on_change="rerun") as box:
        if box.open:
            st.caption("These lines give exactly the numbers on this page, with the current "
                       "filters and settings (`result` holds them). Copy with the button at "
                       "the code's top right; run them in the environment msc-dash is "
                       "installed in.")
            st.code(code, language="python")
    return code
