"""Signup refuses an address longer than its column instead of cutting it to another one."""

import pytest

from mockroom.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "x-Very-long-pass-123"


def signup(client, email: str):
    return client.post(
        "/accounts/signup/",
        {"email": email, "display_name": "Sig", "password1": PASSWORD, "password2": PASSWORD},
    )


def test_an_address_longer_than_254_characters_is_refused_not_cut(client):
    email = "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "com"  # 312 characters, valid otherwise
    response = signup(client, email)
    assert response.status_code == 200
    assert b"at most 254 characters" in response.content
    assert not User.objects.exists()


def test_an_address_of_254_characters_signs_up(client):
    email = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com"
    assert signup(client, email).status_code == 302
    assert User.objects.get().email == email
