"""Fuzzing the room over the real ASGI stack.

The observer sends thousands of malformed, oversized, wrongly typed and out-of-role frames:
every one gets an answer and nothing changes. The interviewer, the candidate and the
observer together send well-formed but hostile commands (other people's ids, stale versions,
huge numbers, RTL text, emoji, combining marks, NUL and control characters, values on either
side of every limit) mixed with valid ones. A model of the room predicts the answer to each
frame; after each run the store is checked against the model: the event log is gap-free in
every stream, the board is the merge of the accepted updates and its checksum matches, the
timer is consistent, and nothing private reached a socket it must not reach.

Runs are derandomized (same examples every time). ROOM_FUZZ_EXAMPLES=500 fuzzes longer;
ROOM_FUZZ_SHRINK=1 shrinks a failure to a minimal script (slow: minutes).
"""

from __future__ import annotations

import itertools
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from mockroom.asgi import application
from mockroom.interviews.agenda import template_phases
from mockroom.interviews.models import Interview, Role
from mockroom.interviews.services import interview_create, interview_start, invitation_accept
from mockroom.live.bounds import json_problem
from mockroom.live.models import RoomEvent, RoomState
from mockroom.live.protocol import (
    CLIENT_MESSAGE,
    EPHEMERAL_TYPES,
    MAX_BOARD_ELEMENTS,
    MAX_FRAME_BYTES,
    MAX_ID_LENGTH,
    BoardUpdate,
    Cursor,
    NoteAdd,
    ScoreSet,
    TimerAddTime,
    Viewport,
)
from mockroom.live.protocol import BoardElement as ElementSchema
from mockroom.live.selectors import RESUME_LIMIT, RESUME_MAX_BYTES
from mockroom.live.timer import TimerState
from mockroom.rubrics.models import LiveScore, Note
from mockroom.whiteboard.models import BoardElement
from tests.conftest import ORIGIN, _session_cookie_for
from tests.live.conftest import drain
from tests.live.fuzz_strategies import (
    INT32_MAX,
    ElementPlan,
    IdPlan,
    Plan,
    junk_frame,
    nested,
    pad,
    round_plans,
)

pytestmark = pytest.mark.django_db(transaction=True)

REPLIES_TO_VALID_READS = {"pong", "events", "snapshot", "board.state", "ack"}
FUZZ_EXAMPLES = int(os.environ.get("ROOM_FUZZ_EXAMPLES", "0"))
SHRINK = os.environ.get("ROOM_FUZZ_SHRINK") == "1"


def fuzz_settings(examples: int):
    return settings(
        max_examples=FUZZ_EXAMPLES or examples,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=True,
        # Shrinking and explaining replay a failure hundreds of times over sockets: minutes.
        # A failure is reported as drawn (with its @reproduce_failure blob); set
        # ROOM_FUZZ_SHRINK=1 to shrink it.
        phases=[Phase.explicit, Phase.generate, *[Phase.shrink] * SHRINK],
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


def connect_to(cookie: str, public_id: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application,
        f"/ws/interviews/{public_id}/",
        headers=[(b"origin", ORIGIN.encode()), (b"cookie", cookie.encode())],
    )


_sentinels = itertools.count(1)


async def exchange(ws: WebsocketCommunicator, text: str) -> tuple[list[dict], list[dict]]:
    """Send one frame, then a sentinel ping: the frame's answers are what comes before the
    sentinel's pong. Returns (answers, broadcasts that arrived meanwhile)."""
    token = -1_000_000.5 - next(_sentinels)  # no fuzzed ping carries such a t
    await ws.send_to(text_data=text)
    await ws.send_json_to({"type": "ping", "t": token})
    answers, broadcasts = [], []
    while True:
        reply = await ws.receive_json_from(timeout=10)
        if reply.get("type") == "pong" and reply.get("t") == token:
            return answers, broadcasts
        (broadcasts if reply.get("type") in ("event", "ephemeral") else answers).append(reply)


# --- The observer's junk -----------------------------------------------------------------


async def send_all(cookie: str, public_id: str, frames: list[str]) -> list[list[dict]]:
    channel_layers.backends.clear()
    ws = connect_to(cookie, public_id)
    connected, _ = await ws.connect(timeout=10)
    assert connected
    assert (await ws.receive_json_from(timeout=10))["type"] == "snapshot"
    replies = []
    for text in frames:
        answers, _ = await exchange(ws, text)
        replies.append(answers)
    assert await drain(ws) == []  # nothing late: every answer came before its sentinel
    await ws.disconnect()
    return replies


def unthrottled(settings) -> None:
    """Rate limits would refuse most of a fuzz run; they have tests of their own."""
    settings.ROOM_RATE_PER_SECOND = settings.ROOM_BURST = 1_000_000
    settings.ROOM_BYTES_PER_SECOND = settings.ROOM_BYTES_BURST = 1_000_000_000
    settings.ROOM_CONNECTS_PER_MINUTE = settings.ROOM_CONNECT_BURST = 1_000_000


@pytest.fixture
def fuzz_setup(scheduled_round, settings):
    unthrottled(settings)
    interview_start(interview=scheduled_round.interview)
    return scheduled_round


@fuzz_settings(20)
@given(frames=st.lists(junk_frame, min_size=30, max_size=80))
def test_observer_fuzz_gets_answers_and_changes_nothing(fuzz_setup, frames):
    """The observer may only read, so no frame of theirs may change anything."""
    interview = fuzz_setup.interview
    before_events = list(
        RoomEvent.objects.filter(interview=interview)
        .exclude(kind__startswith="presence")
        .values_list("seq", flat=True)
    )
    before_timer = RoomState.objects.get_or_create(interview=interview)[0].timer
    cookie = _session_cookie_for(fuzz_setup.observer)
    replies = async_to_sync(send_all)(cookie, interview.public_id, frames)
    assert len(replies) == len(frames)
    for text, answers in zip(frames, replies, strict=True):
        if not answers:  # only a valid cursor or viewport goes unanswered
            assert json.loads(text)["type"] in EPHEMERAL_TYPES, text
            continue
        assert len(answers) == 1, (text, answers)
        reply = answers[0]
        assert reply["type"] in {"error"} | REPLIES_TO_VALID_READS, (text, reply)
        if reply["type"] == "error":
            assert reply["code"] in {
                "bad_json",
                "too_large",
                "invalid",
                "unknown_type",
                "forbidden",
            }, (text, reply)
    after_events = list(
        RoomEvent.objects.filter(interview=interview)
        .exclude(kind__startswith="presence")
        .values_list("seq", flat=True)
    )
    assert after_events == before_events
    assert RoomState.objects.get_or_create(interview=interview)[0].timer == before_timer


# --- A model of the room -------------------------------------------------------------------

PROMPT_TEXT = "Design a chat service for 10M users."
PRIVATE_PROMPT = {
    "prompt_notes": "PROMPT-NOTES-q81z",
    "prompt_hints": "PROMPT-HINTS-w27z",
    "prompt_solution": "PROMPT-SOLUTION-e93z",
}
PRESENT = object()  # in an expected payload: the key is there and not null
STAFF = {"interviewer", "observer"}
# Who may send what, written out again rather than read from protocol.ALLOWED_ROLES, so
# that a change to the table there shows up here as refusals or acceptances nobody expected.
WHO_MAY_SEND = {
    **{
        kind: {"interviewer", "candidate", "observer"}
        for kind in ("ping", "resume", "board.verify", "cursor", "viewport")
    },
    **{
        kind: {"interviewer"}
        for kind in (
            *("round.start", "round.end", "rubric.visibility", "prompt.reveal"),
            *("timer.start", "timer.pause", "timer.resume", "timer.next", "timer.previous"),
            *("timer.reset", "timer.add_time"),
        )
    },
    "board.update": {"interviewer", "candidate"},
    "score.set": STAFF,
    "note.add": STAFF,
}


def fnv_checksum(board: dict[str, dict[str, Any]]) -> str:
    """The board checksum as the protocol defines it, written out again: FNV-1a 32 over
    "<id>:<version>\\n" of every element sorted by id."""
    value = 0x811C9DC5
    for element_id in sorted(board):
        for byte in f"{element_id}:{board[element_id]['version']}\n".encode():
            value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return f"{value:08x}"


def wins(current: dict | None, incoming: dict) -> bool:
    """Excalidraw's rule, written out again: higher version, then lower nonce."""
    if current is None:
        return True
    if incoming["version"] != current["version"]:
        return incoming["version"] > current["version"]
    return incoming["versionNonce"] < current["versionNonce"]


def matches(actual: Any, expected: Any) -> bool:
    """`expected` is a subset of `actual` (dicts recursively); PRESENT means not null."""
    if expected is PRESENT:
        return actual is not None
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and matches(actual[key], value) for key, value in expected.items()
        )
    return actual == expected and type(actual) is type(expected)


