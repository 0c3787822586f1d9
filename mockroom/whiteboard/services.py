"""Writes to the board. Each runs inside the room transaction (state row locked) and
appends its event there, so the element rows and the log commit together."""

from __future__ import annotations

from typing import Any

import orjson
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.urls import reverse

from mockroom.interviews.models import Interview, Participant, Role
from mockroom.live.bounds import json_problem
from mockroom.live.events import NewEvent, append_events, lock_room_state
from mockroom.live.models import RoomState
from mockroom.live.protocol import MAX_BOARD_ELEMENTS

from . import rules
from .models import BoardElement, BoardFile, FinalBoard
from .reconcile import checksum_of_versions, reconcile


class BoardError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def can_edit(participant: Participant, interview: Interview) -> None:
    """Raise BoardError unless this participant may change the board now."""
    if interview.status == Interview.Status.ENDED:
        raise BoardError("round_ended", "The round has ended; the board is read-only.")
    if participant.role == Role.OBSERVER:
        raise BoardError("read_only", "Observers watch the board; they can't edit it.")


def _row_element(row: BoardElement) -> dict[str, Any]:
    return row.data


def apply_board_update(
    *,
    state: RoomState,
    participant: Participant,
    interview: Interview,
    client_msg_id: str,
    elements: list[dict[str, Any]],
) -> int:
    """Merge elements into the board; returns the seq of the `board.updated` event, or the
    current seq when nothing was newer than what the server has."""
    can_edit(participant, interview)
    ids = [element["id"] for element in elements]
    rows = {
        row.element_id: row
        for row in BoardElement.objects.filter(interview=interview, element_id__in=ids)
    }
    current = {element_id: _row_element(row) for element_id, row in rows.items()}
    _, accepted = reconcile(current, elements)
    if not accepted:
        return state.seq
    new_ids = {e["id"] for e in accepted} - rows.keys()
    if new_ids:
        total = BoardElement.objects.filter(interview=interview).count()
        if total + len(new_ids) > MAX_BOARD_ELEMENTS:
            raise BoardError("board_full", f"A board holds at most {MAX_BOARD_ELEMENTS} elements.")
    create, update = [], []
    for element in accepted:
        values = {
            "version": int(element["version"]),
            "version_nonce": int(element["versionNonce"]),
            "is_deleted": bool(element.get("isDeleted", False)),
            "index": element.get("index"),
            "data": dict(element),
        }
        row = rows.get(element["id"])
        if row is None:
            create.append(BoardElement(interview=interview, element_id=element["id"], **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
            update.append(row)
    BoardElement.objects.bulk_create(create)
    if update:
        BoardElement.objects.bulk_update(
            update, ["version", "version_nonce", "is_deleted", "index", "data"]
        )
    (event,) = append_events(
        [
            NewEvent(
                interview=interview,
                kind="board.updated",
                payload={"elements": [dict(e) for e in accepted]},
                actor=participant.user,
                actor_role=participant.role,
                client_msg_id=client_msg_id,
            )
        ],
        states={interview.pk: state},
    )
    return event.seq


def board_elements(interview: Interview) -> list[dict[str, Any]]:
    """Every element including tombstones, in scene order."""
    return [
        row.data
        for row in BoardElement.objects.filter(interview=interview).order_by("index", "element_id")
    ]


def board_elements_raw(interview: Interview) -> tuple[orjson.Fragment, str, int]:
    """Every element as one pre-serialized JSON array, and the board checksum, without
    parsing a single element: the late-join snapshot of a big board stays cheap. Also
    returns the array's size in bytes."""
    rows = list(
        BoardElement.objects.filter(interview=interview)
        .order_by("index", "element_id")
        .annotate(raw=Cast("data", TextField()))
        .values_list("raw", "element_id", "version")
    )
    array = b"[" + b",".join(raw.encode() for raw, _, _ in rows) + b"]"
    return orjson.Fragment(array), checksum_of_versions((i, v) for _, i, v in rows), len(array)


def board_checksum_now(interview: Interview) -> str:
    """The board checksum from the (id, version) columns alone: cheap enough for the
    periodic `board.verify` of every client."""
    pairs = BoardElement.objects.filter(interview=interview).values_list("element_id", "version")
    return checksum_of_versions(pairs)


def file_url(interview: Interview, file_id: str) -> str:
    return reverse("whiteboard:file", args=[interview.public_id, file_id])


@transaction.atomic
def board_file_add(*, participant: Participant, file_id: str, upload: UploadedFile) -> BoardFile:
    """Store an image for the board (type and size checked) and tell the room."""
    interview = Interview.objects.get(pk=participant.interview_id)
    try:
        can_edit(participant, interview)
    except BoardError as error:
        raise rules.UploadRefused(403, error.message) from None
    if not file_id or len(file_id) > 128 or not file_id.replace("-", "").replace("_", "").isalnum():
        raise rules.UploadRefused(400, "A file id of letters and digits is required.")
    head = upload.read(16)
    upload.seek(0)
    mime = rules.check_image(size=upload.size or 0, head=head)
    existing = BoardFile.objects.filter(interview=interview, file_id=file_id).first()
    if existing is not None:
        return existing  # the same image pasted twice, or a retried upload
    state = lock_room_state(interview)
    try:
        with transaction.atomic():
            record = BoardFile.objects.create(
                interview=interview,
                file_id=file_id,
                mime_type=mime,
                size=upload.size or 0,
                file=upload,
                uploaded_by=participant.user,
            )
    except IntegrityError:
        return BoardFile.objects.get(interview=interview, file_id=file_id)
    append_events(
        [
            NewEvent(
                interview=interview,
                kind="board.file_added",
                payload={"id": file_id, "mimeType": mime, "url": file_url(interview, file_id)},
                actor=participant.user,
                actor_role=participant.role,
            )
        ],
        states={interview.pk: state},
    )
    return record


@transaction.atomic
def board_final_save(
    *, participant: Participant, png: UploadedFile, svg: UploadedFile
) -> FinalBoard:
    """Keep the board as it was at the end, for the report. Only the interviewer's room
    saves it, only once the round has ended (the board is read-only by then, so the image
    shows the stored elements), and only once: a second upload is refused, never swapped in.
    Raises UploadRefused with the HTTP status and a message that says why."""
    interview = Interview.objects.get(pk=participant.interview_id)
    if participant.role != Role.INTERVIEWER:
        raise rules.UploadRefused(403, "Only the interviewer's room saves the final board.")
    if interview.status != Interview.Status.ENDED:
        raise rules.UploadRefused(409, "The final board can be saved once the round has ended.")
    # Under the room lock, so two uploads at once can't both pass the check below.
    state = lock_room_state(interview)
    if FinalBoard.objects.filter(interview=interview).exists():
        raise rules.UploadRefused(409, "The final board has already been saved.")
    if (png.size or 0) > rules.MAX_FINAL_BYTES or (svg.size or 0) > rules.MAX_FINAL_BYTES:
        raise rules.UploadRefused(413, "The board export is too large.")
    if rules.sniff_image(png.read(16)) != "image/png":
        raise rules.UploadRefused(415, "The PNG export is not a PNG image.")
    png.seek(0)
    svg_text = svg.read().decode("utf-8", errors="replace")
    if "<svg" not in svg_text[:2000] or "<script" in svg_text.lower():
        raise rules.UploadRefused(415, "The SVG export is not a clean SVG image.")
    final = FinalBoard(interview=interview, saved_by=participant.user)
    final.png.save("board.png", png, save=False)
    final.svg.save("board.svg", ContentFile(svg_text.encode()), save=False)
    final.save()
    append_events(
        [
            NewEvent(
                interview=interview,
                kind="board.final_saved",
                payload={
                    "png": reverse("whiteboard:final", args=[interview.public_id, "png"]),
                    "svg": reverse("whiteboard:final", args=[interview.public_id, "svg"]),
                },
                actor=participant.user,
                actor_role=participant.role,
            )
        ],
        states={interview.pk: state},
    )
    return final


@transaction.atomic
def board_import(*, participant: Participant, document: dict[str, Any]) -> int:
    """Start a round from an `.excalidraw` file: its elements become the board."""
    from mockroom.live.protocol import BoardElement as ElementSchema

    interview = Interview.objects.get(pk=participant.interview_id)
    if interview.status != Interview.Status.SCHEDULED:
        raise BoardError("not_scheduled", "A board can be imported only before the round starts.")
    if document.get("type") != "excalidraw" or not isinstance(document.get("elements"), list):
        raise BoardError("invalid", "This is not an .excalidraw file.")
    raw = document["elements"]
    if len(raw) > MAX_BOARD_ELEMENTS:
        raise BoardError("board_full", f"A board holds at most {MAX_BOARD_ELEMENTS} elements.")
    problem = json_problem(raw)
    if problem is not None:
        raise BoardError("invalid", f"elements.{problem}")
    try:
        elements = [ElementSchema.model_validate(e).model_dump() for e in raw]
    except Exception:
        raise BoardError("invalid", "Some elements in the file are not valid.") from None
    state = lock_room_state(interview)
    return apply_board_update(
        state=state,
        participant=participant,
        interview=interview,
        client_msg_id=f"import-{state.seq + 1}",
        elements=elements,
    )
