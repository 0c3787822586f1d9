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
from .rules import (
    InvitationState,
    change_problem,
    invitation_state,
    reschedule_problem,
    schedule_problem,
)

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
    if interview.status == Interview.Status.CANCELLED:
        raise InterviewError("cancelled", "This round was cancelled; reschedule it first.")
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
    if interview.status == Interview.Status.CANCELLED:
        raise InvitationRefused("cancelled", "This round was cancelled.")
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


# What the people in a round are told changed, by field. The prompt is not among them:
# changing it is never mailed (the candidate must not learn of it), nor is the rubric alone.
CHANGE_LABELS = {
    "title": "title",
    "kind": "kind of round",
    "scheduled_at": "time",
    "time_zone": "time zone",
    "agenda": "agenda",
}
EDITABLE_FIELDS = (
    "title",
    "kind",
    "scheduled_at",
    "time_zone",
    "agenda",
    "rubric",
    *PROMPT_FIELDS,
)


def may_edit_prompt(interview: Interview, user: User) -> bool:
    """The prompt (with its hints and solution) is set by the interviewer, or by an
    organiser who is not the candidate: the candidate never reads it before the reveal."""
    return may_invite_observers(interview, user)


def _refuse_unless_manager(interview: Interview, by: User) -> None:
    if not can_manage(interview, by):
        raise InterviewError("forbidden", "Only the organiser or the interviewer can do that.")


@transaction.atomic
def interview_update(*, interview: Interview, by: User, **fields: object) -> list[str]:
    """Edit a scheduled round: any of EDITABLE_FIELDS (`agenda` as phases, `rubric` as a
    Rubric or None for the library one). Returns the labels of what changed that people
    are told about; when there are any, SEQUENCE grows and everyone in the round gets an
    update mail with the updated calendar file."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InterviewError("bad_field", f"Not editable: {', '.join(sorted(unknown))}.")
    locked = Interview.objects.select_for_update().get(pk=interview.pk)
    _refuse_unless_manager(locked, by)
    if problem := change_problem(locked.status):
        raise InterviewError("not_scheduled", problem[:1].upper() + problem[1:] + ".")
    prompt = {name: fields[name] for name in PROMPT_FIELDS if name in fields}
    if any(str(prompt[name]) != getattr(locked, name) for name in prompt) and not (
        may_edit_prompt(locked, by)
    ):
        raise InterviewError(
            "prompt_is_private", "Only the interviewer sets the prompt.", field="prompt_text"
        )
    problems = schedule_input_problems(
        title=str(fields.get("title", locked.title)),
        kind=str(fields.get("kind", locked.kind)),
        scheduled_at=fields.get("scheduled_at", locked.scheduled_at),  # type: ignore[arg-type]
        time_zone=str(fields.get("time_zone", locked.time_zone)),
        prompt={name: str(value) for name, value in prompt.items()},
    )
    if problems:
        field, problem = next(iter(problems.items()))
        raise InvalidInput(field, problem)
    previous_start = locked.scheduled_at
    changed: list[str] = []
    updates: dict[str, object] = {}
    for name, value in fields.items():
        if name == "title":
            value = str(value).strip()
        elif name == "agenda":
            value = [phase.as_dict() for phase in value]  # type: ignore[attr-defined]
        elif name == "rubric":
            value = value or default_rubric(str(fields.get("kind", locked.kind)))
        current = getattr(locked, name)
        if name == "scheduled_at" and current == value:
            continue
        if current != value:
            updates[name] = value
            if name in CHANGE_LABELS:
                changed.append(CHANGE_LABELS[name])
    if not updates:
        return []
    for name, value in updates.items():
        setattr(locked, name, value)
    if changed:
        locked.sequence += 1
    locked.save(update_fields=[*updates, "sequence", "updated_at"])
    if changed:
        round_change_email_enqueue(
            interview=locked,
            change="updated",
            by=by,
            changes=changed,
            previous_start=previous_start if "time" in changed else None,
        )
    interview.refresh_from_db()
    return changed


@transaction.atomic
def interview_cancel(*, interview: Interview, by: User) -> Interview:
    """Call a scheduled round off: everyone in it gets a cancellation with a METHOD:CANCEL
    calendar file, and the links stop leading anywhere. Cancelling twice changes nothing."""
    locked = Interview.objects.select_for_update().get(pk=interview.pk)
    _refuse_unless_manager(locked, by)
    if locked.status == Interview.Status.CANCELLED:
        return locked
    if problem := change_problem(locked.status):
        raise InterviewError("not_scheduled", problem[:1].upper() + problem[1:] + ".")
    locked.status = Interview.Status.CANCELLED
    locked.sequence += 1
    locked.save(update_fields=["status", "sequence", "updated_at"])
    round_change_email_enqueue(interview=locked, change="cancelled", by=by)
    return locked


@transaction.atomic
def interview_reschedule(
    *, interview: Interview, by: User, scheduled_at: datetime, time_zone: str
) -> Interview:
    """Move a scheduled round, or bring a cancelled one back, to a new time. Everyone in it
    gets the new time with an updated calendar file (same UID, higher SEQUENCE)."""
    locked = Interview.objects.select_for_update().get(pk=interview.pk)
    _refuse_unless_manager(locked, by)
    if problem := reschedule_problem(locked.status):
        raise InterviewError("not_scheduled", problem[:1].upper() + problem[1:] + ".")
    problems = schedule_input_problems(
        title=locked.title,
        kind=locked.kind,
        scheduled_at=scheduled_at,
        time_zone=time_zone,
        prompt={},
    )
    if problems:
        field, problem = next(iter(problems.items()))
        raise InvalidInput(field, problem)
    previous_start = locked.scheduled_at
    was_cancelled = locked.status == Interview.Status.CANCELLED
    if not was_cancelled and scheduled_at == previous_start and time_zone == locked.time_zone:
        return locked
    locked.status = Interview.Status.SCHEDULED
    locked.scheduled_at = scheduled_at
    locked.time_zone = time_zone
    locked.sequence += 1
    locked.save(update_fields=["status", "scheduled_at", "time_zone", "sequence", "updated_at"])
    round_change_email_enqueue(
        interview=locked, change="rescheduled", by=by, previous_start=previous_start
    )
    return locked


def round_change_email_enqueue(
    *,
    interview: Interview,
    change: str,
    by: User,
    changes: list[str] | None = None,
    previous_start: datetime | None = None,
) -> None:
    """Queue the update, cancellation or new-time mails once the change is committed. The
    job mails only if the round is still at this SEQUENCE: a later change mails its own."""
    from .tasks import send_round_change_emails

    interview_id, sequence = interview.pk, interview.sequence
    transaction.on_commit(
        lambda: send_round_change_emails.enqueue(
            interview_id=interview_id,
            sequence=sequence,
            change=change,
            actor_id=by.pk,
            changes=changes or [],
            previous_start=previous_start.isoformat() if previous_start else None,
        )
    )


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
