"""Rounds and invitations under hostile input: the form and the API refuse the same things,
each with a 4xx naming the field, and a failed invitation email is shown to its sender.

Also in the PostgreSQL pass, where NUL characters, long time zones and UTC offsets beyond
±15:59 reached the database and gave 500s."""

from __future__ import annotations

import json
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.tasks import TaskResultStatus
from django.urls import reverse

from mockroom.accounts.services import api_token_create
from mockroom.core.clock import now
from mockroom.interviews.forms import InviteEmailForm
from mockroom.interviews.models import Interview, Invitation, Role
from mockroom.interviews.tasks import send_invitation_email

pytestmark = pytest.mark.django_db

SOON = (now() + timedelta(days=2)).replace(microsecond=0)
HOSTILE_EMAILS = [
    "peer@example.com\r\nBcc: everyone@example.com",
    "peer@exam\nple.com",
    "Peer <peer@example.com>",
    "<script>@example.com",
    "a" * 243 + "@example.com",  # 255 characters
    "peer\x00@example.com",
]


def bearer(user) -> dict:
    _, token = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post_json(client, url: str, body: dict, user):
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(user))


def round_body(**overrides) -> dict:
    body = {"title": "Practice", "scheduled_at": SOON.isoformat(), "time_zone": "UTC"}
    body.update(overrides)
    return body


def refused_fields(response) -> set[str]:
    return {problem["field"] for problem in response.json()["errors"]}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"time_zone": ""}, "time_zone"),
        ({"time_zone": "Europe/" + "x" * 64}, "time_zone"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"scheduled_at": "9999-12-31T23:59:00+00:00"}, "scheduled_at"),
        ({"scheduled_at": "0001-01-01T00:00:00+00:00"}, "scheduled_at"),
        ({"scheduled_at": SOON.replace(tzinfo=None).isoformat() + "+16:00"}, "scheduled_at"),
        ({"scheduled_at": SOON.replace(tzinfo=None).isoformat() + "-23:59"}, "scheduled_at"),
        ({"scheduled_at": SOON.replace(tzinfo=None).isoformat()}, "scheduled_at"),
        ({"title": "Practice\x00"}, "title"),
        ({"prompt_solution": "peek\x00"}, "prompt_solution"),
        ({"agenda": [{"name": "Clarify\x00", "minutes": 5}]}, "agenda.0.name"),
        ({"agenda_template": "nonsense"}, "agenda_template"),
        ({"rubric_id": 2**63}, "rubric_id"),
    ],
)
def test_api_refuses_a_round_it_cannot_keep_and_names_the_field(
    client, scheduled_round, overrides, field
):
    before = Interview.objects.count()
    response = post_json(
        client, "/api/interviews", round_body(**overrides), scheduled_round.outsider
    )
    assert response.status_code in (400, 422), response.content
    assert field in refused_fields(response), response.json()
    assert field in response.json()["detail"]
    assert Interview.objects.count() == before


def test_api_accepts_a_round_at_the_edges_of_what_it_keeps(client, scheduled_round):
    edge = SOON.replace(tzinfo=None).isoformat() + "+15:59"
    body = round_body(scheduled_at=edge, time_zone="Pacific/Kiritimati")
    response = post_json(client, "/api/interviews", body, scheduled_round.outsider)
    assert response.status_code == 201, response.content


