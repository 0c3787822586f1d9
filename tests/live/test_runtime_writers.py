"""Two room runtimes (as two worker processes would have) race on one room through their
writers' group commits, on SQLite and on PostgreSQL (`make pytest-postgres`).

Each runtime holds the room's state in memory and commits batches fenced by the seq they
extend; the loser of each race reloads the room and applies its command again, one by one.
Whatever the interleaving: seq runs 1..N with no gap, every ack names the logged event, each
stream's prev chain is whole, and a resend through the other runtime is applied once.
"""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async

from mockroom.interviews.services import interview_start
from mockroom.live import commands, protocol
from mockroom.live.models import RoomEvent, RoomState
from mockroom.live.runtime import Actor, Job, Runtime
from mockroom.whiteboard.models import BoardElement

pytestmark = pytest.mark.django_db(transaction=True)

PER_RUNTIME = 120


def board_update(actor: Actor, interview, message_id: str, element_id: str, version: int) -> Job:
    element = {"id": element_id, "type": "rectangle", "version": version, "versionNonce": 7}
    message = protocol.CLIENT_MESSAGE.validate_python(
        {"type": "board.update", "id": message_id, "elements": [element]}
    )
    return Job(
        interview_id=interview.pk,
        public_id=interview.public_id,
        actor=actor,
        kind="board.update",
        client_msg_id=message_id,
        args=message.model_dump(exclude={"type", "id"}),
    )


def timer_add(actor: Actor, interview, message_id: str) -> Job:
    return Job(
        interview_id=interview.pk,
        public_id=interview.public_id,
        actor=actor,
        kind="timer.add_time",
        client_msg_id=message_id,
        args={"minutes": 1},
    )


@pytest.fixture
async def two_runtimes():
    loop = asyncio.get_running_loop()
    runtimes = [Runtime(loop), Runtime(loop)]
    for runtime in runtimes:
        runtime.slow_command = commands.run_slow_command
    yield runtimes
    for runtime in runtimes:
        runtime.stop()
        await asyncio.to_thread(runtime.writer.thread.join, 10)


async def test_two_runtimes_racing_on_one_room_keep_seq_whole(two_runtimes, scheduled_round):
    interview = scheduled_round.interview
    await sync_to_async(interview_start)(interview=interview)
    cole = Actor(scheduled_round.candidate.pk, "Cole", "candidate")
    ivy = Actor(scheduled_round.interviewer.pk, "Ivy", "interviewer")
    first, second = two_runtimes

    jobs: list[tuple[Runtime, Job]] = []
    for n in range(PER_RUNTIME):
        jobs.append((first, board_update(cole, interview, f"c-{n}", f"cole-{n % 40}", n + 1)))
        jobs.append((second, board_update(ivy, interview, f"i-{n}", f"ivy-{n % 40}", n + 1)))
        if n % 30 == 0:  # an ORM command in the middle of the race, on either side
            jobs.append((second if n % 60 else first, timer_add(ivy, interview, f"t-{n}")))
    outcomes = await asyncio.gather(*(runtime.submit(job) for runtime, job in jobs))
    refused = [
        (job.client_msg_id, o.error.code)
        for (_, job), o in zip(jobs, outcomes, strict=True)
        if o.error
    ]
    assert refused == []

    # Cole's client reconnects to the other worker and resends two of its messages.
    resent = await asyncio.gather(
        second.submit(board_update(cole, interview, "c-5", "cole-5", 6)),
        second.submit(board_update(cole, interview, "c-77", "cole-37", 78)),
    )

    rows = await sync_to_async(list)(RoomEvent.objects.filter(interview=interview).order_by("seq"))
    seqs = [row.seq for row in rows]
    assert seqs == list(range(1, len(rows) + 1)), "seq has a gap or a repeat"
    logged = {(row.actor_id, row.client_msg_id): row.seq for row in rows if row.client_msg_id}
    acked = {
        (job.actor.user_id, job.client_msg_id): outcome.seq
        for (_, job), outcome in zip(jobs, outcomes, strict=True)
        if not outcome.duplicate
    }
    assert acked == logged, "an ack names another event than the one logged"
    assert len(logged) == len(jobs), "a command was applied twice or not at all"
    assert [(o.seq, o.duplicate) for o in resent] == [
        (logged[(cole.user_id, "c-5")], True),
        (logged[(cole.user_id, "c-77")], True),
    ]
    heads: dict[str, int] = {}
    for row in rows:
        stream = "all" if row.audience == "all" else f"user:{row.audience_user_id}"
        assert row.prev == heads.get(stream, 0), f"#{row.seq}'s prev skips an event"
        heads[stream] = row.seq
    state = await RoomState.objects.aget(interview=interview)
    assert state.seq == len(rows) and state.stream_heads == heads
    versions = dict(
        await sync_to_async(list)(
            BoardElement.objects.filter(interview=interview).values_list("element_id", "version")
        )
    )
    assert versions == {
        **{f"cole-{k}": max(n + 1 for n in range(PER_RUNTIME) if n % 40 == k) for k in range(40)},
        **{f"ivy-{k}": max(n + 1 for n in range(PER_RUNTIME) if n % 40 == k) for k in range(40)},
    }
