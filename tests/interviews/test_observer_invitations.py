"""Who brings observers in: the interviewer, or an organiser who is not the candidate.

Observers see the interviewer's side (the rubric even when it is hidden). A creator who
sits as the candidate must not be able to hand a second account of theirs that view.
"""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from mockroom.interviews.agenda import Phase
from mockroom.interviews.models import Role
from mockroom.interviews.services import (
    InterviewError,
    interview_create,
    invitation_accept,
    invitation_create,
)
from tests.interviews.conftest import make_user


@pytest.fixture
def candidate_created_round(db):
    cole = make_user("cole.creator@example.com", "Cole")
    interview, issued = interview_create(
        creator=cole,
        title="Practice",
        kind="coding",
        creator_role=Role.CANDIDATE,
        agenda=[Phase("Solve", 30)],
        scheduled_at=datetime(2030, 1, 1, tzinfo=UTC),
        time_zone="UTC",
    )
    return interview, issued, cole


def test_a_candidate_creator_gets_no_observer_link(candidate_created_round):
    _, issued, _ = candidate_created_round
    assert [i.invitation.role for i in issued] == [Role.INTERVIEWER]


def test_a_candidate_creator_cannot_issue_one_later(candidate_created_round, client):
    interview, _, cole = candidate_created_round
    with pytest.raises(InterviewError) as refused:
        invitation_create(interview=interview, role=Role.OBSERVER, created_by=cole)
    assert refused.value.code == "observers_by_interviewer"
    client.force_login(cole)
    response = client.post(
        reverse("interviews:invite", args=[interview.public_id]), {"role": "observer"}
    )
    assert response.status_code in (302, 303)
    assert not interview.invitations.filter(role=Role.OBSERVER).exists()


def test_the_interviewer_who_joins_brings_observers_in(candidate_created_round):
    interview, issued, _ = candidate_created_round
    ivy = make_user("ivy.joins@example.com", "Ivy")
    invitation_accept(token=issued[0].token, user=ivy)
    link = invitation_create(interview=interview, role=Role.OBSERVER, created_by=ivy)
    assert link.invitation.role == Role.OBSERVER


def test_an_interviewer_creator_still_gets_the_observer_link(db):
    ivy = make_user("ivy.creator@example.com", "Ivy")
    _, issued = interview_create(
        creator=ivy,
        title="Practice",
        kind="coding",
        creator_role=Role.INTERVIEWER,
        agenda=[Phase("Solve", 30)],
        scheduled_at=datetime(2030, 1, 1, tzinfo=UTC),
        time_zone="UTC",
    )
    assert {i.invitation.role for i in issued} == {Role.CANDIDATE, Role.OBSERVER}
