"""Invite links: every way they can fail gives a clear page, never a 500."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from mockroom.interviews.models import Role
from mockroom.interviews.services import invitation_create, invitation_revoke
from tests.conftest import PASSWORD
from tests.interviews.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def observer_link(scheduled_round):
    issued = invitation_create(
        interview=scheduled_round.interview,
        role=Role.OBSERVER,
        created_by=scheduled_round.interviewer,
    )
    return issued, reverse("interviews:join", args=[issued.token])


def test_wrong_token_gives_a_clear_404(client):
    response = client.get(reverse("interviews:join", args=["nope"]))
    assert response.status_code == 404
    assert b"not valid" in response.content


def test_expired_link_explains_itself(client, scheduled_round, observer_link):
    _, url = observer_link
    client.force_login(scheduled_round.outsider)
    with time_machine.travel(datetime.now(UTC) + timedelta(days=30)):
        response = client.get(url)
    assert response.status_code == 410
    assert b"expired" in response.content


def test_revoked_link_explains_itself(client, scheduled_round, observer_link):
    issued, url = observer_link
    invitation_revoke(invitation=issued.invitation)
    client.force_login(scheduled_round.outsider)
    response = client.post(url)
    assert response.status_code == 410
    assert b"withdrawn" in response.content
    assert not scheduled_round.interview.participants.filter(user=scheduled_round.outsider).exists()


def test_used_seat_link_explains_itself(client, db):
    from tests.interviews.conftest import make_user

    ivy = make_user("ivy@example.com", "Ivy")
    cole = make_user("cole@example.com", "Cole")
    eve = make_user("eve@example.com", "Eve")
    client.force_login(ivy)
    client.post(
        reverse("interviews:create"),
        {
            "title": "R",
            "kind": "coding",
            "my_role": "interviewer",
            "agenda_template": "coding",
            "scheduled_at": "2030-06-01T09:30",
            "time_zone": "UTC",
        },
    )
    interview = ivy.participations.get().interview
    page = client.get(reverse("interviews:detail", args=[interview.public_id])).content.decode()
    candidate_url = re.search(r'data-role="candidate" type="text" readonly value="([^"]+)"', page)
    path = "/join/" + candidate_url.group(1).split("/join/")[1]
    client.force_login(cole)
    assert client.post(path).status_code == 302
    client.force_login(eve)
    response = client.get(path)
    assert response.status_code == 410
    assert b"already been used" in response.content


def test_logged_in_user_accepts_and_lands_in_the_round(client, scheduled_round, observer_link):
    _, url = observer_link
    client.force_login(scheduled_round.outsider)
    page = client.get(url)
    assert b"Join as observer" in page.content
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "interviews:detail", args=[scheduled_round.interview.public_id]
    )


def test_existing_participant_is_sent_straight_to_the_round(client, scheduled_round, observer_link):
    _, url = observer_link
    client.force_login(scheduled_round.candidate)
    response = client.get(url)
    assert response.status_code == 302


def test_logged_out_join_signs_up_verifies_and_lands_back_in_the_round(
    client, scheduled_round, observer_link
):
    _, url = observer_link
    page = client.get(url)
    assert b"Sign up to join" in page.content
    client.post(
        reverse("account_signup") + f"?next={url}",
        {
            "email": "newbie@example.com",
            "display_name": "Newbie",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": url,
        },
    )
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    confirmed = client.post(link.group(1))
    assert confirmed["Location"] == url
    joined = client.post(url)
    assert joined["Location"] == reverse(
        "interviews:detail", args=[scheduled_round.interview.public_id]
    )
    assert scheduled_round.interview.participants.filter(
        user__email="newbie@example.com", role=Role.OBSERVER
    ).exists()


def test_logged_out_join_by_login_lands_back_on_the_invitation(
    client, scheduled_round, observer_link
):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(
        user=scheduled_round.outsider, email=scheduled_round.outsider.email, verified=True
    )
    _, url = observer_link
    client.get(url)
    response = client.post(
        reverse("account_login") + f"?next={url}",
        {"login": scheduled_round.outsider.email, "password": PASSWORD, "next": url},
    )
    assert response["Location"] == url


@pytest.fixture
def ended_round_links(db):
    """A round that ran and ended, with its candidate seat link and observer link unused."""
    from mockroom.interviews.agenda import template_phases
    from mockroom.interviews.services import interview_create, interview_end, interview_start

    ivy = make_user("ivy@example.com", "Ivy")
    interview, issued = interview_create(
        creator=ivy,
        title="Finished round",
        kind="coding",
        creator_role=Role.INTERVIEWER,
        agenda=template_phases("coding"),
        scheduled_at=datetime(2030, 5, 1, 16, 0, tzinfo=UTC),
        time_zone="UTC",
    )
    interview_end(interview=interview_start(interview=interview))
    links = {item.invitation.role: reverse("interviews:join", args=[item.token]) for item in issued}
    assert set(links) == {Role.CANDIDATE, Role.OBSERVER}
    return interview, links


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.OBSERVER])
@pytest.mark.parametrize("logged_in", [True, False], ids=["logged-in", "logged-out"])
def test_a_link_to_an_ended_round_says_it_has_ended_and_offers_no_join(
    client, ended_round_links, role, logged_in
):
    _, links = ended_round_links
    if logged_in:
        client.force_login(make_user("late@example.com", "Late"))

    page = client.get(links[role])

    assert page.status_code == 410
    body = page.content.decode()
    assert "This round has ended" in body
    assert "Join as" not in body and "Sign up to join" not in body
    assert "pending_invitation" not in client.session


def test_joining_an_ended_round_by_post_is_refused_and_adds_nobody(client, ended_round_links):
    interview, links = ended_round_links
    late = make_user("late@example.com", "Late")
    client.force_login(late)

    response = client.post(links[Role.OBSERVER])

    assert response.status_code == 410
    assert b"This round has ended" in response.content
    assert not interview.participants.filter(user=late).exists()
