"""One hostile frame must never take down a room: bounds on what a client may store, sends
that fail for one socket only, and limits per user rather than per socket."""

import json
import logging

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.test import Client
from django.urls import reverse

from mockroom.interviews.services import interview_start
from mockroom.live.consumers import RoomConsumer
from mockroom.live.events import group_all
from mockroom.live.models import RoomEvent, RoomState
from mockroom.live.protocol import MAX_SELECTED
from mockroom.whiteboard.models import BoardElement
from tests.live.conftest import command, drain

pytestmark = pytest.mark.django_db(transaction=True)


def nested(depth: int) -> dict:
    value: dict = {"leaf": 1}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def rect(element_id: str, **extra) -> dict:
    base = {"id": element_id, "type": "rectangle", "version": 1, "versionNonce": 7}
    return {**base, **extra}


async def seq_of(interview) -> int:
    state = await RoomState.objects.filter(interview=interview).afirst()
    return state.seq if state else 0


async def still_open(*sockets) -> None:
    """Each socket answers a barrier, so it is open and serving."""
    for ws in sockets:
        await drain(ws)


@pytest.mark.parametrize(
    ("element", "fragment"),
    [
        (rect("deep", customData=nested(300)), "nested deeper than 32"),
        (rect("big-version", version=2**63), "elements.0.version"),
        (rect("int32-version", version=2**31), "elements.0.version"),
        (rect("big-nonce", versionNonce=2**31), "elements.0.versionNonce"),
        (rect("nul", customData={"note": "a\x00b"}), "NUL character"),
        (rect("huge-int", customData={"n": 2**60}), "integer out of range"),
    ],
)
async def test_a_candidates_unstorable_element_is_refused_and_the_room_lives_on(
    room, scheduled_round, element, fragment
):
    interview = scheduled_round.interview
    await sync_to_async(interview_start)(interview=interview)
    cole, _ = await room(scheduled_round.candidate, interview)
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await still_open(cole, ivy)
    before = await seq_of(interview)
    refused = await command(cole, "board.update", "bad-1", elements=[element])
    assert refused["type"] == "error" and refused["code"] == "invalid"
    assert fragment in refused["message"], refused
    assert await seq_of(interview) == before
    assert not await BoardElement.objects.filter(interview=interview).aexists()
    # Everyone is still here, and a resume over the log works for everyone.
    await still_open(cole, ivy)
    for ws in (cole, ivy):
        await ws.send_json_to({"type": "resume", "id": "r", "last_seq": 0})
        reply = await ws.receive_json_from(timeout=10)
        while reply.get("id") != "r":
            reply = await ws.receive_json_from(timeout=10)
        assert reply["type"] == "events"
    ok = await command(cole, "board.update", "good-1", elements=[rect("fine")])
    assert ok["type"] == "ack"


async def test_a_frame_that_cannot_be_sent_costs_only_that_frame(room, scheduled_round, caplog):
    """Whatever reaches the fan-out, a frame orjson cannot serialize is dropped for each
    socket with one log line; no socket closes, no traceback is logged."""
    interview = scheduled_round.interview
    cole, _ = await room(scheduled_round.candidate, interview)
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await still_open(cole, ivy)
    poisoned = {"type": "event", "kind": "board.updated", "payload": nested(300)}
    with caplog.at_level(logging.INFO, logger="mockroom.live.consumers"):
        await get_channel_layer().group_send(
            group_all(interview.public_id), {"type": "room.event", "event": poisoned}
        )
        await still_open(cole, ivy)
    dropped = [r for r in caplog.records if "room frame not sent" in r.getMessage()]
    assert len(dropped) == 2 and not any(r.exc_info for r in caplog.records)


async def test_a_send_to_a_closing_socket_is_dropped_quietly(caplog):
    async def transport_gone(message):
        raise RuntimeError("Attempt to send on a closed protocol")

    # A consumer whose transport fails the way Daphne's does once the peer has gone.
    consumer = RoomConsumer()
    consumer.base_send = transport_gone
    with caplog.at_level(logging.INFO, logger="mockroom.live.consumers"):
        consumer.open_outbox()
        consumer.send_frame({"type": "pong", "t": 1})
        consumer.send_frame({"type": "pong", "t": 2})
        await consumer.sender  # the sender stops at the first failure, quietly
        consumer.send_frame({"type": "pong", "t": 3})  # and later frames are dropped
    assert not any(r.exc_info for r in caplog.records)
    assert [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()] == [
        "room frame dropped, socket closing: RuntimeError"
    ]


