"""The room's WebSocket protocol: the one source of truth.

Every message is a JSON object with a `type`. Client messages that change state carry an
`id` (the client's message id); the server answers each with `ack` or `error`.
`docs/protocol.md` and `frontend/src/protocol.ts` are generated from this module
(`python manage.py export_protocol`) and a test keeps them in step.
"""

from __future__ import annotations

import functools
import operator
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model, model_validator

from . import visibility
from .bounds import INT32_MAX, INT32_MIN

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 512 * 1024
MAX_ID_LENGTH = 64

MessageId = Annotated[str, Field(min_length=1, max_length=MAX_ID_LENGTH, pattern=r"^[\w.:-]+$")]

# Who may send what. Checked by the consumer on every message and again by the service.
INTERVIEWER = "interviewer"
CANDIDATE = "candidate"
OBSERVER = "observer"
EVERYONE = frozenset({INTERVIEWER, CANDIDATE, OBSERVER})
INTERVIEWER_ONLY = frozenset({INTERVIEWER})
STAFF = frozenset({INTERVIEWER, OBSERVER})


class Message(BaseModel):
    # JSON has no NaN or Infinity: "NaN" sent as a string must not become a float, which
    # orjson would send on to others as null.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# --- Client → server -----------------------------------------------------------------


class Ping(Message):
    """Clock sync: the server answers with `pong` carrying its time. Not logged, no ack."""

    type: Literal["ping"]
    t: float = Field(description="The client's clock (ms since the epoch) when sent.")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"type": "ping", "t": 1767225600000}]}
    )


class Resume(Message):
    """Ask for every event after `last_seq` you may see, after a reconnect or a gap. The
    answer is `events`, or a fresh `snapshot` when you are too far behind."""

    type: Literal["resume"]
    id: MessageId
    last_seq: int = Field(ge=0)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"type": "resume", "id": "c1-17", "last_seq": 42}]}
    )


class RoundStart(Message):
    """Interviewer: start the round (scheduled → live)."""

    type: Literal["round.start"]
    id: MessageId

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"type": "round.start", "id": "c1-1"}]}
    )


class RoundEnd(Message):
    """Interviewer: end the round (live → ended). The room becomes read-only."""

    type: Literal["round.end"]
    id: MessageId

    model_config = ConfigDict(json_schema_extra={"examples": [{"type": "round.end", "id": "c1-9"}]})


class TimerCommand(Message):
    """Interviewer: start, pause or resume the timer, move to the next or previous phase,
    or reset it to the first phase with nothing spent."""

    type: Literal[
        "timer.start", "timer.pause", "timer.resume", "timer.next", "timer.previous", "timer.reset"
    ]
    id: MessageId

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"type": "timer.pause", "id": "c1-5"}]}
    )


class TimerAddTime(Message):
    """Interviewer: give the current phase more minutes."""

    type: Literal["timer.add_time"]
    id: MessageId
    minutes: int = Field(ge=1, le=60)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"type": "timer.add_time", "id": "c1-6", "minutes": 2}]}
    )


MAX_BOARD_ELEMENTS = 20_000
MAX_SELECTED = 100  # ids relayed with a cursor; a bigger selection shows as its first 100
MAX_ELEMENTS_PER_UPDATE = 5_000


