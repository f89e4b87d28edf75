"""WCAG 2 contrast of text colours, and text colours lightened until they reach it.

The presenter's high-contrast mode (:func:`msc_dash.slides.high_contrast`)
puts every chart text through :func:`readable`, so no dark grey is left on
black; tests measure every text colour with :func:`contrast`.
"""

from __future__ import annotations

import re

__all__ = ["AA", "parse_color", "contrast", "readable"]

#: WCAG 2 level AA for normal text (1.4.3): at least 4.5:1.
AA = 4.5

_NAMED = {"white": (255, 255, 255), "black": (0, 0, 0), "grey": (128, 128, 128),
          "gray": (128, 128, 128), "red": (255, 0, 0), "green": (0, 128, 0),
          "blue": (0, 0, 255), "orange": (255, 165, 0)}
_RGB = re.compile(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)")


def parse_color(color: str, background: tuple = (0, 0, 0)) -> tuple[float, float, float] | None:
    """``(r, g, b)`` in 0-255 of a CSS colour; a translucent one over ``background``.

    None for what is not a colour this module reads (``"transparent"``, gradients).

    Examples
    --------
    >>> parse_color("#555"), parse_color("rgba(255,255,255,0.5)")
    ((85, 85, 85), (127.5, 127.5, 127.5))
    """
    text = str(color).strip().lower()
    if text in _NAMED:
        return _NAMED[text]
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        return tuple(int(c * 2, 16) for c in text[1:])
    if re.fullmatch(r"#[0-9a-f]{6}", text):
        return tuple(int(text[i:i + 2], 16) for i in (1, 3, 5))
    m = _RGB.fullmatch(text)
    if m is None:
        return None
    rgb = [float(v) for v in m.groups()[:3]]
    alpha = float(m.group(4)) if m.group(4) is not None else 1.0
    if alpha == 0:
        return None
    return tuple(alpha * c + (1 - alpha) * b for c, b in zip(rgb, background, strict=True))


def _luminance(rgb) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str = "#000000") -> float:
    """WCAG contrast ratio (1 to 21) of two colours.

    Examples
    --------
    >>> round(contrast("#FFFFFF", "#000000"), 1), round(contrast("#555555", "#000000"), 2)
    (21.0, 2.81)
    """
    back = parse_color(background)
    if back is None:
        raise ValueError(f"not a colour: {background!r}")
    fore = parse_color(foreground, back)
    if fore is None:
        raise ValueError(f"not a colour: {foreground!r}")
    lighter, darker = sorted((_luminance(fore), _luminance(back)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable(color: str, background: str = "#000000", ratio: float = AA) -> str:
    """``color``, or the nearest mix of it with white (black on a light background)
    that reaches ``ratio`` against ``background``; colours it cannot read stay as they are.

    Examples
    --------
    >>> readable("#555555"), readable("#FFEB3B")
    ('#777777', '#FFEB3B')
    """
    fore, back = parse_color(color), parse_color(background)
    if fore is None or back is None or contrast(color, background) >= ratio:
        return color
    target = (255, 255, 255) if _luminance(back) < 0.5 else (0, 0, 0)
    for step in range(1, 21):
        t = step / 20
        mixed = "#" + "".join(f"{round((1 - t) * c + t * w):02X}"
                              for c, w in zip(fore, target, strict=True))
        if contrast(mixed, background) >= ratio:
            return mixed
    return "#FFFFFF" if target == (255, 255, 255) else "#000000"
