"""The sample trials' calibration: published figures vs the simulated CSVs.

The targets (published figure, accepted range, margin, source) are data:
``msc_dash/sample_targets.csv`` beside the sample generator. This module
computes each figure from the written CSV files with pandas and scipy, so the
table checks the files, not the generator's internals, and writes the
README that shows it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: The published figures the samples are calibrated to, with their margins and sources.
TARGETS_FILE = Path(__file__).with_name("sample_targets.csv")


def targets() -> pd.DataFrame:
    """The calibration targets: ``sample, figure, published, low, high, margin, source``.

    Examples
    --------
    >>> t = targets()
    >>> t.loc[t["figure"] == "baseline EDSS mean", ["published", "low", "high"]].values.tolist()
    [['5.9', 5.8, 6.0]]
    """
    return pd.read_csv(TARGETS_FILE, dtype={"published": str, "margin": str})


def calibration(folder: str | Path | None = None) -> pd.DataFrame:
    """Published figures next to the same figures computed from the sample CSVs.

    Returns
    -------
    pandas.DataFrame
        Columns ``sample, figure, published, simulated, margin, ok``: ``ok`` when
        the simulated figure lies within ``[low, high]`` of :func:`targets` (or,
        for a text figure, equals the published one).
    """
    from .sample import DEFAULT_DIR

    folder = Path(DEFAULT_DIR if folder is None else folder)
    simulated = {("single", k): v for k, v in _single_figures(folder).items()}
    simulated.update({("two_arm", k): v for k, v in _two_arm_figures(folder).items()})
    rows = []
    for t in targets().itertuples(index=False):
        value = simulated[(t.sample, t.figure)]
        ok = t.published == value if isinstance(value, str) else t.low <= value <= t.high
        rows.append((t.sample, t.figure, t.published, value, t.margin, bool(ok)))
    return pd.DataFrame(rows, columns=["sample", "figure", "published", "simulated", "margin",
                                       "ok"])


def _single_figures(folder: Path) -> dict:
    from scipy import stats

    from .sample import VISITS

    s = pd.read_csv(folder / "subjects.csv")
    m = pd.read_csv(folder / "measurements.csv")
    ae = pd.read_csv(folder / "adverse_events.csv")
    wide = m.pivot_table(index="subject_id", columns=["outcome", "visit"], values="value")
    order = {v: i for i, v in enumerate(VISITS)}
    later = m[m["visit"] != "Baseline"].assign(o=lambda f: f["visit"].map(order))

    def base_last(code):
        f = later[later["outcome"] == code].sort_values(["subject_id", "o"])
        last = f.groupby("subject_id")["value"].last()
        base = m[(m["outcome"] == code) & (m["visit"] == "Baseline")].set_index("subject_id")["value"]
        both = pd.concat([base.rename("b"), last.rename("l")], axis=1).dropna()
        return both["b"].to_numpy(), both["l"].to_numpy()

    def pair(code, visit):
        both = wide[code][["Baseline", visit]].dropna()
        return both["Baseline"].to_numpy(), both[visit].to_numpy()

    e = s["baseline_edss"]
    out = {"subjects": len(s),
           "men / women": f"{(s['sex'] == 'M').sum()} / {(s['sex'] == 'F').sum()}",
           "baseline EDSS mean": round(e.mean(), 2), "baseline EDSS SD": round(e.std(), 2),
           "T25FW assessed repeatedly (patients)":
               m[(m["outcome"] == "T25FW") & (m["visit"] != "Baseline")]["subject_id"].nunique()}
    b, v = pair("T25FW", "Post-injection 1")
    out["T25FW median % improvement after 1st injection"] = round(
        float(np.median((b - v) / b * 100)), 1)
    b, v = pair("T25FW", "Month 12")
    out["T25FW median % improvement at Month 12"] = round(float(np.median((b - v) / b * 100)), 1)
    out["T25FW mean change at Month 12 (s)"] = round(float(np.mean(v - b)), 2)
    out["T25FW Month 12 paired t-test p"] = round(float(stats.ttest_rel(v, b).pvalue), 3)
    for code, name in (("FSS_SUM", "FSS sum"), ("SDMT", "SDMT")):
        b, v = base_last(code)
        out[f"{name} baseline mean"] = round(b.mean(), 2)
        out[f"{name} baseline SD"] = round(b.std(ddof=1), 2)
        out[f"{name} last observation mean"] = round(v.mean(), 2)
        out[f"{name} last observation SD"] = round(v.std(ddof=1), 2)
        out[f"{name} paired t-test p"] = round(float(stats.ttest_rel(v, b).pvalue), 4)
    for code, name in (("NFL", "NfL"), ("GFAP", "GFAP")):
        b, v = base_last(code)
        out[f"{name} mean % change at last observation"] = round(float(((v - b) / b * 100)
                                                                      .mean()), 1)
        out[f"{name} Wilcoxon p"] = float(f"{stats.wilcoxon(v, b).pvalue:.2g}")
        if code == "GFAP":
            out["GFAP lower than baseline (% of patients)"] = round(float(np.mean(v < b) * 100), 1)
    out["serious adverse events"] = int(ae["serious"].astype(str).str.lower().eq("true").sum())
    return out


def _two_arm_figures(folder: Path) -> dict:
    from scipy import stats

    s2 = pd.read_csv(folder / "two_arm" / "subjects.csv")
    m2 = pd.read_csv(folder / "two_arm" / "measurements.csv")
    arm = s2.set_index("subject_id")["arm"]
    out = {f"{name} subjects": int((arm == name).sum()) for name in ("MSC-NP", "Saline")}
    w2 = m2.pivot_table(index="subject_id", columns=["outcome", "visit"], values="value")
    both = pd.concat({c: w2[c][["Baseline", "Month 12"]] for c in ("EDSS", "T25FW", "NHPT")},
                     axis=1).dropna()
    e0, e1 = both[("EDSS", "Baseline")], both[("EDSS", "Month 12")]
    t0, t1 = both[("T25FW", "Baseline")], both[("T25FW", "Month 12")]
    h0, h1 = both[("NHPT", "Baseline")], both[("NHPT", "Month 12")]
    step = np.where(e0 <= 5.5, 1.0, 0.5)
    better = (e0 - e1 >= step) | (t0 - t1 >= 0.2 * t0) | (h0 - h1 >= 0.2 * h0)
    worse = (e1 - e0 >= step) | (t1 - t0 >= 0.2 * t0) | (h1 - h0 >= 0.2 * h0)
    improved = better & ~worse
    sub = s2.set_index("subject_id")["baseline_edss"] >= 6.0
    t = w2["T25FW"][["Baseline", "Month 12"]].dropna()
    imp = (t["Baseline"] - t["Month 12"]) / t["Baseline"] * 100
    groups = {}
    for name in ("MSC-NP", "Saline"):
        sel = both.index.map(arm) == name
        out[f"EDSS-Plus improved at Month 12, {name} (% of 27)"] = round(
            float(improved[sel].sum() / 27 * 100), 1)
        g = imp[(t.index.map(arm) == name) & t.index.map(sub).astype(bool)]
        groups[name] = g.to_numpy()
        out[f"EDSS 6.0-6.5: T25FW % improvement mean, {name}"] = round(float(g.mean()), 1)
        out[f"EDSS 6.0-6.5: T25FW % improvement SD, {name}"] = round(float(g.std(ddof=1)), 1)
    p = stats.ttest_ind(groups["MSC-NP"], groups["Saline"], equal_var=False).pvalue
    out["EDSS 6.0-6.5: T25FW between-arm p (Welch)"] = round(float(p), 3)
    return out


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _readme(table: pd.DataFrame) -> str:
    from .sample import SEED

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
