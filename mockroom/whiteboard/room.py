"""The whiteboard as a room feature: its command, its request and its part of the snapshot,
registered with `mockroom.live.features` when the app is ready."""

from __future__ import annotations

from typing import Any

import orjson
from django.db import connection
from django.urls import reverse

from mockroom.interviews.models import Interview, Participant, Role
from mockroom.live import features
from mockroom.live.features import FastResult
from mockroom.live.models import RoomState
from mockroom.live.protocol import MAX_BOARD_ELEMENTS

from .models import BoardElement, FinalBoard
from .reconcile import checksum_of_versions, version_wins
from .services import (
    BoardError,
    apply_board_update,
    board_checksum_now,
    board_elements_raw,
    file_url,
)

BOARD_INLINE_BYTES = 256 * 1024


def board_out(
    interview: Interview, *, inline_limit: int | None = BOARD_INLINE_BYTES
) -> dict[str, Any]:
    """protocol.BoardOut: every element, the images, the checksum, the final export. A board
    bigger than `inline_limit` is deferred: the client fetches it over HTTP."""
    elements, checksum, size = board_elements_raw(interview)
    final = FinalBoard.objects.filter(interview=interview).exists()
    deferred = inline_limit is not None and size > inline_limit
    return {
        "elements": orjson.Fragment(b"[]") if deferred else elements,
        "deferred": deferred,
        "url": reverse("whiteboard:state", args=[interview.public_id]) if deferred else None,
        "files": [
            {"id": f.file_id, "mimeType": f.mime_type, "url": file_url(interview, f.file_id)}
            for f in interview.board_files.order_by("created_at")
        ],
        "checksum": checksum,
        "final_png": reverse("whiteboard:final", args=[interview.public_id, "png"])
        if final
        else None,
        "final_svg": reverse("whiteboard:final", args=[interview.public_id, "svg"])
        if final
        else None,
    }


def board_update(
    *,
    state: RoomState,
    participant: Participant,
    interview: Interview,
    client_msg_id: str,
    args: dict[str, Any],
) -> int:
    """`board.update`: merge the elements; acknowledge with the event's seq."""
    return apply_board_update(
        state=state,
        participant=participant,
        interview=interview,
        client_msg_id=client_msg_id,
        elements=args["elements"],
    )


def board_verify(*, participant: Participant, message: Any) -> dict[str, Any]:
    """`ack` when the client's scene matches the server's board, else `board.state`."""
    interview = Interview.objects.get(pk=participant.interview_id)
    state, _ = RoomState.objects.get_or_create(interview=interview)
    if board_checksum_now(interview) == message.checksum:
        return {"type": "ack", "id": message.id, "seq": state.seq, "duplicate": False}
    return {
        "type": "board.state",
        "id": message.id,
        "seq": state.seq,
        "board": board_out(interview),
    }


def snapshot_part(*, participant: Participant, interview: Interview) -> dict[str, Any]:
    return {"board": board_out(interview)}


def register() -> None:
    features.register_command("board.update", board_update, refusals=(BoardError,))
    features.register_request("board.verify", board_verify)
    features.register_snapshot_part("whiteboard", snapshot_part)
    features.register_room_part("whiteboard", load_board_part)
    features.register_fast_command("board.update", board_update_fast, refusals=(BoardError,))
    features.register_fast_request("board.verify", board_verify_fast)


# --- The runtime's fast path: board.update and board.verify without the ORM -------------


class BoardPart:
    """The board's share of a room's live state: each element's (version, versionNonce),
    and the checksum of those versions, computed when asked and kept until they change."""

    def __init__(self, versions: dict[str, tuple[int, int]]) -> None:
        self.versions = versions
        self._checksum: str | None = None

    def checksum(self) -> str:
        if self._checksum is None:
            self._checksum = checksum_of_versions(
                (element_id, version) for element_id, (version, _) in self.versions.items()
            )
        return self._checksum

    def changed(self) -> None:
        self._checksum = None


def load_board_part(interview_id: int) -> BoardPart:
    rows = BoardElement.objects.filter(interview_id=interview_id).values_list(
        "element_id", "version", "version_nonce"
    )
    return BoardPart({element_id: (version, nonce) for element_id, version, nonce in rows})


_upserts: dict[str, str] = {}


def upsert_sql() -> str:
    """One element row written whole, inserted or replaced (SQLite and PostgreSQL)."""
    vendor = connection.vendor
    if vendor not in _upserts:
        qn = connection.ops.quote_name
        data = "CAST(%s AS jsonb)" if vendor == "postgresql" else "%s"
        _upserts[vendor] = (
            f"INSERT INTO {qn(BoardElement._meta.db_table)} (interview_id, element_id, version, "  # noqa: S608
            f"version_nonce, is_deleted, {qn('index')}, data, updated_at) "
            f"VALUES (%s, %s, %s, %s, %s, %s, {data}, %s) "
            "ON CONFLICT (interview_id, element_id) DO UPDATE SET version = excluded.version, "
            "version_nonce = excluded.version_nonce, is_deleted = excluded.is_deleted, "
            f"{qn('index')} = excluded.{qn('index')}, data = excluded.data, "
            "updated_at = excluded.updated_at"
        )
    return _upserts[vendor]


def board_update_fast(*, room: Any, actor: Any, args: dict[str, Any], stamp: Any) -> FastResult:
    """`board.update` against the room's live state: the same merge rule and refusals as
    `apply_board_update`, the rows written by the runtime's group commit."""
    if room.status == Interview.Status.ENDED:
        raise BoardError("round_ended", "The round has ended; the board is read-only.")
    if actor.role == Role.OBSERVER:
        raise BoardError("read_only", "Observers watch the board; they can't edit it.")
    part: BoardPart = room.parts["whiteboard"]
    versions = part.versions
    accepted: dict[str, dict[str, Any]] = {}
    for element in args["elements"]:
        element_id = element["id"]
        earlier = accepted.get(element_id)
        current = (
            (earlier["version"], earlier["versionNonce"])
            if earlier is not None
            else versions.get(element_id)
        )
        if version_wins(current, element["version"], element["versionNonce"]):
            accepted[element_id] = element
    if not accepted:
        return FastResult(event=None, writes={})
    new = sum(1 for element_id in accepted if element_id not in versions)
    if new and len(versions) + new > MAX_BOARD_ELEMENTS:
        raise BoardError("board_full", f"A board holds at most {MAX_BOARD_ELEMENTS} elements.")
    rows = []
    for element_id, element in accepted.items():
        versions[element_id] = (int(element["version"]), int(element["versionNonce"]))
        rows.append(
            (
                room.interview_id,
                element_id,
                int(element["version"]),
                int(element["versionNonce"]),
                bool(element.get("isDeleted", False)),
                element.get("index"),
                orjson.dumps(element).decode(),
                stamp,
            )
        )
    part.changed()
    return FastResult(
        event=("board.updated", {"elements": list(accepted.values())}),
        writes={upsert_sql(): rows},
    )


def board_verify_fast(
    *, room: Any, actor: Any, args: dict[str, Any], request_id: str | None
) -> dict[str, Any]:
    """`board.verify` from the live versions; the full board (read from the database, which
    holds everything committed so far) only when the client's checksum differs."""
    part: BoardPart = room.parts["whiteboard"]
    if part.checksum() == args.get("checksum"):
        return {"type": "ack", "id": request_id, "seq": room.seq, "duplicate": False}
    interview = Interview.objects.get(pk=room.interview_id)
    return {"type": "board.state", "id": request_id, "seq": room.seq, "board": board_out(interview)}
