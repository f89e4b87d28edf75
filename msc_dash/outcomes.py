"""The outcome registry: the one place that knows each outcome.

Codes, labels, domains, units, direction of benefit, meaningful-change rules,
axis scale and valid range live here and nowhere else. A :class:`Registry` is
immutable; settings such as a different SDMT threshold give a new registry
(:meth:`Registry.with_rule`), and a :class:`~msc_dash.trial.Trial` carries the
registry its analyses use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal

import numpy as np

__all__ = [
    "Domain",
    "DOMAIN_RECORDS",
    "DOMAIN_INFO",
    "SAFETY",
    "DOMAINS",
    "REGISTRY",
    "MeaningfulChange",
    "Outcome",
    "Registry",
    "MSFC_REFERENCE",
    "EDSS_PLUS",
    "EDSS_PLUS_COMPONENTS",
    "FUNCTIONAL_SYSTEMS",
    "DERIVED",
    "NHPT_HANDS",
    "looks_timed",
]

@dataclass(frozen=True)
class Domain:
    """One page of results: an outcome domain (or safety), as the app and the slides show it.

    Attributes
    ----------
    code : str
        The domain code outcomes carry (``Outcome.domain``), e.g. ``"mobility"``.
    title : str
        Heading of its page, report section and slides ("Patient-reported outcomes").
    intro : str
        The sentence under the page's title.
    icon : str
        Emoji of the navigation entry (no icon fonts: nothing loads from outside).
    url_path : str
        Address of its page (``/mobility``); its page file is ``pages/<url_path>.py``.
    nav_title : str
        Shorter name in the navigation (default: ``title``).
    """

    code: str
    title: str
    intro: str
    icon: str
    url_path: str
    nav_title: str = ""

    @property
    def page(self) -> str:
        """Path of the page file, relative to the app's folder."""
        return f"pages/{self.url_path}.py"

    @property
    def nav(self) -> str:
        """Name in the navigation."""
        return self.nav_title or self.title


#: The outcome domains in display order (each has a page, a report section and a slide).
DOMAIN_RECORDS: tuple[Domain, ...] = (
    Domain("mobility", "Mobility",
           "Walking speed (Timed 25-Foot Walk) and hand function (9-Hole Peg Test). "
           "Lower times are better.", "🚶", "mobility"),
    Domain("disability", "Disability",
           "EDSS, the Functional Systems scores and the EDSS-Plus composite. "
           "Lower scores are better.", "♿", "disability"),
    Domain("cognition", "Cognition",
           "Processing speed and attention (SDMT, PASAT). More correct answers are better.",
           "🧠", "cognition"),
    Domain("biomarker", "Biomarkers",
           "Serum markers of neuro-axonal damage (NfL) and astroglial activation (GFAP), "
           "on a log scale: changes are ratios (geometric mean ratio, % change).",
           "🧪", "biomarkers"),
    Domain("patient-reported", "Patient-reported outcomes",
           "How patients rate their MS: MSIS-29 physical and psychological impact, "
           "MS Walking Scale-12. Lower scores are better.", "💬", "patient_reported",
           nav_title="Patient-reported"),
    Domain("other", "Other outcomes",
           "Outcomes outside the registry, analysed with the direction and domain given on "
           "the Data page (default: higher is better, no meaningful-change rule).",
           "➕", "other"),
)

#: The safety page, a results page without outcomes (domain code ``"safety"``).
SAFETY = Domain("safety", "Safety", "Adverse events, serious events and exposure-adjusted "
                "rates.", "🛡️", "safety")

#: Domain code -> record (the outcome domains, then safety).
DOMAIN_INFO: MappingProxyType[str, Domain] = MappingProxyType(
    {d.code: d for d in (*DOMAIN_RECORDS, SAFETY)})

#: Domains in display order, with their page titles.
DOMAINS: MappingProxyType[str, str] = MappingProxyType(
    {d.code: d.title for d in DOMAIN_RECORDS})

_TOL = 1e-9  # EDSS steps are exact halves; guard float noise at the threshold


