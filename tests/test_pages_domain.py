"""The clinical domain pages in Streamlit's AppTest: both samples, missing outcomes,
outcomes outside the registry, and what the charts hold."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from streamlit.testing.v1 import AppTest

from msc_dash import load_sample
from msc_dash.trial import Trial
from msc_dash.ui import settings, state
from msc_dash.ui.data import UPLOAD

ROOT = Path(__file__).resolve().parents[1]
SINGLE = "Sample trial (simulated, single arm)"
TWO_ARM = "Sample two-arm trial (simulated)"
DOMAIN_PAGES = ["mobility", "disability", "cognition", "biomarkers", "patient_reported"]


def _app(sample: str | None = None, trial: Trial | None = None,
         outcome_settings: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if trial is not None:  # as if uploaded: the upload radio keeps the last loaded trial
        at.session_state["data_choice"] = UPLOAD
        at.session_state[state.FULL_TRIAL] = trial
    else:
        at.session_state["data_choice"] = sample
    if outcome_settings:
        at.session_state[settings.OUTCOME_SETTINGS] = outcome_settings
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _array(values) -> np.ndarray:
    """A plotly JSON array: a list, or base64 ``bdata`` with its dtype."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


def _title(fig: dict) -> str:
    return fig["layout"]["title"]["text"]


@pytest.mark.parametrize("sample", [SINGLE, TWO_ARM], ids=["single_arm", "two_arm"])
@pytest.mark.parametrize("page", DOMAIN_PAGES)
def test_every_outcome_present_gets_its_section(page, sample):
    at = _open(_app(sample), page)
    trial = load_sample("single" if sample == SINGLE else "two_arm")
    domain = {"biomarkers": "biomarker", "patient_reported": "patient-reported"}.get(page, page)
    if page == "disability":  # one Functional System in detail, in an expander built when open
        assert not [h for h in at.subheader if "(FS_" in h.value]
        at.session_state["disability_fs_open"] = True
        at.run()
    headers = [h.value for h in at.subheader]
    for code in trial.outcomes_in(domain):
        if code.startswith("FS_") and code != "FS_VISUAL":
            continue  # one Functional System is shown in detail at a time
        assert any(f"({code})" in h for h in headers), (code, headers)
    shown = [c for c in trial.outcomes_in(domain)
             if not c.startswith("FS_") or c == "FS_VISUAL"]
    # the waterfall and responders wait, closed, in each outcome's per-subject expander
    boxes = [k for k in at.session_state if str(k).endswith("_per_subject")]
    assert len(boxes) == len(shown), boxes
    titles = [_title(f) for f in _figures(at)]
    assert not [t for t in titles if "change per subject" in t]
    for key in boxes:
        at.session_state[key] = True
    at.run()
    assert not at.exception
    titles = [_title(f) for f in _figures(at)]
    for code in shown:
        for kind in ("per visit", "baseline vs", "change per subject"):
            # issue 17 item 7: titled by the registry label, not the code
            label = trial.outcome(code).label
            assert any(t.startswith(f"{label}:") and kind in t for t in titles), (code, kind)


def test_missing_outcome_gets_a_note_where_its_section_would_be():
    at = _open(_app(SINGLE), "cognition")  # the single-arm sample has SDMT, not PASAT
    notes = " ".join(c.value for c in at.caption)
    assert "Paced Auditory Serial Addition Test (PASAT)** is not in the data" in notes
    at = _open(_app(TWO_ARM), "biomarkers")  # two-arm sample: NfL only
    notes = " ".join(c.value for c in at.caption)
    assert "(GFAP)** is not in the data" in notes


def test_trajectory_shows_geometric_means_with_t_intervals_on_a_log_axis():
    at = _open(_app(SINGLE), "biomarkers")
    fig = next(f for f in _figures(at) if _title(f).startswith("Serum neurofilament light:")
               and "per visit" in _title(f))
    assert fig["layout"]["yaxis"]["type"] == "log"
    mean = next(t for t in fig["data"] if t["name"] == "All")
    m = pd.read_csv(ROOT / "sample_data" / "measurements.csv")
    nfl = m[m["outcome"] == "NFL"]
    days = nfl.groupby("visit")["day"].median().sort_values()
    want, low, high = [], [], []
    for visit in days.index:
        logs = np.log(nfl.loc[nfl["visit"] == visit, "value"].to_numpy(float))
        half = stats.t.ppf(0.975, len(logs) - 1) * stats.sem(logs)
        want.append(np.exp(logs.mean()))
        low.append(np.exp(logs.mean() - half))
        high.append(np.exp(logs.mean() + half))
    y = _array(mean["y"])
    np.testing.assert_allclose(y, want, rtol=1e-9)
    np.testing.assert_allclose(y + _array(mean["error_y"]["array"]), high, rtol=1e-9)
    np.testing.assert_allclose(y - _array(mean["error_y"]["arrayminus"]), low, rtol=1e-9)
    np.testing.assert_allclose(_array(mean["x"]), days.to_numpy() / (365.25 / 12), rtol=1e-9)


