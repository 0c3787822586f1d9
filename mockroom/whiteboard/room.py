"""The whiteboard as a room feature: its command, its request and its part of the snapshot,
registered with `mockroom.live.features` when the app is ready."""

from __future__ import annotations

from typing import Any

import orjson
from django.urls import reverse

from mockroom.interviews.models import Interview, Participant
from mockroom.live.models import RoomState

from .models import FinalBoard
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
    from mockroom.live import features

    features.register_command("board.update", board_update, refusals=(BoardError,))
    features.register_request("board.verify", board_verify)
    features.register_snapshot_part("whiteboard", snapshot_part)
