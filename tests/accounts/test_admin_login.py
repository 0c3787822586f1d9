"""The admin's login page is no side door around the failed-login limits: it counts in
allauth's limits, per account and per IP, and a lock on either page holds on both."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from mockroom.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "Please enter the correct email and password for a staff account."
LOCKED = "Too many failed login attempts"
EMAIL = "ada@example.com"


@pytest.fixture
def staff() -> User:
    user = User.objects.create_user(EMAIL, PASSWORD, display_name="Ada", is_staff=True)
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    return user


def admin_login(client, password: str, email: str = EMAIL) -> str:
    response = client.post(
        reverse("admin:login"), {"username": email, "password": password, "next": "/admin/"}
    )
    return response.content.decode() if response.status_code == 200 else response["Location"]


def allauth_login(client, password: str) -> str:
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": password})
    return response.content.decode() if response.status_code == 200 else response["Location"]


def test_staff_log_in_to_the_admin_with_the_right_password(client, staff):
    assert admin_login(client, PASSWORD) == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_failed_admin_logins_lock_the_account_on_both_login_pages(client, staff):
    # The per-account limit is 5 failures in 5 minutes (LOGIN_FAILED_RATE_LIMIT).
    for _ in range(5):
        assert WRONG_PASSWORD in admin_login(client, "wrong")
    assert LOCKED in admin_login(client, "wrong")
    # Even the right password is refused while the limit holds, here and on allauth's page.
    assert LOCKED in admin_login(client, PASSWORD)
    assert LOCKED in allauth_login(client, PASSWORD)
    assert "_auth_user_id" not in client.session


def test_failed_allauth_logins_lock_the_admin_login(client, staff):
    for _ in range(5):
        assert "not correct" in allauth_login(client, "wrong")
    assert LOCKED in admin_login(client, PASSWORD)
    assert "_auth_user_id" not in client.session


def test_failed_admin_logins_are_limited_per_ip_across_accounts(client, staff):
    # 10 failures a minute from one address (LOGIN_FAILED_RATE_LIMIT), whichever accounts
    # they name, so nobody sprays one password over many accounts.
    for n in range(10):
        assert WRONG_PASSWORD in admin_login(client, "wrong", email=f"guess{n}@example.com")
    assert LOCKED in admin_login(client, PASSWORD)
