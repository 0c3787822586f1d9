"""Rubric library and editor pages. Thin: forms → document → one service."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from mockroom.core.validation import JsonRefused, loads_bounded

from . import services
from .editor import EditorError, annotate, editor_errors
from .forms import blank_criterion, document_from_post
from .models import Rubric
from .schema import KIND_LABELS, KINDS, RubricDoc, published_schema

MAX_IMPORT_BYTES = 512 * 1024


def _visible(request: HttpRequest, pk: int) -> Rubric:
    """Built-in rubrics, or your own; anyone else's is a 404."""
    return get_object_or_404(
        Rubric.objects.filter(Q(is_builtin=True) | Q(owner=request.user)), pk=pk
    )


def _mine(request: HttpRequest, pk: int) -> Rubric:
    return get_object_or_404(Rubric, pk=pk, owner=request.user, is_builtin=False)


@login_required
def rubric_list(request: HttpRequest) -> HttpResponse:
    rubrics = services.rubrics_for(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "rubrics/list.html",
        {
            "library": [r for r in rubrics if r.is_builtin],
            "mine": [r for r in rubrics if not r.is_builtin],
        },
    )


@login_required
def rubric_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = _visible(request, pk)
    return render(
        request,
        "rubrics/detail.html",
        {"rubric": rubric, "document": services.rubric_document(rubric)},
    )


def _editor(request: HttpRequest, document: dict, errors: list[EditorError], rubric: Rubric | None):
    return render(
        request,
        "rubrics/edit.html",
        {
            "document": annotate(document, errors),
            "errors": errors,
            "rubric": rubric,
            "kinds": [(k, KIND_LABELS[k]) for k in KINDS],
        },
        status=400 if errors else 200,
    )


def _save(request: HttpRequest, rubric: Rubric | None) -> HttpResponse:
    document = document_from_post(request.POST)
    action = request.POST.get("action", "save")
    if action == "add":
        document["criteria"].append(blank_criterion(len(document["criteria"])))
        return _editor(request, document, [], rubric)
    try:
        parsed = RubricDoc.model_validate(document)
    except ValidationError as error:
        return _editor(request, document, editor_errors(error, document), rubric)
    if rubric is None:
        rubric = services.rubric_create(owner=request.user, document=parsed)  # type: ignore[arg-type]
        messages.success(request, "Rubric created.")
    else:
        services.rubric_update(rubric=rubric, by=request.user, document=parsed)  # type: ignore[arg-type]
        messages.success(request, "Rubric saved. Rounds that already started keep their copy.")
    return redirect("rubrics:detail", pk=rubric.pk)


@login_required
def rubric_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request, None)
    document = {"title": "", "kind": "other", "description": "", "criteria": [blank_criterion(0)]}
    return _editor(request, document, [], None)


@login_required
def rubric_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = _mine(request, pk)
    if request.method == "POST":
        return _save(request, rubric)
    return _editor(request, services.rubric_document(rubric), [], rubric)


@login_required
@require_POST
def rubric_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    copy = services.rubric_duplicate(rubric=_visible(request, pk), owner=request.user)  # type: ignore[arg-type]
    messages.success(request, "Duplicated: this copy is yours to edit.")
    return redirect("rubrics:edit", pk=copy.pk)


@login_required
@require_POST
def rubric_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.rubric_delete(rubric=_mine(request, pk), by=request.user)  # type: ignore[arg-type]
    messages.success(request, "Rubric deleted.")
    return redirect("rubrics:list")


@login_required
@require_POST
def rubric_move(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = _mine(request, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.rubric_move_criterion(
            rubric=rubric,
            by=request.user,
            key=request.POST.get("key", ""),
            offset=offset,  # type: ignore[arg-type]
        )
    except services.RubricError as error:
        messages.error(request, error.message)
    return redirect("rubrics:detail", pk=pk)


@login_required
def rubric_export(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = _visible(request, pk)
    response = HttpResponse(
        json.dumps(services.rubric_document(rubric), indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="rubric-{rubric.pk}.json"'
    return response


@login_required
def rubric_import(request: HttpRequest) -> HttpResponse:
    errors: list[EditorError] = []
    if request.method == "POST":
        upload = request.FILES.get("document")
        if upload is None:
            errors = [EditorError("document", "Choose a rubric JSON file.")]
        elif (upload.size or 0) > MAX_IMPORT_BYTES:
            errors = [EditorError("document", "The file is larger than 512 KiB.")]
        else:
            try:
                raw = loads_bounded(upload.read())
                parsed = RubricDoc.model_validate(raw)
            except JsonRefused as error:
                errors = [EditorError("document", str(error))]
            except ValidationError as error:
                errors = editor_errors(error, raw if isinstance(raw, dict) else {})
            else:
                parsed.slug = None
                rubric = services.rubric_create(owner=request.user, document=parsed)  # type: ignore[arg-type]
                messages.success(request, "Rubric imported.")
                return redirect("rubrics:detail", pk=rubric.pk)
    return render(request, "rubrics/import.html", {"errors": errors}, status=400 if errors else 200)


def rubric_schema(request: HttpRequest) -> JsonResponse:
    """The published JSON schema of a rubric document (public)."""
    return JsonResponse(published_schema())
