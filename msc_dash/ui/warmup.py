"""Start the browser on Plotly's code while the server is still importing.

Streamlit's browser app fetches and evaluates its Plotly chunk (plotly.js,
about 4.7 MB) only when the first chart arrives, and that chart arrives only
after the first run has imported pandas, the analysis package and the page
(1.5-3 s): the two waits add up on the way to the first chart. A hidden,
empty chart sent at the very start of a session's first run makes the browser
load plotly.js on its own core while the server imports on the other; the
placeholder is emptied once the imports are done. Later runs send nothing
(the browser has the code), only the same empty placeholder, so the sidebar's
elements keep their positions.

This module imports nothing but streamlit: app.py calls it before its other imports.
"""

from __future__ import annotations

import streamlit as st

__all__ = ["plotly_code"]

_DONE = "msc_plotly_warm"  # session state: the browser was sent the hidden chart
_KEY = "msc-plotly-warmup"
# drawn off screen at a normal size (Plotly warns about a zero-sized plot), hidden from
# screen readers and the pointer, taking no place in the sidebar
_CSS = (f"<style>.st-key-{_KEY} {{ position: absolute; left: -10000px; width: 320px; "
        "height: 40px; overflow: hidden; visibility: hidden; pointer-events: none; }}</style>")
_FIGURE = {"data": [{"type": "scatter", "x": [0], "y": [0]}],
           "layout": {"height": 40, "width": 320, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}}}


def plotly_code():
    """Send a hidden empty chart on a session's first run; return a function that removes it.

    Returns
    -------
    callable
        Call it once the run's imports are done (it empties the placeholder).

    Examples
    --------
    >>> done = plotly_code()  # outside a Streamlit run: nothing is shown
    >>> done()
    """
    slot = st.sidebar.empty()
    if not st.session_state.get(_DONE):
        st.session_state[_DONE] = True
        with slot.container(key=_KEY):
            st.html(_CSS)
            st.plotly_chart(_FIGURE, config={"staticPlot": True, "displayModeBar": False})

    def remove() -> None:
        slot.empty()

    return remove
