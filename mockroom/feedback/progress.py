"""Progress over rounds: a candidate's scores per criterion, an interviewer's ratings."""

from __future__ import annotations

from typing import Any

from mockroom.interviews.models import Interview, Role

from .charts import chart_table
from .models import Submission
from .schema import RATING_ASPECTS
from .selectors import feedback_state


def _round_label(interview: Interview) -> str:
    return f"{interview.title} ({interview.ended_at:%d %b})"


def _score_cell(interviewer_value: dict | None, own_value: dict | None) -> str:
    """One criterion of one round: the interviewer's score, then yours ("not covered" when you
    said the round never reached it)."""
    theirs = (interviewer_value or {}).get("score")
    text = f"Interviewer {theirs}" if theirs is not None else "Interviewer —"
    own = own_value or {}
    if own.get("not_covered"):
        return f"{text}; you: not covered"
    if own.get("score") is not None:
        return f"{text}; you {own['score']}"
    return text


def progress_context(user) -> dict[str, Any]:
    rounds = (
        Interview.objects.filter(status="ended", participants__user=user)
        .order_by("ended_at")
        .prefetch_related("participants")
    )
    as_candidate, as_interviewer = [], []
    own: dict[int, Submission] = {}
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
            mine = Submission.objects.filter(
                interview=interview, author=user, status="submitted"
            ).first()
            if mine is not None:
                own[interview.pk] = mine
        elif role == Role.INTERVIEWER:
            as_interviewer.append((interview, sub))
    labels = [_round_label(i) for i, _ in as_candidate]
    names: dict[str, str] = {}
    top = 1
    for interview, _ in as_candidate:
        for c in (interview.rubric_snapshot or {}).get("criteria", []):
            names.setdefault(c["key"], c["name"])
            top = max([top, *(level["score"] for level in c.get("levels", []))])
    if top == 1:
        top = 4
    score_chart = {
        # One round is no line: its dots would sit on one vertical. Bars show it plainly.
        "type": "line" if len(as_candidate) > 1 else "bar",
        "title": "Interviewer scores per criterion, by round",
        "labels": labels,
        "min": 0,
        "max": top,
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
    score_table = {
        "caption": "Scores per criterion, by round: the interviewer's, then your self-assessment",
        "row_header": "Round",
        "columns": list(names.values()),
        "rows": [
            {
                "label": _round_label(interview),
                "cells": [
                    _score_cell(
                        sub.data.get("scores", {}).get(key),
                        own[interview.pk].data.get("self_scores", {}).get(key)
                        if interview.pk in own
                        else None,
                    )
                    for key in names
                ],
            }
            for interview, sub in as_candidate
        ],
    }
    aspects = tuple(RATING_ASPECTS)
    rating_rows = [
        {"interview": i, **{a: sub.data.get("rating", {}).get(a) for a in aspects}}
        for i, sub in as_interviewer
    ]
    rating_chart = {
        "type": "bar",
        "title": "Ratings you received as interviewer (1 to 5)",
        "labels": [_round_label(i) for i, _ in as_interviewer],
        "min": 0,
        "max": 5,
        "datasets": [
            {"label": RATING_ASPECTS[a], "data": [r[a] for r in rating_rows]} for a in aspects
        ],
    }
    return {
        "as_candidate": as_candidate,
        "as_interviewer": as_interviewer,
        "score_chart": score_chart,
        "score_table": score_table,
        "rating_chart": rating_chart,
        "rating_table": chart_table(rating_chart, row_header="Round"),
        "rating_rows": rating_rows,
    }
