"""The one escape for data-derived text on its way into Markdown.

Streamlit renders Markdown in text, captions, notices, titles, metric and
widget labels and tabs. A subject ID, arm, visit or outcome name, file name,
cell value or URL parameter must show as written there, never as an image,
link, emphasis or HTML. :func:`md_escape` makes a value plain text;
:func:`md_code` shows it as code; :func:`md_join` escapes a list;
:func:`md_message` makes a message that quotes data in backticks (load
errors, warnings) safe.
"""

from __future__ import annotations

import re

__all__ = ["md_escape", "md_code", "md_join", "md_message"]


def md_escape(text) -> str:
    """Escape Markdown so a data-derived string shows as written, and only so.

    Control characters get a backslash, and ``://`` and ``www.`` are broken
    up so that no URL in the data becomes a link.

    Examples
    --------
    >>> print(md_escape("FSS_SUM: g = 0.29 [0.15, 0.43], p < 0.001"))
    FSS\\_SUM: g = 0.29 \\[0.15, 0.43\\], p \\< 0.001
    >>> print(md_escape("![x](http://h.example/x.png)"))
    \\!\\[x\\](http:\\/\\/h.example/x.png)
    >>> md_escape(12)
    '12'
    """
    text = str(text)
    for ch in "\\`*_{}[]<>#+!|~$":
        text = text.replace(ch, "\\" + ch)
    text = text.replace("://", ":\\/\\/")
    return re.sub(r"(?i)\bwww\.", lambda m: m.group(0)[:-1] + "\\.", text)


def md_code(value, limit: int = 80) -> str:
    """``value`` as an inline code span that the value cannot close.

    Inside a code span Markdown shows text literally; a backtick in the value
    would end the span, so it becomes ``'``. Line breaks become spaces.

    Examples
    --------
    >>> print(md_code("a`b **c**"))
    `a'b **c**`
    """
    text = re.sub(r"\s", " ", str(value)).replace("`", "'")
    text = text if len(text) <= limit else text[:limit] + "…"
    return f"`{text.strip() or ' '}`"


def md_join(values, sep: str = ", ") -> str:
    """Escaped values joined.

    Examples
    --------
    >>> print(md_join(["a*", "b"]))
    a\\*, b
    """
    return sep.join(md_escape(v) for v in values)


def md_message(text) -> str:
    """A message quoting values in single backticks, with everything else escaped.

    Load errors and warnings name columns and cells as code (`value`); the
    code spans stay, the text between them is escaped. When the backticks do
    not pair up simply (a value held one), the whole message is escaped.

    Examples
    --------
    >>> print(md_message("row 3 holds `**x**`; see ![i](http://h.example)"))
    row 3 holds `**x**`; see \\!\\[i\\](http:\\/\\/h.example)
    >>> print(md_message("odd ` backtick **b**"))
    odd \\` backtick \\*\\*b\\*\\*
    """
    text = str(text)
    parts = text.split("`")
    if len(parts) % 2 == 0 or "``" in text:
        return md_escape(text)
    return "`".join(p if i % 2 else md_escape(p) for i, p in enumerate(parts))
