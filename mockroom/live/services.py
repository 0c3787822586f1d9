"""Room commands: each one authorizes, applies and appends its event in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from mockroom.core.clock import now, to_millis
from mockroom.interviews import services as interview_services
from mockroom.interviews.models import Interview, Participant

from . import features
from . import timer as timer_math
from .events import NewEvent, append_events, lock_room_state
from .models import Presence, RoomEvent, RoomState
from .protocol import ALLOWED_ROLES


class RoomError(Exception):
    """A refused command. Nothing was changed; `code` is a protocol error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CommandResult:
    seq: int
    duplicate: bool = False


def participant_for(interview_id: int, user_id: int) -> Participant:
    participant = (
        Participant.objects.select_related("interview", "user")
        .filter(interview_id=interview_id, user_id=user_id)
        .first()
    )
    if participant is None:
        raise RoomError("forbidden", "You are not a participant of this round.")
    return participant


def timer_state(state: RoomState, interview: Interview) -> timer_math.TimerState:
    return timer_math.TimerState.from_json(state.timer, len(interview.phases))


TIMER_COMMANDS = {
    "timer.start": lambda t, now_ms, _: timer_math.start(t, now_ms),
    "timer.resume": lambda t, now_ms, _: timer_math.resume(t, now_ms),
    "timer.pause": lambda t, now_ms, _: timer_math.pause(t, now_ms),
    "timer.next": lambda t, now_ms, _: timer_math.next_phase(t, now_ms),
    "timer.previous": lambda t, now_ms, _: timer_math.previous_phase(t, now_ms),
    "timer.add_time": lambda t, _now, args: timer_math.add_time(t, int(args["minutes"])),
    "timer.reset": lambda t, _now, _args: timer_math.reset(t),
}


@transaction.atomic
def room_command(
    *, interview_id: int, user_id: int, command: str, client_msg_id: str, args: dict[str, Any]
) -> CommandResult:
    """Apply one state-changing client message. Re-sending the same id applies nothing and
    returns the original seq."""
    participant = participant_for(interview_id, user_id)
    if participant.role not in ALLOWED_ROLES.get(command, frozenset()):
        raise RoomError("forbidden", "Your role may not send this message.")
    interview = participant.interview
    state = lock_room_state(interview)
    earlier = RoomEvent.objects.filter(
        interview=interview, actor_id=user_id, client_msg_id=client_msg_id
    ).first()
    if earlier is not None:
        return CommandResult(seq=earlier.seq, duplicate=True)
    interview = state.interview  # read under the lock: its status is current
    now_ms = to_millis(now())
    timer = timer_state(state, interview)
    base = {
        "interview": interview,
        "actor": participant.user,
        "actor_role": participant.role,
        "client_msg_id": client_msg_id,
    }
    if command == "round.start":
        if interview.status != Interview.Status.SCHEDULED:
            raise RoomError("conflict", "The round has already started.")
        interview = interview_services.interview_start(interview=interview)
        new = NewEvent(
            kind="round.started",
            payload={"status": interview.status, "started_at": to_millis(interview.started_at)},
            **base,
        )
    elif command == "round.end":
        if interview.status != Interview.Status.LIVE:
            raise RoomError("round_not_live", "Only a live round can end.")
        if timer.running:
            timer = timer_math.pause(timer, now_ms)
            state.timer = timer.to_json()
        interview = interview_services.interview_end(interview=interview)
        new = NewEvent(
            kind="round.ended",
            payload={
                "status": interview.status,
                "ended_at": to_millis(interview.ended_at),
                "timer": timer.to_json(),
            },
            **base,
        )
    elif (feature := features.command(command)) is not None:
        try:
            seq = feature.handler(
                state=state,
                participant=participant,
                interview=interview,
                client_msg_id=client_msg_id,
                args=args,
            )
        except feature.refusals as error:
            raise RoomError(error.code, error.message) from None  # type: ignore[attr-defined]
        return CommandResult(seq=seq)
    elif command == "prompt.reveal":
        if interview.status == Interview.Status.ENDED:
            raise RoomError("round_ended", "The round has ended; the room is read-only.")
        if not interview.prompt_text.strip():
            raise RoomError("conflict", "This round has no prompt text to reveal.")
        if interview.prompt_revealed_at is None:
            interview.prompt_revealed_at = now()
            interview.save(update_fields=["prompt_revealed_at", "updated_at"])
        new = NewEvent(kind="prompt.revealed", payload={"text": interview.prompt_text}, **base)
    elif command in TIMER_COMMANDS:
        if interview.status == Interview.Status.ENDED:
            raise RoomError("round_ended", "The round has ended; the room is read-only.")
        if interview.status != Interview.Status.LIVE:
            raise RoomError("round_not_live", "Start the round first.")
        try:
            timer = TIMER_COMMANDS[command](timer, now_ms, args)
        except timer_math.TimerError as error:
            raise RoomError("conflict", str(error)) from None
        state.timer = timer.to_json()
        new = NewEvent(
            kind="timer.changed", payload={"command": command, "timer": state.timer}, **base
        )
    else:
        raise RoomError("unknown_type", "No such message type.")
    (row,) = append_events([new], states={interview.pk: state})
    return CommandResult(seq=row.seq)


