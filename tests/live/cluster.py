"""A local MockRoom cluster for tests.

- `Cluster`: Daphne processes sharing one PostgreSQL and one redis-server, started on free
  ports and killed or stopped by PID. Each process has its own PostgreSQL
  `application_name`, so a test can see when a killed process's sessions are gone.
- `RoomClient`: a room socket that remembers every command it sent, every ack and every
  event it was given, and can be frozen at the instant its process is killed.
- `RoomLog`: the room's event log and state, read straight from the database.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import websockets
from psycopg.rows import dict_row

from tests.services import free_port, stop

ROOT = Path(__file__).resolve().parents[2]
# The Origin every socket sends; a host in ALLOWED_HOSTS (tests/conftest.py has the same one,
# but importing it would need Django set up, and the load tools run without it).
ORIGIN = "http://localhost"
STAFF_ROLES = frozenset({"interviewer", "observer"})
# How an event's audience in the database shows up as a stream on the wire.
STREAM_OF_AUDIENCE = {"all": "all", "staff": "staff", "author": "me"}

# Migrates, then creates one round per tag: two users and a scheduled coding round between
# them, with a logged-in session each. One process does it all, to pay for Django's start once.
SETUP = """
import json, os
from datetime import UTC, datetime
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from mockroom.accounts.models import User
from mockroom.interviews.agenda import template_phases
from mockroom.interviews.services import interview_create, invitation_accept

call_command("migrate", verbosity=0)

def session(user):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.save()
    return s.session_key

def room(tag):
    ivy = User.objects.create_user(f"ivy-{tag}@example.com", "pw-123456789", display_name="Ivy")
    cole = User.objects.create_user(
        f"cole-{tag}@example.com", "pw-123456789", display_name="Cole")
    interview, issued = interview_create(
        creator=ivy, title="Cluster", kind="coding", creator_role="interviewer",
        agenda=template_phases("coding"), scheduled_at=datetime(2030, 1, 1, tzinfo=UTC),
        time_zone="UTC")
    token = next(i.token for i in issued if i.invitation.role == "candidate")
    invitation_accept(token=token, user=cole)
    return {
        "public_id": interview.public_id,
        "interview_id": interview.pk,
        "ivy": {"user_id": ivy.pk, "session": session(ivy), "role": "interviewer"},
        "cole": {"user_id": cole.pk, "session": session(cole), "role": "candidate"},
    }

print(json.dumps({tag: room(tag) for tag in os.environ["ROOM_TAGS"].split(",")}))
"""


async def eventually(check: Callable[[], Awaitable[bool]], *, within: float) -> None:
    """Poll until `check` holds. Only for positive conditions, never to conclude that
    nothing happened."""
    async with asyncio.timeout(within):
        while not await check():  # noqa: ASYNC110 - the condition lives in another process
            await asyncio.sleep(0.01)


def migrate_and_create_rooms(env: dict[str, str], tags: list[str]) -> dict[str, Any]:
    """Migrates the database and creates one round per tag through the project's services."""
    made = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env={**env, "ROOM_TAGS": ",".join(tags)},
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(made.stdout.strip().splitlines()[-1])


@dataclass(eq=False)
class Daphne:
    name: str
    port: int
    proc: subprocess.Popen
    log: Path


