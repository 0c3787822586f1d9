"""Every page of a round against every persona, the outsider always included."""

import pytest
from django.urls import reverse

from mockroom.interviews.models import Role
from tests.interviews.conftest import PERSONAS, PRIVATE_MARKERS

pytestmark = pytest.mark.django_db

PARTICIPANT_PAGES = ["interviews:detail", "interviews:calendar", "live:room"]


@pytest.mark.parametrize("page", PARTICIPANT_PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_round_pages_are_for_participants_only(client, scheduled_round, page, persona):
    client.force_login(scheduled_round.persona(persona))
    response = client.get(reverse(page, args=[scheduled_round.interview.public_id]))
    assert response.status_code == (404 if persona == "outsider" else 200)


def test_outsider_cannot_tell_a_real_round_from_a_missing_one(client, scheduled_round):
    client.force_login(scheduled_round.outsider)
    real = client.get(reverse("interviews:detail", args=[scheduled_round.interview.public_id]))
    fake = client.get(reverse("interviews:detail", args=["0" * 32]))
    assert real.status_code == fake.status_code == 404
    assert real.content == fake.content


def test_logged_out_visitor_is_sent_to_login(client, scheduled_round):
    response = client.get(reverse("interviews:detail", args=[scheduled_round.interview.public_id]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_round_page_lists_participants_with_roles(client, scheduled_round):
    client.force_login(scheduled_round.candidate)
    body = client.get(
        reverse("interviews:detail", args=[scheduled_round.interview.public_id])
    ).content.decode()
    assert "Ivy" in body and "Cole" in body and "Otto" in body
    assert 'data-role="interviewer"' in body and 'data-role="candidate"' in body
    assert "Clarify" in body and "Enter the room" in body


@pytest.mark.parametrize("persona", ["interviewer", "observer"])
def test_staff_see_the_whole_prompt(client, scheduled_round, persona):
    client.force_login(scheduled_round.persona(persona))
    body = client.get(reverse("interviews:detail", args=[scheduled_round.interview.public_id]))
    for marker in PRIVATE_MARKERS:
        assert marker in body.content


@pytest.mark.parametrize("page", PARTICIPANT_PAGES)
def test_candidate_never_sees_private_prompt_parts(client, scheduled_round, page):
    client.force_login(scheduled_round.candidate)
    body = client.get(reverse(page, args=[scheduled_round.interview.public_id])).content
    for marker in PRIVATE_MARKERS:
        assert marker not in body


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_organiser_creates_links(client, scheduled_round, persona):
    client.force_login(scheduled_round.persona(persona))
    before = scheduled_round.interview.invitations.count()
    response = client.post(
        reverse("interviews:invite", args=[scheduled_round.interview.public_id]),
        {"role": Role.OBSERVER},
    )
    after = scheduled_round.interview.invitations.count()
    if persona == "interviewer":
        assert response.status_code == 302 and after == before + 1
    else:
        assert response.status_code == 404 and after == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_organiser_revokes_links(client, scheduled_round, persona):
    invitation = scheduled_round.interview.invitations.filter(role=Role.OBSERVER).first()
    client.force_login(scheduled_round.persona(persona))
    response = client.post(
        reverse("interviews:revoke", args=[scheduled_round.interview.public_id, invitation.pk])
    )
    invitation.refresh_from_db()
    if persona == "interviewer":
        assert response.status_code == 302 and invitation.revoked_at is not None
    else:
        assert response.status_code == 404 and invitation.revoked_at is None


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_organiser_edits_the_agenda(client, scheduled_round, persona):
    client.force_login(scheduled_round.persona(persona))
    response = client.post(
        reverse("interviews:agenda", args=[scheduled_round.interview.public_id]),
        {"agenda": "Clarify, 10\nDesign, 30"},
    )
    scheduled_round.interview.refresh_from_db()
    if persona == "interviewer":
        assert response.status_code == 302 and scheduled_round.interview.planned_minutes == 40
    else:
        assert response.status_code == 404 and scheduled_round.interview.planned_minutes == 45


def test_bad_agenda_edit_keeps_the_old_agenda_and_says_why(client, scheduled_round):
    client.force_login(scheduled_round.interviewer)
    response = client.post(
        reverse("interviews:agenda", args=[scheduled_round.interview.public_id]),
        {"agenda": "Clarify, lots"},
        follow=True,
    )
    assert b"not a whole number" in response.content
    scheduled_round.interview.refresh_from_db()
    assert scheduled_round.interview.planned_minutes == 45


@pytest.mark.parametrize("persona", PERSONAS)
def test_swap_roles_page_action(client, scheduled_round, persona):
    from mockroom.interviews.services import interview_end, interview_start

    interview = interview_end(interview=interview_start(interview=scheduled_round.interview))
    client.force_login(scheduled_round.persona(persona))
    response = client.post(reverse("interviews:swap", args=[interview.public_id]))
    if persona in ("interviewer", "candidate"):
        assert response.status_code == 302
        assert interview.follow_up.public_id in response["Location"]
    elif persona == "observer":
        assert response.status_code == 302
        assert not hasattr(interview, "follow_up") or interview.follow_up is None
    else:
        assert response.status_code == 404


def test_create_form_schedules_a_round_and_shows_links_once(client, scheduled_round):
    client.force_login(scheduled_round.outsider)
    response = client.post(
        reverse("interviews:create"),
        {
            "title": "My practice",
            "kind": "coding",
            "my_role": "candidate",
            "agenda_template": "coding",
            "agenda": "",
            "scheduled_at": "2030-06-01T09:30",
            "time_zone": "Europe/Paris",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "/join/" in page and 'data-role="interviewer"' in page
    again = client.get(response["Location"]).content.decode()
    assert "/join/" not in again  # links are shown once
    interview = scheduled_round.outsider.participations.get().interview
    assert interview.scheduled_at.isoformat() == "2030-06-01T07:30:00+00:00"
    assert interview.planned_minutes == 45


def test_create_form_shows_field_errors_and_creates_nothing(client, scheduled_round):
    client.force_login(scheduled_round.outsider)
    response = client.post(
        reverse("interviews:create"),
        {
            "title": "",
            "kind": "coding",
            "my_role": "candidate",
            "agenda_template": "coding",
            "agenda": "Solve, x",
            "scheduled_at": "not a date",
            "time_zone": "UTC",
            "prompt_solution": "peek",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("field-errors") >= 4
    assert not scheduled_round.outsider.participations.exists()


def test_dashboard_lists_rounds_by_bucket_and_filters_by_role(client, scheduled_round):
    client.force_login(scheduled_round.candidate)
    body = client.get(reverse("interviews:dashboard")).content.decode()
    assert "System design practice" in body and "Upcoming" in body
    as_interviewer = client.get(reverse("interviews:dashboard") + "?role=interviewer")
    assert b"System design practice" not in as_interviewer.content
    assert b"No rounds in this role" in as_interviewer.content


def test_outsider_dashboard_does_not_list_other_rounds(client, scheduled_round):
    client.force_login(scheduled_round.outsider)
    body = client.get(reverse("interviews:dashboard")).content
    assert b"System design practice" not in body
    assert b"No interviews yet" in body
