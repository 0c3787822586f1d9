"""Rules about rounds and invitations that need no database. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# How far from now a round may be scheduled. Beyond this a date is a typo or an attack, and
# dates near datetime.max overflow the moment they are shown in a zone east of UTC.
SCHEDULE_PAST_LIMIT = timedelta(days=365)
SCHEDULE_FUTURE_LIMIT = timedelta(days=5 * 365)


class InvitationState(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED = "used"


@dataclass(frozen=True)
class InvitationFacts:
    expires_at: datetime
    revoked: bool
    single_use: bool
    use_count: int


def invitation_state(facts: InvitationFacts, now: datetime) -> InvitationState:
    """Revoked beats used beats expired: the most deliberate reason is the one we show."""
    if facts.revoked:
        return InvitationState.REVOKED
    if facts.single_use and facts.use_count >= 1:
        return InvitationState.USED
    if now >= facts.expires_at:
        return InvitationState.EXPIRED
    return InvitationState.VALID


def schedule_problem(scheduled_at: datetime, now: datetime) -> str | None:
    """Why a round can't be scheduled at this time, or None. `scheduled_at` must be aware.

    Compared as differences from `now`, which never builds a datetime beyond year 9999."""
    if scheduled_at.utcoffset() is None:
        return "needs a UTC offset"
    ahead = scheduled_at - now
    if ahead < -SCHEDULE_PAST_LIMIT:
        return "can be at most a year in the past"
    if ahead > SCHEDULE_FUTURE_LIMIT:
        return "can be at most five years ahead"
    return None


def change_problem(status: str) -> str | None:
    """Why a round in this status can't be edited or cancelled, or None. A round can be
    changed until it starts; a cancelled one can only be rescheduled."""
    if status == "scheduled":
        return None
    if status == "cancelled":
        return "this round was cancelled; reschedule it to change it"
    return "a round can be changed only until it starts"


def reschedule_problem(status: str) -> str | None:
    """Why a round in this status can't be rescheduled (scheduled or cancelled may be)."""
    if status in ("scheduled", "cancelled"):
        return None
    return "a round can be rescheduled only until it starts"


INVITATION_EXPLANATIONS = {
    InvitationState.EXPIRED: (
        "This invitation has expired",
        "Invitation links stop working after a while. Ask the person who invited you "
        "for a new link.",
    ),
    InvitationState.REVOKED: (
        "This invitation was withdrawn",
        "The organiser revoked this link. If you still mean to join, ask them for a new one.",
    ),
    InvitationState.USED: (
        "This invitation has already been used",
        "Interviewer and candidate links work once. If that wasn't you, ask the organiser "
        "for a new link.",
    ),
}
