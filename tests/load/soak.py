"""The soak (not a test: it prints figures and exits non-zero on a violation).

    make soak                                          # 20 minutes, both targets at once
    .venv/bin/python tests/load/soak.py --target embedded --minutes 0.5 --rooms 4
    .venv/bin/python tests/load/soak.py --target cluster --minutes 10 --rooms 20

Targets:
- `embedded`: the embedded default as `make run` serves it: one Daphne process on a SQLite
  file in a temporary directory and the in-memory channel layer. It runs the test settings
  (`mockroom.settings.test`: the embedded database and layer, `localhost` allowed) with the
  per-event payload check off, as production runs (ROOM_VALIDATE_EVENT_PAYLOADS=0).
- `cluster`: the production topology of `ops/cluster.py` (PostgreSQL, Redis, 2 uvicorn
  workers, nginx with the room hash, the task worker; `mockroom.settings.production`);
  clients connect through nginx's hashed entrance.
- `both`: the two at once, in one event loop (it halves the wall time; each target has its
  own rooms and processes, and the two share the machine's cores).

Workload, per round (an interviewer and a candidate, `--rooms` rounds): the candidate sends
3 `board.update`/s and the interviewer 1/s, each seat drawing its own element with a version
that only grows; both send cursors (5/s and 2/s). Churn: every 4-20 s (at random) a seat
sends one more board update and at once drops its socket without a close frame (the
transport is aborted), stays away up to a second, reconnects, resumes from the last seq it
holds whole and resends every command it has no ack for: the update sent just before the drop
(usually applied already, so its ack says `duplicate` with the first seq) and one drawn while
offline (never sent, so applied now).

Sampled for every server-side process (the web worker(s), the task worker, Redis, the
PostgreSQL postmaster, nginx's master and workers): RSS (VmRSS in /proc/<pid>/status) and
open file descriptors (/proc/<pid>/fd), at the start, every minute (every duration/5 in
runs shorter than 5 minutes) and at the end. Printed as a table and saved as
var/soak-<target>.json and var/soak-<target>.png.

Checks (a violation makes the exit status 1):
- RSS growth of each web process after warm-up ≤ 10 %: its first sample at or after the
  warm-up (1 minute, or a third of a shorter run) against its last sample;
- nothing lost, judged by the room's log in the database once the load stops and every seat
  has resent what it had no ack for: every command sent was acknowledged; each acknowledged
  command is in the log exactly once (by its client message id), at the seq every one of its
  acks named; the seat has nothing else in the log; seq runs 1..N;
- each seat's final view equals the log: after a last resume, the events it holds (live and
  resumed) after its first snapshot are exactly the log's events it may see, as logged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mockroom.settings.test")

import django  # noqa: E402

django.setup()  # tests.live.cluster imports the test fixtures' module, which needs Django

import websockets  # noqa: E402

from ops.processes import free_port, stop, wait_for_port  # noqa: E402
from tests.live.cluster import (  # noqa: E402
    ORIGIN,
    STAFF_ROLES,
    RoomClient,
    event_view,
    migrate_and_create_rooms,
    row_view,
)

VAR = ROOT / "var"
RSS_BUDGET = 0.10  # growth after warm-up, per web process
WARMUP_SECONDS = 60.0
BOARD_PER_SECOND = {"candidate": 3.0, "interviewer": 1.0}
CURSOR_PER_SECOND = {"candidate": 5.0, "interviewer": 2.0}
DROP_EVERY = (4.0, 20.0)  # seconds between a seat's drops, uniform
AWAY = (0.0, 1.0)  # seconds offline after a drop
APP = "mockroom.asgi:application"
ROW_COLUMNS = "seq, prev, kind, audience, audience_user_id, actor_id, payload, client_msg_id"


# --- Processes --------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """The direct children of `pid`, from /proc (nginx's workers, for one)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as handle:
            if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return sorted(found)


def measure(pid: int) -> dict[str, int] | None:
    """RSS in KiB and open file descriptors of `pid`, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            rss = next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
        return {"rss_kb": rss, "fds": len(os.listdir(f"/proc/{pid}/fd"))}
    except (OSError, StopIteration):
        return None


class Sampler:
    """Samples every named process of a target; the names are fixed at the first sample."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.started = time.monotonic()
        self.samples: list[dict[str, Any]] = []

    def take(self, label: str) -> dict[str, Any]:
        sample = {"label": label, "t": round(time.monotonic() - self.started, 1), "procs": {}}
        for name, pid in self.target.processes().items():
            sample["procs"][name] = {"pid": pid, **(measure(pid) or {"gone": True})}
        self.samples.append(sample)
        return sample


# --- Targets ----------------------------------------------------------------------------


@dataclass
class Entrance:
    """What `RoomClient.connect` needs: a port."""

    port: int


def visible(rows: list[dict[str, Any]], user_id: int, role: str) -> list[dict[str, Any]]:
    """The log as this participant may read it (as `RoomLog.visible_to`)."""
    return [
        row
        for row in rows
        if row["audience"] == "all"
        or (row["audience"] == "author" and row["audience_user_id"] == user_id)
        or (row["audience"] == "staff" and role in STAFF_ROLES)
    ]


class Target:
    name: str
    web: list[str]  # the names of the web processes, whose RSS is bounded
    entrance: Entrance
    env: dict[str, str]
    origin = ORIGIN

    def up(self, tags: list[str]) -> dict[str, Any]:
        """Starts the target with a started-to-be round per tag; returns the rounds."""
        raise NotImplementedError

    def stop(self) -> None: ...
    def processes(self) -> dict[str, int]: ...
    def rows(self, interview_id: int) -> list[dict[str, Any]]: ...
    def board(self, interview_id: int) -> dict[str, int]: ...

    def describe(self) -> str:
        return self.name


class Embedded(Target):
    name = "embedded"

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.database = workdir / "soak.sqlite3"
        self.log = workdir / "daphne.log"
        self.proc: subprocess.Popen | None = None
        self.web = ["daphne"]
        workdir.mkdir(parents=True, exist_ok=True)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("DJANGO_") and k not in ("REDIS_URL", "CHANNEL_LAYER_BACKEND")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="mockroom.settings.test",
            DATABASE_URL=f"sqlite:///{self.database}",
            MEDIA_ROOT=str(workdir / "media"),
            ROOM_VALIDATE_EVENT_PAYLOADS="0",
            PYTHONUNBUFFERED="1",
        )
        self.env = env

    def up(self, tags: list[str]) -> dict[str, Any]:
        rooms = migrate_and_create_rooms(self.env, tags)  # before the server, as `make run`
        port = free_port()
        with open(self.log, "ab") as handle:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), APP],
                cwd=ROOT,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for_port(port, proc=self.proc, timeout=60)
        self.entrance = Entrance(port)
        return rooms

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc, timeout=20)

    def processes(self) -> dict[str, int]:
        assert self.proc is not None
        return {"daphne": self.proc.pid}

    def _query(self, sql: str, interview_id: int) -> list[sqlite3.Row]:
        conn = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30)
        conn.row_factory = sqlite3.Row
        try:
            return conn.execute(sql, (interview_id,)).fetchall()
        finally:
            conn.close()

    def rows(self, interview_id: int) -> list[dict[str, Any]]:
        found = self._query(
            f"SELECT {ROW_COLUMNS} FROM live_roomevent WHERE interview_id = ? ORDER BY seq",  # noqa: S608
            interview_id,
        )
        return [{**dict(row), "payload": json.loads(row["payload"])} for row in found]

    def board(self, interview_id: int) -> dict[str, int]:
        sql = "SELECT element_id, version FROM whiteboard_boardelement WHERE interview_id = ?"
        return {row["element_id"]: row["version"] for row in self._query(sql, interview_id)}

    def describe(self) -> str:
        return "embedded: 1 Daphne process, SQLite (file), in-memory channel layer"


