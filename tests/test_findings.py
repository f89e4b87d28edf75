"""Plain-language findings from hand-built effect tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from msc_dash.findings import (
    Finding,
    describe_p_basis,
    findings,
    key_visits,
    one_year_visit,
    safety_numbers,
)
from msc_dash.trial import Trial

NAN = float("nan")
VISITS = (("Baseline", 0), ("Post-injection 1", 120), ("Post-injection 2", 240),
          ("Month 12", 365), ("Month 18", 540))


def make_trial(arms=None, aes=None, outcomes=("T25FW", "SDMT", "EDSS")) -> Trial:
    ids = ["s1", "s2", "s3"]
    subjects = pd.DataFrame({"subject_id": ids})
    if arms:
        subjects["arm"] = [arms[i % len(arms)] for i in range(len(ids))]
    m = pd.DataFrame([(s, v, d, o, 10.0 + d / 100) for s in ids for v, d in VISITS
                      for o in outcomes],
                     columns=["subject_id", "visit", "day", "outcome", "value"])
    return Trial.from_tables(subjects, m, aes)


def row(**kw):
    """An effect-table row (docs/architecture.md columns), T25FW improving after the first injection."""
    r = dict(
        arm="All", outcome="T25FW", domain="mobility", visit="Post-injection 1", day=120,
        n=16, baseline_mean=9.12, baseline_sd=3.0, visit_mean=8.04, visit_sd=2.8,
        change_mean=-1.08, change_ci_low=-1.9, change_ci_high=-0.2, pct_change_median=-12.04,
        hedges_g=0.4512, hedges_g_ci_low=0.1234, hedges_g_ci_high=0.8, d_z=0.7,
        gmr=0.88, gmr_ci_low=0.8, gmr_ci_high=0.97, p_ttest=0.0062, p_wilcoxon=0.0041,
        rank_biserial=0.6, p_adjusted=0.0124, estimable=True, note="",
    )
    r.update(kw)
    return r


def one(trial, **kw) -> Finding:
    out = findings(trial, pd.DataFrame([row(**kw)]), visit=kw.get("visit", "Post-injection 1"))
    assert len(out) == 1
    return out[0]


def test_significant_improvement_of_a_lower_is_better_outcome():
    f = one(make_trial())
    assert f.text == (
        "Timed 25-Foot Walk improved at Post-injection 1: median change -12% (mean 9.12 → 8.04 s), "
        "g = 0.45 [0.12, 0.80], p = 0.006 (Wilcoxon p = 0.004; adjusted p = 0.012), n = 16."
    )
    assert (f.significant, f.estimable, f.direction) == (True, True, "improved")
    assert (f.p, f.p_basis) == (0.0124, "adjusted")
    assert (f.domain, f.outcome, f.visit, f.arm) == ("mobility", "T25FW", "Post-injection 1",
                                                    "All")


def test_not_significant_linear_outcome():
    f = one(make_trial(), outcome="SDMT", domain="cognition", visit="Month 18", day=540, n=20,
            baseline_mean=42.9, visit_mean=44.1, change_mean=1.2, pct_change_median=2.0,
            hedges_g=0.1, hedges_g_ci_low=-0.3, hedges_g_ci_high=0.5, p_ttest=0.21,
            p_wilcoxon=0.3, p_adjusted=0.63)
    assert f.text == (
        "Symbol Digit Modalities Test did not change significantly at Month 18: mean 42.9 → 44.1 correct answers "
        "(change +1.2), g = 0.10 [-0.30, 0.50], p = 0.21 (Wilcoxon p = 0.30; "
        "adjusted p = 0.63), n = 20."
    )
    assert not f.significant and f.estimable
    assert f.direction == "improved"  # the sign, even when not significant


def test_significant_before_but_not_after_adjustment_says_so():
    f = one(make_trial(), p_ttest=0.03, p_adjusted=0.09)
    assert f.text.startswith("Timed 25-Foot Walk did not change significantly at Post-injection 1 after "
                             "adjustment for multiple outcomes: ")
    assert "p = 0.030 (Wilcoxon p = 0.004; adjusted p = 0.090)" in f.text
    assert not f.significant and f.p == 0.09


def test_not_estimable():
    f = one(make_trial(), outcome="SDMT", domain="cognition", visit="Month 18", day=540, n=2,
            hedges_g=NAN, hedges_g_ci_low=NAN, hedges_g_ci_high=NAN, p_ttest=NAN,
            p_wilcoxon=NAN, p_adjusted=NAN, estimable=False, note="n < 3")
    assert f.text == "Symbol Digit Modalities Test change could not be estimated at Month 18: n < 3 (n = 2)."
    assert (f.significant, f.estimable, f.direction) == (False, False, "unchanged")
    assert math.isnan(f.p)


def test_significant_worsening_of_edss():
    f = one(make_trial(), outcome="EDSS", domain="disability", visit="Month 12", day=365,
            n=23, baseline_mean=5.9, visit_mean=6.3, change_mean=0.4, pct_change_median=6.0,
            hedges_g=-0.52, hedges_g_ci_low=-0.9, hedges_g_ci_high=-0.15, p_ttest=0.004,
            p_wilcoxon=0.01, p_adjusted=0.012, gmr=NAN)
    # EDSS is a unitless score: no unit after the numbers
    assert f.text == ("Expanded Disability Status Scale worsened at Month 12: mean 5.90 → 6.30 (change +0.40), "
                      "g = -0.52 [-0.90, -0.15], p = 0.004 (Wilcoxon p = 0.010; "
                      "adjusted p = 0.012), n = 23.")
    assert f.direction == "worsened" and f.significant


def test_without_adjusted_p_the_t_test_decides():
    e = pd.DataFrame([row(p_ttest=0.03)]).drop(columns="p_adjusted")
    (f,) = findings(make_trial(), e, visit="Post-injection 1")
    assert f.significant and f.p_basis == "t-test" and f.p == 0.03
    assert "p = 0.030 (Wilcoxon p = 0.004), n = 16." in f.text
    assert describe_p_basis([f]) == "Significant means paired t-test p < 0.05 (not adjusted)."


def test_wording_comes_from_the_data_not_the_code():
    # an outcome the registry does not know, in a visit named by the user
    trial = make_trial(outcomes=("GRIP",))
    f = one(trial, outcome="GRIP", domain="other", visit="Week 4", day=28, baseline_mean=30.0,
            visit_mean=33.0, change_mean=3.0, hedges_g=0.6)
    assert f.text.startswith("GRIP improved at Week 4: mean 30.0 → 33.0 (change +3.0), g = 0.60")


def test_key_visits_are_first_follow_up_and_about_one_year():
    trial = make_trial()
    rows = [row(outcome=o, domain=d, visit=v, day=day)
            for o, d in (("SDMT", "cognition"), ("T25FW", "mobility"))
            for v, day in VISITS[1:]]
    out = findings(trial, pd.DataFrame(rows))
    # domains in display order (mobility before cognition), visits by day
    assert [(f.outcome, f.visit) for f in out] == [
        ("T25FW", "Post-injection 1"), ("T25FW", "Month 12"),
        ("SDMT", "Post-injection 1"), ("SDMT", "Month 12")]
    assert one_year_visit(trial) == "Month 12"
    # a table whose only follow-up is the first: one row, not two
    short = pd.DataFrame([row()])
    assert len(key_visits(short)) == 1


def test_one_visit_only_when_asked():
    rows = [row(visit=v, day=d) for v, d in VISITS[1:]]
    out = findings(make_trial(), pd.DataFrame(rows), visit="Month 18")
    assert [f.visit for f in out] == ["Month 18"]
    assert findings(make_trial(), pd.DataFrame(rows), visit="Nope") == []


def test_two_arms_are_named_in_trial_order():
    trial = make_trial(arms=("MSC", "Placebo"))
    e = pd.DataFrame([row(arm="Placebo", hedges_g=-0.1, p_ttest=0.6, p_adjusted=0.9),
                      row(arm="MSC")])
    out = findings(trial, e, visit="Post-injection 1")
    assert [f.arm for f in out] == ["MSC", "Placebo"]
    assert out[0].text.startswith("MSC: Timed 25-Foot Walk improved at Post-injection 1")
    assert out[1].text.startswith("Placebo: Timed 25-Foot Walk did not change significantly")


def _aes(serious):
    return pd.DataFrame({"subject_id": ["s1", "s1", "s2"], "term": ["Headache", "Fever", "Pain"],
                         "serious": serious})


def test_safety_finding_without_serious_events():
    trial = make_trial(aes=_aes([False, False, False]))
    out = findings(trial, pd.DataFrame([row()]), visit="Post-injection 1")
    assert out[-1].text == ("No serious adverse events: 3 adverse events in 2 of 3 subjects, "
                            "none serious.")
    assert (out[-1].domain, out[-1].direction) == ("safety", "unchanged")


def test_safety_finding_with_a_serious_event():
    trial = make_trial(aes=_aes([False, True, False]))
    numbers = safety_numbers(trial)
    assert {k: numbers[k] for k in ("n_subjects", "n_events", "n_subjects_with_event",
                                    "n_serious", "n_subjects_serious")} == {
        "n_subjects": 3, "n_events": 3, "n_subjects_with_event": 2, "n_serious": 1,
        "n_subjects_serious": 1}
    out = findings(trial, pd.DataFrame([row()]), visit="Post-injection 1")
    assert out[-1].text == ("1 serious adverse event in 1 of 3 subjects (3 adverse events in "
                            "2 of 3 subjects in total).")
    assert out[-1].direction == "worsened"


def test_safety_numbers_passed_in_are_used_and_no_events_no_finding():
    trial = make_trial(aes=_aes([False, False, False]))
    given = {"n_subjects": 3, "n_events": 3, "n_subjects_with_event": 2, "n_serious": 2,
             "n_subjects_serious": 2}
    out = findings(trial, pd.DataFrame([row()]), visit="Post-injection 1", safety=given)
    assert out[-1].text.startswith("2 serious adverse events in 2 of 3 subjects")
    assert all(f.domain != "safety" for f in
               findings(make_trial(), pd.DataFrame([row()]), visit="Post-injection 1"))


def test_findings_computes_effects_when_not_given(small_trial):
    from msc_dash.effects import effect_sizes

    got = findings(small_trial)
    assert [f.text for f in got] == [f.text for f in findings(small_trial,
                                                              effect_sizes(small_trial))]
    assert {f.visit for f in got if f.domain != "safety"} == {"Month 3", "Month 12"}


def test_package_attribute_stays_callable():
    import msc_dash
    import msc_dash.findings as module  # binds the package attribute to the module

    assert msc_dash.findings is module
    out = msc_dash.findings(make_trial(), pd.DataFrame([row()]), visit="Post-injection 1")
    assert out[0].significant


@pytest.mark.parametrize("bases,expected", [
    ({"adjusted"}, "Significant means adjusted p < 0.05 (paired t-test adjusted across outcomes)."),
    ({"adjusted", "t-test"}, "Significant means adjusted p < 0.05 where available, else "
                             "paired t-test p."),
    (set(), ""),
])
def test_describe_p_basis(bases, expected):
    found = [Finding("mobility", "T25FW", "V", "", True, True, "improved", p_basis=b)
             for b in bases]
    assert describe_p_basis(found) == expected


def test_no_adjustment_in_the_table_means_no_adjusted_wording():
    # padjust="none": p_adjusted equals p_ttest in every row
    rows = [row(p_ttest=0.03, p_adjusted=0.03),
            row(outcome="SDMT", domain="cognition", p_ttest=0.2, p_adjusted=0.2)]
    out = findings(make_trial(), pd.DataFrame(rows), visit="Post-injection 1")
    assert out[0].p_basis == "t-test" and out[0].significant
    assert "adjusted" not in out[0].text
    assert out[0].text.endswith("p = 0.030 (Wilcoxon p = 0.004), n = 16.")
    # one row adjusted differently: adjustment is in use everywhere
    rows[1]["p_adjusted"] = 0.4
    out = findings(make_trial(), pd.DataFrame(rows), visit="Post-injection 1")
    assert [f.p_basis for f in out] == ["adjusted", "adjusted"]


def test_crossover_sequences_lead_with_the_crossover_answer_not_an_mmrm():
    # the crossover sample's arms are its sequences (MSC-Sham, Sham-MSC): every subject
    # had both treatments, so no between-sequence MMRM; the crossover model leads
    from msc_dash.crossover_summary import crossover_summary
    from msc_dash.io import load_sample

    trial = load_sample("crossover")
    found = findings(trial, pd.DataFrame(columns=["arm", "outcome", "visit", "day"]))
    assert not any(f.p_basis == "mmrm" for f in found)
    summary = crossover_summary(trial)
    lead = found[:int(summary["estimable"].sum())]
    assert [f.p_basis for f in lead] == ["crossover"] * len(lead) and lead
    assert [f.outcome for f in lead] == summary.loc[summary["estimable"], "outcome"].tolist()
    first = summary.iloc[0]
    assert lead[0].p == pytest.approx(first["p"]) and lead[0].arm == "MSC vs Sham"
    assert "within subjects (crossover mixed model" in lead[0].text
    assert describe_p_basis(lead).startswith("Between treatments, significant means crossover")
