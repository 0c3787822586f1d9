"""Several writers on one room at the same moment, on PostgreSQL, where the state-row lock is
real (SQLite has no `select_for_update`; its writers simply take turns).

Threads each hold their own database connection and start together at a barrier, on a room
whose state row does not exist yet. Two of them are the same interviewer resending the same
message ids, as a client does after a reconnect.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from django.db import connection, connections

from mockroom.interviews.services import interview_start
from mockroom.live.models import RoomEvent, RoomState
from mockroom.live.services import room_command
from mockroom.live.visibility import stream_key
from mockroom.rubrics.models import LiveScore, Note

pytestmark = [pytest.mark.on_postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 25
CRITERION = "requirements_and_scoping"


@dataclass
class Writer:
    """One thread's script: the commands it sends, and what it got back."""

    user_id: int
    commands: list[tuple[str, str, dict]]
    results: dict[str, tuple[int, bool]] = field(default_factory=dict)
    errors: list[BaseException] = field(default_factory=list)

    def run(self, interview_id: int, barrier: threading.Barrier) -> None:
        try:
            barrier.wait(timeout=30)
            for command, message_id, args in self.commands:
                result = room_command(
                    interview_id=interview_id,
                    user_id=self.user_id,
                    command=command,
                    client_msg_id=message_id,
                    args=args,
                )
                self.results[message_id] = (result.seq, result.duplicate)
        except BaseException as error:  # reported by the test
            self.errors.append(error)
        finally:
            connections.close_all()


def rect(element_id: str) -> dict:
    # As the consumer hands it on: the protocol model's dump, defaults filled in.
    return {
        "id": element_id,
        "type": "rectangle",
        "version": 1,
        "versionNonce": 11,
        "isDeleted": False,
        "index": None,
    }


def _run(interview_id: int, writers: list[Writer]) -> None:
    barrier = threading.Barrier(len(writers))
    threads = [
        threading.Thread(target=w.run, args=(interview_id, barrier), daemon=True) for w in writers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a writer is stuck"


def test_concurrent_writers_keep_seq_prev_and_idempotency_intact(scheduled_round):
    assert connection.vendor == "postgresql", "this test belongs to the PostgreSQL pass"
    interview = scheduled_round.interview
    interview_start(interview=interview)
    RoomState.objects.filter(interview=interview).delete()  # writers race to create it
    assert not RoomEvent.objects.filter(interview=interview).exists()

    notes = [("note.add", f"n{i}", {"text": f"note {i}"}) for i in range(ROUNDS)]
    ivy_a = Writer(scheduled_round.interviewer.pk, notes)
    ivy_b = Writer(scheduled_round.interviewer.pk, list(notes))  # the same ids, resent
    cole = Writer(
        scheduled_round.candidate.pk,
        [("board.update", f"b{i}", {"elements": [rect(f"el-{i}")]}) for i in range(ROUNDS)],
    )
    otto = Writer(
        scheduled_round.observer.pk,
        [
            ("score.set", f"s{i}", {"criterion": CRITERION, "score": 1 + i % 4, "comment": ""})
            for i in range(ROUNDS)
        ],
    )
    writers = [ivy_a, ivy_b, cole, otto]
    _run(interview.pk, writers)
    assert [w.errors for w in writers] == [[], [], [], []]

    # One state row; seq is 1..N with no gap and no repeat.
    state = RoomState.objects.get(interview=interview)
    events = list(RoomEvent.objects.filter(interview=interview).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert state.seq == len(events) == 3 * ROUNDS

    # Each stream's prev pointers chain through exactly its own events, and the heads agree.
    by_stream: dict[str, list[RoomEvent]] = defaultdict(list)
    for event in events:
        by_stream[stream_key(event.audience, event.audience_user_id)].append(event)
    assert set(by_stream) == {
        "all",
        f"user:{scheduled_round.interviewer.pk}",
        f"user:{scheduled_round.observer.pk}",
    }
    for key, stream in by_stream.items():
        assert [e.prev for e in stream] == [0] + [e.seq for e in stream[:-1]], key
        assert state.stream_heads[key] == stream[-1].seq, key

    # Every acknowledged seq is the logged event with that message id.
    logged = {(e.actor_id, e.client_msg_id): e.seq for e in events}
    for writer in writers:
        for message_id, (seq, _duplicate) in writer.results.items():
            assert logged[(writer.user_id, message_id)] == seq, message_id

    # The resent notes were applied once: both copies got the same seq, one of them marked
    # as a duplicate, and the materialized notes were not doubled.
    for _, message_id, _ in notes:
        (seq_a, dup_a), (seq_b, dup_b) = ivy_a.results[message_id], ivy_b.results[message_id]
        assert seq_a == seq_b and sorted([dup_a, dup_b]) == [False, True], message_id
    assert Note.objects.filter(interview=interview).count() == ROUNDS
    assert LiveScore.objects.filter(interview=interview).count() == 1  # one criterion
