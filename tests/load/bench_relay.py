"""Relay-capacity benchmark for workload W1 (not a test: it prints figures).

    make bench-relay      # the floors and the app, as recorded in docs/performance-relay.md
    .venv/bin/python tests/load/bench_relay.py --server daphne,uvicorn --bisect 1:24 \\
        --raw daphne,uvicorn,granian,asyncio --raw-bisect 100:1200 --json var/relay.json
    .venv/bin/python tests/load/bench_relay.py --rooms 2,4,6 --layer redis
    make bench-cluster    # the cluster figure: PostgreSQL + Redis + 2 uvicorn workers, one core
    .venv/bin/python tests/load/bench_relay.py --server uvicorn --cluster 2 --rooms 10,20

Workload W1 (docs: /work/shared/design.md, "Performance budget"), per room: the candidate
sends 10 `board.update`/s (one ~400-byte rectangle, growing version, message id
`c<room>-<n>`, the send time in `customData.sent`) and 20 `cursor`/s; the interviewer sends
5 `cursor`/s. Start times are spread at random.

What runs (each step gets a fresh server; the app also a fresh copy of the database):
- the app: mockroom.asgi:application on a temporary SQLite database (WAL) under each
  `--server` (daphne, uvicorn with uvloop/httptools/websockets, granian's ASGI interface
  with one worker), plus its own redis-server when `--layer redis|pubsub`;
- the app as a cluster, `--cluster N` (N defaults to 2): N workers of each `--server`, each
  on its own port, a redis-server (`--layer redis` unless `--layer pubsub`; the in-memory
  layer cannot cross processes) and one PostgreSQL server for the whole run (a throwaway
  data directory on a free port; PostgreSQL's durable defaults, fsync and synchronous
  commit on; tests/load/cluster.py). Rounds are set up once in a template database and
  each step runs on its own copy of it (CREATE DATABASE ... TEMPLATE), dropped after the
  step. Rooms are split across workers by the round id, standing in for nginx's `hash
  $round consistent`: crc32(public_id) mod N picks a room's worker (nginx places workers on
  a ring instead, which matters only when workers come and go), and the generator connects
  both of the room's sockets to that worker's port (rooms per worker are printed after the
  room count). The
  target reads `app/<server>/cluster<N>` (`.../cluster<N>/pubsub` with that layer); server
  CPU is summed over every worker, Redis and PostgreSQL (each with its children: the
  backends). Ratios are still to the raw relay, which is one process;
- the floors, `--raw`: the same relay logic with nothing of ours in it, under the same
  servers (tests/load/raw_asgi_relay.py) and as plain asyncio + `websockets` with no ASGI
  (tests/load/raw_relay.py, "asyncio").
The server side runs on core 0 (`taskset -c 0`, every process and thread of it, the
cluster's workers, Redis and PostgreSQL alike); the load generator on core 1: Node with
`ws` (tests/load/node/, `npm ci` there on first use) unless
`--generator python` (tests/load/relay_generator.py, which saturates its core at ~320 rooms).

Per step: warm-up, measurement window, then grace for late deliveries. Printed per step:
- board latency p50/p95/p99: the interviewer's receive time of the update minus the
  candidate's send time (same process, same clock), over the board messages sent in the
  window; a message not delivered by the end of the grace counts as infinitely late;
- board messages sent / acked / delivered / lost in the window (lost = acked, never
  delivered to the peer), and lost over the whole run (warm-up included);
- cursor delivery (both directions, cursors sent in the window);
- server CPU per relayed message: utime+stime of the server's processes over the window,
  divided by the messages relayed in the window (board updates delivered to the
  interviewer + cursors delivered), and, for the app, its ratio to the raw relay on the
  same server at the same room count (measured right after, unless `--no-ratio`);
- generator CPU and how busy each core was. A step is flagged `GENERATOR>85%` when the
  generator used more than 85 % of its core, or when its core was more than 85 % busy
  (with it and anything else) and over 1 % of its sends were more than 10 ms late: there
  the generator, not the server, may be the limit. `CORE0-SHARED` means other processes
  used more than 10 % of the server's core during the window;
- PASS when board p99 <= 100 ms, no acked message was lost and cursor loss <= 0.1 %.
`--rooms` steps through room counts in order and stops at the first FAIL. `--bisect LOW:HIGH`
finds the largest passing room count to within 5 % (geometric bisection, each probe printed;
LOW or HIGH is probed only if the answer lands there).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.load.cluster import PRISTINE, Postgres, postgres, split, worker_of  # noqa: E402
from tests.load.relay_generator import process_tree  # noqa: E402
from tests.services import free_port, stop, wait_for_port  # noqa: E402

HERE = Path(__file__).resolve().parent
NODE_DIR = HERE / "node"
SERVER_CPU = 0
GENERATOR_CPU = 1
P99_BUDGET_MS = 100.0
CURSOR_LOSS_BUDGET = 0.001  # 0.1 %
GENERATOR_LIMIT = 85.0  # percent of its core
LATE_LIMIT = 0.01  # share of sends more than 10 ms behind schedule
SHARED_CORE_LIMIT = 10.0  # percent of the server's core used by other processes
BISECT_PRECISION = 0.05
SERVERS = ("daphne", "uvicorn", "granian")
RAW_SERVERS = (*SERVERS, "asyncio")
NO_PERSISTENCE = ("--save", "", "--appendonly", "no")
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


def base_env(database_url: str, media_root: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "CHANNEL_LAYER_BACKEND")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="mockroom.settings.test",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media_root),  # else each process leaves a temp folder
        PYTHONUNBUFFERED="1",
        # The test settings check every event's payload against its model; production
        # doesn't, and neither does the hot path measured here.
        ROOM_VALIDATE_EVENT_PAYLOADS="0",
    )
    return env


def setup_database(tmp: Path, count: int, database_url: str | None = None) -> list[dict]:
    """Migrate and create `count` started rounds, on tmp/pristine.sqlite3 unless given a
    database (the cluster's PostgreSQL template)."""
    env = base_env(database_url or f"sqlite:///{tmp / 'pristine.sqlite3'}", tmp / "media")
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
    return rooms


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
            children = [
                (pid, started) for pid in process_tree(proc.pid)[1:] if (started := start_time(pid))
            ]
            stop(proc)
            # A worker left behind by its server (granian's, if it outlives the main
            # process) is ours: stopped by the PID we saw it under, if it is still that one.
            for pid, started in children:
                if start_time(pid) == started:
                    os.kill(pid, signal.SIGKILL)

    def tail(self) -> str:
        out = []
        for name, log in self.logs.items():
            lines = log.read_text(errors="replace").splitlines()[-15:]
            out.append(f"--- {name} ({log}) ---\n" + "\n".join(lines))
        return "\n".join(out)


def start_time(pid: int) -> int | None:
    """When `pid` started (field 22 of stat(5)), or None if there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[19])
    except OSError:
        return None


def server_command(server: str, app: str, port: int, *, django: bool) -> list[str]:
    """The command that serves the ASGI `app` with `server` on 127.0.0.1:`port`."""
    if server == "daphne":
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app]
    if server == "uvicorn":
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--ws",
            "websockets",
            "--lifespan",
            "off" if django else "on",  # Channels' router has no lifespan
            "--no-access-log",
            "--log-level",
            "warning",
            app,
        ]
    if server == "granian":
        return [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--workers",
            "1",
            "--workers-kill-timeout",
            "5",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            app,
        ]
    raise ValueError(server)


def start_app(
    tmp: Path, database_url: str, server: str, layer: str, label: str, *, workers: int = 1
) -> tuple[Servers, list[int]]:
    """The app under `server` (`workers` processes of it, each on its own port, for the
    cluster), its redis-server if the layer needs one; returns the servers and the ports."""
    servers = Servers()
    env = base_env(database_url, tmp / "media")
    env.update(ROOM_RATE_PER_SECOND="100", ROOM_BURST="200")
    if LAYERS[layer]:
        redis_port = free_port()
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed")
        redis = servers.start(
            "redis",
            [binary, "--port", str(redis_port), "--bind", "127.0.0.1", *NO_PERSISTENCE],
            tmp / f"{label}-redis.log",
        )
        wait_for_port(redis_port, proc=redis)
        env.update(
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0", CHANNEL_LAYER_BACKEND=LAYERS[layer]
        )
    started = []
    for worker in range(workers):
        name = server if workers == 1 else f"{server}-{worker}"
        port = free_port()
        while port in (taken for taken, _ in started):  # not bound yet by the one before
            port = free_port()
        proc = servers.start(
            name,
            server_command(server, "mockroom.asgi:application", port, django=True),
            tmp / f"{label}-{name}.log",
            cwd=ROOT,
            env=env,
        )
        started.append((port, proc))
    try:
        for port, proc in started:
            wait_for_port(port, proc=proc, timeout=60)
    except Exception:
        servers.stop()
        print(servers.tail(), file=sys.stderr)
        raise
    return servers, [port for port, _ in started]


def start_raw(tmp: Path, server: str, label: str) -> tuple[Servers, int]:
    servers = Servers()
    port = free_port()
    if server == "asyncio":
        cmd = [sys.executable, str(HERE / "raw_relay.py"), "--port", str(port)]
    else:
        cmd = server_command(server, "raw_asgi_relay:app", port, django=False)
    env = {**os.environ, "PYTHONPATH": str(HERE), "PYTHONUNBUFFERED": "1"}
    proc = servers.start(f"raw-{server}", cmd, tmp / f"{label}.log", cwd=HERE, env=env)
    try:
        wait_for_port(port, proc=proc, timeout=60)
    except Exception:
        servers.stop()
        print(servers.tail(), file=sys.stderr)
        raise
    return servers, port


# --- The generator ------------------------------------------------------------------------


def ensure_node_generator() -> None:
    """`npm ci` in tests/load/node when its node_modules is missing or older than the lock."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise SystemExit("the Node generator needs node and npm (Node 20); or --generator python")
    stamp = NODE_DIR / "node_modules" / ".installed"
    lock = NODE_DIR / "package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True)
    stamp.touch()


def run_generator(config: dict, impl: str) -> dict:
    if impl == "node":
        cmd = ["node", str(NODE_DIR / "generator.mjs")]
    else:
        cmd = [sys.executable, str(HERE / "relay_generator.py")]
    proc = subprocess.run(
        pinned(cmd, GENERATOR_CPU), input=json.dumps(config), capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"generator failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def figures(record: dict, mix: str) -> dict:
    """One step's figures from the generator's record (the same for both generators)."""
    w0, w1 = record["window_us"]
    seconds = (w1 - w0) / 1e6
    latencies: list[float] = []
    sent = acked_n = delivered_n = lost = lost_run = refused_n = relayed = 0
    cursor_sent = cursor_delivered = 0
    for room in record["rooms"]:
        acked, refused = set(room["acked"]), set(room["refused"])
        delivered = {n: (at, latency) for n, at, latency in room["delivered"]}
        for i, at in enumerate(room["board_sent"]):
            n = i + 1
            got = delivered.get(n)
            if n in acked and got is None:
                lost_run += 1
            if not w0 <= at < w1:
                continue
            sent += 1
            acked_n += n in acked
            refused_n += n in refused
            if got is None:
                latencies.append(math.inf)
                lost += n in acked
            else:
                delivered_n += 1
                latencies.append(got[1] / 1000)
        relayed += sum(1 for at, _ in delivered.values() if w0 <= at < w1)
        for role in ("candidate", "interviewer"):
            received = dict(room["cursor_received"][role])
            relayed += sum(1 for at in received.values() if w0 <= at < w1)
            for i, at in enumerate(room["cursor_sent"][role]):
                if w0 <= at < w1:
                    cursor_sent += 1
                    cursor_delivered += (i + 1) in received
    latencies.sort()

    def pct(q: float) -> float | None:
        if not latencies:
            return None
        return latencies[min(len(latencies) - 1, math.ceil(q * len(latencies)) - 1)]

    tick = os.sysconf("SC_CLK_TCK")
    by_proc = {name: ticks / tick for name, ticks in record["server_ticks"].items()}
    server_s = sum(by_proc.values())
    server_percent = 100 * server_s / seconds
    cores = record["core_busy_percent"]
    generator_percent = 100 * record["generator_cpu_s"] / seconds
    generator_core = cores.get(str(GENERATOR_CPU), 0.0)
    server_core = cores.get(str(SERVER_CPU), 0.0)
    p99 = pct(0.99)
    handled = sent + cursor_sent + relayed + acked_n
    late = record["late_sends"] / record["sends"] if record["sends"] else 0.0
    cursor_loss = 1 - cursor_delivered / cursor_sent if cursor_sent else 0.0
    latency_ok = mix == "cursors" if p99 is None else p99 <= P99_BUDGET_MS
    return {
        "rooms": len(record["rooms"]),
        "generator": record["generator"],
        "window_s": round(seconds, 3),
        "connect_s": round(record["connect_s"], 2),
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": p99,
        "board_sent": sent,
        "board_acked": acked_n,
        "board_refused": refused_n,
        "board_delivered": delivered_n,
        "board_lost": lost,
        "board_lost_run": lost_run,
        "cursor_sent": cursor_sent,
        "cursor_delivered": cursor_delivered,
        "cursor_ratio": cursor_delivered / cursor_sent if cursor_sent else 0.0,
        "cursor_loss": cursor_loss,
        "relayed": relayed,
        "server_cpu": {
            "seconds": server_s,
            "percent": server_percent,
            "us_per_msg": 1e6 * server_s / relayed if relayed else math.inf,
            "us_per_msg_by_proc": {
                name: 1e6 * s / relayed if relayed else math.inf for name, s in by_proc.items()
            },
            "processes": {name: len(pids) for name, pids in record["server_pids"].items()},
        },
        "server_core_busy_percent": server_core,
        # Others on the server's core: a shared machine's test runs, say.
        "server_core_others_percent": max(0.0, server_core - server_percent),
        "generator_cpu_percent": generator_percent,
        "generator_sys_percent": 100 * record["generator_sys_s"] / seconds,
        "generator_core_busy_percent": generator_core,
        # Above its limit: the generator itself used more than 85 % of its core, or the core
        # was more than 85 % busy with it and others (a test run, `yes`) and the generator
        # fell behind its schedule. A busy core alone is not enough: a generator that needs
        # little still gets it at once (the scheduler favours a task that was sleeping).
        "generator_limited": generator_percent > GENERATOR_LIMIT
        or (generator_core > GENERATOR_LIMIT and late > LATE_LIMIT),
        "generator_late_sends": late,
        # Its CPU per message sent or received: under contention its CPU share says little,
        # this says what it would need alone (W1: 35 sent + 45 received per room per second).
        "generator_us_per_msg": 1e6 * record["generator_cpu_s"] / handled if handled else None,
        "generator_max_late_ms": record["max_late_ms"],
        "errors": record["errors"],
        "passed": latency_ok
        and lost_run == 0
        and (cursor_loss <= CURSOR_LOSS_BUDGET or mix == "board"),
    }


# --- Steps, series, bisection -------------------------------------------------------------


class Bench:
    """Runs steps and keeps every result of the run, in order."""

    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        self.args = args
        self.tmp = tmp
        self.pristine: Path | None = None
        self.postgres: Postgres | None = None  # --cluster: the run's PostgreSQL server
        self.app_rooms: list[dict] = []
        self.steps: list[dict] = []
        self.raw_cache: dict[tuple[str, int], dict] = {}
        self.counter = 0

    def app_target(self, server: str) -> str:
        mix = "" if self.args.mix == "all" else f" ({self.args.mix} only)"
        if self.args.cluster:
            layer = "" if self.args.layer == "redis" else f"/{self.args.layer}"
            return f"app/{server}/cluster{self.args.cluster}{layer}{mix}"
        return f"app/{server}/{self.args.layer}{mix}"

    def step(self, kind: str, server: str, count: int, *, companion: bool = False) -> dict:
        self.counter += 1
        target = self.app_target(server) if kind == "app" else f"raw/{server}"
        label = "".join(c if c.isalnum() else "-" for c in target) + f"-{count}-{self.counter}"
        database = None  # --cluster: this step's copy of the rounds on PostgreSQL
        split_by_worker = None
        if kind == "raw":
            servers, port = start_raw(self.tmp, server, label)
            specs = [{"index": i} for i in range(count)]
            pids = servers.pids()
        else:
            specs = self.app_rooms[:count]
            if self.postgres is not None:
                database = self.postgres.fresh(f"step{self.counter}")
                url = self.postgres.url(database)
            else:
                assert self.pristine is not None
                url = f"sqlite:///{fresh_copy(self.pristine, self.tmp, label)}"
            workers = self.args.cluster or 1
            try:
                servers, ports = start_app(
                    self.tmp, url, server, self.args.layer, label, workers=workers
                )
            except Exception:
                if self.postgres is not None and database is not None:
                    print(self.postgres.tail(), file=sys.stderr)
                    self.postgres.drop(database)
                raise
            port = ports[0]
            pids = servers.pids()
            if self.postgres is not None:
                # Each room's two sockets go to the worker its round id hashes to.
                specs = [{**s, "port": ports[worker_of(s["public_id"], workers)]} for s in specs]
                split_by_worker = split([s["public_id"] for s in specs], workers)
                pids["postgres"] = self.postgres.pid
        config = {
            "target": kind,
            "port": port,
            "rooms": specs,
            "warmup": self.args.warmup,
            "window": self.args.window,
            "grace": self.args.grace,
            "server_pids": pids,
            "seed": self.args.seed + count,
            "mix": self.args.mix,
        }
        try:
            record = run_generator(config, self.args.generator)
        except Exception:
            print(servers.tail(), file=sys.stderr)
            if self.postgres is not None and database is not None:
                print(self.postgres.tail(), file=sys.stderr)
            raise
        finally:
            servers.stop()
            if self.postgres is not None and database is not None:
                self.postgres.drop(database)
        result = figures(record, self.args.mix)
        result.update(target=target, kind=kind, server=server, companion=companion)
        if split_by_worker is not None:
            result["cluster"] = {"workers": len(split_by_worker), "rooms": split_by_worker}
        if kind == "raw":
            self.raw_cache.setdefault((server, count), result)
        elif self.args.ratio:
            base = self.raw_cache.get((server, count)) or self.step(
                "raw", server, count, companion=True
            )
            result["raw_same_count"] = {
                "us_per_msg": base["server_cpu"]["us_per_msg"],
                "p99": base["p99"],
                "cpu_ratio": result["server_cpu"]["us_per_msg"] / base["server_cpu"]["us_per_msg"],
                "passed": base["passed"],
            }
        self.steps.append(result)
        print(step_line(result), flush=True)
        return result

    def series(self, kind: str, server: str, counts: list[int]) -> dict:
        probes = []
        for count in counts:
            probes.append(self.step(kind, server, count))
            if not probes[-1]["passed"]:
                break
        passed = [r["rooms"] for r in probes if r["passed"]]
        failed = [r["rooms"] for r in probes if not r["passed"]]
        return headline(kind, server, probes, max(passed, default=0), min(failed, default=None))

    def bisect(self, kind: str, server: str, low: int, high: int) -> dict:
        """The largest passing room count in [low, high], to within BISECT_PRECISION."""
        probes: list[dict] = []

        def probe(count: int) -> bool:
            probes.append(self.step(kind, server, count))
            return probes[-1]["passed"]

        lo, hi = low, high  # lo passes and hi fails: assumed until probed
        lo_seen = hi_seen = False
        while hi - lo > 1 and hi > lo * (1 + BISECT_PRECISION):
            mid = min(max(round(math.sqrt(lo * hi)), lo + 1), hi - 1)
            if probe(mid):
                lo, lo_seen = mid, True
            else:
                hi, hi_seen = mid, True
        if not lo_seen and not probe(low):
            return headline(kind, server, probes, 0, low)
        if not hi_seen and probe(high):
            return headline(kind, server, probes, high, None)
        return headline(kind, server, probes, lo, hi)


def headline(kind: str, server: str, probes: list[dict], carried: int, fail: int | None) -> dict:
    by_count = {r["rooms"]: r for r in probes}
    last_pass = by_count.get(carried)
    first_fail = by_count.get(fail) if fail is not None else None
    return {
        "kind": kind,
        "server": server,
        "target": probes[0]["target"] if probes else f"{kind}/{server}",
        "carried": carried,
        "fails_at": fail,
        "bound": "at least" if fail is None else ("below" if carried == 0 else "between"),
        "us_per_msg_at_carried": last_pass["server_cpu"]["us_per_msg"] if last_pass else None,
        # A FAIL where the generator had no headroom may be the generator's, not the server's.
        "fail_generator_limited": bool(first_fail and first_fail["generator_limited"]),
        # ... or the other processes sharing the server's core (a test run, say).
        "fail_core_shared": bool(
            first_fail and first_fail["server_core_others_percent"] > SHARED_CORE_LIMIT
        ),
        "probes": [r["rooms"] for r in probes],
    }


def relate(headlines: list[dict], steps: list[dict]) -> None:
    """Give each app headline its ratios to the raw relay on the same server, same run."""
    floors = {h["server"]: h for h in headlines if h["kind"] == "raw"}
    for h in headlines:
        if h["kind"] != "app":
            continue
        floor = floors.get(h["server"])
        h["raw_carried"] = floor["carried"] if floor else None
        h["rooms_ratio_to_raw"] = (
            h["carried"] / floor["carried"] if floor and floor["carried"] else None
        )
        at = [
            r
            for r in steps
            if r["target"] == h["target"] and r["rooms"] == h["carried"] and r["passed"]
        ]
        same = at[-1].get("raw_same_count") if at else None
        h["cpu_ratio_at_carried"] = same["cpu_ratio"] if same else None


# --- Output -------------------------------------------------------------------------------


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return "inf" if math.isinf(value) else f"{value:.1f}"


def step_line(r: dict) -> str:
    cpu = r["server_cpu"]
    procs = " ".join(f"{name} {us:.0f}" for name, us in cpu["us_per_msg_by_proc"].items())
    ratio = ""
    if "raw_same_count" in r:
        base = r["raw_same_count"]
        ratio = f" = x{base['cpu_ratio']:.1f} raw/{r['server']} ({base['us_per_msg']:.0f})"
    flag = f"  GENERATOR>{GENERATOR_LIMIT:.0f}%" if r["generator_limited"] else ""
    if r["server_core_others_percent"] > SHARED_CORE_LIMIT:
        flag += "  CORE0-SHARED"
    per_worker = f" ({'/'.join(map(str, r['cluster']['rooms']))})" if "cluster" in r else ""
    return (
        f"[{r['target']}] rooms {r['rooms']:>4}{per_worker}  board p50/p95/p99 {fmt_ms(r['p50'])}/"
        f"{fmt_ms(r['p95'])}/{fmt_ms(r['p99'])} ms  sent/acked/delivered/lost "
        f"{r['board_sent']}/{r['board_acked']}/{r['board_delivered']}/{r['board_lost']}"
        f" (run lost {r['board_lost_run']})  cursor loss {100 * r['cursor_loss']:.2f}%  "
        f"server CPU {cpu['percent']:.0f}% {cpu['us_per_msg']:.0f} µs/msg ({procs}){ratio}  "
        f"core0 others {r['server_core_others_percent']:.0f}%  "
        f"gen CPU {r['generator_cpu_percent']:.0f}% (sys {r['generator_sys_percent']:.0f}%, "
        f"{r['generator_us_per_msg'] or 0:.1f} µs/msg) "
        f"core1 {r['generator_core_busy_percent']:.0f}%"
        f" late>10ms {100 * r['generator_late_sends']:.1f}%  errors {r['errors'] or '{}'}  "
        f"{'PASS' if r['passed'] else 'FAIL'}{flag}"
    )


def summary(steps: list[dict], headlines: list[dict]) -> None:
    print()
    print(
        "| target | rooms | board p50 / p95 / p99 (ms) | sent / acked / delivered / lost "
        "| cursor loss | server CPU | µs / relayed msg | x raw, same server and rooms "
        "| others on core 0 | generator CPU / its core | result |"
    )
    print("|---|---:|---|---|---:|---:|---:|---:|---:|---|---|")
    for r in steps:
        cpu = r["server_cpu"]
        ratio = f"{r['raw_same_count']['cpu_ratio']:.1f}" if "raw_same_count" in r else ""
        flag = f" **>{GENERATOR_LIMIT:.0f} %**" if r["generator_limited"] else ""
        print(
            f"| {r['target']}{' (ratio)' if r['companion'] else ''} | {r['rooms']} | "
            f"{fmt_ms(r['p50'])} / {fmt_ms(r['p95'])} / {fmt_ms(r['p99'])} | "
            f"{r['board_sent']} / {r['board_acked']} / {r['board_delivered']} / "
            f"{r['board_lost_run']} | {100 * r['cursor_loss']:.2f} % | {cpu['percent']:.0f} % | "
            f"{cpu['us_per_msg']:.0f} | {ratio} | {r['server_core_others_percent']:.0f} % | "
            f"{r['generator_cpu_percent']:.0f} % / {r['generator_core_busy_percent']:.0f} %"
            f"{flag} | {'PASS' if r['passed'] else 'FAIL'} |"
        )
    print()
    print("rooms carried (board p99 <= 100 ms, nothing acked lost, cursor loss <= 0.1 %):")
    for h in headlines:
        if h["bound"] == "at least":
            text = f">= {h['carried']} (no FAIL up to there)"
        elif h["bound"] == "below":
            text = f"0 (fails at {h['fails_at']}, the lowest probed)"
        else:
            text = f"{h['carried']} (fails at {h['fails_at']})"
        if h["fail_generator_limited"]:
            text += f"  [the FAIL at {h['fails_at']} had the generator above its limit]"
        if h["fail_core_shared"]:
            text += f"  [the FAIL at {h['fails_at']} shared core 0 with other processes]"
        if h.get("rooms_ratio_to_raw") is not None:
            text += f"  = {h['rooms_ratio_to_raw']:.3f} of raw/{h['server']}'s {h['raw_carried']}"
        if h.get("cpu_ratio_at_carried") is not None:
            text += f"; CPU/msg x{h['cpu_ratio_at_carried']:.1f} raw/{h['server']}'s there"
        print(f"  {h['target']:<28} {text}  probes {h['probes']}")
    busiest = max(steps, key=lambda r: r["rooms"], default=None)
    if busiest and busiest["generator_us_per_msg"]:
        cost = busiest["generator_us_per_msg"]
        print(
            f"\ngenerator ({busiest['generator']}) CPU per message at {busiest['rooms']} rooms: "
            f"{cost:.1f} µs, i.e. {cost * 80 * 600 / 1e4:.0f} % of a core for 600 rooms of W1 "
            "(80 messages sent or received per room per second)"
        )
    shared = [r for r in steps if r["server_core_others_percent"] > SHARED_CORE_LIMIT]
    print(
        f"\nsteps where other processes used more than {SHARED_CORE_LIMIT:.0f} % of core 0: "
        + (", ".join(f"{r['target']} at {r['rooms']}" for r in shared) or "none")
    )
    flagged = [r for r in steps if r["generator_limited"]]
    print(
        f"\nsteps with the generator above its limit ({GENERATOR_LIMIT:.0f} % of its core, or "
        f"its core above {GENERATOR_LIMIT:.0f} % and > {100 * LATE_LIMIT:.0f} % of sends late): "
        + (", ".join(f"{r['target']} at {r['rooms']}" for r in flagged) or "none")
    )


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("daphne", "twisted", "uvicorn", "uvloop", "httptools", "websockets", "granian"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    if shutil.which("node"):
        out["node"] = subprocess.run(
            ["node", "--version"], capture_output=True, text=True
        ).stdout.strip()
        ws = NODE_DIR / "node_modules" / "ws" / "package.json"
        if ws.exists():
            out["ws"] = json.loads(ws.read_text())["version"]
    return out


def machine() -> dict[str, Any]:
    model = ""
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release()}


# --- Command line -------------------------------------------------------------------------


def parse_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or any(c < 1 for c in counts):
        raise argparse.ArgumentTypeError("a comma-separated list of positive room counts")
    return counts


def parse_range(text: str) -> tuple[int, int]:
    try:
        low, high = (int(part) for part in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError("LOW:HIGH, e.g. 100:1200") from None
    if not 1 <= low < high:
        raise argparse.ArgumentTypeError("LOW:HIGH with 1 <= LOW < HIGH")
    return low, high


def names(allowed: tuple[str, ...]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        out = [part.strip() for part in text.split(",") if part.strip()]
        wrong = [name for name in out if name not in allowed]
        if wrong or not out:
            raise argparse.ArgumentTypeError(f"a comma-separated list of {', '.join(allowed)}")
        return out

    return parse


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog=__doc__.split("\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    app = parser.add_argument_group("the app (mockroom.asgi:application)")
    app.add_argument(
        "--server",
        type=names(SERVERS),
        action="append",
        help="ASGI server(s) for the app: daphne, uvicorn, granian; comma-separated or "
        "repeated (default daphne)",
    )
    counts = app.add_mutually_exclusive_group()
    counts.add_argument(
        "--rooms", type=parse_counts, help="room counts to step through (default 5,10,20,40)"
    )
    counts.add_argument(
        "--bisect", type=parse_range, metavar="LOW:HIGH", help="bisect the app's room count"
    )
    app.add_argument(
        "--layer",
        choices=sorted(LAYERS),
        help="channel layer: memory (InMemoryChannelLayer), redis "
        "(RedisChannelLayer) or pubsub (RedisPubSubChannelLayer); default memory, "
        "redis with --cluster",
    )
    app.add_argument(
        "--cluster",
        type=int,
        nargs="?",
        const=2,
        default=0,
        metavar="N",
        help="the cluster instead of the embedded default: N workers of each --server "
        "(default 2) + Redis + PostgreSQL, all on the server's core, rooms split across "
        "the workers by the round id",
    )
    app.add_argument("--no-app", action="store_true", help="measure only the floors (--raw)")
    app.add_argument(
        "--no-ratio",
        dest="ratio",
        action="store_false",
        help="skip the raw relay at each app step's room count (the CPU/msg ratio)",
    )
    floors = parser.add_argument_group("the floors (the raw relay)")
    floors.add_argument(
        "--raw",
        type=names(RAW_SERVERS),
        action="append",
        help="raw relay under daphne, uvicorn, granian (tests/load/raw_asgi_relay.py) or "
        "asyncio (tests/load/raw_relay.py, no ASGI); comma-separated or repeated",
    )
    floors.add_argument(
        "--baseline", action="store_true", help="same as --raw asyncio (kept from before)"
    )
    raw_counts = floors.add_mutually_exclusive_group()
    raw_counts.add_argument(
        "--raw-rooms",
        "--baseline-rooms",
        type=parse_counts,
        help="room counts for the raw relay (default: the app's --rooms or --bisect)",
    )
    raw_counts.add_argument(
        "--raw-bisect", type=parse_range, metavar="LOW:HIGH", help="bisect the raw relays"
    )
    run = parser.add_argument_group("the run")
    run.add_argument("--warmup", type=float, default=5.0, help="seconds (default 5)")
    run.add_argument(
        "--window", type=float, default=20.0, help="measurement window, seconds (default 20)"
    )
    run.add_argument(
        "--grace", type=float, default=3.0, help="seconds to wait for late deliveries (default 3)"
    )
    run.add_argument(
        "--mix",
        choices=("all", "board", "cursors"),
        default="all",
        help="all = workload W1 (default); board or cursors = only that part "
        "of W1, to see what each costs (PASS/FAIL then means nothing)",
    )
    run.add_argument(
        "--generator",
        choices=("node", "python"),
        default="node",
        help="load generator: node (tests/load/node, default) or python",
    )
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--json", type=Path, help="also write every step's figures here")
    args = parser.parse_args()

    app_servers = [] if args.no_app else [s for group in args.server or [["daphne"]] for s in group]
    raw_servers = [s for group in args.raw or [] for s in group]
    if args.baseline and "asyncio" not in raw_servers:
        raw_servers.append("asyncio")
    if args.rooms is None and args.bisect is None:
        args.rooms = [5, 10, 20, 40]
    if args.raw_rooms is None and args.raw_bisect is None:
        args.raw_rooms, args.raw_bisect = args.rooms, args.bisect
    if not app_servers and not raw_servers:
        raise SystemExit("nothing to run: --no-app needs --raw")
    if args.cluster < 0 or args.cluster == 1:
        raise SystemExit("--cluster N needs N >= 2 workers")
    if args.layer is None:
        args.layer = "redis" if args.cluster else "memory"
    if args.cluster and args.layer == "memory":
        raise SystemExit("--cluster needs a layer that crosses processes: --layer redis|pubsub")
    if os.cpu_count() is None or os.cpu_count() < 2:  # type: ignore[operator]
        raise SystemExit("needs two cores: the server on core 0, the generator on core 1")
    if args.generator == "node":
        ensure_node_generator()
    os.sched_setaffinity(0, {GENERATOR_CPU})  # keep this orchestrator off the server's core
    meta = {
        "command": " ".join(sys.argv),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "load_average_before": os.getloadavg(),
        "machine": machine(),
        "versions": versions(),
    }
    print(f"load average {meta['load_average_before']}, {meta['machine']}", flush=True)
    meta["topology"] = (
        {"cluster": args.cluster, "layer": args.layer, "database": "postgresql"}
        if args.cluster
        else {"cluster": None, "layer": args.layer, "database": "sqlite"}
    )
    headlines = []
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="mockroom-relay-") as name,
        contextlib.ExitStack() as stack,
    ):
        tmp = Path(name)
        bench = Bench(args, tmp)
        for server in raw_servers:
            if args.raw_bisect:
                headlines.append(bench.bisect("raw", server, *args.raw_bisect))
            else:
                headlines.append(bench.series("raw", server, args.raw_rooms))
        if app_servers:
            needed = args.bisect[1] if args.bisect else max(args.rooms)
            if args.cluster:
                bench.postgres = stack.enter_context(postgres(tmp / "postgres.log", SERVER_CPU))
                meta["versions"]["postgresql"] = bench.postgres.version()
                url = bench.postgres.url(bench.postgres.create(PRISTINE))
                bench.app_rooms = setup_database(tmp, needed, url)
            else:
                bench.pristine = tmp / "pristine.sqlite3"
                bench.app_rooms = setup_database(tmp, needed)
        for server in app_servers:
            if args.bisect:
                headlines.append(bench.bisect("app", server, *args.bisect))
            else:
                headlines.append(bench.series("app", server, args.rooms))
    relate(headlines, bench.steps)
    summary(bench.steps, headlines)
    meta["load_average_after"] = os.getloadavg()
    meta["seconds"] = round(time.perf_counter() - started)
    print(f"\nload average after {meta['load_average_after']}; total time {meta['seconds']} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {"meta": meta, "headlines": headlines, "steps": bench.steps}
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
