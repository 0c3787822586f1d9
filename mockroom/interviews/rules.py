"""Rules about rounds and invitations that need no database. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


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
