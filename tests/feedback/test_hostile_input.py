"""Feedback forms and autosave under hostile input: a 400 naming the field, nothing saved,
never a 500. Also in the PostgreSQL pass, where a NUL in a draft reached jsonb."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mockroom.feedback.models import Addendum, Submission
from mockroom.feedback.services import feedback_submit
from mockroom.interviews.models import Participant
from tests.feedback.conftest import interviewer_data

pytestmark = pytest.mark.django_db


def autosave(client, round_, persona: str, fields: dict):
    client.force_login(round_.persona(persona))
    return client.post(reverse("feedback:autosave", args=[round_.interview.public_id]), fields)


@pytest.mark.parametrize(
    ("persona", "fields", "field"),
    [
        ("interviewer", {"score-communication": "²"}, "scores.communication.score"),
        ("interviewer", {"score-communication": "٣"}, "scores.communication.score"),
        ("interviewer", {"score-communication": "9" * 5000}, "scores.communication.score"),
        ("interviewer", {"share-note": "¹"}, "shared_note_ids.0"),
        ("candidate", {"self-communication": "²"}, "self_scores.communication.score"),
        ("candidate", {"rating-clarity": "³"}, "rating.clarity"),
        ("observer", {"score-communication": "½"}, "scores.communication.score"),
        ("interviewer", {"strengths": "good\x00"}, "strengths"),
        ("interviewer", {"improvement-1": "\x00"}, "improvements.0"),
        ("interviewer", {"scorecomment-communication": "a\x00b"}, "scores.communication.comment"),
        ("candidate", {"free_text": "\x00"}, "free_text"),
        ("observer", {"comments": "x\x00"}, "comments"),
    ],
)
def test_autosave_refuses_what_is_not_a_number_or_storable_text(
    client, ended_round, persona, fields, field
):
    response = autosave(client, ended_round, persona, fields)
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert any(problem.startswith(f"{field}:") for problem in problems), problems
    assert not Submission.objects.exists()


def test_the_feedback_form_shows_the_refused_field_instead_of_failing(client, ended_round):
    client.force_login(ended_round.interviewer)
    url = reverse("feedback:form", args=[ended_round.interview.public_id])
    response = client.post(url, {"action": "draft", "score-communication": "²"})
    assert response.status_code == 400
    assert b"scores.communication.score" in response.content
    assert not Submission.objects.exists()


def test_plain_digits_with_spaces_still_count(client, ended_round):
    response = autosave(client, ended_round, "interviewer", {"score-communication": " 3 "})
    assert response.status_code == 200
    assert Submission.objects.get().data["scores"]["communication"]["score"] == 3


def test_an_addendum_with_nul_is_refused_and_not_stored(client, ended_round):
    seat = Participant.objects.get(interview=ended_round.interview, user=ended_round.interviewer)
    feedback_submit(participant=seat, data=interviewer_data())
    client.force_login(ended_round.interviewer)
    response = client.post(
        reverse("feedback:addendum", args=[ended_round.interview.public_id]),
        {"text": "correction\x00"},
        follow=True,
    )
    assert response.status_code == 200
    assert b"must not contain NUL" in response.content
    assert not Addendum.objects.exists()
