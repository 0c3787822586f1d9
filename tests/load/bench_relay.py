"""Relay-capacity benchmark for workload W1 (not a test: it prints figures).

    .venv/bin/python tests/load/bench_relay.py --rooms 5,10,20,40,80 --baseline
    .venv/bin/python tests/load/bench_relay.py --rooms 5,10,20 --layer redis

Workload W1 (docs: /work/shared/design.md, "Performance budget"), per room: the candidate
sends 10 `board.update`/s (one ~400-byte rectangle, growing version, message id
`c<room>-<n>`, the send time in `customData.sent`) and 20 `cursor`/s; the interviewer sends
5 `cursor`/s. Start times are spread at random.

The server side runs on core 0 (`taskset -c 0`): one Daphne process serving
mockroom.asgi:application on a temporary SQLite database (WAL), plus its own redis-server
when `--layer redis|pubsub`. The load generator re-executes this script with `--generator`
under `taskset -c 1`: one asyncio loop holding every socket. Each room count gets a fresh
copy of the database and a fresh server.

For each room count: warm-up (5 s), measurement window (20 s), then 3 s of grace for late
deliveries. Printed per step:
- board latency p50/p95/p99: the interviewer's receive time of `board.updated` minus the
  candidate's send time (same process, same clock), over the board messages sent in the
  window; a message not delivered by the end of the grace counts as infinitely late;
- board messages sent / acked / delivered / lost in the window (lost = acked, never
  delivered to the peer), and lost over the whole run (warm-up included);
- cursor delivery ratio (both directions, cursors sent in the window);
- server CPU per relayed message: utime+stime of the server processes (from /proc) over
  the window, divided by the messages relayed in the window (board events delivered to
  the interviewer + cursors delivered);
- PASS when board p99 <= 100 ms and no acked message was lost (the design's rule).
Room counts are tried in order; the first FAIL stops the series.

`--baseline` runs the same load against tests/load/raw_relay.py (asyncio + websockets, no
database, no validation, no auth; also on core 0) in the same run, so every figure can be
given as a ratio of the raw relay. Its room list is `--baseline-rooms` (default: the same).
Generator CPU is printed too: above ~85 % of its core, the generator is the limit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.services import free_port, stop, wait_for_port  # noqa: E402

SERVER_CPU = 0
GENERATOR_CPU = 1
ORIGIN = "http://localhost"
P99_BUDGET_MS = 100.0
BOARD_RATE = 10.0  # candidate board updates per second
CANDIDATE_CURSOR_RATE = 20.0
INTERVIEWER_CURSOR_RATE = 5.0
ELEMENTS_PER_ROOM = 8  # the candidate keeps editing a handful of shapes
LAYERS = {
    "memory": None,
    "redis": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}

# One `manage.py shell -c` call: users, rounds (started), sessions; prints JSON.
SETUP = """
import json, os
from datetime import UTC, datetime, timedelta
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from mockroom.accounts.models import User
from mockroom.interviews.agenda import template_phases
from mockroom.interviews.models import Participant, Role
from mockroom.interviews.services import interview_create
from mockroom.live.services import room_command

count = int(os.environ["BENCH_ROOMS"])
password = make_password("bench-password-1")
with transaction.atomic():
    User.objects.bulk_create(
        User(email=f"{who}{i}@bench.example", display_name=f"{who.title()} {i}",
             password=password)
        for i in range(count) for who in ("ivy", "cole"))
    users = {u.email: u for u in User.objects.filter(email__endswith="@bench.example")}
    agenda = template_phases("system_design")
    when = datetime(2030, 1, 1, tzinfo=UTC)
    rounds = []
    for i in range(count):
        ivy, cole = users[f"ivy{i}@bench.example"], users[f"cole{i}@bench.example"]
        interview, _ = interview_create(
            creator=ivy, title=f"Relay bench {i}", kind="system_design",
            creator_role="interviewer", agenda=agenda, scheduled_at=when, time_zone="UTC")
        Participant.objects.create(interview=interview, user=cole, role=Role.CANDIDATE)
        rounds.append((interview, ivy, cole))
for interview, ivy, _ in rounds:
    room_command(interview_id=interview.pk, user_id=ivy.pk, command="round.start",
                 client_msg_id="bench-start", args={})
store = SessionStore()
expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
backend = settings.AUTHENTICATION_BACKENDS[0]
sessions = []

def session_key(user):
    key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
    data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash()}
    sessions.append(Session(session_key=key, session_data=store.encode(data),
                            expire_date=expires))
    return key