@dataclass(frozen=True)
class MeaningfulChange:
    """A rule for a clinically meaningful change from baseline.

    Parameters
    ----------
    kind : {"relative", "absolute", "edss"}
        ``relative``: ``amount`` is a fraction of baseline (0.2 = 20%).
        ``absolute``: ``amount`` is in the outcome's units.
        ``edss``: ``amount_zero`` (1.5) from a baseline of 0, ``amount`` (1.0)
        when baseline <= ``threshold``, else ``amount_high`` (0.5).
    amount : float
    threshold : float, optional
        Baseline EDSS at or below which ``amount`` applies (``edss`` only).
    amount_high : float, optional
        Step above ``threshold`` (``edss`` only).
    amount_zero : float, optional
        Step from a baseline of 0 (``edss`` only); ``amount`` when None.

    Examples
    --------
    >>> rule = MeaningfulChange("relative", 0.2)
    >>> rule.describe("s")
    '20% of baseline'
    >>> MeaningfulChange("edss", 1.0, threshold=5.5, amount_high=0.5).describe("")
    '1.0 point if baseline EDSS <= 5.5, else 0.5'
    >>> rule = MeaningfulChange("edss", 1.0, threshold=5.0, amount_high=0.5, amount_zero=1.5)
    >>> rule.describe(""), rule.thresholds([0.0, 5.0, 5.5]).tolist()
    ('1.5 points from baseline EDSS 0, 1.0 up to 5, 0.5 above', [1.5, 1.0, 0.5])
    """

    kind: Literal["relative", "absolute", "edss"]
    amount: float
    threshold: float | None = None
    amount_high: float | None = None
    amount_zero: float | None = None

    def thresholds(self, baseline: np.ndarray) -> np.ndarray:
        """Size of a meaningful change for each baseline value, in raw units."""
        baseline = np.asarray(baseline, dtype=float)
        if self.kind == "relative":
            return np.abs(baseline) * self.amount
        if self.kind == "absolute":
            return np.full(baseline.shape, float(self.amount))
        step = np.where(baseline <= self.threshold + _TOL, self.amount, self.amount_high)
        if self.amount_zero is not None:
            step = np.where(np.abs(baseline) < _TOL, self.amount_zero, step)
        return step

    def describe(self, unit: str) -> str:
        """Human-readable statement of the rule."""
        if self.kind == "relative":
            return f"{self.amount * 100:g}% of baseline"
        if self.kind == "absolute":
            word = "point" if self.amount == 1 and unit in ("points", "") else unit or "points"
            return f"{self.amount:g} {word}"
        if self.amount_zero is not None:
            return (f"{self.amount_zero:.1f} points from baseline EDSS 0, {self.amount:.1f} up "
                    f"to {self.threshold:g}, {self.amount_high:.1f} above")
        return (
            f"{self.amount:.1f} point if baseline EDSS <= {self.threshold:g}, "
            f"else {self.amount_high:.1f}"
        )


