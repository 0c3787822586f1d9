"""Every field of every API request body, one hostile value at a time: a clear 4xx that
names the field, never a 500. Runs on SQLite and on PostgreSQL (`make pytest-postgres`),
where NUL characters, UTC offsets beyond ±15:59, long time zones and long emails used to
reach the database and fail there.

The fields are read from /api/openapi.json, so a field added later is covered too; each
write operation starts from a body that is accepted, then one field is spoiled.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from mockroom.accounts.services import api_token_create
from mockroom.core.clock import now
from mockroom.rubrics.models import Rubric
from mockroom.rubrics.services import rubric_document
from tests.interviews.conftest import scheduled_round  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

SOON = (now() + timedelta(days=3)).replace(microsecond=0)


def _valid_rubric() -> dict:
    document = rubric_document(Rubric.objects.filter(is_builtin=True).order_by("pk").first())
    document.pop("slug", None)
    return document


def _bodies(round_) -> dict[tuple[str, str], dict]:
    """An accepted body for each write operation of the document."""
    public_id = round_.interview.public_id
    return {
        ("post", "/api/interviews"): {
            "title": "Hostile",
            "kind": "coding",
            "my_role": "interviewer",
            "scheduled_at": SOON.isoformat(),
            "time_zone": "Europe/London",
            "agenda": [{"name": "Clarify", "minutes": 5}],
            "prompt_text": "text",
            "prompt_notes": "notes",
            "prompt_hints": "hints",
            "prompt_solution": "solution",
        },
        ("post", f"/api/interviews/{public_id}/invitations"): {
            "role": "observer",
            "email": "guest@example.com",
        },
        ("post", "/api/rubrics"): _valid_rubric(),
        ("put", "/api/rubrics/{own}"): _valid_rubric(),
    }


def _leaves(value, path=()) -> Iterator[tuple[tuple, object]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaves(child, (*path, index))
    else:
        yield path, value


def _spoiled(body: dict, path: tuple, hostile) -> dict:
    copied = copy.deepcopy(body)
    target = copied
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = hostile
    return copied


def _hostile_values(path: tuple, value) -> list:
    """What an attacker puts in this field instead."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [2**63, -(2**63) - 1, 2**31]
    if isinstance(value, str) and path[-1] == "scheduled_at":
        return [
            "9999-12-31T23:59:59+00:00",
            "0001-01-01T00:00:00+00:00",
            SOON.replace(tzinfo=None).isoformat() + "+23:59",
            SOON.replace(tzinfo=None).isoformat() + "-16:00",
            SOON.replace(tzinfo=None).isoformat(),
        ]
    if isinstance(value, str):
        return [f"{value}\x00", "\x00", value + "x" * 300]
    return []


@pytest.fixture
def client_as_interviewer(client, scheduled_round):  # noqa: F811 - the imported fixture
    _, token = api_token_create(user=scheduled_round.interviewer, name="hostile")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def _own_rubric(client) -> int:
    library = Rubric.objects.filter(is_builtin=True).order_by("pk").first()
    return client.post(f"/api/rubrics/{library.pk}/duplicate").json()["id"]


def _send(client, method: str, url: str, body) -> object:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_every_write_operation_has_an_accepted_baseline(client_as_interviewer, scheduled_round):  # noqa: F811
    """The baselines are accepted, so each refusal below is the spoiled field's doing."""
    document = client_as_interviewer.get("/api/openapi.json").json()
    writes = {
        (method, path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    bodies = _bodies(scheduled_round)
    assert {method for method, _ in writes} <= {"post", "put"}
    assert len(writes) == len(bodies), "a write operation has no baseline body here"
    own = _own_rubric(client_as_interviewer)
    for (method, url), body in bodies.items():
        response = _send(client_as_interviewer, method, url.replace("{own}", str(own)), body)
        assert response.status_code in (200, 201), (url, response.content)


def test_no_hostile_field_value_gets_a_server_error(client_as_interviewer, scheduled_round):  # noqa: F811
    own = _own_rubric(client_as_interviewer)
    tried = 0
    for (method, url), body in _bodies(scheduled_round).items():
        url = url.replace("{own}", str(own))
        for path, value in _leaves(body):
            for hostile in _hostile_values(path, value):
                response = _send(client_as_interviewer, method, url, _spoiled(body, path, hostile))
                tried += 1
                assert response.status_code < 500, (url, path, hostile)
                if response.status_code >= 400:
                    named = {e["field"] for e in response.json().get("errors", [])}
                    field = ".".join(str(p) for p in path)
                    assert field in named, (url, field, response.json())
    assert tried > 100


@pytest.mark.parametrize(
    "hostile",
    ["a\x00b", "\x00"],
)
def test_nul_anywhere_in_a_body_is_refused_with_its_path(client_as_interviewer, hostile):
    body = {"title": "x", "scheduled_at": SOON.isoformat(), "agenda": [{"name": hostile}]}
    response = _send(client_as_interviewer, "post", "/api/interviews", body)
    assert response.status_code == 400
    assert response.json()["detail"] == "agenda.0.name: must not contain NUL (\\x00) characters"


@pytest.mark.parametrize(
    "path",
    [
        "/api/interviews/%00",
        "/api/interviews/" + "a" * 1000,
        "/api/interviews/{round}/invitations/{big}/revoke",
        "/api/interviews/{round}/invitations/-1/revoke",
        "/api/interviews/{round}/report%00",
        "/api/rubrics/{big}",
        "/api/rubrics/0",
        "/api/interviews?role=%00",
    ],
)
def test_hostile_path_and_query_parameters_get_a_4xx(client_as_interviewer, scheduled_round, path):  # noqa: F811
    url = path.format(round=scheduled_round.interview.public_id, big=2**70)
    method = client_as_interviewer.post if url.endswith("revoke") else client_as_interviewer.get
    response = method(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)
