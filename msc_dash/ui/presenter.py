"""Presenter mode: the key findings as full-screen slides for a projector.

Switched on by the sidebar toggle or ``?present=1`` in the URL (kept in the
address while presenting, with ``slide=N``, so the link can be shared). The sidebar and toolbar are
hidden, type is large, one finding fills the screen, and large Previous /
Next buttons walk through :func:`msc_dash.slides.slides` (no keyboard or
sidebar needed). ``?contrast=high`` (or the button on screen) gives white on
black. ``?slide=3`` opens a given slide.
"""

from __future__ import annotations

import html
import json

import plotly.io as pio
import streamlit as st

from ..effects import effect_sizes
from ..figures.legible import legible
from ..figures.log_axis import fit_log_axes
from ..findings import safety_numbers
from ..slides import high_contrast, slide_figure, slides
from . import documents, state
from .cache import cached
from .charts import FigureSpec

__all__ = ["maybe_present", "read_url", "PRESENT_KEY", "SLIDE_KEY", "CONTRAST_KEY", "is_presenting"]

# session keys (ui/state.py)
PRESENT_KEY, SLIDE_KEY, CONTRAST_KEY = state.PRESENT_KEY, state.SLIDE_KEY, state.CONTRAST_KEY
_URL_SEEN = state.PRESENTER_URL_SEEN

_TRUE = ("1", "true", "yes", "on")
_PARAMS = ("present", "contrast", "slide")

_BASE_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarCollapseButton"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stSidebarNav"] { display: none !important; }
[data-testid="stMain"] .block-container, [data-testid="stMainBlockContainer"] {
  padding: 1.2rem 3vw 0.6rem 3vw !important; max-width: 100% !important; }
.st-key-slide h1 { font-size: clamp(2rem, 3.4vw, 3.6rem) !important; line-height: 1.15;
  padding: 0 0 0.3rem 0 !important; }
.st-key-slide p, .st-key-slide li { font-size: clamp(1.3rem, 2.0vw, 2.2rem) !important;
  line-height: 1.35; }
.st-key-slide .slide-status { font-size: clamp(1rem, 1.4vw, 1.5rem) !important;
  font-weight: 700; letter-spacing: 0.05em; text-transform: uppercase; margin: 0; }
.st-key-slide_chart { height: calc(100vh - CHROMEpx) !important; flex: none !important;
  min-height: 240px; }
.st-key-slide_chart [data-testid="stElementContainer"],
.st-key-slide_chart [data-testid="stFullScreenFrame"],
.st-key-slide_chart [data-testid="stPlotlyChart"], .st-key-slide_chart .js-plotly-plot
  { height: 100% !important; }
