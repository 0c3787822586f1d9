"""Background jobs for rounds. Each is idempotent or harmless to repeat."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.urls import reverse

from mockroom.accounts.models import User

from .calendar import CANCEL, PUBLISH, interview_ics
from .models import Interview, Invitation, Role


def format_when(moment: datetime, zone: str) -> str:
    """'Monday 4 March 2030, 15:30 (Europe/Paris)': a time as a person in `zone` reads it."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M} ({zone})"


def zone_of(email: str, fallback: str) -> str:
    """The time zone of the account with this address, or `fallback` (the round's)."""
    user = User.objects.filter(email__iexact=email).only("time_zone").first()
    return (user.time_zone if user is not None and user.time_zone else "") or fallback


def _kind_phrase(interview: Interview) -> str:
    kind = interview.get_kind_display()
    return f"a {kind} mock interview" if kind != "Other" else "a mock interview"


@task()
def send_invitation_email(
    *, interview_id: int, role: str, email: str, join_url: str, invitation_id: int | None = None
) -> None:
    """Email a join link with the round's calendar file attached.

    The outcome is recorded on the invitation (`delivery_status`), where the sender sees it
    on the round page and in the API. A failure is recorded and then raised again, so the
    task backend also marks the job failed and logs its traceback for the operator; the job
    is not retried by itself (the sender can issue a new link instead)."""
    from .services import invitation_record_delivery

    try:
        _send_invitation_email(interview_id, role, email, join_url, invitation_id)
    except Exception as error:
        if invitation_id is not None:
            invitation_record_delivery(invitation_id=invitation_id, error=error)
        raise
    if invitation_id is not None:
        invitation_record_delivery(invitation_id=invitation_id, error=None)


def _send_invitation_email(
    interview_id: int, role: str, email: str, join_url: str, invitation_id: int | None
) -> None:
    interview = Interview.objects.select_related("created_by").get(pk=interview_id)
    inviter = interview.created_by
    if invitation_id is not None:
        invitation = Invitation.objects.select_related("created_by").filter(pk=invitation_id)
        if (found := invitation.first()) is not None:
            inviter = found.created_by
    site = settings.SITE_NAME
    label = Role(role).label
    zone = zone_of(email, interview.time_zone)
    when = format_when(interview.scheduled_at, zone)
    if zone != interview.time_zone:
        when += f"; that is {format_when(interview.scheduled_at, interview.time_zone)}"
    body = (
        f"{inviter.name} invites you to {_kind_phrase(interview)} on {site}, "
        f"as the {label.lower()}.\n\n"
        f"Round: {interview.title}\n"
        f"When: {when}\n"
        f"Length: {interview.planned_minutes} minutes\n\n"
        f"Join here: {join_url}\n\n"
        "The attached calendar file adds it to your calendar.\n"
    )
    message = EmailMessage(
        subject=f"[{site}] {inviter.name} invites you: {interview.title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
    )
    message.attach(
        "mockroom-interview.ics",
        interview_ics(interview, join_url=join_url, role_label=label),
        "text/calendar",
    )
    message.send()


def round_recipients(interview: Interview) -> list[tuple[str, str, str]]:
    """(email, role, time zone) of everyone to tell about a change: the participants, and
    whoever was emailed a link they have not used yet. One mail per address."""
    from mockroom.core.clock import now

    from .rules import InvitationState, invitation_state

    seen: set[str] = set()
    recipients = []
    for participant in interview.participants.select_related("user").order_by("pk"):
        user = participant.user
        if user.email.lower() not in seen:
            seen.add(user.email.lower())
            recipients.append((user.email, participant.role, user.time_zone or "UTC"))
    for invitation in interview.invitations.exclude(email="").order_by("pk"):
        if invitation.email.lower() in seen:
            continue
        if invitation_state(invitation.facts(), now()) is not InvitationState.VALID:
            continue
        seen.add(invitation.email.lower())
        recipients.append(
            (invitation.email, invitation.role, zone_of(invitation.email, interview.time_zone))
        )
    return recipients


@task()
def send_round_change_emails(
    *,
    interview_id: int,
    sequence: int,
    change: str,
    actor_id: int,
    changes: list[str],
    previous_start: str | None = None,
) -> None:
    """Tell everyone in a round that it was updated, cancelled or rescheduled, each with the
    calendar file that replaces their event (same UID, this SEQUENCE). A job for an older
    SEQUENCE does nothing: the newer change mails the current state itself."""
    interview = Interview.objects.select_related("created_by").get(pk=interview_id)
    if interview.sequence != sequence:
        return
    actor = User.objects.get(pk=actor_id)
    site = settings.SITE_NAME
    page = settings.SITE_URL.rstrip("/") + reverse("interviews:detail", args=[interview.public_id])
    was = datetime.fromisoformat(previous_start) if previous_start else None
    for email, role, zone in round_recipients(interview):
        participant = interview.participants.filter(user__email__iexact=email).exists()
        link = page if participant else "the link in your invitation"
        when = format_when(interview.scheduled_at, zone)
        if change == "cancelled":
            subject = f"[{site}] Cancelled: {interview.title}"
            lines = [
                f"{actor.name} cancelled {_kind_phrase(interview)} on {site}:",
                "",
                f"Round: {interview.title}",
                f"Was: {when}",
                "",
                "The attached calendar file removes it from your calendar.",
            ]
        else:
            verb = "moved" if change == "rescheduled" else "changed"
            subject = f"[{site}] {change.capitalize()}: {interview.title}"
            lines = [f"{actor.name} {verb} {_kind_phrase(interview)} on {site}."]
            if changes:
                lines.append(f"What changed: {', '.join(changes)}.")
            lines += [
                "",
                f"Round: {interview.title}",
                f"When: {when}",
            ]
            if was is not None and was != interview.scheduled_at:
                lines.append(f"Previously: {format_when(was, zone)}")
            lines += [
                f"Length: {interview.planned_minutes} minutes",
                "",
                f"Open the round: {link}",
                "",
                "The attached calendar file updates the event in your calendar.",
            ]
        message = EmailMessage(
            subject=subject,
            body="\n".join(lines) + "\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
        )
        message.attach(
            "mockroom-interview.ics",
            interview_ics(
                interview,
                join_url=page,
                role_label=Role(role).label,
                method=CANCEL if change == "cancelled" else PUBLISH,
            ),
            "text/calendar",
        )
        message.send()
