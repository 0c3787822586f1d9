"""Checks that every way in (forms, raw POST, JSON documents, the API) shares, so that a
hostile value gets the same clear refusal everywhere instead of a 500 further down.

Each check returns a problem (a sentence) or None, so forms, pydantic models and services
can each raise their own kind of error with it. No ORM here, and Django only inside
`email_problem`, so pure modules (the rubric and feedback schemas) can import this.
"""

from __future__ import annotations

import json
import re
import zoneinfo
from datetime import datetime, timedelta
from functools import cache
from typing import Annotated, Any

from pydantic import AfterValidator

# JSON from clients: deeper than this is refused before it is parsed, because Python's
# parser, pydantic and orjson each have their own recursion limit and fail differently.
MAX_JSON_DEPTH = 32
# RFC 5321 path limit; Django's EmailField column is this long too.
MAX_EMAIL_LENGTH = 254
# PostgreSQL stores UTC offsets up to ±15:59 and refuses larger ones.
MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)
NUL = "\x00"

_ASCII_DIGITS = re.compile(r"[0-9]{1,18}")
# A JSON string (with its escapes) or one bracket: enough to count nesting without parsing.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JsonRefused(ValueError):
    """A client's JSON that we refuse before or after parsing; the message says why, and
    `field` names the path of the value at fault when there is one."""

    def __init__(self, message: str, field: str | None = None, problem: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.problem = problem or message


def ascii_int(text: object) -> int | None:
    """The integer written in plain ASCII digits, or None.

    `str.isdigit()` accepts "²" and "٣", which `int()` then rejects or reads differently;
    only 0-9 count here, and at most 18 of them so `int()` never meets a huge number."""
    if not isinstance(text, str):
        return None
    stripped = text.strip()
    return int(stripped) if _ASCII_DIGITS.fullmatch(stripped) else None


NUL_PROBLEM = "must not contain NUL (\\x00) characters"


def nul_problem(value: str) -> str | None:
    if NUL in value:
        return NUL_PROBLEM
    return None


def refuse_nul(value: str) -> str:
    """A pydantic after-validator: PostgreSQL can store no NUL in text or jsonb."""
    problem = nul_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# A string that PostgreSQL can store: use it for every text field of a pydantic document.
SafeStr = Annotated[str, AfterValidator(refuse_nul)]


def json_depth(text: str) -> int:
    """How deeply a JSON text nests arrays and objects, counted without recursion."""
    depth = deepest = 0
    for match in _JSON_TOKEN.finditer(text):
        piece = match.group()
        if piece in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif piece in "]}":
            depth -= 1
    return deepest


def loads_bounded(raw: bytes | str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """`json.loads`, refusing nesting deeper than `max_depth` and NUL characters anywhere.

    Raises JsonRefused (a ValueError) with a message a person can act on."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise JsonRefused("The JSON is not UTF-8.") from None
    if json_depth(text) > max_depth:
        raise JsonRefused(f"The JSON nests deeper than {max_depth} levels.")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise JsonRefused(f"The JSON is not valid: {error}") from None
    where = nul_path(value)
    if where is not None:
        field = where or "document"
        raise JsonRefused(f"{field}: {NUL_PROBLEM}", field=field, problem=NUL_PROBLEM)
    return value


def nul_path(value: Any) -> str | None:
    """The dotted path of the first key or string with a NUL in parsed JSON, or None.
    Iterative, so it is safe on any depth."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return path
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and NUL in key:
                    return child_path.replace(NUL, "\\x00")
                stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend(
                (f"{path}.{index}" if path else str(index), c) for index, c in enumerate(item)
            )
    return None


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_problem(value: str) -> str | None:
    """An IANA time zone name such as "Europe/London", or a problem."""
    if not value:
        return "choose a time zone, e.g. UTC or Europe/London"
    if value not in time_zone_names():
        shown = value if len(value) <= 64 and value.isprintable() else "this value"
        return f"{shown!r} is not a known time zone name (e.g. UTC or Europe/London)"
    return None


def email_problem(value: str) -> str | None:
    """An address we can mail: Django's EmailValidator (no CR/LF, no angle brackets, no
    display name) within the 254 characters an address and its column may have."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if len(value) > MAX_EMAIL_LENGTH:
        return f"an email address has at most {MAX_EMAIL_LENGTH} characters"
    try:
        validate_email(value)
    except ValidationError:
        return "enter a plain email address such as ada@example.com"
    return None


def utc_offset_problem(moment: datetime) -> str | None:
    """A datetime must say its UTC offset, and the offset must be one a database can keep."""
    offset = moment.utcoffset()
    if offset is None:
        return "needs a UTC offset, e.g. 2030-01-01T09:00:00+00:00"
    if abs(offset) > MAX_UTC_OFFSET:
        return "has a UTC offset beyond ±15:59"
    return None
