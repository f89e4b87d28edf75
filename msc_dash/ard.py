"""The analysis results dataset: every number on screen as machine-readable records.

Shaped after CDISC's Analysis Results Standard (ARS v1): a *reporting event*
holding *analysis sets* (the population: subjects after the filters),
*methods* (each with its *operations*, i.e. the statistics it produces),
*analyses* (one method applied to one parameter in one data subset: arm and
visit) and *results* (one value per analysis x operation x group). The flat
version (:func:`flat_results`) has one row per result with the columns
``analysis_id, method_id, method, population, arm, parameter,
parameter_label, visit, statistic, value``.

Covered: the effect table (change from baseline per arm x outcome x visit),
the between-arm comparison (two arms), the MMRM contrasts (two or more arms),
confirmed progression per outcome (events and Kaplan-Meier proportions per
arm; log-rank p and hazard ratio between arms) and the adverse-event counts
(overall, and per arm x body system x term). Values are the unrounded numbers the
app's tables are formatted from, computed at the same settings.
"""

from __future__ import annotations

import json
import math

import pandas as pd

from .settings import AnalysisSettings
from .slides import describe_filters
from .trial import Trial

__all__ = ["results_dataset", "flat_results", "to_json", "METHODS", "FLAT_COLUMNS"]

FLAT_COLUMNS = ["analysis_id", "method_id", "method", "population", "arm", "parameter",
                "parameter_label", "visit", "statistic", "value"]

def _ci(key: str, label: str, low: str = "", high: str = "") -> dict:
    """``key`` and its CI bounds (``{key}_ci_low`` / ``_ci_high`` unless named), labelled."""
    return {key: label, low or f"{key}_ci_low": f"{label} CI lower",
            high or f"{key}_ci_high": f"{label} CI upper"}


#: the subjects of each arm, in every between-arm method
_PER_ARM_N = {"n_treatment": "Subjects, treatment", "n_control": "Subjects, control"}

