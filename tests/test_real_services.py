"""The same stack against real Redis and PostgreSQL, each started by the test session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient

from mockroom.asgi import application
from tests.conftest import ORIGIN
from tests.services import postgres_server, redis_server

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def redis_url():
    with redis_server() as url:
        yield url


@pytest.fixture
def redis_layer(settings, redis_url):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url]},
        }
    }
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
async def test_healthz_is_ok_on_a_real_redis_channel_layer(redis_layer):
    layer = get_channel_layer()
    assert type(layer).__name__ == "RedisChannelLayer"
    response = await AsyncClient().get("/healthz")
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["channel_layer"] == "ok"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
async def test_group_messages_cross_the_real_redis_layer(redis_layer, alice, session_cookie):
    ws = WebsocketCommunicator(
        application,
        "/ws/ping/",
        headers=[(b"origin", ORIGIN.encode()), (b"cookie", (await session_cookie(alice)).encode())],
    )
    assert (await ws.connect(timeout=10))[0]
    await ws.send_json_to({"type": "ping", "t": 1})
    assert (await ws.receive_json_from(timeout=10))["type"] == "pong"
    await ws.disconnect()

    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("interview.test", channel)
    await layer.group_send("interview.test", {"type": "room.event", "seq": 7})
    assert await layer.receive(channel) == {"type": "room.event", "seq": 7}


@pytest.mark.postgres
def test_migrations_and_healthz_run_on_real_postgresql():
    with postgres_server() as url:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="mockroom.settings.test")
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrate.returncode == 0, migrate.stderr
        script = (
            "import django; django.setup(); from django.db import connection; "
            "from django.test import Client; r = Client().get('/healthz'); "
            "print(connection.vendor, r.status_code)"
        )
        probe = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert probe.stdout.split() == ["postgresql", "200"], probe.stderr
