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
    """Outcome code -> (subjects x visits) matrix, NaN where not measured.

    Each outcome is drawn from its own seeded stream (:func:`_draw`), so the
    blocks below are independent of their order.
    """
    seen = ~np.isnan(days)
    edss0 = subjects["baseline_edss"].to_numpy(float)
    out: dict[str, np.ndarray] = {}

    def mask(mat):
        mat = mat.copy()
        mat[~seen] = np.nan
        return mat

    for block in (_single_mobility, _single_disability, _single_biomarkers,
                  _single_patient_reported):
        block(edss0, seen, mask, out)
    return out


def _single_mobility(edss0: np.ndarray, seen: np.ndarray, mask, out: dict) -> None:
    n, nv = seen.shape
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


def _single_disability(edss0: np.ndarray, seen: np.ndarray, mask, out: dict) -> None:
    n, nv = seen.shape
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


def _single_biomarkers(edss0: np.ndarray, seen: np.ndarray, mask, out: dict) -> None:
    n, nv = seen.shape
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


def _single_patient_reported(edss0: np.ndarray, seen: np.ndarray, mask, out: dict) -> None:
    n, nv = seen.shape
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


def generate() -> dict[str, dict[str, pd.DataFrame]]:
    """Both samples: ``{"single": tables, "two_arm": tables}``.

    Examples
    --------
    >>> tables = generate()["single"]
    >>> len(tables["subjects"]), sorted(tables["subjects"]["sex"].value_counts().items())
    (23, [('F', 9), ('M', 14)])
    """
    from .sample_two_arm import two_arm

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


from .sample_calibration import _fmt, _readme, calibration  # noqa: E402 (uses the above)

if __name__ == "__main__":
    sys.exit(main())
