"""Health probes for the database and the channel layer."""

from __future__ import annotations

import asyncio

from channels.layers import get_channel_layer
from django.db import DEFAULT_DB_ALIAS, connections

PROBE_TIMEOUT_SECONDS = 2.0
# libpq's connect_timeout is whole seconds, and it treats anything under 2 as 2.
DATABASE_CONNECT_TIMEOUT_SECONDS = 2


def probe_database(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Opens a connection of its own and closes it again, so the probe never shares (or
    leaves broken) a connection that requests use, and a dead server can't hang it."""
    probe = connections.create_connection(alias)
    if probe.vendor == "postgresql":
        probe.settings_dict = {
            **probe.settings_dict,
            "OPTIONS": {
                **probe.settings_dict.get("OPTIONS", {}),
                "connect_timeout": DATABASE_CONNECT_TIMEOUT_SECONDS,
            },
        }
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    finally:
        probe.close()


async def check_database() -> str:
    # A plain executor thread rather than sync_to_async: when asgiref's wrapper is
    # cancelled it still waits for its thread, so a hung connect would hang /healthz (and,
    # on the shared thread, every other request's sync work). This future can be abandoned;
    # the connect timeout ends its thread soon after.
    loop = asyncio.get_running_loop()
    try:
        ok = await asyncio.wait_for(
            loop.run_in_executor(None, probe_database), PROBE_TIMEOUT_SECONDS
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
