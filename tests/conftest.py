"""Shared fixtures: the bundled samples and small trials built in the test, and the app."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from msc_dash.trial import Trial

ROOT = Path(__file__).resolve().parents[1]
TWO_ARM_SAMPLE = "Sample two-arm trial (simulated)"

VISITS = (("Baseline", 0), ("Month 3", 90), ("Month 6", 180), ("Month 12", 365))
# code -> (baseline mean, baseline sd, mean change per follow-up visit, log scale?)
OUTCOME_SPECS = {
    "T25FW": (9.0, 3.0, -0.6, True),
    "EDSS": (6.0, 0.5, -0.2, False),
    "SDMT": (43.0, 12.0, 2.0, False),
    "NFL": (14.0, 4.0, -2.0, True),
}


def build_trial(n_per_arm=12, arms=None, outcomes=OUTCOME_SPECS, visits=VISITS, seed=1,
                with_events=True) -> Trial:
    """A small random trial made from scratch (independent of msc_dash.io).

    ``arms=None`` gives a single-arm trial (no ``arm`` column); otherwise a
    tuple of arm names, the first of which gets the stated change and the
    others none.
    """
    rng = np.random.default_rng(seed)
    arm_names = arms or (None,)
    subj, meas, aes, inj = [], [], [], []
    for a, arm in enumerate(arm_names):
        for i in range(n_per_arm):
            sid = f"{'S' if arm is None else arm[:1].upper()}{a}{i:03d}"
            row = {"subject_id": sid, "ms_type": ["SPMS", "PPMS"][i % 2],
                   "sex": ["M", "F"][(i // 2) % 2], "age": int(rng.integers(30, 66)),
                   "disease_duration_years": round(float(rng.uniform(5, 25)), 1),
                   "baseline_edss": float(rng.choice(np.arange(4.0, 7.01, 0.5)))}
            if arm is not None:
                row["arm"] = arm
            subj.append(row)
            for code, (mean, sd, delta, logscale) in outcomes.items():
                base = mean + sd * rng.standard_normal()
                if code == "EDSS":
                    base = row["baseline_edss"]
                base = max(base, 1.0)
                for k, (visit, day) in enumerate(visits):
                    eff = delta * k / max(len(visits) - 1, 1) * (a == 0)
                    noise = sd * 0.3 * rng.standard_normal() if k else 0.0
                    value = base + eff * (1 if not logscale else base / mean) + noise
                    if code == "EDSS":
                        value = float(np.clip(np.round(value * 2) / 2, 0, 10))
                    value = max(value, 0.5)
                    jitter = int(rng.integers(-7, 8)) if day else 0
                    meas.append((sid, visit, day + jitter, code, float(value)))
            for n, day in enumerate((0, 120), start=1):
                inj.append((sid, n, day, "IT", 50.0))
            if with_events and i % 3 == 0:
                aes.append((sid, "Headache", 2, "Nervous system disorders", "mild", False,
                            "possible", 1))
    subjects = pd.DataFrame(subj)
    measurements = pd.DataFrame(meas, columns=["subject_id", "visit", "day", "outcome",
                                               "value"])
    adverse_events = pd.DataFrame(aes, columns=["subject_id", "term", "onset_day",
                                                "body_system", "severity", "serious",
                                                "related", "injection_number"])
    injections = pd.DataFrame(inj, columns=["subject_id", "injection_number", "day",
                                            "route", "dose_million_cells"])
    return Trial.from_tables(subjects, measurements, adverse_events, injections,
                             source="test")


@pytest.fixture
def small_trial() -> Trial:
    """A single-arm trial of 12 subjects, 4 visits, 4 outcomes."""
    return build_trial()


@pytest.fixture
def two_arm_trial() -> Trial:
    """Two arms (MSC, Placebo) of 15 subjects each."""
    return build_trial(n_per_arm=15, arms=("MSC", "Placebo"), seed=2)


@pytest.fixture(scope="session")
def sample_trial():
    """The bundled simulated sample trial."""
    from msc_dash import load_sample

    return load_sample()


def open_page(path: str, data: str = TWO_ARM_SAMPLE, **state):
    """AppTest of ``app.py`` on the sample ``data``, then ``state`` set and page ``path`` run.

    ``path``: e.g. ``"pages/arms.py"``. Fails when the page raises.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["data_choice"] = data
    at.run()
    for k, v in state.items():
        at.session_state[k] = v
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception][:1]
    return at


def open_download_menus(at, *keys: str):
    """Open the "Download" menus of the charts / tables with these widget keys and rerun.

    A menu's buttons are made only while it is open (msc_dash.ui.export_widgets).
    """
    for key in keys:
        at.session_state[f"{key}__downloads"] = True
    return at.run()
