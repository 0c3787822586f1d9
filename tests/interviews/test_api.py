"""The HTTP API under the same rules as the pages, by session and by personal token."""

import json

import pytest

from mockroom.accounts.services import api_token_create, api_token_revoke
from tests.interviews.conftest import PERSONAS, PRIVATE_MARKERS

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _, token = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_openapi_schema_is_published(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/interviews" in paths
    assert "/api/interviews/{public_id}/invitations/{invitation_id}/revoke" in paths


def test_api_docs_load_their_assets_from_our_host(client, alice):
    client.force_login(alice)
    body = client.get("/api/docs").content.decode()
    assert "cdn.jsdelivr" not in body and "unpkg" not in body
    assert "/static/ninja/swagger-ui-bundle.js" in body


def test_anonymous_requests_are_refused(client, scheduled_round):
    assert client.get("/api/interviews").status_code == 401
    assert client.get(f"/api/interviews/{scheduled_round.interview.public_id}").status_code == 401


def test_revoked_or_wrong_token_is_refused(client, scheduled_round):
    record, token = api_token_create(user=scheduled_round.interviewer, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/interviews", **headers).status_code == 200
    api_token_revoke(token=record)
    assert client.get("/api/interviews", **headers).status_code == 401
    assert client.get("/api/interviews", HTTP_AUTHORIZATION="Bearer mr_forged").status_code == 401


@pytest.mark.parametrize("persona", PERSONAS)
def test_get_round_by_role(client, scheduled_round, persona):
    user = scheduled_round.persona(persona)
    response = client.get(f"/api/interviews/{scheduled_round.interview.public_id}", **bearer(user))
    if persona == "outsider":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.json()
    assert body["my_role"] == persona
    assert {p["role"] for p in body["participants"]} == {"interviewer", "candidate", "observer"}
    if persona == "candidate":
        assert body["prompt"] is None
        for marker in PRIVATE_MARKERS:
            assert marker not in response.content
    else:
        assert body["prompt"]["solution"] == "PRIVATE-SOLUTION-2ab"


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_shows_only_your_rounds(client, scheduled_round, persona):
    response = client.get("/api/interviews", **bearer(scheduled_round.persona(persona)))
    ids = [r["public_id"] for r in response.json()]
    expected = [] if persona == "outsider" else [scheduled_round.interview.public_id]
    assert ids == expected
    filtered = client.get(
        "/api/interviews?role=candidate", **bearer(scheduled_round.persona(persona))
    )
    assert len(filtered.json()) == (1 if persona == "candidate" else 0)


def test_session_auth_needs_csrf_for_writes(scheduled_round):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(scheduled_round.outsider)
    response = client.post(
        "/api/interviews",
        json.dumps({"title": "x", "scheduled_at": "2030-01-01T09:00:00+00:00"}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_create_round_returns_links_once(client, scheduled_round):
    headers = bearer(scheduled_round.outsider)
    response = client.post(
        "/api/interviews",
        json.dumps(
            {
                "title": "API round",
                "kind": "ml_system_design",
                "my_role": "interviewer",
                "scheduled_at": "2030-01-01T09:00:00+00:00",
                "time_zone": "Asia/Tokyo",
                "prompt_solution": "secret",
            }
        ),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["my_role"] == "interviewer"
    assert body["agenda"][0]["name"] == "Problem framing and objectives"
    assert {i["role"] for i in body["invitations"]} == {"candidate", "observer"}
    assert all("/join/" in i["url"] for i in body["invitations"])
    listed = client.get(f"/api/interviews/{body['public_id']}/invitations", **headers).json()
    assert all(i["url"] is None for i in listed)


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"title": "", "scheduled_at": "2030-01-01T09:00:00+00:00"}, 422),
        ({"title": "x", "scheduled_at": "tomorrow"}, 422),
        ({"title": "x", "scheduled_at": "2030-01-01T09:00:00"}, 422),
        ({"title": "x", "scheduled_at": "2030-01-01T09:00:00Z", "my_role": "observer"}, 422),
        ({"title": "x", "scheduled_at": "2030-01-01T09:00:00Z", "agenda": []}, 201),
        (
            {
                "title": "x",
                "scheduled_at": "2030-01-01T09:00:00Z",
                "agenda": [{"name": "a", "minutes": 0}],
            },
            422,
        ),
        (
            {
                "title": "x",
                "scheduled_at": "2030-01-01T09:00:00Z",
                "my_role": "candidate",
                "prompt_text": "p",
            },
            422,
        ),
    ],
)
def test_bad_create_requests_get_clear_errors_and_create_nothing(client, alice, payload, status):
    response = client.post(
        "/api/interviews", json.dumps(payload), content_type="application/json", **bearer(alice)
    )
    assert response.status_code == status, response.content
    assert alice.participations.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_invitation_endpoints_by_role(client, scheduled_round, persona):
    public_id = scheduled_round.interview.public_id
    headers = bearer(scheduled_round.persona(persona))
    created = client.post(
        f"/api/interviews/{public_id}/invitations",
        json.dumps({"role": "observer"}),
        content_type="application/json",
        **headers,
    )
    invitation = scheduled_round.interview.invitations.filter(role="observer").first()
    revoked = client.post(
        f"/api/interviews/{public_id}/invitations/{invitation.pk}/revoke", **headers
    )
    listed = client.get(f"/api/interviews/{public_id}/invitations", **headers)
    expected = {"interviewer": 201, "candidate": 403, "observer": 403, "outsider": 404}[persona]
    assert created.status_code == expected
    assert listed.status_code == (200 if persona == "interviewer" else expected)
    assert revoked.status_code == (200 if persona == "interviewer" else expected)
    invitation.refresh_from_db()
    assert (invitation.revoked_at is not None) == (persona == "interviewer")


def test_seat_link_for_a_taken_seat_is_a_conflict(client, scheduled_round):
    response = client.post(
        f"/api/interviews/{scheduled_round.interview.public_id}/invitations",
        json.dumps({"role": "candidate"}),
        content_type="application/json",
        **bearer(scheduled_round.interviewer),
    )
    assert response.status_code == 409
    assert "already has its candidate" in response.json()["detail"]