class Cluster(Target):
    name = "cluster"

    def __init__(self, workdir: Path, workers: int = 2) -> None:
        self.workdir = workdir
        self.workers = workers
        self.topology = self._topology()
        self.web: list[str] = []

    def _topology(self) -> Any:
        from ops.cluster import Topology

        return Topology(self.workdir, workers=self.workers)

    def up(self, tags: list[str]) -> dict[str, Any]:
        import psycopg

        for attempt in range(3):
            try:
                self.topology.start()  # stops what it started if it fails
                break
            except psycopg.OperationalError:
                # Topology waits for PostgreSQL's port, not for it to accept sessions: on a
                # busy machine its first connection can meet "the system is starting up".
                if attempt == 2:
                    raise
                self.topology = self._topology()
        self.env = self.topology.env
        self.entrance = Entrance(self.topology.port)
        self.origin = self.topology.url
        self.web = [w.name for w in self.topology.workers]
        return migrate_and_create_rooms(self.env, tags)

    def stop(self) -> None:
        self.topology.stop()

    def processes(self) -> dict[str, int]:
        t = self.topology
        named = {w.name: w.pid for w in t.workers}
        for part in (t.task_worker, t.redis, t.postgres):
            if part is not None and part.proc is not None:
                named[part.name] = part.pid
        if t.nginx is not None and t.nginx.proc is not None:
            named["nginx-master"] = t.nginx.pid
            for n, pid in enumerate(children(t.nginx.pid), 1):
                named[f"nginx-worker-{n}"] = pid
        return named

    def _query(self, sql: str, interview_id: int) -> list[dict[str, Any]]:
        import psycopg
        from psycopg.rows import dict_row

        with psycopg.connect(self.topology.database_url(), row_factory=dict_row) as conn:
            return conn.execute(sql, (interview_id,)).fetchall()

    def rows(self, interview_id: int) -> list[dict[str, Any]]:
        return self._query(
            f"SELECT {ROW_COLUMNS} FROM live_roomevent WHERE interview_id = %s ORDER BY seq",  # noqa: S608
            interview_id,
        )

    def board(self, interview_id: int) -> dict[str, int]:
        sql = "SELECT element_id, version FROM whiteboard_boardelement WHERE interview_id = %s"
        return {row["element_id"]: row["version"] for row in self._query(sql, interview_id)}

    def describe(self) -> str:
        return (
            f"cluster: PostgreSQL, Redis, {self.workers} uvicorn workers, nginx"
            " (room hash), task worker; mockroom.settings.production"
        )


