"""The multiplicity family of the effect table, said in words.

The effect table adjusts the paired t-test p values within each arm and
visit: across every outcome, or, when the analysis settings name
pre-specified (primary/secondary) outcomes, across those, with the other
outcomes as a separate exploratory family. :func:`family_text` says which,
for every screen and export that shows an adjusted p.
"""

from __future__ import annotations

__all__ = ["family_text", "METHOD_NAMES", "parse_family"]

METHOD_NAMES = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg (FDR)", "bonf": "Bonferroni",
                "none": "No adjustment"}


def parse_family(text: str, outcomes) -> tuple[tuple[str, ...], list[str]]:
    """Outcome codes from a comma-separated list, and the ones not in ``outcomes``.

    Examples
    --------
    >>> parse_family("t25fw, EDSS ,XYZ", ["T25FW", "EDSS", "SDMT"])
    (('T25FW', 'EDSS'), ['XYZ'])
    """
    known = {str(o).upper(): str(o) for o in outcomes}
    codes, unknown = [], []
    for part in str(text or "").split(","):
        part = part.strip()
        if part:
            (codes.append(known[part.upper()]) if part.upper() in known
             else unknown.append(part))
    return tuple(dict.fromkeys(codes)), unknown


def family_text(outcomes, *, padjust: str = "holm", family=(), visit: str | None = None) -> str:
    """One sentence naming the adjustment and the outcomes it spans.

    Parameters
    ----------
    outcomes : sequence of str
        Outcomes of the table (at that visit).
    padjust : str
        The method (``AnalysisSettings.padjust``).
    family : sequence of str
        Pre-specified outcomes (``AnalysisSettings.family``); empty: all.
    visit : str, optional
        The visit shown.

    Examples
    --------
    >>> family_text([f"O{i}" for i in range(17)], visit="Month 12")
    'Holm across the 17 outcomes at Month 12, within arm.'
    >>> family_text(["T25FW", "EDSS", "SDMT"], family=["T25FW", "EDSS"], visit="Month 12")
    'Holm across the 2 pre-specified outcomes (T25FW, EDSS) at Month 12, within arm; the other 1 outcome adjusted as a separate exploratory family.'
    >>> family_text(["T25FW"], padjust="none")
    'p values not adjusted for multiplicity.'
    """
    outcomes = list(dict.fromkeys(map(str, outcomes)))
    if padjust == "none":
        return "p values not adjusted for multiplicity."
    name = METHOD_NAMES.get(padjust, padjust)
    at = f" at {visit}" if visit else " at each visit"
    chosen = [o for o in dict.fromkeys(map(str, family or ())) if o in outcomes]
    if not chosen:
        n = len(outcomes)
        return f"{name} across the {n} outcome{'s' if n != 1 else ''}{at}, within arm."
    rest = len(outcomes) - len(chosen)
    text = (f"{name} across the {len(chosen)} pre-specified outcome"
            f"{'s' if len(chosen) != 1 else ''} ({', '.join(chosen)}){at}, within arm")
    if rest:
        text += (f"; the other {rest} outcome{'s' if rest != 1 else ''} adjusted as a "
                 "separate exploratory family")
    return text + "."
