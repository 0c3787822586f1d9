"""The board over the real ASGI stack: merge, persistence, audiences, limits, read-only."""

import pytest
from asgiref.sync import sync_to_async

from mockroom.interviews.services import interview_end, interview_start
from mockroom.live import protocol
from mockroom.whiteboard.models import BoardElement
from mockroom.whiteboard.reconcile import board_checksum
from tests.live.conftest import command, drain

pytestmark = pytest.mark.django_db(transaction=True)


def rect(element_id: str, version: int = 1, nonce: int = 100, **extra) -> dict:
    return {
        "id": element_id,
        "type": "rectangle",
        "version": version,
        "versionNonce": nonce,
        "isDeleted": False,
        "index": "a0",
        "x": 10,
        "y": 20,
        "width": 100,
        "height": 50,
        **extra,
    }


async def test_an_update_is_merged_stored_and_broadcast(room, scheduled_round):
    interview = scheduled_round.interview
    cole, _ = await room(scheduled_round.candidate, interview)
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await drain(ivy)
    ack = await command(cole, "board.update", "b1", elements=[rect("r1", strokeColor="#e03131")])
    assert ack["type"] == "ack"
    seen = [f for f in await drain(ivy) if f.get("kind") == "board.updated"]
    assert seen[0]["seq"] == ack["seq"]
    assert seen[0]["payload"]["elements"][0]["strokeColor"] == "#e03131"
    row = await BoardElement.objects.aget(interview=interview, element_id="r1")
    assert row.version == 1 and row.data["width"] == 100


async def test_stale_and_losing_edits_are_not_applied(room, scheduled_round):
    interview = scheduled_round.interview
    cole, _ = await room(scheduled_round.candidate, interview)
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await command(cole, "board.update", "c1", elements=[rect("r1", version=3, nonce=50, x=1)])
    await drain(ivy)
    await drain(cole)
    # Lower version, and same version with a higher nonce: both lose, nothing is broadcast.
    await command(ivy, "board.update", "c2", elements=[rect("r1", version=2, x=2)])
    await command(ivy, "board.update", "c3", elements=[rect("r1", version=3, nonce=51, x=3)])
    assert not [f for f in await drain(cole) if f.get("kind") == "board.updated"]
    # Same version, lower nonce: wins.
    await command(ivy, "board.update", "c4", elements=[rect("r1", version=3, nonce=49, x=4)])
    row = await BoardElement.objects.aget(interview=interview, element_id="r1")
    assert row.data["x"] == 4


async def test_deletes_are_kept_as_tombstones(room, scheduled_round):
    interview = scheduled_round.interview
    cole, _ = await room(scheduled_round.candidate, interview)
    await command(cole, "board.update", "d1", elements=[rect("r1")])
    await command(cole, "board.update", "d2", elements=[rect("r1", version=2, isDeleted=True)])
    await command(cole, "board.update", "d3", elements=[rect("r1", version=1, nonce=1)])
    row = await BoardElement.objects.aget(interview=interview, element_id="r1")
    assert row.is_deleted and row.version == 2
    _ivy, snapshot = await room(scheduled_round.interviewer, interview)
    assert [e["isDeleted"] for e in snapshot["board"]["elements"]] == [True]


async def test_a_late_joiner_gets_the_board_and_its_checksum(room, scheduled_round):
    interview = scheduled_round.interview
    cole, _ = await room(scheduled_round.candidate, interview)
    elements = [rect(f"r{i}", index=f"a{i}") for i in range(5)]
    await command(cole, "board.update", "e1", elements=elements)
    await cole.disconnect()
    _otto, snapshot = await room(scheduled_round.observer, interview)
    assert [e["id"] for e in snapshot["board"]["elements"]] == [f"r{i}" for i in range(5)]
    assert snapshot["board"]["checksum"] == board_checksum(elements)
    assert snapshot["read_only"] is True
    _ivy, ivy_snapshot = await room(scheduled_round.interviewer, interview)
    assert ivy_snapshot["read_only"] is False


async def test_verify_answers_ack_when_equal_and_the_board_when_not(room, scheduled_round):
    interview = scheduled_round.interview
    cole, _ = await room(scheduled_round.candidate, interview)
    elements = [rect("r1"), rect("r2", index="a1")]
    await command(cole, "board.update", "f1", elements=elements)
    good = await command(cole, "board.verify", "f2", checksum=board_checksum(elements), count=2)
    assert good["type"] == "ack"
    await cole.send_json_to(
        {"type": "board.verify", "id": "f3", "checksum": "deadbeef", "count": 1}
    )
    reply = await cole.receive_json_from(timeout=10)
    while reply["type"] == "event":
        reply = await cole.receive_json_from(timeout=10)
    assert reply["type"] == "board.state" and reply["id"] == "f3"
    assert {e["id"] for e in reply["board"]["elements"]} == {"r1", "r2"}
    protocol.SERVER_MESSAGE.validate_python(reply)


async def test_observers_cannot_edit(room, scheduled_round):
    otto, _ = await room(scheduled_round.observer, scheduled_round.interview)
    refused = await command(otto, "board.update", "g1", elements=[rect("r1")])
    assert refused["code"] == "forbidden"
    assert not await BoardElement.objects.aexists()


async def test_nobody_edits_after_the_end(room, scheduled_round):
    interview = scheduled_round.interview
    await sync_to_async(interview_start)(interview=interview)
    await sync_to_async(interview_end)(interview=interview)
    for persona in (scheduled_round.interviewer, scheduled_round.candidate):
        ws, snapshot = await room(persona, interview)
        assert snapshot["read_only"] is True
        refused = await command(ws, "board.update", "h1", elements=[rect("r1")])
        assert refused["code"] == "round_ended"
    assert not await BoardElement.objects.aexists()


async def test_a_full_board_refuses_new_elements_without_a_partial_write(
    room, scheduled_round, monkeypatch
):
    from mockroom.whiteboard import room as board_room
    from mockroom.whiteboard import services

    # Both ways in: the runtime's fast path (room.py) and the ORM services (imports).
    monkeypatch.setattr(board_room, "MAX_BOARD_ELEMENTS", 3)
    monkeypatch.setattr(services, "MAX_BOARD_ELEMENTS", 3)
    cole, _ = await room(scheduled_round.candidate, scheduled_round.interview)
    await command(cole, "board.update", "i1", elements=[rect("r1"), rect("r2")])
    refused = await command(cole, "board.update", "i2", elements=[rect("r3"), rect("r4")])
    assert refused["code"] == "board_full"
    assert await BoardElement.objects.acount() == 2
    # Editing existing elements still works on a full board.
    ok = await command(cole, "board.update", "i3", elements=[rect("r1", version=2)])
    assert ok["type"] == "ack"


async def test_cursors_reach_the_others_but_never_the_sender_or_the_log(room, scheduled_round):
    interview = scheduled_round.interview
    cole, _ = await room(scheduled_round.candidate, interview)
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await drain(cole)
    await drain(ivy)
    await cole.send_json_to({"type": "cursor", "pointer": {"x": 5, "y": 6, "tool": "laser"}})
    frame = await ivy.receive_json_from(timeout=10)
    assert frame["type"] == "ephemeral" and frame["kind"] == "cursor"
    assert frame["sender"]["name"] == "Cole" and frame["payload"]["pointer"]["tool"] == "laser"
    # Ivy already has it, so it was fanned out; the barrier shows Cole got no echo.
    assert await drain(cole) == []
    from mockroom.live.models import RoomEvent

    assert not await RoomEvent.objects.filter(kind__contains="cursor").aexists()
