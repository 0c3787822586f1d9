"""The built-in rubric library: JSON documents in `library/`, loaded by a data migration
and by `manage.py load_rubric_library` (idempotent, by slug)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .schema import RubricDoc

LIBRARY_DIR = Path(__file__).resolve().parent / "library"


def library_documents() -> list[RubricDoc]:
    return [
        RubricDoc.model_validate(json.loads(path.read_text()))
        for path in sorted(LIBRARY_DIR.glob("*.json"))
    ]


def load_library(rubric_model: Any, criterion_model: Any, level_model: Any) -> int:
    """Create or refresh every built-in rubric. Takes model classes so that a migration
    can pass its historical models."""
    count = 0
    for doc in library_documents():
        rubric, _ = rubric_model.objects.update_or_create(
            slug=doc.slug,
            defaults={
                "title": doc.title,
                "kind": doc.kind,
                "description": doc.description,
                "agenda": [p.model_dump() for p in doc.agenda],
                "owner": None,
                "is_builtin": True,
            },
        )
        write_criteria(criterion_model, level_model, rubric, doc)
        count += 1
    return count


def write_criteria(criterion_model: Any, level_model: Any, rubric: Any, doc: RubricDoc) -> None:
    """Replace a rubric's criteria and levels with the document's. Takes model classes so
    that the services and the data migration (historical models) share one writer."""
    criterion_model.objects.filter(rubric=rubric).delete()
    for order, item in enumerate(doc.criteria):
        criterion = criterion_model.objects.create(
            rubric=rubric,
            key=item.key,
            name=item.name,
            description=item.description,
            weight=item.weight,
            order=order,
            phases=list(item.phases),
        )
        level_model.objects.bulk_create(
            level_model(criterion=criterion, score=lvl.score, label=lvl.label, anchor=lvl.anchor)
            for lvl in item.levels
        )
