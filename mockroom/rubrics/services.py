"""Writes to rubrics. Built-in rubrics are read-only; duplicate them to edit."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from mockroom.accounts.models import User

from .library import write_criteria
from .models import Criterion, Level, Rubric
from .schema import RubricDoc


class RubricError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def rubric_document(rubric: Rubric) -> dict[str, Any]:
    """The rubric as a `mockroom.rubric/v1` document (export, preview, round snapshots)."""
    criteria = []
    for criterion in rubric.criteria.prefetch_related("levels").order_by("order", "pk"):
        criteria.append(
            {
                "key": criterion.key,
                "name": criterion.name,
                "description": criterion.description,
                "weight": criterion.weight,
                "phases": list(criterion.phases),
                "levels": [
                    {"score": lvl.score, "label": lvl.label, "anchor": lvl.anchor}
                    for lvl in criterion.levels.all()
                ],
            }
        )
    document = {
        "schema": "mockroom.rubric/v1",
        "title": rubric.title,
        "kind": rubric.kind,
        "description": rubric.description,
        "agenda": list(rubric.agenda),
        "criteria": criteria,
    }
    if rubric.slug:
        document["slug"] = rubric.slug
    return document


def _write_criteria(rubric: Rubric, doc: RubricDoc) -> None:
    write_criteria(Criterion, Level, rubric, doc)


@transaction.atomic
def rubric_create(*, owner: User | None, document: RubricDoc, builtin: bool = False) -> Rubric:
    """Create a rubric from a validated document (a user's, or a built-in one)."""
    rubric = Rubric.objects.create(
        title=document.title,
        slug=document.slug if builtin else None,
        kind=document.kind,
        description=document.description,
        agenda=[p.model_dump() for p in document.agenda],
        owner=None if builtin else owner,
        is_builtin=builtin,
    )
    _write_criteria(rubric, document)
    return rubric


@transaction.atomic
def rubric_update(*, rubric: Rubric, by: User, document: RubricDoc) -> Rubric:
    """Replace a user's rubric with a new version. Rounds that started keep their snapshot."""
    if rubric.is_builtin or rubric.owner_id != by.pk:
        raise RubricError("Only the owner can edit this rubric; duplicate it to make your own.")
    locked = Rubric.objects.select_for_update().get(pk=rubric.pk)
    locked.title = document.title
    locked.kind = document.kind
    locked.description = document.description
    locked.agenda = [p.model_dump() for p in document.agenda]
    locked.save()
    _write_criteria(locked, document)
    return locked


@transaction.atomic
def rubric_duplicate(*, rubric: Rubric, owner: User) -> Rubric:
    document = RubricDoc.model_validate(rubric_document(rubric))
    document.slug = None
    document.title = f"{rubric.title} (copy)"[:120]
    return rubric_create(owner=owner, document=document)


@transaction.atomic
def rubric_delete(*, rubric: Rubric, by: User) -> None:
    if rubric.is_builtin or rubric.owner_id != by.pk:
        raise RubricError("Only the owner can delete this rubric.")
    rubric.delete()


@transaction.atomic
def rubric_move_criterion(*, rubric: Rubric, by: User, key: str, offset: int) -> None:
    """Move one criterion up (-1) or down (+1)."""
    if rubric.is_builtin or rubric.owner_id != by.pk:
        raise RubricError("Only the owner can reorder this rubric.")
    criteria = list(rubric.criteria.order_by("order", "pk"))
    index = next((i for i, c in enumerate(criteria) if c.key == key), None)
    if index is None:
        raise RubricError("No such criterion.")
    target = max(0, min(len(criteria) - 1, index + offset))
    criteria.insert(target, criteria.pop(index))
    for order, criterion in enumerate(criteria):
        if criterion.order != order:
            criterion.order = order
            criterion.save(update_fields=["order"])


def rubrics_for(user: User):
    """The library (built-in) and the user's own rubrics."""
    from django.db.models import Q

    return Rubric.objects.filter(Q(is_builtin=True) | Q(owner=user)).order_by(
        "-is_builtin", "title"
    )
