"""Reads of the room, always for one participant: what their role may see."""

from __future__ import annotations

from typing import Any

import orjson
from django.db.models import Count, Q, QuerySet

from mockroom.core.clock import now, to_millis
from mockroom.interviews.models import Interview, Participant

from . import features, visibility
from .events import event_frame
from .models import Presence, RoomEvent, RoomState
from .protocol import PROTOCOL_VERSION
from .timer import TimerState

RESUME_LIMIT = 1000
# Daphne refuses to send WebSocket messages over 1 MiB; stay well below.
RESUME_MAX_BYTES = 512 * 1024


def visible_events(participant: Participant) -> QuerySet[RoomEvent]:
    """The log as this participant may read it (visibility.may_see, as a query)."""
    visible = Q(audience=visibility.ALL) | Q(
        audience=visibility.AUTHOR, audience_user_id=participant.user_id
    )
    return RoomEvent.objects.filter(interview_id=participant.interview_id).filter(visible)


def room_snapshot(participant: Participant) -> dict[str, Any]:
    """protocol.Snapshot for this participant."""
    interview = Interview.objects.get(pk=participant.interview_id)
    state, _ = RoomState.objects.get_or_create(interview=interview)
    phases = interview.phases
    timer = TimerState.from_json(state.timer, len(phases))
    heads = state.stream_heads
    streams: dict[str, int | None] = {
        "all": int(heads.get("all", 0)),
        "me": int(heads.get(f"user:{participant.user_id}", 0)),
    }
    participants = [
        {"user_id": p.user_id, "name": p.user.name, "role": p.role}
        for p in interview.participants.select_related("user").order_by("role", "created_at")
    ]
    names = {p["user_id"]: p for p in participants}
    presence = [
        {**names[row["user_id"]], "connections": row["n"]}
        for row in Presence.objects.filter(interview=interview)
        .values("user_id")
        .annotate(n=Count("tab", distinct=True))
        .order_by("user_id")
        if row["user_id"] in names
    ]
    staff = participant.is_staff
    revealed = interview.prompt_revealed_at is not None
    prompt: dict[str, Any] = {
        "revealed": revealed,
        "text": interview.prompt_text if (staff or revealed) else None,
    }
    if staff:
        prompt.update(
            notes=interview.prompt_notes,
            hints=interview.prompt_hints,
            solution=interview.prompt_solution,
        )
    return {
        # Each feature's part (rubric and own scores; board): see features.py.
        **features.snapshot_parts(participant=participant, interview=interview),
        "prompt": prompt,
        "read_only": participant.role == "observer" or interview.status == "ended",
        "type": "snapshot",
        "protocol": PROTOCOL_VERSION,
        "seq": state.seq,
        "streams": streams,
        "server_time": to_millis(now()),
        "interview": {
            "public_id": interview.public_id,
            "title": interview.title,
            "kind": interview.kind,
            "status": interview.status,
            "started_at": to_millis(interview.started_at) if interview.started_at else None,
            "ended_at": to_millis(interview.ended_at) if interview.ended_at else None,
        },
        "me": {
            "user_id": participant.user_id,
            "name": participant.user.name,
            "role": participant.role,
        },
        "participants": participants,
        "presence": presence,
        "agenda": [phase.as_dict() for phase in phases],
        "timer": timer.to_json(),
    }


def resume_reply(participant: Participant, *, last_seq: int, request_id: str) -> dict[str, Any]:
    """protocol.Events with what was missed, or a Snapshot when too far behind."""
    state, _ = RoomState.objects.get_or_create(interview_id=participant.interview_id)
    behind = state.seq - last_seq
    if last_seq > state.seq or behind > RESUME_LIMIT:
        return room_snapshot(participant)
    rows = visible_events(participant).filter(seq__gt=last_seq).select_related("actor")
    frames = [event_frame(row) for row in rows.order_by("seq")]
    hidden = Interview.objects.filter(pk=participant.interview_id, rubric_hidden=True).exists()
    for frame in frames:
        frame["payload"] = visibility.replayed_payload(
            frame["kind"],
            frame["payload"],
            viewer_is_staff=participant.is_staff,
            rubric_hidden_now=hidden,
        )
    if len(orjson.dumps(frames)) > RESUME_MAX_BYTES:
        return room_snapshot(participant)  # cheaper than one huge frame, and within limits
    return {"type": "events", "id": request_id, "seq": state.seq, "events": frames}
