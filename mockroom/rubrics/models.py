"""Rubrics: criteria with an anchored scale. Rounds freeze a snapshot at start."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mockroom.core.models import BaseModel

from .schema import KIND_LABELS, KINDS


class Rubric(BaseModel):
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=40, null=True, blank=True, unique=True)
    kind = models.CharField(max_length=32, choices=[(k, KIND_LABELS[k]) for k in KINDS])
    description = models.TextField(blank=True)
    agenda = models.JSONField(default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rubrics",
    )
    is_builtin = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_builtin", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_builtin=True, owner__isnull=True)
                | Q(is_builtin=False, owner__isnull=False),
                name="builtin_rubrics_have_no_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=60)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveSmallIntegerField(default=0)
    phases = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["rubric", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "key"], name="criterion_key_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=5), name="criterion_weight_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Level(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    score = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=60)
    anchor = models.TextField()

    class Meta:
        ordering = ["criterion", "score"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "score"], name="level_score_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=10), name="level_score_1_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score} {self.label}"


class LiveScore(models.Model):
    """A score given during the round. Private to its scorer (interviewer or observer)."""

    interview = models.ForeignKey(
        "interviews.Interview", on_delete=models.CASCADE, related_name="live_scores"
    )
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    criterion_key = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "scorer", "criterion_key"], name="one_live_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_key}={self.score}"


class Note(models.Model):
    """A private note, stamped with the round's elapsed time and phase."""

    interview = models.ForeignKey(
        "interviews.Interview", on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    elapsed_ms = models.PositiveBigIntegerField(default=0)
    phase_index = models.PositiveSmallIntegerField(default=0)
    phase_name = models.CharField(max_length=60, blank=True)
    include_in_feedback = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["interview", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]