# --- Workload ---------------------------------------------------------------------------


class SoakClient(RoomClient):
    """`RoomClient`, sending the Origin a browser on the target's site would send: the
    cluster trusts its own origin (http://127.0.0.1:<nginx port>), not the tests' localhost."""

    def __init__(self, *args: Any, origin: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origin = origin

    async def connect(self, daphne: Any) -> dict[str, Any]:
        ws = await websockets.connect(
            f"ws://127.0.0.1:{daphne.port}{self.path}",
            additional_headers={"Origin": self.origin, "Cookie": self.cookie},
            open_timeout=20,
        )
        try:
            async with asyncio.timeout(20):
                while True:
                    frame = json.loads(await ws.recv())
                    if frame["type"] == "snapshot":
                        break
                    await self._take(frame)
        except BaseException:
            ws.transport.abort()
            raise
        if self.base_seq is None:
            self.base_seq = frame["seq"]
            self.base_streams = {k: v for k, v in frame["streams"].items() if v is not None}
        self.ws, self.daphne = ws, daphne
        self.outstanding = set()
        self.frozen = False
        self.reader = asyncio.create_task(self._read(ws))
        return frame


@dataclass
class Counters:
    board_sent: int = 0
    cursors_sent: int = 0
    drops: int = 0
    reconnects: int = 0
    connect_failures: int = 0
    resumes: int = 0
    snapshot_resumes: int = 0
    resent: int = 0
    closed_by_server: int = 0

    def add(self, other: Counters) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(eq=False)
class Seat:
    client: RoomClient
    entrance: Entrance
    rng: random.Random
    resend: bool = True
    counters: Counters = field(default_factory=Counters)
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))
    version: int = 0
    connected: bool = False
    cursors_received: int = 0

    @property
    def name(self) -> str:
        return self.client.name

    def unacked(self) -> list[str]:
        """Commands sent, in first-send order, with neither an ack nor an error."""
        refused = {e.get("id") for e in self.client.errors}
        return [i for i in self.client.sent if i not in self.client.acks and i not in refused]

    async def connect(self, deadline: float) -> None:
        delay = 0.2
        while True:
            try:
                await self.client.connect(self.entrance)
                self.connected = True
                return
            except (OSError, TimeoutError, websockets.WebSocketException):
                self.counters.connect_failures += 1
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def come_back(self, deadline: float) -> None:
        """Reconnect, resume from the last seq held whole, resend what has no ack."""
        await self.connect(deadline)
        self.counters.reconnects += 1
        await self.resume()
        if self.resend:
            pending = self.unacked()
            for message_id in pending:
                await self.client.send(self.client.sent[message_id])
            self.counters.resent += len(pending)

    async def resume(self) -> dict[str, Any]:
        reply = await self.client.resume(self.client.resume_point())
        self.counters.resumes += 1
        if reply["type"] != "events":
            self.counters.snapshot_resumes += 1  # too far behind: the view check will say
        return reply

    async def drop(self) -> None:
        """One more board update, then the transport is aborted: no close frame."""
        with contextlib.suppress(websockets.ConnectionClosed):
            await self.board_update()
        self.client.ws.transport.abort()
        await self.client.reader
        self.connected = False
        self.counters.drops += 1

    async def board_update(self) -> None:
        self.version += 1
        element = {
            "id": f"{self.name}-shape",
            "type": "rectangle",
            "version": self.version,
            "versionNonce": self.rng.randrange(2**31),
            "isDeleted": False,
            "index": "a0" if self.client.role == "interviewer" else "a1",
            "x": self.version % 500,
            "y": 0,
            "width": 40,
            "height": 20,
        }
        message_id = f"{self.name}-{next(self.numbers)}"
        self.counters.board_sent += 1
        await self.client.send({"type": "board.update", "id": message_id, "elements": [element]})

    async def cursor(self) -> None:
        self.counters.cursors_sent += 1
        pointer = {"x": self.rng.uniform(0, 800), "y": self.rng.uniform(0, 600)}
        await self.client.ws.send(json.dumps({"type": "cursor", "pointer": pointer}))

    async def run(self, until: float) -> None:
        """Draw and move the cursor until `until`, dropping and coming back at random."""
        role = self.client.role
        board_every = 1 / BOARD_PER_SECOND[role]
        cursor_every = 1 / CURSOR_PER_SECOND[role]
        now = time.monotonic()
        next_board = now + self.rng.uniform(0, board_every)
        next_cursor = now + self.rng.uniform(0, cursor_every)
        next_drop = now + self.rng.uniform(*DROP_EVERY)
        while (now := time.monotonic()) < until:
            try:
                if not self.connected or self.client.reader.done():
                    if self.connected:
                        self.counters.closed_by_server += 1
                    self.connected = False
                    await self.come_back(until + 60)
                elif now >= next_drop:
                    await self.drop()
                    await asyncio.sleep(self.rng.uniform(*AWAY))
                    # Drawn while offline: the send fails, so the server never saw it and
                    # the resend applies it (the update sent right before the drop usually
                    # arrived, and its resend is answered `duplicate`).
                    with contextlib.suppress(websockets.ConnectionClosed):
                        await self.board_update()
                    await self.come_back(until + 60)
                    next_drop = time.monotonic() + self.rng.uniform(*DROP_EVERY)
                elif now >= next_board:
                    await self.board_update()
                    next_board += board_every
                elif now >= next_cursor:
                    await self.cursor()
                    next_cursor += cursor_every
                else:
                    await asyncio.sleep(min(next_board, next_cursor, next_drop) - now)
            except (websockets.ConnectionClosed, ConnectionError):
                self.connected = False  # the next turn reconnects and resends

    async def finish(self) -> None:
        """After the load: connected, nothing unacknowledged (resending if need be)."""
        for _ in range(3):
            try:
                if not self.connected or self.client.reader.done():
                    await self.come_back(time.monotonic() + 60)
                elif self.resend:
                    pending = [i for i in self.unacked() if i not in self.client.outstanding]
                    for message_id in pending:
                        await self.client.send(self.client.sent[message_id])
                    self.counters.resent += len(pending)
                await self.client.wait(lambda: not self.unacked(), within=30)
                return
            except (websockets.ConnectionClosed, ConnectionError, AssertionError, TimeoutError):
                self.connected = False
        if not self.resend:
            # Without resends, what never got an ack stays that way; wait for the acks of
            # what the server has, then let the checks judge.
            with contextlib.suppress(AssertionError, TimeoutError):
                await self.client.wait(lambda: not self.client.outstanding, within=10)


