"""Real helper services for tests: redis-server and PostgreSQL on 127.0.0.1, on free ports,
started by the test session and stopped by their PID."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ops.processes import free_port, pg_binary, stop, wait_for_port

_pg_binary = pg_binary
__all__ = ["free_port", "postgres_server", "redis_server", "stop", "wait_for_port"]


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """Yields a redis:// URL of a throwaway redis-server with persistence off."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed; run `make system-deps`")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, proc=proc)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(proc)


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Yields a postgres:// URL of a throwaway cluster (trust auth, fsync off)."""
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    tmp = tempfile.mkdtemp(prefix="mockroom-pg-")
    data = Path(tmp) / "data"
    if as_root:
        shutil.chown(tmp, "postgres")
    port = free_port()
    subprocess.run(
        [
            *prefix,
            _pg_binary("initdb"),
            "-D",
            str(data),
            "-U",
            "mockroom",
            "-A",
            "trust",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    proc = subprocess.Popen(
        [
            *prefix,
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
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for_port(port, proc=proc)
        url = f"postgres://mockroom@127.0.0.1:{port}/postgres"
        yield url
    finally:
        stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)