#: method id -> (name, description, statistics: column -> operation label)
METHODS = {
    "MTH-PAIRED-CHANGE": (
        "Change from baseline, paired",
        "Each subject's value at the visit against the same subject's baseline: mean change "
        "with t-based CI, Hedges' g for paired data (average-SD standardiser, bias-corrected, "
        "positive = improvement) with bootstrap CI, geometric mean ratio for log-scale "
        "outcomes, paired t-test and Wilcoxon signed-rank test, p adjusted across outcomes "
        "within arm and visit, responders by the registry's meaningful-change rule.",
        {"n": "Subjects with baseline and visit", "baseline_mean": "Baseline mean",
         "baseline_sd": "Baseline SD", "visit_mean": "Visit mean", "visit_sd": "Visit SD",
         **_ci("change_mean", "Mean change", "change_ci_low", "change_ci_high"),
         "pct_change_median": "Median percent change", **_ci("hedges_g", "Hedges' g"),
         "d_z": "Cohen's d_z", "gmr": "Geometric mean ratio", "gmr_ci_low": "GMR CI lower",
         "gmr_ci_high": "GMR CI upper", "p_ttest": "p (paired t-test)",
         "p_wilcoxon": "p (Wilcoxon signed-rank)", "rank_biserial": "Rank-biserial r",
         "p_adjusted": "p (t-test, adjusted)", "improved_n": "Improved, n",
         "improved_pct": "Improved, %", "improved_ci_low": "Improved % CI lower",
         "improved_ci_high": "Improved % CI upper", "worsened_n": "Worsened, n",
         "worsened_pct": "Worsened, %"}),
    "MTH-ARMS-ANCOVA": (
        "Between arms: ANCOVA on baseline and Hedges' g of the change",
        "Treatment minus control difference in the change from baseline adjusted for "
        "baseline (ANCOVA) with CI and p; Hedges' g of the change between arms with "
        "bootstrap CI.",
        {**_PER_ARM_N,
         **_ci("adjusted_difference", "Adjusted difference", "adjusted_ci_low",
               "adjusted_ci_high"),
         "p_ancova": "p (ANCOVA)", **_ci("hedges_g", "Hedges' g")}),
    "MTH-MMRM": (
        "Between arms: mixed model for repeated measures (MMRM)",
        "Treatment minus control difference in the change from baseline at each visit from "
        "an MMRM (REML, unstructured covariance, falling back to simpler ones, Satterthwaite "
        "df), p adjusted across outcomes within visit; ratio of geometric means for log-scale "
        "outcomes; the contrast divided by the model's residual SD (positive favours "
        "treatment).",
        {**_PER_ARM_N,
         "estimate": "Difference in change", "se": "Standard error", "df": "Degrees of freedom",
         "ci_low": "Difference CI lower", "ci_high": "Difference CI upper", "p": "p (MMRM)",
         "p_adjusted": "p (MMRM, adjusted)", "ratio": "Ratio of geometric means",
         "ratio_low": "Ratio CI lower", "ratio_high": "Ratio CI upper",
         "sd": "Residual SD of the change",
         **_ci("std_estimate", "Standardised difference", "std_ci_low", "std_ci_high")}),
    "MTH-KM-EVENTS": (
        "Confirmed progression: events and Kaplan-Meier proportions",
        "Confirmed disability worsening (12-week confirmation, fixed baseline: the Progression "
        "page's defaults) per arm: subjects, subjects with an event, Kaplan-Meier median time "
        "and the cumulative proportion with an event by 1 and 2 years with log-Greenwood CI.",
        {"subjects": "Subjects", "events": "Subjects with an event",
         "median_days": "Median time to event, days", "proportion_1y": "With event by 1 year",
         "ci_low_1y": "By 1 year CI lower", "ci_high_1y": "By 1 year CI upper",
         "proportion_2y": "With event by 2 years", "ci_low_2y": "By 2 years CI lower",
         "ci_high_2y": "By 2 years CI upper"}),
    "MTH-LOGRANK-COX": (
        "Confirmed progression between arms: log-rank test and Cox hazard ratio",
        "Log-rank test across the arms and Cox proportional-hazards ratio (Efron ties, Wald "
        "CI and p), treatment vs control, of the same confirmed events.",
        {"logrank_p": "p (log-rank)", **_ci("hazard_ratio", "Hazard ratio"),
         "hazard_ratio_p": "p (Cox, Wald)"}),
    "MTH-AE-COUNT": (
        "Adverse-event counts",
        "Subjects with at least one event (n and % of the arm) and number of events.",
        {"n_arm": "Subjects in arm", "n_subjects": "Subjects with event",
         "pct": "Subjects with event, %", "n_events": "Events"}),
    "MTH-AE-SUMMARY": (
        "Adverse-event summary",
        "Subjects and events over the whole follow-up, all arms together.",
        {"n_subjects": "Subjects", "n_events": "Events",
         "n_subjects_with_event": "Subjects with any event", "n_serious": "Serious events",
         "n_subjects_serious": "Subjects with a serious event"}),
}


def _value(x):
    if x is None or isinstance(x, str):
        return x
    x = float(x)
    return None if math.isnan(x) else x


def _label(trial: Trial, code: str) -> str:
    from .outcomes import EDSS_PLUS

    if not code:
        return ""
    return "EDSS-Plus" if code == EDSS_PLUS else trial.outcome(code).label


def _mmrm_part(trial: Trial, settings: AnalysisSettings) -> tuple[list[dict], list[dict]]:
    """MMRM contrasts of every outcome x visit, default treatment vs control."""
    from .arms import default_arms
    from .mmrm import mmrm_table

    treatment, control = default_arms(trial.arms)
    table = mmrm_table(trial, treatment, control, settings=settings)
    table = table[table["visit"].notna()].rename(columns={"outcome": "parameter"}).assign(
        arm=f"{treatment} vs {control}")
    return _records(table, "MTH-MMRM", "AN-MMRM", ("arm", "parameter", "visit"), trial)