# --- Presence ----------------------------------------------------------------------------


def _person(participant_user: Any, role: str, connections: int) -> dict[str, Any]:
    return {
        "user_id": participant_user.pk,
        "name": participant_user.name,
        "role": role,
        "connections": connections,
    }


def tabs_open(interview_id: int, user_id: int) -> int:
    """How many tabs (not sockets) the user has in the room."""
    rows = Presence.objects.filter(interview_id=interview_id, user_id=user_id)
    return rows.values("tab").distinct().count()


@transaction.atomic
def presence_connect(
    *, interview_id: int, user_id: int, channel_name: str, tab: str = ""
) -> Participant:
    """Register an open connection; the first one of a user announces their arrival."""
    participant = participant_for(interview_id, user_id)
    state = lock_room_state(participant.interview)
    Presence.objects.update_or_create(
        channel_name=channel_name,
        defaults={
            "interview_id": interview_id,
            "user_id": user_id,
            "role": participant.role,
            "tab": tab or channel_name,
            "last_seen": now(),
        },
    )
    count = tabs_open(interview_id, user_id)
    # Every change of a user's connection count is announced; clients say "joined" at 1.
    if count >= 1:
        append_events(
            [
                NewEvent(
                    interview=participant.interview,
                    kind="presence.joined",
                    payload=_person(participant.user, participant.role, count),
                    actor=participant.user,
                    actor_role=participant.role,
                )
            ],
            states={interview_id: state},
        )
    return participant


@transaction.atomic
def presence_disconnect(*, channel_name: str) -> None:
    """Drop a connection and announce how many the user still has (0: they left)."""
    row = (
        Presence.objects.select_related("interview", "user")
        .filter(channel_name=channel_name)
        .first()
    )
    if row is None:
        return
    _drop_rows([row])


def _drop_rows(rows: list[Presence]) -> None:
    by_room: dict[int, list[Presence]] = {}
    for row in rows:
        by_room.setdefault(row.interview_id, []).append(row)
    for interview_id, room_rows in by_room.items():
        state = lock_room_state(room_rows[0].interview)
        Presence.objects.filter(pk__in=[r.pk for r in room_rows]).delete()
        events = []
        for user_id in sorted({r.user_id for r in room_rows}):
            left = tabs_open(interview_id, user_id)
            row = next(r for r in room_rows if r.user_id == user_id)
            events.append(
                NewEvent(
                    interview=row.interview,
                    kind="presence.left",
                    payload=_person(row.user, row.role, left),
                    actor=row.user,
                    actor_role=row.role,
                )
            )
        if events:
            append_events(events, states={interview_id: state})


def presence_heartbeat(channel_names: list[str]) -> int:
    """Mark this process's connections as alive."""
    if not channel_names:
        return 0
    return Presence.objects.filter(channel_name__in=channel_names).update(last_seen=now())


@transaction.atomic
def presence_sweep() -> int:
    """Drop connections nobody has refreshed within the TTL: their process died."""
    cutoff = now() - timedelta(seconds=settings.PRESENCE_TTL_SECONDS)
    stale = list(Presence.objects.select_related("interview", "user").filter(last_seen__lt=cutoff))
    if stale:
        _drop_rows(stale)
    return len(stale)