async def test_the_message_limit_is_per_user_not_per_socket(room, scheduled_round, settings):
    settings.ROOM_RATE_PER_SECOND = 0.001  # no refill during the test
    settings.ROOM_BURST = 12
    settings.ROOM_ABUSE_STRIKES = 1000
    interview = scheduled_round.interview
    sockets = [(await room(scheduled_round.candidate, interview))[0] for _ in range(4)]
    answered = refused = 0
    for number in range(40):
        ws = sockets[number % 4]
        await ws.send_json_to({"type": "ping", "t": number})
        reply = await ws.receive_json_from(timeout=10)
        while reply["type"] not in ("pong", "error"):
            reply = await ws.receive_json_from(timeout=10)
        if reply["type"] == "pong":
            answered += 1
        else:
            assert reply["code"] == "rate_limited"
            refused += 1
    assert (answered, refused) == (12, 28)  # four sockets share one bucket of 12


async def test_bytes_are_limited_per_user(room, scheduled_round, settings):
    settings.ROOM_BYTES_PER_SECOND = 1  # no refill to speak of
    settings.ROOM_BYTES_BURST = 4000
    settings.ROOM_ABUSE_STRIKES = 1000
    interview = scheduled_round.interview
    await sync_to_async(interview_start)(interview=interview)
    cole, _ = await room(scheduled_round.candidate, interview)
    cole2, _ = await room(scheduled_round.candidate, interview)
    padded = rect("p", customData={"pad": "x" * 1500})
    first = await command(cole, "board.update", "p1", elements=[padded])
    second = await command(cole2, "board.update", "p2", elements=[{**padded, "version": 2}])
    third = await command(cole, "board.update", "p3", elements=[{**padded, "version": 3}])
    assert [first["type"], second["type"], third.get("code")] == ["ack", "ack", "rate_limited"]


async def test_a_user_may_hold_only_so_many_sockets_in_a_room(room, scheduled_round, settings):
    settings.ROOM_MAX_CONNECTIONS_PER_USER = 3
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    kept = [(await room(scheduled_round.candidate, interview))[0] for _ in range(3)]
    extra, refusal = await room(scheduled_round.candidate, interview)
    assert refusal["type"] == "error" and refusal["code"] == "too_many_connections"
    assert (await extra.receive_output(timeout=10)) == {"type": "websocket.close", "code": 4029}
    await still_open(ivy, *kept)  # nobody else was touched
    # Closing one frees a place.
    await kept[0].disconnect()
    _again, snapshot = await room(scheduled_round.candidate, interview)
    assert snapshot["type"] == "snapshot"


async def test_connection_churn_is_bounded_and_refused_churn_writes_nothing(
    room, scheduled_round, settings
):
    settings.ROOM_CONNECT_BURST = 5
    settings.ROOM_CONNECTS_PER_MINUTE = 0.001
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    outcomes = []
    for _ in range(20):
        ws, first = await room(scheduled_round.candidate, interview)
        outcomes.append(first["type"] if first["type"] == "snapshot" else first["code"])
        await ws.disconnect()
    assert outcomes == ["snapshot"] * 5 + ["reconnecting_too_fast"] * 15
    await still_open(ivy)
    candidate_presence = RoomEvent.objects.filter(
        interview=interview, kind__startswith="presence.", actor=scheduled_round.candidate
    )
    assert await candidate_presence.acount() == 10  # five joins, five leaves; no more


async def test_cursor_selections_are_bounded(room, scheduled_round):
    interview = scheduled_round.interview
    cole, _ = await room(scheduled_round.candidate, interview)
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await still_open(cole, ivy)
    pointer = {"x": 1, "y": 2}
    for selected in (["x" * 65], ["id"] * (MAX_SELECTED + 1)):
        await cole.send_json_to({"type": "cursor", "pointer": pointer, "selected": selected})
        reply = await cole.receive_json_from(timeout=10)
        assert reply["type"] == "error" and reply["code"] == "invalid", reply
    await cole.send_json_to(
        {"type": "cursor", "pointer": pointer, "selected": ["x" * 64] * MAX_SELECTED}
    )
    relayed = await ivy.receive_json_from(timeout=10)
    while relayed["type"] != "ephemeral":
        relayed = await ivy.receive_json_from(timeout=10)
    assert len(relayed["payload"]["selected"]) == MAX_SELECTED
    assert await drain(ivy) == []  # the refused cursors were never relayed


def test_an_excalidraw_import_with_unstorable_elements_says_why(scheduled_round):
    client = Client()
    client.force_login(scheduled_round.interviewer)
    url = reverse("whiteboard:import", args=[scheduled_round.interview.public_id])

    def upload(elements):
        from django.core.files.uploadedfile import SimpleUploadedFile

        document = {"type": "excalidraw", "version": 2, "elements": elements, "appState": {}}
        body = json.dumps(document).encode()
        return client.post(url, {"board": SimpleUploadedFile("x.excalidraw", body)}, follow=True)

    deep = upload([rect("d", customData=nested(300))])
    assert b"nested deeper than 32" in deep.content
    big = upload([rect("v", version=2**63)])
    assert b"elements.0.version: integer out of range" in big.content
    int32 = upload([rect("v", version=2**31)])
    assert b"not valid" in int32.content
    # Nesting far beyond Python's recursion limit is refused, not a 500.
    text = '{"type": "excalidraw", "elements": [' + "[" * 5000 + "]" * 5000 + "]}"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        url, {"board": SimpleUploadedFile("x.excalidraw", text.encode())}, follow=True
    )
    assert response.status_code == 200 and b"not valid JSON" in response.content
    assert not BoardElement.objects.exists()


