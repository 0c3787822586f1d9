"""Background jobs for rounds. Each is idempotent or harmless to repeat."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task

from .calendar import interview_ics
from .models import Interview, Role


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
        _send_invitation_email(interview_id, role, email, join_url)
    except Exception as error:
        if invitation_id is not None:
            invitation_record_delivery(invitation_id=invitation_id, error=error)
        raise
    if invitation_id is not None:
        invitation_record_delivery(invitation_id=invitation_id, error=None)


def _send_invitation_email(interview_id: int, role: str, email: str, join_url: str) -> None:
    interview = Interview.objects.get(pk=interview_id)
    label = Role(role).label
    local = interview.scheduled_at.astimezone(ZoneInfo(interview.time_zone))
    body = (
        f"You're invited to a mock interview on MockRoom as the {label.lower()}.\n\n"
        f"Round: {interview.title}\n"
        f"When: {local:%A %d %B %Y, %H:%M} ({interview.time_zone}), "
        f"{interview.planned_minutes} minutes\n\n"
        f"Join here: {join_url}\n\n"
        "The attached calendar file adds it to your calendar.\n"
    )
    message = EmailMessage(
        subject=f"[MockRoom] Invitation: {interview.title}",
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
