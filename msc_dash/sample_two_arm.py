"""The two-arm sample trial (SIMULATED), shaped like Harris et al., Stem Cell Res Ther 2024.

27 MSC-NP vs 27 saline, visits Baseline, Month 3, Month 6, Month 12. Drawn
from seeded streams like the single-arm sample (:mod:`msc_dash.sample`); the
functions below run in a fixed order on shared random streams, so the data are
the same byte for byte on every run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .sample import (
    _AE_RATES,
    _SOC,
    SEED,
    VISITS_2ARM,
    _adverse_events,
    _between,
    _draw,
    _half,
    _long,
    _rnd,
)

N = 54  # 27 per arm


def _edss_plus_improved(edss, t25, nhpt) -> np.ndarray:
    """EDSS-Plus improvement (Harris et al. 2024): any component improves, none worsens."""
    (e0, e1), (t0, t1), (h0, h1) = edss, t25, nhpt
    step = np.where(e0 <= 5.5, 1.0, 0.5) - 1e-9
    better = (e0 - e1 >= step) | ((t0 - t1) >= 0.2 * t0 - 1e-9) | ((h0 - h1) >= 0.2 * h0 - 1e-9)
    worse = (e1 - e0 >= step) | ((t1 - t0) >= 0.2 * t0 - 1e-9) | ((h1 - h0) >= 0.2 * h0 - 1e-9)
    return better & ~worse


def _by_arm(rng, treated, values) -> np.ndarray:
    out = np.empty(len(treated), dtype=object)
    out[treated] = rng.permutation(values)
    out[~treated] = rng.permutation(values)
    return out.astype(str)


def _arms() -> np.ndarray:
    """Randomised in permuted blocks of 6, the treatment arm listed first."""
    block_rng = np.random.default_rng([SEED, 19])
    arms = np.concatenate([block_rng.permutation(["MSC-NP"] * 3 + ["Saline"] * 3)
                           for _ in range(N // 6)])
    if arms[0] != "MSC-NP":
        first = int(np.argmax(arms[:6] == "MSC-NP"))
        arms[[0, first]] = arms[[first, 0]]
    return arms


def _subjects(rng, arms: np.ndarray, treated: np.ndarray) -> pd.DataFrame:
    def make_subj(r):
        return _half(r.choice([3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5], N,
                              p=[0.04, 0.06, 0.1, 0.1, 0.08, 0.12, 0.22, 0.28]))

    def ok_subj(edss):
        sub = edss >= 6.0
        return sub[treated].sum() == 11 and sub[~treated].sum() == 11

    edss0 = _draw("2arm-subjects", make_subj, ok_subj)
    age = np.clip(np.round(rng.normal(51, 8, N)), 25, 65).astype(int)
    return pd.DataFrame({
        "subject_id": [f"H{i + 1:02d}" for i in range(N)], "arm": arms,
        "ms_type": _by_arm(rng, treated, ["SPMS"] * 19 + ["PPMS"] * 8),
        "sex": _by_arm(rng, treated, ["F"] * 15 + ["M"] * 12),
        "age": age,
        "disease_duration_years": np.round(np.clip(rng.gamma(4.5, 3.8, N), 3, age - 18), 1),
        "baseline_edss": edss0, "route": "IT",
    })


def _schedule(rng, subjects: pd.DataFrame, treated: np.ndarray):
    """(visit days, subject x visit; NaN = missed) and the injections table."""
    days = np.column_stack([np.zeros(N), 91 + rng.integers(-10, 11, N),
                            182 + rng.integers(-12, 13, N), 365 + rng.integers(-18, 19, N)])
    order = rng.permutation(N)
    days[order[:2], 3] = np.nan        # two left before Month 12
    days[order[2:4], 1] = np.nan       # two missed Month 3
    inj_rows = []
    for i, sid in enumerate(subjects["subject_id"]):
        last = np.nanmax(days[i])
        for k in range(6):
            day = 0 if k == 0 else 61 * k + int(rng.integers(-7, 8))
            if day > last + 60:
                break
            inj_rows.append((sid, k + 1, day, "IT", 10.0 if treated[i] else 0.0))
    injections = pd.DataFrame(inj_rows, columns=["subject_id", "injection_number", "day",
                                                 "route", "dose_million_cells"])
    return days, injections


def _t25fw(edss0, treated, seen, mask) -> np.ndarray:
    nv, sub, m12 = len(VISITS_2ARM), edss0 >= 6.0, seen[:, 3]

    def make_t25(rng):
        logb = np.log(5.5) + 0.35 * (edss0 - 3.0) + rng.normal(0, 0.2, N)
        frac = np.array([0, 0.35, 0.65, 1.0])
        # outside the subgroup the saline arm improves a little more (as published:
        # EDSS-Plus improvement 33% MSC-NP vs 37% saline overall)
        end = np.where(treated, rng.normal(-0.03, 0.12, N), rng.normal(-0.10, 0.14, N))
        end = np.where(sub & treated, rng.normal(-0.066, 0.236, N), end)
        end = np.where(sub & ~treated, rng.normal(0.338, 0.434, N), end)
        lr = frac[None, :] * end[:, None] + rng.normal(0, 0.05, (N, nv))
        lr[:, 0] = 0
        return mask(_rnd(np.exp(logb[:, None] + lr), 1))

    def ok_t25(m):
        from scipy import stats

        imp = (m[:, 0] - m[:, 3]) / m[:, 0] * 100
        a, b = imp[sub & treated & m12], imp[sub & ~treated & m12]
        return (_between(a.mean(), 1, 6.5) and _between(a.std(ddof=1), 19, 27)
                and _between(b.mean(), -60, -49) and _between(b.std(ddof=1), 58, 83)
                and stats.ttest_ind(a, b, equal_var=False).pvalue < 0.05)

    return _draw("2arm-T25FW", make_t25, ok_t25)


def _edss_nhpt(edss0, treated, seen, mask, t25):
    nv, m12 = len(VISITS_2ARM), seen[:, 3]

    def make_edss_nhpt(rng):
        mat = np.tile(edss0[:, None], (1, nv))
        level = np.zeros(N)
        for j in range(1, nv):
            level += rng.choice([-0.5, 0.0, 0.5], N, p=[0.12, 0.76, 0.12])
            mat[:, j] = np.clip(edss0 + np.clip(level, -1.5, 1.0), 0, 9.5)
        logb = np.log(26.0) + 0.15 * (edss0 - 3.0) + rng.normal(0, 0.2, N)
        end = np.where(treated, rng.normal(-0.02, 0.14, N), rng.normal(-0.08, 0.15, N))
        lr = np.array([0, 0.4, 0.7, 1.0])[None, :] * end[:, None] + rng.normal(0, 0.04, (N, nv))
        lr[:, 0] = 0
        return mask(mat), mask(_rnd(np.exp(logb[:, None] + lr), 1))

    def ok_edss_nhpt(v):
        e, h = v
        imp = _edss_plus_improved((e[:, 0], e[:, 3]), (t25[:, 0], t25[:, 3]), (h[:, 0], h[:, 3]))
        return imp[treated & m12].sum() == 9 and imp[~treated & m12].sum() == 10

    return _draw("2arm-EDSS", make_edss_nhpt, ok_edss_nhpt)


def _others(treated, mask):
    nv = len(VISITS_2ARM)

    def make_other(rng):
        sd_b = np.clip(np.round(rng.normal(40, 12, N)), 10, 80)
        sd = sd_b[:, None] + np.array([0, 0.5, 1.0, 1.2]) * np.where(treated, 1.0, 0.3)[:, None]
        sd = sd + rng.normal(0, 3, (N, nv))
        sd[:, 0] = sd_b
        nfl_b = np.log(16.0) + rng.normal(0, 0.4, N)
        path = np.array([0, -0.05, -0.08, -0.10])[None, :] * np.where(treated, 1, 0.2)[:, None]
        nfl = np.exp(nfl_b[:, None] + path + rng.normal(0, 0.15, (N, nv)) * (np.arange(nv) > 0))
        ws_b = np.clip(np.round(rng.normal(42, 8, N)), 12, 60)
        ws = ws_b[:, None] + rng.normal(0, 3, (N, nv)) * (np.arange(nv) > 0)
        ws = np.clip(np.round(ws), 12, 60)
        return (mask(np.clip(np.round(sd), 0, 110)), mask(_rnd(nfl, 1)),
                mask(_rnd((ws - 12) / 48 * 100, 1)))

    return _draw("2arm-other", make_other, lambda v: True)


def _events(subjects: pd.DataFrame, treated: np.ndarray, injections: pd.DataFrame):
    serious = [
        (subjects["subject_id"][np.flatnonzero(treated)[5]], "Urinary tract infection", 143,
         _SOC["Urinary tract infection"], "severe", True, "unlikely", 3),
        (subjects["subject_id"][np.flatnonzero(~treated)[8]], "Fall", 230, _SOC["Fall"],
         "severe", True, "not related", 4),
    ]
    events = _adverse_events(np.random.default_rng([SEED, 21]), injections,
                             {**_AE_RATES, "Pyrexia": (0.04, (0, 1), ("probable",))},
                             serious=serious, scale=0.45)
    # MSC-NP recipients report more transient fever (Harris et al. 2024).
    rng2 = np.random.default_rng([SEED, 22])
    extra = [(r.subject_id, "Pyrexia", int(r.day + rng2.integers(0, 2)), _SOC["Pyrexia"],
              "mild", False, "probable", int(r.injection_number))
             for r in injections[injections["dose_million_cells"] > 0].itertuples()
             if rng2.random() < 0.08]
    events = pd.concat([events, pd.DataFrame(extra, columns=events.columns)], ignore_index=True)
    return events.sort_values(["subject_id", "onset_day", "term"],
                              kind="stable").reset_index(drop=True)


def two_arm() -> dict[str, pd.DataFrame]:
    """The four tables of the two-arm sample (calibrated to Harris et al. 2024).

    Examples
    --------
    >>> tables = two_arm()
    >>> tables["subjects"]["arm"].value_counts().to_dict()
    {'MSC-NP': 27, 'Saline': 27}
    """
    arms = _arms()
    treated = arms == "MSC-NP"
    rng = np.random.default_rng([SEED, 20])
    subjects = _subjects(rng, arms, treated)
    days, injections = _schedule(rng, subjects, treated)
    seen = ~np.isnan(days)

    def mask(mat):
        mat = mat.copy()
        mat[~seen] = np.nan
        return mat

    edss0 = subjects["baseline_edss"].to_numpy()
    mats = {"T25FW": _t25fw(edss0, treated, seen, mask)}
    mats["EDSS"], mats["NHPT"] = _edss_nhpt(edss0, treated, seen, mask, mats["T25FW"])
    mats["SDMT"], mats["NFL"], mats["MSWS12"] = _others(treated, mask)
    return {"subjects": subjects, "measurements": _long(subjects, days, VISITS_2ARM, mats),
            "adverse_events": _events(subjects, treated, injections), "injections": injections}
