"""The HTTP API for rounds (django-ninja). Same rules as the pages: outsiders get 404."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from ninja import Path, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from mockroom.core.api_errors import FieldRefused, errors
from mockroom.core.validation import MAX_EMAIL_LENGTH, time_zone_names

from . import services
from .agenda import (
    AGENDA_TEMPLATES,
    MAX_NAME_LENGTH,
    AgendaError,
    Phase,
    template_phases,
    validate_agenda,
)
from .models import Interview, Invitation, Role
from .selectors import interviews_for_user, participation_or_404
from .throttle import round_create_refusal

router = Router(tags=["interviews"])

# Path parameters as the URLs carry them; anything else is refused before any lookup.
PublicId = Annotated[
    str, Path(pattern=r"^[0-9a-f]{32}$", description="A round's public id (32 hex digits).")
]
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class PhaseSchema(Schema):
    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH)
    minutes: int = Field(ge=1, le=180)


class ParticipantOut(Schema):
    name: str
    role: str


class PromptOut(Schema):
    text: str
    notes: str
    hints: str
    solution: str


class InterviewOut(Schema):
    public_id: str
    title: str
    kind: str
    status: str
    scheduled_at: datetime
    time_zone: str
    agenda: list[PhaseSchema]
    my_role: str
    participants: list[ParticipantOut]
    prompt: PromptOut | None = Field(
        None, description="Only for the interviewer and observers; never for the candidate."
    )


class InvitationOut(Schema):
    id: int
    role: str
    expires_at: datetime
    email: str = Field("", description="Who the link was emailed to, if anyone.")
    delivery_status: Invitation.Delivery = Field(
        description="What became of the email: '' (not emailed), queued, sent or failed."
    )
    delivery_error: str = Field("", description="Why the email failed, when it did.")
    url: str | None = Field(None, description="Present only in the response that created it.")


class InterviewCreatedOut(InterviewOut):
    invitations: list[InvitationOut]


class InterviewIn(Schema):
    """A new round. The service checks these again (`services.schedule_input_problems`),
    as it does for the form: the limits here document them."""

    title: str = Field(min_length=1, max_length=services.TITLE_MAX_LENGTH)
    kind: Interview.Kind = Interview.Kind.CODING
    my_role: str = Field(Role.INTERVIEWER, pattern="^(interviewer|candidate)$")
    scheduled_at: datetime = Field(
        description="With a UTC offset (at most ±15:59), from a year ago to five years ahead."
    )
    # Listed as enums in the document so that clients and fuzzers can find the valid
    # values; checked by the service, whose message is shorter than pydantic's list.
    time_zone: str = Field(
        "UTC",
        min_length=1,
        max_length=64,
        description="An IANA name, e.g. Europe/London.",
        json_schema_extra={"enum": sorted(time_zone_names())},
    )
    agenda_template: str | None = Field(
        None,
        max_length=32,
        description="Start from this template when `agenda` is empty (default: the kind).",
        json_schema_extra={"enum": [*AGENDA_TEMPLATES, None]},
    )
    rubric_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="A library rubric or one of yours."
    )
    agenda: list[PhaseSchema] | None = Field(None, max_length=12)
    prompt_text: str = Field("", max_length=services.PROMPT_MAX_LENGTH)
    prompt_notes: str = Field("", max_length=services.PROMPT_MAX_LENGTH)
    prompt_hints: str = Field("", max_length=services.PROMPT_MAX_LENGTH)
    prompt_solution: str = Field("", max_length=services.PROMPT_MAX_LENGTH)


class InvitationIn(Schema):
    role: Role
    email: str = Field(
        "", max_length=MAX_EMAIL_LENGTH, description="Email the link there (with a .ics file)."
    )


def _out(interview: Interview, role: str) -> dict:
    staff = role in (Role.INTERVIEWER, Role.OBSERVER)
    return {
        "public_id": interview.public_id,
        "title": interview.title,
        "kind": interview.kind,
        "status": interview.status,
        "scheduled_at": interview.scheduled_at,
        "time_zone": interview.time_zone,
        "agenda": interview.agenda,
        "my_role": role,
        "participants": [
            {"name": p.user.name, "role": p.role} for p in interview.participants.all()
        ],
        "prompt": {
            "text": interview.prompt_text,
            "notes": interview.prompt_notes,
            "hints": interview.prompt_hints,
            "solution": interview.prompt_solution,
        }
        if staff
        else None,
    }


def _invitation_out(request: HttpRequest, invitation: Invitation, token: str | None) -> dict:
    url = request.build_absolute_uri(reverse("interviews:join", args=[token])) if token else None
    return {
        "id": invitation.pk,
        "role": invitation.role,
        "expires_at": invitation.expires_at,
        "email": invitation.email,
        "delivery_status": invitation.delivery_status,
        "delivery_error": invitation.delivery_error,
        "url": url,
    }


def _refused(error: services.InterviewError, status: int) -> HttpError:
    if error.field:
        return FieldRefused(error.field, getattr(error, "problem", error.message), status)
    return HttpError(status, error.message)


@router.get("/interviews", response={200: list[InterviewOut], **errors(401, 422)})
def list_interviews(request: HttpRequest, role: Role | None = None):
    """Rounds you take part in, optionally only those in one role."""
    result = []
    for interview in interviews_for_user(request.user, role=role):  # type: ignore[arg-type]
        mine = next(p.role for p in interview.participants.all() if p.user_id == request.user.pk)
        result.append(_out(interview, mine))
    return result


@router.post("/interviews", response={201: InterviewCreatedOut, **errors(400, 401, 403, 422, 429)})
def create_interview(request: HttpRequest, payload: InterviewIn):
    """Schedule a round. The response carries the invite links, once.

    Each user may create `ROUND_CREATES_PER_HOUR` rounds an hour (at most
    `ROUND_CREATE_BURST` in a minute); beyond that the answer is 429 with `Retry-After`."""
    if payload.agenda_template is not None and payload.agenda_template not in AGENDA_TEMPLATES:
        raise FieldRefused("agenda_template", f"one of {', '.join(AGENDA_TEMPLATES)}")
    try:
        if payload.agenda:
            phases = validate_agenda([p.model_dump() for p in payload.agenda])
        else:
            phases = template_phases(payload.agenda_template or payload.kind)
    except AgendaError as error:
        raise FieldRefused("agenda", str(error)) from None
    rubric = None
    if payload.rubric_id is not None:
        from mockroom.rubrics.services import rubrics_for

        rubric = rubrics_for(request.user).filter(pk=payload.rubric_id).first()  # type: ignore[arg-type]
        if rubric is None:
            raise FieldRefused("rubric_id", "no such rubric")
    refused = round_create_refusal(user_id=request.user.pk)
    if refused is not None:
        response = JsonResponse({"detail": refused.message, "errors": []}, status=429)
        response["Retry-After"] = str(refused.retry_after)
        return response
    try:
        interview, issued = services.interview_create(
            creator=request.user,  # type: ignore[arg-type]
            title=payload.title,
            kind=payload.kind,
            creator_role=payload.my_role,
            agenda=[Phase(p.name, p.minutes) for p in phases],
            scheduled_at=payload.scheduled_at,
            time_zone=payload.time_zone,
            prompt_text=payload.prompt_text,
            prompt_notes=payload.prompt_notes,
            prompt_hints=payload.prompt_hints,
            prompt_solution=payload.prompt_solution,
            rubric=rubric,
        )
    except services.InterviewError as error:
        raise _refused(error, 422) from None
    body = _out(interview, payload.my_role)
    body["invitations"] = [_invitation_out(request, i.invitation, i.token) for i in issued]
    return Status(201, body)


@router.get("/interviews/{public_id}", response={200: InterviewOut, **errors(401, 404, 422)})
def get_interview(request: HttpRequest, public_id: PublicId):
    """One round, as your role may see it."""
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    return _out(participant.interview, participant.role)


def _managed(request: HttpRequest, public_id: str) -> Interview:
    interview = participation_or_404(public_id, request.user).interview  # type: ignore[arg-type]
    if not services.can_manage(interview, request.user):  # type: ignore[arg-type]
        raise HttpError(403, "Only the organiser and the interviewer manage invitations.")
    return interview


@router.get(
    "/interviews/{public_id}/invitations",
    response={200: list[InvitationOut], **errors(401, 403, 404, 422)},
)
def list_invitations(request: HttpRequest, public_id: PublicId):
    """The round's links (never their tokens) and what became of their emails."""
    interview = _managed(request, public_id)
    return [_invitation_out(request, i, None) for i in interview.invitations.all()]


@router.post(
    "/interviews/{public_id}/invitations",
    response={201: InvitationOut, **errors(400, 401, 403, 404, 409, 422)},
)
def create_invitation(request: HttpRequest, public_id: PublicId, payload: InvitationIn):
    """Issue a link for a seat or for observers, optionally emailing it with a .ics file."""
    interview = _managed(request, public_id)
    try:
        issued = services.invitation_create(
            interview=interview,
            role=payload.role,
            created_by=request.user,  # type: ignore[arg-type]
            email=payload.email,
        )
    except services.InterviewError as error:
        raise _refused(error, 422 if isinstance(error, services.InvalidInput) else 409) from None
    body = _invitation_out(request, issued.invitation, issued.token)
    services.invitation_email_enqueue(invitation=issued.invitation, join_url=body["url"])
    return Status(201, body)


@router.post(
    "/interviews/{public_id}/invitations/{invitation_id}/revoke",
    response={200: InvitationOut, **errors(401, 403, 404, 422)},
)
def revoke_invitation(request: HttpRequest, public_id: PublicId, invitation_id: RowId):
    interview = _managed(request, public_id)
    invitation = interview.invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation.")
    services.invitation_revoke(invitation=invitation)
    return _invitation_out(request, invitation, None)