@pytest.mark.parametrize("number", [1e308, -1e308, 2.0**64, 1e20, 2.0**53])
async def test_a_float_beyond_2_53_is_refused_and_resumes_stay_sendable(
    room, scheduled_round, number
):
    """PostgreSQL's jsonb keeps numbers as decimals and gives 1e308 back as an integer of
    309 digits, which orjson refuses: once stored, every resume over its event failed."""
    interview = scheduled_round.interview
    await sync_to_async(interview_start)(interview=interview)
    cole, _ = await room(scheduled_round.candidate, interview)
    await still_open(cole)
    refused = await command(cole, "board.update", "f1", elements=[rect("f", x=number)])
    assert refused["type"] == "error" and refused["code"] == "invalid", refused
    assert "elements.0.x: number out of range" in refused["message"], refused
    edge = rect("g", x=float(2**53 - 1), customData={"n": -(2**53 - 1), "z": -0.0})
    assert (await command(cole, "board.update", "f2", elements=[edge]))["type"] == "ack"
    await cole.send_json_to({"type": "resume", "id": "r", "last_seq": 0})
    reply = await cole.receive_json_from(timeout=10)
    while reply.get("id") != "r":
        reply = await cole.receive_json_from(timeout=10)
    assert reply["type"] == "events", reply
    assert [e["payload"]["elements"][0]["x"] for e in reply["events"][-1:]] == [2**53 - 1]


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "cursor", "pointer": {"x": "NaN", "y": 2}},
        {"type": "cursor", "pointer": {"x": 1, "y": "-Infinity"}},
        {
            "type": "viewport",
            "scrollX": "Infinity",
            "scrollY": 0,
            "zoom": 1,
            "width": 1,
            "height": 1,
        },
        {"type": "viewport", "scrollX": 0, "scrollY": 0, "zoom": 1, "width": "inf", "height": 1},
        {"type": "ping", "t": "nan"},
    ],
)
async def test_nan_or_infinity_as_a_string_is_refused_not_relayed_as_null(
    room, scheduled_round, frame
):
    """Pydantic reads "NaN" as a float, and orjson writes that float as null: a candidate's
    cursor reached the interviewer with `x: null`."""
    interview = scheduled_round.interview
    cole, _ = await room(scheduled_round.candidate, interview)
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await still_open(cole, ivy)
    await cole.send_json_to(frame)
    reply = await cole.receive_json_from(timeout=10)
    assert reply["type"] == "error" and reply["code"] == "invalid", reply
    assert "finite number" in reply["message"], reply
    assert await drain(ivy) == []  # nothing was relayed


async def test_the_frame_limit_counts_bytes_not_characters(room, scheduled_round):
    """512 KiB is a wire size: a frame of multi-byte characters over it is refused even
    though it has fewer characters than that."""
    from mockroom.live.protocol import MAX_FRAME_BYTES

    interview = scheduled_round.interview
    await sync_to_async(interview_start)(interview=interview)
    cole, _ = await room(scheduled_round.candidate, interview)
    pad = "é" * (MAX_FRAME_BYTES // 2)  # 2 bytes each: past the limit, in half the chars
    frame = {"type": "board.update", "id": "u8", "elements": [rect("r", customData={"p": pad})]}
    await drain(cole)
    text = json.dumps(frame, ensure_ascii=False)
    assert len(text) < MAX_FRAME_BYTES < len(text.encode())
    await cole.send_to(text_data=text)
    reply = await cole.receive_json_from(timeout=10)
    assert reply["type"] == "error" and reply["code"] == "too_large", reply
    assert not await BoardElement.objects.filter(interview=interview).aexists()


async def test_a_server_bug_on_one_message_answers_it_with_internal_and_keeps_the_socket(
    room, scheduled_round, monkeypatch, caplog
):
    async def broken(self, message):
        raise RuntimeError("a bug in the relay")

    monkeypatch.setattr(RoomConsumer, "relay_ephemeral", broken)
    cole, _ = await room(scheduled_round.candidate, scheduled_round.interview)
    await drain(cole)
    with caplog.at_level(logging.ERROR, logger="mockroom.live.consumers"):
        await cole.send_json_to({"type": "cursor", "pointer": {"x": 1, "y": 2}})
        frames = await drain(cole)
    assert [(f["type"], f.get("code")) for f in frames] == [("error", "internal")]
    assert any("room message cursor failed" in r.getMessage() for r in caplog.records)
    await cole.send_json_to({"type": "ping", "t": 5})
    assert (await cole.receive_json_from(timeout=10))["type"] == "pong"
