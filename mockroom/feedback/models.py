"""Feedback after a round: one submission per participant, addenda, the release, notices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mockroom.core.models import BaseModel


class FeedbackRound(models.Model):
    """Opened when the round ends. `released_at` is set once, by `release_feedback`."""

    interview = models.OneToOneField(
        "interviews.Interview", on_delete=models.CASCADE, primary_key=True, related_name="feedback"
    )
    deadline = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(released_at__isnull=True, release_reason="")
                | Q(released_at__isnull=False, release_reason__in=["both_submitted", "deadline"]),
                name="release_has_a_reason",
            )
        ]

    def __str__(self) -> str:
        return f"feedback for {self.interview_id}"


class Submission(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    interview = models.ForeignKey(
        "interviews.Interview", on_delete=models.CASCADE, related_name="submissions"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    data = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interview", "author"], name="one_submission_each"),
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
                name="submitted_means_timestamped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} feedback ({self.status})"


class Addendum(models.Model):
    """A correction after submitting: the submission itself never changes."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="addenda")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Notice(models.Model):
    """An in-app notice, shown on the dashboard until read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    text = models.CharField(max_length=200)
    url = models.CharField(max_length=200)
    key = models.CharField(max_length=80, help_text="Makes sending idempotent.")
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notice_per_key")]

    def __str__(self) -> str:
        return self.text