@dataclass(frozen=True)
class Outcome:
    """One outcome measure.

    Attributes
    ----------
    code, label, domain, unit : str
    better : {"lower", "higher"}
        Direction of benefit.
    scale : {"linear", "log"}
        Axis and model scale; log-scale outcomes also get geometric mean ratios.
    meaningful_change : MeaningfulChange or None
    valid_range : tuple of float
        Inclusive bounds; ``low_exclusive`` makes the lower bound strict (times > 0).
    step : float or None
        Values must be multiples of ``step`` (EDSS: 0.5).
    known : bool
        False for codes the registry does not define.
    aliases : tuple of str
        Column or outcome names that mean this outcome in the mapping step,
        normalised (lower case, letters and digits only; see
        :func:`msc_dash.mapping.normalise`).
    paramcd : tuple of str
        CDISC ADaM ``PARAMCD`` values read as this outcome (besides the code itself).
    short : str
        A shorter name for axis titles and other tight places ("" when ``label``
        is short enough); read it as :attr:`short_label`.

    Examples
    --------
    >>> REGISTRY["T25FW"].sign
    -1
    >>> REGISTRY["SDMT"].axis_title
    'SDMT (correct answers)'
    """

    code: str
    label: str
    domain: str
    unit: str
    better: Literal["lower", "higher"]
    scale: Literal["linear", "log"] = "linear"
    meaningful_change: MeaningfulChange | None = None
    valid_range: tuple[float, float] = (-np.inf, np.inf)
    low_exclusive: bool = False
    step: float | None = None
    known: bool = True
    description: str = ""
    # How files name the outcome: reading only, so not part of the cache key (repr).
    aliases: tuple[str, ...] = field(default=(), repr=False)
    paramcd: tuple[str, ...] = field(default=(), repr=False)
    short: str = ""

    @property
    def sign(self) -> int:
        """+1 where higher is better, -1 where lower is better."""
        return 1 if self.better == "higher" else -1

    @property
    def short_label(self) -> str:
        """The name where space is tight: ``short``, else ``label``.

        Examples
        --------
        >>> REGISTRY["FSS_SUM"].short_label
        'FS sum'
        >>> REGISTRY["T25FW"].short_label  # no short name: the label
        'Timed 25-Foot Walk'
        """
        return self.short or self.label

    @property
    def label_and_code(self) -> str:
        """``'Timed 25-Foot Walk (T25FW)'``; the code alone when it is its own label."""
        return self.code if self.label == self.code else f"{self.label} ({self.code})"

    @property
    def axis_title(self) -> str:
        """Axis title with the unit, e.g. ``'Timed 25-Foot Walk (s)'``."""
        name = self.short_label
        return f"{name} ({self.unit})" if self.unit else name

    @property
    def change_unit(self) -> str:
        """Unit of a change: ``points`` for scores and bounded scales ("0-100").

        Examples
        --------
        >>> REGISTRY["MSIS29_PHYS"].change_unit, REGISTRY["T25FW"].change_unit
        ('points', 's')
        """
        if not self.unit or self.unit == "score" or self.unit[0].isdigit():
            return "points"
        return self.unit

    @property
    def rule_text(self) -> str:
        """The meaningful-change rule in words, or a note that there is none."""
        if self.meaningful_change is None:
            return "no meaningful-change rule"
        return self.meaningful_change.describe(self.change_unit)

    def classify(self, baseline, value) -> np.ndarray:
        """Classify each change: +1 improved, 0 stable, -1 worsened, NaN unknown.

        A change counts when it reaches the rule's threshold in either
        direction; without a rule (or a missing value) the result is NaN.

        Examples
        --------
        >>> REGISTRY["EDSS"].classify([5.0, 6.0, 6.0], [4.0, 6.5, 6.0]).tolist()
        [1.0, -1.0, 0.0]
        """
        baseline = np.asarray(baseline, dtype=float)
        value = np.asarray(value, dtype=float)
        out = np.full(baseline.shape, np.nan)
        if self.meaningful_change is None:
            return out
        benefit = (value - baseline) * self.sign
        limit = self.meaningful_change.thresholds(baseline) - _TOL
        ok = np.isfinite(benefit) & np.isfinite(limit)
        out[ok] = 0.0
        out[ok & (benefit >= limit)] = 1.0
        out[ok & (-benefit >= limit)] = -1.0
        return out

    def out_of_range(self, values) -> np.ndarray:
        """Boolean mask of values outside the valid range or off the step grid."""
        v = np.asarray(values, dtype=float)
        lo, hi = self.valid_range
        bad = (v < lo) | (v > hi) | ((v <= lo) if self.low_exclusive else False)
        if self.step:
            bad |= np.abs(v / self.step - np.round(v / self.step)) > 1e-6
        return bad & np.isfinite(v) | np.isinf(v)

    def range_text(self) -> str:
        """The valid range in words, for error messages."""
        lo, hi = self.valid_range
        parts = []
        if np.isfinite(lo):
            parts.append(f"{'>' if self.low_exclusive else '>='} {lo:g}")
        if np.isfinite(hi):
            parts.append(f"<= {hi:g}")
        text = " and ".join(parts) or "finite"
        if self.step:
            text += f" in steps of {self.step:g}"
        return text


