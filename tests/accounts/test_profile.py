import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_user_updates_display_name_and_time_zone(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "Alice Liddell", "time_zone": "Europe/Berlin"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.display_name == "Alice Liddell"
    assert alice.time_zone == "Europe/Berlin"


@pytest.mark.django_db
def test_bad_time_zone_shows_an_inline_error_and_saves_nothing(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:profile"), {"display_name": "New", "time_zone": "Nowhere/Land"}
    )
    assert response.status_code == 200
    assert b"field-errors" in response.content
    alice.refresh_from_db()
    assert alice.display_name == "Alice"
    assert alice.time_zone == "UTC"


@pytest.mark.django_db
def test_profile_shows_only_the_signed_in_users_data(client, alice, charlie):
    client.force_login(charlie)
    response = client.get(reverse("accounts:profile"))
    assert b"charlie@example.com" in response.content
    assert b"alice@example.com" not in response.content