@dataclass
class Logged:
    seq: int
    prev: int
    kind: str
    audience: str  # all | author
    author: int | None
    payload: dict[str, Any]
    size: int = 0  # the payload's exact size in bytes, for board updates

    @property
    def stream(self) -> str:
        return {"all": "all", "author": "me"}[self.audience]


@dataclass
class Expect:
    """What the server must answer to one frame."""

    type: str  # none | error | ack | pong | verify | resume
    id: str | None = None
    code: str | None = None
    seq: int | None = None
    duplicate: bool = False
    t: float | None = None
    last_seq: int | None = None
    checksum: str | None = None
    bad_fields: frozenset[str] | None = None  # what the schema refused (None: not asked)


@dataclass
class Seat:
    role: str
    user_id: int
    cookie: str = field(repr=False)
    ws: WebsocketCommunicator | None = field(default=None, repr=False)
    frames: list[dict] = field(default_factory=list, repr=False)  # this connection
    sent_ids: list[str] = field(default_factory=list, repr=False)
    strikes: int = field(default=0, repr=False)


class RoomModel:
    """The room as the protocol says it must be, advanced frame by frame."""

    def __init__(self, interview: Interview) -> None:
        rubric = interview.rubric_snapshot
        self.phases = [(p.name, p.minutes) for p in interview.phases]
        self.levels = {c["key"]: {lvl["score"] for lvl in c["levels"]} for c in rubric["criteria"]}
        self.anchors = [lvl["anchor"] for c in rubric["criteria"] for lvl in c["levels"]]
        self.event_bound = 1_000 + len(orjson.dumps(rubric))
        self.seq = 0
        self.log: list[Logged] = []
        self.heads: dict[str, int] = {}
        self.status = "live"
        self.phase, self.running = 0, False
        self.added = [0] * len(self.phases)
        self.board: dict[str, dict[str, Any]] = {}
        self.drawn_by: dict[str, int] = {}
        self.hidden = False
        self.revealed = False
        self.applied: dict[tuple[int, str], int] = {}  # (sender, message id) -> seq
        self.scores: dict[int, dict[str, dict[str, Any]]] = {}
        self.notes: dict[int, list[str]] = {}
        self.private: dict[int, set[str]] = {}  # author -> markers only they may receive

    # -- the log

    def append(self, kind, payload, *, audience="all", author=None, key=None) -> int:
        stream = f"user:{author}" if audience == "author" else audience
        self.seq += 1
        self.log.append(
            Logged(self.seq, self.heads.get(stream, 0), kind, audience, author, payload)
        )
        self.heads[stream] = self.seq
        if key is not None:
            self.applied[key] = self.seq
        return self.seq

    def visible(self, entry: Logged, seat: Seat) -> bool:
        return entry.audience == "all" or entry.author == seat.user_id

    def streams_for(self, seat: Seat) -> dict[str, int]:
        return {"all": self.heads.get("all", 0), "me": self.heads.get(f"user:{seat.user_id}", 0)}

    def timer_subset(self) -> dict[str, Any]:
        return {"phase_index": self.phase, "running": self.running, "added_ms": list(self.added)}

    def presence(self, seat: Seat, connections: int) -> None:
        kind = "presence.joined" if connections else "presence.left"
        payload = {"user_id": seat.user_id, "role": seat.role, "connections": connections}
        self.append(kind, payload)

    # -- one frame

    def expect(self, seat: Seat, text: str) -> Expect:
        """The consumer's pipeline: size, JSON, type, schema, role, then the command."""
        if len(text.encode()) > MAX_FRAME_BYTES:
            seat.strikes += 1
            return Expect("error", code="too_large")
        try:
            content = orjson.loads(text)
        except orjson.JSONDecodeError:
            content = None
        if not isinstance(content, dict):
            return Expect("error", code="bad_json")
        raw_id = content.get("id")
        message_id = raw_id[:MAX_ID_LENGTH] if isinstance(raw_id, str) else None
        if json_problem(content) is not None:
            return Expect("error", id=message_id, code="invalid")
        kind = content.get("type")
        if not isinstance(kind, str) or kind not in WHO_MAY_SEND:
            return Expect("error", id=message_id, code="unknown_type")
        try:
            message = CLIENT_MESSAGE.validate_python(content)
        except ValidationError as error:
            refused = frozenset(str(e["loc"][1]) for e in error.errors() if len(e["loc"]) > 1)
            return Expect("error", id=message_id, code="invalid", bad_fields=refused)
        if seat.role not in WHO_MAY_SEND[kind]:
            return Expect("error", id=message_id, code="forbidden", bad_fields=frozenset())
        expect = self.command(seat, message)
        expect.bad_fields = frozenset()
        return expect

    def command(self, seat: Seat, message: Any) -> Expect:
        kind = message.type
        if kind == "ping":
            return Expect("pong", t=message.t)
        if kind in EPHEMERAL_TYPES:
            return Expect("none")
        if kind == "board.verify":
            return Expect("verify", id=message.id, checksum=message.checksum)
        if kind == "resume":
            return Expect("resume", id=message.id, last_seq=message.last_seq)
        key = (seat.user_id, message.id)
        if key in self.applied:
            return Expect("ack", id=message.id, seq=self.applied[key], duplicate=True)
        refused = self.refusal(seat, message)
        if refused:
            return Expect("error", id=message.id, code=refused)
        return Expect("ack", id=message.id, seq=self.apply(seat, message, key))

    def refusal(self, seat: Seat, message: Any) -> str | None:
        kind = message.type
        if kind == "round.start":
            return "conflict"
        if kind == "round.end":
            return "round_not_live" if self.status == "ended" else None
        if self.status == "ended":
            return "round_ended"
        if kind in ("timer.start", "timer.resume") and self.running:
            return "conflict"
        if kind == "timer.pause" and not self.running:
            return "conflict"
        if kind == "timer.next" and self.phase + 1 >= len(self.phases):
            return "conflict"
        if kind == "timer.previous" and self.phase == 0:
            return "conflict"
        if kind == "score.set":
            levels = self.levels.get(message.criterion)
            if levels is None or (message.score is not None and message.score not in levels):
                return "invalid"
        if kind == "board.update":
            board, _ = self.merge(message)
            if len(board) > MAX_BOARD_ELEMENTS and set(board) - set(self.board):
                return "board_full"
        return None

    def merge(self, message: Any) -> tuple[dict[str, dict], dict[str, dict]]:
        board, accepted = dict(self.board), {}
        for element in message.model_dump()["elements"]:
            if wins(board.get(element["id"]), element):
                board[element["id"]] = accepted[element["id"]] = element
        return board, accepted

    def apply(self, seat: Seat, message: Any, key: tuple[int, str]) -> int:
        kind, uid = message.type, seat.user_id
        if kind == "round.end":
            self.status, self.running = "ended", False
            payload = {"status": "ended", "timer": self.timer_subset()}
            return self.append("round.ended", payload, key=key)
        if kind.startswith("timer."):
            if kind in ("timer.start", "timer.resume", "timer.pause"):
                self.running = kind != "timer.pause"
            elif kind in ("timer.next", "timer.previous"):
                self.phase += 1 if kind == "timer.next" else -1
            elif kind == "timer.add_time":
                self.added[self.phase] += message.minutes * 60_000
            else:  # reset
                self.phase, self.running = 0, False
                self.added = [0] * len(self.phases)
            payload = {"command": kind, "timer": self.timer_subset()}
            return self.append("timer.changed", payload, key=key)
        if kind == "board.update":
            board, accepted = self.merge(message)
            if not accepted:
                return self.seq  # nothing newer: acknowledged, nothing logged
            for element_id in accepted:
                self.drawn_by.setdefault(element_id, uid)
            self.board = board
            payload = {"elements": list(accepted.values())}
            seq = self.append("board.updated", payload, key=key)
            self.log[-1].size = len(orjson.dumps(payload))
            return seq
        if kind == "score.set":
            score = {"criterion": message.criterion, "score": message.score}
            score["comment"] = message.comment
            self.scores.setdefault(uid, {})[message.criterion] = score
            return self.append("score.set", score, audience="author", author=uid, key=key)
        if kind == "note.add":
            text = message.text.strip()
            self.notes.setdefault(uid, []).append(text)
            payload = {
                "text": text,
                "phase_index": self.phase,
                "phase_name": self.phases[self.phase][0],
            }
            return self.append("note.added", payload, audience="author", author=uid, key=key)
        if kind == "rubric.visibility":
            self.hidden = message.hidden
            payload = {"hidden": self.hidden, "rubric": None if self.hidden else PRESENT}
            return self.append("rubric.visibility", payload, key=key)
        if kind == "prompt.reveal":
            self.revealed = True
            return self.append("prompt.revealed", {"text": PROMPT_TEXT}, key=key)
        raise AssertionError(f"the model does not know {kind}")


