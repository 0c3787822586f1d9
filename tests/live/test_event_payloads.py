"""Every kind of room event the server emits matches its payload model in the protocol.

A real round is played through the real ASGI stack (WebSockets for the room, HTTP for the
image and final-board uploads) by the interviewer, the candidate and an observer. Every
frame their sockets receive is checked against the protocol and, for events, strictly
against the kind's payload model (`protocol.EVENT_PAYLOADS`) and expected stream, by
`tests/live/event_schemas.py` (as Zulip's `check_events` does). The kinds seen must be
exactly the registry's, and a static pass over the source makes sure every kind given to
`NewEvent` is in the registry, so a new kind can't slip by. (Each payload was also checked
when it was appended, as in every test: `settings.ROOM_VALIDATE_EVENT_PAYLOADS`.)
"""

from __future__ import annotations

import ast
import dataclasses
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from channels.testing import HttpCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.client import encode_multipart
from django.urls import reverse

import mockroom
from mockroom.asgi import application
from mockroom.live.events import EventPayloadMismatch, NewEvent, append_events
from mockroom.live.models import RoomEvent
from mockroom.live.protocol import EVENT_PAYLOADS, SERVER_MESSAGE
from tests.conftest import ORIGIN
from tests.live.event_schemas import EXPECTED_STREAMS, check_event
from tests.whiteboard.test_board_files import png_bytes

pytestmark = pytest.mark.django_db(transaction=True)

_ping_tokens = itertools.count(1)
CSRF_TOKEN = "0123456789abcdefghijABCDEFGHIJkl"  # 32 characters: an unmasked CSRF secret
BOUNDARY = "mockroom-event-payloads"


def canonical(value: Any) -> str:
    """JSON text that tells `1` from `1.0` and ignores key order."""
    return json.dumps(value, sort_keys=True, allow_nan=False)


class Socket:
    """One open room connection that keeps every frame it receives, in order."""

    def __init__(self, ws, snapshot: dict[str, Any]) -> None:
        self.ws = ws
        self.snapshot = snapshot
        self.frames: list[dict[str, Any]] = [snapshot]

    async def receive(self) -> dict[str, Any]:
        frame = json.loads(await self.ws.receive_from(timeout=10))
        self.frames.append(frame)
        return frame

    async def command(self, type_: str, id_: str, **fields: Any) -> dict[str, Any]:
        """Send a command; read (and keep) frames up to its ack or error, and return it."""
        await self.ws.send_json_to({"type": type_, "id": id_, **fields})
        while True:
            frame = await self.receive()
            if frame.get("type") in ("ack", "error") and frame.get("id") == id_:
                return frame

    async def settle(self) -> None:
        """Read everything queued for this socket so far, up to a pong (a positive barrier).

        Two pings, one after the other: the consumer may dispatch a ping before a channel
        message that arrived in the same pass, but never before one from an earlier pass,
        so whatever was broadcast before this call arrives ahead of the second pong."""
        for _ in range(2):
            token = float(next(_ping_tokens))
            await self.ws.send_json_to({"type": "ping", "t": token})
            while True:
                frame = await self.receive()
                if frame.get("type") == "pong" and frame.get("t") == token:
                    break

    async def resume_from_start(self, id_: str) -> dict[str, Any]:
        """The socket's whole visible log as the server stored it."""
        await self.ws.send_json_to({"type": "resume", "id": id_, "last_seq": 0})
        while True:
            frame = await self.receive()
            if frame.get("type") == "events" and frame.get("id") == id_:
                return frame

    def events(self) -> list[dict[str, Any]]:
        return [f for f in self.frames if f.get("type") == "event"]


async def open_socket(room, user, interview) -> Socket:
    ws, snapshot = await room(user, interview)
    assert isinstance(snapshot, dict) and snapshot["type"] == "snapshot", snapshot
    return Socket(ws, snapshot)


async def post_files(session_cookie, user, path: str, fields: dict[str, Any]) -> int:
    """A multipart POST through the project's ASGI application, as the browser sends it."""
    cookie = await session_cookie(user)
    body = encode_multipart(BOUNDARY, fields)
    communicator = HttpCommunicator(
        application,
        "POST",
        path,
        body=body,
        headers=[
            (b"host", b"localhost"),
            (b"origin", ORIGIN.encode()),
            (b"cookie", f"{cookie}; csrftoken={CSRF_TOKEN}".encode()),
            (b"x-csrftoken", CSRF_TOKEN.encode()),
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
            (b"content-length", str(len(body)).encode()),
        ],
    )
    response = await communicator.get_response(timeout=10)
    await communicator.wait(timeout=10)  # the request is finished, not just answered
    return response["status"]


