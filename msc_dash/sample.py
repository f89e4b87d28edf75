"""Simulated sample trials, calibrated to published figures (NOT real data).

``python -m msc_dash.sample [-o DIR]`` writes, byte for byte the same on
every run:

* ``DIR/{subjects,measurements,adverse_events,injections}.csv`` and
  ``DIR/sample_trial.xlsx``: a single-arm trial shaped like the seed analysis
  (Petrou et al., J Neuroimmunol 2025; 23 people with progressive MS, 2-3
  intrathecal MSC injections, 12-18 months of follow-up);
* ``DIR/two_arm/*.csv``: a two-arm trial shaped like Harris et al., Stem Cell
  Res Ther 2024 (27 MSC-NP vs 27 saline);
* ``DIR/README.md``: what the data are, the calibration table and how to
  regenerate them.

``python -m msc_dash.sample --check [-o DIR]`` prints the calibration table
(published figure vs the value in the simulated CSVs, computed with scipy).

Each block of simulated values (subjects, one outcome, ...) is drawn from its
own seeded stream; when a drawn block misses its published target by more
than the stated margin it is redrawn from the next sub-seed. The published
figures are therefore reproduced to within sampling margins by construction,
and the data carry no information beyond those figures.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["SEED", "calibration", "generate", "write_sample", "main"]

#: Master seed of both samples.
SEED = 20240229
#: Where ``python -m msc_dash.sample`` writes by default.
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "sample_data"

TABLE_NAMES = ("subjects", "measurements", "adverse_events", "injections")
VISITS = ("Baseline", "Post-injection 1", "Post-injection 2", "Month 12", "Month 18")
VISITS_2ARM = ("Baseline", "Month 3", "Month 6", "Month 12")
FS_CODES = ("FS_VISUAL", "FS_BRAINSTEM", "FS_PYRAMIDAL", "FS_CEREBELLAR", "FS_SENSORY",
            "FS_BOWEL_BLADDER", "FS_CEREBRAL")
FS_MAX = (6, 5, 6, 5, 6, 6, 5)
# decimals written for each outcome's value
DECIMALS = {"T25FW": 1, "NHPT": 1, "EDSS": 1, "FSS_SUM": 0, "SDMT": 0, "NFL": 1,
            "GFAP": 1, "MSIS29_PHYS": 1, "MSIS29_PSYCH": 1, "MSWS12": 1,
            **{c: 0 for c in FS_CODES}}
_FIXED_ZIP_TIME = (2024, 2, 29, 0, 0, 0)
_FIXED_DOC_TIME = "2024-02-29T00:00:00Z"

_SOC = {
    "Post-lumbar puncture headache": "Injury, poisoning and procedural complications",
    "Headache": "Nervous system disorders",
    "Back pain": "Musculoskeletal and connective tissue disorders",
    "Pyrexia": "General disorders and administration site conditions",
    "Injection site pain": "General disorders and administration site conditions",
    "Fatigue": "General disorders and administration site conditions",
    "Nausea": "Gastrointestinal disorders",
    "Dizziness": "Nervous system disorders",
    "Leg weakness (transient)": "Musculoskeletal and connective tissue disorders",
    "Urinary tract infection": "Infections and infestations",
    "Nasopharyngitis": "Infections and infestations",
    "Fall": "Injury, poisoning and procedural complications",
}
# term -> (probability per injection, onset days after it (low, high), relatedness choices)
_AE_RATES = {
    "Post-lumbar puncture headache": (0.30, (1, 3), ("probable", "definite")),
    "Headache": (0.12, (0, 2), ("possible", "probable")),
    "Back pain": (0.18, (0, 3), ("possible", "probable")),
    "Pyrexia": (0.12, (0, 1), ("probable", "definite")),
    "Injection site pain": (0.10, (0, 1), ("definite",)),
    "Fatigue": (0.06, (1, 5), ("possible",)),
    "Nausea": (0.05, (0, 2), ("possible",)),
    "Dizziness": (0.04, (0, 2), ("possible", "unlikely")),
    "Leg weakness (transient)": (0.05, (1, 4), ("possible", "probable")),
    "Urinary tract infection": (0.04, (10, 60), ("not related", "unlikely")),
    "Nasopharyngitis": (0.04, (10, 80), ("not related",)),
}


# --------------------------------------------------------------------- helpers
def _draw(key: str, make: Callable, accept: Callable, tries: int = 20000):
    """Draw ``make(rng)`` from sub-seeds of ``key`` until ``accept`` holds."""
    base = int.from_bytes(key.encode()[:8].ljust(8, b"\0"), "little") % (2**31)
    for k in range(tries):
        rng = np.random.default_rng([SEED, base, len(key), k])
        value = make(rng)
        if accept(value):
            return value
    raise RuntimeError(f"no draw of {key!r} met its calibration target")  # pragma: no cover


def _last(mat: np.ndarray) -> np.ndarray:
    """Each row's last non-NaN value after column 0 (NaN when none)."""
    out = np.full(mat.shape[0], np.nan)
    for j in range(1, mat.shape[1]):
        ok = ~np.isnan(mat[:, j])
        out[ok] = mat[ok, j]
    return out


def _paired_p(a, b) -> float:
    from scipy import stats

    ok = ~(np.isnan(a) | np.isnan(b))
    return float(stats.ttest_rel(b[ok], a[ok]).pvalue)


