"""The rubric editor over HTTP: the same documents as the JSON import and export."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Body, Router, Status
from ninja.errors import HttpError
from pydantic import ValidationError

from . import services
from .models import Rubric
from .schema import RubricDoc, error_list

router = Router(tags=["rubrics"])
# A rubric document (see /rubrics/schema.json), validated by RubricDoc in the handler.
RubricBody = Annotated[dict[str, Any], Body(...)]


def _visible(request: HttpRequest, pk: int) -> Rubric:
    rubric = Rubric.objects.filter(Q(is_builtin=True) | Q(owner=request.user), pk=pk).first()
    if rubric is None:
        raise Http404("No such rubric.")
    return rubric


def _mine(request: HttpRequest, pk: int) -> Rubric:
    rubric = _visible(request, pk)
    if rubric.is_builtin or rubric.owner_id != request.user.pk:
        raise HttpError(403, "Built-in rubrics are read-only; duplicate one to edit it.")
    return rubric


def _parse(payload: RubricBody) -> RubricDoc:
    try:
        document = RubricDoc.model_validate(payload)
    except ValidationError as error:
        raise HttpError(
            422, "; ".join(f"{path}: {message}" for path, message in error_list(error))
        ) from None
    document.slug = None
    return document


def _summary(rubric: Rubric) -> dict[str, Any]:
    return {
        "id": rubric.pk,
        "title": rubric.title,
        "kind": rubric.kind,
        "builtin": rubric.is_builtin,
        "criteria": rubric.criteria.count(),
    }


@router.get("/rubrics")
def list_rubrics(request: HttpRequest) -> list[dict[str, Any]]:
    """The library and your own rubrics."""
    return [_summary(r) for r in services.rubrics_for(request.user)]  # type: ignore[arg-type]


@router.get("/rubrics/{pk}")
def get_rubric(request: HttpRequest, pk: int) -> dict[str, Any]:
    """A rubric as a `mockroom.rubric/v1` document."""
    return {"id": pk, **services.rubric_document(_visible(request, pk))}


@router.post("/rubrics", response={201: dict})
def create_rubric(request: HttpRequest, payload: RubricBody):
    """Create a rubric from a document (see /rubrics/schema.json)."""
    rubric = services.rubric_create(owner=request.user, document=_parse(payload))  # type: ignore[arg-type]
    return Status(201, {"id": rubric.pk, **services.rubric_document(rubric)})


@router.put("/rubrics/{pk}")
def update_rubric(request: HttpRequest, pk: int, payload: RubricBody) -> dict[str, Any]:
    """Replace your rubric. Rounds that already started keep their frozen copy."""
    rubric = services.rubric_update(
        rubric=_mine(request, pk), by=request.user, document=_parse(payload)
    )  # type: ignore[arg-type]
    return {"id": rubric.pk, **services.rubric_document(rubric)}


@router.post("/rubrics/{pk}/duplicate", response={201: dict})
def duplicate_rubric(request: HttpRequest, pk: int):
    copy = services.rubric_duplicate(rubric=_visible(request, pk), owner=request.user)  # type: ignore[arg-type]
    return Status(201, {"id": copy.pk, **services.rubric_document(copy)})


@router.delete("/rubrics/{pk}", response={204: None})
def delete_rubric(request: HttpRequest, pk: int):
    services.rubric_delete(rubric=_mine(request, pk), by=request.user)  # type: ignore[arg-type]
    return Status(204, None)
