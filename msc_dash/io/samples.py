"""The simulated sample trials and the empty table templates.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from .. import periods as _periods
from ..errors import TrialDataError
from ..trial import TABLES, Trial
from .load import load_trial

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"

SAMPLES = MappingProxyType({"single": SAMPLE_DIR, "two_arm": SAMPLE_DIR / "two_arm",
                            "crossover": SAMPLE_DIR / "crossover"})

SAMPLE_LABELS = MappingProxyType({
    "single": "Sample trial (simulated, single arm)",
    "two_arm": "Sample two-arm trial (simulated)",
    "crossover": "Sample crossover trial (simulated)"})

#: The four tables as CSV text: header and two example rows each.
TABLE_TEMPLATES = MappingProxyType({
    "subjects": "subject_id,arm,ms_type,sex,age,disease_duration_years,baseline_edss\n"
                "P01,MSC,SPMS,F,52,14.5,6.0\nP02,Placebo,PPMS,M,47,9.0,5.5\n",
    "measurements": "subject_id,visit,day,outcome,value\n"
                    "P01,Baseline,0,T25FW,9.8\nP01,Month 6,182,T25FW,8.9\n",
    "adverse_events": "subject_id,term,onset_day,body_system,severity,serious,related,"
                      "injection_number\n"
                      "P01,Headache,2,Nervous system disorders,mild,no,possible,1\n"
                      "P02,Back pain,95,Musculoskeletal disorders,moderate,no,unlikely,2\n",
    "injections": "subject_id,injection_number,day,route,dose_million_cells\n"
                  "P01,1,0,IT,50\nP01,2,120,IT,50\n",
    "relapses": "subject_id,onset_day\nP01,210\nP02,45\n",
})



def load_sample(which: str = "single") -> Trial:
    """The bundled simulated sample trial (``"single"`` arm, ``"two_arm"`` or ``"crossover"``).

    Examples
    --------
    >>> load_sample("single").is_single_arm
    True
    """
    if which not in SAMPLES:
        raise ValueError(f"which must be one of {sorted(SAMPLES)}, not {which!r}")
    folder = SAMPLES[which]
    files = [folder / f"{t}.csv" for t in (*TABLES, "periods")
             if (folder / f"{t}.csv").is_file()]
    if not files:
        raise TrialDataError(f"The sample data is missing from {folder}; create it with "
                             "`make sample`.")
    return load_trial(files, name=SAMPLE_LABELS[which])


#: The banner of the simulated samples' documents.
SIMULATED_NOTE = "These are simulated data, not results of a real trial."


def is_simulated(trial: Trial) -> bool:
    """Whether ``trial`` says it is simulated (the bundled samples' names do).

    The app, the report and both documents carry a "simulated data" banner then.

    Examples
    --------
    >>> is_simulated(load_sample("two_arm"))
    True
    """
    return "simulated" in (trial.source or "").lower()


def sample_named(trial: Trial) -> Trial:
    """``trial`` under its sample's name when its data are a bundled sample's, as in the app.

    The data decide (the fingerprint of the tables), not the folder: a copy of
    the sample written by ``msc-dash sample`` is the sample too.

    Examples
    --------
    >>> from msc_dash.io import load_trial
    >>> sample_named(load_trial(SAMPLES["two_arm"], name="two_arm")).source
    'Sample two-arm trial (simulated)'
    """
    for which in SAMPLES:
        sample = load_sample(which)
        if (sample.n_subjects == trial.n_subjects
                and sample.fingerprint == trial.fingerprint):
            return replace(trial, source=SAMPLE_LABELS[which])
    return trial


def template_zip() -> bytes:
    """A ZIP of the four table templates (CSV with header and example rows)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for table, text in TABLE_TEMPLATES.items():
            zf.writestr(f"{table}.csv", text)
        zf.writestr("periods.csv", _periods.TEMPLATE)
    return buf.getvalue()