_POS = (0.0, np.inf)
_FS = [
    ("FS_VISUAL", "Visual functions", 6),
    ("FS_BRAINSTEM", "Brainstem functions", 5),
    ("FS_PYRAMIDAL", "Pyramidal functions", 6),
    ("FS_CEREBELLAR", "Cerebellar functions", 5),
    ("FS_SENSORY", "Sensory functions", 6),
    ("FS_BOWEL_BLADDER", "Bowel and bladder functions", 6),
    ("FS_CEREBRAL", "Cerebral functions", 5),
]

#: Individual Kurtzke Functional Systems scores (their sum is ``FSS_SUM``).
FUNCTIONAL_SYSTEMS = tuple(code for code, _, _ in _FS)
#: Outcomes computed from others when their parts are present.
DERIVED = ("MSFC",)
#: 9-Hole Peg Test of each hand (dominant, non-dominant); NHPT is their mean (MSFC).
NHPT_HANDS = ("NHPT_DH", "NHPT_NDH")

_TIMED = re.compile(r"(?:^|[^a-z])(?:timed?|sec|secs|seconds?|peg|hpt|t25fw|t25w|nhpt)"
                    r"(?:$|[^a-z])|\((?:s|sec|seconds?)\)|\[(?:s|sec|seconds?)\]", re.I)


def looks_timed(name: str) -> bool:
    """Whether a column or outcome name is a timed test (lower is better).

    Examples
    --------
    >>> looks_timed("9HPT dominant (s)"), looks_timed("Stair climb time"), looks_timed("SDMT")
    (True, True, False)
    """
    return bool(_TIMED.search(str(name).replace("_", " ")))