def test_create_form_refuses_a_round_in_year_9999_next_to_the_field(client, scheduled_round):
    client.force_login(scheduled_round.outsider)
    response = client.post(
        reverse("interviews:create"),
        {
            "title": "Far away",
            "kind": "coding",
            "my_role": "interviewer",
            "agenda_template": "coding",
            "scheduled_at": "9999-12-31T23:59",
            "time_zone": "Pacific/Kiritimati",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["scheduled_at"] == ["Can be at most five years ahead."]
    assert not scheduled_round.outsider.participations.exists()
    # …and the dashboard, which a round like that used to break for good, still renders.
    assert client.get(reverse("interviews:dashboard")).status_code == 200


def test_create_form_refuses_nul_in_any_text_field(client, scheduled_round):
    client.force_login(scheduled_round.outsider)
    fields = {
        "title": "Round",
        "kind": "coding",
        "my_role": "interviewer",
        "agenda_template": "coding",
        "scheduled_at": SOON.strftime("%Y-%m-%dT%H:%M"),
        "time_zone": "UTC",
    }
    for name in ("title", "agenda", "prompt_text", "prompt_notes", "prompt_solution"):
        response = client.post(reverse("interviews:create"), {**fields, name: "x\x00y"})
        assert response.status_code == 400, name
        assert name in response.context["form"].errors, name
    assert not scheduled_round.outsider.participations.exists()


@pytest.mark.parametrize("address", HOSTILE_EMAILS)
def test_form_and_api_refuse_the_same_invitation_addresses(client, scheduled_round, address):
    assert not InviteEmailForm({"email": address}).is_valid()
    interview = scheduled_round.interview
    before = interview.invitations.count()
    response = post_json(
        client,
        f"/api/interviews/{interview.public_id}/invitations",
        {"role": "observer", "email": address},
        scheduled_round.interviewer,
    )
    assert response.status_code in (400, 422), response.content
    assert refused_fields(response) == {"email"}
    assert interview.invitations.count() == before
    assert mail.outbox == []


def test_api_invitation_email_is_sent_and_its_delivery_recorded(
    client, scheduled_round, django_capture_on_commit_callbacks
):
    interview = scheduled_round.interview
    url = f"/api/interviews/{interview.public_id}/invitations"
    with django_capture_on_commit_callbacks(execute=True):
        created = post_json(
            client,
            url,
            {"role": "observer", "email": "peer@example.com"},
            scheduled_round.interviewer,
        )
    assert created.status_code == 201
    assert created.json()["delivery_status"] == "queued"  # as it stood when the answer left
    assert [m.to for m in mail.outbox] == [["peer@example.com"]]
    listed = client.get(url, **bearer(scheduled_round.interviewer)).json()
    mine = next(i for i in listed if i["id"] == created.json()["id"])
    assert (mine["email"], mine["delivery_status"], mine["delivery_error"]) == (
        "peer@example.com",
        "sent",
        "",
    )


@pytest.fixture
def refusing_mail_server(monkeypatch):
    """The SMTP server refuses the recipient, as a real one does for a dead address."""

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"peer@example.com": (550, b"No such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)


def test_a_failed_invitation_email_is_shown_to_its_sender(
    client, scheduled_round, refusing_mail_server, django_capture_on_commit_callbacks
):
    interview = scheduled_round.interview
    client.force_login(scheduled_round.interviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("interviews:invite", args=[interview.public_id]),
            {"role": Role.OBSERVER, "email": "peer@example.com"},
        )
    invitation = interview.invitations.get(email="peer@example.com")
    assert invitation.delivery_status == Invitation.Delivery.FAILED
    assert "SMTPRecipientsRefused" in invitation.delivery_error
    assert "No such user" in invitation.delivery_error
    page = client.get(reverse("interviews:detail", args=[interview.public_id])).content.decode()
    assert "Email failed: SMTPRecipientsRefused" in page
    listed = client.get(
        f"/api/interviews/{interview.public_id}/invitations", **bearer(scheduled_round.interviewer)
    ).json()
    failed = next(i for i in listed if i["id"] == invitation.pk)
    assert failed["delivery_status"] == "failed"
    assert "No such user" in failed["delivery_error"]


def test_the_mail_job_still_fails_for_the_operator_after_recording_the_failure(
    scheduled_round, refusing_mail_server
):
    interview = scheduled_round.interview
    invitation = interview.invitations.filter(role=Role.OBSERVER).first()
    result = send_invitation_email.enqueue(
        interview_id=interview.pk,
        role=Role.OBSERVER,
        email="peer@example.com",
        join_url="http://testserver/join/x/",
        invitation_id=invitation.pk,
    )
    assert result.status == TaskResultStatus.FAILED
    invitation.refresh_from_db()
    assert invitation.delivery_status == Invitation.Delivery.FAILED


def test_invitations_made_without_email_show_no_delivery(client, scheduled_round):
    interview = scheduled_round.interview
    listed = client.get(
        f"/api/interviews/{interview.public_id}/invitations", **bearer(scheduled_round.interviewer)
    ).json()
    assert listed and {i["delivery_status"] for i in listed} == {""}
