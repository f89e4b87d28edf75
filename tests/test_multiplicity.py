"""The multiplicity family: effect table, link, CLI and the sentence on screen."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from streamlit.testing.v1 import AppTest

from msc_dash import load_sample
from msc_dash.effects import effect_sizes
from msc_dash.multiplicity import family_text
from msc_dash.settings import AnalysisSettings
from msc_dash.ui import urlstate

APP = str(Path(__file__).resolve().parents[1] / "app.py")
FAMILY = ("T25FW", "EDSS", "SDMT")


@pytest.fixture(scope="module")
def trial():
    return load_sample("single")


def test_pre_specified_family_is_adjusted_apart_from_the_rest(trial):
    # reference: statsmodels multipletests(method="holm") on each family separately
    settings = AnalysisSettings(n_boot=50, family=FAMILY)
    table = effect_sizes(trial, settings=settings)
    everyone = effect_sizes(trial, n_boot=50)
    visit = "Month 12"
    at = table[table.visit == visit].set_index("outcome")
    for inside in (True, False):
        part = at[at.index.isin(FAMILY) == inside]
        ok = part.p_ttest.notna()
        want = multipletests(part.p_ttest[ok], method="holm")[1]
        np.testing.assert_allclose(part.p_adjusted[ok], want, rtol=1e-12)
    # the family is smaller than all 17 outcomes: its adjusted p are not those of one family
    all_at = everyone[everyone.visit == visit].set_index("outcome")
    assert (at.loc[list(FAMILY), "p_adjusted"] <= all_at.loc[list(FAMILY), "p_adjusted"]).all()
    assert (at.loc[list(FAMILY), "p_adjusted"] < all_at.loc[list(FAMILY), "p_adjusted"]).any()


def test_family_text_names_method_count_visit_and_arm():
    assert family_text([f"O{i}" for i in range(17)], visit="Month 12") == (
        "Holm across the 17 outcomes at Month 12, within arm.")
    text = family_text(["T25FW", "EDSS", "SDMT", "NFL"], padjust="fdr_bh", family=FAMILY)
    assert text.startswith("Benjamini-Hochberg (FDR) across the 3 pre-specified outcomes "
                           "(T25FW, EDSS, SDMT) at each visit, within arm")
    assert "other 1 outcome adjusted as a separate exploratory family" in text


def test_family_travels_in_the_link():
    params = urlstate.encode_view({"data": "single", "family": ["T25FW", "EDSS"]})
    assert params["family"] == "T25FW,EDSS"
    assert urlstate.is_view_key("family")
    view, problems = urlstate.decode_view(params)
    assert view["family"] == ["T25FW", "EDSS"] and not problems
    _, problems = urlstate.decode_view({"family": "T25FW,<img src=x>"})
    assert problems == ["Ignored link parameter `family`: expected outcome codes separated "
                        "by commas."]


def test_cli_family_option(tmp_path):
    from msc_dash.cli import main

    data = Path(__file__).resolve().parents[1] / "sample_data"
    out = tmp_path / "e.csv"
    assert main(["effects", str(data), "-o", str(out), "--n-boot", "50", "-q",
                 "--family", "T25FW,EDSS,SDMT"]) == 0
    back = pd.read_csv(out, encoding="utf-8-sig")
    want = effect_sizes(load_sample("single"), n_boot=50, family=FAMILY)
    np.testing.assert_allclose(back.p_adjusted, want.p_adjusted, rtol=1e-9)


def test_overview_states_the_family_from_the_link():
    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params["data"] = "single"
    at.query_params["visit"] = "Month 12"
    at.query_params["family"] = "T25FW,EDSS,SDMT,NOPE"
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["set_family"] == list(FAMILY)
    captions = " ".join(c.value for c in at.caption)
    assert ("Holm across the 3 pre-specified outcomes (T25FW, EDSS, SDMT) at Month 12, "
            "within arm") in captions
    assert at.query_params["family"] == ["T25FW,EDSS,SDMT"] or \
        at.query_params["family"] == "T25FW,EDSS,SDMT"


def test_report_methods_name_the_family(trial):
    from msc_dash.report import methods_text
    from msc_dash.settings import AnalysisSettings

    text = methods_text(trial, settings=AnalysisSettings(family=FAMILY))
    assert ("by the Holm method within the pre-specified outcomes (T25FW, EDSS, SDMT), the "
            "other outcomes forming a separate exploratory family.") in text
    assert "pre-specified" not in methods_text(trial)
