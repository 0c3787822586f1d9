"""The room over the real ASGI stack: authorization, ordering, resume, dedupe, audiences."""

import pytest
from asgiref.sync import sync_to_async

from mockroom.interviews.services import interview_start
from mockroom.live import selectors
from mockroom.live.models import RoomEvent, RoomState
from mockroom.live.protocol import ALLOWED_ROLES, EPHEMERAL_TYPES
from mockroom.live.services import room_command
from tests.live.conftest import PERSONAS, command, drain

pytestmark = pytest.mark.django_db(transaction=True)

ARGS = {
    "timer.add_time": {"minutes": 2},
    "resume": {"last_seq": 0},
    "ping": {"t": 1.0},
    "board.update": {
        "elements": [{"id": "el-1", "type": "rectangle", "version": 1, "versionNonce": 7}]
    },
    "board.verify": {"checksum": "00000000", "count": 0},
    "cursor": {"pointer": {"x": 1, "y": 2}},
    "viewport": {"scrollX": 0, "scrollY": 0, "zoom": 1, "width": 800, "height": 600},
    "score.set": {"criterion": "requirements_and_scoping", "score": 3, "comment": "ok"},
    "note.add": {"text": "asked good questions"},
    "rubric.visibility": {"hidden": True},
    "prompt.reveal": {},
}
NO_ID = {"ping", "cursor", "viewport"}


async def seq_of(interview) -> int:
    state = await RoomState.objects.filter(interview=interview).afirst()
    return state.seq if state else 0


# The commands that put a room in the state where each message is valid, sent by the
# interviewer through the service before the message under test.
PREPARE: dict[str, list[tuple[str, dict]]] = {
    "round.start": [],
    "timer.pause": [("timer.start", {})],
    "timer.resume": [("timer.start", {}), ("timer.pause", {})],
    "timer.previous": [("timer.start", {}), ("timer.next", {})],
}
LIVE_ROUND = ("round.start", {})
# What a valid read is answered with; every other allowed message gets an ack.
READ_REPLIES = {"ping": "pong", "resume": "events", "board.verify": "board.state"}


def _prepare(interview, interviewer, message_type: str) -> None:
    steps = PREPARE.get(message_type, [])
    if message_type != "round.start":
        steps = [LIVE_ROUND, *steps]
    for number, (kind, args) in enumerate(steps):
        room_command(
            interview_id=interview.pk,
            user_id=interviewer.pk,
            command=kind,
            client_msg_id=f"prep-{number}",
            args=args,
        )


@pytest.mark.parametrize("message_type", list(ALLOWED_ROLES))
@pytest.mark.parametrize("persona", PERSONAS)
async def test_authorization_matrix(room, scheduled_round, persona, message_type):
    """In the state where the message is valid, an allowed role gets its ack (or the reply
    of a read) and a refused role gets `forbidden` with nothing changed."""
    interview = scheduled_round.interview
    await sync_to_async(_prepare)(interview, scheduled_round.interviewer, message_type)
    user = scheduled_round.persona(persona)
    ws, snapshot = await room(user, interview)
    if persona == "outsider":
        assert snapshot == 4003  # refused at connect
        return
    allowed = persona in ALLOWED_ROLES[message_type]
    frame = {"type": message_type, **ARGS.get(message_type, {})}
    if message_type not in NO_ID:
        frame["id"] = "m-1"
    if message_type in EPHEMERAL_TYPES:
        # Relayed to the others best-effort; never echoed, never logged.
        other = "observer" if persona == "candidate" else "candidate"
        peer, _ = await room(scheduled_round.persona(other), interview)
        await drain(ws)
        before = await seq_of(interview)
        await ws.send_json_to(frame)
        relayed = await peer.receive_json_from(timeout=10)
        while relayed.get("type") != "ephemeral":
            relayed = await peer.receive_json_from(timeout=10)
        assert relayed["kind"] == message_type and relayed["sender"]["role"] == persona
        assert await drain(ws) == []  # the relay has fanned out: no echo came back
        assert await seq_of(interview) == before
        await peer.disconnect()
        await ws.disconnect()
        return
    await drain(ws)
    before = await seq_of(interview)
    await ws.send_json_to(frame)
    reply = await ws.receive_json_from(timeout=10)
    while reply.get("type") == "event":
        reply = await ws.receive_json_from(timeout=10)
    if not allowed:
        assert reply == {
            "type": "error",
            "id": "m-1",
            "code": "forbidden",
            "message": "Your role may not send this message.",
        }
        assert await seq_of(interview) == before
    elif message_type in READ_REPLIES:
        assert reply["type"] == READ_REPLIES[message_type], reply
        assert await seq_of(interview) == before
    else:
        assert reply["type"] == "ack", reply
        assert reply["id"] == "m-1" and reply["duplicate"] is False
        assert reply["seq"] == await seq_of(interview) > before
    await ws.disconnect()


async def test_events_arrive_in_seq_order_with_a_prev_chain(room, scheduled_round):
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    cole, snapshot = await room(scheduled_round.candidate, interview)
    await drain(ivy)
    await drain(cole)
    acks = []
    for i, (kind, extra) in enumerate(
        [
            ("round.start", {}),
            ("timer.start", {}),
            ("timer.add_time", {"minutes": 1}),
            ("timer.next", {}),
            ("timer.pause", {}),
        ]
    ):
        acks.append(await command(ivy, kind, f"c{i}", **extra))
    assert [a["type"] for a in acks] == ["ack"] * 5
    seqs = [a["seq"] for a in acks]
    assert seqs == list(range(seqs[0], seqs[0] + 5))
    events = [f for f in await drain(cole) if f["type"] == "event"]
    assert [e["seq"] for e in events] == seqs
    prev = snapshot["streams"]["all"]
    for event in events:
        assert event["prev"] == prev and event["stream"] == "all"
        prev = event["seq"]
    assert events[-1]["payload"]["timer"]["phase_index"] == 1
    assert events[-1]["payload"]["timer"]["running"] is False
    await ivy.disconnect()
    await cole.disconnect()


