"""The HTML of the report: its style, head and contents list, figures and tables.

:mod:`msc_dash.report_sections` says what the report holds; this module how it
is written. Nothing here loads anything from outside the file: plotly.js is
inlined once (with the first figure), there is no web font and no link.
"""

from __future__ import annotations

import datetime as _dt
import html

import pandas as pd

from . import __version__
from .io.samples import SIMULATED_NOTE, is_simulated
from .slides import describe_filters
from .trial import Trial

__all__ = ["Figures", "table", "today", "page"]

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       margin: 0 auto; max-width: 1200px; padding: 24px 32px 64px; color: #1a1a1a;
       line-height: 1.5; font-size: 16px; }
h1 { font-size: 2rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.5rem; border-bottom: 2px solid #0072B2; padding-bottom: 4px;
     margin-top: 2.5rem; }
h3 { font-size: 1.2rem; margin-top: 1.6rem; }
.meta, .generated { color: #555; margin: 0.2rem 0; }
.banner { background: #FFF4E0; border-left: 5px solid #E69F00; padding: 8px 14px; }
nav ol { columns: 2; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.8rem 0; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left;
         vertical-align: top; }
th { background: #f3f6f9; position: sticky; top: 0; }
tbody tr:nth-child(even) { background: #fafafa; }
.table-wrap { overflow-x: auto; }
ul.findings li { margin-bottom: 0.4rem; }
.sig { font-weight: 600; }
.figure { margin: 0.6rem 0 1.4rem; }
.note { color: #666; font-style: italic; }
dl.kv { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
dl.kv dt { font-weight: 600; }
dl.kv dd { margin: 0; font-family: ui-monospace, Menlo, Consolas, monospace;
           word-break: break-all; }
@media print { .figure { break-inside: avoid; } nav { display: none; } }
"""


class Figures:
    """Numbered plotly divs; plotly.js inlined with the first figure only.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> figs = Figures()
    >>> first, second = figs.html(go.Figure()), figs.html(go.Figure(), "Two")
    >>> 'id="figure-2"' in second, "<figcaption>Two</figcaption>" in second, figs.count
    (True, True, 2)
    >>> len(first) > 100 * len(second)  # plotly.js, once
    True
    >>> figs.html(None, "No data.")
    '<p class="note">No data.</p>'
    """

    def __init__(self) -> None:
        self.count = 0

    def html(self, fig, caption: str = "") -> str:
        if fig is None:
            return f'<p class="note">{html.escape(caption or "Figure not available.")}</p>'
        self.count += 1
        body = fig.to_html(
            full_html=False,
            include_plotlyjs=self.count == 1,
            div_id=f"figure-{self.count}",
            config={"displaylogo": False, "responsive": True},
        )
        cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        return f'<figure class="figure">{body}{cap}</figure>'


def table(df: pd.DataFrame) -> str:
    """``df`` as an escaped HTML table that scrolls sideways when wide.

    Examples
    --------
    >>> table(pd.DataFrame({"a": ["<b>"]})).count("&lt;b&gt;"), table(pd.DataFrame())
    (1, '<p class="note">Nothing to show.</p>')
    """
    if df is None or df.empty:
        return '<p class="note">Nothing to show.</p>'
    return ('<div class="table-wrap">'
            + df.to_html(index=False, escape=True, border=0, na_rep="–",
                         classes="data")
            + "</div>")


def today(date) -> str:
    """The "Generated" text: ``date`` as given, or now in UTC when None.

    Examples
    --------
    >>> import datetime
    >>> today(datetime.date(2025, 1, 2)), today("January 2025")
    ('2025-01-02', 'January 2025')
    """
    if date is None:
        return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(date, (_dt.date, _dt.datetime)):
        return date.isoformat()
    return str(date)


def page(trial: Trial, date, toc: list[tuple[str, str]], parts: list[str]) -> str:
    """The whole document: head, contents list (``(anchor, title)`` pairs), then ``parts``."""
    e = html.escape
    title = f"Trial report: {trial.source}" if trial.source else "Trial report"
    head = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f'<p class="meta">msc-dash {e(__version__)} · data fingerprint '
        f"{e(trial.fingerprint[:12])} · filters: {e(describe_filters(trial.filters))}</p>",
        f'<p class="generated">Generated {e(today(date))}</p>',
    ]
    if is_simulated(trial):
        head.append(f'<p class="banner">{SIMULATED_NOTE}</p>')
    head.append("<nav><ol>" + "".join(f'<li><a href="#{a}">{e(t)}</a></li>' for a, t in toc)
                + "</ol></nav>")
    return "\n".join(head + parts + ["</body></html>", ""])
