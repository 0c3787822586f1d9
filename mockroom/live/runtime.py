"""The per-process room runtime: the hot path of every live room.

Two halves, joined by one queue each way (docs/adr/0010-room-runtime-and-writer.md):

- On the event loop, `Runtime` keeps which sockets of this process are in which room. It
  hands each state-changing message to the writer, and when the writer reports a commit it
  acknowledges, fans the events out to the room's local sockets (serialized once), and
  publishes them on the channel layer only when the layer reaches other processes.
- On one thread, `Writer` owns a long-lived database connection and, while a room has
  sockets here, that room's live state in memory (`RoomCache`: seq, stream heads, status and
  each feature's part, e.g. the board's element versions). It takes every queued command of
  every room, checks each against that state without reading the database, and commits them
  all in one transaction (group commit). Only then are they acknowledged and broadcast.

Ownership of a room's seq is fenced by the database: a commit names the seq it extends
(`UPDATE ... WHERE seq = <expected>`), so two processes can never both commit the same seq.
A writer that loses the race (another worker, an HTTP request or the task worker wrote)
reloads the room and runs the command again, one by one, on the slow and careful path.

Commands with no in-memory form (timer, round, prompt, rubric, presence) run on the same
thread through the ORM as before, so one room's events still commit in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction

from mockroom.core import metrics
from mockroom.core.clock import now, to_millis

from . import events, features, protocol, visibility
from .delivery import Delivery, collector

log = logging.getLogger(__name__)

#: Every process tags what it publishes on the channel layer, and drops its own echo.
PROCESS_ID = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
#: A batch closes at this many commands even if more are queued (bounds one transaction).
MAX_BATCH = 512
#: How many message ids per room the cache remembers to answer resends without a query.
APPLIED_IDS_KEPT = 4096


class Refused(Exception):
    """A command refused with a protocol error code; nothing was written."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or protocol.ERROR_CODES.get(code, code))
        self.code = code
        self.message = message or protocol.ERROR_CODES.get(code, code)


class _Conflict(Exception):
    """The room's seq moved under us: another process (or an HTTP request) committed."""


@dataclass(frozen=True)
class Actor:
    user_id: int
    name: str
    role: str

    def as_dict(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "name": self.name, "role": self.role}


@dataclass
class RoomCache:
    """A room's live state, owned by the writer thread while the room has local sockets."""

    interview_id: int
    public_id: str
    seq: int
    heads: dict[str, int]
    status: str
    parts: dict[str, Any] = field(default_factory=dict)
    applied: OrderedDict[tuple[int, str], int] = field(default_factory=OrderedDict)

    def remember(self, user_id: int, client_msg_id: str, seq: int) -> None:
        self.applied[(user_id, client_msg_id)] = seq
        if len(self.applied) > APPLIED_IDS_KEPT:
            self.applied.popitem(last=False)


@dataclass
class Outcome:
    """What a command did: the ack to send (or the error, or a reply frame)."""

    seq: int = 0
    duplicate: bool = False
    error: Refused | None = None
    reply: dict[str, Any] | None = None


@dataclass
class Job:
    interview_id: int
    public_id: str
    actor: Actor | None
    kind: str
    client_msg_id: str | None
    args: dict[str, Any]
    # ORM work to run on the writer thread instead of a registered command (presence).
    call: Callable[[], Any] | None = None
    # Told the outcome on the event loop, before the batch's events fan out (so a sender
    # sees its ack before its own event); or, without one, `future` is resolved.
    reply_to: Any = None
    future: asyncio.Future[Outcome] | None = None
    outcome: Outcome | None = None


# --- the writer (one thread) --------------------------------------------------------------


