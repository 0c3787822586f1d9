"""The rubric editor talks like a person (issue 13): each problem in words, beside its field,
linked from the summary; kinds by their names, not their keys."""

import copy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pydantic import ValidationError

from mockroom.interviews.models import Interview
from mockroom.rubrics.editor import editor_errors
from mockroom.rubrics.models import Rubric
from mockroom.rubrics.schema import KIND_LABELS, KINDS, RubricDoc
from tests.feedback.html import parse
from tests.rubrics.test_editor import editor_post

pytestmark = pytest.mark.django_db


def criterion(n: int) -> dict:
    return {
        "key": f"c{n}",
        "name": f"Criterion name {n}",
        "levels": [
            {"score": 1, "label": "Not yet", "anchor": f"Anchor {n}.1"},
            {"score": 2, "label": "Solid", "anchor": f"Anchor {n}.2"},
        ],
    }


def eight_criteria() -> dict:
    return {
        "schema": "mockroom.rubric/v1",
        "title": "Eight",
        "kind": "ml_system_design",
        "criteria": [criterion(n) for n in range(1, 9)],
    }


def posted(client, document, **fields):
    return client.post(reverse("rubrics:new"), {**editor_post(document), **fields})


def beside(page, field_id: str) -> str:
    """The error shown with the field: in the field's own box and named by aria-describedby."""
    control = page.by_id(field_id)
    assert control.attrs.get("aria-invalid") == "true", field_id
    error = page.by_id(control.attrs["aria-describedby"])
    assert "field-error" in error.classes()
    assert error.parent is control.parent  # same .field box, right above the input
    return error.text


def test_an_empty_anchor_is_named_by_criterion_and_level_beside_its_field(client, alice):
    client.force_login(alice)
    response = posted(client, eight_criteria(), **{"c-7-l-0-anchor": "   "})
    assert response.status_code == 400
    page = parse(response.content)
    assert beside(page, "c-7-l-0-anchor") == "Criterion 8, level 1: the anchor is empty"
    summary = page.find("div", data_testid="editor-errors")
    link = summary.find("a")
    assert link.text == "Criterion 8, level 1: the anchor is empty"
    assert link.attrs["href"] == "#c-7-l-0-anchor"
    assert "criteria.7" not in response.content.decode()  # no machine paths for people
    assert not Rubric.objects.filter(owner=alice).exists()


@pytest.mark.parametrize(
    ("fields", "field_id", "words"),
    [
        ({"title": ""}, "title", "The title is empty"),
        ({"c-2-name": ""}, "c-2-name", "Criterion 3: the name is empty"),
        ({"c-0-l-1-label": " "}, "c-0-l-1-label", "Criterion 1, level 2: the label is empty"),
        ({"c-4-weight": "7"}, "c-4-weight", "Criterion 5: the weight must be from 1 to 5"),
        ({"c-4-weight": "two"}, "c-4-weight", "Criterion 5: the weight must be a whole number"),
        (
            {"c-1-l-1-score": "11"},
            "c-1-l-1-score",
            "Criterion 2, level 2: the score must be from 1 to 10",
        ),
        (
            {"c-5-key": "Bad Key"},
            "c-5-key",
            "Criterion 6: the key must start with a lowercase letter and use only a to z, "
            "0 to 9 and _ (at most 40 characters)",
        ),
        (
            {"c-6-key": "c2"},
            "c-6-key",
            "Criterion 7: the key “c2” is already used by criterion 2; each criterion needs its "
            "own key",
        ),
        (
            {"c-3-l-1-score": "1"},
            "c-3-l-1-score",
            "Criterion 4, level 2: the score 1 is already used by level 1; two levels can't "
            "share one score",
        ),
        (
            {"c-0-description": "x" * 501},
            "c-0-description",
            "Criterion 1: the description is too long (at most 500 characters)",
        ),
    ],
)
def test_each_problem_in_words_beside_its_field(client, alice, fields, field_id, words):
    client.force_login(alice)
    response = posted(client, eight_criteria(), **fields)
    assert response.status_code == 400
    assert beside(parse(response.content), field_id) == words


