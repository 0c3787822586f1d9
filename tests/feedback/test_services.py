"""Drafts, submissions, addenda, and the idempotent release with its notifications."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from mockroom.core.clock import now
from mockroom.feedback.models import Addendum, FeedbackRound, Notice, Submission
from mockroom.feedback.services import (
    FeedbackError,
    feedback_add_addendum,
    feedback_save_draft,
    feedback_submit,
    release_feedback,
)
from mockroom.interviews.models import Participant
from mockroom.rubrics.models import Note
from tests.feedback.conftest import candidate_data, interviewer_data

pytestmark = pytest.mark.django_db


def seat(round_, persona):
    return Participant.objects.select_related("interview", "user").get(
        interview=round_.interview, user=round_.persona(persona)
    )


def test_forms_open_when_the_round_ends_with_a_48_hour_deadline(ended_round):
    feedback = FeedbackRound.objects.get(interview=ended_round.interview)
    assert feedback.deadline == ended_round.interview.ended_at + timedelta(hours=48)
    assert feedback.released_at is None


def test_no_feedback_before_the_end(scheduled_round):
    with pytest.raises(FeedbackError):
        feedback_save_draft(participant=seat(scheduled_round, "candidate"), data=candidate_data())


def test_drafts_keep_partial_answers_and_submission_needs_everything(ended_round):
    ivy = seat(ended_round, "interviewer")
    draft = feedback_save_draft(participant=ivy, data={"strengths": "so far"})
    assert draft.status == "draft" and draft.data["strengths"] == "so far"
    with pytest.raises(FeedbackError) as error:
        feedback_submit(participant=ivy, data={"strengths": "so far"})
    assert any("Score every criterion" in p for p in error.value.problems)
    assert Submission.objects.get().status == "draft"


@pytest.mark.parametrize(
    "data",
    [
        {"scores": {"astrology": {"score": 3}}},
        {"improvements": ["a", "b", "c", "d"]},
        {"recommendation": "maybe"},
        {"strengths": "x" * 4001},
        {"scores": {"communication": {"score": 11}}},
    ],
)
def test_bad_answers_are_refused_and_nothing_is_saved(ended_round, data):
    with pytest.raises(FeedbackError):
        feedback_save_draft(participant=seat(ended_round, "interviewer"), data=data)
    assert not Submission.objects.exists()


def test_only_your_own_notes_can_be_shared(ended_round):
    other = Note.objects.create(
        interview=ended_round.interview, author=ended_round.observer, text="observer's"
    )
    with pytest.raises(FeedbackError):
        feedback_save_draft(
            participant=seat(ended_round, "interviewer"), data={"shared_note_ids": [other.pk]}
        )


def test_a_submission_is_final_and_corrections_are_addenda(ended_round):
    cole = seat(ended_round, "candidate")
    feedback_submit(participant=cole, data=candidate_data())
    with pytest.raises(FeedbackError):
        feedback_save_draft(participant=cole, data=candidate_data(free_text="changed"))
    with pytest.raises(FeedbackError):
        feedback_submit(participant=cole, data=candidate_data(free_text="changed"))
    addendum = feedback_add_addendum(participant=cole, text="I meant 4 for fairness.")
    assert Submission.objects.get().data["free_text"] == "COLE-FREE-TEXT"
    assert addendum.created_at and Addendum.objects.count() == 1


def test_both_submitting_releases_once_with_one_email_and_notice_each(
    ended_round, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        feedback_submit(participant=seat(ended_round, "interviewer"), data=interviewer_data())
    assert FeedbackRound.objects.get().released_at is None and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        feedback_submit(participant=seat(ended_round, "candidate"), data=candidate_data())
    feedback = FeedbackRound.objects.get()
    assert feedback.release_reason == "both_submitted"
    # Running the release (and its email task) again changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert release_feedback(interview=ended_round.interview) is False
        assert release_feedback(interview=ended_round.interview) is False
    from mockroom.feedback.tasks import send_release_emails

    send_release_emails.call(interview_id=ended_round.interview.pk)
    assert sorted(m.to[0] for m in mail.outbox) == ["cole@example.com", "ivy@example.com"]
    assert Notice.objects.count() == 2
    assert all(n.emailed_at for n in Notice.objects.all())


def test_the_deadline_releases_what_was_submitted(ended_round, django_capture_on_commit_callbacks):
    feedback_submit(participant=seat(ended_round, "interviewer"), data=interviewer_data())
    assert release_feedback(interview=ended_round.interview) is False
    with time_machine.travel(now() + timedelta(hours=49)):
        with django_capture_on_commit_callbacks(execute=True):
            assert release_feedback(interview=ended_round.interview) is True
        assert release_feedback(interview=ended_round.interview) is False
    assert FeedbackRound.objects.get().release_reason == "deadline"
    assert len(mail.outbox) == 2


def test_the_scheduled_task_releases_at_the_deadline(ended_round):
    from mockroom.feedback.tasks import release_feedback_task

    assert release_feedback_task.call(interview_id=ended_round.interview.pk) is False
    with time_machine.travel(now() + timedelta(hours=48, seconds=1)):
        assert release_feedback_task.call(interview_id=ended_round.interview.pk) is True
        assert release_feedback_task.call(interview_id=ended_round.interview.pk) is False


def test_observer_submissions_never_trigger_release(ended_round):
    feedback_submit(
        participant=seat(ended_round, "observer"),
        data={"scores": {"communication": {"score": 2}}, "comments": "obs"},
    )
    feedback_submit(participant=seat(ended_round, "interviewer"), data=interviewer_data())
    assert FeedbackRound.objects.get().released_at is None
