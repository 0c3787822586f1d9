"""Rubric pages and API: the library is read-only, yours is yours, others' are invisible."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mockroom.accounts.services import api_token_create
from mockroom.rubrics.models import Rubric
from mockroom.rubrics.schema import RubricDoc
from mockroom.rubrics.services import rubric_create, rubric_document
from tests.rubrics.test_schema_and_library import GOOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_rubric(alice):
    return rubric_create(owner=alice, document=RubricDoc.model_validate(GOOD))


def editor_post(document: dict, action: str = "save") -> dict:
    data = {
        "title": document["title"],
        "kind": document["kind"],
        "description": "",
        "action": action,
    }
    for i, c in enumerate(document["criteria"]):
        data.update(
            {
                f"c-{i}-key": c["key"],
                f"c-{i}-name": c["name"],
                f"c-{i}-weight": "1",
                f"c-{i}-phases": "",
                f"c-{i}-description": "",
            }
        )
        for j, lvl in enumerate(c["levels"]):
            data.update(
                {
                    f"c-{i}-l-{j}-score": str(lvl["score"]),
                    f"c-{i}-l-{j}-label": lvl["label"],
                    f"c-{i}-l-{j}-anchor": lvl["anchor"],
                }
            )
    return data


def test_library_and_preview_pages(client, alice, library):
    client.force_login(alice)
    page = client.get(reverse("rubrics:list"))
    assert b"ML system design" in page.content or b"ML System Design" in page.content
    builtin = Rubric.objects.get(slug="coding")
    preview = client.get(reverse("rubrics:detail", args=[builtin.pk]))
    assert preview.status_code == 200 and b"Strong" in preview.content
    assert client.get(reverse("rubrics:edit", args=[builtin.pk])).status_code == 404


def test_create_edit_and_errors_through_the_editor(client, alice):
    client.force_login(alice)
    created = client.post(reverse("rubrics:new"), editor_post(GOOD))
    assert created.status_code == 302
    rubric = Rubric.objects.get(owner=alice)
    bad = json.loads(json.dumps(GOOD))
    bad["criteria"][0]["levels"][1]["score"] = 2  # duplicate score
    refused = client.post(reverse("rubrics:edit", args=[rubric.pk]), editor_post(bad))
    assert refused.status_code == 400 and b"share one" in refused.content
    assert b"Nothing was saved" in refused.content
    added = client.post(reverse("rubrics:edit", args=[rubric.pk]), editor_post(GOOD, "add"))
    assert added.content.count(b"<legend>Criterion") == 2


def test_duplicate_a_builtin_then_reorder_and_delete(client, alice, library):
    client.force_login(alice)
    builtin = Rubric.objects.get(slug="system_design")
    response = client.post(reverse("rubrics:duplicate", args=[builtin.pk]))
    copy = Rubric.objects.get(owner=alice)
    assert response["Location"] == reverse("rubrics:edit", args=[copy.pk])
    first, second = [c.key for c in copy.criteria.order_by("order")][:2]
    client.post(reverse("rubrics:move", args=[copy.pk]), {"key": second, "direction": "up"})
    assert [c.key for c in copy.criteria.order_by("order")][:2] == [second, first]
    client.post(reverse("rubrics:delete", args=[copy.pk]))
    assert not Rubric.objects.filter(pk=copy.pk).exists()
    assert Rubric.objects.filter(pk=builtin.pk).exists()


def test_someone_elses_rubric_is_invisible(client, alices_rubric, charlie):
    client.force_login(charlie)
    for name in ("rubrics:detail", "rubrics:edit", "rubrics:export"):
        assert client.get(reverse(name, args=[alices_rubric.pk])).status_code == 404
    for name in ("rubrics:duplicate", "rubrics:delete", "rubrics:move"):
        assert client.post(reverse(name, args=[alices_rubric.pk])).status_code == 404
    assert Rubric.objects.filter(pk=alices_rubric.pk).exists()


def test_json_import_and_export_through_the_pages(client, alice, alices_rubric):
    client.force_login(alice)
    exported = client.get(reverse("rubrics:export", args=[alices_rubric.pk]))
    upload = SimpleUploadedFile("r.json", exported.content, content_type="application/json")
    imported = client.post(reverse("rubrics:import"), {"document": upload})
    assert imported.status_code == 302
    assert Rubric.objects.filter(owner=alice).count() == 2
    bad = SimpleUploadedFile("r.json", b'{"title": "x", "criteria": []}')
    refused = client.post(reverse("rubrics:import"), {"document": bad})
    assert refused.status_code == 400 and b"criteria" in refused.content
    assert Rubric.objects.filter(owner=alice).count() == 2


def test_api_editor_follows_the_same_rules(client, alice, charlie, alices_rubric, library):
    _, token = api_token_create(user=alice, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get("/api/rubrics", **auth).json()
    assert {r["builtin"] for r in listed} == {True, False}
    created = client.post("/api/rubrics", json.dumps(GOOD), content_type="application/json", **auth)
    assert created.status_code == 201
    new_id = created.json()["id"]
    changed = dict(GOOD, title="Pairing v2")
    updated = client.put(
        f"/api/rubrics/{new_id}", json.dumps(changed), content_type="application/json", **auth
    )
    assert updated.json()["title"] == "Pairing v2"
    bad = client.post(
        "/api/rubrics", json.dumps({"title": "x"}), content_type="application/json", **auth
    )
    assert bad.status_code == 422 and "criteria" in bad.json()["detail"]
    builtin = Rubric.objects.get(slug="coding")
    assert (
        client.put(
            f"/api/rubrics/{builtin.pk}", json.dumps(GOOD), content_type="application/json", **auth
        ).status_code
        == 403
    )
    _, other = api_token_create(user=charlie, name="t")
    assert (
        client.get(f"/api/rubrics/{new_id}", HTTP_AUTHORIZATION=f"Bearer {other}").status_code
        == 404
    )
    assert (
        client.delete(f"/api/rubrics/{new_id}", HTTP_AUTHORIZATION=f"Bearer {other}").status_code
        == 404
    )
    assert client.delete(f"/api/rubrics/{new_id}", **auth).status_code == 204
    assert rubric_document(alices_rubric)["title"] == "Pairing"
