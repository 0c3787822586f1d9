"""Editing, cancelling and rescheduling a round until it starts: who may, what is kept, and
the mails with calendar files that replace the event (same UID, higher SEQUENCE)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from mockroom.interviews import services
from mockroom.interviews.agenda import template_phases
from mockroom.interviews.models import Interview, Role
from mockroom.rubrics.models import Rubric

pytestmark = pytest.mark.django_db


def ics_of(message):
    (attachment,) = [a for a in message.attachments if a[2] == "text/calendar"]
    calendar = Calendar.from_ical(attachment[1])
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def edit_fields(interview: Interview, **changes) -> dict[str, str]:
    local = interview.scheduled_at.astimezone(__import__("zoneinfo").ZoneInfo(interview.time_zone))
    fields = {
        "title": interview.title,
        "kind": interview.kind,
        "agenda_template": interview.kind,
        "agenda": "\n".join(f"{p.name}, {p.minutes}" for p in interview.phases),
        "rubric": str(interview.rubric_id or ""),
        "scheduled_at": local.strftime("%Y-%m-%dT%H:%M"),
        "time_zone": interview.time_zone,
        "prompt_text": interview.prompt_text,
        "prompt_notes": interview.prompt_notes,
        "prompt_hints": interview.prompt_hints,
        "prompt_solution": interview.prompt_solution,
        "defaults_kind": interview.kind,
        "agenda_source": interview.kind,
    }
    fields.update(changes)
    return fields


def test_editing_every_field_mails_everyone_an_update_with_the_same_uid_and_next_sequence(
    client, scheduled_round, django_capture_on_commit_callbacks
):
    interview = scheduled_round.interview
    client.force_login(scheduled_round.interviewer)
    calendar = client.get(reverse("interviews:calendar", args=[interview.public_id])).content
    first = Calendar.from_ical(calendar).walk("VEVENT")[0]
    rubric = Rubric.objects.get(is_builtin=True, slug="behavioral")
    fields = edit_fields(
        interview,
        title="Renamed round",
        kind="behavioral",
        agenda_template="behavioral",
        agenda="Stories, 30\nQuestions, 10",
        agenda_source="",
        rubric=str(rubric.pk),
        defaults_kind="behavioral",
        scheduled_at="2030-05-02T18:15",
        time_zone="Europe/Paris",
        prompt_text="Tell me about a conflict.",
        prompt_solution="NEW-SOLUTION-77",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("interviews:edit", args=[interview.public_id]), fields)
    assert response.status_code == 302, response.content.decode()[:3000]
    interview.refresh_from_db()
    assert interview.title == "Renamed round"
    assert interview.kind == "behavioral"
    assert [p.name for p in interview.phases] == ["Stories", "Questions"]
    assert interview.rubric == rubric
    assert interview.scheduled_at == datetime(2030, 5, 2, 16, 15, tzinfo=UTC)
    assert interview.time_zone == "Europe/Paris"
    assert interview.prompt_text == "Tell me about a conflict."
    assert interview.sequence == 1
    # Interviewer, candidate and observer each get one update.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "cole@example.com",
        "ivy@example.com",
        "otto@example.com",
    ]
    for message in mail.outbox:
        assert message.subject == "[MockRoom] Updated: Renamed round"
        assert "NEW-SOLUTION-77" not in message.body and "conflict" not in message.body
        assert "What changed: title, kind of round, time, time zone, agenda." in message.body
        _calendar, event = ics_of(message)
        assert str(event["uid"]) == str(first["uid"])
        assert int(event["sequence"]) == int(first["sequence"]) + 1
        assert event.decoded("dtstart") == datetime(2030, 5, 2, 16, 15, tzinfo=UTC)
        assert event.decoded("duration") == timedelta(minutes=40)
        assert "Renamed round" in str(event["summary"])
        assert "NEW-SOLUTION-77" not in str(message.attachments[0][1])


def test_update_mail_shows_the_time_in_each_recipients_zone(
    scheduled_round, django_capture_on_commit_callbacks
):
    interview = scheduled_round.interview
    scheduled_round.candidate.time_zone = "America/New_York"
    scheduled_round.candidate.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_update(
            interview=interview,
            by=scheduled_round.interviewer,
            scheduled_at=datetime(2030, 5, 1, 17, 0, tzinfo=UTC),
        )
    by_person = {m.to[0]: m.body for m in mail.outbox}
    assert "When: Wednesday 1 May 2030, 13:00 (America/New_York)" in by_person["cole@example.com"]
    assert (
        "Previously: Wednesday 1 May 2030, 12:00 (America/New_York)"
        in (by_person["cole@example.com"])
    )
    assert "When: Wednesday 1 May 2030, 17:00 (UTC)" in by_person["ivy@example.com"]


def test_a_prompt_only_change_is_saved_without_telling_the_candidate(
    scheduled_round, django_capture_on_commit_callbacks
):
    interview = scheduled_round.interview
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.interview_update(
            interview=interview, by=scheduled_round.interviewer, prompt_hints="Think queues."
        )
    assert changed == [] and mail.outbox == []
    interview.refresh_from_db()
    assert interview.prompt_hints == "Think queues." and interview.sequence == 0


def test_cancelling_sends_a_cancel_calendar_file_and_marks_the_round_cancelled(
    client, scheduled_round, django_capture_on_commit_callbacks
):
    interview = scheduled_round.interview
    client.force_login(scheduled_round.interviewer)
    confirm = client.get(reverse("interviews:cancel", args=[interview.public_id]))
    assert b"Cancel this round?" in confirm.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("interviews:cancel", args=[interview.public_id]))
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == Interview.Status.CANCELLED
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert message.subject == "[MockRoom] Cancelled: System design practice"
        calendar, event = ics_of(message)
        assert str(calendar["method"]) == "CANCEL"
        assert str(event["status"]) == "CANCELLED"
        assert str(event["uid"]) == f"{interview.public_id}@mockroom"
        assert int(event["sequence"]) == 1
    page = client.get(reverse("interviews:detail", args=[interview.public_id])).content.decode()
    assert "This round was cancelled" in page and "Enter the room" not in page
    dashboard = client.get(reverse("interviews:dashboard")).content.decode()
    assert 'id="bucket-cancelled"' in dashboard and "badge-cancelled" in dashboard


def test_a_cancelled_round_takes_nobody_in_and_cannot_be_edited(client, scheduled_round):
    interview = scheduled_round.interview
    issued = services.invitation_create(
        interview=interview, role=Role.OBSERVER, created_by=scheduled_round.interviewer
    )
    services.interview_cancel(interview=interview, by=scheduled_round.interviewer)
    client.force_login(scheduled_round.outsider)
    response = client.get(reverse("interviews:join", args=[issued.token]))
    assert response.status_code == 410 and b"This round was cancelled" in response.content
    with pytest.raises(services.InvitationRefused):
        services.invitation_accept(token=issued.token, user=scheduled_round.outsider)
    with pytest.raises(services.InterviewError, match="cancelled"):
        services.interview_update(interview=interview, by=scheduled_round.interviewer, title="Nope")
    with pytest.raises(services.InterviewError):
        services.interview_start(interview=interview)


def test_rescheduling_a_cancelled_round_brings_it_back_with_a_higher_sequence(
    client, scheduled_round, django_capture_on_commit_callbacks
):
    interview = scheduled_round.interview
    services.interview_cancel(interview=interview, by=scheduled_round.interviewer)
    client.force_login(scheduled_round.interviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("interviews:reschedule", args=[interview.public_id]),
            {"scheduled_at": "2030-06-10T10:00", "time_zone": "Europe/Berlin"},
        )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == Interview.Status.SCHEDULED
    assert interview.scheduled_at == datetime(2030, 6, 10, 8, 0, tzinfo=UTC)
    assert interview.sequence == 2
    rescheduled = [m for m in mail.outbox if m.subject.startswith("[MockRoom] Rescheduled")]
    assert len(rescheduled) == 3
    calendar, event = ics_of(rescheduled[0])
    assert str(calendar["method"]) == "PUBLISH" and str(event["status"]) == "CONFIRMED"
    assert int(event["sequence"]) == 2
    assert event.decoded("dtstart") == datetime(2030, 6, 10, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("persona", ["candidate", "observer", "outsider"])
def test_only_the_organiser_or_interviewer_may_change_a_round(client, scheduled_round, persona):
    interview = scheduled_round.interview
    user = scheduled_round.persona(persona)
    client.force_login(user)
    for name in ("edit", "cancel", "reschedule"):
        url = reverse(f"interviews:{name}", args=[interview.public_id])
        assert client.get(url).status_code == 404
        assert client.post(url, edit_fields(interview, title="Hijack")).status_code == 404
    with pytest.raises(services.InterviewError):
        services.interview_cancel(interview=interview, by=user)
    with pytest.raises(services.InterviewError):
        services.interview_update(interview=interview, by=user, title="Hijack")
    interview.refresh_from_db()
    assert interview.status == "scheduled" and interview.title == "System design practice"


def test_a_creator_who_is_the_candidate_edits_the_round_but_never_sees_the_prompt(
    client, scheduled_round
):
    ivy, cole = scheduled_round.interviewer, scheduled_round.candidate
    interview, _ = services.interview_create(
        creator=cole,
        title="Cole's round",
        kind="coding",
        creator_role=Role.CANDIDATE,
        agenda=template_phases("coding"),
        scheduled_at=datetime(2030, 5, 1, 16, 0, tzinfo=UTC),
        time_zone="UTC",
    )
    from mockroom.interviews.models import Participant

    Participant.objects.create(interview=interview, user=ivy, role=Role.INTERVIEWER)
    services.interview_update(interview=interview, by=ivy, prompt_solution="SECRET-ANSWER-5")
    client.force_login(cole)
    page = client.get(reverse("interviews:edit", args=[interview.public_id])).content.decode()
    assert "SECRET-ANSWER-5" not in page and 'name="prompt_text"' not in page
    with pytest.raises(services.InterviewError, match="interviewer sets the prompt"):
        services.interview_update(interview=interview, by=cole, prompt_solution="peek")


def test_a_started_round_cannot_be_edited_cancelled_or_rescheduled(client, scheduled_round):
    interview = services.interview_start(interview=scheduled_round.interview)
    ivy = scheduled_round.interviewer
    for attempt in (
        lambda: services.interview_update(interview=interview, by=ivy, title="Late"),
        lambda: services.interview_cancel(interview=interview, by=ivy),
        lambda: services.interview_reschedule(
            interview=interview,
            by=ivy,
            scheduled_at=datetime(2030, 1, 1, tzinfo=UTC),
            time_zone="UTC",
        ),
    ):
        with pytest.raises(services.InterviewError, match="until it starts"):
            attempt()
    client.force_login(ivy)
    page = client.get(reverse("interviews:detail", args=[interview.public_id])).content.decode()
    assert "Edit the round" not in page and "Cancel the round" not in page


def test_the_swapped_round_gets_a_prompt_from_its_new_interviewer(client, scheduled_round):
    interview = services.interview_start(interview=scheduled_round.interview)
    interview = services.interview_end(interview=interview)
    follow_up = services.interview_swap_roles(
        interview=interview,
        by=scheduled_round.candidate,
        scheduled_at=datetime(2030, 5, 2, tzinfo=UTC),
    )
    client.force_login(scheduled_round.candidate)  # the follow-up's interviewer
    detail = reverse("interviews:detail", args=[follow_up.public_id])
    assert "no prompt yet" in client.get(detail).content.decode()
    response = client.post(
        reverse("interviews:edit", args=[follow_up.public_id]),
        edit_fields(follow_up, prompt_text="Design a URL shortener."),
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.prompt_text == "Design a URL shortener."


def test_a_stale_mail_job_sends_nothing(scheduled_round, django_capture_on_commit_callbacks):
    from mockroom.interviews.tasks import send_round_change_emails

    interview = scheduled_round.interview
    services.interview_update(interview=interview, by=scheduled_round.interviewer, title="A")
    mail.outbox.clear()
    send_round_change_emails.call(
        interview_id=interview.pk,
        sequence=0,
        change="updated",
        actor_id=scheduled_round.interviewer.pk,
        changes=["title"],
    )
    assert mail.outbox == []
