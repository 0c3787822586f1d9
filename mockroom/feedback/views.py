"""Feedback pages: the forms, the report, the CSV, progress. Thin."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mockroom.core.clock import now
from mockroom.interviews.models import Interview, Role
from mockroom.interviews.selectors import participation_or_404

from . import services
from .forms import data_from_post
from .models import Notice, Submission
from .schema import RATING_ASPECTS, RATING_ENDS, RECOMMENDATIONS
from .selectors import csv_rows, report_context


def _form_context(participant, data, problems=None):
    from mockroom.rubrics.live import round_rubric
    from mockroom.rubrics.models import LiveScore, Note

    interview = participant.interview
    rubric = round_rubric(interview) or {"criteria": []}
    field = {"interviewer": "scores", "candidate": "self_scores", "observer": "scores"}[
        participant.role
    ]
    values = dict(data.get(field, {}))
    if not values and participant.role != Role.CANDIDATE:
        # Prefill from live scoring.
        for live in LiveScore.objects.filter(interview=interview, scorer=participant.user):
            values[live.criterion_key] = {"score": live.score, "comment": live.comment}
    criteria = [
        {
            **c,
            "value": values.get(c["key"], {}).get("score"),
            "comment": values.get(c["key"], {}).get("comment", ""),
            "not_covered": bool(values.get(c["key"], {}).get("not_covered")),
        }
        for c in rubric["criteria"]
    ]
    notes = Note.objects.filter(interview=interview, author=participant.user).order_by("created_at")
    rating = data.get("rating", {})
    return {
        "interview": interview,
        "me": participant,
        "criteria": criteria,
        "data": data,
        "improvements": ([*data.get("improvements", []), "", "", ""])[:3],
        "recommendations": RECOMMENDATIONS.items(),
        "aspects": [
            {
                "key": key,
                "label": label,
                "value": rating.get(key),
                "low": RATING_ENDS[key][0],
                "high": RATING_ENDS[key][1],
                "choices": [
                    {"value": n, "end": RATING_ENDS[key][0] if n == 1 else RATING_ENDS[key][1]}
                    if n in (1, 5)
                    else {"value": n, "end": ""}
                    for n in range(1, 6)
                ],
            }
            for key, label in RATING_ASPECTS.items()
        ],
        "notes": notes,
        "problems": problems or [],
    }


@login_required
def feedback_form(request: HttpRequest, public_id: str) -> HttpResponse:
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    interview = participant.interview
    if interview.status != Interview.Status.ENDED:
        messages.info(request, "Feedback opens when the round ends.")
        return redirect("interviews:detail", public_id=public_id)
    submission = Submission.objects.filter(interview=interview, author=request.user).first()
    if submission and submission.status == Submission.Status.SUBMITTED:
        return redirect("feedback:report", public_id=public_id)
    keys = services.criteria_keys(interview)
    data = submission.data if submission else {}
    if request.method == "POST":
        data = data_from_post(participant.role, request.POST, keys)
        try:
            if request.POST.get("action") == "submit":
                services.feedback_submit(participant=participant, data=data)
                messages.success(request, "Feedback submitted. Thank you!")
                return redirect("feedback:report", public_id=public_id)
            services.feedback_save_draft(participant=participant, data=data)
            messages.success(request, "Draft saved.")
        except services.FeedbackError as error:
            context = _form_context(participant, data, [error.message, *error.problems])
            return render(request, "feedback/form.html", context, status=400)
    return render(request, "feedback/form.html", _form_context(participant, data))


@login_required
@require_POST
def feedback_autosave(request: HttpRequest, public_id: str) -> JsonResponse:
    """The form's autosave: keeps the draft, answers with when it was saved."""
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    keys = services.criteria_keys(participant.interview)
    try:
        submission = services.feedback_save_draft(
            participant=participant, data=data_from_post(participant.role, request.POST, keys)
        )
    except services.FeedbackError as error:
        return JsonResponse({"error": error.message, "problems": error.problems}, status=400)
    return JsonResponse({"saved_at": submission.updated_at.isoformat()})


@login_required
@require_POST
def feedback_addendum(request: HttpRequest, public_id: str) -> HttpResponse:
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    try:
        services.feedback_add_addendum(participant=participant, text=request.POST.get("text", ""))
    except services.FeedbackError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Addendum added.")
    return redirect("feedback:report", public_id=public_id)


@login_required
def report(request: HttpRequest, public_id: str) -> HttpResponse:
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    if participant.interview.status != Interview.Status.ENDED:
        messages.info(request, "The report exists once the round has ended.")
        return redirect("interviews:detail", public_id=public_id)
    Notice.objects.filter(
        user=request.user, key=f"released:{public_id}", read_at__isnull=True
    ).update(read_at=now())
    return render(request, "feedback/report.html", report_context(participant))


@login_required
def report_csv(request: HttpRequest, public_id: str) -> HttpResponse:
    participant = participation_or_404(public_id, request.user)  # type: ignore[arg-type]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scores-{public_id}.csv"'
    writer = csv.writer(response)
    writer.writerows(csv_rows(participant))
    return response


@login_required
def progress(request: HttpRequest) -> HttpResponse:
    from .progress import progress_context

    return render(request, "feedback/progress.html", progress_context(request.user))


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = Notice.objects.filter(pk=pk, user=request.user).first()
    if notice is not None:
        notice.read_at = now()
        notice.save(update_fields=["read_at"])
        return redirect(notice.url)
    return redirect("interviews:dashboard")
