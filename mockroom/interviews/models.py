"""Rounds, the people in them, and the invitations that bring people in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from mockroom.core.models import BaseModel
from mockroom.core.tokens import new_public_id

from .agenda import Phase, validate_agenda
from .rules import InvitationFacts


class Role(models.TextChoices):
    INTERVIEWER = "interviewer", "Interviewer"
    CANDIDATE = "candidate", "Candidate"
    OBSERVER = "observer", "Observer"


SINGLE_SEAT_ROLES = (Role.INTERVIEWER, Role.CANDIDATE)


class Interview(BaseModel):
    class Kind(models.TextChoices):
        CODING = "coding", "Coding"
        SYSTEM_DESIGN = "system_design", "System design"
        ML_SYSTEM_DESIGN = "ml_system_design", "ML system design"
        LLM_APP_DESIGN = "llm_app_design", "LLM application design"
        DATA_SCIENCE = "data_science", "Data science case"
        BEHAVIORAL = "behavioral", "Behavioral"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        LIVE = "live", "Live"
        ENDED = "ended", "Ended"
        CANCELLED = "cancelled", "Cancelled"

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    title = models.CharField(max_length=120)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.CODING)
    scheduled_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC")
    agenda = models.JSONField(default=list)
    rubric = models.ForeignKey(
        "rubrics.Rubric",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interviews",
        help_text="The rubric to use; frozen into `rubric_snapshot` when the round starts.",
    )
    rubric_snapshot = models.JSONField(null=True, blank=True, editable=False)
    rubric_hidden = models.BooleanField(
        default=False, help_text="The interviewer hid the rubric from the candidate."
    )
    prompt_revealed_at = models.DateTimeField(null=True, blank=True)
    # The prompt: only prompt_text is ever shown to the candidate, and only once revealed.
    prompt_text = models.TextField(blank=True)
    prompt_notes = models.TextField(blank=True)
    prompt_hints = models.TextField(blank=True)
    prompt_solution = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_interviews"
    )
    # iCalendar SEQUENCE: grows with every change mailed to the people in the round, so
    # their calendars replace the event (same UID) rather than add another.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    follow_up_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_up"
    )

    class Meta:
        ordering = ["-scheduled_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status="scheduled", started_at__isnull=True, ended_at__isnull=True)
                    | Q(status="live", started_at__isnull=False, ended_at__isnull=True)
                    | Q(status="ended", started_at__isnull=False, ended_at__isnull=False)
                    | Q(status="cancelled", started_at__isnull=True, ended_at__isnull=True)
                ),
                name="interview_status_matches_timestamps",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="interview_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "live", "ended", "cancelled"]),
                name="interview_status_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def phases(self) -> list[Phase]:
        return validate_agenda(self.agenda)

    @property
    def planned_minutes(self) -> int:
        return sum(phase.minutes for phase in self.phases)

    @property
    def group_name(self) -> str:
        """The channel-layer group of this round's sockets."""
        return f"interview.{self.public_id}"


class Participant(BaseModel):
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        ordering = ["interview", "role", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "user"], name="one_role_per_person"),
            models.UniqueConstraint(
                fields=["interview", "role"],
                condition=Q(role__in=["interviewer", "candidate"]),
                name="one_interviewer_and_one_candidate",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["interviewer", "candidate", "observer"]),
                name="participant_role_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.role} in {self.interview}"

    @property
    def is_staff(self) -> bool:
        """Interviewer and observers: the side that sees scores, notes and the full prompt."""
        return self.role in (Role.INTERVIEWER, Role.OBSERVER)


class Invitation(BaseModel):
    class Delivery(models.TextChoices):
        """What became of the email that carries the link, so its sender can see a failure."""

        NOT_EMAILED = "", "Not emailed"
        QUEUED = "queued", "Email queued"
        SENT = "sent", "Email sent"
        FAILED = "failed", "Email failed"

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=16, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)
    email = models.EmailField(blank=True, help_text="Who it was emailed to, if anyone.")
    delivery_status = models.CharField(
        max_length=16, choices=Delivery.choices, default=Delivery.NOT_EMAILED, blank=True
    )
    delivery_error = models.CharField(
        max_length=500, blank=True, help_text="Why the last email failed, for the sender."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="observer") | Q(use_count__lte=1),
                name="seat_invitations_are_single_use",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["interviewer", "candidate", "observer"]),
                name="invitation_role_is_known",
            ),
            models.CheckConstraint(
                condition=Q(delivery_status__in=["", "queued", "sent", "failed"]),
                name="invitation_delivery_status_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} invitation to {self.interview}"

    @property
    def single_use(self) -> bool:
        return self.role != Role.OBSERVER

    def facts(self) -> InvitationFacts:
        return InvitationFacts(
            expires_at=self.expires_at,
            revoked=self.revoked_at is not None,
            single_use=self.single_use,
            use_count=self.use_count,
        )
