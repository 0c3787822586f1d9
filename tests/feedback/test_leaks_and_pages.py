"""Nobody sees the other side's submission before release: pages, API, CSV, WebSocket.
And the pages themselves: the form, autosave, the report, progress."""

import json

import pytest
from django.urls import reverse

from mockroom.feedback.models import Submission
from mockroom.feedback.services import feedback_submit
from mockroom.interviews.models import Participant
from mockroom.rubrics.models import LiveScore, Note
from tests.feedback.conftest import KEYS, candidate_data, interviewer_data
from tests.interviews.conftest import PERSONAS

IVY_SECRETS = ["IVY-COMMENT-communication", "IVY-STRENGTH", "IVY-IMPROVE"]
COLE_SECRETS = ["COLE-SELF-communication", "COLE-FREE-TEXT"]


def seat(round_, persona):
    return Participant.objects.select_related("interview", "user").get(
        interview=round_.interview, user=round_.persona(persona)
    )


def everything_for(client, interview) -> str:
    urls = [
        reverse("feedback:report", args=[interview.public_id]),
        reverse("feedback:csv", args=[interview.public_id]),
        reverse("feedback:form", args=[interview.public_id]),
        reverse("interviews:detail", args=[interview.public_id]),
        f"/api/interviews/{interview.public_id}/report",
        f"/api/interviews/{interview.public_id}",
        reverse("feedback:progress"),
    ]
    return "".join(client.get(url, follow=True).content.decode() for url in urls)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_nothing_of_the_other_side_before_release(client, ended_round, persona):
    feedback_submit(participant=seat(ended_round, "interviewer"), data=interviewer_data())
    client.force_login(ended_round.persona(persona))
    seen = everything_for(client, ended_round.interview)
    if persona == "interviewer":
        assert "IVY-STRENGTH" in seen  # their own
    else:
        for secret in IVY_SECRETS:
            assert secret not in seen, (persona, secret)


@pytest.mark.django_db
def test_candidates_own_submission_is_hidden_from_the_interviewer_until_release(
    client, ended_round
):
    feedback_submit(participant=seat(ended_round, "candidate"), data=candidate_data())
    client.force_login(ended_round.interviewer)
    seen = everything_for(client, ended_round.interview)
    for secret in COLE_SECRETS:
        assert secret not in seen


@pytest.mark.django_db
def test_after_release_both_read_both_and_observers_read_neither(client, ended_round):
    feedback_submit(participant=seat(ended_round, "interviewer"), data=interviewer_data())
    feedback_submit(participant=seat(ended_round, "candidate"), data=candidate_data())
    for persona in ("interviewer", "candidate"):
        client.force_login(ended_round.persona(persona))
        seen = everything_for(client, ended_round.interview)
        assert all(s in seen for s in IVY_SECRETS + COLE_SECRETS), persona
    client.force_login(ended_round.observer)
    seen = everything_for(client, ended_round.interview)
    assert not any(s in seen for s in IVY_SECRETS + COLE_SECRETS)
    client.force_login(ended_round.outsider)
    assert (
        client.get(reverse("feedback:report", args=[ended_round.interview.public_id])).status_code
        == 404
    )
    assert (
        client.get(f"/api/interviews/{ended_round.interview.public_id}/report").status_code == 404
    )


@pytest.mark.django_db(transaction=True)
async def test_feedback_never_travels_over_the_websocket(room, ended_round):
    from asgiref.sync import sync_to_async

    from tests.live.conftest import drain

    await sync_to_async(feedback_submit)(
        participant=await sync_to_async(seat)(ended_round, "interviewer"), data=interviewer_data()
    )
    cole, snapshot = await room(ended_round.candidate, ended_round.interview)
    await cole.send_json_to({"type": "resume", "id": "r", "last_seq": 0})
    frames = [snapshot, *await drain(cole)]
    text = json.dumps(frames)
    assert not any(secret in text for secret in IVY_SECRETS)


