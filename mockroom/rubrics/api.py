"""The rubric editor over HTTP: the same documents as the JSON import and export."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Path, Router, Schema, Status
from ninja.errors import HttpError

from mockroom.core.api_errors import errors

from . import services
from .models import Rubric
from .schema import RubricDoc

router = Router(tags=["rubrics"])
RubricId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class RubricSummaryOut(Schema):
    id: int
    title: str
    kind: str
    builtin: bool
    criteria: int


class RubricOut(RubricDoc):
    """A stored rubric: its id and its `mockroom.rubric/v1` document."""

    id: int


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


def _own_copy(document: RubricDoc) -> RubricDoc:
    document.slug = None  # slugs name the built-in library only
    return document


def _summary(rubric: Rubric) -> dict[str, Any]:
    return {
        "id": rubric.pk,
        "title": rubric.title,
        "kind": rubric.kind,
        "builtin": rubric.is_builtin,
        "criteria": rubric.criteria.count(),
    }


def _out(rubric: Rubric) -> dict[str, Any]:
    return {"id": rubric.pk, **services.rubric_document(rubric)}


@router.get("/rubrics", response={200: list[RubricSummaryOut], **errors(401)})
def list_rubrics(request: HttpRequest):
    """The library and your own rubrics."""
    return [_summary(r) for r in services.rubrics_for(request.user)]  # type: ignore[arg-type]


@router.get("/rubrics/{pk}", response={200: RubricOut, **errors(401, 404, 422)}, by_alias=True)
def get_rubric(request: HttpRequest, pk: RubricId):
    """A rubric as a `mockroom.rubric/v1` document."""
    return _out(_visible(request, pk))


@router.post("/rubrics", response={201: RubricOut, **errors(400, 401, 403, 422)}, by_alias=True)
def create_rubric(request: HttpRequest, payload: RubricDoc):
    """Create a rubric from a document (see /rubrics/schema.json)."""
    rubric = services.rubric_create(owner=request.user, document=_own_copy(payload))  # type: ignore[arg-type]
    return Status(201, _out(rubric))


@router.put(
    "/rubrics/{pk}", response={200: RubricOut, **errors(400, 401, 403, 404, 422)}, by_alias=True
)
def update_rubric(request: HttpRequest, pk: RubricId, payload: RubricDoc):
    """Replace your rubric. Rounds that already started keep their frozen copy."""
    rubric = services.rubric_update(
        rubric=_mine(request, pk),
        by=request.user,  # type: ignore[arg-type]
        document=_own_copy(payload),
    )
    return _out(rubric)


@router.post(
    "/rubrics/{pk}/duplicate",
    response={201: RubricOut, **errors(401, 403, 404, 422)},
    by_alias=True,
)
def duplicate_rubric(request: HttpRequest, pk: RubricId):
    """Copy a library rubric or one of yours into a new rubric of yours."""
    copy = services.rubric_duplicate(rubric=_visible(request, pk), owner=request.user)  # type: ignore[arg-type]
    return Status(201, _out(copy))


@router.delete("/rubrics/{pk}", response={204: None, **errors(401, 403, 404, 422)})
def delete_rubric(request: HttpRequest, pk: RubricId):
    """Delete your rubric. Rounds keep theirs."""
    services.rubric_delete(rubric=_mine(request, pk), by=request.user)  # type: ignore[arg-type]
    return Status(204, None)