async def run_room(
    target: Target, room: dict[str, Any], until: float, rng: random.Random, resend: bool
) -> tuple[list[Seat], dict[str, Any]]:
    seats = []
    for who in ("ivy", "cole"):
        person = room[who]
        client = SoakClient(
            f"{who}.{room['public_id']}",
            origin=target.origin,
            user_id=person["user_id"],
            role=person["role"],
            session=person["session"],
            public_id=room["public_id"],
        )
        seats.append(Seat(client, target.entrance, random.Random(rng.random()), resend=resend))
    for seat in seats:
        await seat.connect(time.monotonic() + 60)
    await seats[0].client.command("round.start", f"{seats[0].name}-start")
    await asyncio.gather(*(seat.run(until) for seat in seats))
    for seat in seats:
        await seat.finish()
    # A last resume each, then the log is read: events logged after a seat's resume (a
    # presence sweep, say) are left out of its view check by the reply's seq.
    upto = {}
    for seat in seats:
        reply = await seat.resume()
        upto[seat] = max([reply["seq"], *(e["seq"] for e in reply.get("events", []))])
    rows = await asyncio.to_thread(target.rows, room["interview_id"])
    board = await asyncio.to_thread(target.board, room["interview_id"])
    verdict = judge(rows, board, seats, upto)
    for seat in seats:
        with contextlib.suppress(Exception):
            seat.client.ws.transport.abort()
            await seat.client.reader
    return seats, verdict