class BoardElement(BaseModel):
    """An Excalidraw element. The fields the merge needs are checked; the rest of the
    element is kept as the client sent it."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(min_length=1, max_length=64)
    type: str = Field(min_length=1, max_length=32)
    version: int = Field(ge=1, le=INT32_MAX)
    versionNonce: int = Field(ge=INT32_MIN, le=INT32_MAX)
    isDeleted: bool = False
    index: str | None = Field(None, max_length=128)


class BoardUpdate(Message):
    """Interviewer or candidate: elements whose `version` grew since you last sent them.
    Each is merged with Excalidraw's rule (higher `version` wins; on a tie the lower
    `versionNonce` wins); the accepted ones are broadcast as `board.updated`."""

    type: Literal["board.update"]
    id: MessageId
    elements: list[BoardElement] = Field(min_length=1, max_length=MAX_ELEMENTS_PER_UPDATE)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "board.update",
                    "id": "c1-40",
                    "elements": [
                        {
                            "id": "r8Kq",
                            "type": "rectangle",
                            "version": 3,
                            "versionNonce": 184467,
                            "isDeleted": False,
                            "index": "a0",
                            "x": 120,
                            "y": 80,
                            "width": 200,
                            "height": 120,
                        }
                    ],
                }
            ]
        }
    )


class BoardVerify(Message):
    """Anyone: the checksum of your whole scene (see `board_checksum` in the docs). When it
    differs from the server's, the answer is `board.state` with the full board; otherwise
    an `ack`."""

    type: Literal["board.verify"]
    id: MessageId
    checksum: str = Field(pattern=r"^[0-9a-f]{8}$")
    count: int = Field(ge=0)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"type": "board.verify", "id": "c1-41", "checksum": "9e3779b9", "count": 12}
            ]
        }
    )


class Pointer(Message):
    x: float
    y: float
    tool: Literal["pointer", "laser"] = "pointer"


class Cursor(Message):
    """Anyone: your pointer on the board. Relayed to the others best-effort, never logged;
    send at most 20 per second."""

    type: Literal["cursor"]
    pointer: Pointer
    button: Literal["down", "up"] = "up"
    selected: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=MAX_SELECTED
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "cursor",
                    "pointer": {"x": 310.5, "y": 92, "tool": "pointer"},
                    "button": "up",
                    "selected": [],
                }
            ]
        }
    )


class Viewport(Message):
    """Anyone: what part of the board you are looking at, so others can follow you.
    Relayed best-effort, never logged."""

    type: Literal["viewport"]
    scrollX: float
    scrollY: float
    zoom: float = Field(gt=0, le=30)
    width: float = Field(ge=0)
    height: float = Field(ge=0)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "viewport",
                    "scrollX": -40,
                    "scrollY": 12,
                    "zoom": 1,
                    "width": 1280,
                    "height": 720,
                }
            ]
        }
    )


class ScoreSet(Message):
    """Interviewer or observer: your live score for one criterion (`score` null clears it)
    and a comment. Autosaved; only you ever see it (audience: author)."""

    type: Literal["score.set"]
    id: MessageId
    criterion: str = Field(min_length=1, max_length=40)
    score: int | None = Field(None, ge=1, le=10)
    comment: str = Field("", max_length=2000)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "score.set",
                    "id": "c1-50",
                    "criterion": "requirements",
                    "score": 3,
                    "comment": "Asked about read/write ratio before drawing.",
                }
            ]
        }
    )


class NoteAdd(Message):
    """Interviewer or observer: a private note, stamped by the server with the round's
    elapsed time and the current phase. Only you ever see it."""

    type: Literal["note.add"]
    id: MessageId
    text: str = Field(min_length=1, max_length=4000)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"type": "note.add", "id": "c1-51", "text": "Good catch on hot keys."}]
        }
    )


class RubricVisibility(Message):
    """Interviewer: hide the rubric from the candidate, or show it again."""

    type: Literal["rubric.visibility"]
    id: MessageId
    hidden: bool

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"type": "rubric.visibility", "id": "c1-52", "hidden": True}]
        }
    )


class PromptReveal(Message):
    """Interviewer: show the prompt's candidate-facing text to the candidate. Hints, notes
    and solution are never revealed."""

    type: Literal["prompt.reveal"]
    id: MessageId

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"type": "prompt.reveal", "id": "c1-53"}]}
    )


ClientMessage = Annotated[
    ScoreSet
    | NoteAdd
    | RubricVisibility
    | PromptReveal
    | Ping
    | Resume
    | RoundStart
    | RoundEnd
    | TimerCommand
    | TimerAddTime
    | BoardUpdate
    | BoardVerify
    | Cursor
    | Viewport,
    Field(discriminator="type"),
]
SEATS = frozenset({INTERVIEWER, CANDIDATE})
EPHEMERAL_TYPES = frozenset({"cursor", "viewport"})
CLIENT_MESSAGE = TypeAdapter(ClientMessage)

ALLOWED_ROLES: dict[str, frozenset[str]] = {
    "ping": EVERYONE,
    "resume": EVERYONE,
    "round.start": INTERVIEWER_ONLY,
    "round.end": INTERVIEWER_ONLY,
    "timer.start": INTERVIEWER_ONLY,
    "timer.pause": INTERVIEWER_ONLY,
    "timer.resume": INTERVIEWER_ONLY,
    "timer.next": INTERVIEWER_ONLY,
    "timer.previous": INTERVIEWER_ONLY,
    "timer.reset": INTERVIEWER_ONLY,
    "timer.add_time": INTERVIEWER_ONLY,
    "board.update": SEATS,
    "board.verify": EVERYONE,
    "cursor": EVERYONE,
    "viewport": EVERYONE,
    "score.set": STAFF,
    "note.add": STAFF,
    "rubric.visibility": INTERVIEWER_ONLY,
    "prompt.reveal": INTERVIEWER_ONLY,
}
CLIENT_TYPES = tuple(ALLOWED_ROLES)


# --- Shared shapes ---------------------------------------------------------------------


class PersonOut(Message):
    user_id: int
    name: str
    role: Literal["interviewer", "candidate", "observer"]


class PresenceOut(PersonOut):
    connections: int = Field(ge=1, description="Open tabs or devices.")


class PhaseOut(Message):
    name: str
    minutes: int


class TimerOut(Message):
    """Timer state as timestamps. Remaining time in the phase is
    `agenda[phase_index].minutes*60000 + added_ms[i] - (phase_spent_ms[i] +
    (running ? server_now - anchor_ms : 0))`, negative meaning overtime."""

    phase_index: int = Field(ge=0)
    running: bool
    anchor_ms: int | None = Field(description="Set exactly while the timer runs.")
    phase_spent_ms: list[Annotated[int, Field(ge=0)]] = Field(description="One per phase.")
    added_ms: list[Annotated[int, Field(ge=0)]] = Field(description="One per phase.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len(self.phase_spent_ms) != len(self.added_ms):
            raise ValueError("phase_spent_ms and added_ms have one entry per phase")
        if not self.phase_index < max(len(self.added_ms), 1):
            raise ValueError("phase_index is outside the agenda")
        if self.running != (self.anchor_ms is not None):
            raise ValueError("anchor_ms is set exactly while the timer runs")
        return self


class BoardFileOut(Message):
    id: str
    mimeType: str
    url: str


class BoardOut(Message):
    """The whole board: every element including tombstones, and the uploaded images.
    `checksum` is FNV-1a (32 bit, lowercase hex) over `"<id>:<version>\n"` of every
    element, sorted by id."""

    elements: list[dict[str, Any]]
    files: list[BoardFileOut]
    checksum: str
    deferred: bool = Field(
        False,
        description="True for a big board: `elements` is empty and the client GETs `url`, "
        "which answers with a `board.state` frame (WebSocket frames stay small).",
    )
    url: str | None = None
    final_png: str | None = None
    final_svg: str | None = None


class LevelOut(Message):
    score: int
    label: str
    anchor: str


class CriterionOut(Message):
    key: str
    name: str
    description: str
    weight: int
    phases: list[str]
    levels: list[LevelOut]


class RubricOut(Message):
    """The round's rubric: criteria with their anchored levels (never any score)."""

    title: str
    criteria: list[CriterionOut]


