"""Plain-language findings derived from the effect table and the safety data.

Nothing here is written per outcome: each sentence is assembled from the
numbers of one effect-table row (direction from the sign of Hedges' g,
significance from the p value, the visit's own name) and from the outcome
registry (code, unit, scale).

Significance: a change is called significant when ``p_adjusted`` (the
paired t-test adjusted across outcomes within arm x visit) is below
:data:`ALPHA`; where the table has no ``p_adjusted``, the unadjusted
``p_ttest`` decides. :attr:`Finding.p_basis` says which one did.
"""

from __future__ import annotations

import math
import sys
import types
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .constants import to_float as _num
from .outcomes import DOMAINS
from .tables import G_DECIMALS, format_ci, format_pct, p_phrase, sig
from .trial import Trial

__all__ = ["ALPHA", "Finding", "describe_p_basis", "findings", "key_visits", "one_year_visit", "safety_numbers", "ONE_YEAR_DAYS"]

#: Significance level of the findings.
ALPHA = 0.05
#: The day the "about one year" visit is closest to.
ONE_YEAR_DAYS = 365


@dataclass(frozen=True)
class Finding:
    """One plain-language finding.

    Attributes
    ----------
    domain : str
        Domain code (``"mobility"``, ...) or ``"safety"``.
    outcome : str
        Outcome code, or ``"adverse events"``.
    visit : str
        Visit name ("" for the whole follow-up).
    text : str
        The sentence.
    significant : bool
        p below :data:`ALPHA` (see ``p_basis``).
    estimable : bool
        False when the effect could not be estimated.
    direction : {"improved", "worsened", "unchanged"}
        Sign of the change in the outcome's direction of benefit; for safety,
        "worsened" when serious adverse events occurred, else "unchanged".
    arm : str
        Arm of the estimate ("" for safety over all arms).
    p : float
        The p value that decided significance (NaN when none).
    p_basis : str
        ``"adjusted"`` (``p_adjusted``), ``"t-test"`` (``p_ttest``), ``"mmrm"``
        (a between-arm MMRM contrast, adjusted across outcomes), ``"crossover"``
        (the crossover mixed model's treatment effect) or "".
    """

    domain: str
    outcome: str
    visit: str
    text: str
    significant: bool
    estimable: bool
    direction: str
    arm: str = ""
    p: float = math.nan
    p_basis: str = ""


def _ok(x) -> bool:
    return math.isfinite(_num(x))


def one_year_visit(trial: Trial) -> str | None:
    """The follow-up visit whose median day is closest to one year (None without follow-up).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"subject_id": "a", "visit": ["BL", "M6", "M12", "M18"],
    ...                   "day": [0, 182, 371, 540], "outcome": "SDMT", "value": 40.0})
    >>> one_year_visit(Trial.from_tables(pd.DataFrame({"subject_id": ["a"]}), m))
    'M12'
    """
    days = trial.visit_days
    days = days[days > 0]
    if days.empty:
        return None
    return str((days - ONE_YEAR_DAYS).abs().sort_values(kind="stable").index[0])