_OUTCOMES: tuple[Outcome, ...] = (
    Outcome("T25FW", "Timed 25-Foot Walk", "mobility", "s", "lower", "log",
            MeaningfulChange("relative", 0.2), _POS, low_exclusive=True,
            description="Time to walk 25 feet, mean of two trials.",
            aliases=('timed25footwalk', 'timed25ftwalk', 't25fw', 't25w', '25footwalk', '25ftwalk', 'timedwalk', 'walk25ft', 'timed25footwalktest'),
            paramcd=('T25FWM', 'T25FWT', 'T25W')),
    Outcome("NHPT", "9-Hole Peg Test", "mobility", "s", "lower", "log",
            MeaningfulChange("relative", 0.2), _POS, low_exclusive=True,
            description="Upper-limb function: time to place and remove nine pegs.",
            aliases=('9hpt', 'ninehpt', '9holepegtest', 'nineholepegtest', '9hp', 'nhpt', 'pegtest', '9holepeg'),
            paramcd=('NHPTM', '9HPT', 'HPT9')),
    *(
        Outcome(code, f"9-Hole Peg Test, {hand} hand", "mobility", "s", "lower", "log",
                MeaningfulChange("relative", 0.2), _POS, low_exclusive=True,
                description=f"Time to place and remove nine pegs with the {hand} hand; "
                            "NHPT is the mean of both hands.", short=f"9-HPT, {hand} hand")
        for code, hand in zip(NHPT_HANDS, ("dominant", "non-dominant"), strict=True)
    ),
    Outcome("EDSS", "Expanded Disability Status Scale", "disability", "score", "lower",
            "linear", MeaningfulChange("edss", 1.0, threshold=5.5, amount_high=0.5,
                                        amount_zero=1.5),
            (0.0, 10.0), step=0.5, description="Kurtzke EDSS, 0 to 10 in steps of 0.5.",
            aliases=('expandeddisabilitystatusscale', 'edssscore'),
            paramcd=('EDSSTOT', 'EDSSSCR'),
            short="EDSS"),
    Outcome("FSS_SUM", "Sum of Functional Systems scores", "disability", "points", "lower",
            "linear", MeaningfulChange("absolute", 1.0), (0.0, 41.0),
            description="Sum of the seven Kurtzke Functional Systems scores.",
            aliases=('fss', 'fsssum', 'sumfs', 'fssum', 'functionalsystems', 'functionalsystemsscore', 'sumoffunctionalsystems'),
            paramcd=('FSSSUM', 'FSSUM', 'FSTOT'),
            short="FS sum"),
    *(
        Outcome(code, label, "disability", "points", "lower", "linear", None,
                (0.0, float(top)), step=1.0, description=f"Kurtzke FS: {label.lower()}.")
        for code, label, top in _FS
    ),
    Outcome("SDMT", "Symbol Digit Modalities Test", "cognition", "correct answers",
            "higher", "linear", MeaningfulChange("absolute", 4.0), (0.0, 120.0),
            description="Correct substitutions in 90 seconds.",
            aliases=('symboldigitmodalitiestest', 'symboldigit', 'sdmtscore'),
            paramcd=('SDMTTOT', 'SDMTSCR'),
            short="SDMT"),
    Outcome("PASAT", "Paced Auditory Serial Addition Test", "cognition",
            "correct answers", "higher", "linear", MeaningfulChange("absolute", 4.0),
            (0.0, 60.0), description="PASAT-3, correct answers out of 60.",
            aliases=('pasat3', 'pacedauditoryserialadditiontest', 'pasatscore'),
            paramcd=('PASAT3', 'PASATTOT'),
            short="PASAT"),
    Outcome("MSFC", "MSFC composite (T25FW, NHPT, PASAT)", "disability", "z", "higher",
            "linear", None, description="Derived: (z_NHPT - z_T25FW + z_PASAT) / 3 "
            "against the MSFC task-force reference population.",
            short="MSFC"),
    Outcome("NFL", "Serum neurofilament light", "biomarker", "pg/mL", "lower", "log",
            None, _POS, description="Serum NfL concentration.",
            aliases=('snfl', 'nfl', 'neurofilament', 'neurofilamentlight', 'serumnfl', 'neurofilamentlightchain'),
            paramcd=('NFLS', 'SNFL', 'NFLSER'),
            short="Serum NfL"),
    Outcome("GFAP", "Serum glial fibrillary acidic protein", "biomarker", "pg/mL", "lower",
            "log", None, _POS, description="Serum GFAP concentration.",
            aliases=('sgfap', 'serumgfap', 'glialfibrillaryacidicprotein'),
            paramcd=('GFAPS', 'SGFAP'),
            short="Serum GFAP"),
    Outcome("MSIS29_PHYS", "MSIS-29 physical", "patient-reported", "0-100", "lower",
            "linear", MeaningfulChange("absolute", 8.0), (0.0, 100.0),
            description="Multiple Sclerosis Impact Scale, physical subscale (0-100).",
            aliases=('msis29physical', 'msisphysical', 'msis29p', 'msis29phys', 'msis29ph'),
            paramcd=('MSIS29P', 'MSIS29PH', 'MSISPHYS')),
    Outcome("MSIS29_PSYCH", "MSIS-29 psychological", "patient-reported", "0-100", "lower",
            "linear", MeaningfulChange("absolute", 8.0), (0.0, 100.0),
            description="Multiple Sclerosis Impact Scale, psychological subscale (0-100).",
            aliases=('msis29psychological', 'msispsychological', 'msis29ps', 'msis29psy'),
            paramcd=('MSIS29PS', 'MSISPSY', 'MSISPSYC')),
    Outcome("MSWS12", "MS Walking Scale-12", "patient-reported", "0-100", "lower",
            "linear", MeaningfulChange("absolute", 8.0), (0.0, 100.0),
            description="Patient-reported walking limitation (0-100).",
            aliases=('msws', 'mswalkingscale', 'mswalkingscale12', 'walkingscale'),
            paramcd=('MSWS',)),
)

#: MSFC task-force reference population (Fischer et al., Mult Scler 1999).
MSFC_REFERENCE = MappingProxyType(
    {
        "NHPT_RECIPROCAL": (0.0439, 0.0101),
        "T25FW": (9.5353, 11.4058),
        "PASAT": (45.0311, 12.0771),
    }
)

