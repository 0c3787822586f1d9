"""The fault benchmark (`make faults`): the loopback production cluster (ops/cluster.py) under
moderate W1-like load, with one part broken at a time. Not a test: it prints figures. A short
version runs in `make test` (tests/cluster/test_faults_short.py).

Every room has its two participants connected through nginx (so both land on the worker the
room hash picks). Each participant draws (board updates at `--rate` per second, at most
`WINDOW` unacknowledged) and keeps its own record: every command it sent, every ack, every
event, live or resumed. When its socket drops it reconnects through nginx with backoff,
resumes from the last seq it holds whole, and resends what was never acknowledged, in order.
A command refused as `unavailable` (the database was away) is sent again a moment later.

Faults, one at a time, each in the middle of load:
- `kill`: `kill -9` of the worker that carries the most rooms, then it is started again;
- `redis`: Redis stopped and started again;
- `postgres`: PostgreSQL fast shutdown, then started again;
- `nginx`: nginx reload (SIGHUP).

For each, after the load stops and every client has settled:
- recovery: per client, the time from the fault until a command it sent after the fault was
  acknowledged (for a client whose socket dropped, that includes reconnecting and resuming);
  p50 and max over clients;
- lost: acknowledged commands whose event is not in the log at the acknowledged seq;
- duplicated: commands applied more than once (client message id twice in the log, or acked
  at two seqs);
- diverged: rooms where a participant's board (snapshot + every event it holds + its own
  acked updates) differs from the database's, and clients that miss events of the log;
- errors: error frames the clients saw, by code.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ops.cluster import Topology  # noqa: E402
from tests.live.cluster import (  # noqa: E402
    STAFF_ROLES,
    STREAM_OF_AUDIENCE,
    RoomLog,
    migrate_and_create_rooms,
)

WINDOW = 4  # board updates a participant keeps unacknowledged
FAULTS = ("kill", "redis", "postgres", "nginx")
RETRY_UNAVAILABLE_S = 0.2


@dataclass
class Participant:
    name: str
    user_id: int
    role: str
    session: str
    public_id: str
    interview_id: int
    port: int
    rate: float
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)
    acks: dict[str, set[int]] = field(default_factory=dict)
    unacked: dict[str, None] = field(default_factory=dict)  # ordered set, across connections
    events: dict[int, dict[str, Any]] = field(default_factory=dict)
    conflicts: int = 0
    errors: Counter = field(default_factory=Counter)
    base_seq: int = 0
    base_streams: dict[str, int] = field(default_factory=dict)
    board: dict[str, int] = field(default_factory=dict)  # element id -> version, as seen
    ws: Any = None
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    drawing: bool = False
    running: bool = True
    disconnects: int = 0
    fault_at: float | None = None
    recovered_at: float | None = None
    counter: int = 0
    version: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _resume_reply: asyncio.Future | None = None
    _pending: set[asyncio.Future] = field(default_factory=set)
    joined: bool = False  # has taken its first snapshot; later connections resume
    trace: deque = field(default_factory=lambda: deque(maxlen=2000))

    # --- the connection loop ----------------------------------------------------------

    async def run(self) -> None:
        delay = 0.05
        while self.running:
            try:
                ws = await websockets.connect(
                    f"ws://127.0.0.1:{self.port}/ws/interviews/{self.public_id}/",
                    additional_headers={
                        "Origin": f"http://127.0.0.1:{self.port}",
                        "Cookie": f"sessionid={self.session}",
                    },
                    open_timeout=10,
                    max_queue=None,
                )
            except (OSError, websockets.InvalidStatus, websockets.InvalidHandshake, TimeoutError):
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
            try:
                await self._session(ws)
                delay = 0.05
            except (websockets.ConnectionClosed, OSError, TimeoutError):
                pass
            finally:
                self.connected.clear()
                self.ws = None
                with contextlib.suppress(Exception):
                    await ws.close()
            if self.running:
                self.disconnects += 1

    async def _session(self, ws: Any) -> None:
        async with asyncio.timeout(20):
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "snapshot":
                    break
        first = not self.joined
        if first:
            self._take_snapshot(frame)
            self.joined = True
        reader = asyncio.create_task(self._read(ws))
        try:
            self.ws = ws
            if not first:
                last = self.resume_point()
                loop = asyncio.get_running_loop()
                self._resume_reply = loop.create_future()
                self.counter += 1
                await ws.send(
                    json.dumps(
                        {"type": "resume", "id": f"{self.name}-r{self.counter}", "last_seq": last}
                    )
                )
                async with asyncio.timeout(20):
                    reply = await asyncio.shield(self._resume_reply)
                if reply["type"] == "snapshot":
                    self._take_snapshot(reply)
                else:
                    for event in reply["events"]:
                        self._take_event(event)
                for message_id in list(self.unacked):
                    await self._send_raw(self.sent[message_id])
            self.connected.set()
            async with self.changed:
                self.changed.notify_all()
            await reader
        finally:
            reader.cancel()
            with contextlib.suppress(BaseException):
                await reader

    async def _read(self, ws: Any) -> None:
        async for raw in ws:
            frame = json.loads(raw)
            self.trace.append(("in", time.monotonic(), raw[:120]))
            kind = frame["type"]
            if kind == "event":
                self._take_event(frame)
            elif kind == "ack":
                self.acks.setdefault(frame["id"], set()).add(frame["seq"])
                self.unacked.pop(frame["id"], None)
                if (
                    self.fault_at is not None
                    and self.recovered_at is None
                    and self.sent.get(frame["id"], {}).get("_after_fault")
                ):
                    self.recovered_at = time.monotonic()
            elif kind == "error":
                self.errors[frame.get("code", "?")] += 1
                message_id = frame.get("id")
                if frame.get("code") == "unavailable" and message_id in self.unacked:
                    asyncio.get_running_loop().call_later(
                        RETRY_UNAVAILABLE_S, self._resend_later, message_id
                    )
                elif message_id in self.unacked:
                    self.unacked.pop(message_id)  # refused for good: not expected in the log
            elif (
                kind in ("events", "snapshot")
                and self._resume_reply
                and not self._resume_reply.done()
            ):
                self._resume_reply.set_result(frame)
            async with self.changed:
                self.changed.notify_all()

    def _resend_later(self, message_id: str) -> None:
        if self.ws is not None and message_id in self.unacked:
            task = asyncio.ensure_future(self._send_raw(self.sent[message_id]))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _send_raw(self, message: dict[str, Any]) -> None:
        ws = self.ws
        if ws is None:
            return  # the reconnect resends it
        self.trace.append(("out", time.monotonic(), message["id"], id(ws)))
        with contextlib.suppress(websockets.ConnectionClosed, OSError):
            await ws.send(json.dumps({k: v for k, v in message.items() if not k.startswith("_")}))

    # --- state ------------------------------------------------------------------------

    def _take_snapshot(self, frame: dict[str, Any]) -> None:
        self.base_seq = frame["seq"]
        self.base_streams = {k: v for k, v in frame["streams"].items() if v is not None}
        self.events = {s: e for s, e in self.events.items() if s > self.base_seq}
        self.board = {e["id"]: e["version"] for e in frame["board"]["elements"]}

    def _take_event(self, frame: dict[str, Any]) -> None:
        known = self.events.setdefault(frame["seq"], frame)
        if known != frame:
            self.conflicts += 1
        if frame["kind"] == "board.updated":
            for element in frame["payload"].get("elements", []):
                if element["version"] > self.board.get(element["id"], 0):
                    self.board[element["id"]] = element["version"]

    def resume_point(self) -> int:
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

    # --- drawing ----------------------------------------------------------------------

    def _next(self) -> dict[str, Any]:
        self.counter += 1
        self.version += 1
        element = f"{self.name}-shape"
        return {
            "type": "board.update",
            "id": f"{self.name}-{self.counter}",
            "elements": [
                {
                    "id": element,
                    "type": "rectangle",
                    "version": self.version,
                    "versionNonce": random.randrange(2**31),
                    "isDeleted": False,
                    "index": "a0" if self.role == "interviewer" else "a1",
                    "x": self.version,
                    "y": 0,
                    "width": 40,
                    "height": 20,
                }
            ],
        }

    async def draw(self) -> None:
        period = 1 / self.rate
        await asyncio.sleep(random.random() * period)
        while self.running:
            if self.drawing and self.ws is not None and len(self.unacked) < WINDOW:
                message = self._next()
                if self.fault_at is not None:
                    message["_after_fault"] = True
                self.sent[message["id"]] = message
                self.unacked[message["id"]] = None
                await self._send_raw(message)
            await asyncio.sleep(period)

    def status(self) -> str:
        return (
            f"{self.name}: connected={self.connected.is_set()} unacked={list(self.unacked)[:5]}"
            f" disconnects={self.disconnects} errors={dict(self.errors)}\n"
            + "\n".join(
                str(t)
                for t in self.trace
                if any(m in str(t) for m in self.unacked) or '"events"' in str(t)
            )
        )

    async def settled(self, within: float) -> None:
        async with asyncio.timeout(within), self.changed:
            await self.changed.wait_for(lambda: self.connected.is_set() and not self.unacked)


def own_board(participant: Participant) -> dict[str, int]:
    """What this participant's board should hold: what it saw, plus its own acked updates."""
    board = dict(participant.board)
    for message_id in participant.acks:
        for element in participant.sent[message_id]["elements"]:
            if element["version"] > board.get(element["id"], 0):
                board[element["id"]] = element["version"]
    return board


