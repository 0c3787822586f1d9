"""Feedback over the API: your own submission, and the other side's after release."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from mockroom.core.api_errors import errors
from mockroom.interviews.api import PublicId
from mockroom.interviews.models import Interview
from mockroom.interviews.selectors import participation_or_404

from .selectors import report_context

router = Router(tags=["feedback"])


def _submission(sub) -> dict[str, Any] | None:
    if sub is None:
        return None
    return {
        "role": sub.role,
        "submitted_at": sub.submitted_at,
        "data": sub.data,
        "addenda": [{"text": a.text, "at": a.created_at} for a in sub.addenda.all()],
    }


@router.get(
    "/interviews/{public_id}/report", response={200: dict[str, Any], **errors(401, 404, 409, 422)}
)
def get_report(request: HttpRequest, public_id: PublicId):
    """The report as you may see it: the other side's part only after release."""
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    if participant.interview.status != Interview.Status.ENDED:
        raise HttpError(409, "The round has not ended.")
    context = report_context(participant)
    return {
        "released": context["released"],
        "deadline": context["round"].deadline if context["round"] else None,
        "released_at": context["round"].released_at if context["round"] else None,
        "rows": context["rows"],
        "interviewer": _submission(context["interviewer_sub"]),
        "candidate": _submission(context["candidate_sub"]),
        "observer": _submission(context["observer_sub"]),
        "phases": context["times"],
    }
