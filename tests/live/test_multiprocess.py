"""Two Daphne processes sharing one database and a real redis-server.

The interviewer is on one process and the candidate on the other; timer commands and
presence cross between them. Then one process is killed with SIGKILL: its client reconnects
to the other, resumes, and no acknowledged event is missing.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import websockets

from tests.services import free_port, redis_server, stop, wait_for_port

pytestmark = [pytest.mark.redis, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "http://localhost"

SETUP = """
import json
from datetime import UTC, datetime
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from mockroom.accounts.models import User
from mockroom.interviews.agenda import template_phases
from mockroom.interviews.services import interview_create, invitation_accept

def session(user):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.save()
    return s.session_key

ivy = User.objects.create_user("ivy@example.com", "pw-123456789", display_name="Ivy")
cole = User.objects.create_user("cole@example.com", "pw-123456789", display_name="Cole")
interview, issued = interview_create(
    creator=ivy, title="Cluster", kind="coding", creator_role="interviewer",
    agenda=template_phases("coding"), scheduled_at=datetime(2030, 1, 1, tzinfo=UTC),
    time_zone="UTC")
token = next(i.token for i in issued if i.invitation.role == "candidate")
invitation_accept(token=token, user=cole)
print(json.dumps({"public_id": interview.public_id, "ivy": session(ivy), "cole": session(cole)}))
"""


class Client:
    """A room client that keeps what it saw and reconnects where it is told."""

    def __init__(self, session_key: str, public_id: str) -> None:
        self.cookie = f"sessionid={session_key}"
        self.path = f"/ws/interviews/{public_id}/"
        self.frames: list[dict] = []
        self.acked: dict[str, int] = {}
        self.ws = None

    async def connect(self, port: int) -> dict:
        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{port}{self.path}",
            additional_headers={"Origin": ORIGIN, "Cookie": self.cookie},
            open_timeout=10,
        )
        return await self.expect(lambda f: f["type"] == "snapshot")

    async def expect(self, match, within: float = 10) -> dict:
        async with asyncio.timeout(within):
            while True:
                frame = json.loads(await self.ws.recv())
                self.frames.append(frame)
                if match(frame):
                    return frame

    async def command(self, type_: str, id_: str, **fields) -> dict:
        await self.ws.send(json.dumps({"type": type_, "id": id_, **fields}))
        reply = await self.expect(lambda f: f.get("id") == id_ and f["type"] in ("ack", "error"))
        if reply["type"] == "ack":
            self.acked[id_] = reply["seq"]
        return reply

    def last_seq(self) -> int:
        seqs = [f["seq"] for f in self.frames if f["type"] == "event"]
        snaps = [f["seq"] for f in self.frames if f["type"] == "snapshot"]
        return max(seqs + snaps + [0])


def start_daphne(env: dict, port: int, log: Path) -> subprocess.Popen:
    handle = open(log, "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
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
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def cluster():
    tmp = Path(tempfile.mkdtemp(prefix="mockroom-cluster-"))
    with redis_server() as redis_url:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(
            DJANGO_SETTINGS_MODULE="mockroom.settings.test",
            DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
            REDIS_URL=redis_url,
            PRESENCE_HEARTBEAT_SECONDS="0.5",
            PRESENCE_TTL_SECONDS="2",
        )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        made = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SETUP],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        ids = json.loads(made.stdout.strip().splitlines()[-1])
        ports = [free_port(), free_port()]
        procs = [start_daphne(env, port, tmp / f"daphne-{port}.log") for port in ports]
        try:
            for port, proc in zip(ports, procs, strict=True):
                wait_for_port(port, proc=proc, timeout=60)
            yield ids, ports, procs
        finally:
            for proc in procs:
                stop(proc)


async def test_two_processes_share_the_room_and_survive_a_kill(cluster):
    ids, (port_a, port_b), (proc_a, _) = cluster
    ivy = Client(ids["ivy"], ids["public_id"])
    cole = Client(ids["cole"], ids["public_id"])
    await ivy.connect(port_a)
    await cole.connect(port_b)

    # Presence crosses processes: the interviewer on A sees the candidate who joined on B.
    joined = await ivy.expect(
        lambda f: f.get("kind") == "presence.joined" and f["payload"]["role"] == "candidate"
    )
    assert joined["payload"]["name"] == "Cole"

    # Timer commands cross too.
    assert (await ivy.command("round.start", "k1"))["type"] == "ack"
    assert (await ivy.command("timer.start", "k2"))["type"] == "ack"
    assert (await ivy.command("timer.add_time", "k3", minutes=3))["type"] == "ack"
    seen = await cole.expect(lambda f: f.get("seq") == ivy.acked["k3"])
    assert seen["payload"]["timer"]["added_ms"][0] == 180_000
    assert seen["payload"]["timer"]["running"] is True

    # Kill process A without warning; its client reconnects to B and resumes.
    last = ivy.last_seq()
    os.kill(proc_a.pid, signal.SIGKILL)
    proc_a.wait(timeout=10)
    await ivy.connect(port_b)
    await ivy.ws.send(json.dumps({"type": "resume", "id": "k4", "last_seq": last}))
    await ivy.expect(lambda f: f.get("id") == "k4")
    assert (await ivy.command("timer.next", "k5"))["type"] == "ack"
    # Re-sending a command whose ack may have been lost is safe: applied once.
    again = await ivy.command("timer.next", "k5")
    assert again["duplicate"] is True and again["seq"] == ivy.acked["k5"]

    # Every acknowledged event is in the log that B serves.
    await cole.ws.send(json.dumps({"type": "resume", "id": "k6", "last_seq": 0}))
    replay = await cole.expect(lambda f: f.get("id") == "k6")
    logged = {e["seq"] for e in replay["events"]}
    assert set(ivy.acked.values()) <= logged
    assert [e["seq"] for e in replay["events"]] == sorted(logged)

    # The dead process's connection is swept by the TTL; the interviewer shows one live tab.
    async with asyncio.timeout(20):
        while True:
            await asyncio.sleep(0.5)
            probe = Client(ids["cole"], ids["public_id"])
            snapshot = await probe.connect(port_b)
            await probe.ws.close()
            ivy_presence = [p for p in snapshot["presence"] if p["role"] == "interviewer"]
            if ivy_presence and ivy_presence[0]["connections"] == 1:
                break
    await ivy.ws.close()
    await cole.ws.close()
