"""An acknowledged board update survives `kill -9` of the Daphne process that took it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.live.cluster import Cluster, RoomClient, migrate_and_create_rooms

pytestmark = pytest.mark.slow


@pytest.fixture
def cluster_on_sqlite():
    tmp = Path(tempfile.mkdtemp(prefix="mockroom-durable-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="mockroom.settings.test",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
    )
    rooms = migrate_and_create_rooms(env, ["durable"])
    cluster = Cluster(env, tmp)
    try:
        yield cluster, rooms["durable"]
    finally:
        cluster.stop()


def client(room: dict, who: str) -> RoomClient:
    person = room[who]
    return RoomClient(
        who,
        user_id=person["user_id"],
        role=person["role"],
        session=person["session"],
        public_id=room["public_id"],
    )


async def test_acknowledged_update_is_present_after_kill_and_restart(cluster_on_sqlite):
    cluster, room = cluster_on_sqlite
    first = cluster.start()
    await cluster.ready(first)
    cole = client(room, "cole")
    await cole.connect(first)
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
    cole.freeze()
    cluster.kill(first)  # no chance to flush anything after the ack

    second = cluster.start()
    await cluster.ready(second)
    ivy = client(room, "ivy")
    snapshot = await ivy.connect(second)
    board = {e["id"]: e for e in snapshot["board"]["elements"]}
    assert board["durable-1"]["version"] == 2 and board["durable-1"]["width"] == 50
    await ivy.close()
    assert cluster.tracebacks() == []
