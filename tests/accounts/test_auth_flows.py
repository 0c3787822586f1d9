import re

import pytest
from django.core import mail
from django.urls import reverse

from mockroom.accounts.models import User
from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_signup_sends_a_verification_email_and_verifying_logs_in(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "display_name": "New",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", body)
    assert link, body
    user = User.objects.get(email="new@example.com")
    assert not user.emailaddress_set.get().verified

    confirm = client.post(link.group(1))
    assert confirm.status_code == 302
    assert user.emailaddress_set.get().verified
    assert client.get(reverse("interviews:dashboard")).status_code == 200


@pytest.mark.django_db
def test_unverified_user_cannot_log_in(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "late@example.com",
            "display_name": "Late",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "late@example.com", "password": PASSWORD}
    )
    # allauth sends the user to the "verify your email" page instead of the dashboard.
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]


@pytest.mark.django_db
def test_wrong_password_gives_a_clear_error(client, alice):
    response = client.post(
        reverse("account_login"), {"login": "alice@example.com", "password": "wrong"}
    )
    assert response.status_code == 200
    assert b"not correct" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failed_logins_are_rate_limited(client, alice):
    def attempt(password: str) -> bytes:
        return client.post(
            reverse("account_login"), {"login": "alice@example.com", "password": password}
        ).content

    # The per-account limit is 5 failures in 5 minutes (LOGIN_FAILED_RATE_LIMIT).
    for _ in range(5):
        assert b"not correct" in attempt("wrong")
    assert b"Too many failed login attempts" in attempt("wrong")
    # Even the right password is refused while the limit holds.
    assert b"Too many failed login attempts" in attempt(PASSWORD)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_dashboard_shows_empty_state_for_a_new_user(client, alice):
    client.force_login(alice)
    response = client.get(reverse("interviews:dashboard"))
    assert response.status_code == 200
    assert b"No interviews yet" in response.content
    assert reverse("interviews:create").encode() in response.content


@pytest.mark.django_db
def test_dashboard_requires_login(client):
    response = client.get(reverse("interviews:dashboard"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_logout_needs_a_post(client, alice):
    client.force_login(alice)
    client.get(reverse("account_logout"))
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
