"""Live scores, private notes, the prompt and the rubric in the room: who sees what.

A candidate never receives a score, a note, a hint or a solution, whatever they send or
request; an observer never sees the interviewer's scores or notes."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from mockroom.interviews.services import interview_start
from mockroom.rubrics.models import Criterion, LiveScore, Note, Rubric
from mockroom.rubrics.schema import RubricDoc
from mockroom.rubrics.services import rubric_create, rubric_document, rubric_update
from tests.live.conftest import command, drain

SECRET_COMMENT = "SCORE-COMMENT-5d1"
SECRET_NOTE = "PRIVATE-NOTE-TEXT-c42"
HINT, SOLUTION, NOTES = "PRIVATE-HINT-91c", "PRIVATE-SOLUTION-2ab", "PRIVATE-NOTE-7f3"
CRITERION = "requirements_and_scoping"


async def start(scheduled_round):
    await sync_to_async(interview_start)(interview=scheduled_round.interview)


def leaked(frames, *markers) -> list[str]:
    text = json.dumps(frames)
    return [m for m in markers if m in text]


@pytest.mark.django_db(transaction=True)
async def test_scores_and_notes_reach_only_their_author(room, scheduled_round):
    await start(scheduled_round)
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    ivy_tab2, _ = await room(scheduled_round.interviewer, interview)
    cole, _cole_snapshot = await room(scheduled_round.candidate, interview)
    otto, _otto_snapshot = await room(scheduled_round.observer, interview)
    for ws in (ivy, ivy_tab2, cole, otto):
        await drain(ws)
    scored = await command(
        ivy, "score.set", "s1", criterion=CRITERION, score=3, comment=SECRET_COMMENT
    )
    noted = await command(ivy, "note.add", "s2", text=SECRET_NOTE)
    assert scored["type"] == noted["type"] == "ack"
    # The interviewer's other tab gets both, on the private stream.
    mine = [f for f in await drain(ivy_tab2) if f.get("type") == "event"]
    assert {f["kind"] for f in mine} == {"score.set", "note.added"}
    assert all(f["stream"] == "me" for f in mine)
    note = next(f for f in mine if f["kind"] == "note.added")["payload"]
    assert note["phase_name"] == "Clarify" and note["elapsed_ms"] >= 0
    # Nobody else receives anything: both acks are in, so a barrier on each proves it.
    assert await drain(cole) == []
    assert await drain(otto) == []
    # Nor by asking: resume from the beginning, and fresh snapshots.
    for ws, rid in ((cole, "r1"), (otto, "r2")):
        await ws.send_json_to({"type": "resume", "id": rid, "last_seq": 0})
        reply = await ws.receive_json_from(timeout=10)
        assert not leaked(reply, SECRET_COMMENT, SECRET_NOTE)
    _, cole_again = await room(scheduled_round.candidate, interview)
    _, otto_again = await room(scheduled_round.observer, interview)
    assert cole_again["scores"] == [] and cole_again["notes"] == []
    assert otto_again["scores"] == [] and otto_again["notes"] == []
    _, ivy_again = await room(scheduled_round.interviewer, interview)
    assert ivy_again["scores"] == [{"criterion": CRITERION, "score": 3, "comment": SECRET_COMMENT}]
    assert [n["text"] for n in ivy_again["notes"]] == [SECRET_NOTE]


@pytest.mark.django_db(transaction=True)
async def test_observer_scores_privately_apart_from_the_interviewer(room, scheduled_round):
    await start(scheduled_round)
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    otto, _ = await room(scheduled_round.observer, interview)
    await drain(ivy)
    await command(otto, "score.set", "o1", criterion=CRITERION, score=2, comment="observer view")
    await command(ivy, "score.set", "i1", criterion=CRITERION, score=4)
    assert not leaked(await drain(ivy), "observer view")
    scores = {s.scorer_id: s.score async for s in LiveScore.objects.filter(interview=interview)}
    assert scores == {scheduled_round.observer.pk: 2, scheduled_round.interviewer.pk: 4}


@pytest.mark.django_db(transaction=True)
async def test_candidate_gets_nothing_private_whatever_they_send(room, scheduled_round):
    await start(scheduled_round)
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await command(ivy, "score.set", "p1", criterion=CRITERION, score=1, comment=SECRET_COMMENT)
    await command(ivy, "note.add", "p2", text=SECRET_NOTE)
    cole, snapshot = await room(scheduled_round.candidate, interview)
    frames = [snapshot]
    attempts = [
        {"type": "score.set", "id": "x1", "criterion": CRITERION, "score": 4},
        {"type": "note.add", "id": "x2", "text": "mine"},
        {"type": "prompt.reveal", "id": "x3"},
        {"type": "rubric.visibility", "id": "x4", "hidden": False},
        {"type": "resume", "id": "x5", "last_seq": 0},
        {"type": "board.verify", "id": "x6", "checksum": "00000000", "count": 0},
    ]
    for attempt in attempts:
        await cole.send_json_to(attempt)
    frames += await drain(cole)
    assert not leaked(frames, SECRET_COMMENT, SECRET_NOTE, HINT, SOLUTION, NOTES)
    errors = [f["code"] for f in frames if f.get("type") == "error"]
    assert errors == ["forbidden"] * 4
    assert snapshot["prompt"] == {"revealed": False, "text": None}
    # The candidate still sees what good looks like: criteria and anchors, no scores.
    assert snapshot["rubric"]["criteria"][0]["levels"][0]["anchor"]


@pytest.mark.django_db(transaction=True)
async def test_revealing_the_prompt_shows_only_its_candidate_text(room, scheduled_round):
    await start(scheduled_round)
    interview = scheduled_round.interview
    ivy, ivy_snapshot = await room(scheduled_round.interviewer, interview)
    assert ivy_snapshot["prompt"]["solution"] == SOLUTION
    cole, _ = await room(scheduled_round.candidate, interview)
    await drain(cole)
    await command(ivy, "prompt.reveal", "v1")
    revealed = [f for f in await drain(cole) if f.get("kind") == "prompt.revealed"]
    assert revealed[0]["payload"] == {"text": "Design a chat service."}
    _, later = await room(scheduled_round.candidate, interview)
    assert later["prompt"] == {"revealed": True, "text": "Design a chat service."}
    assert not leaked(later, HINT, SOLUTION, NOTES)


@pytest.mark.django_db(transaction=True)
async def test_the_interviewer_can_hide_the_rubric_from_the_candidate(room, scheduled_round):
    await start(scheduled_round)
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    cole, _ = await room(scheduled_round.candidate, interview)
    await drain(cole)
    await command(ivy, "rubric.visibility", "h1", hidden=True)
    event = next(f for f in await drain(cole) if f.get("kind") == "rubric.visibility")
    assert event["payload"] == {"hidden": True, "rubric": None}
    _, hidden = await room(scheduled_round.candidate, interview)
    assert hidden["rubric"] is None and hidden["rubric_hidden"] is True
    _, staff = await room(scheduled_round.observer, interview)
    assert staff["rubric"] is not None
    await command(ivy, "rubric.visibility", "h2", hidden=False)
    shown = next(f for f in await drain(cole) if f.get("kind") == "rubric.visibility")
    assert shown["payload"]["rubric"]["criteria"]


@pytest.mark.django_db(transaction=True)
async def test_scores_and_notes_need_a_live_round_and_a_real_criterion(room, scheduled_round):
    ivy, _ = await room(scheduled_round.interviewer, scheduled_round.interview)
    early = await command(ivy, "score.set", "e1", criterion=CRITERION, score=3)
    assert early["code"] == "round_not_live"
    await start(scheduled_round)
    unknown = await command(ivy, "score.set", "e2", criterion="astrology", score=3)
    off_scale = await command(ivy, "score.set", "e3", criterion=CRITERION, score=9)
    assert unknown["code"] == off_scale["code"] == "invalid"
    assert not await LiveScore.objects.aexists()
    assert not await Note.objects.aexists()


@pytest.mark.django_db
def test_editing_the_template_after_start_changes_nothing_in_the_round(scheduled_round, alice):
    from tests.rubrics.test_schema_and_library import GOOD

    mine = rubric_create(owner=scheduled_round.interviewer, document=RubricDoc.model_validate(GOOD))
    interview = scheduled_round.interview
    interview.rubric = mine
    interview.save()
    interview = interview_start(interview=interview)
    frozen = json.loads(json.dumps(interview.rubric_snapshot))
    LiveScore.objects.create(
        interview=interview, scorer=scheduled_round.interviewer, criterion_key="clarity", score=2
    )
    changed = json.loads(json.dumps(GOOD))
    changed["title"] = "Pairing, rewritten"
    changed["criteria"][0]["levels"][0]["anchor"] = "A different anchor."
    rubric_update(
        rubric=mine, by=scheduled_round.interviewer, document=RubricDoc.model_validate(changed)
    )
    interview.refresh_from_db()
    assert interview.rubric_snapshot == frozen
    mine.refresh_from_db()
    assert rubric_document(mine)["title"] == "Pairing, rewritten"
    assert LiveScore.objects.get().score == 2
    # Editing a built-in template (a library refresh) doesn't reach started rounds either.
    Criterion.objects.filter(rubric__slug="system_design").update(name="Renamed")
    assert Rubric.objects.get(slug="system_design").criteria.first().name == "Renamed"
    interview.refresh_from_db()
    assert interview.rubric_snapshot == frozen


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["candidate", "observer"])
def test_pages_and_api_do_not_leak_scores_or_notes(client, scheduled_round, persona):
    interview = interview_start(interview=scheduled_round.interview)
    LiveScore.objects.create(
        interview=interview,
        scorer=scheduled_round.interviewer,
        criterion_key=CRITERION,
        score=3,
        comment=SECRET_COMMENT,
    )
    Note.objects.create(interview=interview, author=scheduled_round.interviewer, text=SECRET_NOTE)
    client.force_login(scheduled_round.persona(persona))
    pages = [
        reverse("interviews:detail", args=[interview.public_id]),
        reverse("live:room", args=[interview.public_id]),
        f"/api/interviews/{interview.public_id}",
        "/api/interviews",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert SECRET_COMMENT not in body and SECRET_NOTE not in body, url
        if persona == "candidate":
            assert HINT not in body and SOLUTION not in body, url


@pytest.mark.django_db(transaction=True)
async def test_a_candidate_resuming_from_zero_gets_no_rubric_while_it_is_hidden(
    room, scheduled_round
):
    await start(scheduled_round)
    interview = scheduled_round.interview
    ivy, _ = await room(scheduled_round.interviewer, interview)
    await command(ivy, "rubric.visibility", "v1", hidden=True)
    await command(ivy, "rubric.visibility", "v2", hidden=False)  # shown: logged with it
    await command(ivy, "rubric.visibility", "v3", hidden=True)
    cole, snapshot = await room(scheduled_round.candidate, interview)
    assert snapshot["rubric"] is None
    await cole.send_json_to({"type": "resume", "id": "r0", "last_seq": 0})
    reply = await cole.receive_json_from(timeout=10)
    while reply.get("id") != "r0":
        reply = await cole.receive_json_from(timeout=10)
    shown = [e for e in reply["events"] if e["kind"] == "rubric.visibility"]
    assert len(shown) == 3 and all(e["payload"]["rubric"] is None for e in shown)