class ScoreOut(Message):
    criterion: str
    score: int | None
    comment: str


class NoteOut(Message):
    id: int
    text: str
    elapsed_ms: int
    phase_index: int
    phase_name: str
    at: int


class PromptOut(Message):
    """For the candidate only `text` (once revealed) and `revealed`; staff get everything."""

    revealed: bool
    text: str | None
    notes: str | None = None
    hints: str | None = None
    solution: str | None = None


class InterviewOut(Message):
    public_id: str
    title: str
    kind: str
    status: Literal["scheduled", "live", "ended", "cancelled"]
    started_at: int | None = Field(description="Server ms since the epoch.")
    ended_at: int | None


class Streams(Message):
    """The seq of the newest event in each stream you receive: `all` (everyone in the room)
    and `me` (events only you see). Each event names its stream and the previous seq in that
    stream, so a gap in any stream is visible."""

    all: int
    me: int


# --- Room events: one payload model per kind -------------------------------------------
# Each kind of `event` frame carries exactly one of these as its `payload`. In tests every
# event is checked against its kind's model when it is appended to the log
# (`settings.ROOM_VALIDATE_EVENT_PAYLOADS`), so a producer can't drift from this file.

TimerCommandName = Literal[
    "timer.start",
    "timer.pause",
    "timer.resume",
    "timer.next",
    "timer.previous",
    "timer.reset",
    "timer.add_time",
]
# Payload URLs point at this site (nothing leaves the host), so they are absolute paths.
SitePath = Annotated[str, Field(pattern=r"^/\S+$", max_length=2048)]