def _wilcoxon_p(a, b) -> float:
    from scipy import stats

    ok = ~(np.isnan(a) | np.isnan(b))
    return float(stats.wilcoxon(b[ok], a[ok]).pvalue)


def _between(x, lo, hi) -> bool:
    return bool(lo <= x <= hi)


def _rnd(x, d):
    return np.round(np.asarray(x, dtype=float), d)


def _half(x):
    return np.round(np.asarray(x, dtype=float) * 2) / 2


# ------------------------------------------------------------ single-arm trial
def _single_subjects() -> pd.DataFrame:
    n = 23

    def make(rng):
        edss = np.clip(_half(rng.normal(5.9, 0.85, n)), 4.0, 7.0)
        age = np.clip(np.round(rng.normal(50, 8.5, n)), 30, 65).astype(int)
        duration = np.round(np.clip(rng.gamma(4.0, 3.6, n), 3.0, age - 20), 1)
        return edss, age, duration

    def ok(v):
        edss, age, _ = v
        return (abs(edss.mean() - 5.9) <= 0.05 and abs(edss.std(ddof=1) - 0.8) <= 0.06
                and edss.min() <= 4.5 and age.min() <= 35 and age.max() >= 60)

    edss, age, duration = _draw("subjects", make, ok)
    rng = np.random.default_rng([SEED, 1])
    sex = rng.permutation(["M"] * 14 + ["F"] * 9)
    ms_type = rng.permutation(["SPMS"] * 15 + ["PPMS"] * 8)
    return pd.DataFrame({
        "subject_id": [f"P{i + 1:02d}" for i in range(n)], "ms_type": ms_type, "sex": sex,
        "age": age, "disease_duration_years": duration, "baseline_edss": edss, "route": "IT",
    })


def _single_schedule(n: int):
    """Injection days, visit days (NaN = missed) and the number of injections."""
    rng = np.random.default_rng([SEED, 2])
    n_inj = rng.permutation([3] * 15 + [2] * (n - 15))
    d2 = rng.integers(100, 161, n)                       # 3-5 months apart
    d3 = d2 + rng.integers(100, 141, n)
    inj = [[0, int(d2[i])] + ([int(d3[i])] if n_inj[i] == 3 else []) for i in range(n)]
    days = np.full((n, len(VISITS)), np.nan)
    days[:, 0] = 0
    days[:, 1] = d2 - rng.integers(0, 8, n)           # assessed before the 2nd injection
    days[:, 2] = np.where(n_inj == 3, d3 - rng.integers(0, 8, n), d2 + rng.integers(100, 131, n))
    days[:, 3] = 365 + rng.integers(-21, 22, n)
    days[:, 4] = 548 + rng.integers(-28, 29, n)
    order = rng.permutation(n)
    days[order[:9], 4] = np.nan                          # 14 of 23 reach Month 18
    days[order[9], 2] = np.nan                           # one missed Post-injection 2
    days[order[10], 3:] = np.nan                         # one left after Post-injection 2
    days[order[11], 1] = np.nan                          # one missed Post-injection 1
    return inj, days, n_inj


def _fs_profile(rng, severity, edss):
    means = np.array([0.5, 0.8, 3.1, 2.1, 1.5, 1.7, 1.1])
    raw = (means[None, :] + 0.36 * severity[:, None] + rng.normal(0, 0.7, (len(edss), 7)))
    raw[:, 2] += 0.5 * (edss - 5.9)
    return np.clip(np.round(raw), 0, np.array(FS_MAX)).astype(int)


def _fs_shift(rng, fs: np.ndarray, delta: int) -> np.ndarray:
    fs = fs.copy()
    for _ in range(abs(delta)):
        room = fs > 0 if delta < 0 else fs < np.array(FS_MAX)
        if not room.any():
            break
        j = rng.choice(np.flatnonzero(room))
        fs[j] += 1 if delta > 0 else -1
    return fs


