"""Hostile but well-formed room traffic for the fuzz tests in test_room_fuzz.py.

Hypothesis draws *plans*: which seat sends what, with which hostile value. A plan names
things by reference ("an element the other seat drew", "an id I used before", "one above the
stored version"), and the runner turns it into a concrete frame against the room as it is at
that moment, so stale versions and other people's ids stay meaningful as the round goes on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from mockroom.live.protocol import ALLOWED_ROLES, MAX_FRAME_BYTES, MAX_ID_LENGTH

SEATS = ("interviewer", "candidate", "observer")

# --- Hostile values --------------------------------------------------------------------

# Right-to-left overrides, emoji (ZWJ families, flags), stacked combining marks, NUL and
# other control characters, line/paragraph separators, a BOM, zero-width joiners, the last
# BMP and the last Unicode code point, and text that means something to HTML, SQL or printf.
HOSTILE_PIECES = [
    "\u202eevil\u202c",
    "مرحبا بالعالم",
    "שלום",
    "👩\u200d👩\u200d👧\u200d👦",
    "🇬🇧",
    "😀",
    "e\u0301\u0302\u0303\u0304\u0305",
    "Z\u0324\u0354\u0367\u0311a\u0308\u0356",
    "\x00",
    "\x01\x07\x08\x1b\x7f",
    "\u2028\u2029",
    "\ufeff",
    "\u200b\u200d",
    "\uffff",
    "\U0010ffff",
    "</script><script>alert(1)</script>",
    "'; DROP TABLE live_roomevent; --",
    "%s%n{0}${x}",
    '\\"',
    "\n\r\t ",
    "\U0001d573\U0001d58a\U0001d591\U0001d591\U0001d594",  # mathematical fraktur,
]
hostile_text = st.lists(
    st.sampled_from(HOSTILE_PIECES) | st.text(max_size=4), min_size=1, max_size=4
).map("".join)

# Message ids: the pattern is ^[\w.:-]+$ with Unicode \w, so letters of any script and
# combining marks are valid; emoji, spaces, NUL and bidi controls are not.
VALID_ODD_IDS = [
    "مرحبا",
    "日本語",
    "e\u0301",
    "a\u200db",
    "\u0660\u0661"  # Arabic-Indic digits,
    "ǅ",
    "x" * MAX_ID_LENGTH,
    "...",
    "-",
]
INVALID_IDS: list[Any] = [
    "",
    "x" * (MAX_ID_LENGTH + 1),
    "😀",
    "a b",
    "a\x00",
    "a\u202eb",
    "a\nb",
    7,
    None,
    ["a"],
]

HUGE_INTS = [2**31 - 1, 2**31, 2**53, 2**53 + 1, 2**63 - 1, -(2**63), -(2**63) - 1, -1, 0]
HUGE_NUMBERS: list[Any] = [*HUGE_INTS, 2**63, 2**64 - 1, 2**64, 1e308, -1e308, 5e-324, 0.5, -0.0]
# Element versions are stored in a 32-bit column on PostgreSQL and a signed 64-bit one on
# SQLite; before the protocol bounded them, 2**31 (PostgreSQL) and 2**63 (SQLite) crashed the
# board service. Now both must be refused as invalid.
INT32_MAX = 2**31 - 1


def json_leaf() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.sampled_from(HUGE_NUMBERS),
        st.integers(-(2**63), 2**64 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text,
    )


def nested(depth: int) -> Any:
    """A list `depth` levels deep. (orjson refuses more than 254 levels when serializing.)"""
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


json_value = st.recursive(
    json_leaf(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=6,
)


# --- Plans -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IdPlan:
    """Which client message id to send: a fresh one, one I sent before, one another seat
    had applied (ids are per sender: it must not count as a duplicate), or a literal."""

    how: str  # "fresh" | "mine" | "theirs" | "literal"
    pick: int = 0
    literal: Any = None


@dataclass(frozen=True)
class ElementPlan:
    target: str  # "new" | "mine" | "theirs" | "any" | "literal"
    pick: int = 0
    literal_id: Any = None
    version: tuple[str, Any] = ("rel", 1)  # ("rel", delta from stored) | ("abs", value)
    nonce: tuple[str, Any] = ("abs", 1)  # ("rel", delta from stored) | ("abs", value)
    fields: dict[str, Any] = field(default_factory=dict)
    drop: tuple[str, ...] = ()  # required fields left out


@dataclass(frozen=True)
class Plan:
    """One step: `sender` sends a frame of `kind` with these parameters, or reconnects."""

    sender: str
    kind: str
    id: IdPlan = IdPlan("fresh")
    params: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # fields the schema forbids
    elements: tuple[ElementPlan, ...] = ()
    raw: str | None = None
    # For values on either side of a limit: should the schema accept this frame?
    expect_valid: bool | None = None

    def __repr__(self) -> str:  # short, so a failing example reads as a script
        shown = [f"{self.sender}", self.kind]
        if self.id != IdPlan("fresh"):
            how = self.id.how
            shown.append(
                f"id={self.id.literal!r}" if how == "literal" else f"id={how}:{self.id.pick}"
            )
        for name in ("params", "extra", "elements", "expect_valid"):
            if getattr(self, name):
                shown.append(f"{name}={getattr(self, name)!r}")
        if self.raw is not None:
            raw = self.raw if len(self.raw) < 120 else f"{self.raw[:40]}...({len(self.raw)} chars)"
            shown.append(f"raw={raw!r}")
        return f"Plan({', '.join(shown)})"


def pad(marker: str, filler: str, length: int) -> str:
    """`marker` followed by `filler` repeated to exactly `length` code points."""
    body = marker + filler * length
    return body[:length] if len(body) >= length else body


def mostly(usual: st.SearchStrategy, *unusual: st.SearchStrategy, odds: int = 6):
    """`usual` about `odds` times in `odds + 1`, else one of `unusual`. Shrinks to `usual`.
    (Not `st.one_of(usual, usual, ...)`: one_of drops repeated branches.)"""
    return st.sampled_from([usual] * odds + [st.one_of(*unusual)]).flatmap(lambda chosen: chosen)


sender = st.sampled_from(SEATS)
seats_and_observer = st.sampled_from(["interviewer"] * 3 + ["candidate"] * 3 + ["observer"])

id_plan = mostly(
    st.just(IdPlan("fresh")),
    st.builds(IdPlan, st.just("mine"), st.integers(0, 50)),
    st.builds(IdPlan, st.just("theirs"), st.integers(0, 50)),
    st.builds(IdPlan, st.just("literal"), st.just(0), st.sampled_from(VALID_ODD_IDS)),
    st.builds(IdPlan, st.just("literal"), st.just(0), st.sampled_from(INVALID_IDS)),
    odds=5,
)

# Other people's identities smuggled into a command: the schema forbids extra fields.
smuggled = mostly(
    st.just({}),
    st.fixed_dictionaries({"user_id": st.integers(-1, 10**6)}),
    st.fixed_dictionaries({"actor": st.just({"user_id": 1, "role": "interviewer"})}),
    st.fixed_dictionaries({"role": st.sampled_from(["interviewer", "observer"])}),
    st.fixed_dictionaries({"seq": st.sampled_from(HUGE_INTS)}),
    odds=8,
)


def _with_limit(valid: list[Any], invalid: list[Any]) -> st.SearchStrategy[tuple[Any, bool]]:
    return mostly(
        st.sampled_from([(v, True) for v in valid]),
        st.sampled_from([(v, False) for v in invalid]),
        odds=3,
    )


element_version = mostly(
    st.tuples(st.just("rel"), st.sampled_from([1, 1, 2, 5, 0, -1, -3])),
    st.tuples(
        st.just("abs"),
        st.sampled_from([1, 2, INT32_MAX, 2**31, 2**53, 2**53 + 1, 2**63 - 1, 2**63, 2.0]),
    ),
    st.tuples(st.just("abs"), st.sampled_from([0, -1, 1.5, "2", None])),
    odds=4,
)
element_nonce = mostly(
    st.tuples(st.just("abs"), st.integers(0, 2**31)),
    st.tuples(st.just("rel"), st.sampled_from([-1, 0, 1])),
    st.tuples(
        st.just("abs"),
        st.sampled_from([0, -1, INT32_MAX, 2**31, -(2**31), -(2**31) - 1, 2**63, 3.0, "7", True]),
    ),
    st.tuples(st.just("abs"), st.sampled_from([0.5, None, "seven"])),
    odds=3,
)
element_fields = st.fixed_dictionaries(
    {
        "type": mostly(
            st.sampled_from(["rectangle", "text", "arrow"]),
            st.sampled_from(["x" * 32, "x" * 33, ""]),
            hostile_text,
        ),
        "isDeleted": mostly(st.booleans(), st.sampled_from([None, "yes", 2, 0])),
    },
    optional={
        "index": mostly(
            st.sampled_from([None, "a0", "a1", "Zz"]),
            st.sampled_from(["a" * 128, "a" * 129, 5]),
            hostile_text,
        ),
        "text": hostile_text,
        "x": st.sampled_from(HUGE_NUMBERS),
        "customData": mostly(json_value, st.sampled_from([28, 29, 30, 300]).map(nested), odds=4),
        "groupIds": st.lists(hostile_text, max_size=3),
        # Another user's identity inside an element is just data: elements allow extras.
        "user_id": st.integers(1, 10**6),
        "updated": st.sampled_from(HUGE_NUMBERS),
    },
)
element_plan = st.builds(
    ElementPlan,
    target=mostly(st.sampled_from(["new", "mine", "theirs", "any"]), st.just("literal"), odds=8),
    pick=st.integers(0, 50),
    literal_id=st.sampled_from(
        ["x" * 64, "x" * 65, "", "مرحبا", "e\u0301", "é", "\x00", "😀\u202e", "a" * 63 + "😀"]
    )
    | hostile_text,
    version=element_version,
    nonce=element_nonce,
    fields=element_fields,
    drop=mostly(
        st.just(()), st.sampled_from([("version",), ("versionNonce",), ("type",), ("id",)]), odds=12
    ),
)


def _plans() -> st.SearchStrategy[Plan]:
    timer_kinds = [t for t in ALLOWED_ROLES if t.startswith("timer.") and t != "timer.add_time"]
    minutes = _with_limit([1, 2, 59, 60, 1.0, True], [0, 61, -1, 2**31, 2**53, 2**63, 1e308, 1.5])
    criterion_keys = st.sampled_from(
        ["requirements_and_scoping", "communication", "high_level_architecture"]
    )
    score_values = mostly(
        st.sampled_from([None, 1, 2, 3, 4]),
        st.sampled_from([5, 10, 0, 11, -1, 2**63, 1e308, 3.0, 2.5, "3"]),
        odds=3,
    )
    timer = st.builds(
        Plan,
        sender=seats_and_observer,
        kind=st.sampled_from(timer_kinds),
        id=id_plan,
        extra=smuggled,
    )
    add_time = minutes.flatmap(
        lambda pair: st.builds(
            Plan,
            sender=seats_and_observer,
            kind=st.just("timer.add_time"),
            id=id_plan,
            params=st.just({"minutes": pair[0]}),
            expect_valid=st.just(pair[1]),
        )
    )
    board_update = st.builds(
        Plan,
        sender=st.sampled_from(["interviewer", "candidate", "candidate", "observer"]),
        kind=st.just("board.update"),
        id=id_plan,
        elements=mostly(st.lists(element_plan, min_size=1, max_size=3), st.just([]), odds=15).map(
            tuple
        ),
        extra=smuggled,
    )
    score_set = st.builds(
        Plan,
        sender=seats_and_observer,
        kind=st.just("score.set"),
        id=id_plan,
        params=st.fixed_dictionaries(
            {
                "criterion": mostly(
                    criterion_keys,
                    st.sampled_from(["nope", "c" * 40, "c" * 41, ""]),
                    hostile_text,
                    odds=4,
                ),
                "score": score_values,
                "comment_len": mostly(st.none(), st.sampled_from([0, 2000, 2001]), odds=4),
                "comment": hostile_text,
            }
        ),
        extra=smuggled,
    )
    note_add = st.builds(
        Plan,
        sender=seats_and_observer,
        kind=st.just("note.add"),
        id=id_plan,
        params=st.fixed_dictionaries(
            {
                "text": hostile_text,
                "text_len": mostly(st.none(), st.sampled_from([1, 4000, 4001]), odds=4),
            }
        ),
        extra=smuggled,
    )
    visibility = st.builds(
        Plan,
        sender=seats_and_observer,
        kind=st.just("rubric.visibility"),
        id=id_plan,
        params=st.fixed_dictionaries(
            {"hidden": mostly(st.booleans(), st.sampled_from([None, "maybe", 2, 1, "true"]))}
        ),
    )
    resume = st.builds(
        Plan,
        sender=sender,
        kind=st.just("resume"),
        id=id_plan,
        params=st.fixed_dictionaries(
            {
                "last_seq": mostly(
                    st.sampled_from(["zero", "now", "ahead", "behind", "half"]),
                    st.sampled_from([2**63, 2**64, -1, 1e308, "x", 2.5]),
                    odds=3,
                )
            }
        ),
    )
    verify = st.builds(
        Plan,
        sender=sender,
        kind=st.just("board.verify"),
        id=id_plan,
        params=st.fixed_dictionaries(
            {
                "checksum": mostly(
                    st.sampled_from(["right", "wrong"]),
                    st.sampled_from(["ABCDEF12", "123", "0" * 9, "zzzzzzzz"]),
                    odds=3,
                ),
                "count": st.sampled_from([0, 3, -1, 2**63, 1e308]),
            }
        ),
    )
    ping = st.builds(
        Plan,
        sender=sender,
        kind=st.just("ping"),
        params=st.fixed_dictionaries({"t": st.sampled_from([*HUGE_NUMBERS, "soon", None])}),
    )
    cursor = st.builds(
        Plan,
        sender=sender,
        kind=st.just("cursor"),
        params=st.fixed_dictionaries(
            {
                "x": st.sampled_from(HUGE_NUMBERS),
                "selected": st.sampled_from([0, 1, 200, 201]),
                "tool": st.sampled_from(["pointer", "laser", "pen"]),
            }
        ),
    )
    viewport = st.builds(
        Plan,
        sender=sender,
        kind=st.just("viewport"),
        params=st.fixed_dictionaries(
            {
                "zoom": st.sampled_from([1, 30, 30.000001, 0, 1e-300, -1, 1e308]),
                "width": st.sampled_from([0, 1280, -1, 1e308]),
            }
        ),
    )
    simple = st.builds(
        Plan,
        sender=seats_and_observer,
        kind=st.sampled_from(["prompt.reveal", "round.start"]),
        id=id_plan,
    )
    weighted = [
        *[board_update] * 5,
        *[timer] * 3,
        add_time,
        *[score_set] * 2,
        note_add,
        visibility,
        simple,
        *[resume] * 2,
        verify,
        ping,
        cursor,
        viewport,
        st.builds(Plan, sender=sender, kind=st.just("reconnect")),
        st.builds(Plan, sender=sender, kind=st.just("raw"), raw=junk_frame),
    ]
    return st.sampled_from(weighted).flatmap(lambda chosen: chosen)


# --- Junk frames (not well-formed): what the observer fuzz has always sent ---------------

TYPES = list(ALLOWED_ROLES)
message_like = st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(TYPES), st.text(max_size=12))},
    optional={
        "id": st.one_of(st.text(max_size=80), st.integers(), st.none()),
        "minutes": json_value,
        "last_seq": json_value,
        "t": json_value,
        "extra": json_value,
    },
)
junk_frame = st.one_of(
    # (The test client cannot send an empty text frame; browsers can't either.)
    message_like.map(json.dumps),
    json_value.map(json.dumps),
    st.text(min_size=1, max_size=60),
    mostly(
        st.sampled_from(
            [
                "{",
                "null",
                '"\\ud800"',  # a lone surrogate: not valid JSON text for orjson
                '{"type": "timer.next", "id": "' + "x" * 100 + '"}',
                '{"type": "round.end", "id": "ok-id"}',
                '{"type": "timer.add_time", "id": "ok", "minutes": 1e309}',
                '{"type": "ping", "t": "soon"}',
                '{"type": "ping", "t": 1, "type": "resume"}',
            ]
        ),
        # Rare (ROOM_ABUSE_STRIKES of them close the socket), and built when drawn so that
        # the strategy's repr stays short.
        st.just(MAX_FRAME_BYTES + 1).map(lambda size: "a" * size),
        odds=9,
    ),
)

plan = _plans()
# The round runs for a while; sometimes the interviewer ends it and the seats go on
# sending for a few more frames into the read-only room.
round_plans = st.tuples(
    st.lists(plan, min_size=10, max_size=35),
    st.booleans(),
    st.lists(plan, max_size=6),
).map(
    lambda parts: [*parts[0], *([Plan("interviewer", "round.end"), *parts[2]] if parts[1] else [])]
)