_EXAMPLE_TIMER = {
    "phase_index": 0,
    "running": False,
    "anchor_ms": None,
    "phase_spent_ms": [430000, 0],
    "added_ms": [0, 0],
}


def _example(payload: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [payload]})


class RoundStartedPayload(Message):
    """`round.started`: the interviewer started the round; it is live from `started_at`."""

    status: Literal["live"]
    started_at: int = Field(description="Server ms since the epoch.")

    model_config = _example({"status": "live", "started_at": 1767225000000})


class RoundEndedPayload(Message):
    """`round.ended`: the interviewer ended the round at `ended_at`; the timer has stopped
    and the room is read-only from now on."""

    status: Literal["ended"]
    ended_at: int = Field(description="Server ms since the epoch.")
    timer: TimerOut

    model_config = _example({"status": "ended", "ended_at": 1767227400000, "timer": _EXAMPLE_TIMER})

    @model_validator(mode="after")
    def _timer_stopped(self) -> Self:
        if self.timer.running:
            raise ValueError("the timer stops when the round ends")
        return self


class TimerChangedPayload(Message):
    """`timer.changed`: the interviewer's timer `command` and the timer it produced."""

    command: TimerCommandName
    timer: TimerOut

    model_config = _example({"command": "timer.pause", "timer": _EXAMPLE_TIMER})


class PresenceJoinedPayload(PersonOut):
    """`presence.joined`: someone opened a connection to the room (a tab or a device);
    `connections` is how many they have open now, 1 when they just arrived."""

    connections: int = Field(ge=1, description="Open connections after this one opened.")

    model_config = _example({"user_id": 7, "name": "Sam", "role": "candidate", "connections": 1})


class PresenceLeftPayload(PersonOut):
    """`presence.left`: someone closed a connection; `connections` is how many they still
    have open, 0 when they are gone."""

    connections: int = Field(ge=0, description="Open connections left; 0: gone.")

    model_config = _example({"user_id": 7, "name": "Sam", "role": "candidate", "connections": 0})


class AcceptedElement(BoardElement):
    """An element the merge accepted, as stored: the server always fills in `isDeleted` and
    `index`; the rest of the element is the client's own."""

    isDeleted: bool
    index: str | None = Field(max_length=128)


class BoardUpdatedPayload(Message):
    """`board.updated`: the elements of a `board.update` that won the merge (never empty).
    Apply them with the same rule; tombstones (`isDeleted`) included."""

    elements: list[AcceptedElement] = Field(min_length=1, max_length=MAX_ELEMENTS_PER_UPDATE)

    model_config = _example(
        {
            "elements": [
                {
                    "id": "r8Kq",
                    "type": "rectangle",
                    "version": 3,
                    "versionNonce": 184467,
                    "isDeleted": False,
                    "index": "a0",
                    "x": 120,
                    "y": 80,
                }
            ]
        }
    )


class BoardFileAddedPayload(Message):
    """`board.file_added`: an image was uploaded for the board; fetch it from `url`."""

    id: str = Field(min_length=1, max_length=128)
    mimeType: Literal["image/png", "image/jpeg", "image/gif", "image/webp"]
    url: SitePath

    model_config = _example(
        {"id": "img-1", "mimeType": "image/png", "url": "/interviews/9f2c…/files/img-1"}
    )


