"""Inputs of tests/reference/mmrm.R: the rows msc_dash's MMRM fits, for R to fit the same.

``python tests/reference/mmrm_inputs.py`` writes ``mmrm_input.csv`` (one row per
subject x follow-up visit x outcome x dataset: ``dataset, outcome, subject_id,
arm, treated, visit, visit_index, covariate, y, cbar``) from

* ``single``: the bundled single-arm sample (every outcome),
* ``two_arm``: the bundled two-arm sample (every outcome, MSC-NP vs Saline),
* ``dropout``: :func:`dropout_trial`, a generated sham-controlled trial in which
  a third of subjects miss the last visit (seed 15).

``cbar`` is the subjects' mean covariate, where R's emmeans evaluates the LS means.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from msc_dash.trial import Trial

HERE = Path(__file__).parent
VISITS = (("Baseline", 0), ("Month 3", 91), ("Month 6", 182), ("Month 12", 365))
#: (treatment, control) of each two-arm dataset; None for single-arm.
ARMS = {"single": None, "two_arm": ("MSC-NP", "Saline"), "dropout": ("MSC", "Sham")}


def dropout_trial(seed: int = 15, n_per_arm: int = 24) -> Trial:
    """A two-arm trial (MSC vs Sham) with correlated visits and dropout.

    Every third subject misses Month 12 and every seventh Month 6, so a
    third of subjects have no last visit. SDMT (linear) improves by 3 points
    at Month 12 under MSC; T25FW (log scale) by 10%.
    """
    rng = np.random.default_rng(seed)
    corr = np.array([[1.0, 0.6, 0.4], [0.6, 1.0, 0.6], [0.4, 0.6, 1.0]])
    sd_s, sd_t = np.sqrt([1, 1.3, 1.7]), np.sqrt([1, 1.5, 2.2])
    subjects, rows = [], []
    for a, arm in enumerate(("MSC", "Sham")):
        for i in range(n_per_arm):
            sid = f"{arm[0]}{i:03d}"
            subjects.append({"subject_id": sid, "arm": arm})
            k = a * n_per_arm + i
            seen = [True, k % 7 != 3, k % 3 != 0]
            sdmt0 = 45 + 10 * rng.standard_normal()
            t0 = np.exp(np.log(8) + 0.35 * rng.standard_normal())
            e_s = rng.multivariate_normal(np.zeros(3), 9 * corr * np.outer(sd_s, sd_s))
            e_t = rng.multivariate_normal(np.zeros(3), 0.01 * corr * np.outer(sd_t, sd_t))
            rows += [(sid, "Baseline", 0, "SDMT", round(sdmt0)), (sid, "Baseline", 0, "T25FW",
                                                                  round(t0, 2))]
            for j, (visit, day) in enumerate(VISITS[1:]):
                if not seen[j]:
                    continue
                gain = (j + 1) / 3 * (a == 0)
                s = sdmt0 + 0.1 * (sdmt0 - 45) + 3 * gain + e_s[j]
                t = t0 * np.exp(0.04 * (j + 1) - 0.1 * gain + e_t[j])
                rows += [(sid, visit, day, "SDMT", round(s)), (sid, visit, day, "T25FW",
                                                               round(t, 2))]
    m = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "outcome", "value"])
    return Trial.from_tables(pd.DataFrame(subjects), m, source="generated dropout trial")


def datasets() -> dict[str, Trial]:
    """The three trials by dataset name."""
    from msc_dash.io import load_sample

    return {"single": load_sample("single"), "two_arm": load_sample("two_arm"),
            "dropout": dropout_trial()}


def input_rows() -> pd.DataFrame:
    """Every dataset's MMRM rows, as msc_dash.mmrm.analysis_frame builds them."""
    from msc_dash.mmrm import analysis_frame

    frames = []
    for name, trial in datasets().items():
        arms = ARMS[name]
        for code in trial.outcomes:
            frame, _ = analysis_frame(trial, code, None if arms is None else list(arms))
            if frame["subject_id"].nunique() < 3:
                continue
            cbar = frame.groupby("subject_id", observed=True)["covariate"].first().mean()
            frames.append(frame.assign(
                dataset=name, outcome=code, cbar=cbar,
                treated=0 if arms is None else (frame["arm"] == arms[0]).astype(int),
                visit_index=frame["visit"].cat.codes + 1, visit=frame["visit"].astype(str)))
    cols = ["dataset", "outcome", "subject_id", "arm", "treated", "visit", "visit_index",
            "covariate", "y", "cbar"]
    return pd.concat(frames, ignore_index=True)[cols]


if __name__ == "__main__":
    input_rows().to_csv(HERE / "mmrm_input.csv", index=False, float_format="%.17g")
    print(f"wrote {HERE / 'mmrm_input.csv'}")
