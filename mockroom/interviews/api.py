"""The HTTP API for rounds (django-ninja). Same rules as the pages: outsiders get 404."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from . import services
from .agenda import AgendaError, Phase, template_phases, validate_agenda
from .models import Interview, Invitation, Role
from .selectors import interviews_for_user, participation_or_404
from .tasks import send_invitation_email

router = Router(tags=["interviews"])


class PhaseSchema(Schema):
    name: str = Field(min_length=1, max_length=60)
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
    url: str | None = Field(None, description="Present only in the response that created it.")


class InterviewCreatedOut(InterviewOut):
    invitations: list[InvitationOut]


class InterviewIn(Schema):
    title: str = Field(min_length=1, max_length=120)
    kind: Interview.Kind = Interview.Kind.CODING
    my_role: str = Field(Role.INTERVIEWER, pattern="^(interviewer|candidate)$")
    scheduled_at: datetime
    time_zone: str = "UTC"
    agenda_template: str | None = None
    rubric_id: int | None = Field(None, description="A library rubric or one of yours.")
    agenda: list[PhaseSchema] | None = None
    prompt_text: str = ""
    prompt_notes: str = ""
    prompt_hints: str = ""
    prompt_solution: str = ""


class InvitationIn(Schema):
    role: Role
    email: str = ""


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
        "url": url,
    }


@router.get("/interviews", response=list[InterviewOut])
def list_interviews(request: HttpRequest, role: Role | None = None):
    """Rounds you take part in, optionally only those in one role."""
    result = []
    for interview in interviews_for_user(request.user, role=role):  # type: ignore[arg-type]
        mine = next(p.role for p in interview.participants.all() if p.user_id == request.user.pk)
        result.append(_out(interview, mine))
    return result


@router.post("/interviews", response={201: InterviewCreatedOut})
def create_interview(request: HttpRequest, payload: InterviewIn):
    """Schedule a round. The response carries the invite links, once."""
    try:
        if payload.agenda:
            phases = validate_agenda([p.model_dump() for p in payload.agenda])
        else:
            phases = template_phases(payload.agenda_template or payload.kind)
    except AgendaError as error:
        raise HttpError(422, str(error)) from None
    rubric = None
    if payload.rubric_id is not None:
        from mockroom.rubrics.services import rubrics_for

        rubric = rubrics_for(request.user).filter(pk=payload.rubric_id).first()  # type: ignore[arg-type]
        if rubric is None:
            raise HttpError(422, "No such rubric.")
    if payload.scheduled_at.tzinfo is None:
        raise HttpError(422, "scheduled_at needs a UTC offset, e.g. 2030-01-01T09:00:00+00:00")
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
        raise HttpError(422, error.message) from None
    body = _out(interview, payload.my_role)
    body["invitations"] = [_invitation_out(request, i.invitation, i.token) for i in issued]
    return Status(201, body)


@router.get("/interviews/{public_id}", response=InterviewOut)
def get_interview(request: HttpRequest, public_id: str):
    """One round, as your role may see it."""
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    return _out(participant.interview, participant.role)


def _managed(request: HttpRequest, public_id: str) -> Interview:
    interview = participation_or_404(public_id, request.user).interview  # type: ignore[arg-type]
    if not services.can_manage(interview, request.user):  # type: ignore[arg-type]
        raise HttpError(403, "Only the organiser and the interviewer manage invitations.")
    return interview


@router.get("/interviews/{public_id}/invitations", response=list[InvitationOut])
def list_invitations(request: HttpRequest, public_id: str):
    interview = _managed(request, public_id)
    return [_invitation_out(request, i, None) for i in interview.invitations.all()]


@router.post("/interviews/{public_id}/invitations", response={201: InvitationOut})
def create_invitation(request: HttpRequest, public_id: str, payload: InvitationIn):
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
        raise HttpError(409, error.message) from None
    body = _invitation_out(request, issued.invitation, issued.token)
    if payload.email:
        transaction.on_commit(
            lambda: send_invitation_email.enqueue(
                interview_id=interview.pk,
                role=payload.role,
                email=payload.email,
                join_url=body["url"],
            )
        )
    return Status(201, body)


@router.post("/interviews/{public_id}/invitations/{invitation_id}/revoke", response=InvitationOut)
def revoke_invitation(request: HttpRequest, public_id: str, invitation_id: int):
    interview = _managed(request, public_id)
    invitation = interview.invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation.")
    services.invitation_revoke(invitation=invitation)
    return _invitation_out(request, invitation, None)
