"""A room socket with nothing to say stays open on the Redis channel layer.

redis-py 8 gives every connection a 5 s socket_timeout, the same as the blocking BZPOPMIN
that channels_redis uses to wait for messages: an idle consumer then dies with
redis.exceptions.TimeoutError and Daphne closes the socket with 1011.
"""

from __future__ import annotations

import asyncio
import os

import pytest

from tests.live.cluster import Cluster, RoomClient, migrate_and_create_rooms
from tests.services import redis_server

pytestmark = [pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def quiet_room(tmp_path):
    with redis_server() as redis_url:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(
            DJANGO_SETTINGS_MODULE="mockroom.settings.test",
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
            REDIS_URL=redis_url,
        )
        rooms = migrate_and_create_rooms(env, ["idle"])
        cluster = Cluster(env, tmp_path)
        daphne = cluster.start()
        try:
            yield cluster, daphne, rooms["idle"]
        finally:
            cluster.stop()


async def test_an_idle_room_socket_stays_open_on_the_redis_layer(quiet_room):
    cluster, daphne, room = quiet_room
    await cluster.ready(daphne)
    person = room["cole"]
    cole = RoomClient(
        "cole",
        user_id=person["user_id"],
        role=person["role"],
        session=person["session"],
        public_id=room["public_id"],
    )
    await cole.connect(daphne)
    # Silence for three of channels_redis' 5 s receive cycles; the clock must pass here.
    await asyncio.sleep(16)
    await cole.ws.send('{"type": "ping", "t": 1}')
    await cole.wait(lambda: cole.ws.close_code is None and cole.pongs > 0, within=10)
    await cole.close()
    assert cluster.tracebacks() == []
