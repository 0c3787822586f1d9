"""A seeded generator of hostile room frames, for tests/live/test_hostile_frames.py.

Pure: no Django, no I/O. One `HostileFrames` per socket draws frames from a `random.Random`
seeded with the run's seed and the socket's name, so a seed replays the same frames.

Every frame says what it was built from (`target`, a client message type), how
(`family`), and whether the server *must* refuse it (`refused`). The refusals are this
module's own oracle, written from the protocol's documented bounds rather than computed by
the server's validators: a frame marked refused that the server accepts fails the test.
Frames not marked refused may go either way (a valid command can still meet a conflict);
the test then holds the room's state to what the acks say.

Families, refused:
    out_of_role   a well-formed message the sender's role may not send
    extra_key     forged `actor`/`seq`/`stream`/`sender`/`user_id`/... or another round's id
    missing       a required field left out
    wrong_type    a value of a type the field never coerces
    bounds        a value just outside a field's bounds
    extreme       numbers beyond ±(2**53 - 1): integers, and floats such as 1e308 or 2**64
                  (a float once parsed); 32-bit bounds; huge exponents (`1e999`)
    non_finite    "NaN" or "Infinity" as a string where a number belongs
    deep          nesting of 32/33/300/5000 levels in any field (board customData too)
    nul           a NUL character in any string or key
    raw_control   an unescaped control character inside a JSON string
    surrogate     a lone surrogate escape, in a value or a key, or a raw one in the text
    oversized     more than MAX_FRAME_BYTES, as text or binary
    binary        bytes that are not UTF-8, or a hostile message sent as bytes
    not_object    empty frames, scalars, arrays, truncated or doubled JSON, a BOM
    unknown_type  types the protocol does not know
Families that may be accepted:
    valid         a well-formed message, with hostile text, other seats' element ids,
                  forged keys inside board elements (kept as element data, never as actor)
    edge          values exactly at each limit: 32 levels of nesting, ±(2**53 - 1) as
                  integers and floats, 32-bit versions, -0.0, 5e-324, 100 selected ids of
                  64 characters, a frame of exactly MAX_FRAME_BYTES
    binary_valid  a well-formed message sent as a binary frame
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

from mockroom.live.protocol import (
    ALLOWED_ROLES,
    EPHEMERAL_TYPES,
    MAX_ELEMENTS_PER_UPDATE,
    MAX_FRAME_BYTES,
    MAX_ID_LENGTH,
    MAX_SELECTED,
)

MAX_SAFE = 2**53 - 1
INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)

# The fields of each client message (besides `type`), by kind. test_hostile_frames.py
# checks this table against protocol.py, so a new message or field can't go unfuzzed.
FIELDS: dict[str, dict[str, str]] = {
    "ping": {"t": "float"},
    "resume": {"id": "id", "last_seq": "seq"},
    "round.start": {"id": "id"},
    "round.end": {"id": "id"},
    "timer.start": {"id": "id"},
    "timer.pause": {"id": "id"},
    "timer.resume": {"id": "id"},
    "timer.next": {"id": "id"},
    "timer.previous": {"id": "id"},
    "timer.reset": {"id": "id"},
    "timer.add_time": {"id": "id", "minutes": "minutes"},
    "board.update": {"id": "id", "elements": "elements"},
    "board.verify": {"id": "id", "checksum": "checksum", "count": "count"},
    "cursor": {"pointer": "pointer", "button": "button", "selected": "selected"},
    "viewport": {
        "scrollX": "float",
        "scrollY": "float",
        "zoom": "zoom",
        "width": "size",
        "height": "size",
    },
    "score.set": {"id": "id", "criterion": "criterion", "score": "score", "comment": "comment"},
    "note.add": {"id": "id", "text": "note"},
    "rubric.visibility": {"id": "id", "hidden": "bool"},
    "prompt.reveal": {"id": "id"},
}
OPTIONAL = {("cursor", "button"), ("cursor", "selected"), ("score.set", "score")}
OPTIONAL |= {("score.set", "comment")}
ELEMENT_FIELDS = ("id", "type", "version", "versionNonce", "isDeleted", "index")

# Never sent well-formed by the interviewer: it would end the round the test plays in.
ENDS_THE_ROUND = "round.end"

# Text that means something to a terminal, a browser, a database or a format string, and
# Unicode that breaks naive code (no NUL: that has a family of its own).
HOSTILE_TEXT = [
    "\u202eevil\u202c",
    "مرحبا",
    "👩\u200d👩\u200d👧\u200d👦",
    "e\u0301\u0302\u0303",
    "\x01\x07\x08\x1b\x7f",
    "\u2028\u2029",
    "\ufeff",
    "\u200b",
    "\uffff",
    "\U0010ffff",
    "</script><script>alert(1)</script>",
    "'; DROP TABLE live_roomevent; --",
    "%s%n{0}${x}{{ x }}",
    '\\"',
    "\n\r\t ",
    "plain",
]

# Values each kind of field never accepts (pydantic's lax mode coerces "5" to 5 and true
# to 1, so those are not here).
WRONG: dict[str, list[Any]] = {
    "id": [7, 1.5, True, None, [], {}, "", "a b", "x" * (MAX_ID_LENGTH + 1), "a/b", "<i>"],
    "float": ["abc", [], {}, None, {"$gt": 0}, "1,5"],
    "seq": [-1, "abc", [], {}, None, 1.5, -0.5],
    "minutes": [0, 61, -1, "abc", 1.5, [], None],
    "checksum": ["", "9E3779B9", "9e3779b", "9e3779b9a", 12345678, None, [], "zzzzzzzz"],
    "count": [-1, "abc", [], {}, None, 1.5],
    "pointer": ["x", [], 5, None, {}, {"x": 1}, {"x": 1, "y": "a"}, {"x": 1, "y": 2, "z": 3}],
    "button": ["middle", 1, None, "", "UP"],
    "selected": ["abc", {}, 5, [1], [None], [[]], ["x" * 65], ["id"] * (MAX_SELECTED + 1)],
    "zoom": [0, -1, 30.0001, 31, "abc", None, -0.0],
    "size": [-1, -1e-9, "abc", None, [], -1e308],
    "criterion": ["", "x" * 41, 5, None, [], {}],
    "score": [0, 11, -1, "abc", 1.5, [], {}],
    "comment": [5, None, [], {}, "x" * 2001],
    "note": ["", 5, None, [], "x" * 4001],
    "bool": ["maybe", 2, -1, 0.5, [], {}, None, "tru"],
    "elements": ["x", {}, 5, None, [], [5], [None], [{}]],
}
WRONG_ELEMENT: dict[str, list[Any]] = {
    "id": ["", "x" * 65, 5, None, []],
    "type": ["", "x" * 33, 5, None],
    "version": [0, -1, INT32_MAX + 1, "abc", None, 1.5, 1e308],
    "versionNonce": [INT32_MAX + 1, INT32_MIN - 1, "abc", None, 0.5],
    "isDeleted": ["maybe", 2, [], {}],
    "index": ["x" * 129, 5, [], {}],
}
# Integers that parse as integers (orjson: within 64 bits) and lie beyond ±(2**53 - 1).
UNSAFE_INTS = [2**53, -(2**53), 2**63 - 1, 2**63, 2**64 - 1, -(2**63)]
HUGE_EXPONENTS = ["1e999", "-1e999", "1E+400", "-2.5e500"]
# Floats beyond ±(2**53 - 1): 2**64 and 2**100 parse as floats. PostgreSQL would give
# them back as integers too big to send again.
HUGE_FLOATS: list[Any] = [2**64, 2**100, -(2**100), 1e308, -1e308, 1e20, float(2**53)]
# Extremes that stay valid where a float or free JSON is allowed.
SOFT_EXTREMES: list[Any] = [-0.0, 5e-324, 1e-300, MAX_SAFE, -MAX_SAFE, float(MAX_SAFE)]
# JSON has no NaN or Infinity; as strings they must not become floats that go out as null.
NON_FINITE = ["NaN", "nan", "Infinity", "-Infinity", "inf", "-inf", "+inf", "infinity"]
LONE_SURROGATES = ["\\ud800", "\\udfff", "\\ud83dA", "x\\udc00", "\\ud800\\ud800"]
FORGED_KEYS = [
    "actor",
    "seq",
    "stream",
    "prev",
    "sender",
    "user_id",
    "role",
    "audience",
    "interview",
    "public_id",
    "at",
    "kind",
    "duplicate",
    "__proto__",
    "constructor",
]


@dataclass(frozen=True)
class Seat:
    """What a socket's generator knows about the room."""

    name: str  # the socket, e.g. "cole-a"; seeds the generator and prefixes message ids
    role: str
    user_id: int
    people: dict[int, tuple[str, str]]  # user id -> (name, role), everyone in the room
    criteria: dict[str, tuple[int, ...]]  # criterion key -> its level scores
    other_round: str  # public id of a round the sender is not in
    element_pool: tuple[str, ...]  # element ids drawn from: this room's seats, other round
    marker: str = ""  # private text, only ever put in this seat's scores and notes
    # Other users' sockets, whose message ids this one sometimes reuses as its own. Only one
    # socket per user forges, so a user's ids never race between two of their sockets.
    forge_ids_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Frame:
    family: str
    target: str
    refused: bool
    text: str | None = None
    data: bytes | None = None
    message_id: str | None = None

    @property
    def answered(self) -> bool:
        """Everything gets one reply but an accepted cursor or viewport (only relayed)."""
        return self.refused or self.target not in EPHEMERAL_TYPES

    def asgi(self) -> dict[str, Any]:
        if self.data is not None:
            return {"type": "websocket.receive", "bytes": self.data}
        return {"type": "websocket.receive", "text": self.text}

    def describe(self) -> str:
        body = self.text if self.data is None else repr(self.data[:160])
        size = len(self.text) if self.data is None else len(self.data)
        head = body[:160] if body is not None else ""
        return f"{self.family}/{self.target} refused={self.refused} ({size} long): {head!r}"


