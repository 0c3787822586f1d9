"""WebSocket consumers. Thin: authenticate, validate, call a service, reply."""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from django.conf import settings
from pydantic import ValidationError

from mockroom.core.clock import now, to_millis

from . import features, limits, protocol, selectors, services
from .bounds import json_problem
from .events import EventNotStorable, group_all, group_author
from .presence import registry

log = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_PARTICIPANT = 4003
CLOSE_ABUSE = 4008
CLOSE_LOGGED_OUT = 4001
CLOSE_SESSION_CHANGED = 4002
CLOSE_TOO_MANY_CONNECTIONS = 4029


def limit_settings() -> limits.LimitSettings:
    return limits.LimitSettings(
        messages_per_second=settings.ROOM_RATE_PER_SECOND,
        message_burst=settings.ROOM_BURST,
        bytes_per_second=settings.ROOM_BYTES_PER_SECOND,
        byte_burst=settings.ROOM_BYTES_BURST,
        max_connections=settings.ROOM_MAX_CONNECTIONS_PER_USER,
        connects_per_minute=settings.ROOM_CONNECTS_PER_MINUTE,
        connect_burst=settings.ROOM_CONNECT_BURST,
    )


def frame_bytes(raw: str | bytes) -> int:
    """A frame's size in bytes as it came over the wire (UTF-8 for text frames). Encoding
    is skipped when the character count alone settles it: ASCII frames, or ones already
    past the limit."""
    if isinstance(raw, bytes):
        return len(raw)
    if raw.isascii() or len(raw) > protocol.MAX_FRAME_BYTES:
        return len(raw)
    return len(raw.encode("utf-8", errors="surrogatepass"))


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


class PingConsumer(AsyncJsonWebsocketConsumer):
    """`/ws/ping/`: a signed-in client sends `{"type": "ping", "t": <client ms>}` and gets the
    server's clock back."""

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


