"""The shared checks every way in uses. Pure: no database."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import TypeAdapter, ValidationError

from mockroom.core.validation import (
    MAX_JSON_DEPTH,
    JsonRefused,
    SafeStr,
    ascii_int,
    email_problem,
    json_depth,
    loads_bounded,
    time_zone_problem,
    utc_offset_problem,
)


@pytest.mark.parametrize(
    ("typed", "number"),
    [("7", 7), (" 12 ", 12), ("0", 0), ("²", None), ("٣", None), ("1²", None), ("", None)],
)
def test_only_plain_ascii_digits_are_read_as_a_number(typed, number):
    assert ascii_int(typed) == number


def test_a_number_too_long_to_be_a_score_or_an_id_is_not_read():
    assert ascii_int("9" * 18) == int("9" * 18)
    assert ascii_int("9" * 5000) is None  # int() would raise: more than 4300 digits
    assert ascii_int(None) is None


def test_json_nested_beyond_the_limit_is_refused_before_parsing():
    deep = "[" * 100_000 + "]" * 100_000  # json.loads would raise RecursionError
    with pytest.raises(JsonRefused, match="deeper than 32 levels"):
        loads_bounded(deep)
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert json_depth(at_limit) == MAX_JSON_DEPTH
    assert loads_bounded(at_limit.encode()) is not None
    with pytest.raises(JsonRefused):
        loads_bounded("[" + at_limit + "]")


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = '{"a": "[[[[{{{{\\"[[[[", "b": [1, {"c": "]]]]"}]}'
    assert json_depth(text) == 3
    assert loads_bounded(text)["b"][1]["c"] == "]]]]"


def test_nul_anywhere_in_json_is_refused_with_its_path():
    with pytest.raises(JsonRefused) as refused:
        loads_bounded('{"criteria": [{"levels": [{}, {"anchor": "a\\u0000b"}]}]}')
    assert refused.value.field == "criteria.0.levels.1.anchor"
    with pytest.raises(JsonRefused) as in_a_key:
        loads_bounded('{"ok": {"bad\\u0000key": 1}}')
    assert in_a_key.value.field == "ok.bad\\x00key"


def test_malformed_or_non_utf8_json_is_refused_as_a_value_error():
    for raw in (b"{", b"\xff\xfe", b"NaN-ish"):
        with pytest.raises(JsonRefused):
            loads_bounded(raw)


def test_safe_text_refuses_nul():
    adapter = TypeAdapter(SafeStr)
    assert adapter.validate_python("fine") == "fine"
    with pytest.raises(ValidationError, match="NUL"):
        adapter.validate_python("a\x00b")


@pytest.mark.parametrize(
    "address",
    [
        "ada@example.com\r\nBcc: all@example.com",
        "ada@example.com\n",
        "Ada <ada@example.com>",
        "<ada@example.com>",
        "a" * 243 + "@example.com",  # 255 characters
        "",
        "ada",
    ],
)
def test_addresses_that_cannot_be_mailed_are_refused(address):
    assert email_problem(address)


def test_an_address_of_254_characters_is_accepted():
    address = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com"
    assert len(address) == 254
    assert email_problem(address) is None


@pytest.mark.parametrize("zone", ["", "x" * 70, "Mars/Olympus", "utc\x00"])
def test_unknown_time_zones_are_refused(zone):
    assert time_zone_problem(zone)


def test_known_time_zones_are_accepted():
    assert time_zone_problem("Europe/London") is None
    assert time_zone_problem("UTC") is None


def test_utc_offsets_beyond_what_a_database_keeps_are_refused():
    moment = datetime(2030, 1, 1, 9, 0, tzinfo=UTC).replace(tzinfo=None)
    assert utc_offset_problem(moment) == "needs a UTC offset, e.g. 2030-01-01T09:00:00+00:00"
    for hours in (16, -16, 23):
        assert utc_offset_problem(moment.replace(tzinfo=timezone(timedelta(hours=hours))))
    edge = timezone(timedelta(hours=15, minutes=59))
    assert utc_offset_problem(moment.replace(tzinfo=edge)) is None
    assert utc_offset_problem(moment.replace(tzinfo=UTC)) is None
