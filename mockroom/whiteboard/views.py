"""HTTP side of the board: images in and out, the final export, .excalidraw files."""

from __future__ import annotations

import json

import orjson
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from mockroom.interviews.selectors import participation_or_404
from mockroom.interviews.services import can_manage

from . import rules, services
from .models import BoardFile, FinalBoard

MAX_IMPORT_BYTES = 10 * 1024 * 1024


def _private_file(handle, content_type: str, filename: str) -> FileResponse:
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def file_upload(request: HttpRequest, public_id: str) -> JsonResponse:
    """An image for the board. Participants who may edit, 4 MiB, PNG/JPEG/GIF/WebP only."""
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": "Attach the image as 'file'."}, status=400)
    try:
        record = services.board_file_add(
            participant=participant, file_id=request.POST.get("file_id", ""), upload=upload
        )
    except rules.UploadRefused as refused:
        return JsonResponse({"error": refused.message}, status=refused.status)
    return JsonResponse(
        {
            "id": record.file_id,
            "mimeType": record.mime_type,
            "url": services.file_url(participant.interview, record.file_id),
        },
        status=201,
    )


@login_required
@require_GET
def file_download(request: HttpRequest, public_id: str, file_id: str) -> FileResponse:
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    record = BoardFile.objects.filter(interview=participant.interview, file_id=file_id).first()
    if record is None:
        raise Http404("No such image.")
    return _private_file(record.file.open("rb"), record.mime_type, f"{file_id}")


@login_required
@require_GET
def board_state(request: HttpRequest, public_id: str) -> HttpResponse:
    """The whole board as a `board.state` frame, for boards too big for a WebSocket frame."""
    from mockroom.live.models import RoomState

    from .room import board_out

    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    # Read seq first: the board read after it reflects at least that seq.
    state = RoomState.objects.filter(interview=participant.interview).first()
    frame = {
        "type": "board.state",
        "id": "deferred",
        "seq": state.seq if state else 0,
        "board": board_out(participant.interview, inline_limit=None),
    }
    response = HttpResponse(orjson.dumps(frame), content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def final_upload(request: HttpRequest, public_id: str) -> JsonResponse:
    """The final board images, from the interviewer's room once the round has ended."""
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    png, svg = request.FILES.get("png"), request.FILES.get("svg")
    if png is None or svg is None:
        return JsonResponse({"error": "Send both 'png' and 'svg'."}, status=400)
    try:
        services.board_final_save(participant=participant, png=png, svg=svg)
    except rules.UploadRefused as refused:
        return JsonResponse({"error": refused.message}, status=refused.status)
    return JsonResponse({"saved": True}, status=201)


@login_required
@require_GET
def final_download(request: HttpRequest, public_id: str, fmt: str) -> FileResponse:
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    final = FinalBoard.objects.filter(interview=participant.interview).first()
    if final is None or fmt not in ("png", "svg"):
        raise Http404("The final board has not been saved.")
    content_type = "image/png" if fmt == "png" else "image/svg+xml"
    response = _private_file(getattr(final, fmt).open("rb"), content_type, f"board.{fmt}")
    if fmt == "svg":
        # An SVG opened directly must not run anything.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
        )
    return response


@login_required
@require_GET
def excalidraw_download(request: HttpRequest, public_id: str) -> HttpResponse:
    """The board as an `.excalidraw` file that Excalidraw (or a new round) can open."""
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    interview = participant.interview
    import base64

    files = {}
    for record in interview.board_files.all():
        with record.file.open("rb") as handle:
            data = base64.b64encode(handle.read()).decode()
        files[record.file_id] = {
            "id": record.file_id,
            "mimeType": record.mime_type,
            "dataURL": f"data:{record.mime_type};base64,{data}",
            "created": int(record.created_at.timestamp() * 1000),
        }
    document = {
        "type": "excalidraw",
        "version": 2,
        "source": request.build_absolute_uri("/"),
        "elements": [e for e in services.board_elements(interview) if not e.get("isDeleted")],
        "appState": {"viewBackgroundColor": "#ffffff", "gridSize": None},
        "files": files,
    }
    response = HttpResponse(json.dumps(document), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{interview.public_id}.excalidraw"'
    return response


@login_required
@require_POST
def excalidraw_import(request: HttpRequest, public_id: str) -> HttpResponse:
    """Start a round from an `.excalidraw` file (organiser, before the start)."""
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    if not can_manage(participant.interview, request.user):  # type: ignore[arg-type]
        raise Http404("No such round.")
    upload = request.FILES.get("board")
    if upload is None or (upload.size or 0) > MAX_IMPORT_BYTES:
        messages.error(request, "Choose an .excalidraw file of at most 10 MiB.")
        return redirect("interviews:detail", public_id=public_id)
    try:
        document = orjson.loads(upload.read())  # refuses absurd nesting instead of recursing
        if not isinstance(document, dict):
            raise ValueError
    except ValueError:
        messages.error(request, "That file is not valid JSON; nothing was imported.")
        return redirect("interviews:detail", public_id=public_id)
    try:
        services.board_import(participant=participant, document=document)
    except services.BoardError as error:
        messages.error(request, f"Nothing was imported: {error.message}")
    else:
        messages.success(request, "Board imported. It will be on the whiteboard when you start.")
    return redirect("interviews:detail", public_id=public_id)
