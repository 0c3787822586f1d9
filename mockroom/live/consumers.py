"""WebSocket consumers. Thin: authenticate, validate, call a service, reply."""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from mockroom.core.clock import now, to_millis

CLOSE_UNAUTHENTICATED = 4401


class PingConsumer(AsyncJsonWebsocketConsumer):
    """`/ws/ping/`: a signed-in client sends `{"type": "ping", "t": <client ms>}` and gets the
    server's clock back, which is how clients measure their offset from server time."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.accept()

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or content.get("type") != "ping":
            await self.send_json({"type": "error", "code": "unknown_type"})
            return
        await self.send_json(
            {"type": "pong", "t": content.get("t"), "server_time": to_millis(now())}
        )