def _progression_part(trial: Trial, settings: AnalysisSettings
                      ) -> tuple[list[dict], list[dict], set]:
    """Confirmed worsening of every event outcome at the Progression page's defaults."""
    from .progression import event_outcomes
    from .survival import time_to_event

    per_arm, between = [], []
    for code in event_outcomes(trial):
        res = time_to_event(trial, code, ci=settings.ci, direction="worsening",
                            confirm_days=84, baseline="fixed")
        summary = res.summary().assign(parameter=code)
        per_arm.append(summary)
        if res.treatment is not None:  # two or more arms (null values without events)
            between.append(summary.iloc[[0]].assign(arm=f"{res.treatment} vs {res.control}"))
    analyses, results, used = [], [], set()
    if per_arm:
        analyses, results = _records(pd.concat(per_arm, ignore_index=True), "MTH-KM-EVENTS",
                                     "AN-KM", ("arm", "parameter"), trial)
        used.add("MTH-KM-EVENTS")
    if between:
        a, r = _records(pd.concat(between, ignore_index=True), "MTH-LOGRANK-COX", "AN-HR",
                        ("arm", "parameter"), trial)
        analyses += a
        results += r
        used.add("MTH-LOGRANK-COX")
    return analyses, results, used


def _records(frame: pd.DataFrame, method_id: str, prefix: str, key_cols,
             trial: Trial) -> tuple[list[dict], list[dict]]:
    """Analyses and results of one method from a long frame (one analysis per row)."""
    analyses, results = [], []
    stats = METHODS[method_id][2]
    for i, row in enumerate(frame.to_dict("records"), start=1):
        keys = {k: "" if pd.isna(row.get(k, "")) else row.get(k, "") for k in key_cols}
        code = keys.get("parameter", "")
        aid = f"{prefix}-{i:04d}"
        analyses.append({
            "id": aid, "methodId": method_id, "analysisSetId": "AS-1",
            "name": " / ".join(str(v) for v in keys.values() if v != ""),
            "dataSubset": {k: v for k, v in keys.items() if k in ("arm", "visit", "term",
                                                               "body_system") and v != ""},
            "parameter": code,
            "parameterLabel": _label(trial, code)})
        for col, label in stats.items():
            if col in row:
                results.append({"analysisId": aid, "operationId": f"{method_id}:{col}",
                                "statistic": col, "label": label,
                                "rawValue": _value(row[col])})
    return analyses, results


