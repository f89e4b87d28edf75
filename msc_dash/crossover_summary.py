"""The crossover answer of every outcome, for the presenter, the figures ZIP and the report.

The Crossover page shows one outcome at a time; a trial with periods also
gets its within-subject estimates in the deck (one slide with the period
profile of the first outcome) and a report section (every outcome's
crossover and period-1 estimates, the carryover test, the profile chart and
the methods).
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from .errors import TrialDataError
from .tables import format_ci, format_p, p_phrase
from .trial import Trial

__all__ = ["crossover_summary", "effect_text", "crossover_slides", "report_html",
           "arms_are_sequences", "parallel_arms", "sentence", "display_table"]

_COLUMNS = ["outcome", "domain", "scale", "n_subjects", "estimate", "ci_low", "ci_high", "p",
            "period1_estimate", "period1_ci_low", "period1_ci_high", "period1_p",
            "carryover_p", "estimable", "note"]


def crossover_summary(trial: Trial, *, ci: float = 0.95) -> pd.DataFrame:
    """One row per outcome: the crossover and period-1 estimates (treatment minus control).

    Estimates are on the analysis scale (log ratio for log-scale outcomes);
    ``estimable`` is False with the reason in ``note`` where the model cannot be
    fitted. Treatments as :func:`msc_dash.crossover.treatments` guesses them.

    Examples
    --------
    >>> from msc_dash.io import load_sample
    >>> s = crossover_summary(load_sample("crossover"))
    >>> s.loc[s["outcome"] == "T25FW", ["n_subjects", "estimable"]].values.tolist()
    [[48, True]]
    """
    from .crossover import crossover
    from .memo import compute

    rows = []
    for code in trial.outcomes:
        out = trial.outcome(code)
        row = dict(outcome=code, domain=out.domain, scale=out.scale, estimable=False, note="")
        try:
            r = compute(crossover, trial, outcome=code, ci=ci)
        except (TrialDataError, ValueError, np.linalg.LinAlgError) as exc:
            row["note"] = str(exc)
        else:
            row.update({k: getattr(r, k) for k in _COLUMNS[3:-2]}, estimable=True)
        rows.append(row)
    return pd.DataFrame(rows).reindex(columns=_COLUMNS)


def arms_are_sequences(trial: Trial) -> bool:
    """True when the trial's arms are its crossover sequences (``MSC-Sham``, ``Sham-MSC``).

    Comparing such arms at a visit compares sequences, not treatments (every
    subject had both): the crossover model gives the treatment effect.

    Examples
    --------
    >>> from msc_dash.io import load_sample
    >>> arms_are_sequences(load_sample("crossover")), arms_are_sequences(load_sample("two_arm"))
    (True, False)
    """
    s = trial.subjects
    if not trial.has_periods or "sequence" not in s or "arm" not in s:
        return False
    return bool((s["arm"].astype(str) == s["sequence"].astype(str)).all())


def parallel_arms(trial: Trial) -> bool:
    """Two or more arms that are parallel groups (not crossover sequences).

    Examples
    --------
    >>> from msc_dash.io import load_sample
    >>> parallel_arms(load_sample("crossover")), parallel_arms(load_sample("two_arm"))
    (False, True)
    """
    return len(trial.arms) > 1 and not arms_are_sequences(trial)


def effect_text(estimate: float, low: float, high: float, *, log: bool, unit: str) -> str:
    """A ratio (log-scale outcomes) or a signed difference with its CI.

    Examples
    --------
    >>> effect_text(-0.082, -0.11, -0.053, log=True, unit="s")
    'ratio 0.921 [0.896, 0.948]'
    >>> effect_text(1.2, 0.4, 2.0, log=False, unit="points")
    '+1.2 points [0.4, 2.0]'
    """
    if log:
        return "ratio " + format_ci(*np.exp([estimate, low, high]), 3)
    return format_ci(estimate, low, high, sign=True, unit=unit)


def sentence(trial: Trial, row: dict, treatment: str, control: str) -> str:
    """One outcome's crossover answer in words (a :func:`crossover_summary` row).

    Examples
    --------
    >>> from msc_dash.io import load_sample
    >>> t = load_sample("crossover")
    >>> row = crossover_summary(t).iloc[0].to_dict()
    >>> sentence(t, row, "MSC", "Sham").split(":")[0]
    'Timed 25-Foot Walk, MSC vs Sham within subjects (crossover mixed model, 48 subjects)'
    """
    o = trial.outcome(row["outcome"])
    log = row["scale"] == "log"
    main = effect_text(row["estimate"], row["ci_low"], row["ci_high"], log=log,
                       unit=o.change_unit)
    p1 = effect_text(row["period1_estimate"], row["period1_ci_low"], row["period1_ci_high"],
                     log=log, unit=o.change_unit)
    return (f"{o.label}, {treatment} vs {control} within subjects (crossover mixed model, "
            f"{row['n_subjects']} subjects): {main}, {p_phrase(row['p'])}; period 1 only: "
            f"{p1}, {p_phrase(row['period1_p'])}; carryover (sequence) "
            f"{p_phrase(row['carryover_p'])}; {o.better} is better.")


def crossover_slides(trial: Trial, settings=None) -> list:
    """The deck's crossover slide: the first estimable outcome's period profile.

    Examples
    --------
    >>> from msc_dash.io import load_sample
    >>> [(s.title, s.chart) for s in crossover_slides(load_sample("crossover"))]
    [('Crossover: MSC vs Sham, Timed 25-Foot Walk', 'crossover_profile')]
    """
    from .crossover import treatments
    from .settings import AnalysisSettings
    from .slides import Slide, domain_outcomes

    if not trial.has_periods:
        return []
    treatment, control = treatments(trial)
    summary = crossover_summary(trial, ci=(settings or AnalysisSettings()).ci)
    ok = summary[summary["estimable"]].set_index("outcome")
    first = [c for codes in domain_outcomes(trial).values() for c in codes if c in ok.index]
    if not first:
        return []
    code = first[0]
    row = {"outcome": code, **ok.loc[code].to_dict()}
    return [Slide("crossover", f"Crossover: {treatment} vs {control}, "
                               f"{trial.outcome(code).label}",
                  sentence(trial, row, treatment, control), domain=row["domain"],
                  outcome=code, arm=treatment, chart="crossover_profile",
                  params=(("outcome", code),))]


def display_table(trial: Trial, summary: pd.DataFrame, *, ci: float = 0.95) -> pd.DataFrame:
    """:func:`crossover_summary` formatted for a report: ratios or differences with CIs.

    Examples
    --------
    >>> from msc_dash.io import load_sample
    >>> t = load_sample("crossover")
    >>> display_table(t, crossover_summary(t)).iloc[0, [0, 2]].tolist()
    ['T25FW', 'ratio 0.921 [0.894, 0.948]']
    """
    rows = []
    for r in summary.to_dict("records"):
        o = trial.outcome(r["outcome"])
        log = r["scale"] == "log"
        if not r["estimable"]:
            rows.append({"Outcome": r["outcome"], "n": "–", f"Crossover [{ci:.0%} CI]": "–",
                         "p": "–", f"Period 1 only [{ci:.0%} CI]": "–", "p (period 1)": "–",
                         "Carryover p": r["note"]})
            continue
        rows.append({
            "Outcome": r["outcome"], "n": int(r["n_subjects"]),
            f"Crossover [{ci:.0%} CI]": effect_text(r["estimate"], r["ci_low"], r["ci_high"],
                                                    log=log, unit=o.change_unit),
            "p": format_p(r["p"]),
            f"Period 1 only [{ci:.0%} CI]": effect_text(
                r["period1_estimate"], r["period1_ci_low"], r["period1_ci_high"], log=log,
                unit=o.change_unit),
            "p (period 1)": format_p(r["period1_p"]), "Carryover p": format_p(r["carryover_p"])})
    return pd.DataFrame(rows)


def report_html(report) -> list[str]:
    """The report's crossover section: every outcome's estimates, a profile chart, methods."""
    from .crossover import crossover, treatments
    from .memo import compute

    trial = report.trial
    treatment, control = treatments(trial)
    ci = report.settings.ci
    summary = crossover_summary(trial, ci=ci)
    e = html.escape
    parts = [f"<p>{e(treatment)} minus {e(control)} within subjects: the change within each "
             "period analysed by a mixed model (sequence + period + treatment, random "
             "subject intercept); for log-scale outcomes the ratio of geometric mean "
             f"changes ({e(treatment)} / {e(control)}). Beside it the first period alone "
             "(parallel groups, free of carryover) and the carryover (sequence) test.</p>",
             '<div class="table-wrap">' + display_table(trial, summary, ci=ci).to_html(
                 index=False, escape=True, border=0, na_rep="–", classes="data") + "</div>"]
    ok = summary.loc[summary["estimable"], "outcome"].tolist()
    if ok:
        parts.append(report.figure("crossover_profile", outcome=ok[0]))
        res = compute(crossover, trial, outcome=ok[0], ci=ci)
        parts.append(f"<p>{e(res.methods_text)}</p>")
    report.tick("crossover")
    return parts