class Raw:
    """JSON text spliced into a frame as is: literals json.dumps can't write."""

    def __init__(self, text: str) -> None:
        self.text = text


def nest(levels: int, rng: random.Random) -> Raw:
    """`levels` containers, one inside the next, as text (no recursion, any depth)."""
    if rng.random() < 0.5:
        return Raw("[" * levels + "]" * levels)
    return Raw('{"a":' * levels + "0" + "}" * levels)


def encode(message: Any, rng: random.Random) -> str:
    """JSON text of `message`, with each Raw (as a value or a dict key) spliced in."""
    raws: dict[str, str] = {}

    def swap(item: Any) -> Any:
        if isinstance(item, Raw):
            token = f"@@raw{len(raws)}@@"
            raws[token] = item.text
            return token
        if isinstance(item, dict):
            out = {}
            for key, value in item.items():
                out[swap(key) if isinstance(key, Raw) else key] = swap(value)
            return out
        if isinstance(item, list):
            return [swap(value) for value in item]
        return item

    text = json.dumps(swap(message), ensure_ascii=rng.random() < 0.5)
    for token, raw in raws.items():
        text = text.replace(f'"{token}"', raw)
    return text


@dataclass
class HostileFrames:
    seed: int
    seat: Seat
    count: int = 0
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.seed}:{self.seat.name}")

    # --- Building blocks -----------------------------------------------------------------

    def next_id(self) -> str:
        self.count += 1
        if self.seat.forge_ids_of and self.rng.random() < 0.05:
            # Another user's id: dedupe is per sender, so this is a new command of ours.
            return f"{self.rng.choice(self.seat.forge_ids_of)}-{self.rng.randint(1, self.count)}"
        return f"{self.seat.name}-{self.count}"

    def text(self, limit: int) -> str:
        pieces = self.rng.choices(HOSTILE_TEXT, k=self.rng.randint(1, 4))
        return "".join(pieces)[:limit] or "x"

    def private_text(self, limit: int) -> str:
        """Staff text carries the seat's marker, so a leak of it can be seen anywhere."""
        mark = f"{self.seat.marker}-{self.count}" if self.seat.marker else ""
        return (mark + " " + self.text(limit))[:limit].strip() or "x"

    def allowed(self, kind: str) -> bool:
        return self.seat.role in ALLOWED_ROLES[kind]

    def other_person(self) -> tuple[int, str, str]:
        user_id = self.rng.choice([u for u in self.seat.people if u != self.seat.user_id])
        name, role = self.seat.people[user_id]
        return user_id, name, role

    def forged_value(self) -> Any:
        user_id, name, role = self.other_person()
        return self.rng.choice(
            [
                {"user_id": user_id, "name": name, "role": role},
                user_id,
                "interviewer",
                "me",
                "all",
                self.seat.other_round,
                {"public_id": self.seat.other_round},
                self.rng.randint(0, 10**6),
                None,
            ]
        )

    def element(self) -> dict[str, Any]:
        """A well-formed board element, sometimes carrying forged keys as extra data."""
        rng = self.rng
        element: dict[str, Any] = {
            "id": rng.choice(self.seat.element_pool),
            "type": rng.choice(["rectangle", "ellipse", "text", "arrow", "x" * 32]),
            "version": rng.choice([1, 2, rng.randint(1, 1000), rng.randint(1, INT32_MAX)]),
            "versionNonce": rng.randint(INT32_MIN, INT32_MAX),
            "x": rng.choice([0, 12.5, *SOFT_EXTREMES]),
            "y": rng.uniform(-1e6, 1e6),
        }
        if rng.random() < 0.3:
            element["isDeleted"] = rng.random() < 0.5
        if rng.random() < 0.3:
            element["index"] = rng.choice([None, "a0", "Zz", "x" * 128])
        if rng.random() < 0.3:
            element["text"] = self.text(200)
        if rng.random() < 0.2:
            element[rng.choice(FORGED_KEYS)] = self.forged_value()
        if rng.random() < 0.2:
            element["customData"] = {"note": self.text(100), "n": rng.choice(SOFT_EXTREMES)}
        return element

    def valid(self, kind: str) -> dict[str, Any]:
        """A well-formed message of `kind` (whether or not the seat may send it)."""
        rng = self.rng
        message: dict[str, Any] = {"type": kind}
        if "id" in FIELDS[kind]:
            message["id"] = self.next_id()
        if kind == "ping":
            message["t"] = rng.choice([1767225600000, 0, -0.0, 1.5, -MAX_SAFE, float(MAX_SAFE)])
        elif kind == "resume":
            message["last_seq"] = rng.choice([0, 1, rng.randint(0, 10**6), MAX_SAFE])
        elif kind == "timer.add_time":
            message["minutes"] = rng.choice([1, 2, 60, 5.0, rng.randint(1, 60)])
        elif kind == "board.update":
            message["elements"] = [self.element() for _ in range(rng.randint(1, 3))]
        elif kind == "board.verify":
            message["checksum"] = f"{rng.getrandbits(32):08x}"
            message["count"] = rng.choice([0, 12, MAX_SAFE])
        elif kind == "cursor":
            message["pointer"] = {
                "x": rng.choice([*SOFT_EXTREMES, 10.5]),
                "y": rng.uniform(-1e9, 1e9),
            }
            if rng.random() < 0.5:
                message["pointer"]["tool"] = rng.choice(["pointer", "laser"])
            if rng.random() < 0.5:
                message["button"] = rng.choice(["down", "up"])
            if rng.random() < 0.5:
                message["selected"] = [
                    self.text(64) for _ in range(rng.randint(0, MAX_SELECTED // 10))
                ]
        elif kind == "viewport":
            message.update(
                scrollX=rng.choice(SOFT_EXTREMES),
                scrollY=rng.uniform(-1e9, 1e9),
                zoom=rng.choice([1e-300, 0.1, 1, 30, 30.0]),
                width=rng.choice([0, -0.0, float(MAX_SAFE), 1920]),
                height=rng.choice([0, 1080, MAX_SAFE]),
            )
        elif kind == "score.set":
            known = list(self.seat.criteria)
            criterion = rng.choice([*known, *known, "no-such-criterion"]) if known else "x"
            message["criterion"] = criterion
            levels = self.seat.criteria.get(criterion, (1,))
            if rng.random() < 0.9:
                message["score"] = rng.choice([*levels, None])
            if rng.random() < 0.9:
                message["comment"] = self.private_text(2000)
        elif kind == "note.add":
            message["text"] = self.private_text(4000)
        elif kind == "rubric.visibility":
            message["hidden"] = rng.random() < 0.5
        return message

    def frame_of(
        self, family: str, kind: str, message: Any, refused: bool, *, binary: bool = False
    ) -> Frame:
        text = message if isinstance(message, str) else encode(message, self.rng)
        # A well-formed message the seat may not send is refused whatever else it is.
        refused = refused or not self.allowed(kind)
        message_id = message.get("id") if isinstance(message, dict) else None
        message_id = message_id if isinstance(message_id, str) else None
        if binary:
            return Frame(family, kind, refused, data=text.encode(), message_id=message_id)
        return Frame(family, kind, refused, text=text, message_id=message_id)

    def a_field(self, kind: str) -> str | None:
        names = list(FIELDS[kind])
        return self.rng.choice(names) if names else None

    # --- Families --------------------------------------------------------------------------

    def out_of_role(self, kind: str) -> Frame:
        forbidden = [k for k in ALLOWED_ROLES if not self.allowed(k)]
        if not forbidden:
            return self.extra_key(kind)
        kind = kind if kind in forbidden else self.rng.choice(forbidden)
        return self.frame_of("out_of_role", kind, self.valid(kind), True)

    def extra_key(self, kind: str) -> Frame:
        message = self.valid(kind)
        key = self.rng.choice([*FORGED_KEYS, self.text(40), "id" if kind == "ping" else "t"])
        if key in FIELDS[kind] or key == "type":
            key = "actor"
        message[key] = self.forged_value()
        if kind == "cursor" and self.rng.random() < 0.5:
            message["pointer"][self.rng.choice(FORGED_KEYS)] = self.forged_value()
        return self.frame_of("extra_key", kind, message, True)

    def missing(self, kind: str) -> Frame:
        message = self.valid(kind)
        required = [f for f in FIELDS[kind] if (kind, f) not in OPTIONAL]
        drop = self.rng.choice([*required, "type"]) if required else "type"
        message.pop(drop, None)
        return self.frame_of("missing", kind, message, True)

    def wrong_type(self, kind: str) -> Frame:
        message = self.valid(kind)
        name = self.a_field(kind)
        if name is None:
            return self.unknown_type(kind)
        if FIELDS[kind][name] == "elements" and self.rng.random() < 0.6:
            # One bad element spoils the update, whatever its neighbours are.
            elements = message["elements"]
            bad = dict(self.element())
            what = self.rng.choice(ELEMENT_FIELDS)
            if self.rng.random() < 0.2 and what in ("id", "type", "version", "versionNonce"):
                bad.pop(what)
            else:
                bad[what] = self.rng.choice(WRONG_ELEMENT[what])
            elements.insert(self.rng.randint(0, len(elements)), bad)
        else:
            message[name] = self.rng.choice(WRONG[FIELDS[kind][name]])
        return self.frame_of("wrong_type", kind, message, True)

    def bounds(self, kind: str) -> Frame:
        """The value just past a limit (the wrong-type tables include those too; this family
        also builds the big ones: 5001 elements, 101 selected ids)."""
        rng = self.rng
        message = self.valid(kind)
        if kind == "board.update" and rng.random() < 0.3:
            element = {"id": "e", "type": "r", "version": 1, "versionNonce": 0}
            message["elements"] = [element] * (MAX_ELEMENTS_PER_UPDATE + 1)
            return self.frame_of("bounds", kind, message, True)
        if kind == "cursor":
            message["selected"] = rng.choice(
                [["s" * 64] * (MAX_SELECTED + 1), ["s" * 65], ["ok", "s" * 65]]
            )
            return self.frame_of("bounds", kind, message, True)
        name = self.a_field(kind)
        if name is None:
            return self.unknown_type(kind)
        over = {
            "id": "i" * (MAX_ID_LENGTH + 1),
            "seq": -1,
            "minutes": rng.choice([0, 61]),
            "count": -1,
            "zoom": rng.choice([0, 30.000001]),
            "size": -0.001,
            "criterion": "c" * 41,
            "score": rng.choice([0, 11]),
            "comment": "c" * 2001,
            "note": rng.choice(["", "n" * 4001]),
            "checksum": "0" * 9,
        }
        value = over.get(FIELDS[kind][name])
        if value is None:
            return self.wrong_type(kind)
        message[name] = value
        return self.frame_of("bounds", kind, message, True)

    def place(self, message: dict[str, Any], kind: str, value: Any) -> None:
        """Put `value` somewhere in `message`: a field, a new key, or deep in an element."""
        rng = self.rng
        spots = ["field", "key"] + (["element"] * 2 if kind == "board.update" else [])
        spot = rng.choice(spots)
        name = self.a_field(kind)
        if spot == "field" and name is not None:
            message[name] = value
        elif spot == "element":
            element = rng.choice(message["elements"])
            where = rng.choice(["customData", "customData", "version", "versionNonce", "x"])
            element[where] = {"inner": value} if where == "customData" else value
        else:
            message[rng.choice([*FORGED_KEYS, "extra"])] = value

    def extreme(self, kind: str) -> Frame:
        rng = self.rng
        message = self.valid(kind)
        choice = rng.random()
        if choice < 0.45:
            self.place(message, kind, rng.choice(UNSAFE_INTS + HUGE_FLOATS))
        elif choice < 0.7:
            self.place(message, kind, Raw(rng.choice(HUGE_EXPONENTS)))
        else:
            # Within 2**53 but past a field's own bounds (32-bit versions, minutes, zoom).
            options: list[tuple[str, Any]] = []
            if kind == "board.update":
                element = rng.choice(message["elements"])
                spot = rng.choice(
                    [
                        ("version", INT32_MAX + 1),
                        ("version", INT32_MIN),
                        ("version", -0.0),
                        ("version", 1e308),
                        ("versionNonce", INT32_MAX + 1),
                        ("versionNonce", INT32_MIN - 1),
                        ("versionNonce", 1e308),
                    ]
                )
                element[spot[0]] = spot[1]
                return self.frame_of("extreme", kind, message, True)
            table = {
                "minutes": [INT32_MAX + 1, 1e308, -0.0, -(2**31)],
                "zoom": [1e308, -0.0, -1e308],
                "score": [INT32_MAX + 1, -0.0, 1e308],
                "size": [-1e308, -(2**31)],
                "seq": [-(2**31), -MAX_SAFE],
                "count": [-(2**31), -MAX_SAFE],
            }
            for name, what in FIELDS[kind].items():
                options.extend((name, value) for value in table.get(what, []))
            if not options:
                self.place(message, kind, rng.choice(UNSAFE_INTS))
            else:
                name, value = rng.choice(options)
                message[name] = value
        return self.frame_of("extreme", kind, message, True)

    def deep(self, kind: str) -> Frame:
        rng = self.rng
        message = self.valid(kind)
        levels = rng.choice([32, 33, 300, 300, 5000])
        if kind == "board.update" and rng.random() < 0.6:
            # customData sits at depth 4: message, elements, element, customData.
            element = rng.choice(message["elements"])
            element["customData"] = nest(max(levels, 30), rng)
        else:
            self.place(message, kind, nest(levels, rng))
        return self.frame_of("deep", kind, message, True)

    def nul(self, kind: str) -> Frame:
        rng = self.rng
        message = self.valid(kind)
        poisoned = rng.choice(["\x00", "a\x00b", "\x00" * 3, "end\x00"])
        if rng.random() < 0.3:
            message[poisoned] = 1  # in a key
        else:
            self.place(message, kind, poisoned)
        return self.frame_of("nul", kind, message, True)

    def non_finite(self, kind: str) -> Frame:
        """A float field given "NaN" or "Infinity" as a string."""
        message = self.valid(kind)
        spots = [name for name, what in FIELDS[kind].items() if what in ("float", "zoom", "size")]
        value = self.rng.choice(NON_FINITE)
        if kind == "cursor":
            message["pointer"][self.rng.choice(["x", "y"])] = value
        elif spots:
            message[self.rng.choice(spots)] = value
        else:
            return self.wrong_type(kind)
        return self.frame_of("non_finite", kind, message, True)

    def raw_control(self, kind: str) -> Frame:
        message = self.valid(kind)
        char = chr(self.rng.choice([0, 1, 7, 8, 9, 10, 13, 27, 31]))
        self.place(message, kind, Raw(f'"a{char}b"'))
        return self.frame_of("raw_control", kind, message, True)

    def surrogate(self, kind: str) -> Frame:
        rng = self.rng
        message = self.valid(kind)
        if rng.random() < 0.15:
            # A lone surrogate in the text itself (a server decoding UTF-8 never passes one
            # on, but the consumer must not trip on it either).
            text = encode(message, rng)
            cut = rng.randint(0, len(text))
            return Frame("surrogate", kind, True, text=text[:cut] + "\ud800" + text[cut:])
        escape = Raw(f'"{rng.choice(LONE_SURROGATES)}"')
        if rng.random() < 0.3:
            message[escape] = 1  # type: ignore[index]  # a key
        else:
            self.place(message, kind, escape)
        return self.frame_of("surrogate", kind, message, True)

    def oversized(self, kind: str) -> Frame:
        rng = self.rng
        message = self.valid(kind)
        size = MAX_FRAME_BYTES + rng.choice([1, 2, rng.randint(1, 256 * 1024)])
        text = encode(message, rng)
        if rng.random() < 0.5:
            text = text + " " * (size - len(text))  # still valid JSON, just too big
        else:
            text = text[:-1] + ', "pad": "' + "p" * size + '"}'
        binary = rng.random() < 0.3
        return self.frame_of("oversized", kind, text, True, binary=binary)

    def binary(self, kind: str) -> Frame:
        rng = self.rng
        if rng.random() < 0.5:
            junk = bytes([rng.randint(0x80, 0xFF)]) + rng.randbytes(rng.randint(0, 64))
            junk = rng.choice([junk, b"\xed\xa0\x80", b"\xff\xfe{}", b""])
            return Frame("binary", kind, True, data=junk)
        hostile = self.rng.choice([self.wrong_type, self.extra_key, self.nul, self.missing])(kind)
        text = hostile.text if hostile.text is not None else "{"
        data = text.encode("utf-8", "surrogatepass")
        return Frame("binary", kind, True, data=data, message_id=hostile.message_id)

    def not_object(self, kind: str) -> Frame:
        rng = self.rng
        text = encode(self.valid(kind), rng)
        options = [
            "",
            " ",
            "null",
            "[]",
            "42",
            "true",
            '"ping"',
            f"[{text}]",
            text[: rng.randint(0, len(text) - 1)],
            text + " " + text,
            "\ufeff" + text,
            text + "\x00",
            "{'type': 'ping'}",
            "{" * 10,
        ]
        return Frame("not_object", kind, True, text=rng.choice(options))

    def unknown_type(self, kind: str) -> Frame:
        message = self.valid(kind)
        message["type"] = self.rng.choice(
            [kind.upper(), kind + " ", "x" * 1000, "", 1, None, [], {}, "__class__", "admin"]
        )
        return self.frame_of("unknown_type", kind, message, True)

    def valid_frame(self, kind: str) -> Frame:
        if self.seat.role == "interviewer" and kind == ENDS_THE_ROUND:
            return self.extra_key(kind)
        return self.frame_of("valid", kind, self.valid(kind), False)

    def binary_valid(self, kind: str) -> Frame:
        if self.seat.role == "interviewer" and kind == ENDS_THE_ROUND:
            return self.extra_key(kind)
        return self.frame_of("binary_valid", kind, self.valid(kind), False, binary=True)

    def edge(self, kind: str) -> Frame:
        """Values exactly at the limits, which must be accepted (or refused by a rule of the
        round, never by a bound)."""
        rng = self.rng
        if self.seat.role == "interviewer" and kind == ENDS_THE_ROUND:
            return self.extra_key(kind)
        message = self.valid(kind)
        if kind == "board.update":
            element = rng.choice(message["elements"])
            spot = rng.choice(["version", "versionNonce", "customData", "x", "id"])
            if spot == "customData":
                element["customData"] = nest(29, rng)  # deepest container at depth 32
            elif spot == "id":
                element["id"] = rng.choice(self.seat.element_pool)[:60] + "e" * 4
            else:
                bounds = {
                    "version": [INT32_MAX, 1],
                    "versionNonce": [INT32_MIN, INT32_MAX],
                    "x": [MAX_SAFE, -MAX_SAFE, *SOFT_EXTREMES],
                }[spot]
                element[spot] = rng.choice(bounds)
        elif kind == "cursor":
            message["selected"] = [("é" * 64)] * MAX_SELECTED
            message["pointer"]["x"] = rng.choice(SOFT_EXTREMES)
        elif kind == "resume":
            message["last_seq"] = rng.choice([MAX_SAFE, 0])
        elif kind == "note.add":
            message["text"] = self.private_text(4000).ljust(4000, "n")
        elif kind == "score.set":
            message["comment"] = self.private_text(2000).ljust(2000, "c")
        elif kind == "ping" and rng.random() < 0.1:
            # A frame of exactly MAX_FRAME_BYTES characters is not too large.
            text = encode(message, rng)
            text += " " * (MAX_FRAME_BYTES - len(text))
            return self.frame_of("edge", kind, text, False)
        elif kind == "timer.add_time":
            message["minutes"] = rng.choice([1, 60])
        return self.frame_of("edge", kind, message, False)

    # --- Drawing -------------------------------------------------------------------------

    REFUSED = {
        "out_of_role": 5,
        "extra_key": 8,
        "missing": 5,
        "wrong_type": 10,
        "bounds": 4,
        "extreme": 8,
        "deep": 6,
        "nul": 5,
        "non_finite": 3,
        "raw_control": 3,
        "surrogate": 4,
        "oversized": 1,
        "binary": 4,
        "not_object": 3,
        "unknown_type": 3,
    }
    ACCEPTABLE = {"valid": 20, "edge": 4, "binary_valid": 3}

    def frame(self, *, refused_only: bool = False, families: dict[str, int] | None = None) -> Frame:
        """One frame of a random type and family."""
        table = families or (self.REFUSED if refused_only else self.REFUSED | self.ACCEPTABLE)
        family = self.rng.choices(list(table), weights=list(table.values()))[0]
        kind = self.rng.choice(list(ALLOWED_ROLES))
        made = getattr(self, family if family != "valid" else "valid_frame")(kind)
        if refused_only and not made.refused:
            return self.extra_key(kind)
        return made

    def batch(self, size: int, *, refused_only: bool = False) -> list[Frame]:
        """`size` frames; now and then a burst of one frame repeated (same id and all)."""
        frames: list[Frame] = []
        while len(frames) < size:
            made = self.frame(refused_only=refused_only)
            if self.rng.random() < 0.04 and made.family != "oversized":
                frames.extend([made] * self.rng.randint(5, 30))
            else:
                frames.append(made)
        return frames
