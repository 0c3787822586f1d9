from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from mockroom.interviews.models import Role

pytestmark = pytest.mark.django_db


def parse_event(body: bytes):
    calendar = Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def test_ics_has_start_duration_and_join_url(client, scheduled_round):
    interview = scheduled_round.interview
    client.force_login(scheduled_round.candidate)
    response = client.get(reverse("interviews:calendar", args=[interview.public_id]))
    assert response["Content-Type"].startswith("text/calendar")
    event = parse_event(response.content)
    assert event.decoded("dtstart") == interview.scheduled_at
    assert event.decoded("duration") == timedelta(minutes=45)
    url = f"http://testserver/interviews/{interview.public_id}/"
    assert str(event.get("url")) == url
    assert url in str(event.get("description"))


def test_emailed_invitation_carries_a_calendar_file(
    client, scheduled_round, django_capture_on_commit_callbacks
):
    interview = scheduled_round.interview
    client.force_login(scheduled_round.interviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("interviews:invite", args=[interview.public_id]),
            {"role": Role.OBSERVER, "email": "peer@example.com"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["peer@example.com"]
    join = message.body.split("Join here: ")[1].split()[0]
    assert "/join/" in join
    _name, content, mimetype = message.attachments[0]
    assert mimetype == "text/calendar"
    event = parse_event(content if isinstance(content, bytes) else content.encode())
    assert event.decoded("dtstart") == interview.scheduled_at
    assert str(event.get("url")) == join


def test_bad_email_creates_no_invitation(client, scheduled_round):
    interview = scheduled_round.interview
    client.force_login(scheduled_round.interviewer)
    before = interview.invitations.count()
    response = client.post(
        reverse("interviews:invite", args=[interview.public_id]),
        {"role": Role.OBSERVER, "email": "not-an-email"},
        follow=True,
    )
    assert b"valid email" in response.content
    assert interview.invitations.count() == before
    assert mail.outbox == []
