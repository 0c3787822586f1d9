"""/healthz: 200 when the database and the channel layer answer, a prompt 503 naming the
one that doesn't when either is gone.

The failures are real: Daphne serves the app against a PostgreSQL or a redis-server started
for the test, which is then frozen (SIGSTOP) or shut down by its PID.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from django.test import AsyncClient

from mockroom.core.health import PROBE_TIMEOUT_SECONDS
from tests.services import free_port, postgres_server, redis_server, stop, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
# What a load balancer can expect: the probe's own limit, plus room for a busy machine.
PROMPT_SECONDS = PROBE_TIMEOUT_SECONDS + 3


@pytest.mark.django_db(transaction=True)
async def test_healthz_reports_database_and_channel_layer_ok():
    response = await AsyncClient().get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "database": "ok",
        "channel_layer": "ok",
    }


def app_env(*, database_url: str, redis_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="mockroom.settings.test", DATABASE_URL=database_url)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@contextlib.contextmanager
def daphne(env: dict[str, str], log: Path) -> Iterator[int]:
    """Serves the app on a free port; yields the port, stops the process by PID."""
    port = free_port()
    with open(log, "ab") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-p", str(port), "mockroom.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, proc=proc, timeout=60)
        yield port
    finally:
        stop(proc)


def healthz(port: int) -> tuple[int, dict[str, str], float]:
    """Status, body and seconds taken; a probe that hangs fails the test by timing out."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=20) as reply:
            status, body = reply.status, reply.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, json.loads(body), time.monotonic() - started


def wait_until_closed(port: int, timeout: float = 30.0) -> None:
    """Returns once nothing accepts connections on the port any more."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
        except OSError:
            return
        time.sleep(0.05)
    raise TimeoutError(f"127.0.0.1:{port} still accepts connections after {timeout}s")


def postmaster_pid(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        (data_directory,) = conn.execute("SHOW data_directory").fetchone()
    return int((Path(data_directory) / "postmaster.pid").read_text().split()[0])


def process_state(pid: int) -> tuple[str, int]:
    """(state letter, parent PID) from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def wait_until_stopped(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while process_state(pid)[0] != "T":
        if time.monotonic() > deadline:
            raise TimeoutError(f"process {pid} did not stop")
        time.sleep(0.01)


@contextlib.contextmanager
def frozen(pid: int) -> Iterator[None]:
    """The server stops answering but keeps its port: connections queue and hang."""
    launcher = process_state(pid)[1]
    # As root, tests.services starts PostgreSQL under runuser, which stops itself when its
    # child stops and only resumes the child once it is itself continued.
    mirrors = Path(f"/proc/{launcher}/comm").read_text().strip() in {"runuser", "su"}
    os.kill(pid, signal.SIGSTOP)
    try:
        wait_until_stopped(pid)
        if mirrors:
            wait_until_stopped(launcher)
        yield
    finally:
        if mirrors:
            os.kill(launcher, signal.SIGCONT)
        os.kill(pid, signal.SIGCONT)


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/", 1)[0])


@pytest.mark.postgres
@pytest.mark.slow
def test_healthz_answers_503_promptly_while_postgresql_hangs_and_recovers(tmp_path):
    with (
        postgres_server() as database_url,
        daphne(app_env(database_url=database_url), tmp_path / "daphne.log") as port,
    ):
        assert healthz(port)[:2] == (200, {"status": "ok", "database": "ok", "channel_layer": "ok"})
        with frozen(postmaster_pid(database_url)):
            # Twice: the first probe's stuck connection must not hold up the next one.
            for _ in range(2):
                status, body, seconds = healthz(port)
                assert status == 503
                assert body["database"].startswith("error")
                assert body["channel_layer"] == "ok"
                assert seconds < PROMPT_SECONDS
            # The probe's own connection attempt gives up rather than waiting for ever.
            started = time.monotonic()
            gave_up = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import django; django.setup(); "
                    "from mockroom.core.health import probe_database; probe_database()",
                ],
                cwd=ROOT,
                env=app_env(database_url=database_url),
                capture_output=True,
                text=True,
                timeout=30,
            )
            assert gave_up.returncode != 0 and "OperationalError" in gave_up.stderr
            assert time.monotonic() - started < 15
        assert healthz(port)[:2] == (200, {"status": "ok", "database": "ok", "channel_layer": "ok"})


@pytest.mark.postgres
@pytest.mark.slow
def test_healthz_answers_503_when_postgresql_has_shut_down(tmp_path):
    with (
        postgres_server() as database_url,
        daphne(app_env(database_url=database_url), tmp_path / "daphne.log") as port,
    ):
        assert healthz(port)[0] == 200
        os.kill(postmaster_pid(database_url), signal.SIGINT)  # PostgreSQL's fast shutdown
        wait_until_closed(port_of(database_url))
        status, body, seconds = healthz(port)
        assert status == 503
        assert body == {
            "status": "degraded",
            "database": "error: OperationalError",
            "channel_layer": "ok",
        }
        assert seconds < PROMPT_SECONDS


@pytest.mark.redis
@pytest.mark.slow
def test_healthz_answers_503_when_redis_has_shut_down(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with redis_server() as redis_url:
        env = app_env(database_url=database_url, redis_url=redis_url)
        with daphne(env, tmp_path / "daphne.log") as port:
            assert healthz(port)[:2] == (
                200,
                {"status": "ok", "database": "ok", "channel_layer": "ok"},
            )
            with redis.Redis.from_url(redis_url) as client:
                redis_pid = client.info("server")["process_id"]
            os.kill(redis_pid, signal.SIGTERM)
            wait_until_closed(port_of(redis_url))
            status, body, seconds = healthz(port)
            assert status == 503
            assert body["status"] == "degraded" and body["database"] == "ok"
            assert body["channel_layer"].startswith("error")
            assert seconds < PROMPT_SECONDS


@pytest.mark.redis
@pytest.mark.slow
def test_healthz_answers_503_when_redis_was_never_reachable(tmp_path):
    env = app_env(
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        redis_url=f"redis://127.0.0.1:{free_port()}/0",
    )
    with daphne(env, tmp_path / "daphne.log") as port:
        status, body, seconds = healthz(port)
    assert status == 503
    assert body["database"] == "ok" and body["channel_layer"].startswith("error")
    assert seconds < PROMPT_SECONDS
