"""Measure, in the browser, text that does not fit its box (issue 13, item 8).

:func:`overflows` returns one line per problem on the current page:

- an HTML text box (metric value, delta and label, caption, selectbox value,
  heading, chart title element) whose content is wider than the box
  (``scrollWidth > clientWidth``: cut off or ellipsised);
- a chart title or subtitle wider than its chart, or running out of it;
- two labels of one chart drawn over each other: tick labels of one axis,
  annotations (subplot titles, estimate labels), the title against an annotation.
"""

from __future__ import annotations

#: HTML boxes whose text must fit (their descendants are measured too).
BOXES = ", ".join([
    "[data-testid='stMetricValue']", "[data-testid='stMetricDelta']",
    "[data-testid='stMetricLabel']", "[data-testid='stCaptionContainer']",
    "[data-testid='stSelectbox'] [data-baseweb='select'] div[value]",
    "[data-testid='stHeading']", "[data-testid='stMarkdownContainer'] p",
])

_JS = """(boxes) => {
  const out = [];
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return out;
  const text = e => (e.innerText || e.textContent || '').trim().replace(/\\s+/g, ' ');
  for (const box of main.querySelectorAll(boxes)) {
    for (const e of [box, ...box.querySelectorAll('*')]) {
      if (e.closest('.js-plotly-plot') || e.closest('[data-testid="stDataFrame"]')) continue;
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden' || !e.clientWidth) continue;
      if (cs.overflowX === 'auto' || cs.overflowX === 'scroll') continue;
      if (e.scrollWidth > e.clientWidth + 1 && text(e)) {
        out.push(`cut: "${text(e).slice(0, 80)}" (${e.scrollWidth} > ${e.clientWidth} px)`);
        break;
      }
    }
  }
  const overlap = (a, b) => a.right - 2 > b.left && b.right - 2 > a.left
                         && a.bottom - 2 > b.top && b.bottom - 2 > a.top;
  for (const plot of main.querySelectorAll('.js-plotly-plot')) {
    const svg = plot.querySelector('.main-svg');
    if (!svg) continue;
    const frame = svg.getBoundingClientRect();
    const name = text(plot.querySelector('.gtitle') || plot).slice(0, 50);
    const rect = e => e.getBoundingClientRect();
    for (const t of plot.querySelectorAll('.gtitle, .annotation-text')) {
      const r = rect(t);
      if (r.width && (r.left < frame.left - 1 || r.right > frame.right + 1))
        out.push(`chart "${name}": "${text(t).slice(0, 60)}" runs out of the chart`);
    }
    const groups = {};
    for (const t of plot.querySelectorAll('.xtick text, .ytick text')) {
      const axis = t.closest('[class*="xaxislayer"], [class*="yaxislayer"]');
      const key = (axis ? axis.getAttribute('class') : '') +
                  (t.closest('.subplot') ? t.closest('.subplot').getAttribute('class') : '');
      (groups[key] = groups[key] || []).push(t);
    }
    for (const t of plot.querySelectorAll('.annotation-text, .gtitle')) {
      (groups.labels = groups.labels || []).push(t);
    }
    for (const [key, items] of Object.entries(groups)) {
      const rs = items.map(t => [t, rect(t)]).filter(([, r]) => r.width > 0);
      for (let i = 0; i < rs.length; i++) for (let j = i + 1; j < rs.length; j++) {
        if (overlap(rs[i][1], rs[j][1])) {
          out.push(`chart "${name}": "${text(rs[i][0]).slice(0, 40)}" overlaps ` +
                   `"${text(rs[j][0]).slice(0, 40)}"`);
        }
      }
    }
  }
  return [...new Set(out)];
}"""


def overflows(page) -> list[str]:
    """Every text on the current page that is cut off or drawn over another."""
    return page.evaluate(_JS, BOXES)