def test_a_criterion_left_with_one_level_says_so_at_its_levels(client, alice):
    client.force_login(alice)
    # Clearing every field of a level removes it; one level is not a scale.
    cleared = {"c-2-l-1-score": "", "c-2-l-1-label": "", "c-2-l-1-anchor": ""}
    page = parse(posted(client, eight_criteria(), **cleared).content)
    levels = page.by_id("c-2-levels")
    said = [c.text for c in levels.children if not isinstance(c, str) and c.tag == "p"]
    assert said == ["Criterion 3: needs at least 2 levels"]  # for the scale, not one level
    assert "aria-invalid" not in page.by_id("c-2-l-0-score").attrs


def test_several_problems_are_all_listed_in_form_order(client, alice):
    client.force_login(alice)
    response = posted(
        client, eight_criteria(), **{"c-1-name": "", "c-7-l-0-anchor": "", "title": ""}
    )
    summary = parse(response.content).find("div", data_testid="editor-errors")
    assert [li.text for li in summary.find_all("li")] == [
        "The title is empty",
        "Criterion 2: the name is empty",
        "Criterion 8, level 1: the anchor is empty",
    ]


def test_blank_text_is_refused_everywhere_not_stored_empty():
    document = copy.deepcopy(eight_criteria())
    document["criteria"][0]["levels"][0]["anchor"] = " \t "
    document["criteria"][1]["name"] = "  "
    document["title"] = " "
    with pytest.raises(ValidationError) as refused:
        RubricDoc.model_validate(document)
    texts = [e.text for e in editor_errors(refused.value, document)]
    assert texts == [
        "The title is empty",
        "Criterion 1, level 1: the anchor is empty",
        "Criterion 2: the name is empty",
    ]


def test_the_import_page_speaks_the_same_words(client, alice):
    client.force_login(alice)
    document = eight_criteria()
    document["criteria"][7]["levels"][0]["anchor"] = ""
    import json

    upload = SimpleUploadedFile("r.json", json.dumps(document).encode(), "application/json")
    response = client.post(reverse("rubrics:import"), {"document": upload})
    assert response.status_code == 400
    assert "Criterion 8, level 1: the anchor is empty" in response.content.decode()


# -- kinds by name ------------------------------------------------------------------------


def test_kind_labels_are_the_rounds_words():
    assert {value: str(label) for value, label in Interview.Kind.choices} == KIND_LABELS
    assert tuple(KIND_LABELS) == KINDS


def test_the_editor_lists_kinds_by_name(client, alice):
    client.force_login(alice)
    page = parse(client.get(reverse("rubrics:new")).content)
    options = {o.attrs["value"]: o.text for o in page.by_id("kind").find_all("option")}
    assert options["ml_system_design"] == "ML system design"
    assert options["llm_app_design"] == "LLM application design"
    assert set(options.values()).isdisjoint(KINDS)


def test_a_refused_form_keeps_the_chosen_kind(client, alice):
    client.force_login(alice)
    page = parse(posted(client, eight_criteria(), title="").content)
    selected = [o for o in page.by_id("kind").find_all("option") if "selected" in o.attrs]
    assert [o.text for o in selected] == ["ML system design"]


def test_list_and_detail_show_kind_names(client, alice, library):
    client.force_login(alice)
    created = posted(client, eight_criteria())
    assert created.status_code == 302
    mine = Rubric.objects.get(owner=alice)
    detail = client.get(reverse("rubrics:detail", args=[mine.pk])).content.decode()
    assert "ML system design" in detail and "Ml system design" not in detail
    listing = client.get(reverse("rubrics:list")).content.decode()
    assert "ML system design" in listing and "ml system design" not in listing
