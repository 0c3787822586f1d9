"""An acknowledged board update survives `kill -9` of the Daphne process that took it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.live.test_multiprocess import ROOT, SETUP, Client, start_daphne
from tests.services import free_port, stop, wait_for_port

pytestmark = pytest.mark.slow


@pytest.fixture
def server_env():
    tmp = Path(tempfile.mkdtemp(prefix="mockroom-durable-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="mockroom.settings.test",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    made = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return env, tmp, json.loads(made.stdout.strip().splitlines()[-1])


async def test_acknowledged_update_is_present_after_kill_and_restart(server_env):
    env, tmp, ids = server_env
    port = free_port()
    proc = start_daphne(env, port, tmp / "first.log")
    try:
        wait_for_port(port, proc=proc, timeout=60)
        cole = Client(ids["cole"], ids["public_id"])
        await cole.connect(port)
        element = {
            "id": "durable-1",
            "type": "rectangle",
            "version": 2,
            "versionNonce": 77,
            "isDeleted": False,
            "index": "a0",
            "x": 5,
            "y": 5,
            "width": 50,
            "height": 40,
        }
        ack = await cole.command("board.update", "u1", elements=[element])
        assert ack["type"] == "ack"
        os.kill(proc.pid, signal.SIGKILL)  # no chance to flush anything after the ack
        proc.wait(timeout=10)
    finally:
        stop(proc)

    restarted = start_daphne(env, port, tmp / "second.log")
    try:
        wait_for_port(port, proc=restarted, timeout=60)
        ivy = Client(ids["ivy"], ids["public_id"])
        snapshot = await ivy.connect(port)
        board = {e["id"]: e for e in snapshot["board"]["elements"]}
        assert board["durable-1"]["version"] == 2 and board["durable-1"]["width"] == 50
        await ivy.ws.close()
    finally:
        stop(restarted)