def _single_outcomes(subjects: pd.DataFrame, days: np.ndarray) -> dict[str, np.ndarray]:
    """Outcome code -> (subjects x visits) matrix, NaN where not measured."""
    n, nv = days.shape
    seen = ~np.isnan(days)
    edss0 = subjects["baseline_edss"].to_numpy(float)
    out: dict[str, np.ndarray] = {}

    def mask(mat):
        mat = mat.copy()
        mat[~seen] = np.nan
        return mat

    # T25FW: the 16 least disabled walk repeatedly; 3 more only at baseline.
    rank = np.argsort(edss0 + np.arange(n) * 1e-3, kind="stable")
    walkers, base_only = rank[:16], rank[16:19]

    def make_t25(rng):
        logb = np.log(6.0) + 0.33 * (edss0 - 4.0) + rng.normal(0, 0.22, n)
        z = (logb - logb[walkers].mean()) / logb[walkers].std()
        lr = np.column_stack([
            np.zeros(n), rng.normal(-0.19, 0.14, n), rng.normal(-0.12, 0.15, n),
            -0.045 - 0.07 * z + rng.normal(0, 0.09, n), rng.normal(-0.02, 0.14, n)])
        mat = np.full((n, nv), np.nan)
        mat[walkers] = _rnd(np.exp(logb[walkers, None] + lr[walkers]), 1)
        mat[base_only, 0] = _rnd(np.exp(logb[base_only]), 1)
        return mask(mat)

    def ok_t25(m):
        b = m[:, 0]
        pct1 = np.nanmedian((m[:, 1] - b) / b) * 100
        pct12 = np.nanmedian((m[:, 3] - b) / b) * 100
        diff12 = np.nanmean(m[:, 3] - b)
        return (_between(pct1, -19, -15) and _between(pct12, -5.5, -3.5) and
                _between(diff12, -1.15, -0.85) and _between(_paired_p(b, m[:, 3]), 0.035, 0.065))

    out["T25FW"] = _draw("T25FW", make_t25, ok_t25)

    def make_nhpt(rng):
        logb = np.log(24.0) + 0.16 * (edss0 - 4.0) + rng.normal(0, 0.2, n)
        subj = rng.normal(-0.03, 0.05, n)
        lr = subj[:, None] * np.array([0, 0.8, 1, 1, 0.9]) + rng.normal(0, 0.06, (n, nv))
        lr[:, 0] = 0
        return mask(_rnd(np.exp(logb[:, None] + lr), 1))

    out["NHPT"] = _draw("NHPT", make_nhpt,
                        lambda m: _between(np.nanmedian(m[:, 3] / m[:, 0] - 1) * 100, -6, -1))

    def make_edss(rng):
        mat = np.tile(edss0[:, None], (1, nv))
        level = np.zeros(n)
        for j in range(1, nv):
            level += rng.choice([-0.5, 0.0, 0.5], n, p=[0.09, 0.83, 0.08])
            level = np.clip(level, -1.0, 1.0)
            mat[:, j] = np.clip(edss0 + level, 0.0, 9.5)
        return mask(mat)

    out["EDSS"] = _draw("EDSS", make_edss,
                        lambda m: _between(np.nanmean(m[:, 3] - m[:, 0]), -0.15, 0.05))

    def make_fs(rng):
        severity = rng.normal(0, 1, n)
        fs0 = _fs_profile(rng, severity, edss0)
        tendency = rng.normal(0, 0.95, n)
        means = [0, -0.6, -0.75, -0.9, -0.9]
        fs = np.zeros((n, nv, 7))
        fs[:, 0] = fs0
        for j in range(1, nv):
            delta = np.round(means[j] + tendency + rng.normal(0, 0.45, n)).astype(int)
            for i in range(n):
                fs[i, j] = _fs_shift(rng, fs0[i], int(delta[i]))
        fs[~seen] = np.nan
        return fs

    def ok_fs(fs):
        total = fs.sum(axis=2)
        b, last = total[:, 0], _last(total)
        return (_between(b.mean(), 10.6, 11.1) and _between(b.std(ddof=1), 2.9, 3.4)
                and _between(np.nanmean(last), 9.65, 10.3)
                and _between(np.nanstd(last, ddof=1), 2.7, 3.4)
                and _between(_paired_p(b, last), 0.0015, 0.006))

    fs = _draw("FS", make_fs, ok_fs)
    out["FSS_SUM"] = fs.sum(axis=2)
    for k, code in enumerate(FS_CODES):
        out[code] = fs[:, :, k]

    def make_sdmt(rng):
        b = np.clip(np.round(rng.normal(42.9, 11.9, n)), 12, 80)
        subj = rng.normal(0, 3.0, n)
        gain = np.array([0, 1.3, 1.8, 2.2, 2.4])
        mat = b[:, None] + gain + subj[:, None] + rng.normal(0, 1.8, (n, nv))
        mat[:, 0] = b
        return mask(np.clip(np.round(mat), 0, 110))

    def ok_sdmt(m):
        b, last = m[:, 0], _last(m)
        return (_between(b.mean(), 42.4, 43.4) and _between(b.std(ddof=1), 11.3, 12.5)
                and _between(np.nanmean(last), 44.5, 45.5)
                and _between(np.nanstd(last, ddof=1), 11.4, 13.2)
                and _between(_paired_p(b, last), 0.005, 0.02))

    out["SDMT"] = _draw("SDMT", make_sdmt, ok_sdmt)

    def make_bio(rng, median, sd0, path, subj_sd, noise_sd):
        logb = np.log(median) + rng.normal(0, sd0, n)
        subj = rng.normal(0, subj_sd, n)
        lr = np.array(path)[None, :] * (1 + subj[:, None]) + rng.normal(0, noise_sd, (n, nv))
        lr[:, 0] = 0
        mat = mask(_rnd(np.exp(logb[:, None] + lr), 1))
        # an occasional lost sample at follow-up
        lost = rng.random((n, nv)) < 0.03
        lost[:, 0] = False
        mat[lost] = np.nan
        return mat

    def ok_nfl(m):
        b, last = m[:, 0], _last(m)
        pct = (last - b) / b * 100
        return (_between(np.nanmean(pct), -35.5, -31) and _wilcoxon_p(b, last) < 0.001
                and _between(np.nanmedian(pct), -40, -25))

    out["NFL"] = _draw("NFL", lambda r: make_bio(r, 15.0, 0.42, [0, -0.14, -0.27, -0.42, -0.46],
                                                  0.45, 0.16), ok_nfl)

    def ok_gfap(m):
        b, last = m[:, 0], _last(m)
        pct = (last - b) / b * 100
        ok = ~np.isnan(pct)
        return (_between(np.mean(pct[ok]), -24, -20) and np.mean(pct[ok] < 0) >= 0.95
                and _wilcoxon_p(b, last) < 0.0004)

    out["GFAP"] = _draw("GFAP", lambda r: make_bio(r, 140.0, 0.35, [0, -0.08, -0.15, -0.25, -0.27],
                                                    0.3, 0.06), ok_gfap)

    def make_pro(rng, items, mean0, sd0, path, subj_sd, noise_sd):
        lo, hi = items, items * 5
        raw0 = np.clip(np.round(rng.normal(mean0, sd0, n)), lo, hi)
        subj = rng.normal(0, subj_sd, n)
        raw = raw0[:, None] + np.array(path) + subj[:, None] + rng.normal(0, noise_sd, (n, nv))
        raw[:, 0] = raw0
        raw = np.clip(np.round(raw), lo, hi)
        return mask(_rnd((raw - lo) / (hi - lo) * 100, 1))

    def improves(m):
        return _between(np.nanmean(m[:, 3] - m[:, 0]), -8, -2) and _paired_p(m[:, 0], m[:, 3]) < 0.2

    out["MSIS29_PHYS"] = _draw("MSIS29_PHYS", lambda r: make_pro(
        r, 20, 62, 13, [0, -3.5, -4, -4, -3], 4, 3.5), improves)
    out["MSIS29_PSYCH"] = _draw("MSIS29_PSYCH", lambda r: make_pro(
        r, 9, 22, 6, [0, -1.2, -1.2, -1.3, -1], 1.8, 1.5), improves)
    out["MSWS12"] = _draw("MSWS12", lambda r: make_pro(
        r, 12, 44, 8, [0, -2.5, -2.8, -2.6, -2.2], 3, 2.5), improves)
    return out


