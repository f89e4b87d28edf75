"""Differences and slopes are written in the unit of a change, never a scale's range.

MSWS12 and MSIS-29 have the unit "0-100" (the range of the scale); a difference of
+2.6 on it was shown as "+2.6 0-100 [-0.8, 5.9]". ``Outcome.change_unit`` says
"points" for such scales.
"""

import pytest

from msc_dash.between import between_arm_findings, display_table
from msc_dash.io import load_sample
from msc_dash.mmrm import mmrm_table


@pytest.fixture(scope="module")
def two_arm():
    t = load_sample("two_arm")
    return t, mmrm_table(t, "MSC-NP", "Saline")


def test_mmrm_display_table_writes_points(two_arm):
    t, table = two_arm
    shown = display_table(table, t)
    cell = shown.loc[shown["Outcome"].str.contains("MSWS12"), "MSC-NP vs Saline [95% CI]"]
    assert len(cell) and all(" points [" in c and "0-100" not in c for c in cell)
    # EDSS (unit "score") likewise reads as points
    edss = shown.loc[shown["Outcome"].str.contains("EDSS"), "MSC-NP vs Saline [95% CI]"]
    assert all(" points [" in c for c in edss)


def test_between_arm_findings_write_points(two_arm):
    t, table = two_arm
    text = next(f.text for f in between_arm_findings(t, table) if f.outcome == "MSWS12")
    assert " points [" in text and "0-100" not in text


def test_tipping_chart_names_both_arms_and_the_unit(two_arm):
    from msc_dash.charts import CHARTS
    from msc_dash.settings import AnalysisSettings

    t, _ = two_arm
    fig = CHARTS["mmrm_tipping"].build(t, AnalysisSettings(), outcome="MSWS12")
    # was "MSC-NP vs control", without the unit of the difference
    assert fig.layout.yaxis.title.text == "MSC-NP vs Saline (points)"
