"""Declared schemas of every room event's payload, checked against what the server sends.

`protocol.EventFrame.payload` is `dict[str, Any]`, so on its own it would let a renamed or
retyped payload key through. Until payloads are typed in `mockroom/live/protocol.py`, this
module declares each kind's payload as a strict model (no extra keys, no coercion: `"3"` is
not an int, `3.0` is not an int, `1` is not a bool), after the payload list in
`docs/protocol.md` (the `event` section). `check_event` is the test-side counterpart of
Zulip's `check_events`: every frame a test receives goes through it.

`EVENT_SCHEMAS` is the registry, kind → payload model and stream. The payload test insists
that its set of kinds is exactly what the server emits (statically, in the source) and what
a real round produces (dynamically, over the sockets), so a kind cannot be added, renamed
or dropped without coming through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mockroom.live.protocol import EventFrame

# Payload URLs point at this site (nothing leaves the host), so they are absolute paths.
SitePath = Annotated[str, Field(pattern=r"^/\S+$")]
Role = Literal["interviewer", "candidate", "observer"]
TimerCommandName = Literal[
    "timer.start",
    "timer.pause",
    "timer.resume",
    "timer.next",
    "timer.previous",
    "timer.reset",
    "timer.add_time",
]


class Strict(BaseModel):
    """No unknown keys, no missing keys without a default, no type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- Shapes shared by several payloads ----------------------------------------------------


class Timer(Strict):
    """The timer as timestamps (protocol.TimerOut): one entry per agenda phase in both
    lists; `anchor_ms` is set exactly while running."""

    phase_index: int = Field(ge=0)
    running: bool
    anchor_ms: int | None
    phase_spent_ms: list[Annotated[int, Field(ge=0)]]
    added_ms: list[Annotated[int, Field(ge=0)]]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len(self.phase_spent_ms) != len(self.added_ms):
            raise ValueError("phase_spent_ms and added_ms must have one entry per phase")
        if not 0 <= self.phase_index < max(len(self.added_ms), 1):
            raise ValueError("phase_index is outside the agenda")
        if self.running != (self.anchor_ms is not None):
            raise ValueError("anchor_ms is set exactly while the timer runs")
        return self


class Level(Strict):
    score: int
    label: str
    anchor: str


class Criterion(Strict):
    key: str = Field(min_length=1)
    name: str
    description: str
    weight: int
    phases: list[str]
    levels: list[Level]


class Rubric(Strict):
    """protocol.RubricOut: criteria and their anchored levels, never a score."""

    title: str
    criteria: list[Criterion]


class Element(Strict):
    """An accepted Excalidraw element. The keys the merge relies on are required (the server
    fills `isDeleted` and `index` in); the rest of the element is the client's own."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1, max_length=64)
    type: str = Field(min_length=1, max_length=32)
    version: int = Field(ge=1)
    versionNonce: int
    isDeleted: bool
    index: str | None


# --- One payload per kind -----------------------------------------------------------------


class RoundStarted(Strict):
    """`round.started`: the round went live, at `started_at` (server ms)."""

    status: Literal["live"]
    started_at: int


class RoundEnded(Strict):
    """`round.ended`: the round ended at `ended_at` (server ms), with the timer stopped."""

    status: Literal["ended"]
    ended_at: int
    timer: Timer

    @model_validator(mode="after")
    def _timer_stopped(self) -> Self:
        if self.timer.running:
            raise ValueError("the timer stops when the round ends")
        return self


class TimerChanged(Strict):
    """`timer.changed`: the interviewer's `command` and the timer it produced."""

    command: TimerCommandName
    timer: Timer


class PresenceJoined(Strict):
    """`presence.joined`: someone opened a connection; `connections` is how many they now
    have (1: they arrived)."""

    user_id: int
    name: str
    role: Role
    connections: int = Field(ge=1)


class PresenceLeft(Strict):
    """`presence.left`: someone closed a connection; `connections` is how many they have
    left (0: they are gone)."""

    user_id: int
    name: str
    role: Role
    connections: int = Field(ge=0)


class BoardUpdated(Strict):
    """`board.updated`: the elements the merge accepted (never empty)."""

    elements: list[Element] = Field(min_length=1)


class BoardFileAdded(Strict):
    """`board.file_added`: an uploaded image, fetched from `url` by participants."""

    id: str = Field(min_length=1, max_length=128)
    mimeType: Literal["image/png", "image/jpeg", "image/gif", "image/webp"]
    url: SitePath


class BoardFinalSaved(Strict):
    """`board.final_saved`: where the final board's images are (`png`, `svg`)."""

    png: SitePath
    svg: SitePath


class ScoreSet(Strict):
    """`score.set`: your own live score for one criterion (`score` null: cleared)."""

    criterion: str = Field(min_length=1)
    score: int | None
    comment: str


class NoteAdded(Strict):
    """`note.added`: your own note, stamped with the round's elapsed time and phase."""

    id: int
    text: str = Field(min_length=1)
    elapsed_ms: int = Field(ge=0)
    phase_index: int = Field(ge=0)
    phase_name: str
    at: int


class RubricVisibility(Strict):
    """`rubric.visibility`: the rubric was hidden from the candidate (`rubric` null) or shown
    again (`rubric` is the round's rubric)."""

    hidden: bool
    rubric: Rubric | None

    @model_validator(mode="after")
    def _null_exactly_when_hidden(self) -> Self:
        if self.hidden != (self.rubric is None):
            raise ValueError("rubric is null exactly when hidden")
        return self


class PromptRevealed(Strict):
    """`prompt.revealed`: the prompt's candidate-facing text, and nothing else of it."""

    text: str = Field(min_length=1)


@dataclass(frozen=True)
class EventSchema:
    payload: type[Strict]
    stream: Literal["all", "me"]


EVENT_SCHEMAS: dict[str, EventSchema] = {
    "round.started": EventSchema(RoundStarted, "all"),
    "round.ended": EventSchema(RoundEnded, "all"),
    "timer.changed": EventSchema(TimerChanged, "all"),
    "presence.joined": EventSchema(PresenceJoined, "all"),
    "presence.left": EventSchema(PresenceLeft, "all"),
    "board.updated": EventSchema(BoardUpdated, "all"),
    "board.file_added": EventSchema(BoardFileAdded, "all"),
    "board.final_saved": EventSchema(BoardFinalSaved, "all"),
    "score.set": EventSchema(ScoreSet, "me"),
    "note.added": EventSchema(NoteAdded, "me"),
    "rubric.visibility": EventSchema(RubricVisibility, "all"),
    "prompt.revealed": EventSchema(PromptRevealed, "all"),
}


def check_event(frame: dict[str, Any]) -> Strict:
    """Validate one `event` frame: the protocol's envelope, then its kind's payload and
    stream. Raises (pydantic.ValidationError, KeyError or AssertionError) on any mismatch;
    returns the validated payload."""
    envelope = EventFrame.model_validate(frame, strict=True)
    schema = EVENT_SCHEMAS.get(envelope.kind)
    assert schema is not None, f"no payload schema declared for {envelope.kind!r}"
    assert envelope.stream == schema.stream, (
        f"{envelope.kind} went out on stream {envelope.stream!r}, not {schema.stream!r}"
    )
    assert envelope.actor is not None, f"{envelope.kind} has no actor"
    payload = schema.payload.model_validate(frame["payload"])
    # Nothing was coerced or filled in: the validated payload is the payload that was sent.
    assert payload.model_dump(mode="json") == frame["payload"], envelope.kind
    return payload