out = [{"index": i, "public_id": interview.public_id, "interviewer": session_key(ivy),
        "candidate": session_key(cole)} for i, (interview, ivy, cole) in enumerate(rounds)]
Session.objects.bulk_create(sessions)
print(json.dumps(out))
"""


# --- Orchestrator -------------------------------------------------------------------------


def base_env(db_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "CHANNEL_LAYER_BACKEND")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="mockroom.settings.test",
        DATABASE_URL=f"sqlite:///{db_path}",
        MEDIA_ROOT=str(db_path.parent / "media"),  # else each process leaves a temp folder
        PYTHONUNBUFFERED="1",
    )
    return env


def setup_database(tmp: Path, count: int) -> tuple[Path, list[dict]]:
    db = tmp / "pristine.sqlite3"
    env = base_env(db)
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    made = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env={**env, "BENCH_ROOMS": str(count)},
        check=True,
        capture_output=True,
        text=True,
    )
    rooms = json.loads(made.stdout.strip().splitlines()[-1])
    print(
        f"setup: {count} started rounds, {2 * count} users and sessions "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return db, rooms


def fresh_copy(pristine: Path, tmp: Path, label: str) -> Path:
    """A private copy of the set-up database, so each step starts from the same state."""
    target = tmp / f"{label}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{pristine}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{target}{suffix}")
    return target


def pinned(cmd: list[str], cpu: int) -> list[str]:
    return ["taskset", "-c", str(cpu), *cmd]


class Servers:
    """The server side of one step, pinned to core 0; stopped by PID."""

    def __init__(self) -> None:
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def start(self, name: str, cmd: list[str], log: Path, **kwargs: Any) -> subprocess.Popen:
        handle = open(log, "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            pinned(cmd, SERVER_CPU), stdout=handle, stderr=subprocess.STDOUT, **kwargs
        )
        handle.close()
        self.procs[name] = proc
        self.logs[name] = log
        return proc

    def pids(self) -> dict[str, int]:
        return {name: proc.pid for name, proc in self.procs.items()}

    def stop(self) -> None:
        for proc in reversed(list(self.procs.values())):
            stop(proc)

    def tail(self) -> str:
        out = []
        for name, log in self.logs.items():
            lines = log.read_text(errors="replace").splitlines()[-15:]
            out.append(f"--- {name} ({log}) ---\n" + "\n".join(lines))
        return "\n".join(out)


def start_channels(tmp: Path, db: Path, layer: str, label: str) -> tuple[Servers, int]:
    servers = Servers()
    env = base_env(db)
    env.update(ROOM_RATE_PER_SECOND="100", ROOM_BURST="200")
    if LAYERS[layer]:
        redis_port = free_port()
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed")
        redis = servers.start(
            "redis",
            [
                binary,
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            tmp / f"{label}-redis.log",
        )
        wait_for_port(redis_port, proc=redis)
        env.update(
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0", CHANNEL_LAYER_BACKEND=LAYERS[layer]
        )
    port = free_port()
    daphne = servers.start(
        "daphne",
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "mockroom.asgi:application",
        ],
        tmp / f"{label}-daphne.log",
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for_port(port, proc=daphne, timeout=60)
    except Exception:
        servers.stop()
        print(servers.tail(), file=sys.stderr)
        raise
    return servers, port


def start_raw(tmp: Path, label: str) -> tuple[Servers, int]:
    servers = Servers()
    port = free_port()
    relay = servers.start(
        "raw_relay",
        [sys.executable, str(Path(__file__).with_name("raw_relay.py")), "--port", str(port)],
        tmp / f"{label}-raw.log",
    )
    wait_for_port(port, proc=relay)
    return servers, port


def run_generator(config: dict) -> dict:
    proc = subprocess.run(
        pinned([sys.executable, __file__, "--generator"], GENERATOR_CPU),
        input=json.dumps(config),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"generator failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return "inf" if math.isinf(value) else f"{value:.1f}"


def step_line(target: str, r: dict) -> str:
    cpu = r["server_cpu"]
    extra = "".join(f" {name} {us:.0f}" for name, us in cpu["us_per_msg_by_proc"].items())
    return (
        f"[{target}] rooms {r['rooms']:>4}  board p50/p95/p99 {fmt_ms(r['p50'])}/"
        f"{fmt_ms(r['p95'])}/{fmt_ms(r['p99'])} ms  sent/acked/delivered/lost "
        f"{r['board_sent']}/{r['board_acked']}/{r['board_delivered']}/{r['board_lost']}"
        f" (run lost {r['board_lost_run']})  cursors {r['cursor_ratio']:.4f}  "
        f"server CPU {cpu['percent']:.0f}% {cpu['us_per_msg']:.0f} µs/msg ({extra.strip()})  "
        f"gen CPU {r['generator_cpu_percent']:.0f}% (late>10ms "
        f"{100 * r['generator_late_sends']:.1f}%)  errors {r['errors'] or '{}'}  "
        f"{'PASS' if r['passed'] else 'FAIL'}"
    )


def run_series(
    target: str,
    counts: list[int],
    args: argparse.Namespace,
    tmp: Path,
    pristine: Path,
    rooms: list[dict],
) -> list[dict]:
    results = []
    for step, count in enumerate(counts):
        label = "".join(c if c.isalnum() else "-" for c in target) + f"-{count}"
        if target == "raw":
            servers, port = start_raw(tmp, label)
        else:
            db = fresh_copy(pristine, tmp, label)
            servers, port = start_channels(tmp, db, args.layer, label)
        config = {
            "target": "raw" if target == "raw" else "channels",
            "port": port,
            "rooms": rooms[:count],
            "warmup": args.warmup,
            "window": args.window,
            "grace": args.grace,
            "server_pids": servers.pids(),
            "seed": args.seed + step,
            "mix": args.mix,
        }
        try:
            result = run_generator(config)
        except Exception:
            print(servers.tail(), file=sys.stderr)
            raise
        finally:
            servers.stop()
        result["target"] = target
        results.append(result)
        print(step_line(target, result), flush=True)
        if not result["passed"]:
            break
    return results


def summary(series: dict[str, list[dict]]) -> None:
    print()
    print(
        "| server | rooms | board p50 | p95 | p99 (ms) | sent | acked | delivered | lost "
        "| cursors delivered | server CPU | µs / relayed msg | generator CPU | result |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for target, results in series.items():
        for r in results:
            cpu = r["server_cpu"]
            print(
                f"| {target} | {r['rooms']} | {fmt_ms(r['p50'])} | {fmt_ms(r['p95'])} | "
                f"{fmt_ms(r['p99'])} | {r['board_sent']} | {r['board_acked']} | "
                f"{r['board_delivered']} | {r['board_lost_run']} | "
                f"{100 * r['cursor_ratio']:.2f} % | {cpu['percent']:.0f} % | "
                f"{cpu['us_per_msg']:.0f} | {r['generator_cpu_percent']:.0f} % | "
                f"{'PASS' if r['passed'] else 'FAIL'} |"
            )
    print()
    carried = {}
    for target, results in series.items():
        passed = [r["rooms"] for r in results if r["passed"]]
        carried[target] = max(passed) if passed else 0
        tried = [r["rooms"] for r in results]
        note = "" if len(passed) < len(tried) else " (no FAIL reached: at least this many)"
        print(f"max rooms passed, {target}: {carried[target]}{note}")
    if "raw" in series and len(series) > 1:
        raw = {r["rooms"]: r for r in series["raw"]}
        print()
        print(
            "ratio to the raw relay at the same room count (server CPU per relayed message, "
            "board p99):"
        )
        for target, results in series.items():
            if target == "raw":
                continue
            for r in results:
                base = raw.get(r["rooms"])
                if base is None:
                    continue
                cpu_ratio = r["server_cpu"]["us_per_msg"] / base["server_cpu"]["us_per_msg"]
                p99 = r["p99"] / base["p99"] if base["p99"] else float("nan")
                print(f"  {target} rooms {r['rooms']}: CPU/msg x{cpu_ratio:.1f}, p99 x{p99:.1f}")
            if carried.get("raw"):
                print(
                    f"  {target} rooms carried: {carried[target]} = "
                    f"{carried[target] / carried['raw']:.3f} of the raw relay's "
                    f"{carried['raw']}"
                )


def parse_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or any(c < 1 for c in counts):
        raise argparse.ArgumentTypeError("a comma-separated list of positive room counts")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog=__doc__.split("\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--rooms",
        type=parse_counts,
        default=[5, 10, 20, 40],
        help="room counts to step through, e.g. 5,10,20,40 (default 5,10,20,40)",
    )
    parser.add_argument(
        "--layer",
        choices=sorted(LAYERS),
        default="memory",
        help="channel layer: memory (InMemoryChannelLayer), redis "
        "(RedisChannelLayer) or pubsub (RedisPubSubChannelLayer); default memory",
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="also run the same load against tests/load/raw_relay.py",
    )
    parser.add_argument(
        "--baseline-rooms",
        type=parse_counts,
        help="room counts for the raw relay (default: the --rooms list)",
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds (default 5)")
    parser.add_argument(
        "--window", type=float, default=20.0, help="measurement window, seconds (default 20)"
    )
    parser.add_argument(
        "--grace", type=float, default=3.0, help="seconds to wait for late deliveries (default 3)"
    )
    parser.add_argument(
        "--mix",
        choices=("all", "board", "cursors"),
        default="all",
        help="all = workload W1 (default); board or cursors = only that part "
        "of W1, to see what each costs (PASS/FAIL then means nothing)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write every step's figures here")
    parser.add_argument(
        "--generator",
        action="store_true",
        help="internal: run the load generator (config as JSON on stdin)",
    )
    args = parser.parse_args()
    if args.generator:
        generator_main()
        return
    if os.cpu_count() is None or os.cpu_count() < 2:  # type: ignore[operator]
        raise SystemExit("needs two cores: the server on core 0, the generator on core 1")
    os.sched_setaffinity(0, {GENERATOR_CPU})  # keep this orchestrator off the server's core
    series: dict[str, list[dict]] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mockroom-relay-") as name:
        tmp = Path(name)
        needed = max(args.rooms + (args.baseline_rooms or []))
        pristine, rooms = setup_database(tmp, needed)
        target = f"channels/{args.layer}" + ("" if args.mix == "all" else f" ({args.mix} only)")
        series[target] = run_series(target, args.rooms, args, tmp, pristine, rooms)
        if args.baseline:
            series["raw"] = run_series(
                "raw", args.baseline_rooms or args.rooms, args, tmp, pristine, rooms
            )
    summary(series)
    print(f"\ntotal time {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(series, indent=2))


# --- Load generator (core 1) ----------------------------------------------------------------


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


class Room:
    """One round: its two sockets and what each saw."""

    def __init__(self, spec: dict) -> None:
        self.index = spec["index"]
        self.spec = spec
        self.candidate: Any = None
        self.interviewer: Any = None
        self.board_sent: dict[int, int] = {}  # n → send time (ns)
        self.acked: set[int] = set()
        self.refused: set[int] = set()
        self.delivered: dict[int, tuple[int, int]] = {}  # n → (receive ns, latency ns)
        # cursors by direction: n → send ns, and n → receive ns
        self.cursor_sent = {"candidate": {}, "interviewer": {}}
        self.cursor_received = {"candidate": {}, "interviewer": {}}


class Generator:
    def __init__(self, config: dict) -> None:
        import orjson

        self.orjson = orjson
        self.config = config
        self.raw = config["target"] == "raw"
        self.rooms = [Room(spec) for spec in config["rooms"]]
        self.random = random.Random(config["seed"])
        self.errors: Counter[str] = Counter()
        self.closing = False
        self.sends = self.late_sends = 0
        self.max_late = 0.0

    async def connect(self, room: Room, role: str) -> Any:
        from websockets.asyncio.client import connect

        port = self.config["port"]
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
                    frame = self.orjson.loads(await ws.recv())
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
        loads = self.orjson.loads
        clock = time.perf_counter_ns
        peer = "interviewer" if role == "candidate" else "candidate"
        try:
            async for message in ws:
                now = clock()
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
                    room.acked.add(int(frame["id"].rsplit("-", 1)[1]))
                elif kind == "error":
                    self.errors[frame.get("code") or "?"] += 1
                    if isinstance(frame.get("id"), str) and frame["id"].startswith("c"):
                        room.refused.add(int(frame["id"].rsplit("-", 1)[1]))
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

    async def paced(self, rate: float, until: float, send: Any) -> None:
        """Open-loop: send at start + k/rate whatever happened before; starts at random."""
        from websockets.exceptions import ConnectionClosed

        loop = asyncio.get_running_loop()
        period = 1.0 / rate
        due = self.start + self.random.uniform(0, 1.0)
        n = 0
        while due < until:
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            late = loop.time() - due  # how far behind schedule the generator is
            self.sends += 1
            self.late_sends += late > 0.010
            self.max_late = max(self.max_late, late)
            n += 1
            try:
                await send(n)
            except ConnectionClosed:
                return
            due += period

    def board_sender(self, room: Room) -> Any:
        dumps = self.orjson.dumps
        clock = time.perf_counter_ns
        rnd = self.random

        async def send(n: int) -> None:
            slot = n % ELEMENTS_PER_ROOM
            sent = clock()
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
            room.board_sent[n] = sent
            await room.candidate.send(dumps(frame).decode())

        return send

    def cursor_sender(self, room: Room, role: str) -> Any:
        dumps = self.orjson.dumps
        clock = time.perf_counter_ns
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
            sent_log[n] = clock()
            await ws.send(dumps(frame).decode())

        return send

    # --- the run ---

    async def run(self) -> dict:
        loop = asyncio.get_running_loop()
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
        self.start = loop.time()
        until = self.start + 1.0 + warmup + window  # senders start within the first second
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

        await asyncio.sleep(until - window - loop.time())
        cpu_before, gen_before, window_start = self.cpu_ticks(), os.times(), time.perf_counter_ns()
        await asyncio.sleep(until - loop.time())
        cpu_after, gen_after, window_end = self.cpu_ticks(), os.times(), time.perf_counter_ns()
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
        seconds = (window_end - window_start) / 1e9
        gen_cpu = (gen_after.user + gen_after.system) - (gen_before.user + gen_before.system)
        return self.figures(
            window_start, window_end, cpu_before, cpu_after, seconds, gen_cpu, connect_s
        )

    def cpu_ticks(self) -> dict[str, int]:
        """utime + stime (clock ticks) of each server process, from /proc/<pid>/stat."""
        ticks = {}
        for name, pid in self.config["server_pids"].items():
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            ticks[name] = int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat(5)
        return ticks

    def figures(
        self,
        w0: int,
        w1: int,
        cpu0: dict,
        cpu1: dict,
        seconds: float,
        gen_cpu: float,
        connect_s: float,
    ) -> dict:
        latencies: list[float] = []
        sent = acked = delivered = lost = lost_run = refused = 0
        relayed = 0
        cursor_sent = cursor_delivered = 0
        for room in self.rooms:
            for n, at in room.board_sent.items():
                got = room.delivered.get(n)
                if n in room.acked and got is None:
                    lost_run += 1
                if not w0 <= at < w1:
                    continue
                sent += 1
                acked += n in room.acked
                refused += n in room.refused
                if got is None:
                    latencies.append(math.inf)
                    lost += n in room.acked
                else:
                    delivered += 1
                    latencies.append(got[1] / 1e6)
            relayed += sum(1 for at, _ in room.delivered.values() if w0 <= at < w1)
            for role in ("candidate", "interviewer"):
                received = room.cursor_received[role]
                relayed += sum(1 for at in received.values() if w0 <= at < w1)
                for n, at in room.cursor_sent[role].items():
                    if w0 <= at < w1:
                        cursor_sent += 1
                        cursor_delivered += n in received
        latencies.sort()
        mix = self.config.get("mix", "all")

        def pct(q: float) -> float | None:
            if not latencies:
                return None
            return latencies[min(len(latencies) - 1, math.ceil(q * len(latencies)) - 1)]

        tick = os.sysconf("SC_CLK_TCK")
        by_proc = {name: (cpu1[name] - cpu0[name]) / tick for name in cpu0}
        server_s = sum(by_proc.values())
        p99 = pct(0.99)
        return {
            "rooms": len(self.rooms),
            "window_s": round(seconds, 3),
            "connect_s": round(connect_s, 2),
            "p50": pct(0.50),
            "p95": pct(0.95),
            "p99": p99,
            "board_sent": sent,
            "board_acked": acked,
            "board_refused": refused,
            "board_delivered": delivered,
            "board_lost": lost,
            "board_lost_run": lost_run,
            "cursor_sent": cursor_sent,
            "cursor_delivered": cursor_delivered,
            "cursor_ratio": cursor_delivered / cursor_sent if cursor_sent else 0.0,
            "relayed": relayed,
            "server_cpu": {
                "seconds": server_s,
                "percent": 100 * server_s / seconds,
                "us_per_msg": 1e6 * server_s / relayed if relayed else math.inf,
                "us_per_msg_by_proc": {
                    name: 1e6 * s / relayed if relayed else math.inf for name, s in by_proc.items()
                },
            },
            "generator_cpu_percent": 100 * gen_cpu / seconds,
            "generator_late_sends": self.late_sends / self.sends if self.sends else 0.0,
            "generator_max_late_ms": 1000 * self.max_late,
            "errors": dict(self.errors),
            "passed": (p99 <= P99_BUDGET_MS if p99 is not None else mix == "cursors")
            and lost_run == 0,
        }


def generator_main() -> None:
    config = json.loads(sys.stdin.read())
    os.sched_setaffinity(0, {GENERATOR_CPU})
    result = asyncio.run(Generator(config).run())
    print(json.dumps(result))  # an undelivered p99 is written as Infinity; json reads it back


if __name__ == "__main__":
    main()