def results_dataset(trial: Trial, *, settings: AnalysisSettings | None = None,
                    effects: pd.DataFrame | None = None, date: str | None = None) -> dict:
    """The analysis results of ``trial`` as one ARS-shaped reporting event (a dict).

    Examples
    --------
    >>> import msc_dash
    >>> s = msc_dash.AnalysisSettings(n_boot=200)
    >>> ard = results_dataset(msc_dash.load_sample(), settings=s, date="2026-01-01")
    >>> sorted(ard)
    ['analyses', 'analysisSets', 'methods', 'reportingEvent', 'results']
    >>> r = next(r for r in ard["results"] if r["statistic"] == "n")
    >>> r["analysisId"], r["rawValue"]
    ('AN-EFF-0001', 16.0)
    """
    from . import __version__
    from .effects import effect_sizes
    from .findings import safety_numbers
    from .report_html import today as _today

    settings = settings or AnalysisSettings()
    if effects is None:
        effects = effect_sizes(trial, settings=settings)
    population = ("all subjects" if not trial.filters
                  else f"subjects with {describe_filters(trial.filters)}")
    analyses, results = [], []
    eff = effects.rename(columns={"outcome": "parameter"})
    a, r = _records(eff, "MTH-PAIRED-CHANGE", "AN-EFF", ("arm", "parameter", "visit"), trial)
    analyses += a
    results += r
    used = {"MTH-PAIRED-CHANGE"}
    if len(trial.arms) == 2:
        from .arms import compare_arms

        treatment, control = trial.arms
        between = compare_arms(trial, treatment, control, settings=settings)
        between = between.rename(columns={"outcome": "parameter"}).assign(
            arm=f"{treatment} vs {control}")
        a, r = _records(between, "MTH-ARMS-ANCOVA", "AN-ARM", ("arm", "parameter", "visit"),
                        trial)
        analyses += a
        results += r
        used.add("MTH-ARMS-ANCOVA")
    if len(trial.arms) >= 2:
        a, r = _mmrm_part(trial, settings)
        analyses += a
        results += r
        used.add("MTH-MMRM")
    a, r, u = _progression_part(trial, settings)
    analyses += a
    results += r
    used |= u
    if len(trial.adverse_events):
        from .safety import incidence_counts

        summary = pd.DataFrame([safety_numbers(trial)]).assign(arm="All")
        a, r = _records(summary, "MTH-AE-SUMMARY", "AN-AES", ("arm",), trial)
        analyses += a
        results += r
        a, r = _records(incidence_counts(trial), "MTH-AE-COUNT", "AN-AE",
                        ("arm", "body_system", "term"), trial)
        analyses += a
        results += r
        used |= {"MTH-AE-SUMMARY", "MTH-AE-COUNT"}
    return {
        "reportingEvent": {
            "id": "RE-1", "name": trial.source or "Trial results",
            "software": f"msc-dash {__version__}", "dataFingerprint": trial.fingerprint,
            "generated": _today(date),
            "settings": {"n_boot": settings.n_boot, "seed": settings.seed,
                         "ci": settings.ci, "padjust": settings.padjust},
            "standard": "Shaped after CDISC Analysis Results Standard (ARS) v1"},
        "analysisSets": [{"id": "AS-1", "label": "Subjects after the filters",
                          "condition": population, "n": trial.n_subjects}],
        "methods": [{"id": mid, "name": METHODS[mid][0], "description": METHODS[mid][1],
                     "operations": [{"id": f"{mid}:{col}", "name": col, "label": label}
                                    for col, label in METHODS[mid][2].items()]}
                    for mid in METHODS if mid in used],
        "analyses": analyses,
        "results": results,
    }


def flat_results(ard: dict) -> pd.DataFrame:
    """One row per result: :data:`FLAT_COLUMNS` (the CSV version of the dataset).

    Examples
    --------
    >>> import msc_dash
    >>> s = msc_dash.AnalysisSettings(n_boot=200)
    >>> flat = flat_results(results_dataset(msc_dash.load_sample(), settings=s))
    >>> flat.columns.tolist() == FLAT_COLUMNS
    True
    """
    analyses = {a["id"]: a for a in ard["analyses"]}
    methods = {m["id"]: m["name"] for m in ard["methods"]}
    population = ard["analysisSets"][0]["condition"]
    rows = []
    for r in ard["results"]:
        a = analyses[r["analysisId"]]
        subset = a["dataSubset"]
        rows.append({
            "analysis_id": a["id"], "method_id": a["methodId"], "method": methods[a["methodId"]],
            "population": population, "arm": subset.get("arm", ""),
            "parameter": a["parameter"] or " / ".join(
                str(subset[k]) for k in ("body_system", "term") if k in subset),
            "parameter_label": a["parameterLabel"], "visit": subset.get("visit", ""),
            "statistic": r["statistic"], "value": r["rawValue"]})
    return pd.DataFrame(rows, columns=FLAT_COLUMNS)


def to_json(ard: dict) -> str:
    """The dataset as indented JSON (NaN written as null)."""
    return json.dumps(ard, indent=1, ensure_ascii=False, allow_nan=False)
