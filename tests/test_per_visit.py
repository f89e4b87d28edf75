"""msc_dash.per_visit (trajectory, responders, EDSS-Plus) against pandas, scipy and hand counts.

Expected numbers come from pandas / scipy on the same data in the test or from
a hand classification (each subject's reason in the comment).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from msc_dash.effects import EDSS_PLUS, effect_sizes, paired_frame, responders, trajectory
from msc_dash.outcomes import REGISTRY
from msc_dash.trial import Trial

TOL = 1e-9


# ------------------------------------------------------------ trajectory
@pytest.mark.parametrize("outcome", ["T25FW", "SDMT"])
def test_trajectory_matches_pandas_and_scipy(two_arm_trial, outcome):
    t = two_arm_trial
    tr = trajectory(t, outcome)
    cols = ["arm", "visit", "day", "n", "mean", "sd", "sem", "ci_low", "ci_high", "median",
            "q1", "q3"]
    log = t.outcome(outcome).scale == "log"
    assert list(tr.columns) == cols + (["geo_mean", "geo_ci_low", "geo_ci_high"] if log else [])
    assert list(zip(tr["arm"], tr["visit"], strict=True)) == [
        (a, v) for a in t.arms for v in t.visits]
    long = t.long()
    for row in tr.itertuples(index=False):
        g = long[(long["arm"] == row.arm) & (long["visit"] == row.visit)
                 & (long["outcome"] == outcome)]
        x = g["value"].to_numpy()
        lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        assert (row.n, row.day) == (len(x), g["day"].median())
        assert (row.mean, row.sd, row.sem, row.ci_low, row.ci_high) == pytest.approx(
            (x.mean(), x.std(ddof=1), stats.sem(x), lo, hi), abs=TOL)
        assert (row.median, row.q1, row.q3) == pytest.approx(
            tuple(g["value"].quantile([0.5, 0.25, 0.75])), abs=TOL)
        if log:
            llo, lhi = stats.t.interval(0.95, len(x) - 1, loc=np.log(x).mean(),
                                        scale=stats.sem(np.log(x)))
            assert (row.geo_mean, row.geo_ci_low, row.geo_ci_high) == pytest.approx(
                (stats.gmean(x), np.exp(llo), np.exp(lhi)), abs=TOL)


# ------------------------------------------------------------ responders
def _edss_plus_trial():
    # subject: (EDSS b, v), (T25FW b, v), (NHPT b, v) -- None = not measured
    rows = {
        "w_edss": ((5.0, 6.0), (10.0, 10.0), (20.0, 20.0)),    # EDSS +1.0 -> worsened
        "w_walk": ((4.0, 3.0), (10.0, 12.5), (20.0, 20.0)),    # T25FW +25% beats EDSS gain
        "improv": ((6.0, 6.0), (10.0, 7.5), (20.0, 21.0)),     # T25FW -25% -> improved
        "stable": ((6.5, 6.5), (10.0, 11.0), (20.0, 18.0)),    # nothing reaches a threshold
        "no_nhp": ((6.0, 6.0), (10.0, 10.5), None),            # one timed test suffices
        "no_tim": ((6.0, 5.0), None, None),                    # EDSS only -> unknown
        "w_only": (None, (10.0, 13.0), None),                  # worsening is definitive
    }
    meas = []
    for sid, comps in rows.items():
        for code, pair in zip(("EDSS", "T25FW", "NHPT"), comps, strict=True):
            if pair is not None:
                meas += [(sid, "BL", 0, code, pair[0]), (sid, "M12", 365, code, pair[1])]
    m = pd.DataFrame(meas, columns=["subject_id", "visit", "day", "outcome", "value"])
    return Trial.from_tables(pd.DataFrame({"subject_id": list(rows)}), m)


def test_responders_edss_plus_by_hand():
    r = responders(_edss_plus_trial(), "M12")
    assert list(r.columns) == ["subject_id", "arm", "outcome", "baseline", "value", "change",
                               "status", "rule"]
    plus = r[r["outcome"] == EDSS_PLUS].set_index("subject_id")["status"].to_dict()
    assert plus == {"w_edss": "worsened", "w_walk": "worsened", "improv": "improved",
                    "stable": "stable", "no_nhp": "stable", "no_tim": "unknown",
                    "w_only": "worsened"}
    edss = r[r["outcome"] == "EDSS"].set_index("subject_id")
    assert edss.loc["no_tim", "status"] == "improved"  # 1.0 step at baseline 6.0 > 5.5
    assert edss.loc["w_edss", "change"] == 1.0
    assert edss["rule"].iloc[0] == REGISTRY["EDSS"].rule_text
    # registry order (T25FW, NHPT, EDSS), EDSS-Plus last
    assert list(pd.unique(r["outcome"])) == ["T25FW", "NHPT", "EDSS", EDSS_PLUS]


def test_responders_match_registry_classify_and_flag_unknown(small_trial):
    t = small_trial
    visit = t.followup_visits[-1]
    r = responders(t, visit)
    for code in t.outcomes:
        f = paired_frame(t, code, visit).sort_values("subject_id")
        got = r[r["outcome"] == code].sort_values("subject_id")
        assert got["subject_id"].tolist() == f["subject_id"].tolist()
        status = t.outcome(code).classify(f["baseline"], f["value"])
        names = {1.0: "improved", 0.0: "stable", -1.0: "worsened"}
        expected = [names.get(s, "unknown") for s in status]
        assert got["status"].tolist() == expected
        if t.outcome(code).meaningful_change is None:  # NFL
            assert set(got["status"]) == {"unknown"}
            assert got["rule"].iloc[0] == "no meaningful-change rule"
    # build_trial has EDSS and T25FW, so EDSS-Plus is there for every subject
    assert (r["outcome"] == EDSS_PLUS).sum() == t.n_subjects


def test_responder_counts_in_the_table_agree_with_responders(two_arm_trial):
    t = two_arm_trial
    table = effect_sizes(t, n_boot=100)
    for visit in t.followup_visits:
        r = responders(t, visit)
        for row in table[table["visit"] == visit].itertuples():
            got = r[(r["outcome"] == row.outcome) & (r["arm"] == row.arm)]
            if t.outcome(row.outcome).meaningful_change is None:
                continue
            assert row.improved_n == (got["status"] == "improved").sum()
            assert row.worsened_n == (got["status"] == "worsened").sum()