# --- Checking what a socket receives ---------------------------------------------------------


def check_board(model: RoomModel, board: dict[str, Any]) -> None:
    assert board["checksum"] == fnv_checksum(model.board)
    if not board["deferred"]:
        assert len(board["elements"]) == len(model.board)
        assert {e["id"]: e for e in board["elements"]} == model.board


def check_timer(model: RoomModel, timer: dict[str, Any]) -> None:
    assert matches(timer, model.timer_subset()), (timer, model.timer_subset())
    assert (timer["anchor_ms"] is not None) == timer["running"]
    assert len(timer["phase_spent_ms"]) == len(model.phases)
    assert all(spent >= 0 for spent in timer["phase_spent_ms"])


def check_snapshot(model: RoomModel, seat: Seat, snapshot: dict[str, Any]) -> None:
    staff = seat.role in STAFF
    assert snapshot["type"] == "snapshot"
    assert snapshot["seq"] == model.seq
    assert snapshot["streams"] == model.streams_for(seat)
    assert snapshot["interview"]["status"] == model.status
    assert snapshot["me"]["user_id"] == seat.user_id and snapshot["me"]["role"] == seat.role
    assert snapshot["read_only"] == (seat.role == "observer" or model.status == "ended")
    check_timer(model, snapshot["timer"])
    check_board(model, snapshot["board"])
    assert snapshot["rubric_hidden"] == model.hidden
    if model.hidden and not staff:
        assert snapshot["rubric"] is None
    else:
        assert [c["key"] for c in snapshot["rubric"]["criteria"]] == list(model.levels)
    mine = model.scores.get(seat.user_id, {})
    assert snapshot["scores"] == (list(mine.values()) if staff else [])
    notes = model.notes.get(seat.user_id, []) if staff else []
    assert [n["text"] for n in snapshot["notes"]] == notes
    prompt = {"revealed": model.revealed, "text": PROMPT_TEXT if staff or model.revealed else None}
    if staff:
        prompt.update(notes=PRIVATE_PROMPT["prompt_notes"], hints=PRIVATE_PROMPT["prompt_hints"])
        prompt.update(solution=PRIVATE_PROMPT["prompt_solution"])
    assert snapshot["prompt"] == prompt