class BoardFinalSavedPayload(Message):
    """`board.final_saved`: the final board was saved for the report; `png` and `svg` are
    where its images are."""

    png: SitePath
    svg: SitePath

    model_config = _example(
        {"png": "/interviews/9f2c…/board/final.png", "svg": "/interviews/9f2c…/board/final.svg"}
    )


class ScoreSetPayload(Message):
    """`score.set`: your own live score for one criterion, on every tab of yours; `score`
    null means cleared. Nobody else ever sees it."""

    criterion: str = Field(min_length=1, max_length=40)
    score: int | None = Field(ge=1, le=10)
    comment: str = Field(max_length=2000)

    model_config = _example(
        {"criterion": "requirements", "score": 3, "comment": "Asked about read/write ratio."}
    )


class NoteAddedPayload(NoteOut):
    """`note.added`: your own private note, stamped with the round's elapsed time and the
    phase it was taken in. Nobody else ever sees it."""

    text: str = Field(min_length=1, max_length=4000)

    model_config = _example(
        {
            "id": 31,
            "text": "Good catch on hot keys.",
            "elapsed_ms": 754000,
            "phase_index": 1,
            "phase_name": "Design",
            "at": 1767225754000,
        }
    )


class RubricVisibilityPayload(Message):
    """`rubric.visibility`: the interviewer hid the rubric from the candidate (`rubric`
    null) or showed it again (`rubric` is the round's rubric, null if it has none). Staff
    keep the rubric they have."""

    hidden: bool
    rubric: RubricOut | None

    model_config = _example({"hidden": True, "rubric": None})

    @model_validator(mode="after")
    def _null_when_hidden(self) -> Self:
        if self.hidden and self.rubric is not None:
            raise ValueError("a hidden rubric is not sent")
        return self


class PromptRevealedPayload(Message):
    """`prompt.revealed`: the prompt's candidate-facing text, shown to the candidate. Hints,
    notes and solution never travel in an event."""

    text: str = Field(min_length=1)

    model_config = _example({"text": "Design a URL shortener."})


# The registry: every kind of event the server may emit, and its payload. A kind without a
# model here can't be appended while payloads are validated (always, in tests).
EVENT_PAYLOADS: dict[str, type[Message]] = {
    "round.started": RoundStartedPayload,
    "round.ended": RoundEndedPayload,
    "timer.changed": TimerChangedPayload,
    "presence.joined": PresenceJoinedPayload,
    "presence.left": PresenceLeftPayload,
    "board.updated": BoardUpdatedPayload,
    "board.file_added": BoardFileAddedPayload,
    "board.final_saved": BoardFinalSavedPayload,
    "score.set": ScoreSetPayload,
    "note.added": NoteAddedPayload,
    "rubric.visibility": RubricVisibilityPayload,
    "prompt.revealed": PromptRevealedPayload,
}


# --- Server → client -----------------------------------------------------------------


