"""Progress over rounds: a candidate's scores per criterion, an interviewer's ratings."""

from __future__ import annotations

from typing import Any

from mockroom.interviews.models import Interview, Role

from .models import Submission
from .selectors import feedback_state


def progress_context(user) -> dict[str, Any]:
    rounds = (
        Interview.objects.filter(status="ended", participants__user=user)
        .order_by("ended_at")
        .prefetch_related("participants")
    )
    as_candidate, as_interviewer = [], []
    for interview in rounds:
        role = next(p.role for p in interview.participants.all() if p.user_id == user.pk)
        _, released = feedback_state(interview)
        if not released or role == Role.OBSERVER:
            continue
        other = Role.INTERVIEWER if role == Role.CANDIDATE else Role.CANDIDATE
        sub = Submission.objects.filter(interview=interview, role=other, status="submitted").first()
        if sub is None:
            continue
        if role == Role.CANDIDATE:
            as_candidate.append((interview, sub))
        elif role == Role.INTERVIEWER:
            as_interviewer.append((interview, sub))
    labels = [f"{i.title} ({i.ended_at:%d %b})" for i, _ in as_candidate]
    names: dict[str, str] = {}
    for interview, _ in as_candidate:
        for c in (interview.rubric_snapshot or {}).get("criteria", []):
            names.setdefault(c["key"], c["name"])
    score_chart = {
        "type": "line",
        "title": "Interviewer scores per criterion, by round",
        "labels": labels,
        "min": 0,
        "max": 4,
        "datasets": [
            {
                "label": name,
                "data": [
                    (sub.data.get("scores", {}).get(key) or {}).get("score")
                    for _, sub in as_candidate
                ],
            }
            for key, name in names.items()
        ],
    }
    aspects = ("clarity", "helpfulness", "fairness", "rubric_use")
    rating_rows = [
        {"interview": i, **{a: sub.data.get("rating", {}).get(a) for a in aspects}}
        for i, sub in as_interviewer
    ]
    rating_chart = {
        "type": "bar",
        "title": "Ratings you received as interviewer",
        "labels": [f"{i.title} ({i.ended_at:%d %b})" for i, _ in as_interviewer],
        "min": 0,
        "max": 5,
        "datasets": [
            {"label": a.replace("_", " ").capitalize(), "data": [r[a] for r in rating_rows]}
            for a in aspects
        ],
    }
    return {
        "as_candidate": as_candidate,
        "as_interviewer": as_interviewer,
        "score_chart": score_chart,
        "rating_chart": rating_chart,
        "rating_rows": rating_rows,
    }
