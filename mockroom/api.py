"""The HTTP API: session or personal-token authentication, OpenAPI at /api/openapi.json."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from mockroom.accounts.services import api_token_authenticate
from mockroom.core.api_errors import FieldRefused
from mockroom.core.validation import NUL, NUL_PROBLEM, JsonRefused, loads_bounded
from mockroom.feedback.api import router as feedback_router
from mockroom.interviews.api import router as interviews_router
from mockroom.rubrics.api import router as rubrics_router


class PersonalToken(HttpBearer):
    """`Authorization: Bearer mr_…`, a token made on the profile page."""

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


class BoundedParser(Parser):
    """Request bodies and query strings, refusing what no endpoint can store: JSON nested
    deeper than 32 levels (before parsing it) and NUL characters anywhere."""

    def parse_body(self, request: HttpRequest) -> Any:
        return loads_bounded(request.body)

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        for key, values in data.lists():
            if NUL in key or any(NUL in value for value in values):
                raise FieldRefused(key.replace(NUL, "\\x00"), NUL_PROBLEM)
        return super().parse_querydict(data, list_fields, request)


api = NinjaAPI(
    title="MockRoom API",
    version="1",
    description="Rounds and invitations. Same permission rules as the pages.",
    auth=[PersonalToken(), django_auth],
    urls_namespace="api",
    parser=BoundedParser(),
)
api.add_router("/", interviews_router)
api.add_router("/", rubrics_router)
api.add_router("/", feedback_router)


def _field_name(location: list[Any]) -> str:
    """`["body", "payload", "agenda", 0, "minutes"]` → `agenda.0.minutes`."""
    parts = [str(part) for part in location]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [
        {
            "field": _field_name(item.get("loc", [])),
            "message": str(item.get("msg", "invalid")).removeprefix("Value error, "),
        }
        for item in exc.errors
    ]
    detail = "; ".join(f"{p['field']}: {p['message']}" for p in problems) or "Invalid input."
    return api.create_response(request, {"detail": detail, "errors": problems}, status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    refused = exc.__cause__
    if isinstance(refused, JsonRefused):
        # Ninja wraps every body-parsing failure as "Cannot parse request body"; say why.
        body = {"detail": str(refused)}
        if refused.field:
            body["errors"] = [{"field": refused.field, "message": refused.problem}]
        return api.create_response(request, body, status=400)
    body: dict[str, Any] = {"detail": str(exc)}
    if isinstance(exc, FieldRefused):
        body["errors"] = [{"field": exc.field, "message": exc.problem}]
    return api.create_response(request, body, status=exc.status_code)
