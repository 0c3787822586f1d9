"""The room's runtime state: the append-only event log, the materialized state, presence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mockroom.core.clock import now
from mockroom.interviews.models import Interview


class Audience(models.TextChoices):
    ALL = "all", "Everyone in the room"
    AUTHOR = "author", "Only the author"


class RoomState(models.Model):
    """One row per round: the last `seq`, each stream's head, and the timer. Appending an
    event locks this row, which is what keeps `seq` gap-free."""

    interview = models.OneToOneField(
        Interview, on_delete=models.CASCADE, primary_key=True, related_name="room_state"
    )
    seq = models.PositiveBigIntegerField(default=0)
    stream_heads = models.JSONField(default=dict)
    timer = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"room state of {self.interview_id} at seq {self.seq}"


class RoomEvent(models.Model):
    """An entry of the event log. Never updated or deleted while the round exists."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    prev = models.PositiveBigIntegerField(help_text="Previous seq in the same stream.")
    kind = models.CharField(max_length=40)
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.ALL)
    audience_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_role = models.CharField(max_length=16, blank=True)
    payload = models.JSONField(default=dict)
    client_msg_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 - NULL: no id, so outside the unique constraint
    created_at = models.DateTimeField(default=now, db_index=True)

    class Meta:
        ordering = ["interview", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "seq"], name="event_seq_unique_per_round"),
            models.UniqueConstraint(
                fields=["interview", "actor", "client_msg_id"],
                condition=Q(client_msg_id__isnull=False),
                name="client_message_applied_once",
            ),
            models.CheckConstraint(
                condition=Q(audience__in=["all", "author"]), name="event_audience_known"
            ),
            models.CheckConstraint(
                condition=(
                    Q(audience="author", audience_user__isnull=False)
                    | (~Q(audience="author") & Q(audience_user__isnull=True))
                ),
                name="author_events_name_their_author",
            ),
            models.CheckConstraint(condition=Q(prev__lt=models.F("seq")), name="prev_before_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"


class Presence(models.Model):
    """One open connection. Rows are refreshed by a heartbeat; rows whose process died stop
    being refreshed and are swept after PRESENCE_TTL_SECONDS."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="presence")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=16)
    channel_name = models.CharField(max_length=200, unique=True)
    # The browser tab the connection comes from (the client's `?tab=`), so that a tab that
    # reconnects while its dead socket is still registered counts once. Without one, the
    # connection is its own tab.
    tab = models.CharField(max_length=200, default="")
    connected_at = models.DateTimeField(default=now)
    last_seen = models.DateTimeField(default=now, db_index=True)

    def __str__(self) -> str:
        return f"{self.user_id} in {self.interview_id} via {self.channel_name}"
