"""Personas, built through the services as people would:

- ivy, the interviewer, who schedules the round;
- cole, the candidate, who joins by the candidate link;
- otto, an observer, who joins by the observer link;
- charlie, an outsider, who should have no access to any of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from mockroom.accounts.models import User
from mockroom.interviews.agenda import template_phases
from mockroom.interviews.models import Interview, Role
from mockroom.interviews.services import interview_create, invitation_accept
from tests.conftest import PASSWORD


@dataclass
class Round:
    interview: Interview
    interviewer: User
    candidate: User
    observer: User
    outsider: User

    def persona(self, name: str) -> User:
        return getattr(self, name)


PERSONAS = ["interviewer", "candidate", "observer", "outsider"]


def make_user(email: str, name: str) -> User:
    return User.objects.create_user(email, PASSWORD, display_name=name)


def ensure_rubric_library() -> None:
    """The data migration loads the built-in rubrics, but transactional tests flush tables
    between tests; load them again when they are gone."""
    from mockroom.rubrics.library import load_library
    from mockroom.rubrics.models import Criterion, Level, Rubric

    if not Rubric.objects.filter(is_builtin=True).exists():
        load_library(Rubric, Criterion, Level)


@pytest.fixture
def scheduled_round(db) -> Round:
    ensure_rubric_library()
    ivy = make_user("ivy@example.com", "Ivy")
    cole = make_user("cole@example.com", "Cole")
    otto = make_user("otto@example.com", "Otto")
    charlie = make_user("charlie@example.com", "Charlie")
    interview, issued = interview_create(
        creator=ivy,
        title="System design practice",
        kind="system_design",
        creator_role=Role.INTERVIEWER,
        agenda=template_phases("system_design"),
        scheduled_at=datetime(2030, 5, 1, 16, 0, tzinfo=UTC),
        time_zone="Europe/London",
        prompt_text="Design a chat service.",
        prompt_notes="PRIVATE-NOTE-7f3",
        prompt_hints="PRIVATE-HINT-91c",
        prompt_solution="PRIVATE-SOLUTION-2ab",
    )
    tokens = {item.invitation.role: item.token for item in issued}
    invitation_accept(token=tokens[Role.CANDIDATE], user=cole)
    invitation_accept(token=tokens[Role.OBSERVER], user=otto)
    return Round(interview, ivy, cole, otto, charlie)


PRIVATE_MARKERS = [b"PRIVATE-NOTE-7f3", b"PRIVATE-HINT-91c", b"PRIVATE-SOLUTION-2ab"]
