"""Background jobs for feedback. Both are safe to run twice."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.urls import reverse

from mockroom.core.clock import now
from mockroom.interviews.models import Interview, Role


@task()
def release_feedback_task(*, interview_id: int) -> bool:
    """Runs at the release deadline (and harmlessly at any other time)."""
    from .services import release_feedback

    interview = Interview.objects.filter(pk=interview_id).first()
    if interview is None:
        return False
    return release_feedback(interview=interview)


@task()
def send_release_emails(*, interview_id: int) -> int:
    """Email both sides that their feedback is ready; each person once per round."""
    from .models import Notice

    interview = Interview.objects.get(pk=interview_id)
    sent = 0
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    url = base + reverse("feedback:report", args=[interview.public_id])
    for participant in interview.participants.filter(
        role__in=[Role.INTERVIEWER, Role.CANDIDATE]
    ).select_related("user"):
        with transaction.atomic():
            # The notice row doubles as the "already emailed" marker.
            notice = (
                Notice.objects.select_for_update()
                .filter(user=participant.user, key=f"released:{interview.public_id}")
                .first()
            )
            if notice is None or notice.emailed_at is not None:
                continue
            send_mail(
                subject=f"[{settings.SITE_NAME}] Feedback is ready: {interview.title}",
                message=(
                    f"Both sides' feedback for “{interview.title}” is now visible to you.\n\n"
                    f"Read your report: {url}\n"
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[participant.user.email],
            )
            notice.emailed_at = now()
            notice.save(update_fields=["emailed_at"])
            sent += 1
    return sent
