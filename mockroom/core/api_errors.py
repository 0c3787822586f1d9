"""The API's error bodies, declared once so every endpoint can list its 4xx responses in the
OpenAPI document, and produced by the handlers in `mockroom/api.py`."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from ninja.errors import HttpError
from pydantic import Field


class FieldProblem(Schema):
    field: str = Field(description="The input at fault, e.g. `email` or `agenda.0.minutes`.")
    message: str


class ErrorOut(Schema):
    """Every 4xx answer of the API."""

    detail: str = Field(description="What went wrong, in a sentence.")
    errors: list[FieldProblem] = Field(
        default_factory=list, description="One entry per refused input, when inputs were."
    )


class FieldRefused(HttpError):
    """One named input is refused: answered as `{detail, errors: [{field, message}]}`."""

    def __init__(self, field: str, message: str, status_code: int = 422) -> None:
        super().__init__(status_code, f"{field}: {message}")
        self.field = field
        self.problem = message


def errors(*codes: int) -> dict[int, Any]:
    """`response={200: Out, **errors(401, 404)}`: the error statuses an endpoint may give."""
    return dict.fromkeys(codes, ErrorOut)
