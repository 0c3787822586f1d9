"""Background jobs for rounds. Each is idempotent or harmless to repeat."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task

from .calendar import interview_ics
from .models import Interview, Role


@task()
def send_invitation_email(*, interview_id: int, role: str, email: str, join_url: str) -> None:
    """Email a join link with the round's calendar file attached."""
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