async def test_every_event_kind_matches_its_payload_model(room, scheduled_round, session_cookie):
    interview = scheduled_round.interview
    ivy = await open_socket(room, scheduled_round.interviewer, interview)
    cole = await open_socket(room, scheduled_round.candidate, interview)
    otto = await open_socket(room, scheduled_round.observer, interview)
    criterion = ivy.snapshot["rubric"]["criteria"][0]

    acks = [
        await ivy.command("round.start", "p1"),
        await ivy.command("timer.start", "p2"),
        await ivy.command("timer.add_time", "p3", minutes=2),
        await ivy.command("rubric.visibility", "p4", hidden=True),
        await ivy.command("rubric.visibility", "p5", hidden=False),
        await ivy.command("prompt.reveal", "p6"),
        await cole.command(
            "board.update",
            "p7",
            elements=[
                {"id": "box-1", "type": "rectangle", "version": 2, "versionNonce": 11, "x": 4}
            ],
        ),
        await ivy.command(
            "score.set",
            "p8",
            criterion=criterion["key"],
            score=criterion["levels"][-1]["score"],
            comment="Asked about scale first.",
        ),
        await otto.command("score.set", "p9", criterion=criterion["key"], score=None),
        await ivy.command("note.add", "p10", text="Good catch on hot keys."),
        await otto.command("note.add", "p11", text="Watch the time in Design."),
    ]
    uploaded = await post_files(
        session_cookie,
        scheduled_round.candidate,
        reverse("whiteboard:upload", args=[interview.public_id]),
        {
            "file_id": "img-1",
            "file": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"),
        },
    )
    assert uploaded == 201
    # The candidate's second tab comes and goes: joined with 2 connections, left with 1.
    cole_tab = await open_socket(room, scheduled_round.candidate, interview)
    await cole_tab.ws.disconnect(timeout=10)
    acks.append(await ivy.command("round.end", "p12"))
    saved = await post_files(
        session_cookie,
        scheduled_round.interviewer,
        reverse("whiteboard:final_upload", args=[interview.public_id]),
        {
            "png": SimpleUploadedFile("board.png", png_bytes(), content_type="image/png"),
            "svg": SimpleUploadedFile(
                "board.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>',
                content_type="image/svg+xml",
            ),
        },
    )
    assert saved == 201
    assert [a["type"] for a in acks] == ["ack"] * len(acks), acks

    # The observer leaves last (presence.left with 0 connections for the others to see).
    await otto.settle()
    stored = {otto: await otto.resume_from_start("r-otto")}
    await otto.ws.disconnect(timeout=10)
    for socket, id_ in ((ivy, "r-ivy"), (cole, "r-cole")):
        await socket.settle()
        stored[socket] = await socket.resume_from_start(id_)

    for socket in (ivy, cole, otto):
        for frame in socket.frames:
            # Zulip's rule: what is sent survives JSON unchanged.
            assert json.loads(canonical(frame)) == frame
            SERVER_MESSAGE.validate_python(frame)
        stored_by_seq = {e["seq"]: e for e in stored[socket]["events"]}
        for event in socket.events():
            # The live broadcast (built in memory) and the stored copy (read back from the
            # database) are the same JSON: nothing in a payload depends on which one you got.
            assert canonical(event) == canonical(stored_by_seq[event["seq"]]), event["kind"]
        for event in socket.events() + stored[socket]["events"]:
            check_event(event)

    seen = {e["kind"] for socket in (ivy, cole, otto) for e in socket.events()}
    assert seen == set(EVENT_PAYLOADS), (
        f"never exercised: {sorted(set(EVENT_PAYLOADS) - seen)}; "
        f"no payload model: {sorted(seen - set(EVENT_PAYLOADS))}"
    )
    # Both shapes of the optional parts were seen, not just one: hidden (no rubric sent),
    # then shown again with the round's rubric (the one the candidate's snapshot had).
    visibility = [e["payload"] for e in cole.events() if e["kind"] == "rubric.visibility"]
    assert visibility == [
        {"hidden": True, "rubric": None},
        {"hidden": False, "rubric": cole.snapshot["rubric"]},
    ]
    assert cole.snapshot["rubric"] is not None
    left = {e["payload"]["connections"] for e in ivy.events() if e["kind"] == "presence.left"}
    assert left == {0, 1}
    await ivy.ws.disconnect(timeout=10)
    await cole.ws.disconnect(timeout=10)


# --- Built: every event is checked against its model as it is appended ----------------------

TIMER = {
    "phase_index": 0,
    "running": False,
    "anchor_ms": None,
    "phase_spent_ms": [1000, 0],
    "added_ms": [0, 0],
}


def append_one(interview, kind: str, payload: dict[str, Any]) -> list[RoomEvent]:
    with transaction.atomic():
        return append_events([NewEvent(interview=interview, kind=kind, payload=payload)])


