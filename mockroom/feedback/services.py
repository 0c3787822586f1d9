"""Writes to feedback: drafts, submissions, addenda, and the one idempotent release."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from pydantic import ValidationError

from mockroom.core.clock import now
from mockroom.interviews.models import Interview, Participant, Role

from .models import Addendum, FeedbackRound, Notice, Submission
from .release import ReleaseFacts, release_due
from .schema import MODELS, completeness_problems


class FeedbackError(Exception):
    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


def criteria_keys(interview: Interview) -> list[str]:
    from mockroom.rubrics.live import round_rubric

    rubric = round_rubric(interview) or {"criteria": []}
    return [c["key"] for c in rubric["criteria"]]


@transaction.atomic
def feedback_open(*, interview: Interview) -> FeedbackRound:
    """Open the forms when a round ends, and schedule the release at the deadline."""
    ended = interview.ended_at or now()
    round_, created = FeedbackRound.objects.get_or_create(
        interview=interview,
        defaults={"deadline": ended + timedelta(hours=settings.FEEDBACK_RELEASE_HOURS)},
    )
    if created:
        from .tasks import release_feedback_task

        deadline = round_.deadline
        # The database backend runs it at the deadline; a backend that can't defer (the
        # immediate one in tests) leaves it to the lazy release on read.
        if release_feedback_task.get_backend().supports_defer:
            transaction.on_commit(
                lambda: release_feedback_task.using(run_after=deadline).enqueue(
                    interview_id=interview.pk
                )
            )
    return round_


def _round(interview: Interview) -> FeedbackRound:
    if interview.status != Interview.Status.ENDED:
        raise FeedbackError("Feedback opens when the round ends.")
    return feedback_open(interview=interview)


def _validate(role: str, data: dict[str, Any]):
    try:
        return MODELS[role].model_validate(data)
    except ValidationError as error:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
        raise FeedbackError("Some answers are not valid; nothing was saved.", problems) from None


def _check_references(participant: Participant, parsed: Any) -> None:
    keys = set(criteria_keys(participant.interview))
    scores = getattr(parsed, "scores", None) or getattr(parsed, "self_scores", None) or {}
    unknown = set(scores) - keys
    if unknown:
        raise FeedbackError("Some scores are for criteria this round doesn't have.")
    note_ids = getattr(parsed, "shared_note_ids", [])
    if note_ids:
        from mockroom.rubrics.models import Note

        own = set(
            Note.objects.filter(
                interview=participant.interview, author=participant.user, pk__in=note_ids
            ).values_list("pk", flat=True)
        )
        if own != set(note_ids):
            raise FeedbackError("You can only share your own notes from this round.")


@transaction.atomic
def feedback_save_draft(*, participant: Participant, data: dict[str, Any]) -> Submission:
    """Autosave: keep what was typed. Refused once submitted (use an addendum)."""
    _round(participant.interview)
    parsed = _validate(participant.role, data)
    _check_references(participant, parsed)
    submission, _ = Submission.objects.select_for_update().get_or_create(
        interview=participant.interview,
        author=participant.user,
        defaults={"role": participant.role},
    )
    if submission.status == Submission.Status.SUBMITTED:
        raise FeedbackError("Your feedback is already submitted; add an addendum instead.")
    submission.data = parsed.model_dump()
    submission.save(update_fields=["data", "updated_at"])
    return submission


@transaction.atomic
def feedback_submit(*, participant: Participant, data: dict[str, Any]) -> Submission:
    """Submit: final from now on. Releases at once if the other side already submitted."""
    round_ = _round(participant.interview)
    parsed = _validate(participant.role, data)
    _check_references(participant, parsed)
    problems = completeness_problems(participant.role, parsed, criteria_keys(participant.interview))
    if problems:
        raise FeedbackError("A few answers are missing.", problems)
    submission, _ = Submission.objects.select_for_update().get_or_create(
        interview=participant.interview,
        author=participant.user,
        defaults={"role": participant.role},
    )
    if submission.status == Submission.Status.SUBMITTED:
        raise FeedbackError("Your feedback is already submitted; add an addendum instead.")
    submission.data = parsed.model_dump()
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = now()
    submission.save()
    if participant.role != Role.OBSERVER:
        release_feedback(interview=participant.interview, round_=round_)
    return submission


@transaction.atomic
def feedback_add_addendum(*, participant: Participant, text: str) -> Addendum:
    submission = Submission.objects.filter(
        interview=participant.interview, author=participant.user, status="submitted"
    ).first()
    if submission is None:
        raise FeedbackError("Submit your feedback first; then you can add a correction.")
    text = text.strip()
    if not text or len(text) > 4000:
        raise FeedbackError("An addendum needs 1 to 4000 characters.")
    if "\x00" in text:
        raise FeedbackError("An addendum must not contain NUL characters.")
    return Addendum.objects.create(submission=submission, text=text)


def release_facts(round_: FeedbackRound) -> ReleaseFacts:
    submitted = set(
        Submission.objects.filter(
            interview_id=round_.interview_id, status=Submission.Status.SUBMITTED
        ).values_list("role", flat=True)
    )
    return ReleaseFacts(
        interviewer_submitted=Role.INTERVIEWER in submitted,
        candidate_submitted=Role.CANDIDATE in submitted,
        deadline=round_.deadline,
        released_at=round_.released_at,
    )


@transaction.atomic
def release_feedback(*, interview: Interview, round_: FeedbackRound | None = None) -> bool:
    """Release if the rule says so. Idempotent: returns True only for the call that
    released, and only that call notifies (one email and one notice per person)."""
    if interview.status != Interview.Status.ENDED:
        return False
    feedback_open(interview=interview)
    locked = FeedbackRound.objects.select_for_update().get(interview=interview)
    reason = release_due(release_facts(locked), now())
    if reason is None:
        return False
    locked.released_at = now()
    locked.release_reason = reason
    locked.save(update_fields=["released_at", "release_reason"])
    url = reverse("feedback:report", args=[interview.public_id])
    people = interview.participants.filter(role__in=[Role.INTERVIEWER, Role.CANDIDATE])
    for participant in people.select_related("user"):
        try:
            with transaction.atomic():
                Notice.objects.create(
                    user=participant.user,
                    text=f"Feedback for “{interview.title}” is ready.",
                    url=url,
                    key=f"released:{interview.public_id}",
                )
        except IntegrityError:
            continue
    from .tasks import send_release_emails

    transaction.on_commit(lambda: send_release_emails.enqueue(interview_id=interview.pk))
    return True


def release_if_due(interview: Interview) -> bool:
    """The lazy path: reading a report releases it when it is due."""
    if interview.status != Interview.Status.ENDED:
        return False
    return release_feedback(interview=interview)
