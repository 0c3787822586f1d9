"""The test-side check of a room `event` frame as a client receives it.

Each kind's payload is typed in `mockroom/live/protocol.py` (`EVENT_PAYLOADS`, one model
per kind) and checked when the event is appended, in every test
(`settings.ROOM_VALIDATE_EVENT_PAYLOADS`). `check_event` is the receiving side, after
Zulip's `check_events`: the whole frame against the protocol's union of event frames,
strictly (`"3"` is not an int, `3.0` is not an int, `1` is not a bool), with nothing filled
in, plus what a model alone can't say: the stream each kind must arrive on, declared here
apart from `live/visibility.py` so a kind can't quietly change audience, and an actor on
every event.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from mockroom.live.protocol import EVENT_FRAME

# Who may see each kind, said again independently of live/visibility.py: a live score and a
# private note are their author's alone (stream `me`); everything else goes to everyone.
EXPECTED_STREAMS: dict[str, Literal["all", "me"]] = {
    "round.started": "all",
    "round.ended": "all",
    "timer.changed": "all",
    "presence.joined": "all",
    "presence.left": "all",
    "board.updated": "all",
    "board.file_added": "all",
    "board.final_saved": "all",
    "score.set": "me",
    "note.added": "me",
    "rubric.visibility": "all",
    "prompt.revealed": "all",
}


def check_event(frame: dict[str, Any]) -> BaseModel:
    """Validate one `event` frame and return its validated payload. Raises
    (pydantic.ValidationError or AssertionError) on any mismatch."""
    event = EVENT_FRAME.validate_python(frame, strict=True)
    assert event.kind in EXPECTED_STREAMS, f"no expected stream declared for {event.kind!r}"
    expected = EXPECTED_STREAMS[event.kind]
    assert event.stream == expected, f"{event.kind} went out on {event.stream!r}, not {expected!r}"
    assert event.actor is not None, f"{event.kind} has no actor"
    # Nothing was coerced or filled in: the validated payload is the payload that was sent.
    assert event.payload.model_dump(mode="json") == frame["payload"], event.kind
    return event.payload