@pytest.mark.django_db
def test_a_payload_that_fits_its_model_is_appended(scheduled_round):
    interview = scheduled_round.interview
    (row,) = append_one(interview, "timer.changed", {"command": "timer.pause", "timer": TIMER})
    assert RoomEvent.objects.get(pk=row.pk).payload["timer"] == TIMER


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"command": "timer.pause", "timers": TIMER}, id="renamed key"),
        pytest.param({"command": "timer.pause"}, id="missing key"),
        pytest.param({"command": "timer.pause", "timer": TIMER, "by": 3}, id="unknown key"),
        pytest.param({"command": "timer.stop", "timer": TIMER}, id="no such command"),
        pytest.param(
            {"command": "timer.pause", "timer": {**TIMER, "phase_index": 0.0}}, id="float for int"
        ),
        pytest.param(
            {"command": "timer.pause", "timer": {**TIMER, "phase_index": "0"}}, id="text for int"
        ),
        pytest.param(
            {"command": "timer.pause", "timer": {**TIMER, "running": True}},
            id="running without an anchor",
        ),
        pytest.param(
            {"command": "timer.pause", "timer": {**TIMER, "added_ms": [0]}},
            id="lists of different lengths",
        ),
    ],
)
def test_a_payload_that_breaks_its_model_is_refused_when_appended(scheduled_round, payload):
    interview = scheduled_round.interview
    with pytest.raises(EventPayloadMismatch, match=r"timer\.changed payload"):
        append_one(interview, "timer.changed", payload)
    assert not RoomEvent.objects.filter(interview=interview).exists()


@pytest.mark.django_db
def test_a_kind_without_a_payload_model_is_refused_when_appended(scheduled_round):
    interview = scheduled_round.interview
    with pytest.raises(EventPayloadMismatch, match=r"'timer\.stopped'"):
        append_one(interview, "timer.stopped", {"command": "timer.pause", "timer": TIMER})
    assert not RoomEvent.objects.filter(interview=interview).exists()


@pytest.mark.django_db
def test_payloads_are_appended_unchecked_when_validation_is_off(scheduled_round, settings):
    """Production skips the check (the hot path pays nothing); only tests turn it on."""
    settings.ROOM_VALIDATE_EVENT_PAYLOADS = False
    interview = scheduled_round.interview
    (row,) = append_one(interview, "timer.changed", {"command": "timer.pause", "timers": TIMER})
    assert RoomEvent.objects.filter(pk=row.pk).exists()


# --- Static: every kind the source can emit has a model --------------------------------------


@dataclasses.dataclass
class _Call:
    path: Path
    node: ast.Call
    function: ast.FunctionDef | ast.AsyncFunctionDef | None


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _calls_in(path: Path) -> list[_Call]:
    calls: list[_Call] = []

    class Visitor(ast.NodeVisitor):
        def __init__(self) -> None:
            self.functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []

        def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
            self.functions.append(node)
            self.generic_visit(node)
            self.functions.pop()

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_Call(self, node: ast.Call) -> None:
            calls.append(_Call(path, node, self.functions[-1] if self.functions else None))
            self.generic_visit(node)

    Visitor().visit(ast.parse(path.read_text(), filename=str(path)))
    return calls


def _argument(call: ast.Call, name: str, position: int | None) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    if position is not None and position < len(call.args):
        argument = call.args[position]
        return None if isinstance(argument, ast.Starred) else argument
    return None


def emitted_kinds() -> tuple[set[str], list[str]]:
    """Every kind string that reaches `NewEvent(kind=...)` anywhere in mockroom/, and the
    places where a kind can't be traced to a string literal.

    A kind given as a parameter of the enclosing function (a helper such as
    `rubrics.live._private`) is followed to every call of that helper."""
    root = Path(mockroom.__file__).parent
    calls = [call for path in sorted(root.rglob("*.py")) for call in _calls_in(path)]
    kinds: set[str] = set()
    problems: list[str] = []

    def where(call: _Call) -> str:
        return f"{call.path.relative_to(root.parent)}:{call.node.lineno}"

    def resolve(expression: ast.expr | None, call: _Call, depth: int) -> None:
        if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
            kinds.add(expression.value)
            return
        if isinstance(expression, ast.IfExp):
            resolve(expression.body, call, depth)
            resolve(expression.orelse, call, depth)
            return
        function = call.function
        if isinstance(expression, ast.Name) and function is not None and depth < 5:
            positional = [a.arg for a in function.args.posonlyargs + function.args.args]
            named = positional + [a.arg for a in function.args.kwonlyargs]
            if expression.id in named:
                position = positional.index(expression.id) if expression.id in positional else None
                callers = [c for c in calls if _callee(c.node) == function.name]
                if not callers:
                    problems.append(f"{where(call)}: {function.name}() is never called by name")
                for caller in callers:
                    resolve(_argument(caller.node, expression.id, position), caller, depth + 1)
                return
        problems.append(f"{where(call)}: the event kind is not a string literal")

    kind_position = [f.name for f in dataclasses.fields(NewEvent)].index("kind")
    for call in calls:
        if _callee(call.node) == "NewEvent":
            resolve(_argument(call.node, "kind", kind_position), call, 0)
    return kinds, problems


def test_every_kind_the_source_emits_has_a_payload_model():
    kinds, problems = emitted_kinds()
    assert problems == []
    assert kinds == set(EVENT_PAYLOADS), (
        f"no payload model: {sorted(kinds - set(EVENT_PAYLOADS))}; "
        f"never emitted: {sorted(set(EVENT_PAYLOADS) - kinds)}"
    )
    # And the test's own list of expected streams covers the same kinds.
    assert set(EXPECTED_STREAMS) == kinds