class RoomConsumer(AsyncWebsocketConsumer):
    """`/ws/interviews/<public_id>/`: the live room for the round's participants."""

    groups_joined: list[str]

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch awaits `aclose_old_connections()` before every handler: a hop
        to the database thread for every frame and every group message, cursors included,
        which cost 35-40 % of a relay's CPU. Our database work already runs through
        `database_sync_to_async`, which closes stale connections around each call, so the
        per-message hop buys nothing here."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        self.groups_joined = []
        self.participant = None
        self.counted = False
        self.closing = False
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        public_id = self.scope["url_route"]["kwargs"]["public_id"]
        participant = await database_sync_to_async(_find_participant)(public_id, user.pk)
        if participant is None:
            await self.close(code=CLOSE_NOT_PARTICIPANT)
            return
        self.participant = participant
        self.role = participant.role
        self.person = {"user_id": user.pk, "name": participant.user.name, "role": participant.role}
        self.user_id = user.pk
        self.interview_id = participant.interview_id
        self.limits = limits.room_limits(limit_settings())
        self.strikes = 0
        await self.accept()
        refused = self.limits.connect(self.interview_id, user.pk, time.monotonic())
        if refused is not None:
            # Accepted first so that the client learns why (a refused handshake says nothing),
            # and nothing is written: churn never reaches the log.
            self.participant = None
            await self.send_error(refused)
            await self.close(code=CLOSE_TOO_MANY_CONNECTIONS)
            return
        self.counted = True
        # Subscribe before the snapshot so nothing falls between them; clients dedupe by seq.
        groups = [group_all(public_id), group_author(public_id, user.pk), user_group(user.pk)]
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = groups
        await database_sync_to_async(services.presence_connect)(
            interview_id=self.interview_id, user_id=user.pk, channel_name=self.channel_name
        )
        registry.add(self.channel_name)
        snapshot = await database_sync_to_async(selectors.room_snapshot)(participant)
        await self.send_frame(snapshot)

    async def disconnect(self, code: int) -> None:
        self.closing = True
        if self.counted:
            self.counted = False
            self.limits.disconnect(self.interview_id, self.user_id, time.monotonic())
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.participant is not None:
            registry.discard(self.channel_name)
            await database_sync_to_async(services.presence_disconnect)(
                channel_name=self.channel_name
            )

    async def send_frame(self, frame: dict[str, Any]) -> None:
        """Send one frame to this socket only. A frame that cannot be serialized, or a
        socket that is already closing, costs this socket that frame and nothing more."""
        if self.closing:
            return
        try:
            text = orjson.dumps(frame).decode()
        except (TypeError, orjson.JSONEncodeError) as error:
            log.error("room frame not sent: %s (%s)", type(error).__name__, frame.get("kind"))
            return
        try:
            await self.send(text_data=text)
        except Exception as error:  # the transport's "closed" error differs by server
            self.closing = True
            log.info("room frame dropped, socket closing: %s", type(error).__name__)

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        if self.closing:
            return
        self.closing = True
        await super().close(code=code, reason=reason)

    async def send_error(self, code: str, message_id: str | None = None, message: str = "") -> None:
        await self.send_frame(
            {
                "type": "error",
                "id": message_id,
                "code": code,
                "message": message or protocol.ERROR_CODES.get(code, code),
            }
        )

    async def strike(self) -> bool:
        """Count abuse; close the socket when it repeats. Returns True if closed."""
        self.strikes += 1
        if self.strikes >= settings.ROOM_ABUSE_STRIKES:
            await self.close(code=CLOSE_ABUSE)
            return True
        return False

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        raw = text_data if text_data is not None else bytes_data
        if raw is None:
            return
        if self.closing:
            return
        size = frame_bytes(raw)
        if size > protocol.MAX_FRAME_BYTES:
            if not await self.strike():
                await self.send_error("too_large")
            return
        try:
            content = orjson.loads(raw)
        except orjson.JSONDecodeError:
            content = None
        kind = content.get("type") if isinstance(content, dict) else None
        message_id = content.get("id") if isinstance(content, dict) else None
        message_id = message_id[: protocol.MAX_ID_LENGTH] if isinstance(message_id, str) else None
        # Cursors and viewports are frequent and cheap: half a token each.
        cost = 0.5 if isinstance(kind, str) and kind in protocol.EPHEMERAL_TYPES else 1.0
        now_s = time.monotonic()
        if not self.limits.allow_message(self.interview_id, self.user_id, now_s, cost, size):
            if not await self.strike():
                await self.send_error("rate_limited", message_id)
            return
        if not isinstance(content, dict):
            await self.send_error("bad_json")
            return
        problem = json_problem(content)
        if problem is not None:
            await self.send_error("invalid", message_id, problem)
            return
        if not isinstance(kind, str) or kind not in protocol.ALLOWED_ROLES:
            await self.send_error("unknown_type", message_id)
            return
        try:
            message = protocol.CLIENT_MESSAGE.validate_python(content)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"][1:]) or "message"
            await self.send_error("invalid", message_id, f"{where}: {first['msg']}")
            return
        if self.role not in protocol.ALLOWED_ROLES[kind]:
            await self.send_error("forbidden", message_id)
            return
        await self.dispatch_message(message)

    async def dispatch_message(self, message: Any) -> None:
        if isinstance(message, protocol.Ping):
            await self.send_frame({"type": "pong", "t": message.t, "server_time": to_millis(now())})
            return
        if isinstance(message, protocol.Cursor | protocol.Viewport):
            await self.relay_ephemeral(message)
            return
        if (request := features.request(message.type)) is not None:
            try:
                reply = await database_sync_to_async(_answer)(
                    self.interview_id, self.user_id, request, message
                )
            except services.RoomError as error:
                await self.send_error(error.code, message.id, error.message)
                return
            await self.send_frame(reply)
            return
        if isinstance(message, protocol.Resume):
            try:
                reply = await database_sync_to_async(_resume)(
                    self.interview_id, self.user_id, message.last_seq, message.id
                )
            except services.RoomError as error:
                await self.send_error(error.code, message.id, error.message)
                return
            await self.send_frame(reply)
            return
        args = message.model_dump(exclude={"type", "id"})
        try:
            result = await database_sync_to_async(services.room_command)(
                interview_id=self.interview_id,
                user_id=self.user_id,
                command=message.type,
                client_msg_id=message.id,
                args=args,
            )
        except services.RoomError as error:
            await self.send_error(error.code, message.id, error.message)
            return
        except EventNotStorable as error:
            await self.send_error("invalid", message.id, str(error))
            return
        await self.send_frame(
            {"type": "ack", "id": message.id, "seq": result.seq, "duplicate": result.duplicate}
        )

    async def relay_ephemeral(self, message: Any) -> None:
        """Cursors and viewports: never logged, never touch the database."""
        frame = {
            "type": "ephemeral",
            "kind": message.type,
            "sender": self.person,
            "payload": message.model_dump(exclude={"type"}),
        }
        await self.channel_layer.group_send(
            self.groups_joined[0],
            {"type": "room.ephemeral", "origin": self.channel_name, "frame": frame},
        )

    # --- Channel-layer handlers ---------------------------------------------------------

    async def room_ephemeral(self, message: dict[str, Any]) -> None:
        if message.get("origin") != self.channel_name:
            await self.send_frame(message["frame"])

    async def room_event(self, message: dict[str, Any]) -> None:
        await self.send_frame(message["event"])

    async def session_ended(self, message: dict[str, Any]) -> None:
        await self.close(code=int(message.get("code", CLOSE_LOGGED_OUT)))


def _find_participant(public_id: str, user_id: int):
    from mockroom.interviews.models import Participant

    return (
        Participant.objects.select_related("interview", "user")
        .filter(interview__public_id=public_id, user_id=user_id)
        .first()
    )


def _answer(interview_id: int, user_id: int, request: Any, message: Any) -> dict[str, Any]:
    participant = services.participant_for(interview_id, user_id)
    return request(participant=participant, message=message)


def _resume(interview_id: int, user_id: int, last_seq: int, request_id: str) -> dict[str, Any]:
    participant = services.participant_for(interview_id, user_id)
    return selectors.resume_reply(participant, last_seq=last_seq, request_id=request_id)
