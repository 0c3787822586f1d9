"""Writes to rounds, participants and invitations. Each runs in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from mockroom.accounts.models import User
from mockroom.core.clock import now
from mockroom.core.tokens import hash_token, new_token
from mockroom.core.validation import (
    email_problem,
    nul_problem,
    time_zone_problem,
    utc_offset_problem,
)
from mockroom.rubrics.models import Rubric
from mockroom.rubrics.services import rubric_document

from .agenda import Phase
from .models import SINGLE_SEAT_ROLES, Interview, Invitation, Participant, Role
from .rules import InvitationState, invitation_state, schedule_problem

INVITATION_LIFETIME = timedelta(days=14)
TITLE_MAX_LENGTH = 120
PROMPT_MAX_LENGTH = 20_000
PROMPT_FIELDS = ("prompt_text", "prompt_notes", "prompt_hints", "prompt_solution")


class InterviewError(Exception):
    """A request that breaks a rule of rounds; `code` names which, the message explains,
    and `field` names the input at fault when there is one."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class InvalidInput(InterviewError):
    """One input is not acceptable; the forms and the API show it next to `field`."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__("invalid", f"{field}: {problem}", field=field)
        self.problem = problem


class InvitationRefused(InterviewError):
    def __init__(self, state: InvitationState | str, message: str = "") -> None:
        super().__init__(str(state), message or f"Invitation is {state}.")
        self.state = state


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation and its token. The token exists only here; we store its hash."""

    invitation: Invitation
    token: str


def can_manage(interview: Interview, user: User) -> bool:
    """The creator and the interviewer organise the round: invitations, agenda, prompt."""
    if interview.created_by_id == user.pk:
        return True
    return interview.participants.filter(user=user, role=Role.INTERVIEWER).exists()


def schedule_input_problems(
    *, title: str, kind: str, scheduled_at: datetime, time_zone: str, prompt: dict[str, str]
) -> dict[str, str]:
    """Every problem with the inputs of a new round, by field: the one check that the form,
    the API and the service itself all apply."""
    problems: dict[str, str] = {}
    stripped = title.strip()
    if not stripped:
        problems["title"] = "give the round a title"
    elif len(stripped) > TITLE_MAX_LENGTH:
        problems["title"] = f"a title has at most {TITLE_MAX_LENGTH} characters"
    elif problem := nul_problem(title):
        problems["title"] = problem
    if kind not in Interview.Kind.values:
        problems["kind"] = "unknown kind of round"
    if problem := utc_offset_problem(scheduled_at) or schedule_problem(scheduled_at, now()):
        problems["scheduled_at"] = problem
    if problem := time_zone_problem(time_zone):
        problems["time_zone"] = problem
    for name, value in prompt.items():
        if len(value) > PROMPT_MAX_LENGTH:
            problems[name] = f"at most {PROMPT_MAX_LENGTH} characters"
        elif problem := nul_problem(value):
            problems[name] = problem
    return problems


def invitation_email_problem(email: str) -> str | None:
    """The address an invitation may be emailed to (empty: not emailed)."""
    return email_problem(email) if email else None


def default_rubric(kind: str) -> Rubric | None:
    """The built-in rubric for a kind of round, if the library has one."""
    return Rubric.objects.filter(is_builtin=True, slug=kind).first()


@transaction.atomic
def interview_create(
    *,
    creator: User,
    title: str,
    kind: str,
    creator_role: str,
    agenda: list[Phase],
    scheduled_at: datetime,
    time_zone: str,
    rubric: Rubric | None = None,
    prompt_text: str = "",
    prompt_notes: str = "",
    prompt_hints: str = "",
    prompt_solution: str = "",
) -> tuple[Interview, list[IssuedInvitation]]:
    """Schedule a round with its creator in their chosen seat, and issue links for the other
    seat and for observers."""
    if creator_role not in SINGLE_SEAT_ROLES:
        raise InterviewError("bad_role", "Choose to be the interviewer or the candidate.")
    prompt = {
        "prompt_text": prompt_text,
        "prompt_notes": prompt_notes,
        "prompt_hints": prompt_hints,
        "prompt_solution": prompt_solution,
    }
    problems = schedule_input_problems(
        title=title, kind=kind, scheduled_at=scheduled_at, time_zone=time_zone, prompt=prompt
    )
    if problems:
        field, problem = next(iter(problems.items()))
        raise InvalidInput(field, problem)
    if creator_role == Role.CANDIDATE and any(prompt.values()):
        raise InterviewError(
            "prompt_is_private", "Only the interviewer sets the prompt.", field="prompt_text"
        )
    interview = Interview.objects.create(
        title=title.strip(),
        kind=kind,
        scheduled_at=scheduled_at,
        time_zone=time_zone,
        agenda=[phase.as_dict() for phase in agenda],
        rubric=rubric or default_rubric(kind),
        prompt_text=prompt_text,
        prompt_notes=prompt_notes,
        prompt_hints=prompt_hints,
        prompt_solution=prompt_solution,
        created_by=creator,
    )
    Participant.objects.create(interview=interview, user=creator, role=creator_role)
    other = Role.CANDIDATE if creator_role == Role.INTERVIEWER else Role.INTERVIEWER
    issued = [invitation_create(interview=interview, role=other, created_by=creator)]
    if may_invite_observers(interview, creator):
        issued.append(
            invitation_create(interview=interview, role=Role.OBSERVER, created_by=creator)
        )
    return interview, issued


