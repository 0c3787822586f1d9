"""The double-blind release rule. Pure: facts and a clock in, a decision out.

Neither side sees the other's submission until both have submitted, or until the deadline
passes. Release happens once; after it, what was submitted is shown and what is missing is
marked missing. Observers' scores are theirs alone (they feed calibration)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Reason(StrEnum):
    BOTH_SUBMITTED = "both_submitted"
    DEADLINE = "deadline"


@dataclass(frozen=True)
class ReleaseFacts:
    interviewer_submitted: bool
    candidate_submitted: bool
    deadline: datetime
    released_at: datetime | None = None


def release_due(facts: ReleaseFacts, now: datetime) -> Reason | None:
    """Why the feedback should be released now, or None. Already released: None."""
    if facts.released_at is not None:
        return None
    if facts.interviewer_submitted and facts.candidate_submitted:
        return Reason.BOTH_SUBMITTED
    if now >= facts.deadline:
        return Reason.DEADLINE
    return None


def is_released(facts: ReleaseFacts, now: datetime) -> bool:
    return facts.released_at is not None or release_due(facts, now) is not None


def visible_authors(viewer_role: str, *, released: bool) -> frozenset[str]:
    """Whose submissions a participant may read: always their own; the other side's only
    after release. Observers never read the others' (and nobody reads theirs)."""
    own = frozenset({viewer_role})
    if not released or viewer_role == "observer":
        return own
    return frozenset({"interviewer", "candidate"})