def check_event(
    model: RoomModel, seat: Seat, frame: dict[str, Any], *, replayed: bool = False
) -> None:
    entry = model.log[frame["seq"] - 1]
    assert entry.seq == frame["seq"]
    assert model.visible(entry, seat), (seat.role, frame)
    assert (frame["kind"], frame["stream"], frame["prev"]) == (entry.kind, entry.stream, entry.prev)
    expected = entry.payload
    if replayed and entry.kind == "rubric.visibility" and model.hidden and seat.role not in STAFF:
        # A rubric once shown is not shown again by a resume while it is hidden.
        expected = {**entry.payload, "rubric": None}
    assert matches(frame["payload"], expected), (frame["payload"], expected)


def check_answer(model: RoomModel, seat: Seat, expect: Expect, answers: list[dict]) -> None:
    if expect.type == "none":
        assert answers == []
        return
    assert len(answers) == 1, answers
    (answer,) = answers
    if expect.type == "error":
        assert answer["type"] == "error", answer
        assert (answer["code"], answer["id"]) == (expect.code, expect.id), answer
    elif expect.type == "ack":
        assert answer == {
            "type": "ack",
            "id": expect.id,
            "seq": expect.seq,
            "duplicate": expect.duplicate,
        }
    elif expect.type == "pong":
        assert answer["type"] == "pong" and answer["t"] == expect.t, answer
    elif expect.type == "verify":
        assert answer["id"] == expect.id and answer["seq"] == model.seq, answer
        if expect.checksum == fnv_checksum(model.board):
            assert answer["type"] == "ack", answer
        else:
            assert answer["type"] == "board.state", answer
            check_board(model, answer["board"])
    elif expect.type == "resume":
        behind = model.seq - expect.last_seq
        if expect.last_seq > model.seq or behind > RESUME_LIMIT:
            check_snapshot(model, seat, answer)
            return
        wanted = [e for e in model.log[expect.last_seq :] if model.visible(e, seat)]
        # Past RESUME_MAX_BYTES of events the server sends a snapshot instead. Board events
        # are sized exactly; any other event is bounded by the rubric it may carry.
        least = sum(e.size for e in wanted)
        most = least + sum(model.event_bound for e in wanted if not e.size)
        if least > RESUME_MAX_BYTES or (answer["type"] == "snapshot" and most > RESUME_MAX_BYTES):
            check_snapshot(model, seat, answer)
            return
        assert answer["type"] == "events", answer
        assert answer["seq"] == model.seq and answer["id"] == expect.id
        wanted = [e.seq for e in wanted]
        assert [e["seq"] for e in answer["events"]] == wanted
        for frame in answer["events"]:
            check_event(model, seat, frame, replayed=True)
    else:
        raise AssertionError(expect)


def without_rubric(frame: dict[str, Any]) -> dict[str, Any]:
    """The frame less the places a candidate may legitimately receive the rubric: a snapshot
    while it is shown (checked when it arrives), and a `rubric.visibility` event showing it
    (replayed by `resume` only while it is still shown, checked by check_event)."""
    if frame.get("type") == "snapshot":
        return {**frame, "rubric": None}
    if frame.get("type") == "events":
        return {**frame, "events": [without_rubric(e) for e in frame["events"]]}
    if frame.get("kind") == "rubric.visibility" and frame["payload"].get("hidden") is False:
        return {**frame, "payload": {**frame["payload"], "rubric": None}}
    return frame


def check_connection(model: RoomModel, seat: Seat) -> None:
    """Everything one connection received, now that a barrier says it has all of it: every
    stream it may read arrives gap-free up to the room's heads, every event is the logged
    one, and nothing private to someone else (or, for the candidate, to staff) is there."""
    snapshot, *rest = seat.frames
    heads = dict(snapshot["streams"])
    last = snapshot["seq"]
    for frame in rest:
        if frame["type"] != "event" or frame["seq"] <= snapshot["seq"]:
            continue  # subscribed before the snapshot: a client dedupes those by seq
        assert frame["seq"] > last, (seat.role, frame)
        assert frame["prev"] == heads[frame["stream"]], (seat.role, heads, frame)
        heads[frame["stream"]] = last = frame["seq"]
        check_event(model, seat, frame)
    assert heads == model.streams_for(seat), (seat.role, heads, model.streams_for(seat))
    forbidden = {m for author, ms in model.private.items() if author != seat.user_id for m in ms}
    if seat.role not in STAFF:
        forbidden |= set(PRIVATE_PROMPT.values())
    for frame in seat.frames:
        text = json.dumps(without_rubric(frame) if seat.role not in STAFF else frame)
        leaked = [marker for marker in forbidden if marker in text]
        assert not leaked, (seat.role, leaked, frame)
        if seat.role not in STAFF:
            assert not [a for a in model.anchors if json.dumps(a)[1:-1] in text], frame


# --- Turning plans into frames -----------------------------------------------------------------