async def check_room(log: RoomLog, people: list[Participant]) -> dict[str, int]:
    rows = await log.rows()
    counts = Counter((r["actor_id"], r["client_msg_id"]) for r in rows if r["client_msg_id"])
    seq_of = {(r["actor_id"], r["client_msg_id"]): r["seq"] for r in rows if r["client_msg_id"]}
    lost = duplicated = missing = 0
    for person in people:
        for message_id, seqs in person.acks.items():
            key = (person.user_id, message_id)
            if len(seqs) > 1 or counts[key] > 1:
                duplicated += 1
            if key not in seq_of or seq_of[key] not in seqs:
                lost += 1
        visible = {
            r["seq"]
            for r in rows
            if r["seq"] > person.base_seq
            and (
                r["audience"] == "all"
                or (r["audience"] == "author" and r["audience_user_id"] == person.user_id)
                or (r["audience"] == "staff" and person.role in STAFF_ROLES)
            )
        }
        missing += len(visible - set(person.events))
        # Events a client holds must be the log's (same kind, stream and payload).
        by_seq = {r["seq"]: r for r in rows}
        for seq, event in person.events.items():
            row = by_seq.get(seq)
            if (
                row is None
                or row["kind"] != event["kind"]
                or (STREAM_OF_AUDIENCE[row["audience"]] != event["stream"])
            ):
                missing += 1
    database = await log.board_versions()
    diverged = int(any(own_board(p) != database for p in people))
    return {"lost": lost, "duplicated": duplicated, "diverged": diverged, "missing": missing}


