"""The pure bounds on client JSON: depth, integers, strings, NUL characters."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockroom.live.bounds import (
    MAX_JSON_DEPTH,
    MAX_SAFE_INTEGER,
    MAX_STRING_LENGTH,
    _locate_problem,
    _within_bounds,
    json_problem,
)


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def test_nesting_up_to_the_limit_is_kept_and_one_more_level_is_refused():
    assert json_problem(nested(MAX_JSON_DEPTH)) is None
    problem = json_problem(nested(MAX_JSON_DEPTH + 1))
    assert problem is not None and "nested deeper than 32" in problem


def test_hostile_nesting_is_refused_without_recursing():
    assert "nested deeper" in json_problem(nested(100_000))


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"version": MAX_SAFE_INTEGER + 1}, "version: integer out of range"),
        ({"v": [1, -(2**63)]}, "v.1: integer out of range"),
        ({"x": float("inf")}, "x: number out of range"),
        ({"text": "a\x00b"}, "text: text holds a NUL character"),
        ({"a\x00": 1}, "a key is too long or holds a NUL"),
        ({"text": "x" * (MAX_STRING_LENGTH + 1)}, "text longer than"),
        ({"x": object()}, "not a JSON value"),
    ],
)
def test_values_no_store_or_client_can_keep_are_named(value, fragment):
    problem = json_problem(value)
    assert problem is not None and fragment in problem, problem


def test_ordinary_values_pass():
    element = {
        "id": "r1",
        "version": 2**31 - 1,
        "versionNonce": -(2**31),
        "customData": {"tags": ["a", "ü", "🙂"], "n": MAX_SAFE_INTEGER, "f": 1.5, "z": None},
        "text": "x" * MAX_STRING_LENGTH,
    }
    assert json_problem(element) is None


# The quick walk (no paths) and the one that says where must agree on every value.
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.sampled_from("ab\x00é"), max_size=4),
    st.just("x" * (MAX_STRING_LENGTH + 1)),
)
_json = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.text(alphabet=st.sampled_from("k\x00"), max_size=3), children, max_size=3
        )
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(value=_json, max_depth=st.integers(min_value=1, max_value=5))
def test_the_quick_walk_and_the_walk_that_says_where_agree(value, max_depth):
    assert _within_bounds(value, max_depth) == (_locate_problem(value, max_depth) is None)