class Runner:
    def __init__(self, interview: Interview, seats: dict[str, Seat]) -> None:
        self.interview = interview
        self.seats = seats
        self.model = RoomModel(interview)
        self.counter = itertools.count(1)
        self.outcomes: list[str] = []  # for --hypothesis-show-statistics

    def message_id(self, plan: IdPlan, seat: Seat) -> Any:
        # Another seat's id that is in the log: the same id from me must still be applied.
        others = [i for (who, i) in self.model.applied if who != seat.user_id]
        pool = {"mine": seat.sent_ids, "theirs": others}.get(plan.how)
        if plan.how == "literal":
            chosen = plan.literal
        elif pool:
            chosen = pool[plan.pick % len(pool)]
        else:
            chosen = f"{seat.role[0]}{next(self.counter)}"
        if isinstance(chosen, str):
            seat.sent_ids.append(chosen)
        return chosen

    def element(self, plan: ElementPlan, seat: Seat) -> dict[str, Any]:
        drawn = sorted(self.model.drawn_by.items())
        pools = {
            "mine": [i for i, who in drawn if who == seat.user_id],
            "theirs": [i for i, who in drawn if who != seat.user_id],
            "any": [i for i, _ in drawn],
        }
        pool = pools.get(plan.target)
        if plan.target == "literal":
            element_id = plan.literal_id
        elif pool:
            element_id = pool[plan.pick % len(pool)]
        else:
            element_id = f"{seat.role[0]}-el-{next(self.counter)}"
        current = self.model.board.get(element_id) if isinstance(element_id, str) else None
        how, value = plan.version
        if how == "rel":  # stale, equal or newer than what the server holds, never below 1
            value = max((current["version"] if current else 1) + value, 1)
        nonce_how, nonce = plan.nonce
        if nonce_how == "rel":
            nonce = (current["versionNonce"] if current else 0) + nonce
        element = {"id": element_id, "type": "rectangle", "version": value, "versionNonce": nonce}
        element.update(plan.fields)
        for key in plan.drop:
            element.pop(key, None)
        return element

    def private_text(self, seat: Seat, what: str, hostile: str, length: int | None) -> str:
        marker = f"{what}-{seat.role}-{next(self.counter)}-private"
        self.model.private.setdefault(seat.user_id, set()).add(marker)
        text = f"{marker} {hostile} {marker}"
        return pad(text, "é", length) if length is not None else text

    def frame(self, plan: Plan, seat: Seat) -> tuple[str, bool | None]:
        """The concrete frame, and (field, whether the schema must accept that field) when a
        value on the edge of a limit decides it."""
        if plan.kind == "raw":
            return plan.raw, None
        model, params = self.model, plan.params
        body: dict[str, Any] = {"type": plan.kind}
        if plan.kind not in ("ping", "cursor", "viewport"):
            body["id"] = self.message_id(plan.id, seat)
        limit = None
        if plan.kind == "timer.add_time":
            body["minutes"] = params["minutes"]
            limit = None if plan.expect_valid is None else ("minutes", plan.expect_valid)
        elif plan.kind == "board.update":
            body["elements"] = [self.element(e, seat) for e in plan.elements]
        elif plan.kind == "score.set":
            length = params["comment_len"]
            comment = self.private_text(seat, "score", params["comment"], length)
            body.update(criterion=params["criterion"], score=params["score"], comment=comment)
            limit = None if length is None else ("comment", length <= 2000)
        elif plan.kind == "note.add":
            length = params["text_len"]
            body["text"] = self.private_text(seat, "note", params["text"], length)
            limit = None if length is None else ("text", length <= 4000)
        elif plan.kind == "rubric.visibility":
            body["hidden"] = params["hidden"]
        elif plan.kind == "resume":
            named = {
                "zero": 0,
                "now": model.seq,
                "ahead": model.seq + 1,
                "behind": max(0, model.seq - 1),
                "half": model.seq // 2,
            }
            body["last_seq"] = named.get(params["last_seq"], params["last_seq"])
        elif plan.kind == "board.verify":
            right = fnv_checksum(model.board)
            wrong = f"{int(right, 16) ^ 1:08x}"
            checksum = {"right": right, "wrong": wrong}.get(params["checksum"], params["checksum"])
            body.update(checksum=checksum, count=params["count"])
        elif plan.kind == "ping":
            body["t"] = params["t"]
        elif plan.kind == "cursor":
            selected = [f"s{i}" for i in range(params["selected"])]
            pointer = {"x": params["x"], "y": 0, "tool": params["tool"]}
            body.update(pointer=pointer, button="down", selected=selected)
        elif plan.kind == "viewport":
            body.update(scrollX=-40, scrollY=12, zoom=params["zoom"], width=params["width"])
            body["height"] = 720
        body.update(plan.extra)
        return json.dumps(body, ensure_ascii=False), limit

    # -- sockets

    async def connect(self, seat: Seat) -> None:
        ws = connect_to(seat.cookie, self.interview.public_id)
        connected, _ = await ws.connect(timeout=10)
        assert connected
        self.model.presence(seat, 1)
        snapshot = await ws.receive_json_from(timeout=10)
        check_snapshot(self.model, seat, snapshot)
        seat.ws, seat.frames, seat.strikes = ws, [snapshot], 0

    async def disconnect(self, seat: Seat) -> None:
        seat.frames += await drain(seat.ws)
        check_connection(self.model, seat)
        await seat.ws.disconnect()  # returns once the consumer has finished
        self.model.presence(seat, 0)

    async def step(self, plan: Plan) -> str:
        """Send one planned frame and check its answer and the stored seq; returns the
        outcome (the error code, or the kind of answer)."""
        seat = self.seats[plan.sender]
        if plan.kind == "fill":  # big updates from both seats, to `leave` places short of full
            count = 0
            while left := MAX_BOARD_ELEMENTS - len(self.model.board) - plan.params["leave"]:
                body = update(
                    f"fill{count}", elements(f"fill{count}-", min(left, plan.params["per_update"]))
                )
                sender = ("interviewer", "candidate")[count % 2]
                assert await self.step(raw(sender, body)) == "ack"
                count += 1
            return "filled"
        if plan.kind == "reconnect":
            await self.disconnect(seat)
            await self.connect(seat)
            self.outcomes.append("reconnect")
            return "reconnected"
        text, limit = self.frame(plan, seat)
        expect = self.model.expect(seat, text)
        assert seat.strikes < django_settings.ROOM_ABUSE_STRIKES, "the plan oversized too often"
        if limit is not None and expect.bad_fields is not None:
            name, allowed = limit
            assert (name not in expect.bad_fields) == allowed, ("a limit moved", name, text[:200])
        outcome = expect.code or expect.type
        self.outcomes.append(f"{plan.kind}: {outcome}")
        answers, broadcasts = await exchange(seat.ws, text)
        seat.frames += answers + broadcasts
        check_answer(self.model, seat, expect, answers)
        # Refused frames change nothing; accepted ones append exactly what the model did.
        stored = await database_sync_to_async(self.stored_seq)()
        assert stored == self.model.seq, (text[:300], answers)
        return outcome

    def stored_seq(self) -> int:
        return RoomState.objects.filter(interview=self.interview).values_list("seq", flat=True)[0]

    async def run(self, plans: list[Plan], outcomes: list[str] | None = None) -> None:
        channel_layers.backends.clear()  # the in-memory layer belongs to one event loop
        for role in ("interviewer", "candidate", "observer"):
            await self.connect(self.seats[role])
        for number, plan in enumerate(plans):
            outcome = await self.step(plan)
            if outcomes is not None:
                assert outcome == outcomes[number], (number, plan)
        # Every socket asks for the board's checksum the way a client does, right and wrong.
        right = fnv_checksum(self.model.board)
        for seat in self.seats.values():
            for checksum in (right, f"{int(right, 16) ^ 1:08x}"):
                body = {"type": "board.verify", "id": f"v{next(self.counter)}"}
                body.update(checksum=checksum, count=len(self.model.board))
                await self.step(Plan(seat.role, "raw", raw=json.dumps(body)))
        for seat in self.seats.values():
            await self.disconnect(seat)


