"""Clinical figures, checked by their data and layout against numbers computed here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from msc_dash import effect_sizes, load_sample, responders, trajectory
from msc_dash.effects import bootstrap_distribution, paired_frame
from msc_dash.figures import (
    OKABE_ITO,
    STATUS_COLORS,
    estimation_figure,
    responder_figure,
    trajectory_figure,
    waterfall_figure,
)
from msc_dash.settings import AnalysisSettings
from msc_dash.trial import Trial

MONTH = 365.25 / 12


def _trial() -> Trial:
    """Two arms of 4 subjects; T25FW and EDSS at baseline and day 180; 2 injections."""
    ids = [f"S{i}" for i in range(1, 9)]
    subjects = pd.DataFrame({"subject_id": ids, "arm": ["MSC"] * 4 + ["Sham"] * 4})
    t25_bl = [10.0, 8.0, 12.0, 20.0, 9.0, 11.0, 7.0, 15.0]
    t25_m6 = [7.0, 8.4, 12.5, 14.0, 9.1, 14.0, 7.2, 15.3]
    edss_bl = [5.0, 6.0, 6.5, 4.0, 5.5, 6.0, 3.5, 6.5]
    edss_m6 = [4.0, 6.0, 6.0, 4.5, 5.5, 6.5, 4.5, 6.5]
    rows = []
    for i, s in enumerate(ids):
        rows += [(s, "Baseline", 0, "T25FW", t25_bl[i]), (s, "Month 6", 180 + i, "T25FW", t25_m6[i]),
                 (s, "Baseline", 0, "EDSS", edss_bl[i]), (s, "Month 6", 180 + i, "EDSS", edss_m6[i])]
    m = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "outcome", "value"])
    inj = pd.DataFrame({"subject_id": ids * 2, "injection_number": [1] * 8 + [2] * 8,
                        "day": [0] * 8 + [90, 92, 88, 90, 91, 90, 89, 95]})
    return Trial.from_tables(subjects, m, None, inj)



def _title(fig) -> str:
    """The title with its subtitle read as one line (it is wrapped to fit 1280 px)."""
    return fig.layout.title.text.replace("</sup><br><sup>", " ")

def test_trajectory_has_one_mean_line_per_arm_in_months_and_marks_injections():
    t = _trial()
    subjects = t.long()
    subjects = subjects[subjects["outcome"] == "EDSS"]
    fig = trajectory_figure(trajectory(t, "EDSS"), outcome=t.outcome("EDSS"),
                            subjects=subjects, injection_days={1: 0, 2: 90}, arms=t.arms)
    means = {tr.name: tr for tr in fig.data if tr.name in ("MSC", "Sham")}
    assert set(means) == {"MSC", "Sham"}
    assert means["MSC"].line.color == OKABE_ITO[0] and means["Sham"].line.color == OKABE_ITO[1]
    np.testing.assert_allclose(means["MSC"].y, [5.375, 5.125])  # hand means
    np.testing.assert_allclose(means["MSC"].x, [0, np.median([180, 181, 182, 183]) / MONTH])
    # t-based 95% CI of the mean at baseline, by hand: sd of (5, 6, 6.5, 4) with t(3)
    half = 3.182446305284263 * np.std([5, 6, 6.5, 4], ddof=1) / 2
    assert means["MSC"].error_y.array[0] == pytest.approx(half)
    assert [s.x0 for s in fig.layout.shapes] == pytest.approx([0, 90 / MONTH])
    lines = [tr for tr in fig.data if tr.name.startswith("Subjects")]
    assert len(lines) == 2 and all(tr.visible == "legendonly" for tr in lines)
    assert "S1" in {row[0] for row in lines[0].customdata if row[0] is not None}
    assert fig.layout.xaxis.title.text == "Months since first injection"
    assert fig.layout.yaxis.title.text == "EDSS (score)"


def test_trajectory_of_a_log_scale_outcome_uses_geometric_means_and_a_log_axis():
    t = _trial()
    fig = trajectory_figure(trajectory(t, "T25FW"), outcome=t.outcome("T25FW"), arms=t.arms)
    msc = next(tr for tr in fig.data if tr.name == "MSC")
    assert msc.y[0] == pytest.approx(np.exp(np.mean(np.log([10.0, 8.0, 12.0, 20.0]))))
    assert fig.layout.yaxis.type == "log"
    assert "geometric mean" in fig.layout.title.text


def test_estimation_plot_pairs_each_subject_and_shows_g_with_its_interval():
    import pingouin as pg

    t = load_sample("two_arm")
    effects = effect_sizes(t, n_boot=400, seed=1)
    rows = effects[(effects["outcome"] == "T25FW") & (effects["visit"] == "Month 12")]
    dist = {a: bootstrap_distribution(t, "T25FW", "Month 12", a,
                                      settings=AnalysisSettings(n_boot=400, seed=1))
            for a in t.arms}
    fig = estimation_figure(paired_frame(t, "T25FW", "Month 12"), outcome=t.outcome("T25FW"),
                            effects=rows, distribution=dist, arms=t.arms)
    # the raw values, paired here
    m = t.measurements[t.measurements["outcome"] == "T25FW"]
    wide = m.pivot_table(index="subject_id", columns="visit", values="value")
    arm = t.subjects.set_index("subject_id")["arm"]
    msc = wide[arm.reindex(wide.index) == t.arms[0]][["Baseline", "Month 12"]].dropna()
    paired = [tr for tr in fig.data if tr.type == "scatter" and tr.mode == "lines+markers"]
    assert [tr.name for tr in paired] == list(t.arms)
    first = msc.index[0]
    assert list(paired[0].y[:2]) == [msc.loc[first, "Baseline"], msc.loc[first, "Month 12"]]
    assert np.isnan(paired[0].y[2])  # a gap before the next subject
    assert np.isfinite(np.asarray(paired[0].y, float)).sum() == 2 * len(msc)
    g = -pg.compute_effsize(msc["Month 12"], msc["Baseline"], paired=True, eftype="hedges")
    marker = next(tr for tr in fig.data if tr.type == "scatter" and tr.xaxis == "x2"
                  and tr.mode == "markers" and tr.x[0] == 0)
    assert marker.y[0] == pytest.approx(g)  # lower is better: sign flipped
    lo, hi = pg.compute_bootci(msc["Month 12"].to_numpy(), msc["Baseline"].to_numpy(),
                               func="hedges", paired=True, n_boot=400, seed=1, method="bca",
                               decimals=10)
    assert marker.y[0] + marker.error_y.array[0] == pytest.approx(-lo)
    assert marker.y[0] - marker.error_y.arrayminus[0] == pytest.approx(-hi)
    # The bootstrap density is computed here, not in the browser: one outline per
    # panel spanning exactly the 400 draws' range, its widest point at the draws' mode.
    violins = [tr for tr in fig.data if tr.name and tr.name.endswith(" bootstrap")]
    assert len(violins) == 2 and all(tr.fill == "toself" for tr in violins)
    assert len(violins[0].y) == 82
    draws = np.asarray(dist[t.arms[0]], float)
    assert violins[0].y[0] == pytest.approx(draws.min(), abs=1e-4)
    assert violins[0].y[-1] == pytest.approx(draws.max(), abs=1e-4)
    widest = np.asarray(violins[0].y)[np.argmax(violins[0].x)]
    counts, edges = np.histogram(draws, bins=12)
    assert edges[max(np.argmax(counts) - 1, 0)] <= widest <= edges[min(np.argmax(counts) + 2, 12)]
    assert "%{customdata[0]} · %{customdata[1]}" in paired[0].hovertemplate
    assert first in {row[0] for row in paired[0].customdata}


def test_waterfall_shows_percent_change_sorted_with_the_20_percent_band():
    t = _trial()
    resp = responders(t, "Month 6")
    fig = waterfall_figure(paired_frame(t, "T25FW", "Month 6"), outcome=t.outcome("T25FW"),
                           status=resp[resp["outcome"] == "T25FW"], visit="Month 6",
                           arms=t.arms)
    bars = [tr for tr in fig.data if tr.name in ("improved", "stable", "worsened")
            and tr.xaxis == "x"]
    got = {x: y for tr in bars for x, y in zip(tr.x, tr.y, strict=True)}
    want = {"S1": -30.0, "S2": 5.0, "S3": 100 * 0.5 / 12, "S4": -30.0}
    assert got == pytest.approx(want)
    colour = {tr.name: tr.marker.color for tr in bars}
    assert colour["improved"] == STATUS_COLORS["improved"]
    improved = next(tr for tr in bars if tr.name == "improved")
    assert set(improved.x) == {"S1", "S4"}  # 30% faster: beyond the 20% rule
    band = next(tr for tr in fig.data if tr.name == "meaningful change" and tr.xaxis == "x")
    assert list(band.base) == pytest.approx([-20.0] * 4)
    # most improved first (lower is better)
    assert list(fig.layout.xaxis.categoryarray)[-1] == "S2"
    assert fig.layout.yaxis.title.text == "Change from baseline (%)"


def test_waterfall_of_edss_is_in_points_with_the_baseline_dependent_step():
    t = _trial()
    fig = waterfall_figure(paired_frame(t, "EDSS", "Month 6"), outcome=t.outcome("EDSS"),
                           arms=t.arms)
    band = next(tr for tr in fig.data if tr.name == "meaningful change" and tr.xaxis == "x")
    baseline = dict(zip(["S1", "S2", "S3", "S4"], [5.0, 6.0, 6.5, 4.0], strict=True))
    assert [-b for b in band.base] == [1.0 if baseline[s] <= 5.5 else 0.5 for s in band.x]
    assert fig.layout.yaxis.title.text == "Change from baseline (points)"


def test_responder_bars_count_subjects_by_the_rule():
    t = _trial()
    resp = responders(t, "Month 6")
    fig = responder_figure(resp[resp["outcome"] == "EDSS"], arms=t.arms)
    by = {tr.name: dict(zip(tr.y, tr.customdata[:, 0], strict=True)) for tr in fig.data}
    # MSC EDSS: 5->4 improved (1.0 step), 6->6 stable, 6.5->6 improved (0.5), 4->4.5 stable
    assert by["improved"]["EDSS · MSC"] == 2 and by["worsened"]["EDSS · MSC"] == 0
    # Sham: 5.5->5.5 stable, 6->6.5 worsened (0.5 above 5.5), 3.5->4.5 worsened, 6.5 stable
    assert by["worsened"]["EDSS · Sham"] == 2 and by["stable"]["EDSS · Sham"] == 2
    pct = sum(next(tr for tr in fig.data if tr.name == s).x[0] for s in
              ("improved", "stable", "worsened"))
    assert pct == pytest.approx(100)


def test_registry_size_arm_is_aggregated_not_sent_subject_by_subject():
    from msc_dash.figures import clinical
    from msc_dash.outcomes import REGISTRY

    n = 20_000
    rng = np.random.default_rng(5)
    base = rng.lognormal(2.2, 0.3, n)
    value = base * rng.lognormal(0.0, 0.1, n)
    pairs = pd.DataFrame({"subject_id": [f"R{i:06d}" for i in range(n)], "arm": "All",
                          "baseline": base, "value": value, "change": value - base,
                          "pct_change": 100 * (value - base) / base})
    out = REGISTRY["T25FW"]
    effects = pd.DataFrame({"arm": ["All"], "visit": ["Month 12"], "hedges_g": [0.1],
                            "hedges_g_ci_low": [0.05], "hedges_g_ci_high": [0.15],
                            "estimable": [True], "n": [n]})
    est = clinical.estimation_figure(pairs, outcome=out, effects=effects, visit="Month 12")
    fall = clinical.waterfall_figure(pairs, outcome=out, visit="Month 12")
    for fig in (est, fall):
        # subject by subject the estimation plot alone was 2.7 MB of JSON here
        assert len(fig.to_json()) < 400_000
    assert "too many to draw one by one" in _title(est)
    assert "each bar: the median of about 20 subjects" in _title(fall)
    assert sum(len(t.x) for t in fall.data if t.type == "bar" and t.name != "meaningful change") \
        == clinical.MAX_SUBJECT_MARKS // 2


def test_trajectory_sends_no_line_per_subject_for_a_registry_size_arm():
    from msc_dash.figures import clinical
    from msc_dash.outcomes import REGISTRY

    n = clinical.MAX_SUBJECT_MARKS + 1
    frame = pd.DataFrame({"arm": "All", "visit": ["BL", "M12"], "day": [0, 365], "n": [n, n],
                          "mean": [40.0, 42.0], "ci_low": [39.0, 41.0], "ci_high": [41.0, 43.0]})
    subjects = pd.DataFrame({"subject_id": np.repeat([f"R{i}" for i in range(n)], 2),
                             "arm": "All", "visit": ["BL", "M12"] * n, "day": [0, 365] * n,
                             "value": 40.0})
    fig = clinical.trajectory_figure(frame, outcome=REGISTRY["SDMT"], subjects=subjects,
                                     show_subjects=True)
    assert [t.name for t in fig.data] == ["All"]  # the mean only
    assert "no line per subject" in _title(fig)


def test_registry_size_correlation_draws_a_stated_sample_with_webgl():
    from msc_dash.correlations import correlate
    from msc_dash.figures import clinical, correlation_figure
    from msc_dash.outcomes import REGISTRY

    n = 3 * clinical.MAX_SUBJECT_MARKS
    rng = np.random.default_rng(2)
    x = rng.normal(0, 10, 2 * n)
    frame = pd.DataFrame({"subject_id": np.repeat([f"R{i:05d}" for i in range(n)], 2),
                          "arm": "All", "visit": ["M6", "M12"] * n,
                          "x": x, "y": 0.5 * x + rng.normal(0, 5, 2 * n)})
    stats = correlate(frame)
    fig = correlation_figure(frame, x_outcome=REGISTRY["NFL"], y_outcome=REGISTRY["EDSS"],
                             stats=stats)
    dots = fig.data[0]
    assert dots.type == "scattergl" and len(dots.x) == 2 * clinical.MAX_SUBJECT_MARKS
    assert len({c[0] for c in dots.customdata}) == clinical.MAX_SUBJECT_MARKS
    assert f"{clinical.MAX_SUBJECT_MARKS:,} random subjects per arm (up to {n:,})" in _title(fig)
    # the least-squares line is fitted to every subject, not the drawn sample
    slope = np.polyfit(frame["x"], frame["y"], 1)[0]
    line = fig.data[-1]
    assert (line.y[1] - line.y[0]) / (line.x[1] - line.x[0]) == pytest.approx(slope)
    small = correlation_figure(frame.iloc[:100], x_outcome=REGISTRY["NFL"],
                               y_outcome=REGISTRY["EDSS"])
    assert small.data[0].type == "scatter" and "random subjects" not in _title(small)