def _adverse_events(rng, inj_table: pd.DataFrame, rates=_AE_RATES, serious=(),
                    scale: float = 1.0) -> pd.DataFrame:
    rows = []
    for inj in inj_table.itertuples(index=False):
        for term, (p, (lo, hi), related) in rates.items():
            if rng.random() < p * scale:
                severity = "moderate" if rng.random() < 0.25 else "mild"
                rows.append((inj.subject_id, term, int(inj.day + rng.integers(lo, hi + 1)),
                             _SOC[term], severity, False, str(rng.choice(related)),
                             int(inj.injection_number)))
    rows.extend(serious)
    ae = pd.DataFrame(rows, columns=["subject_id", "term", "onset_day", "body_system",
                                     "severity", "serious", "related", "injection_number"])
    return ae.sort_values(["subject_id", "onset_day", "term"], kind="stable").reset_index(drop=True)


def _long(subjects, days, visits, mats) -> pd.DataFrame:
    from .outcomes import REGISTRY

    rows = []
    codes = REGISTRY.order(mats)
    for i, sid in enumerate(subjects["subject_id"]):
        for j, visit in enumerate(visits):
            if np.isnan(days[i, j]):
                continue
            for code in codes:
                v = mats[code][i, j]
                if not np.isnan(v):
                    rows.append((sid, visit, int(days[i, j]), code, float(v)))
    return pd.DataFrame(rows, columns=["subject_id", "visit", "day", "outcome", "value"])


def single_arm() -> dict[str, pd.DataFrame]:
    """The four tables of the single-arm sample (calibrated to Petrou et al. 2025)."""
    subjects = _single_subjects()
    n = len(subjects)
    inj, days, _ = _single_schedule(n)
    rng = np.random.default_rng([SEED, 3])
    inj_rows = []
    for i, sid in enumerate(subjects["subject_id"]):
        weight = float(np.clip(rng.normal(74, 12), 50, 105))  # ~1 million cells per kg
        for k, day in enumerate(inj[i], start=1):
            dose = round(weight * float(rng.uniform(0.9, 1.1)), 1)
            inj_rows.append((sid, k, day, "IT", dose))
    injections = pd.DataFrame(inj_rows, columns=["subject_id", "injection_number", "day",
                                                 "route", "dose_million_cells"])
    measurements = _long(subjects, days, VISITS, _single_outcomes(subjects, days))
    events = _adverse_events(np.random.default_rng([SEED, 4]), injections)
    return {"subjects": subjects, "measurements": measurements,
            "adverse_events": events, "injections": injections}


# -------------------------------------------------------------- two-arm trial
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


