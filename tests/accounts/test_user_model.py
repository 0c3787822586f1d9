import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from mockroom.accounts.models import User


@pytest.mark.django_db
def test_email_is_the_login_and_is_normalized():
    user = User.objects.create_user("Bob@Example.COM", "pw-123456789")
    assert user.email == "bob@example.com"
    assert user.check_password("pw-123456789")


@pytest.mark.django_db
def test_email_is_unique(alice):
    with pytest.raises(IntegrityError):
        User.objects.create_user("alice@example.com", "another-password")


@pytest.mark.django_db
def test_name_falls_back_to_the_email_local_part():
    user = User.objects.create_user("dana@example.com", "pw-123456789")
    assert user.name == "dana"
    user.display_name = "Dana S."
    assert user.name == "Dana S."


@pytest.mark.django_db
def test_unknown_time_zone_is_rejected(alice):
    alice.time_zone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError):
        alice.full_clean(exclude=["password"])
