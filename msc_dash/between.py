"""The between-arm answer in words and tables: MMRM contrasts for pages, findings and the report.

Everything here formats :func:`msc_dash.mmrm_table` rows; nothing is fitted.
"""

from __future__ import annotations

import math

import pandas as pd

from .tables import format_ci, format_p, p_phrase
from .trial import Trial

__all__ = ["contrast_text", "display_table", "between_arm_findings", "headline_visit",
           "MMRM_HEADLINE"]

#: What the headline numbers are, for captions.
MMRM_HEADLINE = ("MMRM: change from baseline ~ baseline x visit + arm x visit, REML, "
                 "Satterthwaite df; every subject with a baseline and a follow-up value "
                 "(missing at random)")


def _ok(x) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def contrast_text(row, unit: str = "") -> str:
    """The contrast of one :func:`msc_dash.mmrm_table` row: a ratio or a signed difference.

    Examples
    --------
    >>> contrast_text(dict(estimate=-0.12, ci_low=-0.27, ci_high=0.02, ratio=0.885,
    ...                    ratio_low=0.764, ratio_high=1.023))
    'ratio 0.89 [0.76, 1.02]'
    >>> contrast_text(dict(estimate=1.01, ci_low=-0.41, ci_high=2.44), "points")
    '+1.0 points [-0.4, 2.4]'
    """
    if _ok(row.get("ratio")):
        return "ratio " + format_ci(row["ratio"], row["ratio_low"], row["ratio_high"],
                                    decimals=2)
    return format_ci(row["estimate"], row["ci_low"], row["ci_high"], sign=True, unit=unit)


def display_table(table: pd.DataFrame, trial: Trial, *, ci: float = 0.95) -> pd.DataFrame:
    """:func:`msc_dash.mmrm_table` rows as a readable table (one row per outcome x visit).

    Examples
    --------
    >>> import msc_dash
    >>> t = msc_dash.load_sample("two_arm")
    >>> display_table(msc_dash.mmrm_table(t, "MSC-NP", "Saline"), t).columns.tolist()
    ['Outcome', 'Visit', 'n (MSC-NP vs Saline)', 'MSC-NP vs Saline [95% CI]', 'p', 'adjusted p', 'Estimate favours']
    """
    if table.empty:
        return pd.DataFrame()
    treatment, control = table["treatment"].iloc[0], table["control"].iloc[0]
    rows = []
    for r in table.to_dict("records"):
        o = trial.outcome(r["outcome"])
        ok = bool(r["estimable"])
        rows.append({
            "Outcome": f"{o.label} ({r['outcome']})" if o.label != r["outcome"] else r["outcome"],
            "Visit": r["visit"] if isinstance(r["visit"], str) else "–",
            f"n ({treatment} vs {control})": (f"{int(r['n_treatment'])} vs {int(r['n_control'])}"
                                              if ok else "–"),
            f"{treatment} vs {control} [{ci:.0%} CI]": contrast_text(r, o.change_unit) if ok else "–",
            "p": format_p(r["p"]) if ok else "–",
            "adjusted p": format_p(r["p_adjusted"]) if ok else "–",
            "Estimate favours": r["favours"] if ok and _ok(r["p"]) else "–",
            "Note": r["note"] or ("" if r["converged"] else "did not converge"),
        })
    out = pd.DataFrame(rows)
    # one visit: the heading names it; no notes: no empty column (fits 1280 px)
    drop = [c for c, useless in (("Visit", out["Visit"].nunique() == 1),
                                 ("Note", not out["Note"].astype(bool).any())) if useless]
    return out.drop(columns=drop)


def headline_visit(trial: Trial, table: pd.DataFrame) -> str | None:
    """The visit closest to one year among those with estimable contrasts (else the last)."""
    from .findings import one_year_visit

    ok = table[table["estimable"]] if "estimable" in table else table
    if ok.empty:
        return None
    visits = list(pd.unique(ok["visit"]))
    year = one_year_visit(trial)
    return year if year in visits else visits[-1]


def between_arm_findings(trial: Trial, table: pd.DataFrame, *, visit: str | None = None,
                         alpha: float = 0.05) -> list:
    """One :class:`~msc_dash.findings.Finding` per outcome: the MMRM contrast at ``visit``.

    ``visit`` defaults to :func:`headline_visit`. Significance is the
    multiplicity-adjusted p (``p_adjusted``) below ``alpha``; ``p_basis`` is
    ``"mmrm"`` and ``arm`` names both arms.

    Examples
    --------
    >>> import msc_dash
    >>> t = msc_dash.load_sample("two_arm")
    >>> found = between_arm_findings(t, msc_dash.mmrm_table(t, "MSC-NP", "Saline"))
    >>> found[0].text.split(":")[0]
    'T25FW at Month 12, MSC-NP vs Saline (MMRM)'
    """
    from .findings import Finding

    if table.empty:
        return []
    visit = visit or headline_visit(trial, table)
    rows = table[(table["visit"] == visit) & table["estimable"]]
    out = []
    for r in rows.to_dict("records"):
        o = trial.outcome(r["outcome"])
        sig = _ok(r["p_adjusted"]) and r["p_adjusted"] < alpha
        better = o.sign * r["estimate"]
        direction = "improved" if better > 0 else "worsened" if better < 0 else "unchanged"
        arms = f"{r['treatment']} vs {r['control']}"
        verdict = (f"favours {r['favours']}" if sig
                   else "no significant difference between arms")
        text = (f"{r['outcome']} at {visit}, {arms} (MMRM): {contrast_text(r, o.change_unit)}, "
                f"{p_phrase(r['p'])} (adjusted p = {format_p(r['p_adjusted'])}), "
                f"n = {int(r['n_treatment'])} vs {int(r['n_control'])} at {visit} of "
                f"{int(r['n_subjects'])} subjects in the model; {verdict}.")
        out.append(Finding(o.domain, r["outcome"], visit, text, bool(sig), True,
                           direction if sig else "unchanged", arms, float(r["p_adjusted"]),
                           "mmrm"))
    return out


def report_html(trial: Trial, table: pd.DataFrame, report) -> list[str]:
    """HTML parts of the report's between-arm section.

    ``report`` is the report under construction (``report.settings``,
    ``report.figure(name, **params)`` drawing a registry chart).
    """
    import html

    from .mmrm import mmrm

    e = html.escape
    if table is None or table.empty or not table["estimable"].any():
        return ['<p class="note">No outcome has an estimable MMRM.</p>']
    ci = report.settings.ci
    treatment, control = table["treatment"].iloc[0], table["control"].iloc[0]
    visit = headline_visit(trial, table)
    parts = [f"<p>{e(MMRM_HEADLINE)}. {e(treatment)} vs {e(control)}; p adjusted across "
             "outcomes at each visit; n = subjects contributing at the visit.</p>",
             display_table(table, trial, ci=ci).to_html(index=False, escape=True, border=0,
                                                        na_rep="–", classes="data"),
             report.figure("mmrm_forest", visit=visit, treatment=treatment, control=control)]
    arms = dict(treatment=treatment, control=control)
    for code in pd.unique(table.loc[table["estimable"], "outcome"]):
        res = mmrm(trial, code, **arms, ci=ci)
        parts.append(f"<h3>{e(trial.outcome(code).label)}</h3>")
        parts.append(report.figure("mmrm_lsmeans", outcome=code, **arms))
        parts.append(f'<p class="note">{e(res.methods_text)}</p>')
    return parts
