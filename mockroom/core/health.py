"""Health probes for the database and the channel layer."""

from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection

PROBE_TIMEOUT_SECONDS = 2.0


def _database_ok() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


async def check_database() -> str:
    try:
        ok = await asyncio.wait_for(
            sync_to_async(_database_ok, thread_sensitive=True)(), PROBE_TIMEOUT_SECONDS
        )
    except Exception as exc:  # any failure makes the probe report the error
        return f"error: {type(exc).__name__}"
    return "ok" if ok else "error: unexpected result"


async def check_channel_layer() -> str:
    """Send a message to ourselves through the layer and read it back."""
    layer = get_channel_layer()
    if layer is None:
        return "error: no channel layer configured"
    try:
        channel = await layer.new_channel("healthz.")
        await asyncio.wait_for(layer.send(channel, {"type": "health.probe"}), PROBE_TIMEOUT_SECONDS)
        message = await asyncio.wait_for(layer.receive(channel), PROBE_TIMEOUT_SECONDS)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok" if message.get("type") == "health.probe" else "error: unexpected message"


async def health_report() -> tuple[dict[str, str], bool]:
    database, channel_layer = await asyncio.gather(check_database(), check_channel_layer())
    healthy = database == "ok" and channel_layer == "ok"
    report = {
        "status": "ok" if healthy else "degraded",
        "database": database,
        "channel_layer": channel_layer,
    }
    return report, healthy
