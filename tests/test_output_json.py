"""The indented JSON of listings (`ps --json`) is json.dumps's, byte for byte."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from hfjobs_cli.output import Output, indented_json

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(JSON)
def test_indented_json_is_json_dumps(value):
    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_values_that_decoded_json_does_not_hold_are_json_dumps_own():
    for value in (
        {1: "a", "b": [math.nan, math.inf, -math.inf]},
        {"t": (1, 2)},
        [{"k": {2.5: None}}],
    ):
        assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_pages_make_one_array(capsys):
    pages = [[{"a": 1}], [], [{"b": "é\n"}, [1, []]], []]
    assert Output().json_pages(pages) == 3
    items = [item for page in pages for item in page]
    assert capsys.readouterr().out == json.dumps(items, indent=2, ensure_ascii=False) + "\n"
    assert Output().json_pages([[], []]) == 0
    assert capsys.readouterr().out == "[]\n"