def judge(
    rows: list[dict[str, Any]],
    board: dict[str, int],
    seats: list[Seat],
    upto: dict[Seat, int],
) -> dict[str, Any]:
    """The room's log and board against what its seats sent, were acknowledged and hold."""
    v: dict[str, Any] = {
        "commands": 0,
        "acked": 0,
        "duplicate_acks": 0,
        "never_acked": [],
        "lost": [],  # acknowledged, not in the log
        "logged_twice": [],  # in the log more than once
        "ack_mismatch": [],  # acks naming different seqs, or not the logged one
        "unknown_in_log": [],  # the seat's events whose message id it never sent
        "view_missing": [],
        "view_differs": [],
        "conflicts": 0,
        "errors": [],
        "seq_gaps": False,
        "acked_stale": 0,  # a late resend of a version the board had passed: no event
        "board_differs": [],  # element versions on the board against the last ones drawn
    }
    v["seq_gaps"] = [r["seq"] for r in rows] != list(range(1, len(rows) + 1))
    for seat in seats:
        client = seat.client
        logged: dict[str, list[int]] = {}
        for row in rows:
            if row["actor_id"] == client.user_id and row["client_msg_id"]:
                logged.setdefault(row["client_msg_id"], []).append(row["seq"])
        v["unknown_in_log"] += [f"{seat.name}:{i}" for i in logged if i not in client.sent]
        # (seq, element id, version) of every board change the log holds.
        drawn = [
            (row["seq"], element["id"], element["version"])
            for row in rows
            if row["kind"] == "board.updated"
            for element in row["payload"]["elements"]
        ]
        v["errors"] += [f"{seat.name}:{e.get('code')}:{e.get('id')}" for e in client.errors]
        for message_id in client.sent:
            v["commands"] += 1
            acks = client.acks.get(message_id, [])
            if not acks:
                v["never_acked"].append(f"{seat.name}:{message_id}")
                continue
            v["acked"] += 1
            v["duplicate_acks"] += sum(1 for a in acks if a.get("duplicate"))
            seqs = logged.get(message_id, [])
            if not seqs and stale(client.sent[message_id], acks, drawn):
                v["acked_stale"] += 1  # changed nothing, so nothing to log
                continue
            if not seqs:
                v["lost"].append(f"{seat.name}:{message_id}")
            elif len(seqs) > 1:
                v["logged_twice"].append(f"{seat.name}:{message_id}")
            if {a["seq"] for a in acks} != set(seqs[:1]):
                v["ack_mismatch"].append(f"{seat.name}:{message_id}")
        expected = {
            r["seq"]: row_view(r)
            for r in visible(rows, client.user_id, client.role)
            if client.base_seq < r["seq"] <= upto[seat]
        }
        v["view_missing"] += [f"{seat.name}:{s}" for s in expected if s not in client.events]
        v["view_differs"] += [
            f"{seat.name}:{s}"
            for s, frame in client.events.items()
            if s > client.base_seq and s <= upto[seat] and event_view(frame) != expected.get(s)
        ]
        v["conflicts"] += len(client.conflicts)
    drawn_last = {f"{seat.name}-shape": seat.version for seat in seats if seat.version}
    if board != drawn_last:
        v["board_differs"].append(f"board {board} != drawn {drawn_last}")
    return v