def new_round(people) -> Interview:
    interview, issued = interview_create(
        creator=people.interviewer,
        title="Fuzzed round",
        kind="system_design",
        creator_role=Role.INTERVIEWER,
        agenda=template_phases("system_design"),
        scheduled_at=datetime(2030, 5, 1, 16, 0, tzinfo=UTC),
        time_zone="UTC",
        prompt_text=PROMPT_TEXT,
        **PRIVATE_PROMPT,
    )
    tokens = {item.invitation.role: item.token for item in issued}
    invitation_accept(token=tokens[Role.CANDIDATE], user=people.candidate)
    invitation_accept(token=tokens[Role.OBSERVER], user=people.observer)
    return interview_start(interview=interview)


def check_store(model: RoomModel, interview: Interview) -> None:
    """The store after the run: the log, the state row, the board, scores and notes."""
    state = RoomState.objects.get(interview=interview)
    events = list(RoomEvent.objects.filter(interview=interview).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, model.seq + 1))
    assert state.seq == model.seq
    heads: dict[str, int] = {}
    for row, logged in zip(events, model.log, strict=True):
        stream = f"user:{row.audience_user_id}" if row.audience == "author" else row.audience
        assert row.prev == heads.get(stream, 0), row
        heads[stream] = row.seq
        assert (row.kind, row.audience, row.audience_user_id) == (
            logged.kind,
            logged.audience,
            logged.author,
        )
        assert matches(row.payload, logged.payload), (row.payload, logged.payload)
    assert state.stream_heads == heads == model.heads
    # The timer: valid under the timer module, and what the acknowledged commands made it.
    if state.timer is not None:
        timer = TimerState.from_json(state.timer, len(model.phases))
        assert timer.to_json() == state.timer
        assert 0 <= timer.phase_index < len(model.phases)
        check_timer(model, state.timer)
        assert sum(state.timer["added_ms"]) == sum(model.added)
    else:
        assert (model.phase, model.running, sum(model.added)) == (0, False, 0)
    # The board: each row is the merge of the accepted updates, its columns agree with it,
    # and the checksum over the rows is the one the sockets were answered with.
    rows = list(BoardElement.objects.filter(interview=interview))
    assert {row.element_id: row.data for row in rows} == model.board
    for row in rows:
        data = row.data
        assert (row.version, row.version_nonce) == (data["version"], data["versionNonce"])
        assert (row.is_deleted, row.index) == (data["isDeleted"], data["index"])
    assert fnv_checksum({row.element_id: row.data for row in rows}) == fnv_checksum(model.board)
    # Scores and notes: what each author set, nothing from anyone who may not.
    scores: dict[int, dict[str, Any]] = {}
    for s in LiveScore.objects.filter(interview=interview).order_by("pk"):
        scores.setdefault(s.scorer_id, {})[s.criterion_key] = {
            "criterion": s.criterion_key,
            "score": s.score,
            "comment": s.comment,
        }
    assert scores == model.scores
    notes: dict[int, list[str]] = {}
    for n in Note.objects.filter(interview=interview).order_by("pk"):
        notes.setdefault(n.author_id, []).append(n.text)
    assert notes == model.notes


@dataclass
class Cast:
    people: Any = field(repr=False)
    seats: dict[str, Seat]


@pytest.fixture
def cast(scheduled_round, settings):
    """Ivy, Cole and Otto, logged in; each example seats them in a round of its own."""
    unthrottled(settings)
    return Cast(
        scheduled_round,
        {
            role: Seat(role, user.pk, _session_cookie_for(user))
            for role, user in (
                ("interviewer", scheduled_round.interviewer),
                ("candidate", scheduled_round.candidate),
                ("observer", scheduled_round.observer),
            )
        },
    )


def note(sender: str, text: str) -> Plan:
    return Plan(sender, "note.add", params={"text": text, "text_len": None})


def draw(sender: str, *elements: ElementPlan, **fields: Any) -> Plan:
    return Plan(sender, "board.update", elements=elements, **fields)


def every_command_from_every_seat() -> list[Plan]:
    """One well-formed frame of each type from each seat: the role table, exercised whole."""
    params = {
        "timer.add_time": {"minutes": 1},
        "score.set": {"criterion": "communication", "score": 2, "comment_len": None, "comment": ""},
        "note.add": {"text": "n", "text_len": None},
        "rubric.visibility": {"hidden": False},
        "resume": {"last_seq": "half"},
        "board.verify": {"checksum": "wrong", "count": 0},
        "ping": {"t": 1},
        "cursor": {"x": 1, "selected": 1, "tool": "pointer"},
        "viewport": {"zoom": 1, "width": 1},
    }
    return [
        draw(sender, ElementPlan("new"))
        if kind == "board.update"
        else Plan(sender, kind, params=params.get(kind, {}))
        for sender in ("candidate", "observer", "interviewer")
        for kind in WHO_MAY_SEND
        if kind != "round.end"
    ]