.st-key-slide_nav button { font-size: 1.3rem !important; min-height: 3rem; }
.st-key-slide_nav p { font-size: 1.3rem !important; }
.slide-counter { font-size: 1.5rem; font-weight: 600; text-align: center; margin: 0; }
</style>
"""

#: Height the slide's text and buttons take (the chart has the rest of the screen).
_SLIDE_CHROME_PX = 350
#: The chart's height on the smallest screen presented on (1280 x 720).
_SMALLEST_CHART_PX = 720 - _SLIDE_CHROME_PX
_BASE_CSS = _BASE_CSS.replace("CHROME", str(_SLIDE_CHROME_PX))

_CONTRAST_CSS = """
<style>
[data-testid="stApp"], [data-testid="stMain"], [data-testid="stAppViewContainer"]
  { background: #000 !important; color: #fff !important; }
[data-testid="stApp"] h1, [data-testid="stApp"] p, [data-testid="stApp"] li,
[data-testid="stApp"] span, [data-testid="stApp"] strong, [data-testid="stApp"] em,
.slide-counter { color: #fff !important; }
[data-testid="stApp"] button { background: #000 !important; color: #ffeb3b !important;
  border: 2px solid #ffeb3b !important; }
.slide-status.improved { color: #5cffb0 !important; }
.slide-status.worsened { color: #ff9f6b !important; }
.slide-status.unchanged { color: #d9d9d9 !important; }
</style>
"""

_STATUS_TEXT = {"improved": ("Improved", "#009E73"), "worsened": ("Worsened", "#D55E00"),
                "unchanged": ("No significant change", "#666666")}


def read_url() -> None:
    """Apply ``?present=1`` / ``?contrast=high`` / ``?slide=N`` (once per change of them).

    Call it at the top of the app, before anything rewrites the query string.
    """
    seen = (st.query_params.get("present"), st.query_params.get("contrast"),
            st.query_params.get("slide"))
    # Take our parameters out of the query string, so the shareable-view code
    # (urlstate) never sees them; _write_url puts them back while presenting.
    for name in _PARAMS:
        if name in st.query_params:
            del st.query_params[name]
    if st.session_state.get(_URL_SEEN) == seen:
        return
    st.session_state[_URL_SEEN] = seen
    present, contrast, slide = (str(v or "").lower() for v in seen)
    if present in _TRUE:
        st.session_state[PRESENT_KEY] = True
    if contrast in ("high", *_TRUE):
        st.session_state[CONTRAST_KEY] = True
    if slide:
        try:
            st.session_state[SLIDE_KEY] = max(int(slide) - 1, 0)
        except ValueError:
            st.session_state[SLIDE_KEY] = 0


def _write_url(index: int, contrast: bool) -> None:
    # other parts of the app rewrite the query string; put ours back (add, not replace)
    wanted = {"present": "1", "slide": str(index + 1)}
    if contrast:
        wanted["contrast"] = "high"
    for name, value in wanted.items():
        if st.query_params.get(name) != value:
            st.query_params[name] = value
    if not contrast and "contrast" in st.query_params:
        del st.query_params["contrast"]
    st.session_state[_URL_SEEN] = (wanted["present"], wanted.get("contrast"), wanted["slide"])


def _exit() -> None:
    st.session_state[PRESENT_KEY] = False
    for name in _PARAMS:
        if name in st.query_params:
            del st.query_params[name]
    st.session_state[_URL_SEEN] = (None, None, None)


def _go(step: int, total: int) -> None:
    index = min(max(st.session_state.get(SLIDE_KEY, 0) + step, 0), total - 1)
    st.session_state[SLIDE_KEY] = index


def _toggle_contrast() -> None:
    on = not st.session_state.get(CONTRAST_KEY, False)
    st.session_state[CONTRAST_KEY] = on


def is_presenting() -> bool:
    """True while presenter mode is on."""
    return bool(st.session_state.get(PRESENT_KEY))


def maybe_present(page) -> None:
    """Draw the presenter toggle; in presenter mode, show the slides and stop the page."""
    read_url()
    # No key: the toggle's identity includes its value, so it always shows the
    # mode in force (the Exit button and the URL switch the mode too).
    wanted = st.sidebar.toggle("Presenter mode", value=is_presenting(),
                               help="Full-screen slides of the key findings for a projector "
                                    "(link: add ?present=1 to the address).")
    if wanted != is_presenting():
        if wanted:
            st.session_state[PRESENT_KEY] = True
            st.session_state[SLIDE_KEY] = 0
        else:
            _exit()
    if not is_presenting():
        return
    _present()
    st.stop()


def _present() -> None:
    contrast = bool(st.session_state.get(CONTRAST_KEY))
    st.html(_BASE_CSS + (_CONTRAST_CSS if contrast else ""))
    trial = state.get_trial()
    if trial is None or trial.n_subjects == 0:
        st.title("Nothing to present")
        st.write("Load a trial (or widen the filters) first.")
        st.button("Exit presenter mode", on_click=_exit, key="slide_exit_empty")
        return
    settings = state.get_settings()
    effects = cached(effect_sizes, trial, settings=settings)
    deck = cached(_deck, trial, settings=settings)
    total = len(deck)
    index = min(max(int(st.session_state.get(SLIDE_KEY, 0)), 0), total - 1)
    st.session_state[SLIDE_KEY] = index
    slide = deck[index]

    with st.container(key="slide"):
        if slide.status in _STATUS_TEXT and slide.kind == "finding":
            label, color = _STATUS_TEXT[slide.status]
            if slide.status != "unchanged" and not slide.significant:
                label, color = _STATUS_TEXT["unchanged"]
            status = slide.status if slide.significant else "unchanged"
            st.html(f'<p class="slide-status {status}" style="color:{color}">'
                    f"{html.escape(label)}</p>")
        st.title(slide.title, anchor=False)
        if slide.text:
            st.markdown(_md_escape(slide.text))
        spec = cached(_slide_spec, trial, settings=settings, slide=slide, contrast=contrast)
        if spec is not None:
            with st.container(key="slide_chart"):
                st.plotly_chart(FigureSpec(spec), key=f"slide_fig_{index}", height="stretch", theme=None,
                                config={"displaylogo": False, "displayModeBar": False,
                                        "responsive": True})
        elif slide.kind == "title":
            st.markdown("Use **Next** to walk through the key findings.")

    with st.container(key="slide_nav"):
        cols = st.columns([2, 2, 2, 2, 3, 2], vertical_alignment="center")
        cols[0].button("◀ Previous", on_click=_go, args=(-1, total), key="slide_prev",
                       disabled=index == 0, width="stretch")
        cols[1].html(f'<p class="slide-counter">{index + 1} / {total}</p>')
        cols[2].button("Next ▶", on_click=_go, args=(1, total), key="slide_next",
                       disabled=index == total - 1, type="primary", width="stretch")
        cols[3].button("Normal contrast" if contrast else "High contrast",
                       on_click=_toggle_contrast, key="slide_contrast", width="stretch")
        cols[4].button("Exit presenter mode", on_click=_exit, key="slide_exit",
                       width="stretch")
        documents.deck_button(trial, settings, effects, key="slide_pptx",
                              label="Download .pptx", container=cols[5])
    _write_url(index, contrast)


def _fit_smallest_screen(fig) -> None:
    # the server does not know the screen: choose log ticks that fit 720 lines (the
    # taller screens get the same, well-spaced ticks)
    margin = fig.layout.margin
    height = _SMALLEST_CHART_PX - (margin.t or 0) - (80 if margin.b is None else margin.b)
    fit_log_axes(fig, height_px=max(height, 120), font_px=fig.layout.yaxis.tickfont.size or 20)


def _deck(trial, *, settings) -> list:
    # memoised per trial key and settings (MMRM fits for the between-arm slides)
    effects = cached(effect_sizes, trial, settings=settings)
    safety = cached(safety_numbers, trial) if len(trial.adverse_events) else None
    return slides(trial, effects, safety=safety, settings=settings)


def _slide_spec(trial, *, settings, slide, contrast: bool) -> dict | None:
    """The slide's figure at projector size, as a JSON dict (memoised, drawn as it is)."""
    import plotly.graph_objects as go

    fig = slide_figure(trial, slide, settings=settings)
    if fig is None:
        return None
    fig = go.Figure(fig)  # a copy: the chart registry's figure is shared
    fig.update_layout(height=None, autosize=True, title=None,
                      font=dict(size=20), margin=dict(t=50))
    if contrast:
        fig = high_contrast(fig)
    fig = legible(fig, base=22)  # >= 20 px chart text at 1080 lines
    _fit_smallest_screen(fig)
    return json.loads(pio.to_json(fig, validate=False))


def _md_escape(text: str) -> str:
    # finding sentences hold "<", "*" and "[" (CIs); keep Markdown from eating them
    for ch in ("\\", "*", "_", "[", "]", "<", ">", "#", "`", "$"):
        text = text.replace(ch, "\\" + ch)
    return text