class Writer:
    """The one thread that writes the room log in this process (see the module docstring)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.jobs: queue.SimpleQueue[Job | tuple[str, int] | None] = queue.SimpleQueue()
        self.rooms: dict[int, RoomCache] = {}
        self.thread = threading.Thread(target=self._run, name="room-writer", daemon=True)
        self.batches = 0
        self.committed = 0

    def start(self) -> None:
        self.thread.start()

    def submit(self, job: Job) -> None:
        self.jobs.put(job)

    def evict(self, interview_id: int) -> None:
        self.jobs.put(("evict", interview_id))

    def stop(self) -> None:
        self.jobs.put(None)

    # The thread ------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            first = self.jobs.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = self.jobs.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self.jobs.put(None)
                    break
                batch.append(item)
            try:
                deliveries = self._process(batch)
            except Exception:  # the writer must outlive anything one batch does
                log.exception("room writer: batch failed")
                deliveries = []
                for item in batch:
                    if isinstance(item, Job) and item.outcome is None:
                        item.outcome = Outcome(error=Refused("unavailable"))
            jobs = [item for item in batch if isinstance(item, Job)]
            try:
                self.runtime.loop.call_soon_threadsafe(self.runtime.completed, jobs, deliveries)
            except RuntimeError:  # the loop is closed (a test's loop, or shutdown)
                break
        with contextlib.suppress(Exception):
            connection.close()

    def _process(self, batch: list[Job | tuple[str, int] | None]) -> list[Delivery]:
        deliveries: list[Delivery] = []
        fast: list[Job] = []
        for item in batch:
            if isinstance(item, tuple):
                self._flush(fast, deliveries)
                action, interview_id = item
                if action == "evict" and not self.runtime.has_sockets(interview_id):
                    self.rooms.pop(interview_id, None)
                continue
            if item is None:
                continue
            answer = features.fast_request(item.kind) if item.call is None else None
            if answer is not None:
                self._flush(fast, deliveries)
                self._answer(item, answer)
                continue
            command = features.fast_command(item.kind) if item.call is None else None
            if command is None:
                self._flush(fast, deliveries)
                self._slow(item, deliveries)
            else:
                fast.append(item)
        self._flush(fast, deliveries)
        return deliveries

    # Fast path: group commit of commands checked against the room cache -----------------

    def _flush(self, jobs: list[Job], deliveries: list[Delivery]) -> None:
        if not jobs:
            return
        try:
            self._ensure_connection()
            deliveries.extend(self._group_commit(jobs))
        except (_Conflict, IntegrityError):
            # Someone else wrote to one of these rooms, or a resend of a command committed
            # before this process loaded the room: reload, then one command at a time.
            for interview_id in {job.interview_id for job in jobs}:
                deliveries.extend(self._reload(interview_id))
            for job in jobs:
                self._careful(job, deliveries)
        except DatabaseError as error:
            self._database_failed(error, jobs)
        jobs.clear()

    def _group_commit(self, jobs: list[Job]) -> list[Delivery]:
        start_seq: dict[int, int] = {}
        event_rows: list[tuple[Any, ...]] = []
        writes: dict[str, list[tuple[Any, ...]]] = {}
        out: list[Delivery] = []
        created = now()
        created_db = connection.ops.adapt_datetimefield_value(created)
        at = to_millis(created)
        for job in jobs:
            room = self._room(job)
            start_seq.setdefault(room.interview_id, room.seq)
            if job.client_msg_id and job.actor is not None:
                earlier = room.applied.get((job.actor.user_id, job.client_msg_id))
                if earlier is not None:  # a resend, maybe of a command earlier in this batch
                    job.outcome = Outcome(seq=earlier, duplicate=True)
                    continue
            try:
                job.outcome = self._apply(room, job, event_rows, writes, out, created_db, at)
            except Refused as error:
                job.outcome = Outcome(error=error)
        if event_rows or any(writes.values()):
            started = time.perf_counter()
            self._commit(start_seq, event_rows, writes)
            metrics.group_committed(
                commands=len(jobs), events=len(event_rows), seconds=time.perf_counter() - started
            )
        self.batches += 1
        self.committed += len(event_rows)
        return out

    def _apply(
        self,
        room: RoomCache,
        job: Job,
        event_rows: list[tuple[Any, ...]],
        writes: dict[str, list[tuple[Any, ...]]],
        out: list[Delivery],
        created_db: Any,
        at: int,
    ) -> Outcome:
        command = features.fast_command(job.kind)
        if command is None or job.actor is None:
            raise Refused("unknown_type")
        try:
            result = command.apply(room=room, actor=job.actor, args=job.args, stamp=created_db)
        except command.refusals as error:
            raise Refused(error.code, error.message) from None  # type: ignore[attr-defined]
        for sql, rows in result.writes.items():
            writes.setdefault(sql, []).extend(rows)
        if result.event is None:
            # Nothing newer than the room has. A resend of a message this process never saw
            # (committed before it loaded the room) is answered as the duplicate it is.
            if job.client_msg_id:
                earlier = _logged_seq(room.interview_id, job.actor.user_id, job.client_msg_id)
                if earlier is not None:
                    room.remember(job.actor.user_id, job.client_msg_id, earlier)
                    return Outcome(seq=earlier, duplicate=True)
            return Outcome(seq=room.seq)
        kind, payload = result.event
        encoded = orjson.dumps(payload)
        if settings.ROOM_VALIDATE_EVENT_PAYLOADS:
            events.check_payload(kind, encoded)
        audience = visibility.audience_for(kind)
        audience_user_id = job.actor.user_id if audience == visibility.AUTHOR else None
        key = visibility.stream_key(audience, audience_user_id)
        room.seq += 1
        prev = room.heads.get(key, 0)
        room.heads[key] = room.seq
        if job.client_msg_id:
            room.remember(job.actor.user_id, job.client_msg_id, room.seq)
        event_rows.append(
            (
                room.interview_id,
                room.seq,
                prev,
                kind,
                audience,
                audience_user_id,
                job.actor.user_id,
                job.actor.role,
                encoded.decode(),
                job.client_msg_id,
                created_db,
            )
        )
        frame = {
            "type": "event",
            "seq": room.seq,
            "stream": visibility.viewer_stream(audience),
            "prev": prev,
            "kind": kind,
            "actor": job.actor.as_dict(),
            "at": at,
            "payload": orjson.Fragment(encoded),
        }
        out.append(
            Delivery(
                room.interview_id,
                room.public_id,
                room.seq,
                audience,
                audience_user_id,
                frame,
                orjson.dumps(frame).decode(),
            )
        )
        return Outcome(seq=room.seq)

    def _commit(
        self,
        start_seq: dict[int, int],
        event_rows: list[tuple[Any, ...]],
        writes: dict[str, list[tuple[Any, ...]]],
    ) -> None:
        sql = _sql()
        stamp = connection.ops.adapt_datetimefield_value(now())
        with transaction.atomic(), connection.cursor() as cursor:
            for interview_id, expected in start_seq.items():
                room = self.rooms[interview_id]
                if room.seq == expected:
                    continue
                cursor.execute(
                    sql.fence,
                    (room.seq, orjson.dumps(room.heads).decode(), stamp, interview_id, expected),
                )
                if cursor.rowcount != 1:
                    raise _Conflict(interview_id)
            for statement, rows in writes.items():
                if rows:
                    cursor.executemany(statement, rows)
            if event_rows:
                cursor.executemany(sql.insert_event, event_rows)

    def _careful(self, job: Job, deliveries: list[Delivery]) -> None:
        """One command in its own transaction, the room's state row locked first and the room
        loaded again under that lock, so no other writer can move its seq before the commit
        (on SQLite the transaction holds the database's write lock from its start); its
        message id is checked against the log before anything is applied."""
        try:
            self._ensure_connection()
            with transaction.atomic():
                _lock_state_row(job.interview_id)
                deliveries.extend(self._reload(job.interview_id))
                room = self._room(job)
                if job.client_msg_id and job.actor is not None:
                    earlier = _logged_seq(job.interview_id, job.actor.user_id, job.client_msg_id)
                    if earlier is not None:
                        room.remember(job.actor.user_id, job.client_msg_id, earlier)
                        job.outcome = Outcome(seq=earlier, duplicate=True)
                        return
                job.outcome = None
                deliveries.extend(self._group_commit([job]))
        except (_Conflict, IntegrityError) as error:  # not expected under the lock
            log.warning("room writer: command refused after a conflict: %s", error)
            self.rooms.pop(job.interview_id, None)
            job.outcome = Outcome(error=Refused("conflict", "The room is busy; send it again."))
        except DatabaseError as error:
            self._database_failed(error, [job])

    def _answer(self, job: Job, answer: Callable[..., dict[str, Any]]) -> None:
        """A read-only request answered from the room's live state (e.g. `board.verify`)."""
        try:
            self._ensure_connection()
            room = self._room(job)
            reply = answer(room=room, actor=job.actor, args=job.args, request_id=job.client_msg_id)
            job.outcome = Outcome(reply=reply)
        except DatabaseError as error:
            self._database_failed(error, [job])

    # Slow path: the ORM, in order with the fast path --------------------------------------

    def _slow(self, job: Job, deliveries: list[Delivery]) -> None:
        collector.sink = sink = []
        try:
            self._ensure_connection()
            if job.call is not None:
                job.outcome = Outcome(reply=job.call())
            else:
                job.outcome = self.runtime.slow_command(job)
        except Refused as error:
            job.outcome = Outcome(error=error)
        except events.EventNotStorable as error:
            job.outcome = Outcome(error=Refused("invalid", str(error)))
        except DatabaseError as error:
            self._database_failed(error, [job])
        finally:
            collector.sink = None
        deliveries.extend(sink)
        metrics.events_committed(len(sink))
        room = self.rooms.get(job.interview_id)
        if room is not None and sink:
            self._reload_core(room)

    # Room state ---------------------------------------------------------------------------

    def _room(self, job: Job) -> RoomCache:
        room = self.rooms.get(job.interview_id)
        if room is None:
            room = self._load(job.interview_id, job.public_id)
            self.rooms[job.interview_id] = room
        return room

    def _load(self, interview_id: int, public_id: str) -> RoomCache:
        room = RoomCache(interview_id, public_id, 0, {}, "")
        self._reload_core(room)
        room.parts = features.load_parts(interview_id)
        return room

    def _reload_core(self, room: RoomCache) -> None:
        from .models import RoomState

        state = (
            RoomState.objects.filter(interview_id=room.interview_id)
            .values_list("seq", "stream_heads", "interview__status")
            .first()
        )
        if state is None:
            with transaction.atomic():
                RoomState.objects.get_or_create(interview_id=room.interview_id)
            state = (
                RoomState.objects.filter(interview_id=room.interview_id)
                .values_list("seq", "stream_heads", "interview__status")
                .get()
            )
        room.seq, heads, room.status = state
        room.heads = {key: int(value) for key, value in (heads or {}).items()}

    def _reload(self, interview_id: int) -> list[Delivery]:
        """Load the room again from the database; returns the events this process did not
        commit itself, for its local sockets (their layer copies are dropped by seq)."""
        old = self.rooms.pop(interview_id, None)
        if old is None:
            return []
        with contextlib.suppress(DatabaseError):
            self._ensure_connection()
        try:
            room = self._load(interview_id, old.public_id)
        except DatabaseError as error:
            log.warning("room writer: reloading room %s failed: %s", interview_id, error)
            return []
        # The ids remembered speculatively went with the failed batch; the careful path asks
        # the log instead.
        self.rooms[interview_id] = room
        if room.seq <= old.seq:
            return []
        return _missed_deliveries(interview_id, old.public_id, old.seq, room.seq)

    def _ensure_connection(self) -> None:
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.ensure_connection()

    def _database_failed(self, error: DatabaseError, jobs: list[Job]) -> None:
        log.warning("room writer: database error, commands refused: %s", error)
        with contextlib.suppress(Exception):
            connection.close()
        for job in jobs:
            self.rooms.pop(job.interview_id, None)  # reloaded once the database is back
            if job.outcome is None or job.outcome.error is None:
                job.outcome = Outcome(error=Refused("unavailable"))


@dataclass(frozen=True)
class _Statements:
    fence: str
    insert_event: str


_statements: _Statements | None = None


def _sql() -> _Statements:
    global _statements
    if _statements is None:
        from .models import RoomEvent, RoomState

        qn = connection.ops.quote_name
        json_param = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
        state = qn(RoomState._meta.db_table)
        log_table = qn(RoomEvent._meta.db_table)
        # Table names come from the models, values are parameters.
        _statements = _Statements(
            fence=(
                f"UPDATE {state} SET seq = %s, stream_heads = {json_param}, updated_at = %s "  # noqa: S608
                "WHERE interview_id = %s AND seq = %s"
            ),
            insert_event=(
                f"INSERT INTO {log_table} (interview_id, seq, prev, kind, audience, "  # noqa: S608
                "audience_user_id, actor_id, actor_role, payload, client_msg_id, created_at) "
                f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s, {json_param}, %s, %s)"
            ),
        )
    return _statements


