"""A committed event on its way to the room's sockets, and where the room writer collects
the events its ORM commands broadcast (events.broadcast hands them over here)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass
class Delivery:
    """One committed event, ready for the room's sockets: its frame serialized once."""

    interview_id: int
    public_id: str
    seq: int
    audience: str
    audience_user_id: int | None
    frame: dict[str, Any]
    text: str

    @classmethod
    def of_row(cls, row: Any, public_id: str, frame: dict[str, Any]) -> Delivery:
        """The delivery of a logged event (a RoomEvent row) as `frame`."""
        return cls(
            row.interview_id,
            public_id,
            row.seq,
            row.audience,
            row.audience_user_id,
            frame,
            orjson.dumps(frame).decode(),
        )


class _Collector(threading.local):
    """Set on the room writer's thread while it runs a command through the ORM: the events
    that command broadcasts after its commit are handed to the runtime, which fans them out
    on the event loop, instead of going through the channel layer from this thread."""

    sink: list[Delivery] | None = None


collector = _Collector()