# Always run first: the hostile cases the brief names, in one round.
SCRIPTED = [
    *every_command_from_every_seat(),
    draw("interviewer", ElementPlan("new", fields={"text": "\u202eevil\x00 👩\u200d👩 e\u0301"})),
    draw(
        "candidate",
        ElementPlan("theirs", version=("rel", 1)),  # moves the interviewer's element
        ElementPlan("literal", literal_id="\x00"),
        ElementPlan("literal", literal_id="é"),
        ElementPlan("literal", literal_id="e\u0301"),  # the same letter, decomposed: another id
        ElementPlan("literal", literal_id="\u202e😀"),
    ),
    draw("interviewer", ElementPlan("theirs", version=("rel", -1))),  # stale: nothing applied
    draw("interviewer", ElementPlan("any", version=("rel", 0), nonce=("rel", -1))),  # tie
    draw("candidate", ElementPlan("new", version=("abs", 2**53 + 1), nonce=("abs", -(2**63)))),
    draw(
        "candidate", ElementPlan("new", version=("abs", INT32_MAX), nonce=("abs", -INT32_MAX - 1))
    ),
    draw("candidate", ElementPlan("new", version=("abs", 2**31), nonce=("abs", 2**63))),
    draw("candidate", ElementPlan("new", fields={"customData": nested(300)})),
    draw("candidate", ElementPlan("new", fields={"customData": {"x": 2**64 - 1, "y": -1e308}})),
    Plan("candidate", "timer.start"),  # forbidden
    Plan("interviewer", "timer.start", id=IdPlan("theirs", 0)),  # the candidate's id: applied
    Plan("interviewer", "timer.add_time", id=IdPlan("mine", 0), params={"minutes": 5}),  # dup
    Plan("interviewer", "timer.add_time", params={"minutes": 60}),
    Plan("interviewer", "timer.next", extra={"user_id": 2}),  # smuggled identity: invalid
    Plan(
        "interviewer",
        "score.set",
        params={"criterion": "communication", "score": 3, "comment_len": None, "comment": "\x00"},
    ),
    Plan(
        "observer",
        "score.set",
        params={"criterion": "communication", "score": None, "comment_len": 2000, "comment": ""},
    ),
    note("observer", "\u2028 \x00\x1b 🇬🇧 "),
    note("interviewer", "שלום"),
    note("candidate", "mine?"),  # forbidden
    Plan("interviewer", "rubric.visibility", params={"hidden": True}),
    Plan("candidate", "reconnect"),
    Plan("interviewer", "rubric.visibility", params={"hidden": False}),
    Plan("interviewer", "rubric.visibility", params={"hidden": True}),
    Plan("candidate", "resume", params={"last_seq": "zero"}),
    Plan("observer", "resume", params={"last_seq": "zero"}),
    Plan("interviewer", "prompt.reveal"),
    Plan("candidate", "resume", params={"last_seq": 2**63}),
    Plan("candidate", "board.verify", params={"checksum": "wrong", "count": 0}),
    Plan("interviewer", "round.end"),
    draw("candidate", ElementPlan("mine", version=("rel", 1))),  # read-only now
    Plan(
        "observer",
        "score.set",
        params={"criterion": "communication", "score": 2, "comment_len": None, "comment": "late"},
    ),
    Plan("interviewer", "timer.add_time", id=IdPlan("mine", 0), params={"minutes": 1}),  # dup
    Plan("candidate", "reconnect"),
    Plan("candidate", "resume", params={"last_seq": "zero"}),
]


@fuzz_settings(25)
@given(plans=round_plans)
@example(plans=SCRIPTED)
def test_hostile_commands_from_every_seat_keep_the_room_consistent_and_private(cast, plans):
    interview = new_round(cast.people)
    fresh = {role: Seat(s.role, s.user_id, s.cookie) for role, s in cast.seats.items()}
    runner = Runner(interview, fresh)
    async_to_sync(runner.run)(plans)
    check_store(runner.model, interview)
    for outcome in set(runner.outcomes):
        event(outcome)


# --- Limits, exactly at the edge -----------------------------------------------------------


def raw(sender: str, body: dict[str, Any] | str, *, size: int | None = None) -> Plan:
    """A frame as given; `size` pads a JSON object with spaces to exactly that many bytes."""
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    if size is not None:
        text = text[:-1] + " " * (size - len(text.encode())) + "}"
        assert len(text.encode()) == size
    return Plan(sender, "raw", raw=text)


def elements(prefix: str, count: int, *, version: int = 1) -> list[dict[str, Any]]:
    return [
        {"id": f"{prefix}{i}", "type": "rectangle", "version": version, "versionNonce": i}
        for i in range(count)
    ]


def update(id_: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "board.update", "id": id_, "elements": items}


def declared(model: type[BaseModel], name: str, bound: str) -> Any:
    """A bound the protocol declares on a field (max_length, ge, le, gt), or None."""
    for constraint in model.model_fields[name].metadata:
        if getattr(constraint, bound, None) is not None:
            return getattr(constraint, bound)
    return None