def _lock_state_row(interview_id: int) -> None:
    """Lock the room's state row for this transaction (created first if the room has none)."""
    from .models import RoomState

    locked = RoomState.objects.select_for_update().filter(interview_id=interview_id)
    if not list(locked.values_list("pk", flat=True)):
        RoomState.objects.get_or_create(interview_id=interview_id)
        list(locked.values_list("pk", flat=True))


def _logged_seq(interview_id: int, user_id: int, client_msg_id: str) -> int | None:
    from .models import RoomEvent

    return (
        RoomEvent.objects.filter(
            interview_id=interview_id, actor_id=user_id, client_msg_id=client_msg_id
        )
        .values_list("seq", flat=True)
        .first()
    )


def _missed_deliveries(interview_id: int, public_id: str, after: int, upto: int) -> list[Delivery]:
    from .models import RoomEvent

    rows = (
        RoomEvent.objects.filter(interview_id=interview_id, seq__gt=after, seq__lte=upto)
        .select_related("actor")
        .order_by("seq")
    )
    out = []
    for row in rows:
        out.append(Delivery.of_row(row, public_id, events.event_frame(row)))
    return out


# --- the event loop's half ---------------------------------------------------------------


class Runtime:
    """This process's rooms, on its event loop. One per loop (tests run several loops)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.sockets: dict[int, set[Any]] = {}
        self.writer = Writer(self)
        self.writer.start()
        self.slow_command: Callable[[Job], Outcome] = _no_slow_command

    # Sockets --------------------------------------------------------------------------

    def join(self, interview_id: int, socket: Any) -> None:
        room = self.sockets.setdefault(interview_id, set())
        if socket not in room:
            room.add(socket)
            metrics.socket_joined(first_in_room=len(room) == 1)

    def leave(self, interview_id: int, socket: Any) -> None:
        room = self.sockets.get(interview_id)
        if room is None or socket not in room:
            return
        room.discard(socket)
        metrics.socket_left(last_in_room=not room)
        if not room:
            del self.sockets[interview_id]
            self.writer.evict(interview_id)

    def has_sockets(self, interview_id: int) -> bool:
        return bool(self.sockets.get(interview_id))

    def peers(self, interview_id: int) -> set[Any]:
        return self.sockets.get(interview_id, set())

    # Commands -------------------------------------------------------------------------

    def submit(self, job: Job) -> asyncio.Future[Outcome]:
        """Queue a job; its outcome resolves the returned future."""
        job.future = self.loop.create_future()
        self.writer.submit(job)
        return job.future

    def send(self, job: Job) -> None:
        """Queue a job whose outcome goes to `job.reply_to.job_done(job, outcome)`."""
        self.writer.submit(job)

    def completed(self, jobs: list[Job], deliveries: list[Delivery]) -> None:
        """On the loop, after a batch committed: acknowledge, then fan out."""
        for job in jobs:
            outcome = job.outcome or Outcome(error=Refused("unavailable"))
            if job.reply_to is not None:
                job.reply_to.job_done(job, outcome)
            elif job.future is not None and not job.future.done():
                job.future.set_result(outcome)
        for delivery in deliveries:
            self.fan_out(delivery)

    def fan_out(self, delivery: Delivery) -> None:
        for socket in tuple(self.sockets.get(delivery.interview_id, ())):
            if delivery.audience == visibility.AUTHOR and socket.user_id != (
                delivery.audience_user_id
            ):
                continue
            socket.deliver(delivery)
        if cross_process_layer():
            group = (
                events.group_author(delivery.public_id, delivery.audience_user_id)
                if delivery.audience == visibility.AUTHOR and delivery.audience_user_id
                else events.group_all(delivery.public_id)
            )
            self.loop.create_task(_publish(group, {"type": "room.event", "event": delivery.frame}))

    def stop(self) -> None:
        self.writer.stop()


def _no_slow_command(job: Job) -> Outcome:
    raise Refused("unknown_type")


async def _publish(group: str, message: dict[str, Any]) -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    message["origin"] = PROCESS_ID
    if "event" in message:
        message["event"] = orjson.loads(orjson.dumps(message["event"]))  # Fragment → plain
    try:
        await layer.group_send(group, message)
    except Exception as error:  # a layer outage costs other processes' copies, not the room
        log.warning("room runtime: publish to %s failed: %s", group, error)


_cross_process: bool | None = None


def cross_process_layer() -> bool:
    """Does the channel layer reach other processes? The in-memory one does not, and then
    everything is delivered in-process and nothing is published."""
    global _cross_process
    if _cross_process is None:
        from channels.layers import InMemoryChannelLayer, get_channel_layer

        layer = get_channel_layer()
        _cross_process = layer is not None and not isinstance(layer, InMemoryChannelLayer)
    return _cross_process


_runtimes: dict[asyncio.AbstractEventLoop, Runtime] = {}
_runtimes_lock = threading.Lock()


def current() -> Runtime:
    """The runtime of the running event loop, started on first use."""
    loop = asyncio.get_running_loop()
    runtime = _runtimes.get(loop)
    if runtime is None:
        with _runtimes_lock:
            runtime = _runtimes.get(loop)
            if runtime is None:
                for old_loop in [old for old in _runtimes if old.is_closed()]:
                    _runtimes.pop(old_loop).stop()
                runtime = Runtime(loop)
                from . import commands

                runtime.slow_command = commands.run_slow_command
                _runtimes[loop] = runtime
    return runtime


def reset_for_tests() -> None:
    """Stop every runtime (tests: each test's database is new, so is every room's state)."""
    global _cross_process
    with _runtimes_lock:
        for runtime in _runtimes.values():
            runtime.stop()
            runtime.writer.thread.join(timeout=10)
        _runtimes.clear()
    _cross_process = None