#: The EDSS-Plus composite (Cadavid et al., Mult Scler 2017): its code, then its
#: components, EDSS first, then the timed tests.
EDSS_PLUS = "EDSS_PLUS"
EDSS_PLUS_COMPONENTS = ("EDSS", "T25FW", "NHPT")


@dataclass(frozen=True)
class Registry:
    """An immutable mapping from outcome code to :class:`Outcome`.

    Unknown codes are not an error: :meth:`get` returns an outcome in the
    ``other`` domain where higher is better (lower for a timed test, see
    :func:`looks_timed`) and no meaningful-change rule applies, unless
    :meth:`with_outcome` said otherwise.

    Examples
    --------
    >>> reg = REGISTRY.with_rule("SDMT", MeaningfulChange("absolute", 3.0))
    >>> reg["SDMT"].rule_text, REGISTRY["SDMT"].rule_text
    ('3 correct answers', '4 correct answers')
    >>> reg.get("GRIP").domain
    'other'
    """

    outcomes: tuple[Outcome, ...] = field(default=_OUTCOMES)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {o.code: o for o in self.outcomes})

    def __getitem__(self, code: str) -> Outcome:
        return self._by_code[code]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self):
        return iter(self.outcomes)

    @property
    def codes(self) -> list[str]:
        """Codes in registry order."""
        return [o.code for o in self.outcomes]

    def get(self, code: str) -> Outcome:
        """The outcome for ``code``, or a default for an unknown code."""
        found = self._by_code.get(code)
        if found is not None:
            return found
        if looks_timed(code):  # a timed test is never higher-is-better
            return Outcome(code, code, "other", "s", "lower", known=False)
        return Outcome(code, code, "other", "", "higher", known=False)

    def order(self, codes) -> list[str]:
        """Sort codes: registry order first, unknown codes after, alphabetically."""
        rank = {c: i for i, c in enumerate(self.codes)}
        return sorted(set(codes), key=lambda c: (rank.get(c, len(rank)), c))

    def by_domain(self, domain: str) -> list[Outcome]:
        """Outcomes of one domain, in registry order."""
        return [o for o in self.outcomes if o.domain == domain]

    def core(self, domain: str) -> list[str]:
        """The outcomes a domain page expects (and notes when missing), in registry order.

        Individual Functional Systems scores and derived composites are shown
        when present but not expected.

        Examples
        --------
        >>> REGISTRY.core("disability")
        ['EDSS', 'FSS_SUM']
        """
        return [o.code for o in self.by_domain(domain)
                if o.known and o.code not in (*FUNCTIONAL_SYSTEMS, *DERIVED, *NHPT_HANDS)]

    def with_outcome(self, code: str, **changes) -> Registry:
        """A registry where ``code`` (known or not) has the given attributes.

        Examples
        --------
        >>> REGISTRY.with_outcome("GRIP", domain="mobility", better="higher", unit="kg")["GRIP"].unit
        'kg'
        """
        current = self.get(code)
        updated = replace(current, **changes)
        rest = tuple(o for o in self.outcomes if o.code != code)
        if code in self:
            return Registry(tuple(updated if o.code == code else o for o in self.outcomes))
        return Registry((*rest, updated))

    def with_rule(self, code: str, rule: MeaningfulChange | None) -> Registry:
        """A registry with another meaningful-change rule for ``code``."""
        return self.with_outcome(code, meaningful_change=rule)

    def name(self, code: str) -> str:
        """What a reader sees for ``code`` where space is tight: the short label.

        Examples
        --------
        >>> REGISTRY.name("MSIS29_PHYS"), REGISTRY.name(EDSS_PLUS), REGISTRY.name("GRIP")
        ('MSIS-29 physical', 'EDSS-Plus', 'GRIP')
        """
        return "EDSS-Plus" if code == EDSS_PLUS else self.get(code).short_label

    def settings_key(self) -> str:
        """A short, stable text of every setting, for cache keys."""
        return repr(self.outcomes)


#: The default registry (the table in docs/architecture.md plus individual FS scores and MSFC).
REGISTRY = Registry()
