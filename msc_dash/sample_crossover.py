"""Simulated crossover sample in the shape of Petrou et al. 2020 (NOT real data).

Petrou P. et al., Brain 2020;143:3574-88: 48 people with progressive MS were
randomised to intrathecal (IT) MSC, intravenous (IV) MSC or sham; at month 6
the groups crossed over (MSC groups to sham, the sham group to MSC by either
route) and were followed to month 12. Fewer people worsened on EDSS and the
timed tests improved after MSC than after sham.

This module simulates a trial of that shape: 48 subjects (16 MSC-IT then sham,
16 MSC-IV then sham, 16 sham then MSC, half IT and half IV), visits at months
0, 3, 6, 9 and 12, an injection (MSC or sham) at months 0 and 6, EDSS, T25FW,
NHPT and SDMT, procedure-related adverse events, and three dropouts after
month 6. The effects are set loosely to the published direction (per 6-month
period, MSC vs sham: EDSS -0.3, T25FW and NHPT about 9% and 6% faster, SDMT +2);
they are not fitted to the paper's numbers, and the data carry no information
about MSC beyond that direction.

``python -m msc_dash.sample_crossover [-o DIR]`` (and ``python -m
msc_dash.sample``) writes ``{subjects,measurements,adverse_events,injections,
periods}.csv`` and this text as README.md into ``DIR`` (default
``sample_data/crossover``), byte for byte the same on every run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .sample import SEED, _adverse_events, _csv_text

__all__ = ["crossover_trial", "write_crossover", "main", "VISITS", "EFFECTS"]

#: Sub-seed of the simulation: the first from 18 whose draw shows no chance carryover
#: signal (sequence p >= 0.10) in any outcome, as the simulation has no carryover.
_SUBSEED = 19
VISITS = ("Baseline", "Month 3", "Month 6", "Month 9", "Month 12")
DAYS = (0, 91, 182, 273, 365)
CROSSOVER_DAY = 182
#: Simulated mean change per 6-month period: (MSC, sham); log ratio for T25FW, NHPT.
EFFECTS = {"EDSS": (-0.1, 0.2), "T25FW": (-0.06, 0.03), "NHPT": (-0.04, 0.02),
           "SDMT": (1.5, -0.5)}
_SUBJECT_SD = {"EDSS": 0.25, "T25FW": 0.06, "NHPT": 0.05, "SDMT": 2.0}
_NOISE_SD = {"EDSS": 0.2, "T25FW": 0.05, "NHPT": 0.04, "SDMT": 2.0}


def _subjects(rng) -> pd.DataFrame:
    n = 48
    group = np.repeat(["MSC-IT", "MSC-IV", "Sham"], 16)
    sham_route = np.array(["IT", "IV"] * 8)
    route = np.where(group == "MSC-IT", "IT", np.where(group == "MSC-IV", "IV", ""))
    route[group == "Sham"] = sham_route
    order = rng.permutation(n)
    edss = np.clip(np.round(rng.normal(5.6, 0.8, n) * 2) / 2, 3.0, 6.5)
    return pd.DataFrame({
        "subject_id": [f"X{i + 1:02d}" for i in range(n)],
        "arm": np.where(group[order] == "Sham", "Sham-MSC", "MSC-Sham"),
        "sequence": np.where(group[order] == "Sham", "Sham-MSC", "MSC-Sham"),
        "route": route[order],
        "ms_type": rng.choice(["SPMS", "PPMS"], n, p=[0.7, 0.3]),
        "sex": rng.choice(["F", "M"], n, p=[0.55, 0.45]),
        "age": np.clip(np.round(rng.normal(47, 9, n)), 25, 65).astype(int),
        "disease_duration_years": np.round(np.clip(rng.gamma(4, 3.2, n), 2, 35), 1),
        "baseline_edss": edss,
    })


def _values(rng, code: str, base: np.ndarray, treat: np.ndarray) -> np.ndarray:
    """Values at the five visits; ``treat[i, k]`` is True when period k is MSC."""
    n = len(base)
    msc, sham = EFFECTS[code]
    # each subject's own course (common to both periods) plus a period-level wobble
    course = rng.normal(0, _SUBJECT_SD[code], n)[:, None]
    eff = np.where(treat, msc, sham) + course + rng.normal(0, _SUBJECT_SD[code] / 3, (n, 2))
    path = np.column_stack([np.zeros(n), eff[:, 0] / 2, eff[:, 0],
                            eff[:, 0] + eff[:, 1] / 2, eff[:, 0] + eff[:, 1]])
    noise = rng.normal(0, _NOISE_SD[code], (n, len(DAYS)))
    noise[:, 0] = 0
    if code in ("T25FW", "NHPT"):
        return base[:, None] * np.exp(path + noise)
    out = base[:, None] + path + noise
    if code == "EDSS":
        return np.clip(np.round(out * 2) / 2, 0, 9.5)
    return np.clip(np.round(out), 0, 110)


def crossover_trial() -> dict[str, pd.DataFrame]:
    """The five tables of the simulated crossover sample.

    Examples
    --------
    >>> t = crossover_trial()
    >>> len(t["subjects"]), t["periods"]["treatment"].value_counts().to_dict()
    (48, {'MSC': 47, 'Sham': 46})
    """
    rng = np.random.default_rng([SEED, _SUBSEED])
    subjects = _subjects(rng)
    n = len(subjects)
    msc_first = (subjects["sequence"] == "MSC-Sham").to_numpy()
    treat = np.column_stack([msc_first, ~msc_first])
    base = {"EDSS": subjects["baseline_edss"].to_numpy(float),
            "T25FW": np.exp(rng.normal(np.log(9.5), 0.35, n)),
            "NHPT": np.exp(rng.normal(np.log(30), 0.25, n)),
            "SDMT": np.round(rng.normal(38, 9, n))}
    mats = {c: _values(rng, c, base[c], treat) for c in EFFECTS}
    dropout = set(rng.choice(n, 3, replace=False))
    days = np.array(DAYS, float)[None, :] + rng.integers(-6, 7, (n, len(DAYS)))
    days[:, 0] = 0
    rows, inj, per = [], [], []
    for i, sid in enumerate(subjects["subject_id"]):
        for j, visit in enumerate(VISITS):
            if i in dropout and j > 2:
                continue
            rows.extend((sid, visit, int(days[i, j]), c, float(mats[c][i, j]))
                        for c in EFFECTS)
        route = subjects.loc[i, "route"]
        last = int(days[i, 2] if i in dropout else days[i, 4])
        for k in (0, 1):
            is_msc = treat[i, k]
            inj.append((sid, k + 1, int(days[i, 2]) if k else 0,
                        route if is_msc else f"{route} (sham)",
                        round(float(rng.uniform(0.9, 1.1)) * 70, 1) if is_msc else 0.0))
            if k == 1 and i in dropout:
                continue
            per.append((sid, k + 1, "MSC" if is_msc else "Sham",
                        0 if k == 0 else int(days[i, 2]), int(days[i, 2]) if k == 0 else last))
    measurements = pd.DataFrame(rows, columns=["subject_id", "visit", "day", "outcome",
                                               "value"])
    injections = pd.DataFrame(inj, columns=["subject_id", "injection_number", "day", "route",
                                            "dose_million_cells"])
    injections = injections[~((injections["injection_number"] == 2)
                              & injections["subject_id"].isin(
                                  subjects["subject_id"].iloc[sorted(dropout)]))]
    periods = pd.DataFrame(per, columns=["subject_id", "period", "treatment", "start_day",
                                         "end_day"])
    msc_inj = injections[injections["dose_million_cells"] > 0]
    sham_inj = injections[injections["dose_million_cells"] == 0]
    events = pd.concat([_adverse_events(np.random.default_rng([SEED, 19]), msc_inj),
                        _adverse_events(np.random.default_rng([SEED, 20]), sham_inj,
                                        scale=0.4)])
    events = events.sort_values(["subject_id", "onset_day", "term"], kind="stable")
    return {"subjects": subjects, "measurements": measurements,
            "adverse_events": events.reset_index(drop=True),
            "injections": injections.reset_index(drop=True), "periods": periods}


_README = ("# Simulated crossover sample (NOT real data)\n\n"
           + __doc__.split("\n\n", 1)[1].replace("``", "`"))


def write_crossover(out_dir: str | Path | None = None) -> list[Path]:
    """Write the sample's CSVs into ``out_dir`` (default ``sample_data/crossover``)."""
    from .sample import DEFAULT_DIR

    folder = Path(out_dir) if out_dir else DEFAULT_DIR / "crossover"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in crossover_trial().items():
        path = folder / f"{name}.csv"
        path.write_bytes(_csv_text(name, frame).encode())
        written.append(path)
    path = folder / "README.md"
    path.write_bytes(_README.encode())
    written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m msc_dash.sample_crossover [-o DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", default=None, help="output folder")
    args = parser.parse_args(argv)
    for path in write_crossover(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