def edge_cases() -> list[tuple[Plan, str]]:
    """Each limit the protocol declares, from its declaration: at the limit, and one past."""
    ivy, cole, otto = "interviewer", "candidate", "observer"
    element = {"id": "e", "type": "rectangle", "version": 1, "versionNonce": 1}
    key = "requirements_and_scoping"
    id_max = declared(ElementSchema, "id", "max_length")
    type_max = declared(ElementSchema, "type", "max_length")
    index_max = declared(ElementSchema, "index", "max_length")
    per_update = declared(BoardUpdate, "elements", "max_length")
    minutes = (declared(TimerAddTime, "minutes", "ge"), declared(TimerAddTime, "minutes", "le"))
    criterion_max = declared(ScoreSet, "criterion", "max_length")
    comment_max = declared(ScoreSet, "comment", "max_length")
    note_max = declared(NoteAdd, "text", "max_length")
    selected_max = declared(Cursor, "selected", "max_length")
    zoom_max = declared(Viewport, "zoom", "le")
    ping = {"type": "ping", "t": 1}
    cursor = {"type": "cursor", "pointer": {"x": 0, "y": 0}}
    view = {"type": "viewport", "scrollX": 0, "scrollY": 0, "width": 0, "height": 0}
    cases = [
        # Frame size, in bytes: the limit itself passes, one more byte does not.
        (raw(cole, ping, size=MAX_FRAME_BYTES), "pong"),
        (raw(cole, ping, size=MAX_FRAME_BYTES + 1), "too_large"),
        (raw(ivy, update("big", elements("b", 1)), size=MAX_FRAME_BYTES), "ack"),
        # Message ids.
        (raw(ivy, {"type": "timer.start", "id": "i" * MAX_ID_LENGTH}), "ack"),
        (raw(ivy, {"type": "timer.pause", "id": "i" * (MAX_ID_LENGTH + 1)}), "invalid"),
        # Elements: id, type and index lengths, version from 1, and per-update counts.
        (raw(cole, update("c1", [{**element, "id": "x" * id_max}])), "ack"),
        (raw(cole, update("c2", [{**element, "id": "y" * (id_max + 1)}])), "invalid"),
        (raw(cole, update("c3", [{**element, "type": "t" * type_max}])), "ack"),
        (
            raw(cole, update("c4", [{**element, "id": "f", "type": "t" * (type_max + 1)}])),
            "invalid",
        ),
        (raw(cole, update("c5", [{**element, "id": "g", "index": "a" * index_max}])), "ack"),
        (
            raw(cole, update("c6", [{**element, "id": "h", "index": "a" * (index_max + 1)}])),
            "invalid",
        ),
        (raw(cole, update("c7", [{**element, "id": "z", "version": 0}])), "invalid"),
        (raw(cole, update("c8", [])), "invalid"),
        (raw(cole, update("c9", elements("m", per_update))), "ack"),
        (raw(cole, update("c10", elements("n", per_update + 1))), "invalid"),
    ]
    for name in ("version", "versionNonce"):  # integer bounds, where the protocol has them
        for bound, step in (("le", 1), ("ge", -1)):
            edge = declared(ElementSchema, name, bound)
            if edge is None or (name, bound) == ("version", "ge"):
                continue
            new_id = f"{name}-{bound}"
            cases += [
                (raw(cole, update(f"{new_id}-in", [{**element, "id": new_id, name: edge}])), "ack"),
                (raw(cole, update(f"{new_id}-out", [{**element, name: edge + step}])), "invalid"),
            ]
    cases += [
        # The whole board: MAX_BOARD_ELEMENTS at most, tombstones included.
        (Plan(ivy, "fill", params={"leave": 1, "per_update": per_update}), "filled"),
        (raw(cole, update("last", [{**element, "id": "last"}])), "ack"),
        (raw(cole, update("over", [{**element, "id": "one-too-many"}])), "board_full"),
        (
            raw(ivy, update("mix", [{**element, "version": 2}, {**element, "id": "n0"}])),
            "board_full",
        ),
        (raw(ivy, update("edit", [{**element, "version": 2}])), "ack"),
        # Minutes, scores, comments and notes.
        (raw(ivy, {"type": "timer.add_time", "id": "a0", "minutes": minutes[0] - 1}), "invalid"),
        (raw(ivy, {"type": "timer.add_time", "id": "a1", "minutes": minutes[0]}), "ack"),
        (raw(ivy, {"type": "timer.add_time", "id": "a2", "minutes": minutes[1]}), "ack"),
        (raw(ivy, {"type": "timer.add_time", "id": "a3", "minutes": minutes[1] + 1}), "invalid"),
        (raw(ivy, {"type": "score.set", "id": "s1", "criterion": "k" * criterion_max}), "invalid"),
        (
            raw(ivy, {"type": "score.set", "id": "s2", "criterion": "k" * (criterion_max + 1)}),
            "invalid",
        ),
        (raw(ivy, {"type": "score.set", "id": "s3", "criterion": key, "score": 4}), "ack"),
        (raw(ivy, {"type": "score.set", "id": "s4", "criterion": key, "score": 5}), "invalid"),
        (raw(ivy, {"type": "score.set", "id": "s5", "criterion": key, "score": 11}), "invalid"),
        (
            raw(
                otto,
                {"type": "score.set", "id": "o1", "criterion": key, "comment": "c" * comment_max},
            ),
            "ack",
        ),
        (
            raw(
                otto,
                {
                    "type": "score.set",
                    "id": "o2",
                    "criterion": key,
                    "comment": "c" * (comment_max + 1),
                },
            ),
            "invalid",
        ),
        (raw(otto, {"type": "note.add", "id": "o3", "text": "é" * note_max}), "ack"),
        (raw(otto, {"type": "note.add", "id": "o4", "text": "é" * (note_max + 1)}), "invalid"),
        (raw(otto, {"type": "note.add", "id": "o5", "text": ""}), "invalid"),
        # Reads: resume from before the start, cursors and viewports at their bounds.
        (raw(cole, {"type": "resume", "id": "r1", "last_seq": -1}), "invalid"),
        (raw(cole, {"type": "resume", "id": "r2", "last_seq": 0}), "resume"),
        (raw(cole, {**cursor, "selected": ["s"] * selected_max}), "none"),
        (raw(cole, {**cursor, "selected": ["s"] * (selected_max + 1)}), "invalid"),
        (raw(otto, {**view, "zoom": zoom_max}), "none"),
        (raw(otto, {**view, "zoom": zoom_max * 1.000001}), "invalid"),
        (raw(otto, {**view, "zoom": 0}), "invalid"),
    ]
    return cases


def test_every_limit_holds_exactly_at_its_edge(cast):
    """One step inside each limit is accepted and applied; one step outside is refused and
    changes nothing. Then the same invariants as the fuzz, on a full board."""
    interview = new_round(cast.people)
    seats = {role: Seat(s.role, s.user_id, s.cookie) for role, s in cast.seats.items()}
    runner = Runner(interview, seats)
    plans, outcomes = zip(*edge_cases(), strict=True)
    async_to_sync(runner.run)(list(plans), list(outcomes))
    check_store(runner.model, interview)
    assert len(runner.model.board) == MAX_BOARD_ELEMENTS  # the board really was full
