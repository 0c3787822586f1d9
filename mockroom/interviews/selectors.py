"""Reads of rounds, always from the point of view of one user."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from mockroom.accounts.models import User

from .models import Interview, Participant

BUCKETS = ("live", "upcoming", "past", "cancelled")


def interviews_for_user(user: User, *, role: str | None = None) -> QuerySet[Interview]:
    """Rounds the user takes part in, optionally only those in one role."""
    participations = Participant.objects.filter(user=user)
    if role:
        participations = participations.filter(role=role)
    return (
        Interview.objects.filter(pk__in=participations.values("interview"))
        .prefetch_related("participants__user")
        .order_by("scheduled_at")
    )


def dashboard_buckets(user: User, *, role: str | None = None) -> dict[str, list[Interview]]:
    buckets: dict[str, list[Interview]] = {name: [] for name in BUCKETS}
    for interview in interviews_for_user(user, role=role):
        if interview.status == Interview.Status.LIVE:
            buckets["live"].append(interview)
        elif interview.status == Interview.Status.SCHEDULED:
            buckets["upcoming"].append(interview)
        elif interview.status == Interview.Status.CANCELLED:
            buckets["cancelled"].append(interview)
        else:
            buckets["past"].append(interview)
    buckets["past"].reverse()  # most recent first
    return buckets


def participation_or_404(public_id: str, user: User) -> Participant:
    """The user's seat in a round. Anyone else gets the same 404 as for a round that
    doesn't exist, so nothing leaks about which rounds exist."""
    if not user.is_authenticated:
        raise Http404("No such round.")
    participant = (
        Participant.objects.select_related("interview", "user")
        .filter(interview__public_id=public_id, user=user)
        .first()
    )
    if participant is None:
        raise Http404("No such round.")
    return participant


def role_of(user: User, interview: Interview) -> str | None:
    return (
        Participant.objects.filter(interview=interview, user=user)
        .values_list("role", flat=True)
        .first()
    )