class Snapshot(Message):
    """Sent on connect and when a resume is too far behind: everything your role may see."""

    type: Literal["snapshot"]
    protocol: int
    seq: int
    streams: Streams
    server_time: int
    interview: InterviewOut
    me: PersonOut
    participants: list[PersonOut]
    presence: list[PresenceOut]
    agenda: list[PhaseOut]
    timer: TimerOut
    board: BoardOut
    read_only: bool = Field(description="True for observers, and for everyone once ended.")
    rubric: RubricOut | None = Field(description="Null when there is none, or hidden from you.")
    rubric_hidden: bool
    scores: list[ScoreOut] = Field(description="Your own live scores (staff only).")
    notes: list[NoteOut] = Field(description="Your own notes (staff only).")
    prompt: PromptOut

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "snapshot",
                    "protocol": 1,
                    "seq": 12,
                    "streams": {"all": 12, "me": 3},
                    "server_time": 1767225600000,
                    "interview": {
                        "public_id": "9f2c…",
                        "title": "Design a URL shortener",
                        "kind": "system_design",
                        "status": "live",
                        "started_at": 1767225000000,
                        "ended_at": None,
                    },
                    "me": {"user_id": 7, "name": "Sam", "role": "candidate"},
                    "participants": [
                        {"user_id": 3, "name": "Dana", "role": "interviewer"},
                        {"user_id": 7, "name": "Sam", "role": "candidate"},
                    ],
                    "presence": [
                        {"user_id": 3, "name": "Dana", "role": "interviewer", "connections": 1}
                    ],
                    "agenda": [
                        {"name": "Clarify", "minutes": 5},
                        {"name": "Design", "minutes": 20},
                    ],
                    "timer": {
                        "phase_index": 0,
                        "running": True,
                        "anchor_ms": 1767225300000,
                        "phase_spent_ms": [120000, 0],
                        "added_ms": [0, 0],
                    },
                    "board": {"elements": [], "files": [], "checksum": "811c9dc5"},
                    "read_only": False,
                    "rubric": {
                        "title": "System design interview",
                        "criteria": [
                            {
                                "key": "requirements",
                                "name": "Requirements and scoping",
                                "description": "Clarifies before designing.",
                                "weight": 2,
                                "phases": ["Clarify"],
                                "levels": [
                                    {
                                        "score": 1,
                                        "label": "Not yet",
                                        "anchor": "Starts drawing without asking anything.",
                                    },
                                    {
                                        "score": 4,
                                        "label": "Strong",
                                        "anchor": "Quantifies load and states assumptions.",
                                    },
                                ],
                            }
                        ],
                    },
                    "rubric_hidden": False,
                    "scores": [],
                    "notes": [],
                    "prompt": {"revealed": True, "text": "Design a URL shortener."},
                }
            ]
        }
    )


class EventFrameBase(Message):
    """One entry of the room's event log, in `seq` order. `kind` says what happened and
    fixes the shape of `payload`: one payload model per kind, each below."""

    type: Literal["event"]
    seq: int
    stream: Literal["all", "me"] = Field(
        description="`me` for the kinds only their author sees ("
        + ", ".join(f"`{kind}`" for kind in sorted(visibility.AUTHOR_ONLY_KINDS))
        + "), else `all`."
    )
    prev: int = Field(description="The seq of the previous event in the same stream (0: none).")
    actor: PersonOut | None
    at: int = Field(description="Server ms since the epoch.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "event",
                    "seq": 13,
                    "stream": "all",
                    "prev": 12,
                    "kind": "timer.changed",
                    "actor": {"user_id": 3, "name": "Dana", "role": "interviewer"},
                    "at": 1767225610000,
                    "payload": {"command": "timer.pause", "timer": _EXAMPLE_TIMER},
                }
            ]
        }
    )


def _event_frame(kind: str, payload: type[Message]) -> type[EventFrameBase]:
    """The `event` frame of one kind: the envelope, `kind`, and that kind's payload."""
    name = payload.__name__.removesuffix("Payload") + "Event"
    return create_model(  # type: ignore[call-overload, no-any-return]
        name,
        __base__=EventFrameBase,
        __doc__=f"A `{kind}` event (payload: `{payload.__name__}`).",
        __module__=__name__,
        kind=(Literal[kind], ...),
        payload=(payload, ...),
    )


# One frame model per kind (`TimerChangedEvent`, …), in the order of EVENT_PAYLOADS.
EVENT_FRAMES: tuple[type[EventFrameBase], ...] = tuple(
    _event_frame(kind, payload) for kind, payload in EVENT_PAYLOADS.items()
)
EventFrame = Annotated[
    functools.reduce(operator.or_, EVENT_FRAMES),  # type: ignore[valid-type]
    Field(discriminator="kind"),
]
EVENT_FRAME: TypeAdapter[Any] = TypeAdapter(EventFrame)


class Events(Message):
    """The answer to `resume`: the missed events you may see, oldest first."""

    type: Literal["events"]
    id: str
    seq: int
    events: list[EventFrame]

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"type": "events", "id": "c1-17", "seq": 44, "events": []}]}
    )


