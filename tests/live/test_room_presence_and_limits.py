"""Presence across tabs and dead processes; frame limits, rate limits and logout."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from mockroom.core.clock import now
from mockroom.live.models import Presence, RoomEvent
from mockroom.live.protocol import MAX_FRAME_BYTES
from mockroom.live.services import presence_sweep
from tests.live.conftest import command, drain

pytestmark = pytest.mark.django_db(transaction=True)


async def test_presence_counts_tabs_and_announces_each_change(room, scheduled_round):
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await drain(ivy)
    tab1, _ = await room(scheduled_round.candidate, interview)
    tab2, snapshot = await room(scheduled_round.candidate, interview)
    cole = next(p for p in snapshot["presence"] if p["role"] == "candidate")
    assert cole["connections"] == 2 and cole["name"] == "Cole"
    joined = [f["payload"] for f in await drain(ivy) if f.get("kind") == "presence.joined"]
    assert [(p["role"], p["connections"]) for p in joined] == [("candidate", 1), ("candidate", 2)]
    await tab1.disconnect()
    left = [f["payload"] for f in await drain(ivy) if f.get("kind") == "presence.left"]
    assert [p["connections"] for p in left] == [1]  # still there in the other tab
    await tab2.disconnect()
    left = [f["payload"] for f in await drain(ivy) if f.get("kind") == "presence.left"]
    assert [(p["user_id"], p["connections"]) for p in left] == [(scheduled_round.candidate.pk, 0)]
    await ivy.disconnect()


async def test_a_tab_that_reconnects_counts_once_until_it_really_leaves(room, scheduled_round):
    """The client sends one `?tab=` id per page load, the same on every reconnect: while a
    reconnected tab's old socket is still registered, the person has one tab open, not two."""
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await drain(ivy)
    old, _ = await room(scheduled_round.candidate, interview, tab="page-1")
    new, snapshot = await room(scheduled_round.candidate, interview, tab="page-1")
    other, snapshot = await room(scheduled_round.candidate, interview, tab="page-2")
    odd, snapshot = await room(scheduled_round.candidate, interview, tab="no spaces!")
    cole = next(p for p in snapshot["presence"] if p["role"] == "candidate")
    assert cole["connections"] == 3  # page-1 (twice), page-2, and a malformed id: its own
    joined = [f["payload"] for f in await drain(ivy) if f.get("kind") == "presence.joined"]
    assert [p["connections"] for p in joined] == [1, 1, 2, 3]
    await old.disconnect()  # the dead socket of page-1 goes; page-1 is still open
    left = [
        f["payload"]["connections"] for f in await drain(ivy) if f.get("kind") == "presence.left"
    ]
    assert left == [3]
    for ws in (new, other, odd):
        await ws.disconnect()
    left = [
        f["payload"]["connections"] for f in await drain(ivy) if f.get("kind") == "presence.left"
    ]
    assert left == [2, 1, 0]
    await ivy.disconnect()


async def test_connections_of_a_dead_process_are_swept_after_the_ttl(room, scheduled_round):
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await drain(ivy)
    # A process that died without saying goodbye leaves a row nobody refreshes.
    await Presence.objects.acreate(
        interview=interview,
        user=scheduled_round.candidate,
        role="candidate",
        channel_name="specific.dead-process!abc",
        last_seen=now() - timedelta(seconds=31),
    )
    swept = await sync_to_async(presence_sweep)()
    assert swept == 1
    left = [f for f in await drain(ivy) if f.get("kind") == "presence.left"]
    assert [e["payload"]["name"] for e in left] == ["Cole"]
    # The live connection survives the sweep.
    assert await Presence.objects.filter(user=scheduled_round.interviewer).aexists()
    await ivy.disconnect()


async def test_oversized_frame_gets_an_error_and_changes_nothing(room, scheduled_round):
    ivy, _ = await room(scheduled_round.interviewer, scheduled_round.interview)
    await drain(ivy)
    before = await RoomEvent.objects.acount()
    await ivy.send_to(
        text_data='{"type": "round.start", "id": "x", "pad": "' + "a" * MAX_FRAME_BYTES + '"}'
    )
    reply = await ivy.receive_json_from(timeout=10)
    assert reply["code"] == "too_large"
    assert await RoomEvent.objects.acount() == before
    await ivy.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "bad_json"),
        ("[1, 2]", "bad_json"),
        ('{"type": "launch.missiles", "id": "a"}', "unknown_type"),
        ('{"type": "timer.add_time", "id": "a", "minutes": "lots"}', "invalid"),
        ('{"type": "timer.add_time", "id": "a", "minutes": 2, "extra": 1}', "invalid"),
        ('{"type": "timer.pause"}', "invalid"),
        ('{"type": "resume", "id": "a", "last_seq": -1}', "invalid"),
        ('{"type": "timer.pause", "id": "has spaces"}', "invalid"),
    ],
)
async def test_bad_frames_get_an_error_code(room, scheduled_round, frame, code):
    ivy, _ = await room(scheduled_round.interviewer, scheduled_round.interview)
    await drain(ivy)
    await ivy.send_to(text_data=frame)
    reply = await ivy.receive_json_from(timeout=10)
    assert reply["type"] == "error" and reply["code"] == code, reply
    await ivy.disconnect()


async def test_flooding_is_rate_limited_then_closed_with_4008(room, scheduled_round, settings):
    settings.ROOM_RATE_PER_SECOND = 0.001  # effectively no refill during the test
    settings.ROOM_BURST = 5
    settings.ROOM_ABUSE_STRIKES = 10
    cole, _ = await room(scheduled_round.candidate, scheduled_round.interview)
    replies = []
    for i in range(40):
        await cole.send_json_to({"type": "ping", "t": i})
    while True:
        output = await cole.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            assert output["code"] == 4008
            break
        replies.append(output["text"])
    assert sum('"pong"' in r for r in replies) == 5
    assert sum("rate_limited" in r for r in replies) == 9


async def test_logging_out_closes_the_users_sockets(room, scheduled_round, session_cookie):
    cookie = await session_cookie(scheduled_round.candidate)
    cole, _ = await room(scheduled_round.candidate, scheduled_round.interview)
    ivy, _ = await room(scheduled_round.interviewer, scheduled_round.interview)
    await drain(cole)
    client = Client()
    name, value = cookie.split("=", 1)
    client.cookies[name] = value
    response = await sync_to_async(client.post)("/accounts/logout/")
    assert response.status_code == 302
    closed = await cole.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4001}
    # Other people's sockets stay open.
    pong = await command(ivy, "round.start", "z1")
    assert pong["type"] == "ack"
    await ivy.disconnect()