async def test_an_author_event_reaches_only_its_author_and_leaves_no_gap_for_others(
    room, scheduled_round
):
    """A live score sits between two timer events in the log. The candidate never sees it,
    live or by resume, and their `all` stream still chains without a gap."""
    interview = scheduled_round.interview
    await sync_to_async(interview_start)(interview=interview)
    ivy, _ = await room(scheduled_round.interviewer, interview)
    cole, _snapshot = await room(scheduled_round.candidate, interview)
    await drain(cole)
    await drain(ivy)
    await command(ivy, "timer.start", "a1")
    scored = await command(
        ivy, "score.set", "a2", criterion="requirements_and_scoping", score=2, comment="AUTHOR-ONLY"
    )
    await command(ivy, "timer.pause", "a3")
    events = [f for f in await drain(cole) if f["type"] == "event"]
    assert [e["kind"] for e in events] == ["timer.changed", "timer.changed"]
    assert events[1]["seq"] - events[0]["seq"] == 2  # the score sits between them
    assert events[1]["prev"] == events[0]["seq"]  # ...yet the candidate's stream has no gap
    # Nor in a resume.
    await cole.send_json_to({"type": "resume", "id": "r1", "last_seq": 0})
    reply = await cole.receive_json_from(timeout=10)
    assert reply["type"] == "events"
    assert scored["seq"] not in {e["seq"] for e in reply["events"]}
    assert "AUTHOR-ONLY" not in str(reply)
    await ivy.disconnect()
    await cole.disconnect()


async def test_resume_returns_what_was_missed(room, scheduled_round):
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    cole, snapshot = await room(scheduled_round.candidate, interview)
    last_seen = snapshot["seq"]
    await cole.disconnect()
    await command(ivy, "round.start", "b1")
    await command(ivy, "timer.start", "b2")
    cole, _ = await room(scheduled_round.candidate, interview)
    await drain(cole)
    await cole.send_json_to({"type": "resume", "id": "r2", "last_seq": last_seen})
    reply = await cole.receive_json_from(timeout=10)
    assert reply["type"] == "events" and reply["id"] == "r2"
    kinds = [e["kind"] for e in reply["events"]]
    assert kinds[:1] == ["presence.left"] and "round.started" in kinds and "timer.changed" in kinds
    assert [e["seq"] for e in reply["events"]] == sorted(e["seq"] for e in reply["events"])
    assert reply["seq"] == reply["events"][-1]["seq"]
    await ivy.disconnect()
    await cole.disconnect()


async def test_resume_too_far_behind_gets_a_fresh_snapshot(room, scheduled_round, monkeypatch):
    monkeypatch.setattr(selectors, "RESUME_LIMIT", 2)
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    for i, kind in enumerate(["round.start", "timer.start", "timer.pause", "timer.resume"]):
        await command(ivy, kind, f"d{i}")
    await drain(ivy)
    await ivy.send_json_to({"type": "resume", "id": "r3", "last_seq": 0})
    reply = await ivy.receive_json_from(timeout=10)
    assert reply["type"] == "snapshot"
    assert reply["timer"]["running"] is True
    # A client "from the future" (say, after a restore) also gets a snapshot.
    await ivy.send_json_to({"type": "resume", "id": "r4", "last_seq": 10_000})
    assert (await ivy.receive_json_from(timeout=10))["type"] == "snapshot"
    await ivy.disconnect()


async def test_a_resent_message_id_is_applied_once(room, scheduled_round):
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await command(ivy, "round.start", "e0")
    first = await command(ivy, "timer.add_time", "e1", minutes=5)
    again = await command(ivy, "timer.add_time", "e1", minutes=5)
    assert first["type"] == again["type"] == "ack"
    assert again["seq"] == first["seq"] and again["duplicate"] is True
    state = await RoomState.objects.aget(interview=interview)
    assert state.timer["added_ms"][0] == 5 * 60_000
    assert await RoomEvent.objects.filter(interview=interview, client_msg_id="e1").acount() == 1
    await ivy.disconnect()


async def test_the_room_is_read_only_after_the_end(room, scheduled_round):
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await command(ivy, "round.start", "f0")
    await command(ivy, "timer.start", "f1")
    ended = await command(ivy, "round.end", "f2")
    assert ended["type"] == "ack"
    before = await seq_of(interview)
    refused = await command(ivy, "timer.resume", "f3")
    assert refused["code"] == "round_ended"
    assert await seq_of(interview) == before
    state = await RoomState.objects.aget(interview=interview)
    assert state.timer["running"] is False  # ending banks the running time
    await ivy.disconnect()


async def test_conflicting_timer_command_changes_nothing(room, scheduled_round):
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    not_live = await command(ivy, "timer.start", "g0")
    assert not_live["code"] == "round_not_live"
    await command(ivy, "round.start", "g1")
    before = await seq_of(interview)
    refused = await command(ivy, "timer.pause", "g2")
    assert refused["code"] == "conflict" and "not running" in refused["message"]
    assert await seq_of(interview) == before
    await ivy.disconnect()


async def test_role_is_rechecked_on_every_message(room, scheduled_round):
    """A participant removed mid-session can no longer act, even on an open socket."""
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await command(ivy, "round.start", "h0")
    await interview.participants.filter(user=scheduled_round.interviewer).adelete()
    refused = await command(ivy, "timer.start", "h1")
    assert refused["code"] == "forbidden"
    await ivy.disconnect()
