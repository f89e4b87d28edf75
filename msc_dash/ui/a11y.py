"""Accessibility fixes the theme cannot make, in one place (axe-core audit in the browser tests).

``page_fixes()`` is called once per run from app.py:

- captions (``st.caption``) at a contrast of at least 4.5:1 (Streamlit's faded
  grey is 3.9:1 on white);
- the data table under each chart (``msc_dash.ui.charts``, an expander
  named "Chart data as a table: ...") styled caption-sized;
- metric labels, values and deltas wrap instead of ending in "..." (a p value
  or a CI cut off misleads); long words break rather than run out of their box;
- the sidebar navigation's list markup: Streamlit 1.67 puts each section
  (``<div>``: header and links) directly in the ``<ul>``, so the ``<li>``
  links have no list parent. A small script gives each section ``role="list"``
  (named by its header) and the outer ``<ul>`` ``role="none"``, and repeats
  it when Streamlit redraws the navigation.
"""

from __future__ import annotations

import streamlit as st

__all__ = ["page_fixes", "CSS", "NAV_SCRIPT"]

#: Captions: Streamlit draws them in the text colour at opacity 0.6 (3.9:1 on white);
#: grey #585b66 at full opacity is 6.8:1 on white, 6.1:1 on the sidebar (WCAG AA: 4.5:1).
CSS = """<style id="msc-a11y">
[data-testid="stCaptionContainer"] { opacity: 1; color: #585b66; }
[data-testid='stMetricLabel'] *, [data-testid='stMetricValue'] *,
[data-testid='stMetricDelta'] * { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: anywhere; }
[class*="__data"] [data-testid="stExpander"] summary p { font-size: 0.85rem; color: #585b66; }
[class*="__data"] [data-testid="stExpander"] details { border-color: #e6e7ea; }
.msc-chart-data { font-size: 0.85rem; color: #31333f; }
.msc-chart-data table { border-collapse: collapse; }
.msc-chart-data th, .msc-chart-data td {
  border: 1px solid #d0d2d8; padding: 0.1rem 0.4rem; text-align: left; }
</style>"""

NAV_SCRIPT = """<script>
(() => {
  if (window.__mscNavFix) return;
  window.__mscNavFix = true;
  const fix = () => {
    document.querySelectorAll('[data-testid="stSidebarNavItems"]').forEach(ul => {
      const sections = [...ul.children].filter(c => c.tagName !== 'LI');
      if (!sections.length) return;
      if (ul.getAttribute('role') !== 'none') ul.setAttribute('role', 'none');
      sections.forEach(div => {
        if (div.getAttribute('role') !== 'list') div.setAttribute('role', 'list');
        const head = div.querySelector('[data-testid="stNavSectionHeader"]');
        if (head && !div.getAttribute('aria-label'))
          div.setAttribute('aria-label', head.innerText.trim());
      });
    });
  };
  fix();
  // once per frame at most: a page of charts makes thousands of mutations
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; fix(); });
  }).observe(document.body, {childList: true, subtree: true});
})();
</script>"""


def page_fixes(*, sidebar: bool = True) -> None:
    """Add the styles and the navigation fix to the page (no visible element).

    They go into the sidebar: elements of the main area made before
    ``st.navigation`` are dropped when a link opens another page than the
    default one; the sidebar's stay (the styles apply to the whole page).
    ``sidebar=False`` (the sign-in page, which has no sidebar) puts them in
    the main area.
    """
    where = st.sidebar if sidebar else st
    where.html(CSS)
    where.html(NAV_SCRIPT, unsafe_allow_javascript=True)