class Ack(Message):
    """Your message `id` was applied and is durable as event `seq`. `duplicate` is true when
    the same id was seen before: nothing was applied twice."""

    type: Literal["ack"]
    id: str
    seq: int
    duplicate: bool = False

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"type": "ack", "id": "c1-5", "seq": 13, "duplicate": False}]
        }
    )


ERROR_CODES = {
    "bad_json": "The frame is not a JSON object.",
    "too_large": f"The frame is larger than {MAX_FRAME_BYTES} bytes.",
    "invalid": "The message does not match its schema.",
    "unknown_type": "No such message type.",
    "forbidden": "Your role may not send this message.",
    "rate_limited": "Too many messages; slow down.",
    "round_not_live": "The round is not live.",
    "round_ended": "The round has ended; the room is read-only.",
    "conflict": "The command does not fit the current state.",
    "read_only": "The board is read-only for you.",
    "board_full": f"A board holds at most {MAX_BOARD_ELEMENTS} elements.",
    "too_many_connections": "You have too many connections open in this room; close one.",
    "reconnecting_too_fast": "You are reconnecting too often; wait a moment.",
    "unavailable": "The room could not save this just now; nothing changed. Send it again.",
    "internal": "The server failed on this message; send it again (a resend is applied once).",
}


class ErrorFrame(Message):
    """Your message was refused and nothing changed. `code` is one of the listed codes."""

    type: Literal["error"]
    id: str | None = None
    code: str
    message: str

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "error",
                    "id": "c1-7",
                    "code": "forbidden",
                    "message": "Your role may not send this message.",
                }
            ]
        }
    )


class Pong(Message):
    """The answer to `ping`: your `t` back, and the server's clock."""

    type: Literal["pong"]
    t: float
    server_time: int

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"type": "pong", "t": 1767225600000, "server_time": 1767225600012}]
        }
    )


class BoardState(Message):
    """The full board, sent when your `board.verify` checksum differed: replace your scene."""

    type: Literal["board.state"]
    id: str
    seq: int
    board: BoardOut

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "board.state",
                    "id": "c1-41",
                    "seq": 57,
                    "board": {"elements": [], "files": [], "checksum": "811c9dc5"},
                }
            ]
        }
    )


class Ephemeral(Message):
    """Someone's cursor or viewport. Best-effort: may be dropped or coalesced."""

    type: Literal["ephemeral"]
    kind: Literal["cursor", "viewport"]
    sender: PersonOut
    payload: dict[str, Any]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "ephemeral",
                    "kind": "cursor",
                    "sender": {"user_id": 7, "name": "Sam", "role": "candidate"},
                    "payload": {
                        "pointer": {"x": 310.5, "y": 92, "tool": "pointer"},
                        "button": "up",
                        "selected": [],
                    },
                }
            ]
        }
    )


ServerMessage = Annotated[
    Snapshot | EventFrame | Events | Ack | ErrorFrame | Pong | BoardState | Ephemeral,
    Field(discriminator="type"),
]
SERVER_MESSAGE = TypeAdapter(ServerMessage)

CLOSE_CODES = {
    4001: "Logged out: the session ended.",
    4002: "The account changed (for example its password): reconnect; a session that is "
    "no longer valid is then refused with 4401.",
    4003: "Not a participant of this round.",
    4008: "Repeated abuse (rate limit or oversized frames).",
    4011: "You stopped reading and frames piled up: reconnect and resume from your last seq.",
    4029: "Too many connections, or reconnecting too often: retry later.",
    4401: "No session: log in first.",
}

CLIENT_MODELS: tuple[type[Message], ...] = (
    Ping,
    Resume,
    RoundStart,
    RoundEnd,
    TimerCommand,
    TimerAddTime,
    BoardUpdate,
    BoardVerify,
    Cursor,
    Viewport,
    ScoreSet,
    NoteAdd,
    RubricVisibility,
    PromptReveal,
)
# `event` frames are EVENT_FRAMES, one model per kind.
SERVER_MODELS: tuple[type[Message], ...] = (
    Snapshot,
    Events,
    Ack,
    ErrorFrame,
    Pong,
    BoardState,
    Ephemeral,
)
