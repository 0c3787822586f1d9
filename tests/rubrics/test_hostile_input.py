"""The rubric editor, the JSON import and the API under hostile input: a 4xx naming what
is wrong, nothing saved, never a 500. Also in the PostgreSQL pass (NUL characters)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mockroom.accounts.services import api_token_create
from mockroom.rubrics.models import Rubric
from tests.rubrics.test_editor import editor_post
from tests.rubrics.test_schema_and_library import GOOD

pytestmark = pytest.mark.django_db

DEEP = "[" * 50_000 + "]" * 50_000  # json.loads alone raises RecursionError on this


def deeply_nested_document(depth: int) -> str:
    """A rubric with an extra field `x` that nests `depth` levels of arrays."""
    nested = "[" * depth + "]" * depth
    return json.dumps(GOOD)[:-1] + f', "x": {nested}}}'


@pytest.mark.parametrize(
    ("field", "typed", "named"),
    [
        # The editor names the field in people's words (issue 13), beside the field.
        ("c-0-weight", "²", "Criterion 1: the weight must be a whole number"),
        ("c-0-weight", "٣", "Criterion 1: the weight must be a whole number"),
        ("c-0-weight", "9" * 5000, "Criterion 1: the weight must be from 1 to 5"),
        ("c-0-l-1-score", "³", "Criterion 1, level 2: the score must be a whole number"),
        ("c-0-name", "Design\x00", "Criterion 1: the name contains a NUL character"),
        ("c-0-l-0-anchor", "\x00", "Criterion 1, level 1: the anchor contains a NUL character"),
    ],
)
def test_the_editor_names_a_field_it_cannot_read(client, alice, field, typed, named):
    client.force_login(alice)
    response = client.post(reverse("rubrics:new"), {**editor_post(GOOD), field: typed})
    assert response.status_code == 400
    assert named in response.content.decode()
    assert not Rubric.objects.filter(owner=alice).exists()


@pytest.mark.parametrize("content", [DEEP.encode(), deeply_nested_document(33).encode()])
def test_the_import_refuses_json_nested_too_deep(client, alice, content):
    client.force_login(alice)
    upload = SimpleUploadedFile("r.json", content, content_type="application/json")
    response = client.post(reverse("rubrics:import"), {"document": upload})
    assert response.status_code == 400
    assert b"nests deeper than 32 levels" in response.content
    assert not Rubric.objects.filter(owner=alice).exists()


def test_the_import_refuses_nul_with_its_path(client, alice):
    client.force_login(alice)
    document = json.loads(json.dumps(GOOD))
    document["criteria"][0]["levels"][0]["label"] = "Weak\x00"
    upload = SimpleUploadedFile("r.json", json.dumps(document).encode())
    response = client.post(reverse("rubrics:import"), {"document": upload})
    assert response.status_code == 400
    assert b"criteria.0.levels.0.label" in response.content
    assert not Rubric.objects.filter(owner=alice).exists()


@pytest.fixture
def auth(alice) -> dict:
    _, token = api_token_create(user=alice, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize("body", [DEEP, deeply_nested_document(40), "[" * 200])
def test_the_api_refuses_deep_json_bodies_with_a_clear_400(client, alice, auth, body):
    response = client.post("/api/rubrics", body, content_type="application/json", **auth)
    assert response.status_code == 400
    assert response.json()["detail"] == "The JSON nests deeper than 32 levels."
    assert not Rubric.objects.filter(owner=alice).exists()


def test_the_api_refuses_unknown_fields_at_any_depth(client, alice, auth):
    """Nesting within the limit reaches the schema, which refuses fields it doesn't know."""
    body = deeply_nested_document(20)
    response = client.post("/api/rubrics", body, content_type="application/json", **auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "x"


def test_the_api_names_a_nul_anywhere_in_a_rubric(client, alice, auth):
    document = json.loads(json.dumps(GOOD))
    document["criteria"][0]["phases"] = ["Design\x00"]
    response = client.post(
        "/api/rubrics", json.dumps(document), content_type="application/json", **auth
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "criteria.0.phases.0", "message": "must not contain NUL (\\x00) characters"}
    ]