def busiest_worker(topology: Topology) -> int:
    """The worker with the most established TCP connections right now (nginx's upstream
    connections to it carry the room sockets)."""
    counts = [_established(worker.port) for worker in topology.workers]
    return counts.index(max(counts))


def _established(port: int) -> int:
    """TCP connections established to 127.0.0.1:`port` (from /proc/net/tcp)."""
    wanted = f"0100007F:{port:04X}"
    count = 0
    with open("/proc/net/tcp") as handle:
        next(handle)
        for line in handle:
            fields = line.split()
            if fields[1] == wanted and fields[3] == "01":
                count += 1
    return count


async def inject(topology: Topology, fault: str) -> str:
    if fault == "kill":
        index = busiest_worker(topology)
        topology.kill_worker(index)
        await asyncio.to_thread(topology.start_worker, index)
        return f"kill -9 web-{index + 1}, started again"
    if fault == "redis":
        await asyncio.to_thread(topology.restart_redis)
        return "redis-server stopped and started"
    if fault == "postgres":
        await asyncio.to_thread(topology.restart_postgres)
        return "PostgreSQL fast shutdown, started"
    if fault == "nginx":
        topology.reload_nginx()
        return "nginx reload (SIGHUP)"
    raise ValueError(fault)


async def run(
    topology: Topology,
    *,
    rooms: int,
    faults: list[str],
    rate: float,
    before: float,
    after: float,
    settle: float = 60,
) -> list[dict[str, Any]]:
    tags = [f"f{i}" for i in range(rooms)]
    made = await asyncio.to_thread(migrate_and_create_rooms, topology.env, tags)
    port = topology.port
    people: list[Participant] = []
    by_room: dict[int, list[Participant]] = {}
    for tag, room in made.items():
        for who in ("ivy", "cole"):
            p = room[who]
            person = Participant(
                name=f"{who}-{tag}",
                user_id=p["user_id"],
                role=p["role"],
                session=p["session"],
                public_id=room["public_id"],
                interview_id=room["interview_id"],
                port=port,
                rate=rate,
            )
            people.append(person)
            by_room.setdefault(room["interview_id"], []).append(person)
    tasks = [asyncio.create_task(p.run()) for p in people]
    tasks += [asyncio.create_task(p.draw()) for p in people]
    logs = {i: await RoomLog.open(topology.database_url(), i) for i in by_room}
    results = []
    try:
        async with asyncio.timeout(60):
            await asyncio.gather(*(p.connected.wait() for p in people))
        for fault in faults:
            for p in people:
                p.fault_at = p.recovered_at = None
                p.errors.clear()
                p.drawing = True
            await asyncio.sleep(before)  # load before the fault: a duration of load, not a wait
            fault_at = time.monotonic()
            for p in people:
                p.fault_at = fault_at
            disconnects = sum(p.disconnects for p in people)
            what = await inject(topology, fault)
            async with asyncio.timeout(settle):
                async with asyncio.TaskGroup() as group:
                    for p in people:
                        group.create_task(_recovered(p))
            await asyncio.sleep(after)  # load after recovery
            for p in people:
                p.drawing = False
            try:
                async with asyncio.timeout(settle):
                    await asyncio.gather(*(p.settled(settle) for p in people))
            except TimeoutError:
                stuck = [p.status() for p in people if not p.connected.is_set() or p.unacked]
                raise TimeoutError(f"after {fault}, clients did not settle: {stuck}") from None
            # Reconnect everyone's view of the log: resume until each holds every event.
            totals = Counter()
            for interview_id, room_people in by_room.items():
                for log in [logs[interview_id]]:
                    with contextlib.suppress(Exception):
                        await log.conn.execute("SELECT 1")
                    if log.conn.closed or log.conn.broken:
                        logs[interview_id] = log = await RoomLog.open(
                            topology.database_url(), interview_id
                        )
                    await _catch_up(room_people, log)
                    totals.update(await check_room(log, room_people))
            recovery = [p.recovered_at - fault_at for p in people if p.recovered_at is not None]
            errors = Counter()
            for p in people:
                errors.update(p.errors)
            results.append(
                {
                    "fault": fault,
                    "what": what,
                    "rooms": rooms,
                    "clients": len(people),
                    "dropped": sum(p.disconnects for p in people) - disconnects,
                    "recovery_p50_s": statistics.median(recovery) if recovery else None,
                    "recovery_max_s": max(recovery) if recovery else None,
                    "acked": sum(len(p.acks) for p in people),
                    "lost": totals["lost"],
                    "duplicated": totals["duplicated"],
                    "diverged": totals["diverged"],
                    "missing": totals["missing"],
                    "conflicts": sum(p.conflicts for p in people),
                    "errors": dict(errors),
                }
            )
            await asyncio.to_thread(topology.wait_healthy)
    finally:
        for p in people:
            p.running = False
            p.drawing = False
            if p.ws is not None:
                with contextlib.suppress(Exception):
                    await p.ws.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for log in logs.values():
            with contextlib.suppress(Exception):
                await log.close()
    return results


