"""A generated registry: many subjects, ten visits, six outcomes (vectorised numpy).

Used by ``benchmarks/bench_registry.py`` and the registry-size browser test. The
tables follow docs/architecture.md (subjects and measurements), every value inside
its outcome's valid range, and :func:`write_registry` writes them as Parquet:
either the two tables, or one long file with the subject columns on every row
(what a registry export usually is).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: The six outcomes: two mobility, EDSS, cognition, a biomarker, a patient-reported one.
#: (code, baseline median, log-SD of the baseline, yearly drift on the log scale)
OUTCOMES = (("T25FW", 7.0, 0.35, 0.04), ("NHPT", 24.0, 0.25, 0.02), ("EDSS", 5.5, 0.15, 0.03),
            ("SDMT", 45.0, 0.25, -0.02), ("NFL", 12.0, 0.45, 0.03),
            ("MSIS29_PHYS", 45.0, 0.35, 0.02))
SITES = tuple(f"Site {i:02d}" for i in range(1, 31))


def registry_tables(n_subjects: int = 100_000, n_visits: int = 10, seed: int = 0
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(subjects, measurements) of a two-arm registry, one row per value.

    Visits: baseline and then every 6 months (day jittered by up to 3 weeks);
    each subject's value follows their own baseline, a drift per year and the
    treated arm's small benefit, with visit noise.

    Examples
    --------
    >>> s, m = registry_tables(200)
    >>> len(s), len(m), sorted(m["outcome"].unique())[:3]
    (200, 12000, ['EDSS', 'MSIS29_PHYS', 'NFL'])
    >>> bool((m.loc[m["outcome"] == "EDSS", "value"] % 0.5 == 0).all())
    True
    """
    rng = np.random.default_rng(seed)
    n, k = n_subjects, len(OUTCOMES)
    ids = np.char.add("R", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    treated = rng.random(n) < 0.5
    subjects = pd.DataFrame({
        "subject_id": ids,
        "arm": np.where(treated, "MSC", "Standard care"),
        "ms_type": rng.choice(np.array(["SPMS", "PPMS"]), n, p=[0.6, 0.4]),
        "sex": rng.choice(np.array(["F", "M"]), n, p=[0.65, 0.35]),
        "age": rng.integers(25, 71, n),
        "disease_duration_years": np.round(rng.gamma(4.0, 3.5, n), 1),
        "site": rng.choice(np.array(SITES), n),
    })
    visit_names = np.array(["Baseline"] + [f"Month {6 * v}" for v in range(1, n_visits)])
    nominal = np.arange(n_visits) * 182
    # one row per (subject, outcome, visit), subject-major
    days = nominal[None, :] + np.where(nominal > 0, rng.integers(-21, 22, (n, n_visits)), 0)
    years = days / 365.25
    values = np.empty((n, k, n_visits))
    for j, (code, median, sd, drift) in enumerate(OUTCOMES):
        base = np.log(median) + rng.normal(0, sd, n)
        benefit = np.where(treated, -0.03, 0.0) * (1 if code != "SDMT" else -1)
        slope = drift + benefit + rng.normal(0, abs(drift) / 2 + 0.01, n)
        noise = rng.normal(0, 0.06, (n, n_visits))
        noise[:, 0] = 0
        values[:, j, :] = np.exp(base[:, None] + slope[:, None] * years + noise)
    clip = {"EDSS": (1.0, 9.5), "SDMT": (1.0, 110.0), "MSIS29_PHYS": (0.0, 100.0)}
    for j, (code, *_rest) in enumerate(OUTCOMES):
        v = values[:, j, :]
        if code in clip:
            v = np.clip(v, *clip[code])
        if code == "EDSS":
            v = np.round(v * 2) / 2
        elif code in ("SDMT",):
            v = np.round(v)
        else:
            v = np.round(v, 1)
        values[:, j, :] = v
    codes = np.array([o[0] for o in OUTCOMES])
    measurements = pd.DataFrame({
        "subject_id": pd.Categorical.from_codes(np.repeat(np.arange(n), k * n_visits), ids),
        "visit": pd.Categorical.from_codes(np.tile(np.arange(n_visits), n * k), visit_names),
        "day": np.broadcast_to(days[:, None, :], (n, k, n_visits)).reshape(-1),
        "outcome": pd.Categorical.from_codes(np.tile(np.repeat(np.arange(k), n_visits), n),
                                             codes),
        "value": values.reshape(-1),
    })
    return subjects, measurements


def write_registry(folder: Path, n_subjects: int = 100_000, *, layout: str = "tables",
                   seed: int = 0) -> list[Path]:
    """Write the registry as Parquet into ``folder``; return the file paths.

    ``layout="tables"``: ``subjects.parquet`` and ``measurements.parquet``
    (pandas' defaults: snappy, dictionary-encoded text; 14 MB at 100,000 subjects).
    ``layout="long"``: one ``registry.parquet`` with arm, MS type, sex and age on
    every measurement row, values at full precision, uncompressed and the
    subject IDs (``MSR-0000001``) not dictionary-encoded, as a registry export
    often is: about 150 MB at 100,000 subjects.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in write_registry(Path(tmp), 50, layout="long")]
    ['registry.parquet']
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    subjects, measurements = registry_tables(n_subjects, seed=seed)
    if layout == "long":
        codes = measurements["subject_id"].cat.codes.to_numpy()
        ids = np.char.add("MSR-", np.char.zfill(np.arange(1, n_subjects + 1).astype(str), 7))
        wide = measurements.astype({"visit": str, "outcome": str}).assign(
            subject_id=ids[codes])
        rng = np.random.default_rng(seed + 1)  # the registry's raw values: not rounded
        noisy = wide["outcome"].isin(["T25FW", "NHPT", "NFL"]).to_numpy()
        wide.loc[noisy, "value"] *= np.exp(rng.normal(0, 1e-3, int(noisy.sum())))
        for col in ("arm", "ms_type", "sex", "age"):
            wide[col] = subjects[col].to_numpy()[codes]
        path = folder / "registry.parquet"
        table = pa.Table.from_pandas(wide, preserve_index=False)
        pq.write_table(table, path, compression="none",
                       use_dictionary=[c for c in wide.columns if c != "subject_id"])
        return [path]
    paths = [folder / "subjects.parquet", folder / "measurements.parquet"]
    subjects.to_parquet(paths[0], index=False)
    measurements.astype({"subject_id": str, "visit": str, "outcome": str}).to_parquet(
        paths[1], index=False)
    return paths