class Cluster:
    """Daphne processes on one database and one channel layer."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.live: list[Daphne] = []
        self.killed: list[Daphne] = []
        self._numbers = itertools.count(1)

    def start(self, server: str = "daphne") -> Daphne:
        """Starts a process on a free port; `ready` waits until it listens. `server` is
        "daphne", "uvicorn" (with the `websockets` implementation) or "granian"."""
        name = f"mockroom-{server}-{next(self._numbers)}"
        port = free_port()
        log = self.workdir / f"{name}.log"
        if server == "uvicorn":
            command = ["-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port)]
            command += ["--ws", "websockets", "--log-level", "warning"]
        elif server == "granian":
            command = ["-m", "granian", "--interface", "asgi", "--host", "127.0.0.1"]
            command += ["--port", str(port), "--log-level", "warning"]
        else:
            command = ["-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
        with open(log, "ab") as handle:
            proc = subprocess.Popen(
                [sys.executable, *command, "mockroom.asgi:application"],
                cwd=ROOT,
                # libpq names every session this process opens, for `RoomLog.sessions`.
                env={**self.env, "PGAPPNAME": name},
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        daphne = Daphne(name=name, port=port, proc=proc, log=log)
        self.live.append(daphne)
        return daphne

    async def ready(self, daphne: Daphne, within: float = 60) -> None:
        async with asyncio.timeout(within):
            while True:
                if daphne.proc.poll() is not None:
                    raise RuntimeError(f"{daphne.name} exited with {daphne.proc.returncode}")
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", daphne.port)
                except OSError:
                    await asyncio.sleep(0.05)
                    continue
                writer.close()
                return

    def kill(self, daphne: Daphne) -> None:
        """SIGKILL: no shutdown, no goodbye to sockets, database or Redis."""
        os.kill(daphne.proc.pid, signal.SIGKILL)
        daphne.proc.wait(timeout=10)
        self.live.remove(daphne)
        self.killed.append(daphne)

    def stop(self) -> None:
        for daphne in self.live:
            if daphne.proc.poll() is None:
                daphne.proc.terminate()  # all at once: each takes a moment to shut down
        for daphne in self.live:
            stop(daphne.proc)

    def tracebacks(self) -> list[str]:
        """The logs of every process, killed or alive, that show a Python traceback."""
        found = []
        for daphne in [*self.killed, *self.live]:
            text = daphne.log.read_text(errors="replace")
            if "Traceback" in text:
                found.append(f"--- {daphne.name} ---\n{text[-6000:]}")
        return found


@dataclass
class Frozen:
    """What a client knew when its process died: the commands sent on that connection and
    not acknowledged (oldest first), and the seq to resume from."""

    in_flight: list[str]
    last_seq: int


def event_view(frame: dict[str, Any]) -> dict[str, Any]:
    """An event frame, reduced to what the log stores."""
    return {
        "seq": frame["seq"],
        "stream": frame["stream"],
        "prev": frame["prev"],
        "kind": frame["kind"],
        "actor": (frame["actor"] or {}).get("user_id"),
        "payload": frame["payload"],
    }


def row_view(row: dict[str, Any]) -> dict[str, Any]:
    """A row of the log, as the event frame it should be sent as."""
    return {
        "seq": row["seq"],
        "stream": STREAM_OF_AUDIENCE[row["audience"]],
        "prev": row["prev"],
        "kind": row["kind"],
        "actor": row["actor_id"],
        "payload": row["payload"],
    }


class RoomClient:
    """A participant's socket that keeps a record of everything."""

    def __init__(
        self,
        name: str,
        *,
        user_id: int,
        role: str,
        session: str,
        public_id: str,
        log: RoomLog | None = None,
    ):
        self.name = name
        self.user_id = user_id
        self.role = role
        self.cookie = f"sessionid={session}"
        self.path = f"/ws/interviews/{public_id}/"
        self.sent: dict[str, dict[str, Any]] = {}  # every command by id, in first-send order
        self.acks: dict[str, list[dict[str, Any]]] = {}  # every ack received, by id
        self.errors: list[dict[str, Any]] = []
        self.events: dict[int, dict[str, Any]] = {}  # every event received, live or resumed
        self.conflicts: list[tuple[dict[str, Any], dict[str, Any]]] = []
        # With a log to check against, every live event and ack is looked up in the database
        # the moment it arrives; these are the ones that were not there (yet).
        self.log = log
        self.seen_before_durable: list[dict[str, Any]] = []
        self.base_seq: int | None = None  # the first snapshot covers everything up to here
        self.base_streams: dict[str, int] = {}
        self.daphne: Daphne | None = None
        self.ws: Any = None
        self.reader: asyncio.Task[None] | None = None
        self.outstanding: set[str] = set()  # sent on this connection, not yet acknowledged
        self.acks_counted = 0
        self.pongs = 0
        self.pumping = False
        self.frozen = False
        self.changed = asyncio.Condition()
        self.resume_reply: asyncio.Future[dict[str, Any]] | None = None
        self._resumes = itertools.count(1)

    # --- connection ------------------------------------------------------------------

    async def connect(self, daphne: Daphne) -> dict[str, Any]:
        ws = await websockets.connect(
            f"ws://127.0.0.1:{daphne.port}{self.path}",
            # An entrance may name its own origin (the loopback cluster's nginx does).
            additional_headers={"Origin": getattr(daphne, "origin", ORIGIN), "Cookie": self.cookie},
            open_timeout=20,
        )
        async with asyncio.timeout(20):
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "snapshot":
                    break
                await self._take(frame)
        if self.base_seq is None:
            self.base_seq = frame["seq"]
            self.base_streams = {k: v for k, v in frame["streams"].items() if v is not None}
        self.ws, self.daphne = ws, daphne
        self.outstanding = set()
        self.frozen = False
        self.reader = asyncio.create_task(self._read(ws))
        return frame

    async def close(self) -> None:
        """A clean goodbye; whatever the socket still held is dropped."""
        await self.ws.close()
        await self.reader

    def freeze(self) -> Frozen:
        """Stop listening at once (call this right before killing the process): acks and
        events still on their way are lost, as they would be for a real client."""
        self.frozen = True
        self.pumping = False
        in_flight = [message_id for message_id in self.sent if message_id in self.outstanding]
        return Frozen(in_flight=in_flight, last_seq=self.resume_point())

    async def abandon(self) -> None:
        self.ws.transport.abort()
        await self.reader

    async def _read(self, ws: Any) -> None:
        try:
            async for raw in ws:
                if self.frozen:
                    break
                frame = json.loads(raw)
                await self._take(frame)
                if self.log is not None and not await self.log.holds(self, frame):
                    self.seen_before_durable.append(frame)
        except websockets.ConnectionClosed:
            pass
        finally:
            if self.resume_reply is not None and not self.resume_reply.done():
                self.resume_reply.set_exception(ConnectionError(f"{self.name}: socket closed"))
            # Wake the waiters; they see the reader is done.
            async with self.changed:
                self.changed.notify_all()

    async def _take(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "event":
            known = self.events.setdefault(frame["seq"], frame)
            if known != frame:
                self.conflicts.append((known, frame))
        elif kind == "ack":
            self.acks.setdefault(frame["id"], []).append(frame)
            self.outstanding.discard(frame["id"])
            self.acks_counted += 1
        elif kind == "pong":
            self.pongs += 1
        elif kind == "error":
            self.errors.append(frame)
            self.outstanding.discard(frame.get("id"))
        elif (
            kind in ("events", "snapshot")
            and self.resume_reply is not None
            and not self.resume_reply.done()
        ):
            self.resume_reply.set_result(frame)
        async with self.changed:
            self.changed.notify_all()

    # --- waiting ---------------------------------------------------------------------

    async def wait(self, condition: Callable[[], bool], within: float = 20) -> None:
        async with asyncio.timeout(within), self.changed:
            await self.changed.wait_for(lambda: condition() or self.reader.done())
        if not condition():
            failure = self.reader.exception() if not self.reader.cancelled() else None
            raise AssertionError(
                f"{self.name}'s socket closed while waiting (close code {self.ws.close_code})"
            ) from failure

    async def wait_for_event(
        self, match: Callable[[dict[str, Any]], bool], within: float = 20
    ) -> dict[str, Any]:
        def found() -> list[dict[str, Any]]:
            return [e for _, e in sorted(self.events.items()) if match(e)]

        await self.wait(lambda: bool(found()), within)
        return found()[0]

    async def settle(self, within: float = 30) -> None:
        """Wait until every command sent on this connection is acknowledged."""
        await self.wait(lambda: not self.outstanding, within)

    # --- sending ---------------------------------------------------------------------

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.setdefault(message["id"], message)
        self.outstanding.add(message["id"])
        await self.ws.send(json.dumps(message))

    async def command(self, type_: str, id_: str, **fields: Any) -> dict[str, Any]:
        await self.send({"type": type_, "id": id_, **fields})
        await self.wait(lambda: id_ in self.acks or any(e.get("id") == id_ for e in self.errors))
        if id_ not in self.acks:
            raise AssertionError(f"{type_} {id_} refused: {self.errors}")
        return self.acks[id_][-1]

    async def pump(
        self, next_command: Callable[[], dict[str, Any]], *, window: int, cap: int | None
    ) -> None:
        """Send commands back to back, keeping `window` of them unacknowledged, until
        `cap` are sent (if any), `stop_pump` is called or the client is frozen."""
        self.pumping = True
        for _ in range(cap) if cap is not None else itertools.count():
            async with self.changed:
                await self.changed.wait_for(
                    lambda: not self.pumping or len(self.outstanding) < window
                )
            if not self.pumping:
                return
            await self.send(next_command())

    async def stop_pump(self) -> None:
        self.pumping = False
        async with self.changed:
            self.changed.notify_all()

    async def resend(self, ids: list[str]) -> None:
        """Send again, in their order, commands whose ack never came; wait for the acks."""
        for message_id in ids:
            await self.send(self.sent[message_id])
        await self.settle()

    async def resume(self, last_seq: int) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        self.resume_reply = loop.create_future()
        request = f"{self.name}-resume-{next(self._resumes)}"
        await self.ws.send(json.dumps({"type": "resume", "id": request, "last_seq": last_seq}))
        async with asyncio.timeout(20):
            reply = await self.resume_reply
        for frame in reply.get("events", []):
            await self._take(frame)
        return reply

    def resume_point(self) -> int:
        """The newest seq up to which this client holds every event it may see, judged by
        the per-stream prev chains: an event whose prev is not the stream's head shows that
        something before it went missing."""
        assert self.base_seq is not None
        heads = dict(self.base_streams)
        top, floor = self.base_seq, None
        for seq in sorted(s for s in self.events if s > self.base_seq):
            event = self.events[seq]
            head = heads.get(event["stream"], 0)
            if event["prev"] != head:
                floor = head if floor is None else min(floor, head)
            heads[event["stream"]] = seq
            top = seq
        return top if floor is None else min(top, floor)


class RoomLog:
    """The room's log and state, read from PostgreSQL."""

    def __init__(self, conn: psycopg.AsyncConnection[dict[str, Any]], interview_id: int):
        self.conn = conn
        self.interview_id = interview_id

    @classmethod
    async def open(cls, url: str, interview_id: int) -> RoomLog:
        conn = await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)
        return cls(conn, interview_id)

    async def close(self) -> None:
        await self.conn.close()

    async def _all(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        async with self.conn.cursor() as cursor:
            await cursor.execute(sql, params)
            return await cursor.fetchall()

    async def rows(self) -> list[dict[str, Any]]:
        return await self._all(
            "SELECT seq, prev, kind, audience, audience_user_id, actor_id, payload, client_msg_id"
            " FROM live_roomevent WHERE interview_id = %s ORDER BY seq",
            self.interview_id,
        )

    async def visible_to(self, client: RoomClient) -> list[dict[str, Any]]:
        """The log as this participant may read it, oldest first."""
        return [
            row
            for row in await self.rows()
            if row["audience"] == "all"
            or (row["audience"] == "author" and row["audience_user_id"] == client.user_id)
            or (row["audience"] == "staff" and client.role in STAFF_ROLES)
        ]

    async def applied(self, client: RoomClient, ids: list[str]) -> dict[str, list[int]]:
        """For each of the client's message ids in the log: the seqs of its events."""
        found: dict[str, list[int]] = {}
        for row in await self._all(
            "SELECT client_msg_id, seq FROM live_roomevent WHERE interview_id = %s"
            " AND actor_id = %s AND client_msg_id = ANY(%s) ORDER BY seq",
            self.interview_id,
            client.user_id,
            ids,
        ):
            found.setdefault(row["client_msg_id"], []).append(row["seq"])
        return found

    async def holds(self, client: RoomClient, frame: dict[str, Any]) -> bool:
        """Whether an event or ack a client was just sent is in the log as sent."""
        if frame["type"] == "ack":
            return (await self.applied(client, [frame["id"]])).get(frame["id"]) == [frame["seq"]]
        if frame["type"] == "event":
            rows = await self._all(
                "SELECT seq, prev, kind, audience, actor_id, payload FROM live_roomevent"
                " WHERE interview_id = %s AND seq = %s",
                self.interview_id,
                frame["seq"],
            )
            return [row_view(row) for row in rows] == [event_view(frame)]
        return True

    async def state(self) -> dict[str, Any]:
        (row,) = await self._all(
            "SELECT seq, stream_heads, timer FROM live_roomstate WHERE interview_id = %s",
            self.interview_id,
        )
        return row

    async def presence(self) -> dict[int, int]:
        """Open connections per user."""
        return {
            row["user_id"]: row["n"]
            for row in await self._all(
                "SELECT user_id, count(*) AS n FROM live_presence WHERE interview_id = %s"
                " GROUP BY user_id",
                self.interview_id,
            )
        }

    async def board_versions(self) -> dict[str, int]:
        return {
            row["element_id"]: row["version"]
            for row in await self._all(
                "SELECT element_id, version FROM whiteboard_boardelement WHERE interview_id = %s",
                self.interview_id,
            )
        }

    async def notes_by(self, client: RoomClient) -> int:
        (row,) = await self._all(
            "SELECT count(*) AS n FROM rubrics_note WHERE interview_id = %s AND author_id = %s",
            self.interview_id,
            client.user_id,
        )
        return row["n"]

    async def sessions(self, daphne: Daphne) -> int:
        """Database sessions still open for a process (by its application_name)."""
        (row,) = await self._all(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = %s",
            daphne.name,
        )
        return row["n"]


async def assert_resume_is_exact(
    log: RoomLog, client: RoomClient, last_seq: int, reply: dict[str, Any]
) -> None:
    """The reply to `resume(last_seq)` holds exactly the events of the log this client may
    see after `last_seq`, oldest first, once each, with unbroken per-stream prev chains."""
    assert reply["type"] == "events", f"{client.name}: resume answered with {reply['type']}"
    got = [event_view(frame) for frame in reply["events"]]
    seqs = [e["seq"] for e in got]
    assert seqs == sorted(set(seqs)), f"{client.name}: resume out of order or repeated: {seqs}"
    # The log only grows, so what it holds now covers what the reply could have read.
    upto = max([reply["seq"], *seqs])
    visible = await log.visible_to(client)
    expected = [row_view(r) for r in visible if last_seq < r["seq"] <= upto]
    extra = [e for e in got if e not in expected]
    missing = [e for e in expected if e not in got]
    assert not extra and not missing, (
        f"{client.name} resumed from {last_seq}: got seqs {seqs}, "
        f"the log has {[e['seq'] for e in expected]}; "
        f"not in the log: {extra}; left out: {missing}"
    )
    assert got == expected
    heads: dict[str, int] = {}
    for row in visible:
        if row["seq"] <= last_seq:
            heads[STREAM_OF_AUDIENCE[row["audience"]]] = row["seq"]
    for event in got:
        assert event["prev"] == heads.get(event["stream"], 0), (
            f"{client.name}: seq {event['seq']} in {event['stream']} says prev {event['prev']},"
            f" the stream's previous event is {heads.get(event['stream'], 0)}"
        )
        heads[event["stream"]] = event["seq"]


async def commits(log: RoomLog, messages: dict[int, list[str]]) -> list[dict[str, Any]]:
    """The transactions that logged any of these commands (message ids by the user id that
    sent them), oldest first: for each, how many rooms and events it wrote, in any room.
    Rows one PostgreSQL transaction inserted share its `xmin`, so this shows how a writer
    grouped its commits. Uses `log`'s connection only; it is not limited to `log`'s room."""
    actors = [user_id for user_id, ids in messages.items() for _ in ids]
    ids = [message_id for message_ids in messages.values() for message_id in message_ids]
    return await log._all(
        "WITH wanted AS (SELECT DISTINCT e.xmin::text AS tx FROM live_roomevent e"
        " JOIN unnest(%s::bigint[], %s::text[]) AS m(actor_id, client_msg_id)"
        " ON e.actor_id = m.actor_id AND e.client_msg_id = m.client_msg_id)"
        " SELECT xmin::text AS tx, count(DISTINCT interview_id) AS rooms, count(*) AS events,"
        " min(created_at) AS at FROM live_roomevent WHERE xmin::text IN (SELECT tx FROM wanted)"
        " GROUP BY xmin::text ORDER BY at, tx",
        actors,
        ids,
    )
