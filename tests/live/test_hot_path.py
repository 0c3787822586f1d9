"""What the room's hot path must not do per message."""

import pytest

from tests.live.conftest import drain

pytestmark = pytest.mark.django_db(transaction=True)


async def test_frames_do_not_hop_to_the_database_thread_to_close_connections(
    room, scheduled_round, monkeypatch
):
    """Channels' default dispatch closes stale connections in the database thread before
    every handler; the room's consumer does not (its database calls clean up themselves)."""
    import channels.consumer

    calls = []

    async def counted():
        calls.append(1)

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted)
    cole, _ = await room(scheduled_round.candidate, scheduled_round.interview)
    ivy, _ = await room(scheduled_round.interviewer, scheduled_round.interview)
    for n in range(20):
        await cole.send_json_to({"type": "cursor", "pointer": {"x": n, "y": n}})
    await drain(cole)
    frames = await drain(ivy)
    assert len([f for f in frames if f.get("type") == "ephemeral"]) == 20
    assert calls == []
