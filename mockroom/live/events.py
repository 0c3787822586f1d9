"""The one place room events are appended and broadcast.

`append_events` must run inside a transaction. It assigns `seq` under the room's state-row
lock, writes the events, and registers the broadcast for after the commit, so an event is
never seen (or acknowledged) before it is durable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from pydantic import ValidationError

from mockroom.core.clock import now, to_millis
from mockroom.interviews.models import Interview

from . import protocol, visibility
from .bounds import json_problem
from .delivery import Delivery, collector
from .models import RoomEvent, RoomState


class EventNotStorable(ValueError):
    """An event whose payload could not be stored, serialized again or sent: refused whole,
    so that nothing in the log can break a later broadcast or resume."""


class EventPayloadMismatch(RuntimeError):
    """A producer built a payload that its kind's model in `protocol.EVENT_PAYLOADS` refuses
    (or a kind with no model): a bug in the server, not the client's fault. Only raised
    while `settings.ROOM_VALIDATE_EVENT_PAYLOADS` is on, as it is in tests."""


@dataclass
class NewEvent:
    """An event to append. Its audience follows from its kind (visibility.py); an
    author-only event is its actor's."""

    interview: Interview
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    actor: Any = None
    actor_role: str = ""
    client_msg_id: str | None = None

    @property
    def audience(self) -> str:
        return visibility.audience_for(self.kind)

    @property
    def audience_user_id(self) -> int | None:
        if self.audience != visibility.AUTHOR:
            return None
        if self.actor is None:
            raise ValueError(f"a {self.kind} event needs its author")
        return int(self.actor.pk)


stream_key = visibility.stream_key


def group_all(public_id: str) -> str:
    return f"interview.{public_id}"


def group_author(public_id: str, user_id: int) -> str:
    return f"interview.{public_id}.u{user_id}"


def group_for(event: RoomEvent, public_id: str) -> str:
    if event.audience == visibility.AUTHOR:
        if event.audience_user_id is None:
            raise ValueError("an author event needs its author")
        return group_author(public_id, event.audience_user_id)
    return group_all(public_id)


def lock_room_state(interview: Interview) -> RoomState:
    """The round's state row, locked for this transaction (created on first use), with the
    round itself read under the same lock (`state.interview` is fresh)."""
    locked = RoomState.objects.select_for_update(of=("self",)).select_related("interview")
    state = locked.filter(interview=interview).first()
    if state is None:  # first event of the round; creation may race, get_or_create copes
        RoomState.objects.get_or_create(interview=interview)
        state = locked.get(interview=interview)
    return state


def append_events(
    events: Iterable[NewEvent], *, states: dict[int, RoomState] | None = None
) -> list[RoomEvent]:
    """Append a batch of events; returns the saved rows with their seq.

    Callers that already hold a locked RoomState pass it in `states` (by interview pk) so
    the materialized state and the log are written under the same lock.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append_events must run inside transaction.atomic()")
    states = dict(states or {})
    validate = settings.ROOM_VALIDATE_EVENT_PAYLOADS
    rows: list[RoomEvent] = []
    touched: dict[int, RoomState] = {}
    for new in events:
        problem = json_problem(new.payload)
        if problem is not None:
            raise EventNotStorable(problem)
        try:
            encoded = orjson.dumps(new.payload)
        except (TypeError, orjson.JSONEncodeError) as error:
            raise EventNotStorable(f"payload: {error}") from None
        if validate:
            check_payload(new.kind, encoded)
        state = states.get(new.interview.pk) or lock_room_state(new.interview)
        states[new.interview.pk] = state
        touched[new.interview.pk] = state
        key = stream_key(new.audience, new.audience_user_id)
        state.seq += 1
        prev = int(state.stream_heads.get(key, 0))
        state.stream_heads = {**state.stream_heads, key: state.seq}
        rows.append(
            RoomEvent(
                interview=new.interview,
                seq=state.seq,
                prev=prev,
                kind=new.kind,
                audience=new.audience,
                audience_user_id=new.audience_user_id,
                actor=new.actor,
                actor_role=new.actor_role,
                payload=new.payload,
                client_msg_id=new.client_msg_id,
                created_at=now(),
            )
        )
    RoomEvent.objects.bulk_create(rows)
    for state in touched.values():
        state.save(update_fields=["seq", "stream_heads", "timer", "updated_at"])
    public_ids = {pk: state.interview.public_id for pk, state in touched.items()}
    sent = [(row, public_ids[row.interview_id], event_frame(row)) for row in rows]
    transaction.on_commit(lambda: broadcast(sent))
    return rows


def check_payload(kind: str, encoded: bytes) -> None:
    """Check a payload, as JSON (what is stored and sent), against its kind's model. Strict:
    nothing may be coerced (`"3"` or `3.0` for an int), and every field is required, so what
    passes is exactly what a client may rely on."""
    model = protocol.EVENT_PAYLOADS.get(kind)
    if model is None:
        raise EventPayloadMismatch(f"no payload model for event kind {kind!r} in the protocol")
    try:
        model.model_validate_json(encoded, strict=True)
    except ValidationError as error:
        raise EventPayloadMismatch(f"{kind} payload: {error}") from None


def viewer_stream(event: RoomEvent) -> str:
    return visibility.viewer_stream(event.audience)


def event_frame(event: RoomEvent) -> dict[str, Any]:
    """The wire form of an event (protocol.EventFrame)."""
    actor = None
    if event.actor_id is not None and event.actor is not None:
        actor = {"user_id": event.actor_id, "name": event.actor.name, "role": event.actor_role}
    return {
        "type": "event",
        "seq": event.seq,
        "stream": viewer_stream(event),
        "prev": event.prev,
        "kind": event.kind,
        "actor": actor,
        "at": to_millis(event.created_at),
        "payload": event.payload,
    }


def broadcast(sent: list[tuple[RoomEvent, str, dict[str, Any]]]) -> None:
    """Tell every socket in the room. Runs after commit. On the room writer's thread the
    runtime takes the events and fans them out itself (runtime.py); anywhere else (HTTP
    requests, the task worker) they go through the channel layer."""
    if collector.sink is not None:
        collector.sink.extend(
            Delivery.of_row(row, public_id, frame) for row, public_id, frame in sent
        )
        return
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(layer.group_send)
    for row, public_id, frame in sent:
        send(group_for(row, public_id), {"type": "room.event", "event": frame})