async def _recovered(p: Participant) -> None:
    async with p.changed:
        await p.changed.wait_for(lambda: p.recovered_at is not None)


async def _catch_up(people: list[Participant], log: RoomLog) -> None:
    """Resume every participant until it holds the log's head: events sent live just before
    the load stopped may still be on their way; a resume asks for them explicitly."""
    for p in people:
        if p.ws is None:
            continue
        p._resume_reply = asyncio.get_running_loop().create_future()
        p.counter += 1
        await p.ws.send(
            json.dumps(
                {"type": "resume", "id": f"{p.name}-c{p.counter}", "last_seq": p.resume_point()}
            )
        )
        async with asyncio.timeout(20):
            reply = await p._resume_reply
        if reply["type"] == "snapshot":
            p._take_snapshot(reply)
        else:
            for event in reply["events"]:
                p._take_event(event)


def print_table(results: list[dict[str, Any]]) -> None:
    header = (
        "| fault | clients dropped | recovery p50 | recovery max | acked | lost | duplicated "
        "| diverged rooms | events missing | errors seen |"
    )
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        p50 = "—" if r["recovery_p50_s"] is None else f"{r['recovery_p50_s']:.2f} s"
        top = "—" if r["recovery_max_s"] is None else f"{r['recovery_max_s']:.2f} s"
        errors = ", ".join(f"{k} {v}" for k, v in sorted(r["errors"].items())) or "none"
        print(
            f"| {r['what']} | {r['dropped']} | {p50} | {top} | {r['acked']} | {r['lost']} "
            f"| {r['duplicated']} | {r['diverged']} | {r['missing']} | {errors} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=5.0, help="board updates/s per participant")
    parser.add_argument("--faults", default=",".join(FAULTS))
    parser.add_argument("--before", type=float, default=10.0, help="seconds of load before")
    parser.add_argument("--after", type=float, default=5.0, help="seconds of load after")
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "faults.json")
    args = parser.parse_args(argv)
    faults = [f for f in args.faults.split(",") if f]
    unknown = set(faults) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults {sorted(unknown)}; choose from {', '.join(FAULTS)}")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mockroom-faults-") as tmp:
        topology = Topology(Path(tmp), workers=args.workers)
        print(f"Starting the cluster ({args.workers} workers)…", flush=True)
        topology.start()
        try:
            results = asyncio.run(
                run(
                    topology,
                    rooms=args.rooms,
                    faults=faults,
                    rate=args.rate,
                    before=args.before,
                    after=args.after,
                )
            )
        except BaseException:
            for part in [topology.postgres, topology.redis, *topology.workers, topology.nginx]:
                if part is not None:
                    print(part.tail(), file=sys.stderr)
            raise
        finally:
            topology.stop()
    print_table(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"{time.monotonic() - started:.0f} s; JSON in {args.json}")
    bad = [r for r in results if r["lost"] or r["duplicated"] or r["diverged"] or r["missing"]]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
