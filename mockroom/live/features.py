"""Room features plug into the room here; `live` imports no feature app.

A feature (the whiteboard, rubric scoring, later the code pad and calls) registers, from its
`AppConfig.ready()`:
- its state-changing commands: a handler run inside the room's transaction, with the room's
  state row locked, that appends the feature's events and returns the seq to acknowledge;
- its read-only requests (answered to the sender alone, nothing logged);
- its part of the snapshot a participant receives on joining.

The message schemas and who may send each message stay in `protocol.py`, the one protocol
definition; this module only says who handles them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class Refusal(Protocol):
    """What a feature's own error must carry for the room to refuse a command with it."""

    code: str
    message: str


# (state, participant, interview, client_msg_id, args) -> seq of the event to acknowledge
CommandHandler = Callable[..., int]
# (participant, message) -> the frame answered to the sender
RequestHandler = Callable[..., dict[str, Any]]
# (participant, interview) -> keys merged into the snapshot
SnapshotPart = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class Command:
    handler: CommandHandler
    refusals: tuple[type[Exception], ...]


_commands: dict[str, Command] = {}
_requests: dict[str, RequestHandler] = {}
_snapshot_parts: dict[str, SnapshotPart] = {}


def register_command(
    name: str, handler: CommandHandler, *, refusals: tuple[type[Exception], ...] = ()
) -> None:
    """Handle the client message `name` (a type in protocol.ALLOWED_ROLES). Exceptions of the
    `refusals` types carry `code` and `message` and become the sender's `error` frame."""
    if name in _commands:
        raise ValueError(f"{name} already has a handler")
    _commands[name] = Command(handler=handler, refusals=refusals)


def register_request(name: str, handler: RequestHandler) -> None:
    """Answer the read-only client message `name` with the frame the handler returns."""
    if name in _requests:
        raise ValueError(f"{name} already has a handler")
    _requests[name] = handler


def register_snapshot_part(feature: str, part: SnapshotPart) -> None:
    """Merge `part(participant=..., interview=...)` into every snapshot."""
    _snapshot_parts[feature] = part


def command(name: str) -> Command | None:
    return _commands.get(name)


def request(name: str) -> RequestHandler | None:
    return _requests.get(name)


def snapshot_parts(**context: Any) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in _snapshot_parts.values():
        merged.update(part(**context))
    return merged


# --- The runtime's fast path (mockroom/live/runtime.py) -----------------------------------
#
# A feature whose command is frequent gives the runtime an in-memory form of it: a loader
# for its part of the room's live state, and an `apply` that checks a command against that
# part, updates it, and returns the event to log plus the rows to write. The writer commits
# many rooms' commands in one transaction. `apply` runs on the writer thread and must not
# touch the database: everything it needs is in its part.


@dataclass(frozen=True)
class FastResult:
    """`event`: (kind, payload) to log, or None when the command changed nothing.
    `writes`: SQL statement -> parameter rows, run with executemany in the same commit."""

    event: tuple[str, dict[str, Any]] | None
    writes: dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class FastCommand:
    # (room: RoomCache, actor: Actor, args: dict, stamp: db-adapted now) -> FastResult
    apply: Callable[..., FastResult]
    refusals: tuple[type[Exception], ...]


_fast_commands: dict[str, FastCommand] = {}
_fast_requests: dict[str, Callable[..., dict[str, Any]]] = {}
# feature -> (interview_id) -> its part of RoomCache.parts, loaded on the writer thread
_room_parts: dict[str, Callable[[int], Any]] = {}


def register_fast_command(
    name: str, apply: Callable[..., FastResult], *, refusals: tuple[type[Exception], ...] = ()
) -> None:
    if name in _fast_commands:
        raise ValueError(f"{name} already has a fast handler")
    _fast_commands[name] = FastCommand(apply=apply, refusals=refusals)


def register_fast_request(name: str, answer: Callable[..., dict[str, Any]]) -> None:
    """Answer the read-only message `name` on the writer thread, from the room's live state:
    `answer(room=, actor=, args=, request_id=)` returns the frame for the sender."""
    if name in _fast_requests:
        raise ValueError(f"{name} already has a fast handler")
    _fast_requests[name] = answer


def register_room_part(feature: str, load: Callable[[int], Any]) -> None:
    _room_parts[feature] = load


def fast_command(name: str) -> FastCommand | None:
    return _fast_commands.get(name)


def fast_request(name: str) -> Callable[..., dict[str, Any]] | None:
    return _fast_requests.get(name)


def load_parts(interview_id: int) -> dict[str, Any]:
    return {feature: load(interview_id) for feature, load in _room_parts.items()}