@pytest.mark.django_db
def test_the_form_prefills_live_scores_and_autosaves(client, ended_round):
    LiveScore.objects.create(
        interview=ended_round.interview,
        scorer=ended_round.interviewer,
        criterion_key="communication",
        score=4,
        comment="live comment",
    )
    client.force_login(ended_round.interviewer)
    url = reverse("feedback:form", args=[ended_round.interview.public_id])
    page = client.get(url).content.decode()
    assert 'name="score-communication" value="4" checked' in page
    assert "live comment" in page
    saved = client.post(
        reverse("feedback:autosave", args=[ended_round.interview.public_id]),
        {"strengths": "drafting", "score-communication": "3"},
    )
    assert saved.status_code == 200 and "saved_at" in saved.json()
    draft = Submission.objects.get()
    assert draft.status == "draft" and draft.data["scores"]["communication"]["score"] == 3
    refused = client.post(url, {"action": "submit", "strengths": "drafting"})
    assert refused.status_code == 400 and b"Score every criterion" in refused.content


@pytest.mark.django_db
def test_submitting_through_the_form_then_reading_the_report(client, ended_round):
    note = Note.objects.create(
        interview=ended_round.interview,
        author=ended_round.interviewer,
        text="Shared note text",
        elapsed_ms=754_000,
        phase_name="Deep-dive",
    )
    client.force_login(ended_round.interviewer)
    post = {
        "action": "submit",
        "recommendation": "strong_yes",
        "strengths": "IVY-STRENGTH",
        "improvement-1": "IVY-IMPROVE",
        "share-note": [str(note.pk)],
    }
    for key in KEYS:
        post[f"score-{key}"] = "3"
        post[f"scorecomment-{key}"] = f"IVY-COMMENT-{key}"
    response = client.post(reverse("feedback:form", args=[ended_round.interview.public_id]), post)
    assert response.status_code == 302
    feedback_submit(participant=seat(ended_round, "candidate"), data=candidate_data())
    client.force_login(ended_round.candidate)
    report = client.get(reverse("feedback:report", args=[ended_round.interview.public_id]))
    body = report.content.decode()
    assert "Strong hire" in body and "Shared note text" in body and "12:34" in body
    assert 'data-chart-source="score-chart-data"' in body and 'id="score-chart-data"' in body
    assert "Solid" in body  # the level label of score 3, with its anchor
    csv_text = client.get(
        reverse("feedback:csv", args=[ended_round.interview.public_id])
    ).content.decode()
    assert csv_text.splitlines()[0].startswith("criterion,interviewer_score")
    assert len(csv_text.strip().splitlines()) == 1 + len(KEYS)


@pytest.mark.django_db
def test_csv_cells_cannot_become_spreadsheet_formulas(client, ended_round):
    data = interviewer_data()
    data["scores"]["communication"]["comment"] = '=HYPERLINK("http://evil")'
    feedback_submit(participant=seat(ended_round, "interviewer"), data=data)
    client.force_login(ended_round.interviewer)
    csv_text = client.get(
        reverse("feedback:csv", args=[ended_round.interview.public_id])
    ).content.decode()
    assert "'=HYPERLINK" in csv_text


@pytest.mark.django_db
def test_progress_shows_released_rounds_only(client, ended_round):
    client.force_login(ended_round.candidate)
    empty = client.get(reverse("feedback:progress")).content
    assert b"appear here after your first round" in empty
    feedback_submit(participant=seat(ended_round, "interviewer"), data=interviewer_data())
    feedback_submit(participant=seat(ended_round, "candidate"), data=candidate_data())
    page = client.get(reverse("feedback:progress")).content.decode()
    assert 'id="progress-score-data"' in page
    client.force_login(ended_round.interviewer)
    page = client.get(reverse("feedback:progress")).content.decode()
    assert 'id="progress-rating-data"' in page and "<td>5</td>" in page