def test_estimation_plot_shows_pingouins_hedges_g():
    import pingouin as pg

    at = _open(_app(SINGLE), "cognition")
    fig = next(f for f in _figures(at) if _title(f).startswith("Symbol Digit Modalities Test:<br>baseline vs"))
    visit = at.selectbox(key="visit").value
    m = pd.read_csv(ROOT / "sample_data" / "measurements.csv")
    s = m[m["outcome"] == "SDMT"].pivot_table(index="subject_id", columns="visit",
                                              values="value")
    s = s[["Baseline", visit]].dropna()
    g = pg.compute_effsize(s[visit], s["Baseline"], paired=True, eftype="hedges")
    marker = next(t for t in fig["data"] if t.get("xaxis") == "x2" and t.get("mode") == "markers")
    assert _array(marker["y"])[0] == pytest.approx(g, rel=1e-9)  # higher is better: no flip
    paired = next(t for t in fig["data"] if t.get("mode") == "lines+markers")
    ys = _array(paired["y"])
    assert np.nansum(ys) == pytest.approx(s.to_numpy().sum())


def test_outcome_outside_the_registry_goes_to_other_then_to_the_domain_given():
    base = load_sample("single")
    extra = base.measurements[base.measurements["outcome"] == "SDMT"].assign(
        outcome="GRIP", value=lambda d: d["value"] / 2)
    trial = Trial.from_tables(base.subjects, pd.concat([base.measurements, extra]),
                              base.adverse_events, base.injections)
    at = _open(_app(trial=trial), "other")
    assert any("GRIP" in h.value for h in at.subheader)
    assert any(_title(f).startswith("GRIP:") for f in _figures(at))

    moved = {"GRIP": {"label": "Grip strength", "domain": "mobility", "unit": "kg",
                      "better": "higher"}}
    at = _open(_app(trial=trial, outcome_settings=moved), "mobility")
    assert any(h.value == "Grip strength (GRIP)" for h in at.subheader)
    fig = next(f for f in _figures(at) if _title(f).startswith("Grip strength:")
               and "per visit" in _title(f))
    assert fig["layout"]["yaxis"]["title"]["text"] == "Grip strength (kg)"


def _band(at: AppTest) -> np.ndarray:
    fig = next(f for f in _figures(at) if _title(f).startswith("Timed 25-Foot Walk:<br>change per"))
    return _array(next(t for t in fig["data"] if t["name"] == "meaningful change")["base"])


def _per_subject(at: AppTest, key: str = "mobility_T25FW") -> AppTest:
    """The page after opening an outcome's per-subject expander (built only when open)."""
    assert not [f for f in _figures(at) if "change per" in _title(f)]
    at.session_state[f"{key}_per_subject"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_meaningful_change_rule_setting_reaches_the_waterfall():
    assert np.allclose(_band(_per_subject(_open(_app(SINGLE), "mobility"))), -20)
    # AppTest drops app.py's widgets after switch_page: set the slider before the first run
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["data_choice"] = SINGLE
    at.session_state["set_timed_pct"] = 15
    at.run()
    assert np.allclose(_band(_per_subject(_open(at, "mobility"))), -15)


def test_data_page_offers_the_editor_for_outcomes_outside_the_registry():
    base = load_sample("single")
    extra = base.measurements[base.measurements["outcome"] == "SDMT"].assign(outcome="GRIP")
    trial = Trial.from_tables(base.subjects, pd.concat([base.measurements, extra]))
    at = _open(_app(trial=trial), "data")
    assert "Outcomes outside the registry" in [h.value for h in at.subheader]
    at = _open(_app(SINGLE), "data")  # every sample outcome is in the registry
    assert "Outcomes outside the registry" not in [h.value for h in at.subheader]


def test_domain_page_states_the_trend_per_arm():
    from msc_dash.trends import trend_models, trend_text

    at = _open(_app(TWO_ARM), "cognition")
    trial = load_sample("two_arm")
    rows = trend_models(trial, outcomes=("SDMT",))
    caption = next(c.value for c in at.caption if c.value.startswith("Trend over all visits"))
    assert "within each arm" in caption
    for row in rows.to_dict("records"):
        # captions escape Markdown: compare without the backslashes
        assert f"{row['arm']}: {trend_text(row, 'correct answers')}" in caption.replace("\\", "")