def two_arm() -> dict[str, pd.DataFrame]:
    """The four tables of the two-arm sample (calibrated to Harris et al. 2024)."""
    n = 54  # 27 per arm
    # randomised in permuted blocks of 6
    block_rng = np.random.default_rng([SEED, 19])
    arms = np.concatenate([block_rng.permutation(["MSC-NP"] * 3 + ["Saline"] * 3)
                           for _ in range(n // 6)])
    if arms[0] != "MSC-NP":  # list the treatment arm first
        first = int(np.argmax(arms[:6] == "MSC-NP"))
        arms[[0, first]] = arms[[first, 0]]
    treated = arms == "MSC-NP"

    def make_subj(rng):
        edss = _half(rng.choice([3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5], n,
                                p=[0.04, 0.06, 0.1, 0.1, 0.08, 0.12, 0.22, 0.28]))
        return edss

    def ok_subj(edss):
        sub = edss >= 6.0
        return sub[treated].sum() == 11 and sub[~treated].sum() == 11

    edss0 = _draw("2arm-subjects", make_subj, ok_subj)
    rng = np.random.default_rng([SEED, 20])
    age = np.clip(np.round(rng.normal(51, 8, n)), 25, 65).astype(int)
    subjects = pd.DataFrame({
        "subject_id": [f"H{i + 1:02d}" for i in range(n)], "arm": arms,
        "ms_type": _by_arm(rng, treated, ["SPMS"] * 19 + ["PPMS"] * 8),
        "sex": _by_arm(rng, treated, ["F"] * 15 + ["M"] * 12),
        "age": age,
        "disease_duration_years": np.round(np.clip(rng.gamma(4.5, 3.8, n), 3, age - 18), 1),
        "baseline_edss": edss0, "route": "IT",
    })
    nv = len(VISITS_2ARM)
    days = np.column_stack([np.zeros(n), 91 + rng.integers(-10, 11, n),
                            182 + rng.integers(-12, 13, n), 365 + rng.integers(-18, 19, n)])
    order = rng.permutation(n)
    days[order[:2], 3] = np.nan        # two left before Month 12
    days[order[2:4], 1] = np.nan       # two missed Month 3
    seen = ~np.isnan(days)
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
    sub = edss0 >= 6.0
    m12 = seen[:, 3]

    def mask(mat):
        mat = mat.copy()
        mat[~seen] = np.nan
        return mat

    def make_t25(rng):
        logb = np.log(5.5) + 0.35 * (edss0 - 3.0) + rng.normal(0, 0.2, n)
        frac = np.array([0, 0.35, 0.65, 1.0])
        # outside the subgroup the saline arm improves a little more (as published:
        # EDSS-Plus improvement 33% MSC-NP vs 37% saline overall)
        end = np.where(treated, rng.normal(-0.03, 0.12, n), rng.normal(-0.10, 0.14, n))
        end = np.where(sub & treated, rng.normal(-0.066, 0.236, n), end)
        end = np.where(sub & ~treated, rng.normal(0.338, 0.434, n), end)
        lr = frac[None, :] * end[:, None] + rng.normal(0, 0.05, (n, nv))
        lr[:, 0] = 0
        return mask(_rnd(np.exp(logb[:, None] + lr), 1))

    def ok_t25(m):
        imp = (m[:, 0] - m[:, 3]) / m[:, 0] * 100
        a, b = imp[sub & treated & m12], imp[sub & ~treated & m12]
        from scipy import stats
        return (_between(a.mean(), 1, 6.5) and _between(a.std(ddof=1), 19, 27)
                and _between(b.mean(), -60, -49) and _between(b.std(ddof=1), 58, 83)
                and stats.ttest_ind(a, b, equal_var=False).pvalue < 0.05)

    mats = {"T25FW": _draw("2arm-T25FW", make_t25, ok_t25)}

    def make_edss_nhpt(rng):
        mat = np.tile(edss0[:, None], (1, nv))
        level = np.zeros(n)
        for j in range(1, nv):
            level += rng.choice([-0.5, 0.0, 0.5], n, p=[0.12, 0.76, 0.12])
            mat[:, j] = np.clip(edss0 + np.clip(level, -1.5, 1.0), 0, 9.5)
        logb = np.log(26.0) + 0.15 * (edss0 - 3.0) + rng.normal(0, 0.2, n)
        end = np.where(treated, rng.normal(-0.02, 0.14, n), rng.normal(-0.08, 0.15, n))
        lr = np.array([0, 0.4, 0.7, 1.0])[None, :] * end[:, None] + rng.normal(0, 0.04, (n, nv))
        lr[:, 0] = 0
        return mask(mat), mask(_rnd(np.exp(logb[:, None] + lr), 1))

    t25 = mats["T25FW"]

    def ok_edss_nhpt(v):
        e, h = v
        imp = _edss_plus_improved((e[:, 0], e[:, 3]), (t25[:, 0], t25[:, 3]), (h[:, 0], h[:, 3]))
        return imp[treated & m12].sum() == 9 and imp[~treated & m12].sum() == 10

    mats["EDSS"], mats["NHPT"] = _draw("2arm-EDSS", make_edss_nhpt, ok_edss_nhpt)

    def make_other(rng):
        sd_b = np.clip(np.round(rng.normal(40, 12, n)), 10, 80)
        sd = sd_b[:, None] + np.array([0, 0.5, 1.0, 1.2]) * np.where(treated, 1.0, 0.3)[:, None]
        sd = sd + rng.normal(0, 3, (n, nv))
        sd[:, 0] = sd_b
        nfl_b = np.log(16.0) + rng.normal(0, 0.4, n)
        path = np.array([0, -0.05, -0.08, -0.10])[None, :] * np.where(treated, 1, 0.2)[:, None]
        nfl = np.exp(nfl_b[:, None] + path + rng.normal(0, 0.15, (n, nv)) * (np.arange(nv) > 0))
        ws_b = np.clip(np.round(rng.normal(42, 8, n)), 12, 60)
        ws = ws_b[:, None] + rng.normal(0, 3, (n, nv)) * (np.arange(nv) > 0)
        ws = np.clip(np.round(ws), 12, 60)
        return (mask(np.clip(np.round(sd), 0, 110)), mask(_rnd(nfl, 1)),
                mask(_rnd((ws - 12) / 48 * 100, 1)))

    mats["SDMT"], mats["NFL"], mats["MSWS12"] = _draw("2arm-other", make_other, lambda v: True)
    measurements = _long(subjects, days, VISITS_2ARM, mats)
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
    events = events.sort_values(["subject_id", "onset_day", "term"], kind="stable")
    return {"subjects": subjects, "measurements": measurements,
            "adverse_events": events.reset_index(drop=True), "injections": injections}


def generate() -> dict[str, dict[str, pd.DataFrame]]:
    """Both samples: ``{"single": tables, "two_arm": tables}``.

    Examples
    --------
    >>> tables = generate()["single"]
    >>> len(tables["subjects"]), sorted(tables["subjects"]["sex"].value_counts().items())
    (23, [('F', 9), ('M', 14)])
    """
    return {"single": single_arm(), "two_arm": two_arm()}


# -------------------------------------------------------------------- writing
def _csv_text(name: str, frame: pd.DataFrame) -> str:
    frame = frame.copy()
    if name == "measurements":
        frame["value"] = [f"{v:.{DECIMALS.get(c, 2)}f}" for v, c in
                          zip(frame["value"], frame["outcome"], strict=True)]
    return frame.to_csv(index=False, lineterminator="\n")


def _xlsx_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name in TABLE_NAMES:
        ws = wb.create_sheet(name)
        frame = tables[name]
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append([v.item() if isinstance(v, np.generic) else v for v in row])
    fixed = dt.datetime(2024, 2, 29)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "msc_dash.sample (simulated data)"
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps the save time into docProps/core.xml and every ZIP entry:
    # rewrite both with fixed values so two runs are byte identical.
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                              rb"\g<1>" + _FIXED_DOC_TIME.encode(), data)
            zi = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    return out.getvalue()


def write_sample(out_dir: str | Path = DEFAULT_DIR) -> list[Path]:
    """Write both samples, the workbook and the README into ``out_dir``.

    Returns the paths written.
    """
    out_dir = Path(out_dir)
    samples = generate()
    written = []
    for key, folder in (("single", out_dir), ("two_arm", out_dir / "two_arm")):
        folder.mkdir(parents=True, exist_ok=True)
        for name in TABLE_NAMES:
            path = folder / f"{name}.csv"
            path.write_bytes(_csv_text(name, samples[key][name]).encode())
            written.append(path)
    # the workbook is read back from the CSVs so both carry the same rounded values
    back = {n: pd.read_csv(out_dir / f"{n}.csv") for n in TABLE_NAMES}
    path = out_dir / "sample_trial.xlsx"
    path.write_bytes(_xlsx_bytes(back))
    written.append(path)
    path = out_dir / "README.md"
    path.write_bytes(_readme(calibration(out_dir)).encode())
    written.append(path)
    from .sample_crossover import write_crossover  # the crossover sample has its own module

    written += write_crossover(out_dir / "crossover")
    return written


# ---------------------------------------------------------------- calibration
def calibration(folder: str | Path = DEFAULT_DIR) -> pd.DataFrame:
    """Published figures next to the same figures computed from the sample CSVs.

    Reads the CSVs with pandas and computes every figure with scipy, so the
    table checks the written files, not the generator's internals.

    Returns
    -------
    pandas.DataFrame
        Columns ``sample, figure, published, simulated, margin, ok``.
    """
    from scipy import stats

    folder = Path(folder)
    rows = []

    def add(sample, figure, published, simulated, lo, hi, margin):
        ok = published == simulated if isinstance(simulated, str) else lo <= simulated <= hi
        rows.append((sample, figure, published, simulated, margin, bool(ok)))

    s = pd.read_csv(folder / "subjects.csv")
    m = pd.read_csv(folder / "measurements.csv")
    ae = pd.read_csv(folder / "adverse_events.csv")
    wide = m.pivot_table(index="subject_id", columns=["outcome", "visit"], values="value")
    order = {v: i for i, v in enumerate(VISITS)}
    last_visit = m[m["visit"] != "Baseline"].assign(o=lambda f: f["visit"].map(order))

    def base_last(code):
        f = last_visit[last_visit["outcome"] == code].sort_values(["subject_id", "o"])
        last = f.groupby("subject_id")["value"].last()
        base = m[(m["outcome"] == code) & (m["visit"] == "Baseline")].set_index("subject_id")["value"]
        both = pd.concat([base.rename("b"), last.rename("l")], axis=1).dropna()
        return both["b"].to_numpy(), both["l"].to_numpy()

    def pair(code, visit):
        both = wide[code][["Baseline", visit]].dropna()
        return both["Baseline"].to_numpy(), both[visit].to_numpy()

    S = "single"
    add(S, "subjects", "23", len(s), 23, 23, "exact")
    add(S, "men / women", "14 / 9",
        f"{(s['sex'] == 'M').sum()} / {(s['sex'] == 'F').sum()}", 0, 0, "exact")
    e = s["baseline_edss"]
    add(S, "baseline EDSS mean", "5.9", round(e.mean(), 2), 5.8, 6.0, "+/- 0.1")
    add(S, "baseline EDSS SD", "0.8", round(e.std(), 2), 0.7, 0.9, "+/- 0.1")
    t25_n = m[(m["outcome"] == "T25FW") & (m["visit"] != "Baseline")]["subject_id"].nunique()
    add(S, "T25FW assessed repeatedly (patients)", "16", t25_n, 14, 18, "+/- 2")
    b, v = pair("T25FW", "Post-injection 1")
    add(S, "T25FW median % improvement after 1st injection", "17%",
        round(float(np.median((b - v) / b * 100)), 1), 12, 22, "+/- 5 points")
    b, v = pair("T25FW", "Month 12")
    add(S, "T25FW median % improvement at Month 12", "4.5%",
        round(float(np.median((b - v) / b * 100)), 1), 2, 7, "+/- 2.5 points")
    add(S, "T25FW mean change at Month 12 (s)", "-1.0", round(float(np.mean(v - b)), 2),
        -1.5, -0.5, "+/- 0.5 s")
    add(S, "T25FW Month 12 paired t-test p", "0.049", round(float(stats.ttest_rel(v, b).pvalue), 3),
        0.01, 0.1, "0.01-0.10")
    b, v = base_last("FSS_SUM")
    add(S, "FSS sum baseline mean", "10.86", round(b.mean(), 2), 10.3, 11.4, "+/- 0.55")
    add(S, "FSS sum baseline SD", "3.14", round(b.std(ddof=1), 2), 2.6, 3.7, "+/- 0.55")
    add(S, "FSS sum last observation mean", "9.98", round(v.mean(), 2), 9.4, 10.5, "+/- 0.55")
    add(S, "FSS sum last observation SD", "3.04", round(v.std(ddof=1), 2), 2.5, 3.6, "+/- 0.55")
    add(S, "FSS sum paired t-test p", "0.003", round(float(stats.ttest_rel(v, b).pvalue), 4),
        0.0005, 0.01, "0.0005-0.01")
    b, v = base_last("SDMT")
    add(S, "SDMT baseline mean", "42.9", round(b.mean(), 2), 41.5, 44.3, "+/- 1.4")
    add(S, "SDMT baseline SD", "11.9", round(b.std(ddof=1), 2), 10.5, 13.3, "+/- 1.4")
    add(S, "SDMT last observation mean", "45.0", round(v.mean(), 2), 43.6, 46.4, "+/- 1.4")
    add(S, "SDMT last observation SD", "12.3", round(v.std(ddof=1), 2), 10.9, 13.7, "+/- 1.4")
    add(S, "SDMT paired t-test p", "0.01", round(float(stats.ttest_rel(v, b).pvalue), 4),
        0.001, 0.05, "0.001-0.05")
    b, v = base_last("NFL")
    pct = (v - b) / b * 100
    add(S, "NfL mean % change at last observation", "-33.2%", round(float(pct.mean()), 1),
        -38, -28, "+/- 5 points")
    add(S, "NfL Wilcoxon p", "< 0.001", float(f"{stats.wilcoxon(v, b).pvalue:.2g}"),
        0, 0.001, "< 0.001")
    b, v = base_last("GFAP")
    pct = (v - b) / b * 100
    add(S, "GFAP mean % change at last observation", "-22%", round(float(pct.mean()), 1),
        -27, -17, "+/- 5 points")
    add(S, "GFAP lower than baseline (% of patients)", "100%",
        round(float(np.mean(v < b) * 100), 1), 90, 100, ">= 90%")
    add(S, "GFAP Wilcoxon p", "< 0.0004", float(f"{stats.wilcoxon(v, b).pvalue:.2g}"),
        0, 0.0004, "< 0.0004")
    add(S, "serious adverse events", "0", int(ae["serious"].astype(str).str.lower()
                                                 .eq("true").sum()), 0, 0, "exact")

    T = "two_arm"
    s2 = pd.read_csv(folder / "two_arm" / "subjects.csv")
    m2 = pd.read_csv(folder / "two_arm" / "measurements.csv")
    arm = s2.set_index("subject_id")["arm"]
    for name in ("MSC-NP", "Saline"):
        add(T, f"{name} subjects", "27", int((arm == name).sum()), 27, 27, "exact")
    w2 = m2.pivot_table(index="subject_id", columns=["outcome", "visit"], values="value")
    cols = {c: w2[c][["Baseline", "Month 12"]] for c in ("EDSS", "T25FW", "NHPT")}
    both = pd.concat(cols, axis=1).dropna()
    e0, e1 = both[("EDSS", "Baseline")], both[("EDSS", "Month 12")]
    t0, t1 = both[("T25FW", "Baseline")], both[("T25FW", "Month 12")]
    h0, h1 = both[("NHPT", "Baseline")], both[("NHPT", "Month 12")]
    step = np.where(e0 <= 5.5, 1.0, 0.5)
    better = (e0 - e1 >= step) | (t0 - t1 >= 0.2 * t0) | (h0 - h1 >= 0.2 * h0)
    worse = (e1 - e0 >= step) | (t1 - t0 >= 0.2 * t0) | (h1 - h0 >= 0.2 * h0)
    improved = better & ~worse
    for name, pub in (("MSC-NP", "33%"), ("Saline", "37%")):
        sel = both.index.map(arm) == name
        add(T, f"EDSS-Plus improved at Month 12, {name} (% of 27)", pub,
            round(float(improved[sel].sum() / 27 * 100), 1),
            float(pub[:-1]) - 5, float(pub[:-1]) + 5, "+/- 5 points")
    sub = s2.set_index("subject_id")["baseline_edss"] >= 6.0
    t = w2["T25FW"][["Baseline", "Month 12"]].dropna()
    imp = (t["Baseline"] - t["Month 12"]) / t["Baseline"] * 100
    groups = {}
    for name, pub_m, pub_s in (("MSC-NP", 3.7, 23.1), ("Saline", -54.4, 70.5)):
        g = imp[(t.index.map(arm) == name) & t.index.map(sub).astype(bool)]
        groups[name] = g.to_numpy()
        add(T, f"EDSS 6.0-6.5: T25FW % improvement mean, {name}", f"{pub_m:+.1f}%",
            round(float(g.mean()), 1), pub_m - 8, pub_m + 8, "+/- 8 points")
        add(T, f"EDSS 6.0-6.5: T25FW % improvement SD, {name}", f"{pub_s:.1f}",
            round(float(g.std(ddof=1)), 1), pub_s * 0.75, pub_s * 1.25, "+/- 25%")
    p = stats.ttest_ind(groups["MSC-NP"], groups["Saline"], equal_var=False).pvalue
    add(T, "EDSS 6.0-6.5: T25FW between-arm p (Welch)", "0.030", round(float(p), 3),
        0.001, 0.05, "< 0.05")
    return pd.DataFrame(rows, columns=["sample", "figure", "published", "simulated", "margin",
                                       "ok"])


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _readme(table: pd.DataFrame) -> str:
    fmt = _fmt

    lines = [
        "# Sample data: SIMULATED",
        "",
        "**These data are simulated. They are not the data of any study and describe no real "
        "person.** They exist so that the dashboard can be tried and demonstrated with numbers "
        "of a realistic size.",
        "",
        "- `subjects.csv`, `measurements.csv`, `adverse_events.csv`, `injections.csv` and "
        "`sample_trial.xlsx` (the same four tables as sheets): a single-arm trial shaped like "
        "the seed analysis: 23 people with progressive MS receiving 2-3 further intrathecal "
        "injections of autologous bone-marrow MSC every 3-6 months, followed 12-18 months "
        "(Petrou et al., J Neuroimmunol 2025, doi:10.1016/j.jneuroim.2025.578613; interim "
        "results at ACTRIMS Forum 2024). Visits: Baseline, Post-injection 1, "
        "Post-injection 2, Month 12, Month 18.",
        "- `two_arm/`: a two-arm trial shaped like the randomised phase II trial of "
        "intrathecal MSC-derived neural progenitors (Harris et al., Stem Cell Res Ther 2024): "
        "27 MSC-NP vs 27 saline, visits Baseline, Month 3, Month 6, Month 12.",
        "",
        "## How the data were made",
        "",
        f"`msc_dash/sample.py` draws every value from seeded random streams (master seed "
        f"`{SEED}`). Each block (subject characteristics, each outcome) is drawn from its own "
        "stream and redrawn from the next sub-seed while a published figure lies outside the "
        "margin below, so the published summary figures are reproduced to within a plausible "
        "sampling margin by construction. Individual trajectories, missing visits, adverse "
        "events and all other details are invented. Values respect the outcome registry's "
        "valid ranges (EDSS in steps of 0.5, FS scores whole numbers summing to `FSS_SUM`).",
        "",
        "Regenerate (byte for byte identical) with",
        "",
        "```",
        "python -m msc_dash.sample            # writes sample_data/",
        "python -m msc_dash.sample -o DIR     # writes elsewhere",
        "python -m msc_dash.sample --check    # prints the table below from the CSVs",
        "```",
        "",
        "## Calibration: published figure vs simulated data",
        "",
        "Computed from the CSV files with scipy (`msc_dash.sample.calibration`). "
        "\"Last observation\" is each subject's last follow-up value.",
        "",
        "| sample | figure | published | simulated | margin | within |",
        "|---|---|---|---|---|---|",
    ]
    for r in table.itertuples(index=False):
        lines.append(f"| {r.sample} | {r.figure} | {r.published} | {fmt(r.simulated)} | "
                     f"{r.margin} | {'yes' if r.ok else 'NO'} |")
    lines += [
        "",
        "Sources: Petrou P, et al. J Neuroimmunol 2025 (doi:10.1016/j.jneuroim.2025.578613); "
        "Petrou P, et al. Brain 2020;143:3574-88 (NCT02166021); Harris VK, et al. Stem Cell "
        "Res Ther 2024.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: write the samples, or ``--check`` the calibration table."""
    parser = argparse.ArgumentParser(prog="python -m msc_dash.sample",
                                     description="Write the SIMULATED sample trials.")
    parser.add_argument("-o", "--output", default=str(DEFAULT_DIR),
                        help=f"output folder (default {DEFAULT_DIR})")
    parser.add_argument("--check", action="store_true",
                        help="print published vs simulated figures for the CSVs in the folder")
    args = parser.parse_args(argv)
    if not args.check:
        paths = write_sample(args.output)
        print(f"wrote {len(paths)} files to {args.output}")
    table = calibration(args.output)
    shown = table.assign(simulated=table["simulated"].map(_fmt),
                         ok=table["ok"].map({True: "yes", False: "NO"}))
    with pd.option_context("display.width", 160, "display.max_colwidth", 60,
                           "display.max_rows", 200):
        print(shown.to_string(index=False))
    return 0 if table["ok"].all() else 1


if __name__ == "__main__":
    sys.exit(main())
