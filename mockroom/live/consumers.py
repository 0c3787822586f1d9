"""WebSocket consumers. Thin: authenticate, validate, call a service, reply."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections import deque
from typing import Any
from urllib.parse import parse_qs

import orjson
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.sessions import InstanceSessionWrapper
from django.conf import settings
from pydantic import ValidationError

from mockroom.core.clock import now, to_millis

from . import features, limits, protocol, runtime, selectors, services
from .bounds import json_problem
from .delivery import Delivery
from .events import group_all, group_author
from .presence import registry
from .runtime import Actor, Job

log = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_PARTICIPANT = 4003
CLOSE_ABUSE = 4008
CLOSE_LOGGED_OUT = 4001
CLOSE_SESSION_CHANGED = 4002
CLOSE_TOO_MANY_CONNECTIONS = 4029
LAYER_RETRY_MAX_SECONDS = 2.0
CLOSE_TOO_SLOW = 4011  # the socket stopped reading; the client reconnects and resumes
#: How many recent seqs a socket remembers, to send each event once whichever way it came.
SEEN_KEPT = 2048


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
    """`/ws/interviews/<public_id>/`: the live room for the round's participants.

    Thin: it authenticates, validates and hands each message to this process's room runtime
    (runtime.py), which checks it against the room's live state, commits it with other rooms'
    messages and fans the events out. Everything this socket sends goes through one outbox
    drained by one task, so frames keep their order and a reader that stops reading is
    noticed (the outbox fills) and dropped, instead of growing the server's memory."""

    groups_joined: list[str]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Channels' own loop (`await_many_dispatch`) waits on a fresh pair of tasks for every
        message, a cost on every frame. Here one loop reads the socket and, once the socket is
        accepted, a second task reads the channel layer (what other processes, HTTP requests
        and the task worker send). The layer's handlers only queue frames, so the two never
        need to wait for each other."""
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = await self.channel_layer.new_channel()
        # The room never changes the session, so its frames skip the session middleware's
        # save-on-send check (a lazy-object lookup and two calls for every frame).
        owner = getattr(send, "__self__", None)
        self.base_send = owner.real_send if isinstance(owner, InstanceSessionWrapper) else send
        layer_task: asyncio.Task[None] | None = None
        try:
            while True:
                message = await receive()
                await self.dispatch(message)
                if layer_task is None and message["type"] == "websocket.connect":
                    layer_task = asyncio.get_running_loop().create_task(self._read_layer())
        except StopConsumer:
            pass
        finally:
            if layer_task is not None:
                layer_task.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopConsumer):
                    await layer_task

    async def _read_layer(self) -> None:
        failures = 0
        while True:
            try:
                message = await self.channel_layer.receive(self.channel_name)
            except Exception as error:
                # The layer is away (Redis restarting, say). Keep the socket: what is in-process
                # still flows. Retry with backoff, then join the groups again, since a
                # restarted Redis has forgotten them.
                failures += 1
                log.warning("room socket: channel layer receive failed (%s); retrying", error)
                await asyncio.sleep(min(0.05 * 2**failures, LAYER_RETRY_MAX_SECONDS))
                await self._rejoin_groups()
                continue
            failures = 0
            try:
                await self.dispatch(message)
            except Exception:  # one bad layer message must not end the socket's reading
                log.exception("room socket: channel-layer message failed")

    async def _rejoin_groups(self) -> None:
        for group in self.groups_joined:
            try:
                await self.channel_layer.group_add(group, self.channel_name)
            except Exception as error:  # still away: the next failed receive retries
                log.warning("room socket: group_add %s failed (%s)", group, error)
                return

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch awaits `aclose_old_connections()` before every handler: a hop
        to the database thread for every frame and every group message, cursors included,
        which cost 35-40 % of a relay's CPU. This consumer touches the database only through
        the runtime's writer thread (which owns its connection) and `database_sync_to_async`
        on join and resume (which closes stale connections around each call), so the
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
        self.joined_runtime = False
        self.sender: asyncio.Task[None] | None = None
        self.wakeup: asyncio.Future[None] | None = None
        self.outbox: deque[str | int] = deque()
        self.replies: deque[ReplySlot] = deque()
        self.seen: set[int] = set()
        self.seen_order: deque[int] = deque()
        self.held: list[Delivery] | None = None
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await super().close(code=CLOSE_UNAUTHENTICATED)
            self.closing = True
            return
        public_id = self.scope["url_route"]["kwargs"]["public_id"]
        participant = await database_sync_to_async(_find_participant)(public_id, user.pk)
        if participant is None:
            await super().close(code=CLOSE_NOT_PARTICIPANT)
            self.closing = True
            return
        self.participant = participant
        self.public_id = public_id
        self.role = participant.role
        self.actor = Actor(user_id=user.pk, name=participant.user.name, role=participant.role)
        self.person = self.actor.as_dict()
        self.user_id = user.pk
        self.interview_id = participant.interview_id
        self.limits = limits.room_limits(limit_settings())
        self.strikes = 0
        self.runtime = runtime.current()
        await self.accept()
        self.open_outbox()
        refused = self.limits.connect(self.interview_id, user.pk, time.monotonic())
        if refused is not None:
            # Accepted first so that the client learns why (a refused handshake says nothing),
            # and nothing is written: churn never reaches the log.
            self.participant = None
            await self.send_error(refused)
            await self.close(code=CLOSE_TOO_MANY_CONNECTIONS)
            return
        self.counted = True
        # Join the room (and its groups) before the snapshot, so nothing falls between them;
        # what arrives meanwhile is held and sent after it. Clients dedupe by seq.
        self.held = []
        self.runtime.join(self.interview_id, self)
        self.joined_runtime = True
        groups = [group_all(public_id), group_author(public_id, user.pk), user_group(user.pk)]
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = groups
        interview_id, channel_name = self.interview_id, self.channel_name
        await self.runtime.submit(
            Job(
                interview_id=self.interview_id,
                public_id=public_id,
                actor=self.actor,
                kind="presence.connect",
                client_msg_id=None,
                args={},
                call=lambda: services.presence_connect(
                    interview_id=interview_id,
                    user_id=user.pk,
                    channel_name=channel_name,
                    tab=tab_of(self.scope),
                ),
            )
        )
        registry.add(self.channel_name)
        snapshot = await database_sync_to_async(selectors.room_snapshot)(participant)
        held, self.held = self.held, None
        self.send_frame(snapshot)
        for delivery in held:
            if delivery.seq > snapshot["seq"]:
                self.deliver(delivery)

    async def disconnect(self, code: int) -> None:
        self.closing = True
        self._wake()
        if self.counted:
            self.counted = False
            self.limits.disconnect(self.interview_id, self.user_id, time.monotonic())
        if self.joined_runtime:
            self.joined_runtime = False
            self.runtime.leave(self.interview_id, self)
        for group in self.groups_joined:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception as error:  # the layer is away; the group entry expires on its own
                log.warning("room socket: group_discard %s failed (%s)", group, error)
                break
        if self.participant is not None:
            registry.discard(self.channel_name)
            channel_name = self.channel_name
            await self.runtime.submit(
                Job(
                    interview_id=self.interview_id,
                    public_id=self.public_id,
                    actor=self.actor,
                    kind="presence.disconnect",
                    client_msg_id=None,
                    args={},
                    call=lambda: services.presence_disconnect(channel_name=channel_name),
                )
            )

    # --- Sending: one outbox, drained in order --------------------------------------------

    def deliver(self, delivery: Delivery) -> None:
        """A committed event for this socket (from the runtime or the channel layer). Each
        seq is sent once, whichever way it came first."""
        if self.closing or delivery.seq in self.seen:
            return
        if self.held is not None:
            self.held.append(delivery)
            return
        self.seen.add(delivery.seq)
        self.seen_order.append(delivery.seq)
        if len(self.seen_order) > SEEN_KEPT:
            self.seen.discard(self.seen_order.popleft())
        if delivery.text:
            self.deliver_text(delivery.text)
        else:
            self.send_frame(delivery.frame)

    def deliver_text(self, text: str) -> None:
        if self.closing:
            return
        if len(self.outbox) >= settings.ROOM_OUTBOX_FRAMES:
            # It stopped reading (or reads slower than its room talks): drop it rather than
            # hold its frames. The client reconnects and resumes from its last seq.
            log.info("room socket dropped: %d frames unread", len(self.outbox))
            self.outbox.clear()
            self.outbox.append(CLOSE_TOO_SLOW)
            self.closing = True
            self._wake()
            return
        self.outbox.append(text)
        self._wake()

    def open_outbox(self) -> None:
        """Start the task that sends this socket's frames, in order, as the transport takes
        them."""
        self.closing = False
        self.outbox = deque()
        self.wakeup = None
        self.sender = asyncio.get_running_loop().create_task(self._drain())

    def _wake(self) -> None:
        if self.wakeup is not None and not self.wakeup.done():
            self.wakeup.set_result(None)

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        send = self.base_send
        outbox = self.outbox
        try:
            while True:
                if not outbox:
                    if self.closing:
                        return
                    self.wakeup = loop.create_future()
                    await self.wakeup
                    continue
                item = outbox.popleft()
                if isinstance(item, int):
                    await send({"type": "websocket.close", "code": item})
                    return
                await send({"type": "websocket.send", "text": item})
        except Exception as error:  # the transport's "closed" error differs by server
            self.closing = True
            log.info("room frame dropped, socket closing: %s", type(error).__name__)

    def send_frame(self, frame: dict[str, Any]) -> None:
        """Queue one frame for this socket only. A frame that cannot be serialized costs this
        socket that frame and nothing more."""
        try:
            text = orjson.dumps(frame).decode()
        except (TypeError, orjson.JSONEncodeError) as error:
            log.error("room frame not sent: %s (%s)", type(error).__name__, frame.get("kind"))
            return
        self.deliver_text(text)

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        """Close after everything queued before it has been sent."""
        if self.closing:
            return
        if self.sender is None:
            self.closing = True
            await super().close(code=code, reason=reason)
            return
        self.outbox.append(int(code) if isinstance(code, int) and code is not True else 1000)
        self.closing = True
        self._wake()

    async def send_error(self, code: str, message_id: str | None = None, message: str = "") -> None:
        self.reply(error_frame(code, message_id, message))

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
        try:
            await self.dispatch_message(message)
        except Exception:  # a bug on one message answers that message; the socket stays
            log.exception("room message %s failed", kind)
            await self.send_error("internal", message_id)

    async def dispatch_message(self, message: Any) -> None:
        if isinstance(message, protocol.Ping):
            self.reply({"type": "pong", "t": message.t})
            return
        if isinstance(message, protocol.Cursor | protocol.Viewport):
            await self.relay_ephemeral(message)
            return
        if isinstance(message, protocol.Resume):
            slot = self.reserve()
            try:
                reply = await database_sync_to_async(_resume)(
                    self.interview_id, self.user_id, message.last_seq, message.id
                )
            except services.RoomError as error:
                reply = error_frame(error.code, message.id, error.message)
            slot.fill(reply)
            return
        if features.fast_request(message.type) is None and (
            request := features.request(message.type)
        ):
            slot = self.reserve()
            try:
                reply = await database_sync_to_async(_answer)(
                    self.interview_id, self.user_id, request, message
                )
            except services.RoomError as error:
                reply = error_frame(error.code, message.id, error.message)
            slot.fill(reply)
            return
        # Not awaited: the outcome comes back to the reply slot once the batch commits, and
        # meanwhile this socket's next frames are read (order is kept by the one queue).
        self.runtime.send(
            Job(
                interview_id=self.interview_id,
                public_id=self.public_id,
                actor=self.actor,
                kind=message.type,
                client_msg_id=message.id,
                args=message.model_dump(exclude={"type", "id"}),
                reply_to=self.reserve(),
            )
        )

    # --- Replies, in the order the messages came ---------------------------------------------

    def reserve(self) -> ReplySlot:
        """A place for the reply to a message answered later (by the writer or a thread):
        replies leave in the order their messages came, whatever finishes first."""
        slot = ReplySlot(self)
        self.replies.append(slot)
        return slot

    def reply(self, frame: dict[str, Any]) -> None:
        """Answer a message now, or after the earlier messages still being answered."""
        if self.replies:
            self.reserve().fill(frame)
        else:
            self.send_frame(stamped(frame))

    def flush_replies(self) -> None:
        while self.replies and self.replies[0].frame is not None:
            frame = self.replies.popleft().frame
            if frame is not None:
                self.send_frame(stamped(frame))

    async def relay_ephemeral(self, message: Any) -> None:
        """Cursors and viewports: never logged, never touch the database. Peers in this
        process get them straight away; the channel layer carries them only to others."""
        frame = {
            "type": "ephemeral",
            "kind": message.type,
            "sender": self.person,
            "payload": message.model_dump(exclude={"type"}),
        }
        text = orjson.dumps(frame).decode()
        for peer in self.runtime.peers(self.interview_id):
            if peer is not self:
                peer.deliver_text(text)
        if runtime.cross_process_layer():
            await self.channel_layer.group_send(
                self.groups_joined[0],
                {"type": "room.ephemeral", "origin": runtime.PROCESS_ID, "frame": frame},
            )

    # --- Channel-layer handlers: what comes from other processes, HTTP and the worker ------

    async def room_ephemeral(self, message: dict[str, Any]) -> None:
        if message.get("origin") != runtime.PROCESS_ID:
            self.send_frame(message["frame"])

    async def room_event(self, message: dict[str, Any]) -> None:
        if message.get("origin") == runtime.PROCESS_ID:
            return  # this process's runtime delivered it already
        frame = message["event"]
        seq = frame.get("seq") if isinstance(frame, dict) else None
        if not isinstance(seq, int):
            self.send_frame(frame)
            return
        self.deliver(Delivery(self.interview_id, self.public_id, seq, "", None, frame, ""))

    async def session_ended(self, message: dict[str, Any]) -> None:
        await self.close(code=int(message.get("code", CLOSE_LOGGED_OUT)))


TAB_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def tab_of(scope: dict[str, Any]) -> str:
    """The browser tab a room socket comes from: the client's `?tab=` (one id per page load,
    the same on every reconnect), or "" when absent or malformed (the socket is then its own
    tab)."""
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("tab", [])
    return values[0] if values and TAB_ID.fullmatch(values[0]) else ""


def error_frame(code: str, message_id: str | None, message: str = "") -> dict[str, Any]:
    return {
        "type": "error",
        "id": message_id,
        "code": code,
        "message": message or protocol.ERROR_CODES.get(code, code),
    }


def stamped(frame: dict[str, Any]) -> dict[str, Any]:
    """A pong carries the server's clock as it leaves, not as the ping arrived."""
    if frame.get("type") == "pong":
        return {**frame, "server_time": to_millis(now())}
    return frame


class ReplySlot:
    """The reply to one message, filled when it is known (see RoomConsumer.reserve)."""

    __slots__ = ("consumer", "frame")

    def __init__(self, consumer: RoomConsumer) -> None:
        self.consumer = consumer
        self.frame: dict[str, Any] | None = None

    def fill(self, frame: dict[str, Any]) -> None:
        self.frame = frame
        self.consumer.flush_replies()

    def job_done(self, job: Job, outcome: runtime.Outcome) -> None:
        """The runtime's answer to a command (on the event loop)."""
        if outcome.error is not None:
            self.fill(error_frame(outcome.error.code, job.client_msg_id, outcome.error.message))
        elif outcome.reply is not None:
            self.fill(outcome.reply)
        else:
            ack = {"type": "ack", "id": job.client_msg_id}
            self.fill({**ack, "seq": outcome.seq, "duplicate": outcome.duplicate})


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
