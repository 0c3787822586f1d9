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
