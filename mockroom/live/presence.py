"""Per-process presence heartbeat: one task refreshes this process's connections and sweeps
the ones a dead process left behind."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from channels.db import database_sync_to_async
from django.conf import settings

from .services import presence_heartbeat, presence_sweep

log = logging.getLogger(__name__)


class PresenceRegistry:
    def __init__(self) -> None:
        self.channels: set[str] = set()
        self.task: asyncio.Task[None] | None = None

    def add(self, channel_name: str) -> None:
        self.channels.add(channel_name)
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.task.get_loop() is not loop:
            self.task = loop.create_task(self._beat())

    def discard(self, channel_name: str) -> None:
        self.channels.discard(channel_name)

    async def _beat(self) -> None:
        while self.channels:
            await asyncio.sleep(settings.PRESENCE_HEARTBEAT_SECONDS)
            with contextlib.suppress(Exception):
                await database_sync_to_async(presence_heartbeat)(sorted(self.channels))
                await database_sync_to_async(presence_sweep)()


registry = PresenceRegistry()
