"""Hostile frames from every seat, over the real ASGI stack (issue 11).

Each run draws a new seed, prints it, and names it in every assertion; `HOSTILE_SEED=<n>`
replays a run. At least `HOSTILE_FRAMES` (10,000) frames built by tests/live/hostile.py go
out from the interviewer, two parallel sockets of the candidate and the observer, across
every client message type. They go in rounds: every attacker sends a batch and answers a
ping behind it, then every socket answers a barrier (a ping behind its input, a marker behind
its channel-layer queue): the attackers; bystanders that send nothing hostile (a second
interviewer tab, a second observer tab); and a socket in another round. After each round:

- every socket is still open: a close, or an exception escaping a consumer (the
  communicator raises it), fails at once;
- each attacker got one reply per frame that must be answered, in order, and an error for
  each frame built to be refused;
- everything anybody received is a well-formed server message; nobody received another
  person's private markers (live scores, notes; the prompt's notes, hints and solution), an
  event they may not see, an event that differs from the log, or anything from another room;
- the room's state (seq and stream heads, timer, board rows and checksum, live scores,
  notes, rubric visibility, prompt, status) is what the new events in the log say, each of
  those events was acknowledged to the user who sent it, and a round of only refused frames
  changed nothing.

At the end the log holds no warning and no traceback. The abuse test lowers the limits and
floods from one socket: that socket is closed with 4008, nobody else is, and nothing changes.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import random
import secrets
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from asgiref.sync import sync_to_async
from channels.exceptions import ChannelFull
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from pydantic import ValidationError

from mockroom.interviews.agenda import template_phases
from mockroom.interviews.models import Interview, Role
from mockroom.interviews.services import interview_create, interview_start
from mockroom.live import protocol
from mockroom.live.models import Presence, RoomEvent, RoomState
from mockroom.rubrics.models import LiveScore, Note
from mockroom.whiteboard.models import BoardElement
from mockroom.whiteboard.reconcile import checksum_of_versions
from mockroom.whiteboard.services import board_checksum_now
from tests.interviews.conftest import PRIVATE_MARKERS
from tests.live.conftest import drain
from tests.live.hostile import FIELDS, Frame, HostileFrames, Seat

pytestmark = pytest.mark.django_db(transaction=True)

SEED = int(os.environ.get("HOSTILE_SEED") or secrets.randbits(32))
FRAMES = int(os.environ.get("HOSTILE_FRAMES") or 10_000)
TAG = f"[HOSTILE_SEED={SEED}]"
PROMPT_MARKERS = tuple(marker.decode() for marker in PRIVATE_MARKERS)
IVY_MARKER = f"ivy-private-{SEED}"
OTTO_MARKER = f"otto-private-{SEED}"
BROADCAST_TYPES = {"event", "ephemeral"}
REPLIES_WHEN_VALID = {
    "ping": {"pong"},
    "resume": {"events", "snapshot", "error"},
    "board.verify": {"ack", "board.state", "error"},
}
KINDS_A_ROUND_MAY_LOG = {
    "board.updated",
    "timer.changed",
    "score.set",
    "note.added",
    "rubric.visibility",
    "prompt.revealed",
}


def unthrottled(settings) -> None:
    """The generator's frames must reach the checks behind the limits (those have tests of
    their own, and the abuse test below)."""
    settings.ROOM_RATE_PER_SECOND = settings.ROOM_BURST = 10**9
    settings.ROOM_BYTES_PER_SECOND = settings.ROOM_BYTES_BURST = 10**12
    settings.ROOM_ABUSE_STRIKES = 10**9


# --- Sockets -------------------------------------------------------------------------------

_tokens = itertools.count(1)


def next_token() -> float:
    return -1_000_000.5 - next(_tokens)  # the generator never sends such a t


async def next_output(ws: WebsocketCommunicator, patience: float = 60) -> dict[str, Any]:
    """The socket's next message, or at once the exception that ended its consumer (which
    Daphne would turn into a 1011 close)."""
    if not ws.output_queue.empty():
        return ws.output_queue.get_nowait()
    get = asyncio.ensure_future(ws.output_queue.get())
    done, _ = await asyncio.wait(
        {get, ws.future}, timeout=patience, return_when=asyncio.FIRST_COMPLETED
    )
    if get in done:
        return get.result()
    get.cancel()
    if ws.future.done():
        ws.future.result()  # raises what the consumer raised
        raise AssertionError(f"the consumer stopped without closing {TAG}")
    raise AssertionError(f"no answer within {patience} s {TAG}")


@dataclass
class Socket:
    name: str
    ws: WebsocketCommunicator
    user_id: int
    role: str
    channel: str  # the consumer's channel-layer name
    forbidden: tuple[str, ...]  # text this socket must never receive

    async def send(self, frame: Frame) -> None:
        await self.ws.send_input(frame.asgi())

    async def ping(self) -> float:
        token = next_token()
        text = orjson.dumps({"type": "ping", "t": token}).decode()
        await self.ws.send_input({"type": "websocket.receive", "text": text})
        return token

    async def until(self, token: float) -> list[dict[str, Any]]:
        """Everything received before the pong for `token`; a close fails the test."""
        frames = []
        while True:
            message = await next_output(self.ws)
            assert message["type"] == "websocket.send", f"{self.name} got {message} {TAG}"
            text = message["text"]
            for secret in self.forbidden:
                assert secret not in text, f"{self.name} received {secret!r}: {text[:300]} {TAG}"
            frame = orjson.loads(text)
            if frame.get("type") == "pong" and frame.get("t") == token:
                return frames
            frames.append(frame)

    async def barrier(self) -> list[dict[str, Any]]:
        """Everything this socket had coming when called: the replies to what it sent (a
        ping behind them on its input), and what was broadcast to it (a marker behind that
        in its channel-layer queue; a consumer takes one channel message per input message,
        so pings alone don't drain a queue that cursors of others keep full)."""
        frames = await self.until(await self.ping())
        token = next_token()
        marker = {"type": "room.event", "event": {"type": "pong", "t": token}}
        layer = get_channel_layer()
        deadline = time.monotonic() + 60
        while True:
            try:
                await layer.send(self.channel, marker)
                break
            except ChannelFull:  # best-effort relays filled the queue; it is draining
                assert time.monotonic() < deadline, f"{self.name}: queue stays full {TAG}"
                await asyncio.sleep(0.01)
        return frames + await self.until(token)


@sync_to_async
def newest_channel(interview_id: int, user_id: int) -> str:
    """The channel of the user's socket that connected last (sockets connect one by one)."""
    rows = Presence.objects.filter(interview_id=interview_id, user_id=user_id).order_by("-pk")
    return rows.values_list("channel_name", flat=True)[0]


async def connect(room, user, interview, name: str, role: str, forbidden=()) -> tuple:
    ws, snapshot = await room(user, interview)
    assert snapshot["type"] == "snapshot", f"{name}: {snapshot} {TAG}"
    channel = await newest_channel(interview.pk, user.pk)
    return Socket(name, ws, user.pk, role, channel, tuple(forbidden)), snapshot


# --- The room as stored --------------------------------------------------------------------


@dataclass(frozen=True)
class RoomView:
    seq: int
    heads: dict[str, int]
    timer: Any
    board: dict[str, int]
    checksum: str
    scores: dict[tuple[int, str], tuple[int | None, str]]
    notes: tuple[tuple[int, str], ...]
    rubric_hidden: bool
    prompt_revealed: bool
    status: str


@sync_to_async
def room_view(interview_id: int) -> RoomView:
    state = RoomState.objects.get(interview_id=interview_id)
    interview = Interview.objects.get(pk=interview_id)
    scores = LiveScore.objects.filter(interview_id=interview_id)
    notes = Note.objects.filter(interview_id=interview_id).values_list("author_id", "text")
    elements = BoardElement.objects.filter(interview_id=interview_id)
    return RoomView(
        seq=state.seq,
        heads={key: int(value) for key, value in state.stream_heads.items()},
        timer=state.timer,
        board=dict(elements.values_list("element_id", "version")),
        checksum=board_checksum_now(interview),
        scores={(s.scorer_id, s.criterion_key): (s.score, s.comment) for s in scores},
        notes=tuple(sorted(notes)),
        rubric_hidden=interview.rubric_hidden,
        prompt_revealed=interview.prompt_revealed_at is not None,
        status=interview.status,
    )


@sync_to_async
def events_after(interview_id: int, seq: int) -> list[dict[str, Any]]:
    rows = RoomEvent.objects.filter(interview_id=interview_id, seq__gt=seq).order_by("seq")
    return list(
        rows.values(
            "seq",
            "prev",
            "kind",
            "audience",
            "audience_user_id",
            "actor_id",
            "client_msg_id",
            "payload",
        )
    )


def stream_of(row: dict[str, Any]) -> str:
    return "all" if row["audience"] == "all" else f"user:{row['audience_user_id']}"


def expected_view(before: RoomView, rows: list[dict[str, Any]], context: str) -> RoomView:
    """The room after `before` plus the new events, as the events describe it."""
    heads, board, scores = dict(before.heads), dict(before.board), dict(before.scores)
    notes, timer = list(before.notes), before.timer
    hidden, revealed = before.rubric_hidden, before.prompt_revealed
    assert [row["seq"] for row in rows] == list(range(before.seq + 1, before.seq + 1 + len(rows)))
    for row in rows:
        kind, payload = row["kind"], row["payload"]
        assert kind in KINDS_A_ROUND_MAY_LOG, f"unexpected {kind} event {row} {context}"
        assert row["prev"] == heads.get(stream_of(row), 0), f"stream broken at {row} {context}"
        heads[stream_of(row)] = row["seq"]
        if kind == "board.updated":
            board.update((e["id"], e["version"]) for e in payload["elements"])
        elif kind == "timer.changed":
            timer = payload["timer"]
        elif kind == "score.set":
            scores[(row["actor_id"], payload["criterion"])] = (payload["score"], payload["comment"])
        elif kind == "note.added":
            notes.append((row["actor_id"], payload["text"]))
        elif kind == "rubric.visibility":
            hidden = payload["hidden"]
        elif kind == "prompt.revealed":
            revealed = True
    return replace(
        before,
        seq=before.seq + len(rows),
        heads=heads,
        timer=timer,
        board=board,
        checksum=checksum_of_versions(board.items()),
        scores=scores,
        notes=tuple(sorted(notes)),
        rubric_hidden=hidden,
        prompt_revealed=revealed,
    )


# --- Checks on what sockets receive --------------------------------------------------------


def check_well_formed(sock: Socket, frame: dict[str, Any], context: str) -> None:
    try:
        protocol.SERVER_MESSAGE.validate_python(frame)
        if frame["type"] == "ephemeral":
            # What others receive of a cursor is a cursor: no forged keys, no NaN as null.
            protocol.CLIENT_MESSAGE.validate_python({"type": frame["kind"], **frame["payload"]})
    except ValidationError as error:
        raise AssertionError(f"{sock.name} got a malformed {frame} ({error}) {context}") from None


def check_ephemeral(sock: Socket, frame: dict[str, Any], people: dict[int, tuple], ctx: str):
    sender = frame["sender"]
    name, role = people[sender["user_id"]]
    assert (sender["name"], sender["role"]) == (name, role), f"{sock.name}: {frame} {ctx}"


def pair_replies(
    sock: Socket, frames: list[Frame], got: list[dict[str, Any]], context: str
) -> list[tuple[Frame, dict[str, Any]]]:
    """Match each frame that must be answered with its reply, in order, and check both."""
    replies = [frame for frame in got if frame["type"] not in BROADCAST_TYPES]
    answered = [frame for frame in frames if frame.answered]
    pairs = list(zip(answered, replies, strict=False))
    for index, (frame, reply) in enumerate(pairs):
        if frame.refused:
            ok = reply["type"] == "error" and reply["code"] in protocol.ERROR_CODES
            ok = ok and reply["code"] != "rate_limited"
        else:
            ok = reply["type"] in REPLIES_WHEN_VALID.get(frame.target, {"ack", "error"})
        assert ok, (
            f"{sock.name}: frame {index} {frame.describe()} got {str(reply)[:300]} "
            f"(previous: {[f.describe()[:80] for f, _ in pairs[max(0, index - 3) : index]]}) "
            f"{context}"
        )
    assert len(replies) == len(answered), (
        f"{sock.name}: {len(answered)} frames to answer, {len(replies)} replies; last frames "
        f"{[f.describe()[:100] for f in answered[-3:]]}, last replies "
        f"{[str(r)[:100] for r in replies[-3:]]} {context}"
    )
    return pairs


# --- The cast ------------------------------------------------------------------------------


@dataclass
class Cast:
    interview: Interview
    other: Interview
    attackers: list[tuple[Socket, HostileFrames]]
    bystanders: list[Socket]
    stranger: Socket  # in the other round
    people: dict[int, tuple[str, str]]

    @property
    def sockets(self) -> list[Socket]:
        return [sock for sock, _ in self.attackers] + self.bystanders + [self.stranger]


def forbidden_for(role: str) -> tuple[str, ...]:
    if role == "candidate":
        return (IVY_MARKER, OTTO_MARKER, *PROMPT_MARKERS)
    if role == "interviewer":
        return (OTTO_MARKER,)
    return (IVY_MARKER,)


async def make_cast(room, scheduled_round) -> Cast:
    interview = scheduled_round.interview
    await sync_to_async(interview_start)(interview=interview)
    charlie = scheduled_round.outsider
    other, _ = await sync_to_async(interview_create)(
        creator=charlie,
        title="Another round",
        kind="system_design",
        creator_role=Role.INTERVIEWER,
        agenda=template_phases("system_design"),
        scheduled_at=datetime(2030, 5, 2, 16, 0, tzinfo=UTC),
        time_zone="Europe/London",
        prompt_text="Another prompt.",
    )
    await sync_to_async(interview_start)(interview=other)
    stranger, _ = await connect(room, charlie, other, "charlie", "interviewer")
    other_ids = [f"other-el-{k}" for k in range(3)]
    drawn = [{"id": i, "type": "rectangle", "version": 5, "versionNonce": 1} for i in other_ids]
    await stranger.ws.send_json_to({"type": "board.update", "id": "o-1", "elements": drawn})
    replies = [f["type"] for f in await stranger.barrier() if f["type"] not in BROADCAST_TYPES]
    assert replies == ["ack"], TAG

    by_role = {
        "interviewer": scheduled_round.interviewer,
        "candidate": scheduled_round.candidate,
        "observer": scheduled_round.observer,
    }
    people = {user.pk: (user.name, role) for role, user in by_role.items()}
    names = {"ivy": "interviewer", "cole-a": "candidate", "cole-b": "candidate", "otto": "observer"}
    pool = tuple(f"{who}-el-{k}" for who in ("ivy", "cole") for k in range(12)) + tuple(other_ids)
    markers = {"interviewer": IVY_MARKER, "observer": OTTO_MARKER}

    def socket_names_of_others(role: str) -> tuple[str, ...]:
        return tuple(name for name, r in names.items() if r != role)

    attackers = []
    snapshot = None
    for name, role in names.items():
        user = by_role[role]
        sock, snapshot = await connect(room, user, interview, name, role, forbidden_for(role))
        criteria = {
            c["key"]: tuple(level["score"] for level in c["levels"])
            for c in (snapshot["rubric"] or {"criteria": []})["criteria"]
        }
        seat = Seat(
            name=name,
            role=role,
            user_id=user.pk,
            people=people,
            criteria=criteria,
            other_round=other.public_id,
            element_pool=pool,
            marker=markers.get(role, ""),
            forge_ids_of=() if name == "cole-b" else socket_names_of_others(role),
        )
        attackers.append((sock, HostileFrames(SEED, seat)))
    assert snapshot is not None and snapshot["rubric"]["criteria"], f"no rubric to score {TAG}"
    bystanders = []
    for name, role in (("ivy-tab", "interviewer"), ("otto-tab", "observer")):
        sock, _ = await connect(room, by_role[role], interview, name, role, forbidden_for(role))
        bystanders.append(sock)
    cast = Cast(interview, other, attackers, bystanders, stranger, people)
    for sock in cast.sockets:
        await sock.barrier()  # presence events of the arrivals, before the first round
    return cast


# --- The generator test --------------------------------------------------------------------


def test_the_generator_knows_every_client_message_and_field():
    """A new message type or field must get hostile frames too."""
    models = {}
    for model in protocol.CLIENT_MODELS:
        for kind in model.model_fields["type"].annotation.__args__:
            models[kind] = model
    assert set(FIELDS) == set(protocol.ALLOWED_ROLES) == set(models)
    for kind, model in models.items():
        assert set(FIELDS[kind]) == set(model.model_fields) - {"type"}, kind


async def test_hostile_frames_from_every_seat_harm_nobody_else(
    room, scheduled_round, settings, caplog
):
    print(f"HOSTILE_SEED={SEED} HOSTILE_FRAMES={FRAMES}")
    unthrottled(settings)
    caplog.set_level(logging.INFO)
    started = time.monotonic()
    cast = await make_cast(room, scheduled_round)
    interview_id = cast.interview.pk
    other_before = await room_view(cast.other.pk)
    rng = random.Random(f"{SEED}:rounds")
    visible: dict[int, tuple[str, int | None]] = {}  # seq -> (audience, audience user)
    for row in await events_after(interview_id, 0):
        visible[row["seq"]] = (row["audience"], row["audience_user_id"])
    applied: dict[tuple[int, str], int] = {}  # (sender, message id) -> seq
    sent = 0
    coverage: Counter[tuple[str, str]] = Counter()
    families: Counter[tuple[str, str]] = Counter()
    codes: Counter[str] = Counter()
    round_no = 0
    while sent < FRAMES:
        round_no += 1
        refused_only = rng.random() < 0.35
        context = f"(round {round_no}, refused_only={refused_only}) {TAG}"
        before = await room_view(interview_id)
        batches = []
        for sock, generator in cast.attackers:
            frames = generator.batch(rng.randint(5, 50), refused_only=refused_only)
            batches.append((sock, frames))
            for frame in frames:
                await sock.send(frame)
                coverage[(sock.role, frame.target)] += 1
                families[(sock.role, frame.family)] += 1
            sent += len(frames)
        # Replies first (each attacker's in order), then whatever was broadcast meanwhile.
        tokens = [await sock.ping() for sock, _ in batches]
        got = {
            sock.name: await sock.until(token)
            for (sock, _), token in zip(batches, tokens, strict=True)
        }
        for sock in cast.sockets:
            late = await sock.barrier()
            unsolicited = [f for f in late if f["type"] not in BROADCAST_TYPES]
            assert not unsolicited, f"{sock.name} got {unsolicited[:3]} unasked {context}"
            got[sock.name] = got.get(sock.name, []) + late
        assert got["charlie"] == [], f"another round's socket got {got['charlie'][:3]} {context}"

        rows = await events_after(interview_id, before.seq)
        after = await room_view(interview_id)
        logged = {row["seq"]: row for row in rows}
        for row in rows:
            visible[row["seq"]] = (row["audience"], row["audience_user_id"])

        # What everyone received: well formed, theirs to see, as logged.
        for sock in cast.sockets:
            for frame in got[sock.name]:
                check_well_formed(sock, frame, context)
                events = [frame] if frame["type"] == "event" else frame.get("events", [])
                for event in events:
                    audience, author = visible[event["seq"]]
                    mine = audience == "all" or author == sock.user_id
                    assert mine, f"{sock.name} received {event} {context}"
                    if frame["type"] == "event":
                        assert event["seq"] in logged, (
                            f"{sock.name} got an event of an earlier round: {event} "
                            f"(this round: {before.seq + 1}..{after.seq}) {context}"
                        )
                        row = logged[event["seq"]]
                        assert event["payload"] == row["payload"], f"{event} {context}"
                        assert event["actor"]["user_id"] == row["actor_id"], f"{event} {context}"
                if frame["type"] == "ephemeral":
                    check_ephemeral(sock, frame, cast.people, context)
                if frame["type"] == "snapshot" and sock.role == "candidate":
                    assert frame["prompt"].get("solution") is None, context
                    if frame["rubric_hidden"]:
                        assert frame["rubric"] is None, f"hidden rubric shown {context}"

        # Each attacker: a reply per frame; acks agree with the log.
        acked: dict[tuple[int, str], int] = {}
        new_by_sender = {(row["actor_id"], row["client_msg_id"]): row for row in rows}
        for sock, frames in batches:
            for frame, reply in pair_replies(sock, frames, got[sock.name], context):
                codes[reply.get("code", reply["type"])] += 1
                if reply["type"] != "ack" or frame.target == "board.verify":
                    continue
                key = (sock.user_id, reply["id"])
                assert reply["id"] == frame.message_id, f"{frame.describe()} {reply} {context}"
                if reply["duplicate"]:  # applied before, maybe earlier in this round
                    first = applied.get(key) or new_by_sender.get(key, {}).get("seq")
                    assert first == reply["seq"], f"{key} {reply} {context}"
                elif key in new_by_sender:
                    assert new_by_sender[key]["seq"] == reply["seq"], f"{key} {reply} {context}"
                    acked[key] = reply["seq"]
                else:  # a board update with nothing newer than the server's board
                    assert frame.target == "board.update", f"{frame.describe()} {reply} {context}"
                    assert key not in applied and reply["seq"] <= after.seq, f"{reply} {context}"
        for key, row in new_by_sender.items():
            assert acked.get(key) == row["seq"], f"event {row} was never acked {context}"
            applied[key] = row["seq"]
        assert len(new_by_sender) == len(rows), f"events without a sender's id {rows} {context}"

        # The state is what the new events say; only refused frames: nothing at all.
        if refused_only:
            assert rows == [], f"refused frames appended {rows[:3]} {context}"
            assert after == before, f"refused frames changed the room {context}"
        assert after == expected_view(before, rows, context), f"state vs log {context}"

    # A poisoned log would break resumes and late joiners: both still work for everyone.
    for sock, _ in cast.attackers:
        await sock.ws.send_json_to({"type": "resume", "id": "final-resume", "last_seq": 0})
        answers = [f for f in await sock.barrier() if f.get("id") == "final-resume"]
        assert [a["type"] in ("events", "snapshot") for a in answers] == [True], f"{answers} {TAG}"
        check_well_formed(sock, answers[0], TAG)
    final = await room_view(interview_id)
    for user in (scheduled_round.interviewer, scheduled_round.candidate, scheduled_round.observer):
        ws, snapshot = await room(user, cast.interview)
        assert snapshot["type"] == "snapshot", f"{snapshot} {TAG}"
        assert snapshot["board"]["checksum"] == final.checksum, TAG
        await ws.disconnect()
    assert await room_view(cast.other.pk) == other_before, f"the other round changed {TAG}"
    for sock in cast.sockets:
        await sock.ws.disconnect()  # raises whatever a consumer raised

    trouble = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert not trouble, f"{[(r.name, r.getMessage()) for r in trouble[:5]]} {TAG}"
    if FRAMES >= 10_000:  # fewer frames (a quick local run) may miss a rare pair
        for role in ("interviewer", "candidate", "observer"):
            for kind in protocol.ALLOWED_ROLES:
                assert coverage[(role, kind)] > 0, f"{role} never sent {kind} {TAG}"
            for family in HostileFrames.REFUSED | HostileFrames.ACCEPTABLE:
                if family == "out_of_role" and role == "interviewer":
                    continue  # the interviewer may send every type
                assert families[(role, family)] > 0, f"{role} never sent {family} {TAG}"
    elapsed = time.monotonic() - started
    print(
        f"{sent} frames in {round_no} rounds, {elapsed:.1f} s; {len(applied)} commands applied; "
        f"replies: {dict(codes.most_common())}"
    )
    assert sent >= FRAMES, TAG


# --- Abuse ---------------------------------------------------------------------------------

STRIKES = 5


@pytest.mark.parametrize("flood", ["refused", "oversized"])
@pytest.mark.parametrize("abuser_role", ["interviewer", "candidate", "observer"])
async def test_abuse_closes_only_the_abusers_socket_with_4008(
    room, scheduled_round, settings, caplog, abuser_role, flood
):
    print(f"HOSTILE_SEED={SEED}")
    settings.ROOM_ABUSE_STRIKES = STRIKES
    settings.ROOM_RATE_PER_SECOND = 0.001  # no refill to speak of
    settings.ROOM_BURST = 20
    caplog.set_level(logging.INFO)
    interview = scheduled_round.interview
    await sync_to_async(interview_start)(interview=interview)
    users = {
        "interviewer": scheduled_round.interviewer,
        "candidate": scheduled_round.candidate,
        "observer": scheduled_round.observer,
    }
    abuser_user = users[abuser_role]
    abuser, _ = await room(abuser_user, interview)
    sibling, _ = await room(abuser_user, interview)  # the same user's other tab
    others = [(await room(u, interview))[0] for role, u in users.items() if role != abuser_role]
    for ws in others:
        await drain(ws)
    before = await room_view(interview.pk)

    people = {user.pk: (user.name, role) for role, user in users.items()}
    seat = Seat(
        name="abuser",
        role=abuser_role,
        user_id=abuser_user.pk,
        people=people,
        criteria={},
        other_round="0" * 32,
        element_pool=("e1", "e2"),
    )
    generator = HostileFrames(SEED, seat)
    only = {"oversized": 1} if flood == "oversized" else None
    frames = [generator.frame(refused_only=True, families=only) for _ in range(120)]
    for frame in frames:
        await abuser.send_input(frame.asgi())

    struck = 0
    while True:
        message = await abuser.receive_output(timeout=30)
        if message["type"] == "websocket.close":
            assert message["code"] == 4008, f"{message} {TAG}"
            break
        reply = orjson.loads(message["text"])
        if reply["type"] in BROADCAST_TYPES:  # others arriving, before the flood
            continue
        assert reply["type"] == "error", f"{reply} {TAG}"
        struck += reply["code"] in ("rate_limited", "too_large")
    assert struck == STRIKES - 1, f"closed after {struck + 1} strikes, not {STRIKES} {TAG}"

    # Everyone else is open and served; the abuser's other tab too (sharing the abuser's
    # message budget, it may be told to slow down, but it is not closed).
    for ws in others:
        assert await drain(ws) == [], TAG
    await sibling.send_json_to({"type": "ping", "t": 1})
    reply = {"type": "event"}
    while reply["type"] in BROADCAST_TYPES:  # presence of the others, from the start
        answer = await sibling.receive_output(timeout=30)
        assert answer["type"] == "websocket.send", f"{answer} {TAG}"
        reply = orjson.loads(answer["text"])
    assert reply["type"] == "pong" or reply.get("code") == "rate_limited", f"{reply} {TAG}"
    if flood == "oversized":  # oversized frames cost strikes, not the user's budget
        assert reply["type"] == "pong", f"{reply} {TAG}"
    assert await room_view(interview.pk) == before, f"the flood changed the room {TAG}"
    for ws in [abuser, sibling, *others]:
        await ws.disconnect()
    trouble = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert not trouble, f"{[(r.name, r.getMessage()) for r in trouble[:5]]} {TAG}"
