"""The Python load generator for bench_relay.py (`--generator python`); Node's is the default.

    .venv/bin/python tests/load/relay_generator.py < config.json > record.json

One asyncio loop and `websockets` hold every socket. It writes the same record as
tests/load/node/generator.mjs (times in microseconds of this process's monotonic clock),
and bench_relay.py computes the figures from either. It saturates its core at about 320
rooms of W1 on the reference machine, which is why Node's is the default; it is kept to
compare the two and for machines without Node.

Also home of the /proc readings both sides use: a server's process tree, its CPU ticks,
and how busy each core was.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from collections import Counter
from typing import Any

import orjson

BOARD_RATE = 10.0  # candidate board updates per second
CANDIDATE_CURSOR_RATE = 20.0
INTERVIEWER_CURSOR_RATE = 5.0
ELEMENTS_PER_ROOM = 8  # the candidate keeps editing a handful of shapes
ORIGIN = "http://localhost"
LATE_US = 10_000  # a send more than 10 ms behind schedule is late

RECTANGLE = {
    "type": "rectangle",
    "angle": 0,
    "strokeColor": "#1e1e1e",
    "backgroundColor": "transparent",
    "fillStyle": "solid",
    "strokeWidth": 2,
    "strokeStyle": "solid",
    "roughness": 1,
    "opacity": 100,
    "groupIds": [],
    "frameId": None,
    "roundness": {"type": 3},
    "boundElements": None,
    "link": None,
    "locked": False,
    "isDeleted": False,
    "width": 200,
    "height": 120,
}


def now_us() -> int:
    return time.perf_counter_ns() // 1000


# --- /proc ---------------------------------------------------------------------------------


def process_tree(root: int) -> list[int]:
    """`root` and every descendant (granian serves from a worker process it spawns)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue  # gone meanwhile
        children.setdefault(ppid, []).append(int(name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def proc_ticks(pids: list[int]) -> dict[int, int | None]:
    """utime + stime (clock ticks) of each process, fields 14 and 15 of stat(5)."""
    out: dict[int, int | None] = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            out[pid] = int(fields[11]) + int(fields[12])
        except OSError:
            out[pid] = None
    return out


def core_times() -> dict[str, tuple[int, int]]:
    """Per core: (busy, total) jiffies from /proc/stat; idle and iowait are not busy."""
    out = {}
    with open("/proc/stat") as handle:
        for line in handle:
            name, *values = line.split()
            if name.startswith("cpu") and name != "cpu":
                numbers = [int(v) for v in values[:8]]
                total = sum(numbers)
                out[name[3:]] = (total - numbers[3] - numbers[4], total)
    return out


def core_busy_percent(before: dict, after: dict) -> dict[str, float]:
    out = {}
    for core, (busy1, total1) in after.items():
        busy0, total0 = before[core]
        out[core] = 100 * (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0
    return out


def tree_ticks_delta(before: dict[str, dict], after: dict[str, dict]) -> dict[str, int]:
    out = {}
    for name, ticks in before.items():
        out[name] = sum(
            after[name][pid] - was
            for pid, was in ticks.items()
            if was is not None and after[name].get(pid) is not None
        )
    return out


# --- the generator -------------------------------------------------------------------------


class Room:
    """One round: its two sockets and what each saw."""

    def __init__(self, spec: dict) -> None:
        self.index = spec["index"]
        self.spec = spec
        self.candidate: Any = None
        self.interviewer: Any = None
        self.board_sent: list[int] = []  # n-1 → send time
        self.acked: list[int] = []
        self.refused: list[int] = []
        self.delivered: dict[int, tuple[int, int]] = {}  # n → (receive time, latency)
        # cursors by sender: n-1 → send time, and n → receive time
        self.cursor_sent: dict[str, list[int]] = {"candidate": [], "interviewer": []}
        self.cursor_received: dict[str, dict[int, int]] = {"candidate": {}, "interviewer": {}}


class Generator:
    def __init__(self, config: dict) -> None:
        self.config = config
        self.raw = config["target"] == "raw"
        self.rooms = [Room(spec) for spec in config["rooms"]]
        self.random = random.Random(config["seed"])
        self.errors: Counter[str] = Counter()
        self.closing = False
        self.sends = self.late_sends = 0
        self.max_late_us = 0

    async def connect(self, room: Room, role: str) -> Any:
        from websockets.asyncio.client import connect

        port = room.spec.get("port", self.config["port"])  # the room's worker (--cluster)
        if self.raw:
            url, headers = f"ws://127.0.0.1:{port}/room/{room.index}/{role}", None
        else:
            url = f"ws://127.0.0.1:{port}/ws/interviews/{room.spec['public_id']}/"
            headers = {"Origin": ORIGIN, "Cookie": f"sessionid={room.spec[role]}"}
        ws = await connect(
            url,
            additional_headers=headers,
            compression=None,
            ping_interval=None,
            open_timeout=60,
            max_size=2**20,
            max_queue=None,
        )
        if not self.raw:
            async with asyncio.timeout(60):
                while True:  # the snapshot comes first; presence events may follow
                    frame = orjson.loads(await ws.recv())
                    if frame.get("type") == "snapshot":
                        break
        return ws

    async def connect_all(self) -> None:
        gate = asyncio.Semaphore(16)

        async def one(room: Room, role: str) -> None:
            async with gate:
                setattr(room, role, await self.connect(room, role))

        async with asyncio.TaskGroup() as group:
            for room in self.rooms:
                for role in ("interviewer", "candidate"):
                    group.create_task(one(room, role))

    # --- receiving ---

    async def read(self, room: Room, role: str) -> None:
        from websockets.exceptions import ConnectionClosed

        ws = getattr(room, role)
        loads = orjson.loads
        peer = "interviewer" if role == "candidate" else "candidate"
        try:
            async for message in ws:
                now = now_us()
                frame = loads(message)
                kind = frame.get("type")
                if kind == "event":
                    if frame.get("kind") == "board.updated" and role == "interviewer":
                        self.board_seen(room, frame["payload"]["elements"], now)
                elif kind == "ephemeral":
                    if frame.get("kind") == "cursor":
                        n = int(frame["payload"]["pointer"]["x"])
                        room.cursor_received[peer].setdefault(n, now)
                elif kind == "cursor":  # raw relay: the peer's message as sent
                    room.cursor_received[peer].setdefault(int(frame["pointer"]["x"]), now)
                elif kind == "board.update":  # raw relay
                    if role == "interviewer":
                        self.board_seen(room, frame["elements"], now)
                elif kind == "ack":
                    room.acked.append(int(frame["id"].rsplit("-", 1)[1]))
                elif kind == "error":
                    self.errors[frame.get("code") or "?"] += 1
                    if isinstance(frame.get("id"), str) and frame["id"].startswith("c"):
                        room.refused.append(int(frame["id"].rsplit("-", 1)[1]))
        except ConnectionClosed as closed:
            if not self.closing:
                self.errors[f"closed:{closed.rcvd.code if closed.rcvd else 'abnormal'}"] += 1

    @staticmethod
    def board_seen(room: Room, elements: list[dict], now: int) -> None:
        for element in elements:
            custom = element.get("customData") or {}
            n = custom.get("n")
            if n is not None and n not in room.delivered:
                room.delivered[n] = (now, now - custom["sent"])

    # --- sending ---

    async def paced(self, rate: float, until: int, send: Any) -> None:
        """Open-loop: send at start + k/rate whatever happened before; starts at random."""
        from websockets.exceptions import ConnectionClosed

        period = 1e6 / rate
        due = self.start + self.random.uniform(0, 1e6)
        n = 0
        while due < until:
            wait = due - now_us()
            if wait > 0:
                await asyncio.sleep(wait / 1e6)
            late = now_us() - due  # how far behind schedule the generator is
            self.sends += 1
            self.late_sends += late > LATE_US
            self.max_late_us = max(self.max_late_us, late)
            n += 1
            try:
                await send(n)
            except ConnectionClosed:
                return
            due += period

    def board_sender(self, room: Room) -> Any:
        dumps = orjson.dumps
        rnd = self.random

        async def send(n: int) -> None:
            slot = n % ELEMENTS_PER_ROOM
            sent = now_us()
            element = {
                **RECTANGLE,
                "id": f"r{room.index}-{slot}",
                "version": n + 1,
                "versionNonce": rnd.randrange(1, 2**31),
                "index": f"a{slot}",
                "seed": 1000 + slot,
                "x": round(rnd.uniform(0, 1600), 2),
                "y": round(rnd.uniform(0, 900), 2),
                "updated": 1767225600000 + n,
                "customData": {"sent": sent, "n": n},
            }
            frame = {"type": "board.update", "id": f"c{room.index}-{n}", "elements": [element]}
            room.board_sent.append(sent)
            await room.candidate.send(dumps(frame).decode())

        return send

    def cursor_sender(self, room: Room, role: str) -> Any:
        dumps = orjson.dumps
        rnd = self.random
        ws = getattr(room, role)
        sent_log = room.cursor_sent[role]

        async def send(n: int) -> None:
            frame = {
                "type": "cursor",
                "pointer": {"x": n, "y": round(rnd.uniform(0, 900), 1), "tool": "pointer"},
                "button": "up",
                "selected": [],
            }
            sent_log.append(now_us())
            await ws.send(dumps(frame).decode())

        return send

    # --- the run ---

    async def run(self) -> dict:
        connect_started = time.perf_counter()
        await self.connect_all()
        connect_s = time.perf_counter() - connect_started
        readers = [
            asyncio.create_task(self.read(room, role))
            for room in self.rooms
            for role in ("interviewer", "candidate")
        ]
        await asyncio.sleep(0.5)  # let presence events settle
        warmup, window, grace = self.config["warmup"], self.config["window"], self.config["grace"]
        self.start = now_us()
        until = self.start + int((1.0 + warmup + window) * 1e6)  # senders start within 1 s
        senders = []
        mix = self.config.get("mix", "all")
        for room in self.rooms:
            if mix in ("all", "board"):
                senders.append(self.paced(BOARD_RATE, until, self.board_sender(room)))
            if mix in ("all", "cursors"):
                senders.append(
                    self.paced(CANDIDATE_CURSOR_RATE, until, self.cursor_sender(room, "candidate"))
                )
                senders.append(
                    self.paced(
                        INTERVIEWER_CURSOR_RATE, until, self.cursor_sender(room, "interviewer")
                    )
                )
        sending = asyncio.gather(*senders)

        await asyncio.sleep((until - window * 1e6 - now_us()) / 1e6)
        tree = {name: process_tree(pid) for name, pid in self.config["server_pids"].items()}
        cpu0 = {name: proc_ticks(pids) for name, pids in tree.items()}
        gen0, cores0, w0 = os.times(), core_times(), now_us()
        await asyncio.sleep((until - now_us()) / 1e6)
        cpu1 = {name: proc_ticks(pids) for name, pids in tree.items()}
        gen1, cores1, w1 = os.times(), core_times(), now_us()
        await sending
        await asyncio.sleep(grace)
        self.closing = True
        await asyncio.gather(
            *(ws.close() for room in self.rooms for ws in (room.candidate, room.interviewer)),
            return_exceptions=True,
        )
        for task in readers:
            task.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        return {
            "generator": "python",
            "connect_s": connect_s,
            "window_us": [w0, w1],
            "server_ticks": tree_ticks_delta(cpu0, cpu1),
            "server_pids": tree,
            "generator_cpu_s": (gen1.user + gen1.system) - (gen0.user + gen0.system),
            "generator_sys_s": gen1.system - gen0.system,
            "core_busy_percent": core_busy_percent(cores0, cores1),
            "sends": self.sends,
            "late_sends": self.late_sends,
            "max_late_ms": self.max_late_us / 1000,
            "errors": dict(self.errors),
            "rooms": [
                {
                    "board_sent": room.board_sent,
                    "acked": room.acked,
                    "refused": room.refused,
                    "delivered": [[n, at, lat] for n, (at, lat) in room.delivered.items()],
                    "cursor_sent": room.cursor_sent,
                    "cursor_received": {
                        role: list(received.items())
                        for role, received in room.cursor_received.items()
                    },
                }
                for room in self.rooms
            ],
        }


def main() -> None:
    config = json.loads(sys.stdin.read())
    record = asyncio.run(Generator(config).run())
    sys.stdout.write(orjson.dumps(record).decode() + "\n")


if __name__ == "__main__":
    main()
