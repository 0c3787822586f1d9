"""Rounds created in a loop: a per-user allowance, shared by the API and the form, refused
with 429 and Retry-After once spent, without touching anyone else's.

Time stands still (time_machine) so that no window ends in the middle of a loop.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from mockroom.accounts.services import api_token_create
from mockroom.interviews.models import Interview
from tests.interviews.conftest import ensure_rubric_library, make_user
from tests.interviews.test_round_form import fresh_form

pytestmark = pytest.mark.django_db

# Five seconds into a minute and an hour: a window ends 55 s (burst) or 3595 s (hour) later.
MOMENT = datetime(2029, 3, 4, 10, 0, 5, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def hourly_five(settings):
    settings.ROUND_CREATES_PER_HOUR = 5
    settings.ROUND_CREATE_BURST = 0  # the minute's window off: only the hour counts


@pytest.fixture
def ivy(db):
    ensure_rubric_library()
    return make_user("ivy@example.com", "Ivy")


@pytest.fixture
def bob(db):
    return make_user("bob@example.com", "Bob")


def bearer(user) -> dict[str, str]:
    _, token = api_token_create(user=user, name="loop")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def create_by_api(client, headers, n: int, **overrides):
    body = {"title": f"Loop round {n}", "scheduled_at": "2029-06-01T09:00:00+00:00"}
    return client.post(
        "/api/interviews",
        json.dumps({**body, **overrides}),
        content_type="application/json",
        **headers,
    )


def created_by(user) -> int:
    return Interview.objects.filter(created_by=user).count()


def test_creating_rounds_in_a_loop_through_the_api_stops_at_the_limit(
    client, ivy, frozen, hourly_five
):
    headers = bearer(ivy)
    statuses = [create_by_api(client, headers, n).status_code for n in range(12)]
    assert statuses == [201] * 5 + [429] * 7
    assert created_by(ivy) == 5

    refused = create_by_api(client, headers, 99)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert "5 rounds this hour" in refused.json()["detail"]
    assert int(refused["Retry-After"]) == 3600 - 5
    assert created_by(ivy) == 5


def test_another_user_is_unaffected_by_someone_elses_loop(client, ivy, bob, frozen, hourly_five):
    ivy_headers = bearer(ivy)
    for n in range(8):
        create_by_api(client, ivy_headers, n)
    assert create_by_api(client, ivy_headers, 8).status_code == 429

    bob_headers = bearer(bob)
    assert [create_by_api(client, bob_headers, n).status_code for n in range(5)] == [201] * 5
    assert created_by(bob) == 5


def test_the_allowance_comes_back_when_the_hour_ends(client, ivy, frozen, hourly_five):
    headers = bearer(ivy)
    for n in range(5):
        assert create_by_api(client, headers, n).status_code == 201
    assert create_by_api(client, headers, 5).status_code == 429
    frozen.move_to(MOMENT + timedelta(seconds=3595))
    assert create_by_api(client, headers, 6).status_code == 201


def test_a_burst_is_refused_within_the_minute_then_allowed_again(client, ivy, frozen, settings):
    settings.ROUND_CREATES_PER_HOUR = 60
    settings.ROUND_CREATE_BURST = 3
    headers = bearer(ivy)
    assert [create_by_api(client, headers, n).status_code for n in range(4)] == [201] * 3 + [429]
    refused = create_by_api(client, headers, 4)
    assert int(refused["Retry-After"]) == 55
    assert "3 rounds this minute" in refused.json()["detail"]
    frozen.move_to(MOMENT + timedelta(seconds=55))
    assert create_by_api(client, headers, 5).status_code == 201
    assert created_by(ivy) == 4


def test_refused_input_does_not_spend_the_allowance(client, ivy, frozen, hourly_five):
    headers = bearer(ivy)
    for n in range(10):
        response = create_by_api(client, headers, n, agenda_template="no-such-template")
        assert response.status_code == 422
    assert create_by_api(client, headers, 10).status_code == 201


def test_the_form_refuses_too_and_shares_the_allowance_with_the_api(client, ivy, frozen, settings):
    settings.ROUND_CREATES_PER_HOUR = 3
    settings.ROUND_CREATE_BURST = 0
    assert create_by_api(client, bearer(ivy), 0).status_code == 201
    client.force_login(ivy)
    fields = fresh_form(client)
    assert client.post(reverse("interviews:create"), fields).status_code == 302
    assert client.post(reverse("interviews:create"), fields).status_code == 302
    assert created_by(ivy) == 3

    refused = client.post(reverse("interviews:create"), fields)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 3595
    page = refused.content.decode()
    assert "You have created 3 rounds this hour, the most allowed." in page
    assert 'name="title"' in page  # the form is shown again, filled in
    assert created_by(ivy) == 3


def test_the_openapi_document_declares_the_429(client):
    schema = client.get("/api/openapi.json").json()
    responses = schema["paths"]["/api/interviews"]["post"]["responses"]
    assert "429" in responses
