"""The pure bounds on client JSON: depth, integers, strings, NUL characters."""

import pytest

from mockroom.live.bounds import MAX_JSON_DEPTH, MAX_SAFE_INTEGER, MAX_STRING_LENGTH, json_problem


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
