"""URL round trip of the view, and hostile or malformed parameters ignored with a notice."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msc_dash.ui.urlstate import decode_view, encode_view

VIEW = {"data": "two_arm", "visit": "Month 12", "outcome": "T25FW", "page": "subgroups",
        "filters": {"ms_type": ["SPMS"], "sex": ["F", "M"], "age": (40, 60),
                    "baseline_edss": (5.5, 6.5), "n_injections": [3]}}


def test_round_trip():
    params = encode_view(VIEW)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in params.items())
    assert params["f.ms_type"] == "SPMS"          # one plain category stays readable
    assert json.loads(params["f.age"]) == [40, 60]
    view, problems = decode_view(params)
    assert problems == []
    expected = {**VIEW, "filters": {k: list(v) for k, v in VIEW["filters"].items()}}
    assert view == expected


def test_empty_parts_are_left_out():
    assert encode_view({"data": "single", "visit": None, "outcome": "", "filters": {}}) == {
        "data": "single"}
    assert decode_view({}) == ({}, [])


@pytest.mark.parametrize("params,fragment", [
    ({"__class__": "x"}, "unknown link parameter `__class__`"),
    ({"data": "../../etc/passwd"}, "`data`: expected one of"),
    ({"page": "<script>alert(1)</script>"}, "`page`: not a page name"),
    ({"visit": "x" * 500}, "`visit`: not a short plain text"),
    ({"outcome": "T25FW\n<b>"}, "`outcome`: not a short plain text"),
    ({"f.age": "[40, NaN]"}, "filter `age`"),
    ({"f.age": "[40, Infinity]"}, "filter `age`"),
    ({"f.age": '{"__reduce__": 1}'}, "filter `age`"),
    ({"f.age": "[[1, 2]]"}, "values must be short texts or finite numbers"),
    ({"f.age": "[]"}, "expected a list of 1 to 100 values"),
    ({"f.age": "[1, 2"}, "not valid JSON"),
    ({"f.age": "[" * 5000}, "value too long"),
    ({"f.x;rm -rf": '["a"]'}, "not a column name"),
    ({"f.sex": "gANjYnVpbHRpbnMKZXZhbApxAFgMAAAAcHJpbnQoInB3bmQiKXEBhXECUnEDLg==\x00"},
     "filter `sex`"),
])
def test_bad_parameters_are_ignored_with_a_notice(params, fragment):
    view, problems = decode_view(params)
    assert view == {}
    assert len(problems) == 1 and fragment in problems[0], problems


def test_good_parts_survive_bad_ones():
    view, problems = decode_view({"visit": "Month 6", "f.sex": "F", "evil": "eval('1')",
                                  "f.age": "[not json"})
    assert view == {"visit": "Month 6", "filters": {"sex": ["F"]}}
    assert len(problems) == 2


def test_list_values_take_the_last():
    view, _ = decode_view({"visit": ["Month 6", "Month 12"]})
    assert view == {"visit": "Month 12"}


def test_too_many_filters_are_cut():
    view, problems = decode_view({f"f.c{i}": "a" for i in range(45)})
    assert len(view["filters"]) == 40 and len(problems) == 5


@given(st.dictionaries(st.text(max_size=30), st.text(max_size=60), max_size=8))
def test_decode_never_raises(params):
    view, problems = decode_view(params)
    assert isinstance(view, dict) and isinstance(problems, list)
    assert set(view) <= {"data", "visit", "outcome", "page", "filters"}


@given(st.lists(st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1,
                        max_size=20), min_size=1, max_size=5, unique=True))
def test_category_round_trip(values):
    view, problems = decode_view(encode_view({"filters": {"site": values}}))
    assert problems == [] and view["filters"]["site"] == values


def test_presenter_and_embed_parameters_are_not_ours():
    view, problems = decode_view({"present": "1", "slide": "3", "embed": "true", "visit": "M6"})
    assert view == {"visit": "M6"} and problems == []
