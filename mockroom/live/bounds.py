"""Bounds on any JSON a client may make us store or relay. Pure: no Django, no I/O.

A value that passes can be stored in SQLite and PostgreSQL (`jsonb` refuses NUL characters),
serialized again by orjson (which refuses nesting deeper than 254) and deep-copied by the
in-memory channel layer, and every number in it survives a JavaScript client (2**53). Floats
are held to the same range: `jsonb` keeps numbers as decimals and gives 1e308 back as an
integer of 309 digits, which orjson refuses to send (a resume over it would fail).
The check walks the value iteratively, so hostile nesting cannot exhaust the stack here.
"""

from __future__ import annotations

from typing import Any

MAX_JSON_DEPTH = 32
MAX_SAFE_INTEGER = 2**53 - 1
MAX_STRING_LENGTH = 65_536
MAX_KEY_LENGTH = 256
INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1


def json_problem(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why `value` (as parsed from JSON) may not be kept, or None when it may.

    The answer names where the problem is, as a dotted path, for the client's error message.
    Every frame of every room passes here, so the usual answer (none) comes from a walk that
    builds no paths; only a value that fails is walked again to say where.
    """
    if _within_bounds(value, max_depth):
        return None
    return _locate_problem(value, max_depth)


def _within_bounds(value: Any, max_depth: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        item, depth = pop()
        kind = type(item)
        if kind is str:
            if len(item) > MAX_STRING_LENGTH or "\x00" in item:
                return False
        elif kind is dict:
            if depth > max_depth:
                return False
            for key, child in item.items():
                if type(key) is not str or len(key) > MAX_KEY_LENGTH or "\x00" in key:
                    return False
                push((child, depth + 1))
        elif kind is int or kind is float:
            if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                return False
        elif kind is list:
            if depth > max_depth:
                return False
            for child in item:
                push((child, depth + 1))
        elif kind is not bool and item is not None:
            return False
    return True


def _locate_problem(value: Any, max_depth: int) -> str | None:
    stack: list[tuple[Any, int, str]] = [(value, 1, "")]
    while stack:
        item, depth, path = stack.pop()
        if isinstance(item, dict | list) and depth > max_depth:
            return f"{path or 'message'}: nested deeper than {max_depth} levels"
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    return f"{path or 'message'}: keys must be strings"
                if len(key) > MAX_KEY_LENGTH or "\x00" in key:
                    return f"{path or 'message'}: a key is too long or holds a NUL character"
                stack.append((child, depth + 1, f"{path}.{key}" if path else key))
        elif isinstance(item, list):
            for index, child in enumerate(item):
                stack.append((child, depth + 1, f"{path}.{index}" if path else str(index)))
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                return f"{path or 'message'}: integer out of range (at most 2**53 - 1)"
        elif isinstance(item, float):
            if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:  # NaN fails this too
                return f"{path or 'message'}: number out of range (at most 2**53 - 1)"
        elif isinstance(item, str):
            if len(item) > MAX_STRING_LENGTH:
                return f"{path or 'message'}: text longer than {MAX_STRING_LENGTH} characters"
            if "\x00" in item:
                return f"{path or 'message'}: text holds a NUL character"
        else:
            return f"{path or 'message'}: not a JSON value"
    return None