def may_invite_observers(interview: Interview, user: User) -> bool:
    """Observers watch the interviewer's side (rubric, even when hidden; their own scores),
    so only the interviewer, or an organiser who is not the candidate, brings them in. A
    creator who sits as the candidate could otherwise give a second account of theirs the
    interviewer's view."""
    role = interview.participants.filter(user=user).values_list("role", flat=True).first()
    if role == Role.CANDIDATE:
        return False
    return role == Role.INTERVIEWER or interview.created_by_id == user.pk


@transaction.atomic
def invitation_create(
    *,
    interview: Interview,
    role: str,
    created_by: User,
    email: str = "",
    lifetime: timedelta = INVITATION_LIFETIME,
) -> IssuedInvitation:
    """Issue a new link for a seat. A new seat link withdraws the unused older ones.
    With `email`, the invitation is marked as queued for mail; `invitation_email_enqueue`
    sends it."""
    if role not in Role.values:
        raise InterviewError("bad_role", "Unknown role.", field="role")
    if problem := invitation_email_problem(email):
        raise InvalidInput("email", problem)
    if interview.status == Interview.Status.ENDED:
        raise InterviewError("ended", "This round has ended; nobody new can join.")
    if role == Role.OBSERVER and not may_invite_observers(interview, created_by):
        raise InterviewError(
            "observers_by_interviewer", "Only the interviewer invites observers.", field="role"
        )
    if role in SINGLE_SEAT_ROLES:
        if interview.participants.filter(role=role).exists():
            raise InterviewError("seat_taken", f"This round already has its {role}.")
        interview.invitations.filter(role=role, revoked_at__isnull=True, use_count=0).update(
            revoked_at=now()
        )
    token = new_token()
    invitation = Invitation.objects.create(
        interview=interview,
        role=role,
        token_hash=hash_token(token),
        expires_at=now() + lifetime,
        email=email,
        delivery_status=Invitation.Delivery.QUEUED if email else Invitation.Delivery.NOT_EMAILED,
        created_by=created_by,
    )
    return IssuedInvitation(invitation=invitation, token=token)


def invitation_email_enqueue(*, invitation: Invitation, join_url: str) -> None:
    """Queue the email carrying a fresh link, once the invitation is committed. The job
    records on the invitation whether it was sent or failed."""
    from .tasks import send_invitation_email

    if not invitation.email:
        return
    transaction.on_commit(
        lambda: send_invitation_email.enqueue(
            interview_id=invitation.interview_id,
            role=invitation.role,
            email=invitation.email,
            join_url=join_url,
            invitation_id=invitation.pk,
        )
    )


