"""The rubric editor's errors in the words people use, beside the field they belong to.

Pydantic says `criteria.7.levels.0.anchor: String should have at least 1 character`; a person
needs "Criterion 8, level 1: the anchor is empty", next to that anchor. Pure: takes the
validation error and the document that failed, returns messages keyed by the editor's field
ids (`c-7-l-0-anchor`, see templates/rubrics/edit.html)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

# The editor's words for each field of the document.
FIELD_NAMES = {
    "title": "the title",
    "kind": "the kind",
    "description": "the description",
    "key": "the key",
    "name": "the name",
    "weight": "the weight",
    "phases": "the agenda phases",
    "score": "the score",
    "label": "the label",
    "anchor": "the anchor",
    "levels": "the levels",
    "criteria": "the criteria",
}


@dataclass(frozen=True)
class EditorError:
    """One problem: `field` is the id of the input it belongs to ("" for the whole rubric)."""

    field: str
    text: str


def _where(loc: tuple[Any, ...]) -> tuple[str, str, str]:
    """(field id, "Criterion 8, level 1", field key) for a pydantic location."""
    if not loc:
        return "", "", ""
    if loc[0] != "criteria" or len(loc) == 1:
        return str(loc[0]), "", str(loc[0])
    index = loc[1]
    if not isinstance(index, int):
        return "", "", ""
    place = f"Criterion {index + 1}"
    if len(loc) == 2:
        return f"c-{index}-name", place, ""
    field = str(loc[2])
    if field == "levels" and len(loc) >= 5 and isinstance(loc[3], int):
        level = loc[3]
        return f"c-{index}-l-{level}-{loc[4]}", f"{place}, level {level + 1}", str(loc[4])
    if field == "levels":
        return f"c-{index}-levels", place, "levels"
    if field == "phases":
        return f"c-{index}-phases", place, "phases"
    return f"c-{index}-{field}", place, field


def _problem(item: Mapping[str, Any], field: str) -> str:
    """What is wrong, as a phrase after the field's name ("is empty")."""
    kind = item["type"]
    ctx = item.get("ctx") or {}
    name = FIELD_NAMES.get(field, "this value")
    if kind in {"string_too_short", "too_short"} and field not in {"levels", "criteria"}:
        return f"{name} is empty"
    if kind == "too_short" and field == "levels":
        return f"needs at least {ctx.get('min_length', 2)} levels"
    if kind == "too_short" and field == "criteria":
        return "the criteria list is empty: a rubric needs at least one criterion"
    if kind in {"string_too_long", "too_long"}:
        if field == "levels":
            return f"has more than {ctx.get('max_length')} levels"
        if field == "criteria":
            return f"a rubric has at most {ctx.get('max_length')} criteria"
        if field == "phases" and item["loc"][-1] == "phases":
            return f"list at most {ctx.get('max_length')} agenda phases"
        if field == "phases":
            return f"a phase name is too long (at most {ctx.get('max_length')} characters)"
        return f"{name} is too long (at most {ctx.get('max_length')} characters)"
    if kind == "string_pattern_mismatch" and field == "key":
        return (
            "the key must start with a lowercase letter and use only a to z, 0 to 9 and _ "
            "(at most 40 characters)"
        )
    if kind in {"int_parsing", "int_type", "int_from_float"} and field in {"weight", "score"}:
        return f"{name} must be a whole number"
    if kind == "int_parsing_size" and field in {"weight", "score"}:
        low, high = (1, 5) if field == "weight" else (1, 10)
        return f"{name} must be from {low} to {high}"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"{name} must be a whole number"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        low, high = (1, 5) if field == "weight" else (1, 10)
        return f"{name} must be from {low} to {high}"
    if kind == "literal_error" and field == "kind":
        return "choose a kind from the list"
    if kind == "missing":
        return f"{name} is missing"
    if kind == "value_error" and "NUL" in str(item.get("msg", "")):
        return f"{name} contains a NUL character, which can't be stored"
    return f"{name}: {str(item.get('msg', '')).removeprefix('Value error, ')}"


def _sentence(place: str, phrase: str) -> str:
    if place:
        return f"{place}: {phrase}"
    return phrase[:1].upper() + phrase[1:]


def _duplicate_keys(document: dict[str, Any]) -> list[EditorError]:
    criteria = document.get("criteria") or []
    keys = [str(c.get("key", "")) for c in criteria]
    seen = Counter(keys)
    first: dict[str, int] = {}
    out = []
    for index, key in enumerate(keys):
        if seen[key] < 2:
            continue
        if key not in first:
            first[key] = index
            continue
        out.append(
            EditorError(
                f"c-{index}-key",
                f"Criterion {index + 1}: the key “{key}” is already used by criterion "
                f"{first[key] + 1}; each criterion needs its own key",
            )
        )
    return out


def _shared_scores(index: int, criterion: dict[str, Any]) -> list[EditorError]:
    levels = criterion.get("levels") or []
    first: dict[Any, int] = {}
    out = []
    for level_index, level in enumerate(levels):
        score = level.get("score")
        if score in first:
            out.append(
                EditorError(
                    f"c-{index}-l-{level_index}-score",
                    f"Criterion {index + 1}, level {level_index + 1}: the score {score} is "
                    f"already used by level {first[score] + 1}; two levels can't share one score",
                )
            )
        else:
            first[score] = level_index
    return out


def editor_errors(error: ValidationError, document: dict[str, Any]) -> list[EditorError]:
    """Every problem of a document the editor posted, in the order of the form."""
    out: list[EditorError] = []
    for item in error.errors():
        loc = tuple(item["loc"])
        if item["type"] == "value_error" and loc == ():
            out.extend(_duplicate_keys(document))
            continue
        if item["type"] == "value_error" and len(loc) == 2 and loc[0] == "criteria":
            criteria = document.get("criteria") or []
            if isinstance(loc[1], int) and loc[1] < len(criteria):
                out.extend(_shared_scores(loc[1], criteria[loc[1]]))
                continue
        field_id, place, field = _where(loc)
        out.append(EditorError(field_id, _sentence(place, _problem(item, field))))
    return out


def annotate(document: dict[str, Any], errors: list[EditorError]) -> dict[str, Any]:
    """The document for the template, each criterion and level carrying its fields' errors
    (`errors.name`, `levels[j].errors.anchor`), so the template puts each beside its input."""
    by_field: dict[str, list[str]] = {}
    for problem in errors:
        by_field.setdefault(problem.field, []).append(problem.text)

    def joined(field_id: str) -> str:
        return " ".join(by_field.get(field_id, []))

    criteria = []
    for i, criterion in enumerate(document.get("criteria") or []):
        levels = []
        for j, level in enumerate(criterion.get("levels") or []):
            level_errors = {f: joined(f"c-{i}-l-{j}-{f}") for f in ("score", "label", "anchor")}
            levels.append({**level, "errors": level_errors})
        fields = ("key", "name", "weight", "phases", "description", "levels")
        criteria.append(
            {**criterion, "levels": levels, "errors": {f: joined(f"c-{i}-{f}") for f in fields}}
        )
    return {
        **document,
        "criteria": criteria,
        "errors": {f: joined(f) for f in ("title", "kind", "description", "criteria")},
    }
