"""The cluster topology of bench_relay.py (`--cluster N`): PostgreSQL, Redis and N workers of
the app, all on the server's core, with rooms split across the workers by the round id.

PostgreSQL runs once per benchmark run, on a throwaway data directory and a free port,
pinned to the server's core like everything else on the server side. It keeps PostgreSQL's
own durability defaults (fsync on, synchronous_commit on; unlike tests/services.py's, which
turns them off for speed): the room runtime acknowledges an event only once it is durable,
and the figure should say what that costs. The rounds are set up once in a template
database; each step runs on its own copy (`CREATE DATABASE ... TEMPLATE`), dropped after the
step, so no step sees another's events.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from tests.services import _pg_binary, free_port, wait_for_port

PRISTINE = "bench_pristine"
USER = "mockroom"


def worker_of(public_id: str, workers: int) -> int:
    """The worker (0..workers-1) that carries the round `public_id`: a stable hash of the
    round id modulo the number of workers. It stands in for nginx's `hash $round
    consistent` (a ring of workers, which differs only when workers come and go): both
    sockets of a room land on the same worker, and rooms spread about evenly."""
    return zlib.crc32(public_id.encode()) % workers


def split(public_ids: list[str], workers: int) -> list[int]:
    """How many of these rounds each worker carries."""
    out = [0] * workers
    for public_id in public_ids:
        out[worker_of(public_id, workers)] += 1
    return out


class Postgres:
    """A running throwaway PostgreSQL server; `url(database)` to reach one of its databases."""

    def __init__(self, proc: subprocess.Popen, port: int, log: Path) -> None:
        self.proc = proc
        self.port = port
        self.log = log

    @property
    def pid(self) -> int:
        return self.proc.pid  # the postmaster itself (taskset execs it); backends are children

    def url(self, database: str) -> str:
        return f"postgres://{USER}@127.0.0.1:{self.port}/{database}"

    def execute(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type] - names below are ours, not input

    def create(self, database: str, *, template: str | None = None) -> str:
        """An empty database, or a copy of `template` (which must have no connections).
        FILE_COPY checkpoints before and after the copy, so its writes are done when this
        returns and do not land in the next step's measurement window."""
        if template is None:
            self.execute(f'CREATE DATABASE "{database}"')
        else:
            self.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        return database

    def fresh(self, database: str) -> str:
        """A copy of the set-up rounds for one step."""
        return self.create(database, template=PRISTINE)

    def drop(self, database: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def version(self) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"

    def tail(self) -> str:
        lines = self.log.read_text(errors="replace").splitlines()[-15:]
        return f"--- postgres ({self.log}) ---\n" + "\n".join(lines)


@contextlib.contextmanager
def postgres(log: Path, cpu: int) -> Iterator[Postgres]:
    """A throwaway PostgreSQL server pinned to core `cpu` (trust auth on 127.0.0.1, durable
    defaults), stopped by its PID (fast shutdown) and its data directory removed on exit.
    As root it runs as the `postgres` user, which initdb and the postmaster require."""
    as_root = os.geteuid() == 0
    who: dict = {"user": "postgres", "group": "postgres", "extra_groups": []} if as_root else {}
    tmp = Path(tempfile.mkdtemp(prefix="mockroom-bench-pg-"))
    data = tmp / "data"
    if as_root:
        shutil.chown(tmp, "postgres", "postgres")
    proc = None
    try:
        subprocess.run(
            [_pg_binary("initdb"), "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
            cwd=tmp,
            **who,
        )
        port = free_port()
        with open(log, "wb") as handle:
            proc = subprocess.Popen(
                [
                    "taskset",
                    "-c",
                    str(cpu),
                    _pg_binary("postgres"),
                    "-D",
                    str(data),
                    "-p",
                    str(port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    f"unix_socket_directories={tmp}",
                    "-c",
                    "max_connections=200",
                ],
                stdout=handle,
                stderr=subprocess.STDOUT,
                cwd=tmp,
                start_new_session=True,
                **who,
            )
        wait_for_port(port, proc=proc, timeout=60)
        yield Postgres(proc, port, log)
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # fast shutdown: ends the backends, no waiting
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