def key_visits(effects: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``effects`` at each arm x outcome's first follow-up and ~one-year visit.

    The one-year visit is the follow-up whose ``day`` is closest to
    :data:`ONE_YEAR_DAYS` (the earlier one on a tie); when it is the first
    follow-up too, the row appears once.

    Examples
    --------
    >>> e = pd.DataFrame({"arm": "All", "outcome": "SDMT", "visit": ["V1", "M12", "M18"],
    ...                   "day": [120, 370, 540]})
    >>> key_visits(e)["visit"].tolist()
    ['V1', 'M12']
    """
    if effects.empty:
        return effects
    keep = []
    for _, rows in effects.groupby(["arm", "outcome"], sort=False):
        days = pd.to_numeric(rows["day"], errors="coerce")
        first = days.idxmin()
        year = (days - ONE_YEAR_DAYS).abs().sort_values(kind="stable")
        year = year.index[0] if len(year) else first
        ordered = sorted({first, year}, key=lambda i: days[i])
        keep.extend(ordered)
    return effects.loc[keep]


def _unit_suffix(unit: str) -> str:
    # ranges ("0-100") and unitless scores read badly after a number
    if not unit or unit in ("score", "z") or any(ch.isdigit() for ch in unit):
        return ""
    return f" {unit}"


def _direction(row, outcome) -> str:
    g = _num(row.get("hedges_g"))
    if not _ok(g):
        g = _num(row.get("change_mean")) * outcome.sign
    if not _ok(g) or g == 0:
        return "unchanged"
    return "improved" if g > 0 else "worsened"


def _change_part(row, outcome) -> str:
    unit = _unit_suffix(outcome.unit)
    means = ""
    if _ok(row.get("baseline_mean")) and _ok(row.get("visit_mean")):
        means = f"{sig(row['baseline_mean'])} → {sig(row['visit_mean'])}{unit}"
    pct = row.get("pct_change_median")
    if outcome.scale == "log" and _ok(pct):
        text = f"median change {format_pct(pct)}"
        return f"{text} (mean {means})" if means else text
    chg = row.get("change_mean")
    change = f"change {sig(chg, 2, sign=True)}" if _ok(chg) else ""
    if means:
        return f"mean {means} ({change})" if change else f"mean {means}"
    return f"mean {change}{unit}" if change else ""


def _adjusted_in_use(effects: pd.DataFrame) -> bool:
    """False when the table has no adjusted p, or it equals the t-test p everywhere
    (``padjust="none"``): the findings then do not speak of adjustment."""
    if "p_adjusted" not in effects or "p_ttest" not in effects:
        return "p_adjusted" in effects
    adj = pd.to_numeric(effects["p_adjusted"], errors="coerce").to_numpy(dtype=float)
    raw = pd.to_numeric(effects["p_ttest"], errors="coerce").to_numpy(dtype=float)
    return not np.allclose(adj, raw, rtol=1e-12, atol=0.0, equal_nan=True)


def _significance(row, adjusted_in_use: bool = True) -> tuple[float, str]:
    adjusted = _num(row.get("p_adjusted"))
    if adjusted_in_use and _ok(adjusted):
        return adjusted, "adjusted"
    return _num(row.get("p_ttest")), "t-test" if _ok(row.get("p_ttest")) else ""


def _effect_finding(row, trial: Trial, show_arm: bool, adjusted_in_use: bool = True) -> Finding:
    code = str(row["outcome"])
    outcome = trial.registry.get(code)
    visit = str(row["visit"])
    arm = str(row.get("arm", ""))
    # the registry's label, not the code: findings are read by clinicians and on slides
    subject = f"{arm}: {outcome.label}" if show_arm else outcome.label
    where = f"at {visit}"
    n = int(row["n"]) if _ok(row.get("n")) else 0
    estimable = bool(row.get("estimable", True)) and _ok(row.get("hedges_g"))
    domain = str(row.get("domain", outcome.domain))
    if not estimable:
        note = row.get("note")
        reason = str(note) if isinstance(note, str) and note else "no estimate"
        text = f"{subject} change could not be estimated {where}: {reason} (n = {n})."
        return Finding(domain, code, visit, text, False, False, "unchanged", arm)

    p, basis = _significance(row, adjusted_in_use)
    significant = _ok(p) and p < ALPHA
    direction = _direction(row, outcome)
    if significant and direction != "unchanged":
        head = f"{subject} {direction} {where}"
    elif basis == "adjusted" and _num(row.get("p_ttest")) < ALPHA:
        head = (f"{subject} did not change significantly {where} "
                "after adjustment for multiple outcomes")
    else:
        head = f"{subject} did not change significantly {where}"

    parts = [_change_part(row, outcome),
             "g = " + format_ci(row["hedges_g"], row.get("hedges_g_ci_low"),
                                row.get("hedges_g_ci_high"), decimals=G_DECIMALS)]
    p_text = p_phrase(row.get("p_ttest")) if _ok(row.get("p_ttest")) else ""
    extra = []
    if _ok(row.get("p_wilcoxon")):
        extra.append(p_phrase(row["p_wilcoxon"], "Wilcoxon p"))
    if basis == "adjusted":
        extra.append(p_phrase(p, "adjusted p"))
    if p_text and extra:
        p_text += f" ({'; '.join(extra)})"
    elif extra:
        p_text = "; ".join(extra)
    parts += [p_text, f"n = {n}"]
    text = f"{head}: {', '.join(x for x in parts if x)}."
    return Finding(domain, code, visit, text, bool(significant), True,
                   direction if significant else _direction(row, outcome), arm, p, basis)


def safety_numbers(trial: Trial) -> dict:
    """Adverse-event headline counts of ``trial``.

    The counts of :func:`msc_dash.safety.safety_headline` (``serious``
    missing counts as not known: ``n_serious`` is then NaN).

    Returns
    -------
    dict
        ``n_subjects``, ``n_events``, ``n_subjects_with_event``,
        ``n_serious``, ``n_subjects_serious``.

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash.examples import events_trial
    >>> ae = pd.DataFrame({"subject_id": ["a", "b"], "term": ["Headache", "Rash"]})
    >>> numbers = safety_numbers(events_trial(3, ae))  # no `serious` column
    >>> [numbers[k] for k in ("n_subjects", "n_events", "n_subjects_with_event", "n_serious")]
    [3, 2, 2, nan]
    """
    from .safety import safety_headline

    return dict(safety_headline(trial))


def _safety_finding(numbers: dict) -> Finding:
    n = numbers.get("n_subjects")
    events = numbers.get("n_events", 0)
    with_event = numbers.get("n_subjects_with_event")
    serious = _num(numbers.get("n_serious"))
    had = f"{events} adverse event{'s' if events != 1 else ''} in {with_event} of {n} subjects"
    if not _ok(serious):
        text = f"{had}; whether any was serious was not recorded."
        direction = "unchanged"
    elif serious == 0:
        text = f"No serious adverse events: {had}, none serious."
        direction = "unchanged"
    else:
        k = int(serious)
        text = (f"{k} serious adverse event{'s' if k != 1 else ''} in "
                f"{numbers.get('n_subjects_serious')} of {n} subjects ({had} in total).")
        direction = "worsened"
    return Finding("safety", "adverse events", "", text, False, True, direction)


def findings(trial: Trial, effects: pd.DataFrame | None = None, *, visit: str | None = None,
             safety: dict | None = None, between: pd.DataFrame | None = None) -> list[Finding]:
    """Plain-language findings of a trial.

    Parameters
    ----------
    trial : Trial
    effects : pandas.DataFrame, optional
        The effect table (default: :func:`msc_dash.effect_sizes` of ``trial``
        with its default settings).
    visit : str, optional
        One finding per arm x outcome at this visit. Default: the key
        visits, i.e. each outcome's first follow-up and the follow-up closest
        to one year (:func:`key_visits`).
    safety : dict, optional
        Adverse-event counts as returned by :func:`safety_numbers` (computed
        when omitted). The safety finding is added when the trial has
        adverse events.
    between : pandas.DataFrame, optional
        For trials with two or more arms, the :func:`msc_dash.mmrm_table`
        whose contrasts lead the findings (default: computed for
        :func:`msc_dash.arms.default_arms`; an empty frame gives none).

    Returns
    -------
    list of Finding
        With two or more parallel arms, first the between-arm MMRM contrast of
        each outcome (at ``visit``, else the visit closest to one year); when
        the arms are crossover sequences, first each outcome's within-subject
        crossover estimate (no between-sequence contrast); then the
        within-arm changes: arms in trial order, domains in display order,
        outcomes in registry order and visits by day; the safety finding last.

    Examples
    --------
    >>> import pandas as pd
    >>> from msc_dash.examples import events_trial
    >>> row = dict(arm="All", outcome="SDMT", domain="cognition", visit="Month 12", day=365,
    ...            n=20, baseline_mean=42.9, visit_mean=45.0, change_mean=2.1,
    ...            pct_change_median=4.0, hedges_g=0.17, hedges_g_ci_low=0.05,
    ...            hedges_g_ci_high=0.3, p_ttest=0.0102, p_wilcoxon=0.0004,
    ...            p_adjusted=0.0306, estimable=True, note="")
    >>> [f.text for f in findings(events_trial(1), pd.DataFrame([row]))]
    ['Symbol Digit Modalities Test improved at Month 12: mean 42.9 → 45.0 correct answers (change +2.1), g = 0.17 [0.05, 0.30], p = 0.010 (Wilcoxon p < 0.001; adjusted p = 0.031), n = 20.']
    """
    if effects is None:
        from .effects import effect_sizes

        effects = effect_sizes(trial)
    rows = effects
    if visit is not None:
        rows = rows[rows["visit"] == visit]
    else:
        rows = key_visits(rows)
    from .crossover_summary import arms_are_sequences, parallel_arms

    out: list[Finding] = []
    if parallel_arms(trial):
        out += _between(trial, between, visit)
    elif arms_are_sequences(trial):  # a between-sequence contrast is no treatment effect
        out += _crossover(trial)
    if len(rows):
        arm_rank = {a: i for i, a in enumerate(trial.arms)}
        domain_rank = {d: i for i, d in enumerate(DOMAINS)}
        outcome_rank = {c: i for i, c in enumerate(trial.registry.order(rows["outcome"]))}
        order = rows.assign(
            _a=rows["arm"].map(arm_rank).fillna(len(arm_rank)),
            _d=rows["domain"].map(domain_rank).fillna(len(domain_rank)),
            _o=rows["outcome"].map(outcome_rank),
            _v=pd.to_numeric(rows["day"], errors="coerce"),
        ).sort_values(["_a", "_d", "_o", "_v"], kind="stable")
        show_arm = rows["arm"].nunique() > 1 or len(trial.arms) > 1
        adjusted = _adjusted_in_use(effects)
        out += [_effect_finding(r, trial, show_arm, adjusted) for r in order.to_dict("records")]
    if len(trial.adverse_events):
        out.append(_safety_finding(safety if safety is not None else safety_numbers(trial)))
    return out


def _between(trial: Trial, table: pd.DataFrame | None, visit: str | None) -> list[Finding]:
    from .between import between_arm_findings

    if table is None:
        from .arms import default_arms
        from .mmrm import mmrm_table

        table = mmrm_table(trial, *default_arms(trial.arms))
    if table.empty:
        return []
    at = visit if visit in set(table["visit"]) else None
    return between_arm_findings(trial, table, visit=at, alpha=ALPHA)


def _crossover(trial: Trial) -> list[Finding]:
    from .crossover import treatments
    from .crossover_summary import crossover_summary, sentence

    treatment, control = treatments(trial)
    out = []
    for r in crossover_summary(trial).to_dict("records"):
        if not r["estimable"]:
            continue
        o = trial.outcome(r["outcome"])
        sig = _ok(r["p"]) and r["p"] < ALPHA
        better = o.sign * r["estimate"]
        direction = ("improved" if better > 0 else "worsened" if better < 0 else "unchanged")
        out.append(Finding(o.domain, r["outcome"], "", sentence(trial, r, treatment, control),
                           bool(sig), True, direction if sig else "unchanged",
                           f"{treatment} vs {control}", float(r["p"]), "crossover"))
    return out


def describe_p_basis(found: list[Finding]) -> str:
    """One sentence saying which p value decided significance in ``found``.

    Examples
    --------
    >>> describe_p_basis([Finding("cognition", "SDMT", "M12", "", True, True, "improved",
    ...                           p=0.01, p_basis="adjusted")])
    'Significant means adjusted p < 0.05 (paired t-test adjusted across outcomes).'
    """
    bases = {f.p_basis for f in found if f.p_basis}
    level = f"{ALPHA:g}"
    if "crossover" in bases:
        rest = describe_p_basis([f for f in found if f.p_basis != "crossover"])
        return (f"Between treatments, significant means crossover mixed-model p < {level} "
                "(not adjusted). " + (f"Within arms: {rest[0].lower()}{rest[1:]}"
                                      if rest else "")).strip()
    if "mmrm" in bases:
        rest = describe_p_basis([f for f in found if f.p_basis != "mmrm"])
        return (f"Between arms, significant means MMRM p < {level} adjusted across "
                f"outcomes at the visit. " + (f"Within arms: {rest[0].lower()}{rest[1:]}"
                                              if rest else "")).strip()
    if bases == {"adjusted"}:
        return (f"Significant means adjusted p < {level} "
                "(paired t-test adjusted across outcomes).")
    if bases == {"t-test"}:
        return f"Significant means paired t-test p < {level} (not adjusted)."
    if bases:
        return (f"Significant means adjusted p < {level} where available, "
                "else paired t-test p.")
    return ""


class _CallableModule(types.ModuleType):
    """This module, callable as :func:`findings`.

    ``msc_dash.findings`` is both this submodule and the exported function;
    once the submodule is imported, Python binds the package attribute to the
    module, so calling it must still run the function.
    """

    def __call__(self, *args, **kwargs):
        return findings(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