def stale(
    message: dict[str, Any], acks: list[dict[str, Any]], drawn: list[tuple[int, str, int]]
) -> bool:
    """A board update acknowledged without an event because, by the seq of its ack, the log
    already held a higher version of each of its elements (the merge keeps the higher one)."""
    if message["type"] != "board.update":
        return False
    at = min(a["seq"] for a in acks)
    return all(
        any(s <= at and i == e["id"] and version > e["version"] for s, i, version in drawn)
        for e in message["elements"]
    )


# --- One target's soak -------------------------------------------------------------------

VIOLATION_KEYS = (
    "never_acked",
    "lost",
    "logged_twice",
    "ack_mismatch",
    "unknown_in_log",
    "view_missing",
    "view_differs",
    "board_differs",
)


async def soak_target(
    target: Target,
    *,
    minutes: float,
    rooms: int,
    seed: int,
    out: Path,
    resend: bool = True,
    log: Any = None,
) -> dict[str, Any]:
    """Starts `target`, runs the workload for `minutes`, samples its processes, stops it,
    judges, saves JSON and PNG under `out`; returns the report (`report["ok"]`)."""
    log = log or functools.partial(print, flush=True)
    duration = minutes * 60
    interval = 60.0 if duration >= 300 else duration / 5
    warmup = min(WARMUP_SECONDS, duration / 3)
    rng = random.Random(seed)
    begun = time.monotonic()
    log(f"[{target.name}] starting: {target.describe()}")
    try:
        tags = [f"soak{n}" for n in range(rooms)]
        made = await asyncio.to_thread(target.up, tags)
        setup_seconds = time.monotonic() - begun
        log(f"[{target.name}] up with {rooms} rounds in {setup_seconds:.0f} s; soaking")
        sampler = Sampler(target)
        sampler.take("start")
        started = time.monotonic()
        until = started + duration

        async def sample_every() -> None:
            n = 1
            while (at := started + n * interval) < until - 1:
                await asyncio.sleep(at - time.monotonic())
                sample = sampler.take(f"{n * interval / 60:.1f} min")
                web = ", ".join(
                    f"{k} {p.get('rss_kb', 0) / 1024:.0f} MB/{p.get('fds', '-')} fd"
                    for k, p in sample["procs"].items()
                    if k in target.web
                )
                log(f"[{target.name}] {sample['label']}: {web}")
                n += 1

        sampling = asyncio.create_task(sample_every())
        results = await asyncio.gather(
            *(
                run_room(target, made[tag], until, random.Random(rng.random()), resend)
                for tag in tags
            )
        )
        sampling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampling
        sampler.take("end")
    finally:
        await asyncio.to_thread(target.stop)
    counters = Counters()
    totals: dict[str, Any] = {}
    for seats, verdict in results:
        for seat in seats:
            counters.add(seat.counters)
        for key, value in verdict.items():
            if isinstance(value, bool):
                totals[key] = totals.get(key, False) or value
            elif isinstance(value, list):
                totals.setdefault(key, []).extend(value)
            else:
                totals[key] = totals.get(key, 0) + value
    memory = rss_growth(sampler.samples, target.web, warmup)
    violations = [f"{k}: {len(totals[k])} ({totals[k][:5]})" for k in VIOLATION_KEYS if totals[k]]
    if totals["seq_gaps"]:
        violations.append("seq does not run 1..N in some room")
    if totals["conflicts"]:
        violations.append(f"conflicts: {totals['conflicts']} events received twice, differently")
    violations += [
        f"RSS of {name} grew {m['growth'] * 100:.1f} % after warm-up (budget 10 %)"
        for name, m in memory.items()
        if m["growth"] is None or m["growth"] > RSS_BUDGET
    ]
    report = {
        "target": target.name,
        "describe": target.describe(),
        "minutes": minutes,
        "rooms": rooms,
        "seed": seed,
        "resend": resend,
        "warmup_seconds": warmup,
        "sample_every_seconds": interval,
        "setup_seconds": round(setup_seconds, 1),
        "counters": counters.__dict__,
        "judged": {k: (len(v) if isinstance(v, list) else v) for k, v in totals.items()},
        "errors_seen": totals["errors"][:20],
        "rss_growth": memory,
        "samples": sampler.samples,
        "violations": violations,
        "ok": not violations,
        "machine": {"host": platform.node(), "cpus": os.cpu_count(), "python": sys.version},
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    report["json"] = str(out / f"soak-{target.name}.json")
    report["png"] = str(out / f"soak-{target.name}.png")
    await asyncio.to_thread(save, report, out)
    return report


def save(report: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    Path(report["json"]).write_text(json.dumps(report, indent=2))
    plot(report, Path(report["png"]))


def rss_growth(
    samples: list[dict[str, Any]], web: list[str], warmup: float
) -> dict[str, dict[str, Any]]:
    """Per web process: RSS at the start, at the first sample after warm-up, at the end."""
    growth = {}
    for name in web:
        series = [(s["t"], s["procs"].get(name, {}).get("rss_kb")) for s in samples]
        warm = next(
            (rss for t, rss in series[1:] if t >= warmup and rss), series[-1][1] if series else 0
        )
        start, end = series[0][1], series[-1][1]
        growth[name] = {
            "start_kb": start,
            "warm_kb": warm,
            "end_kb": end,
            "growth": (end - warm) / warm if warm and end else None,
        }
    return growth


def plot(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    samples = report["samples"]
    names = list(samples[0]["procs"])
    figure, (rss_axis, fd_axis) = plt.subplots(2, 1, figsize=(10, 8), sharex=True)
    for name in names:
        points = [
            (s["t"] / 60, s["procs"][name]) for s in samples if "rss_kb" in s["procs"].get(name, {})
        ]
        minutes = [t for t, _ in points]
        rss_axis.plot(minutes, [p["rss_kb"] / 1024 for _, p in points], marker="o", label=name)
        fd_axis.plot(minutes, [p["fds"] for _, p in points], marker="o", label=name)
    rss_axis.axvline(report["warmup_seconds"] / 60, color="grey", linestyle=":")
    rss_axis.set_ylabel("RSS (MiB)")
    fd_axis.set_ylabel("open file descriptors")
    fd_axis.set_xlabel("minutes into the soak")
    verdict = "OK" if report["ok"] else "VIOLATION"
    rss_axis.set_title(
        f"MockRoom soak, {report['target']}: {report['rooms']} rooms, "
        f"{report['minutes']:g} min, {report['when']} ({verdict})"
    )
    rss_axis.legend(fontsize=8, loc="upper left", ncols=2)
    rss_axis.grid(alpha=0.3)
    fd_axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def table(report: dict[str, Any]) -> str:
    samples = report["samples"]
    warm_at = next(
        (i for i, s in enumerate(samples) if i and s["t"] >= report["warmup_seconds"]),
        len(samples) - 1,
    )
    picks = {"start": 0, "warm": warm_at, "end": len(samples) - 1}
    lines = [
        f"== {report['describe']}",
        f"   {report['rooms']} rooms, {report['minutes']:g} min, seed {report['seed']}"
        f", warm-up sample at {samples[warm_at]['t'] / 60:.1f} min",
        f"   {'process':<16}{'pid':>8}  {'RSS MiB start/warm/end':>24}  {'growth':>8}"
        f"  {'FDs start/warm/end':>20}",
    ]
    for name in samples[0]["procs"]:
        at = {k: samples[i]["procs"].get(name, {}) for k, i in picks.items()}
        rss = "/".join(f"{at[k]['rss_kb'] / 1024:.1f}" if "rss_kb" in at[k] else "-" for k in at)
        fds = "/".join(str(at[k].get("fds", "-")) for k in at)
        growth = report["rss_growth"].get(name, {}).get("growth")
        shown = f"{growth * 100:+.1f} %" if growth is not None else ""
        lines.append(
            f"   {name:<16}{at['start'].get('pid', ''):>8}  {rss:>24}  {shown:>8}  {fds:>20}"
        )
    lines.append("   RSS MiB per sample (web processes):")
    for name in report["rss_growth"]:
        series = " ".join(
            f"{s['procs'][name]['rss_kb'] / 1024:.0f}" if "rss_kb" in s["procs"][name] else "-"
            for s in samples
        )
        lines.append(f"     {name}: {series}")
    c, j = report["counters"], report["judged"]
    lines.append(
        f"   load: {c['board_sent']} board updates, {c['cursors_sent']} cursors, {c['drops']}"
        f" drops without a close frame, {c['reconnects']} reconnects ({c['connect_failures']}"
        f" failed tries), {c['resumes']} resumes ({c['snapshot_resumes']} answered with a"
        f" snapshot), {c['resent']} resends ({j['duplicate_acks']} answered duplicate),"
        f" {c['closed_by_server']} closed by the server"
    )
    lines.append(
        f"   log: {j['commands']} commands, {j['acked']} acknowledged ({j['duplicate_acks']}"
        f" duplicate acks), never acknowledged {j['never_acked']}, lost {j['lost']}, logged"
        f" twice {j['logged_twice']}, ack/log mismatch {j['ack_mismatch']}, view missing"
        f" {j['view_missing']}, view differs {j['view_differs']}, board differs"
        f" {j['board_differs']}, error frames {j['errors']}; {j['acked_stale']} late resends"
        " acknowledged without an event (the board already had a higher version)"
    )
    lines.append(f"   plot: {report['png']}  json: {report['json']}")
    lines.append("   OK" if report["ok"] else "   VIOLATIONS:\n     " + "\n     ".join(
        report["violations"]))  # fmt: skip
    return "\n".join(lines)


async def soak(
    targets: list[str], *, minutes: float, rooms: int, seed: int, out: Path, concurrent: bool
) -> list[dict[str, Any]]:
    workdir = Path(tempfile.mkdtemp(prefix="mockroom-soak-"))
    try:
        made: list[Target] = [
            Embedded(workdir / "embedded") if t == "embedded" else Cluster(workdir / "cluster")
            for t in targets
        ]

        def run(target: Target) -> Any:
            return soak_target(target, minutes=minutes, rooms=rooms, seed=seed, out=out)

        if concurrent:
            return list(await asyncio.gather(*(run(t) for t in made)))
        return [await run(t) for t in made]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--target", choices=("embedded", "cluster", "both"), default="both")
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--one-after-another",
        action="store_true",
        help="with --target both, run the targets in turn instead of at once",
    )
    parser.add_argument("--out", type=Path, default=VAR)
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    targets = ["embedded", "cluster"] if args.target == "both" else [args.target]
    concurrent = len(targets) > 1 and not args.one_after_another
    print(
        f"soak: {', '.join(targets)}"
        + (" (at once, sharing the machine)" if concurrent else "")
        + (" (one after another)" if len(targets) > 1 and not concurrent else "")
        + f"; {args.minutes:g} min, {args.rooms} rooms each, seed {seed}"
        f"; {platform.node()}, {os.cpu_count()} CPUs, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        flush=True,
    )
    reports = asyncio.run(
        soak(
            targets,
            minutes=args.minutes,
            rooms=args.rooms,
            seed=seed,
            out=args.out,
            concurrent=concurrent,
        )
    )
    for report in reports:
        print(table(report), flush=True)
    ok = all(r["ok"] for r in reports)
    print("soak: OK" if ok else "soak: VIOLATIONS (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
