"""The rubric document: the built-in library, round trips, and bad input."""

import copy
import json

import pytest
from pydantic import ValidationError

from mockroom.rubrics.library import library_documents
from mockroom.rubrics.models import Rubric
from mockroom.rubrics.schema import RubricDoc, error_list, published_schema
from mockroom.rubrics.services import rubric_create, rubric_document

GOOD = {
    "schema": "mockroom.rubric/v1",
    "title": "Pairing",
    "kind": "coding",
    "criteria": [
        {
            "key": "clarity",
            "name": "Clarity",
            "levels": [
                {"score": 2, "label": "Developing", "anchor": "Explains after being asked."},
                {"score": 1, "label": "Not yet", "anchor": "Codes in silence."},
            ],
        }
    ],
}


def test_library_has_six_templates_with_four_anchored_levels():
    documents = {doc.slug: doc for doc in library_documents()}
    assert set(documents) == {
        "coding",
        "system_design",
        "behavioral",
        "ml_system_design",
        "llm_app_design",
        "data_science",
    }
    for doc in documents.values():
        assert 5 <= len(doc.criteria) <= 8
        phase_names = {p.name for p in doc.agenda}
        for criterion in doc.criteria:
            assert [lvl.score for lvl in criterion.levels] == [1, 2, 3, 4]
            assert set(criterion.phases) <= phase_names
    ml = [c.name.lower() for c in documents["ml_system_design"].criteria]
    assert any("monitoring" in name for name in ml) and len(ml) == 7


@pytest.mark.django_db
def test_library_is_loaded_by_the_migration_read_only():
    assert Rubric.objects.filter(is_builtin=True, owner__isnull=True).count() == 6


@pytest.mark.django_db
def test_export_then_import_round_trips(alice):
    rubric = rubric_create(owner=alice, document=RubricDoc.model_validate(GOOD))
    exported = rubric_document(rubric)
    again = rubric_create(
        owner=alice, document=RubricDoc.model_validate(json.loads(json.dumps(exported)))
    )
    assert rubric_document(again) == exported
    # Levels come back ordered by score.
    assert [lvl["score"] for lvl in exported["criteria"][0]["levels"]] == [1, 2]


def broken(mutate) -> dict:
    document = copy.deepcopy(GOOD)
    mutate(document)
    return document


@pytest.mark.parametrize(
    ("document", "where", "says"),
    [
        (broken(lambda d: d["criteria"][0].pop("levels")), "criteria.0.levels", "Field required"),
        (
            broken(lambda d: d["criteria"][0].update(levels=[GOOD["criteria"][0]["levels"][0]])),
            "criteria.0.levels",
            "at least 2",
        ),
        (
            broken(lambda d: d["criteria"][0]["levels"][1].update(score=2)),
            "criteria.0",
            "share one",
        ),
        (
            broken(lambda d: d["criteria"][0]["levels"][0].update(anchor="x" * 301)),
            "criteria.0.levels.0.anchor",
            "at most 300",
        ),
        (broken(lambda d: d.update(title="t" * 121)), "title", "at most 120"),
        (
            broken(lambda d: d["criteria"].append(copy.deepcopy(d["criteria"][0]))),
            "document",
            "unique",
        ),
        (broken(lambda d: d.update(criteria=[])), "criteria", "at least 1"),
        (broken(lambda d: d.update(surprise=True)), "surprise", "Extra inputs"),
        (broken(lambda d: d.update(schema="other/v9")), "schema", "mockroom.rubric/v1"),
    ],
)
def test_bad_documents_get_field_level_errors(document, where, says):
    with pytest.raises(ValidationError) as error:
        RubricDoc.model_validate(document)
    errors = error_list(error.value)
    assert any(path.startswith(where) and says in message for path, message in errors), errors


def test_the_schema_is_published_with_its_id():
    schema = published_schema()
    assert schema["$id"] == "mockroom.rubric/v1"
    assert "criteria" in schema["properties"]
