"""The invitation mail says who invites you, to what and when, in your own time zone, and
names the site by SITE_NAME, never by the host it runs on."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from mockroom.interviews import services
from mockroom.interviews.models import Role
from tests.interviews.conftest import make_user

pytestmark = pytest.mark.django_db


def invite(client, scheduled_round, email, capture):
    client.force_login(scheduled_round.interviewer)
    with capture(execute=True):
        response = client.post(
            reverse("interviews:invite", args=[scheduled_round.interview.public_id]),
            {"role": Role.OBSERVER, "email": email},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    return message


def test_the_mail_names_the_inviter_the_round_and_the_time_in_the_recipients_zone(
    client, scheduled_round, django_capture_on_commit_callbacks
):
    tokyo = make_user("kenji@example.com", "Kenji")
    tokyo.time_zone = "Asia/Tokyo"
    tokyo.save()
    message = invite(
        client, scheduled_round, "kenji@example.com", django_capture_on_commit_callbacks
    )
    assert message.subject == "[MockRoom] Ivy invites you: System design practice"
    body = message.body
    assert body.startswith("Ivy invites you to a System design mock interview on MockRoom")
    assert "as the observer" in body
    # 2030-05-01 16:00 UTC is 01:00 the next day in Tokyo; the round's own zone follows.
    assert "When: Thursday 2 May 2030, 01:00 (Asia/Tokyo)" in body
    assert "that is Wednesday 1 May 2030, 17:00 (Europe/London)" in body
    assert "Length: 45 minutes" in body
    assert "testserver" not in body.split("Join here:")[0]


def test_someone_without_an_account_reads_the_rounds_zone(
    client, scheduled_round, django_capture_on_commit_callbacks
):
    message = invite(client, scheduled_round, "new@example.com", django_capture_on_commit_callbacks)
    assert "When: Wednesday 1 May 2030, 17:00 (Europe/London)\n" in message.body


def test_site_name_replaces_the_host_in_mails_and_titles(
    client, scheduled_round, django_capture_on_commit_callbacks, settings
):
    settings.SITE_NAME = "Practice Hall"
    message = invite(client, scheduled_round, "new@example.com", django_capture_on_commit_callbacks)
    assert message.subject.startswith("[Practice Hall] ")
    assert "on Practice Hall" in message.body
    (attachment,) = message.attachments
    calendar = Calendar.from_ical(attachment[1])
    assert "Practice Hall" in str(calendar["prodid"])
    page = client.get(reverse("interviews:dashboard")).content.decode()
    assert "<title>Dashboard · Practice Hall</title>" in page


def test_pages_show_the_round_time_in_the_viewers_own_zone(client, scheduled_round):
    """16:00 UTC is 01:00 the next day in Tokyo: labelled Tokyo, never the round's zone."""
    cole = scheduled_round.candidate
    cole.time_zone = "Asia/Tokyo"
    cole.save()
    client.force_login(cole)
    interview = scheduled_round.interview
    page = client.get(reverse("interviews:detail", args=[interview.public_id])).content.decode()
    assert "Thu 2 May 2030, 01:00 (Asia/Tokyo)" in page
    issued = services.invitation_create(
        interview=interview, role=Role.OBSERVER, created_by=scheduled_round.interviewer
    )
    kenji = make_user("kenji@example.com", "Kenji")
    kenji.time_zone = "Asia/Tokyo"
    kenji.save()
    client.force_login(kenji)
    join = client.get(reverse("interviews:join", args=[issued.token])).content.decode()
    assert "<strong>Ivy</strong> invites you" in join
    assert "Thu 2 May 2030, 01:00 (Asia/Tokyo)" in join
