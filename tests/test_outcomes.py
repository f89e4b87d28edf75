"""The outcome registry against docs/architecture.md's table and hand-worked rules."""

import numpy as np
import pytest

from msc_dash.outcomes import DOMAINS, REGISTRY, MeaningfulChange

# docs/architecture.md, "The outcome registry and the domain records": code -> (domain, better, scale)
DESIGN_TABLE = {
    "T25FW": ("mobility", "lower", "log"),
    "NHPT": ("mobility", "lower", "log"),
    "EDSS": ("disability", "lower", "linear"),
    "FSS_SUM": ("disability", "lower", "linear"),
    "SDMT": ("cognition", "higher", "linear"),
    "PASAT": ("cognition", "higher", "linear"),
    "NFL": ("biomarker", "lower", "log"),
    "GFAP": ("biomarker", "lower", "log"),
    "MSIS29_PHYS": ("patient-reported", "lower", "linear"),
    "MSIS29_PSYCH": ("patient-reported", "lower", "linear"),
    "MSWS12": ("patient-reported", "lower", "linear"),
}


@pytest.mark.parametrize("code", sorted(DESIGN_TABLE))
def test_registry_matches_design(code):
    o = REGISTRY[code]
    assert (o.domain, o.better, o.scale) == DESIGN_TABLE[code]
    assert o.domain in DOMAINS
    assert o.sign == (1 if o.better == "higher" else -1)


def test_biomarkers_have_no_rule():
    assert REGISTRY["NFL"].meaningful_change is None
    assert np.isnan(REGISTRY["NFL"].classify([10.0], [5.0])).all()


@pytest.mark.parametrize(
    ("baseline", "value", "expected"),
    [
        (10.0, 8.0, 1.0),    # exactly 20% faster: improved
        (10.0, 8.1, 0.0),    # 19% faster: stable
        (10.0, 12.0, -1.0),  # 20% slower: worsened
        (5.0, 5.99, 0.0),
    ],
)
def test_timed_test_relative_rule(baseline, value, expected):
    assert REGISTRY["T25FW"].classify([baseline], [value])[0] == expected


@pytest.mark.parametrize(
    ("baseline", "value", "expected"),
    [
        (5.5, 6.5, -1.0),  # <= 5.5 needs a full point
        (5.5, 6.0, 0.0),
        (6.0, 6.5, -1.0),  # > 5.5 needs half a point
        (6.0, 5.5, 1.0),
        (4.0, 3.5, 0.0),
    ],
)
def test_edss_step_depends_on_baseline(baseline, value, expected):
    assert REGISTRY["EDSS"].classify([baseline], [value])[0] == expected


def test_edss_threshold_is_a_setting():
    rule = MeaningfulChange("edss", 1.0, threshold=5.0, amount_high=0.5)
    reg = REGISTRY.with_rule("EDSS", rule)
    assert reg["EDSS"].classify([5.5], [6.0])[0] == -1.0
    assert REGISTRY["EDSS"].classify([5.5], [6.0])[0] == 0.0
    assert reg.settings_key() != REGISTRY.settings_key()


def test_sdmt_higher_is_better():
    o = REGISTRY["SDMT"]
    assert o.classify([40, 40, 40], [44, 37, 36]).tolist() == [1.0, 0.0, -1.0]


def test_missing_values_are_unknown():
    out = REGISTRY["SDMT"].classify([40.0, np.nan], [np.nan, 50.0])
    assert np.isnan(out).all()


@pytest.mark.parametrize(
    ("code", "values", "bad"),
    [
        ("EDSS", [0, 5.5, 10, 7.3, 10.5, -0.5], [False, False, False, True, True, True]),
        ("T25FW", [5.2, 0.0, -1.0, np.inf], [False, True, True, True]),
        ("NFL", [0.0, 12.0, -3.0], [False, False, True]),
        ("SDMT", [0, 120, 121], [False, False, True]),
    ],
)
def test_valid_ranges(code, values, bad):
    assert REGISTRY[code].out_of_range(values).tolist() == bad


def test_unknown_code_defaults_and_overrides():
    o = REGISTRY.get("GRIP")
    assert (o.known, o.domain, o.better, o.meaningful_change) == (False, "other", "higher", None)
    reg = REGISTRY.with_outcome("GRIP", domain="mobility", better="lower", unit="kg")
    assert reg["GRIP"].sign == -1 and reg.order(["GRIP", "EDSS"]) == ["EDSS", "GRIP"]


def test_registry_order_puts_unknown_last():
    assert REGISTRY.order(["ZZZ", "SDMT", "T25FW", "AAA"]) == ["T25FW", "SDMT", "AAA", "ZZZ"]


@pytest.mark.parametrize(
    ("baseline", "value", "expected"),
    [
        (0.0, 1.0, 0.0),  # from 0 one point is not enough: 1.5 is needed
        (0.0, 1.5, -1.0),
        (1.0, 2.0, -1.0),  # above 0 one point counts again
    ],
)
def test_edss_step_from_baseline_zero_is_one_and_a_half(baseline, value, expected):
    assert REGISTRY["EDSS"].classify([baseline], [value])[0] == expected


def test_aliases_and_paramcd_come_from_the_registry():
    """A new outcome is one registry line: its aliases reach the mapping step and
    its PARAMCD values the ADaM reader (issue 14, item 3)."""
    from msc_dash import adam, mapping

    assert not set(mapping._SYNONYMS) & set(REGISTRY.codes)  # no second list of outcome names
    for outcome in REGISTRY:
        for alias in outcome.aliases:
            assert mapping.outcome_target(alias) == outcome.code, alias
        for code in outcome.paramcd:
            assert adam.PARAMCD_MAP[code] == outcome.code, code
    assert mapping.outcome_target("Nine Hole Peg Test") == "NHPT"
    assert adam.PARAMCD_MAP["EDSSTOT"] == "EDSS"


def test_aliases_are_not_part_of_the_cache_key():
    reg = REGISTRY.with_outcome("SDMT", aliases=("symbols",))
    assert reg["SDMT"].aliases == ("symbols",)
    assert reg.settings_key() == REGISTRY.settings_key()


def test_every_long_label_has_a_short_name_for_axis_titles():
    # issue 17 item 7: axis titles name the outcome, not its code; a label over 30
    # characters ("Serum glial fibrillary acidic protein") would not fit a short axis
    for code in REGISTRY.codes:
        o = REGISTRY.get(code)
        assert len(o.short_label) <= 30, (code, o.short_label)
        assert o.axis_title.startswith(o.short_label)
    assert REGISTRY.get("T25FW").axis_title == "Timed 25-Foot Walk (s)"
    assert REGISTRY.get("MSIS29_PHYS").axis_title == "MSIS-29 physical (0-100)"
    assert REGISTRY.name("EDSS_PLUS") == "EDSS-Plus"
    assert REGISTRY.get("FSS_SUM").label_and_code == "Sum of Functional Systems scores (FSS_SUM)"
