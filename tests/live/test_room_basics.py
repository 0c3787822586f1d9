import pytest

from tests.live.conftest import command, drain

pytestmark = pytest.mark.django_db(transaction=True)


async def test_interviewer_connects_and_gets_a_snapshot(room, scheduled_round):
    ws, snapshot = await room(scheduled_round.interviewer, scheduled_round.interview)
    assert snapshot["type"] == "snapshot"
    assert snapshot["me"]["role"] == "interviewer"
    assert snapshot["interview"]["status"] == "scheduled"
    assert next(p["name"] for p in snapshot["agenda"]) == "Clarify"
    ack = await command(ws, "round.start", "m1")
    assert ack["type"] == "ack"
    ack = await command(ws, "timer.start", "m2")
    assert ack["type"] == "ack", ack
    frames = await drain(ws)
    assert any(f.get("kind") == "timer.changed" for f in frames)
    await ws.disconnect()
