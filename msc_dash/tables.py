"""Display formatting of numbers and of the effect table.

Pure helpers shared by the pages, the findings and the report: significant
digits (:func:`sig`), p values in journal style (:func:`format_p`), an
estimate with its confidence interval (:func:`format_ci`), and the effect
table with human column names (:func:`format_effect_table`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .outcomes import DOMAINS, REGISTRY, Registry

__all__ = ["MISSING", "G_DECIMALS", "sig", "format_p", "p_phrase", "format_ci", "format_pct",
           "format_effect_table"]

#: Shown in place of a missing number.
MISSING = "–"
#: Decimals of standardised effect sizes (Hedges' g, d_z).
G_DECIMALS = 2


def _finite(x) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _decimals(x: float, digits: int) -> int:
    """Decimals that show ``x`` with ``digits`` significant digits (never negative)."""
    if x == 0:
        return max(digits - 1, 0)
    magnitude = math.floor(math.log10(abs(x)))
    decimals = max(digits - 1 - magnitude, 0)
    # 9.996 at 3 digits rounds to 10.0, which needs one decimal fewer
    rounded = round(abs(x), decimals)
    if rounded and math.floor(math.log10(rounded)) > magnitude:
        decimals = max(decimals - 1, 0)
    return decimals


def _fixed(x: float, decimals: int, sign: bool = False) -> str:
    text = f"{x:+.{decimals}f}" if sign else f"{x:.{decimals}f}"
    if float(text) == 0:  # no "-0.00"
        text = f"{0:.{decimals}f}"
    return text


def sig(x, digits: int = 3, *, sign: bool = False) -> str:
    """``x`` rounded to ``digits`` significant digits, as text.

    Integer digits are never dropped (1234.5 stays "1234" or "1235" at 3
    digits, not "1.23e+03"); missing values give :data:`MISSING`.

    Parameters
    ----------
    x : float
    digits : int
        Significant digits.
    sign : bool
        Prefix positive numbers with "+".

    Examples
    --------
    >>> sig(0.45123, 2), sig(12.345), sig(1234.5, 2), sig(0.0004567, 2)
    ('0.45', '12.3', '1234', '0.00046')
    >>> sig(9.996), sig(-0.0001, 1), sig(float("nan")), sig(2.5, 2, sign=True)
    ('10.0', '-0.0001', '–', '+2.5')
    """
    if not _finite(x):
        return MISSING
    x = float(x)
    return _fixed(x, _decimals(x, digits), sign)


def format_p(p, *, threshold: float = 0.001) -> str:
    """A p value in journal style.

    Below ``threshold``: "< 0.001"; below 0.01: three decimals; otherwise two
    significant digits.

    Examples
    --------
    >>> [format_p(p) for p in (0.00002, 0.0062, 0.049, 0.2134, 0.999, float("nan"))]
    ['< 0.001', '0.006', '0.049', '0.21', '1.0', '–']
    """
    if not _finite(p):
        return MISSING
    p = float(p)
    if p < threshold:
        return f"< {threshold:g}"
    if p < 0.01:
        return f"{p:.3f}"
    return sig(min(p, 1.0), 2)


def p_phrase(p, name: str = "p") -> str:
    """``"p = 0.006"`` or ``"p < 0.001"``, with ``name`` in front.

    Examples
    --------
    >>> p_phrase(0.0062), p_phrase(1e-5, "Wilcoxon p")
    ('p = 0.006', 'Wilcoxon p < 0.001')
    """
    text = format_p(p)
    if text.startswith("<"):
        return f"{name} {text}"
    return f"{name} = {text}"


def format_ci(est, lo, hi, digits: int = 2, *, decimals: int | None = None, sign: bool = False,
              unit: str = "") -> str:
    """An estimate with its confidence interval: ``"0.45 [0.12, 0.80]"``.

    All three numbers share the decimals that give the largest of them
    ``digits`` significant digits, so they line up. A missing interval gives
    the estimate alone; a missing estimate gives :data:`MISSING`.
    ``decimals`` fixes the decimals instead (effect sizes: 2).

    Examples
    --------
    >>> format_ci(0.4512, 0.1234, 0.8)
    '0.45 [0.12, 0.80]'
    >>> format_ci(-1.03, -1.91, -0.12, sign=True, unit="s")
    '-1.0 s [-1.9, -0.1]'
    >>> format_ci(12.3, 3.4, 21.2, 3), format_ci(0.3, float("nan"), 1.0)
    ('12.3 [3.4, 21.2]', '0.30')
    >>> format_ci(0.8, 0.5, 1.2), format_ci(0.8, 0.5, 1.2, decimals=2)
    ('0.8 [0.5, 1.2]', '0.80 [0.50, 1.20]')
    """
    if not _finite(est):
        return MISSING
    if decimals is None:
        both = _finite(lo) and _finite(hi)
        values = [float(v) for v in ((est, lo, hi) if both else (est,))]
        decimals = _decimals(max(abs(v) for v in values), digits)
    text = _fixed(float(est), decimals, sign)
    if unit:
        text += f" {unit}"
    if _finite(lo) and _finite(hi):
        text += f" [{_fixed(float(lo), decimals)}, {_fixed(float(hi), decimals)}]"
    return text


def format_pct(x, digits: int = 2, *, sign: bool = True) -> str:
    """A percentage with ``digits`` significant digits: ``"-12%"``, ``"+4.5%"``.

    Examples
    --------
    >>> format_pct(-12.04), format_pct(4.51), format_pct(float("nan"))
    ('-12%', '+4.5%', '–')
    """
    text = sig(x, digits, sign=sign)
    return text if text == MISSING else f"{text}%"


def _mean_sd(mean, sd, digits: int = 3) -> str:
    if not _finite(mean):
        return MISSING
    decimals = _decimals(float(mean), digits)
    text = _fixed(float(mean), decimals)
    if _finite(sd):
        text += f" ({_fixed(float(sd), decimals)})"
    return text


def _count(k, n, pct) -> str:
    if not (_finite(k) and _finite(n)):
        return MISSING
    share = f" ({float(pct):.0f}%)" if _finite(pct) else ""
    return f"{int(k)}/{int(n)}{share}"


def format_effect_table(effects: pd.DataFrame, registry: Registry = REGISTRY, *,
                        ci: float = 0.95) -> pd.DataFrame:
    """The effect table of :func:`msc_dash.effect_sizes`, formatted for display.

    Every value becomes text with 2-3 significant digits; p values read
    "< 0.001"; intervals read "0.45 [0.12, 0.80]". The ``Arm`` column is
    dropped when there is one arm, ``GMR`` when no outcome has one.

    Parameters
    ----------
    effects : pandas.DataFrame
        The effect table (docs/architecture.md column names).
    registry : Registry
        Labels and units of the outcomes.
    ci : float
        Confidence level of the intervals, for the column names.

    Returns
    -------
    pandas.DataFrame
        Columns ``Arm``, ``Domain``, ``Outcome``, ``Measure``, ``Unit``,
        ``Visit``, ``n``, ``Baseline mean (SD)``, ``Visit mean (SD)``,
        ``Change [95% CI]``, ``Median % change``, ``Hedges' g [95% CI]``,
        ``GMR [95% CI]``, ``p (t-test)``, ``p (Wilcoxon)``, ``Wilcoxon method``
        ("exact" or "normal approximation"), ``p (adjusted)``,
        ``Improved``, ``Worsened``, ``Note``; rows in the input's order.

    Examples
    --------
    >>> row = dict(arm="All", outcome="SDMT", domain="cognition", visit="Month 12",
    ...            day=365, n=20, baseline_mean=42.9, baseline_sd=11.9, visit_mean=45.0,
    ...            visit_sd=12.3, change_mean=2.1, change_ci_low=0.6, change_ci_high=3.6,
    ...            pct_change_median=4.0, hedges_g=0.17, hedges_g_ci_low=0.05,
    ...            hedges_g_ci_high=0.3, gmr=float("nan"), gmr_ci_low=float("nan"),
    ...            gmr_ci_high=float("nan"), p_ttest=0.0102, p_wilcoxon=0.0004,
    ...            p_adjusted=0.03, improved_n=6, improved_pct=30.0, worsened_n=1,
    ...            worsened_pct=5.0, estimable=True, note="")
    >>> out = format_effect_table(pd.DataFrame([row]))
    >>> out.loc[0, ["Outcome", "Change [95% CI]", "Hedges' g [95% CI]", "p (Wilcoxon)"]].tolist()
    ['SDMT', '+2.1 [0.6, 3.6]', '0.17 [0.05, 0.30]', '< 0.001']
    """
    level = f"{ci * 100:g}% CI"
    e = effects.reset_index(drop=True)

    def col(name):
        return e[name] if name in e else pd.Series(np.nan, index=e.index)

    rows = []
    for i in e.index:
        code = e.at[i, "outcome"]
        o = registry.get(code)
        rows.append({
            "Arm": e.at[i, "arm"] if "arm" in e else "",
            "Domain": DOMAINS.get(e.at[i, "domain"], e.at[i, "domain"])
            if "domain" in e else DOMAINS.get(o.domain, o.domain),
            "Outcome": code,
            "Measure": o.label,
            "Unit": o.unit,
            "Visit": e.at[i, "visit"],
            "n": int(e.at[i, "n"]) if _finite(e.at[i, "n"]) else 0,
            "Baseline mean (SD)": _mean_sd(col("baseline_mean")[i], col("baseline_sd")[i]),
            "Visit mean (SD)": _mean_sd(col("visit_mean")[i], col("visit_sd")[i]),
            f"Change [{level}]": format_ci(col("change_mean")[i], col("change_ci_low")[i],
                                           col("change_ci_high")[i], sign=True),
            "Median % change": format_pct(col("pct_change_median")[i]),
            f"Hedges' g [{level}]": format_ci(col("hedges_g")[i], col("hedges_g_ci_low")[i],
                                              col("hedges_g_ci_high")[i], decimals=G_DECIMALS),
            f"GMR [{level}]": format_ci(col("gmr")[i], col("gmr_ci_low")[i],
                                        col("gmr_ci_high")[i], 3),
            "p (t-test)": format_p(col("p_ttest")[i]),
            "p (Wilcoxon)": format_p(col("p_wilcoxon")[i]),
            "Wilcoxon method": "" if pd.isna(col("p_wilcoxon_method")[i])
            else str(col("p_wilcoxon_method")[i]),
            "p (adjusted)": format_p(col("p_adjusted")[i]),
            "Improved": _count(col("improved_n")[i], e.at[i, "n"], col("improved_pct")[i]),
            "Worsened": _count(col("worsened_n")[i], e.at[i, "n"], col("worsened_pct")[i]),
            "Note": "" if pd.isna(col("note")[i]) else str(col("note")[i]),
        })
    columns = ["Arm", "Domain", "Outcome", "Measure", "Unit", "Visit", "n",
               "Baseline mean (SD)", "Visit mean (SD)", f"Change [{level}]",
               "Median % change", f"Hedges' g [{level}]", f"GMR [{level}]", "p (t-test)",
               "p (Wilcoxon)", "Wilcoxon method", "p (adjusted)", "Improved", "Worsened",
               "Note"]
    out = pd.DataFrame(rows, columns=columns)
    if "arm" not in e or e["arm"].nunique() <= 1:
        out = out.drop(columns="Arm")
    if not col("gmr").notna().any():
        out = out.drop(columns=f"GMR [{level}]")
    return out
