from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction

from mockroom.core.tokens import hash_token
from mockroom.interviews.agenda import Phase, template_phases
from mockroom.interviews.models import Interview, Participant, Role
from mockroom.interviews.services import (
    InterviewError,
    InvitationRefused,
    interview_create,
    interview_end,
    interview_start,
    interview_swap_roles,
    interview_update_agenda,
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from tests.interviews.conftest import make_user

pytestmark = pytest.mark.django_db


def test_create_puts_the_creator_in_their_seat_and_issues_links(scheduled_round):
    interview = scheduled_round.interview
    assert len(interview.public_id) == 32
    int(interview.public_id, 16)  # 128 random bits as hex, not the sequential pk
    assert interview.participants.get(role=Role.INTERVIEWER).user == scheduled_round.interviewer
    assert interview.status == Interview.Status.SCHEDULED
    assert interview.phases == template_phases("system_design")


def test_tokens_are_stored_only_as_hashes(db):
    ivy = make_user("i@example.com", "I")
    _interview, issued = interview_create(
        creator=ivy,
        title="T",
        kind="coding",
        creator_role=Role.INTERVIEWER,
        agenda=[Phase("Solve", 30)],
        scheduled_at=datetime(2030, 1, 1, tzinfo=UTC),
        time_zone="UTC",
    )
    for item in issued:
        assert item.invitation.token_hash == hash_token(item.token)
        assert item.token not in item.invitation.token_hash
    assert {i.invitation.role for i in issued} == {Role.CANDIDATE, Role.OBSERVER}


def test_candidate_creator_cannot_set_the_prompt(db):
    cole = make_user("c@example.com", "C")
    with pytest.raises(InterviewError) as error:
        interview_create(
            creator=cole,
            title="T",
            kind="coding",
            creator_role=Role.CANDIDATE,
            agenda=[Phase("Solve", 30)],
            scheduled_at=datetime(2030, 1, 1, tzinfo=UTC),
            time_zone="UTC",
            prompt_solution="peek",
        )
    assert error.value.code == "prompt_is_private"
    assert not Interview.objects.exists()


def test_database_allows_one_interviewer_and_one_candidate(scheduled_round):
    extra = make_user("x@example.com", "X")
    for role in (Role.INTERVIEWER, Role.CANDIDATE):
        with pytest.raises(IntegrityError), transaction.atomic():
            Participant.objects.create(interview=scheduled_round.interview, user=extra, role=role)
    Participant.objects.create(interview=scheduled_round.interview, user=extra, role="observer")


def test_database_refuses_a_status_without_its_timestamps(scheduled_round):
    with pytest.raises(IntegrityError), transaction.atomic():
        Interview.objects.filter(pk=scheduled_round.interview.pk).update(status="live")


def test_wrong_token_is_refused(scheduled_round):
    with pytest.raises(InvitationRefused) as error:
        invitation_accept(token="not-a-token", user=scheduled_round.outsider)
    assert error.value.state == "unknown"


def test_expired_invitation_is_refused(scheduled_round):
    issued = invitation_create(
        interview=scheduled_round.interview,
        role=Role.OBSERVER,
        created_by=scheduled_round.interviewer,
    )
    later = datetime.now(UTC) + timedelta(days=15)
    with time_machine.travel(later), pytest.raises(InvitationRefused) as error:
        invitation_accept(token=issued.token, user=scheduled_round.outsider)
    assert error.value.state == "expired"
    assert not scheduled_round.interview.participants.filter(user=scheduled_round.outsider).exists()


def test_revoked_invitation_is_refused(scheduled_round):
    issued = invitation_create(
        interview=scheduled_round.interview,
        role=Role.OBSERVER,
        created_by=scheduled_round.interviewer,
    )
    invitation_revoke(invitation=issued.invitation)
    with pytest.raises(InvitationRefused) as error:
        invitation_accept(token=issued.token, user=scheduled_round.outsider)
    assert error.value.state == "revoked"


def test_single_use_seat_link_cannot_be_reused(db):
    ivy, cole, eve = (make_user(f"{n}@example.com", n) for n in ("ivy", "cole", "eve"))
    _, issued = interview_create(
        creator=ivy,
        title="T",
        kind="coding",
        creator_role=Role.INTERVIEWER,
        agenda=[Phase("Solve", 30)],
        scheduled_at=datetime(2030, 1, 1, tzinfo=UTC),
        time_zone="UTC",
    )
    candidate_token = next(i.token for i in issued if i.invitation.role == Role.CANDIDATE)
    invitation_accept(token=candidate_token, user=cole)
    with pytest.raises(InvitationRefused) as error:
        invitation_accept(token=candidate_token, user=eve)
    assert error.value.state == "used"


def test_joining_twice_returns_the_same_seat_without_using_the_link(scheduled_round):
    issued = invitation_create(
        interview=scheduled_round.interview,
        role=Role.OBSERVER,
        created_by=scheduled_round.interviewer,
    )
    seat = invitation_accept(token=issued.token, user=scheduled_round.candidate)
    assert seat.role == Role.CANDIDATE
    issued.invitation.refresh_from_db()
    assert issued.invitation.use_count == 0


def test_observer_link_admits_many(scheduled_round):
    issued = invitation_create(
        interview=scheduled_round.interview,
        role=Role.OBSERVER,
        created_by=scheduled_round.interviewer,
    )
    for n in range(3):
        invitation_accept(token=issued.token, user=make_user(f"o{n}@example.com", f"O{n}"))
    issued.invitation.refresh_from_db()
    assert issued.invitation.use_count == 3


def test_new_seat_link_withdraws_the_old_unused_one(db):
    ivy = make_user("ivy@example.com", "Ivy")
    interview, issued = interview_create(
        creator=ivy,
        title="T",
        kind="coding",
        creator_role=Role.INTERVIEWER,
        agenda=[Phase("Solve", 30)],
        scheduled_at=datetime(2030, 1, 1, tzinfo=UTC),
        time_zone="UTC",
    )
    old = next(i for i in issued if i.invitation.role == Role.CANDIDATE)
    new = invitation_create(interview=interview, role=Role.CANDIDATE, created_by=ivy)
    with pytest.raises(InvitationRefused):
        invitation_accept(token=old.token, user=make_user("a@example.com", "A"))
    invitation_accept(token=new.token, user=make_user("b@example.com", "B"))


def test_no_seat_link_once_the_seat_is_taken(scheduled_round):
    with pytest.raises(InterviewError) as error:
        invitation_create(
            interview=scheduled_round.interview,
            role=Role.CANDIDATE,
            created_by=scheduled_round.interviewer,
        )
    assert error.value.code == "seat_taken"


def test_lifecycle_goes_scheduled_live_ended_and_never_back(scheduled_round):
    interview = interview_start(interview=scheduled_round.interview)
    assert interview.status == "live" and interview.started_at is not None
    assert interview.rubric_snapshot["kind"] == "system_design"
    assert interview.rubric_snapshot["criteria"]
    with pytest.raises(InterviewError):
        interview_start(interview=interview)
    with pytest.raises(InterviewError):
        interview_update_agenda(interview=interview, agenda=[Phase("X", 5)])
    interview = interview_end(interview=interview)
    assert interview.status == "ended" and interview.ended_at >= interview.started_at
    with pytest.raises(InterviewError):
        interview_end(interview=interview)


def test_agenda_is_editable_before_start(scheduled_round):
    updated = interview_update_agenda(
        interview=scheduled_round.interview, agenda=[Phase("Clarify", 10), Phase("Design", 30)]
    )
    assert updated.planned_minutes == 40


def test_swap_roles_reverses_the_seats_once(scheduled_round):
    interview = interview_end(interview=interview_start(interview=scheduled_round.interview))
    when = datetime(2030, 5, 2, tzinfo=UTC)
    follow_up = interview_swap_roles(
        interview=interview, by=scheduled_round.candidate, scheduled_at=when
    )
    assert follow_up.follow_up_of == interview
    assert follow_up.participants.get(role=Role.INTERVIEWER).user == scheduled_round.candidate
    assert follow_up.participants.get(role=Role.CANDIDATE).user == scheduled_round.interviewer
    assert not follow_up.participants.filter(role=Role.OBSERVER).exists()
    again = interview_swap_roles(
        interview=interview, by=scheduled_round.interviewer, scheduled_at=when
    )
    assert again == follow_up


def test_swap_roles_needs_an_ended_round_and_a_seat(scheduled_round):
    with pytest.raises(InterviewError):
        interview_swap_roles(
            interview=scheduled_round.interview,
            by=scheduled_round.interviewer,
            scheduled_at=datetime(2030, 5, 2, tzinfo=UTC),
        )
    interview = interview_end(interview=interview_start(interview=scheduled_round.interview))
    for persona in (scheduled_round.observer, scheduled_round.outsider):
        with pytest.raises(InterviewError):
            interview_swap_roles(
                interview=interview, by=persona, scheduled_at=datetime(2030, 5, 2, tzinfo=UTC)
            )
