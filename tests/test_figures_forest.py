"""Forest plot structure: rows, groups, zero line, favours labels, non-estimable rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from msc_dash.figures.forest import NOT_ESTIMABLE_COLOR, forest_figure
from msc_dash.figures.style import arm_colors

NAN = float("nan")


def _effects(arms=("All",)):
    """Five outcomes in three domains per arm; SDMT not estimable in the first arm."""
    spec = [("T25FW", "mobility", 0.45), ("NHPT", "mobility", -0.2),
            ("SDMT", "cognition", 0.3), ("NFL", "biomarker", 0.9), ("EDSS", "disability", 0.1)]
    rows = []
    for a, arm in enumerate(arms):
        for k, (code, domain, g) in enumerate(spec):
            bad = code == "SDMT" and a == 0
            rows.append(dict(
                arm=arm, outcome=code, domain=domain, visit="Month 12", n=16 - k - a,
                hedges_g=NAN if bad else g + a * 0.1,
                hedges_g_ci_low=NAN if bad else g + a * 0.1 - 0.3,
                hedges_g_ci_high=NAN if bad else g + a * 0.1 + 0.35,
                p_ttest=NAN if bad else 0.01 * (k + 1), estimable=not bad,
                note="n < 3" if bad else ""))
    return pd.DataFrame(rows)


def _points(fig):
    """(trace name, x, y, hovertext) of every drawn point."""
    return [(t.name, x, y, h) for t in fig.data
            for x, y, h in zip(t.x, t.y, t.hovertext, strict=True)]


def test_every_row_drawn_once_grouped_by_domain_in_registry_order():
    e = _effects()
    fig = forest_figure(e)
    assert len(_points(fig)) == len(e)
    ticks = list(fig.layout.yaxis.ticktext)
    # domains in DOMAINS order (not order of appearance), headers in bold
    assert ticks == [
        "<b>Mobility</b>", "T25FW (n=16)", "NHPT (n=15)",
        "<b>Disability</b>", "EDSS (n=12)",
        "<b>Cognition</b>", f'<span style="color:{NOT_ESTIMABLE_COLOR}">SDMT (n=14)</span>',
        "<b>Biomarkers</b>", "NFL (n=13)",
    ]
    # each estimate sits on its label's tick
    tick_y = dict(zip(ticks, fig.layout.yaxis.tickvals, strict=True))
    by_name = {h.split("<br>")[0]: y for _, _, y, h in _points(fig)}
    assert by_name["<b>T25FW</b>"] == tick_y["T25FW (n=16)"]
    assert by_name["<b>NFL</b>"] == tick_y["NFL (n=13)"]
    # first row at the top
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]
    assert [r[1] for r in fig.layout.meta["rows"]] == ["T25FW", "NHPT", "EDSS", "SDMT", "NFL"]


def test_error_bars_are_the_interval():
    e = _effects()
    fig = forest_figure(e)
    trace = fig.data[0]
    ok = e[e["estimable"]]
    np.testing.assert_allclose(trace.x, ok["hedges_g"])
    np.testing.assert_allclose(trace.error_x.array, ok["hedges_g_ci_high"] - ok["hedges_g"])
    np.testing.assert_allclose(trace.error_x.arrayminus, ok["hedges_g"] - ok["hedges_g_ci_low"])


def test_zero_line_and_favours_labels():
    fig = forest_figure(_effects())
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) == 1 and lines[0].x0 == 0 and lines[0].x1 == 0
    texts = [a.text for a in fig.layout.annotations]
    assert "← favours worsening" in texts and "favours improvement →" in texts
    left = next(a for a in fig.layout.annotations if a.text.startswith("←"))
    # on an extra row below the last estimate, just above the axis
    assert left.xanchor == "right" and left.yref == "y"
    assert left.y > max(fig.layout.yaxis.tickvals) and left.y < fig.layout.yaxis.range[0]
    # symmetric range around zero that holds every interval
    lo, hi = fig.layout.xaxis.range
    assert lo == -hi and hi >= 0.9 + 0.35
    assert fig.layout.xaxis.title.text == "Hedges' g (positive = improvement)"


def test_not_estimable_rows_are_grey_with_note_in_hover():
    fig = forest_figure(_effects())
    bad = [t for t in fig.data if t.name == "not estimable"]
    assert len(bad) == 1
    assert bad[0].marker.color == NOT_ESTIMABLE_COLOR
    assert list(bad[0].x) == [0.0]  # no estimate: drawn at zero
    assert "not estimable: n &lt; 3" in bad[0].hovertext[0]
    # estimable rows: estimate with CI, n and p in the hover
    first = fig.data[0].hovertext[0]
    assert "T25FW" in first and "0.450 [0.150, 0.800]" in first and "n = 16" in first
    assert "p (t-test) = 0.010" in first
    # all-estimable data has no grey trace
    ok = _effects()
    ok = ok[ok["estimable"]]
    assert [t.name for t in forest_figure(ok).data] == ["All"]


def test_two_arms_one_colour_each_side_by_side():
    e = _effects(arms=("MSC", "Placebo"))
    fig = forest_figure(e)
    colours = arm_colors(["MSC", "Placebo"])
    arm_traces = [t for t in fig.data if t.name in colours]
    assert [t.name for t in arm_traces] == ["MSC", "Placebo"]
    assert all(t.marker.color == colours[t.name] and t.showlegend for t in arm_traces)
    assert len(_points(fig)) == len(e)
    # arms of one outcome are dodged around the same tick, labelled with both n
    ticks = list(fig.layout.yaxis.ticktext)
    assert "T25FW (n=16/15)" in ticks
    y_tick = fig.layout.yaxis.tickvals[ticks.index("T25FW (n=16/15)")]
    ys = sorted(y for _, _, y, h in _points(fig) if h.startswith("<b>T25FW</b>"))
    assert len(ys) == 2 and ys[0] < y_tick < ys[1]
    assert ys[0] + ys[1] == pytest.approx(2 * y_tick)
    # a label is greyed only when no arm could be estimated
    assert "SDMT (n=14/13)" in ticks


def test_height_grows_with_rows():
    small = forest_figure(_effects())
    big = forest_figure(_effects(arms=("A",)).assign(
        outcome=lambda d: d["outcome"] + "_x").pipe(lambda d: pd.concat([_effects(), d])))
    assert big.layout.height > small.layout.height


def test_generic_use_for_subgroups():
    sub = pd.DataFrame({"level": ["SPMS", "PPMS", "age < 50"], "variable": ["ms_type"] * 2 + ["age"],
                        "diff": [0.5, -0.1, 0.2], "lo": [0.1, -0.6, -0.2], "hi": [0.9, 0.4, 0.6],
                        "size": [12, 11, 9]})
    fig = forest_figure(sub, value="diff", low="lo", high="hi", label_col="level",
                        group_col="variable", color_col=None, n_col="size",
                        x_title="Difference (treatment - control)",
                        favours=("control", "treatment"))
    assert list(fig.layout.yaxis.ticktext) == [
        "<b>ms_type</b>", "SPMS (n=12)", "PPMS (n=11)", "<b>age</b>", "age &lt; 50 (n=9)"]
    texts = [a.text for a in fig.layout.annotations]
    assert "← favours control" in texts and "favours treatment →" in texts
    assert len(fig.data) == 1 and not fig.data[0].showlegend


def test_labels_and_no_groups():
    e = _effects()
    fig = forest_figure(e, group_col=None, labels={"T25FW": "Walk"}, n_col=None)
    assert list(fig.layout.yaxis.ticktext)[0] == "Walk"
    assert not any(t.startswith("<b>") for t in fig.layout.yaxis.ticktext)


def _many(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    g = rng.normal(size=n)
    return pd.DataFrame({"outcome": [f"X{i}" for i in range(n)], "domain": "other",
                         "arm": ["A", "B"] * (n // 2), "n": 10, "hedges_g": g,
                         "hedges_g_ci_low": g - 0.3, "hedges_g_ci_high": g + 0.3})


def test_ten_thousand_outcomes_drawn_quickly_with_a_note():
    import time

    from msc_dash.figures import forest

    start = time.perf_counter()
    fig = forest.forest_figure(_many(10_000), title="Effects")
    assert time.perf_counter() - start < 10  # was quadratic: not finished in 10 minutes
    assert len(fig.layout.meta["rows"]) == forest.MAX_FOREST_ROWS  # 300 labels, one arm each
    assert fig.layout.meta["rows_total"] == 10_000
    assert "Showing the first 300 of 10000 rows" in fig.layout.title.text


def test_forest_time_grows_linearly(monkeypatch):
    import time

    from msc_dash.figures import forest

    monkeypatch.setattr(forest, "MAX_FOREST_ROWS", 10**9)

    def seconds(n):
        start = time.perf_counter()
        forest.forest_figure(_many(n))
        return time.perf_counter() - start

    seconds(200)  # warm-up
    small, large = seconds(500), seconds(2000)
    # 4x the rows: quadratic code took ~16x (400 rows 1.8 s, 800 rows 6.6 s)
    assert large < 8 * small + 0.5, (small, large)