@transaction.atomic
def invitation_record_delivery(*, invitation_id: int, error: BaseException | None) -> None:
    """Note what became of an invitation's email: sent, or failed and why."""
    if error is None:
        Invitation.objects.filter(pk=invitation_id).update(
            delivery_status=Invitation.Delivery.SENT, delivery_error="", updated_at=now()
        )
        return
    reason = f"{type(error).__name__}: {error}".replace("\x00", "")[:500]
    Invitation.objects.filter(pk=invitation_id).update(
        delivery_status=Invitation.Delivery.FAILED, delivery_error=reason, updated_at=now()
    )


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Withdraw a link; already-joined participants stay. Revoking twice changes nothing."""
    if invitation.revoked_at is None:
        invitation.revoked_at = now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
    return invitation


def invitation_lookup(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("interview", "interview__created_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Participant:
    """Take the seat an invitation offers. Joining a round you are already in is a no-op
    that returns your existing seat and leaves the link unused."""
    found = invitation_lookup(token)
    if found is None:
        raise InvitationRefused("unknown", "This invitation link is not valid.")
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    interview = invitation.interview
    existing = Participant.objects.filter(interview=interview, user=user).first()
    if existing is not None:
        return existing
    state = invitation_state(invitation.facts(), now())
    if state is not InvitationState.VALID:
        raise InvitationRefused(state)
    if interview.status == Interview.Status.ENDED:
        raise InvitationRefused("ended", "This round has already ended.")
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                interview=interview, user=user, role=invitation.role
            )
    except IntegrityError:
        raise InvitationRefused(
            "seat_taken", f"Someone else already joined as the {invitation.role}."
        ) from None
    invitation.use_count += 1
    invitation.save(update_fields=["use_count", "updated_at"])
    return participant


@transaction.atomic
def interview_update_agenda(*, interview: Interview, agenda: list[Phase]) -> Interview:
    """Edit the agenda copy of a round that has not started."""
    locked = Interview.objects.select_for_update().get(pk=interview.pk)
    if locked.status != Interview.Status.SCHEDULED:
        raise InterviewError("not_scheduled", "The agenda is fixed once the round starts.")
    locked.agenda = [phase.as_dict() for phase in agenda]
    locked.save(update_fields=["agenda", "updated_at"])
    return locked


@transaction.atomic
def interview_start(*, interview: Interview, at: datetime | None = None) -> Interview:
    """scheduled → live. Freezes the rubric reference into a snapshot."""
    locked = Interview.objects.select_for_update().get(pk=interview.pk)
    if locked.status != Interview.Status.SCHEDULED:
        raise InterviewError("not_scheduled", "Only a scheduled round can start.")
    locked.status = Interview.Status.LIVE
    locked.started_at = at or now()
    if locked.rubric_snapshot is None and locked.rubric is not None:
        # From now on the round reads its own copy: later edits of the rubric don't reach it.
        locked.rubric_snapshot = rubric_document(locked.rubric)
    locked.save(update_fields=["status", "started_at", "rubric_snapshot", "updated_at"])
    return locked


@transaction.atomic
def interview_end(*, interview: Interview, at: datetime | None = None) -> Interview:
    """live → ended."""
    locked = Interview.objects.select_for_update().get(pk=interview.pk)
    if locked.status != Interview.Status.LIVE:
        raise InterviewError("not_live", "Only a live round can end.")
    locked.status = Interview.Status.ENDED
    locked.ended_at = max(at or now(), locked.started_at)  # type: ignore[type-var]
    locked.save(update_fields=["status", "ended_at", "updated_at"])
    from mockroom.feedback.services import feedback_open

    feedback_open(interview=locked)  # the feedback forms open, the release is scheduled
    return locked


@transaction.atomic
def interview_swap_roles(*, interview: Interview, by: User, scheduled_at: datetime) -> Interview:
    """After a round ends, create the follow-up with interviewer and candidate reversed.
    Asking twice returns the same follow-up."""
    locked = Interview.objects.select_for_update().get(pk=interview.pk)
    existing = Interview.objects.filter(follow_up_of=locked).first()
    if existing is not None:
        return existing
    if locked.status != Interview.Status.ENDED:
        raise InterviewError("not_ended", "Swap roles once the round has ended.")
    seats = {p.role: p.user for p in locked.participants.filter(role__in=SINGLE_SEAT_ROLES)}
    if by not in seats.values():
        raise InterviewError("not_a_seat", "Only the interviewer or the candidate can swap.")
    if len(seats) != 2:
        raise InterviewError("seat_empty", "Both seats must be filled to swap roles.")
    follow_up = Interview.objects.create(
        title=locked.title if "(swapped)" in locked.title else f"{locked.title} (swapped)",
        kind=locked.kind,
        scheduled_at=scheduled_at,
        time_zone=locked.time_zone,
        agenda=locked.agenda,
        rubric=locked.rubric,
        created_by=by,
        follow_up_of=locked,
    )
    Participant.objects.create(
        interview=follow_up, user=seats[Role.CANDIDATE], role=Role.INTERVIEWER
    )
    Participant.objects.create(
        interview=follow_up, user=seats[Role.INTERVIEWER], role=Role.CANDIDATE
    )
    return follow_up
