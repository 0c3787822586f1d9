"""Reads of feedback, always as one participant may see it. Reading releases what is due."""

from __future__ import annotations

import math
from typing import Any

from mockroom.core.clock import now, to_millis
from mockroom.interviews.models import Interview, Participant, Role

from .durations import difference_text, duration_text
from .models import FeedbackRound, Notice, Submission
from .release import is_released, visible_authors
from .schema import RATING_ASPECTS, RECOMMENDATIONS
from .services import release_facts, release_if_due


def _mmss(ms: int) -> str:
    seconds = max(0, ms) // 1000
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def feedback_state(interview: Interview) -> tuple[FeedbackRound | None, bool]:
    release_if_due(interview)
    round_ = FeedbackRound.objects.filter(interview=interview).first()
    if round_ is None:
        return None, False
    return round_, is_released(release_facts(round_), now())


def _phase_times(interview: Interview) -> list[dict[str, Any]]:
    from mockroom.live.models import RoomState
    from mockroom.live.timer import TimerState, view

    phases = interview.phases
    state = RoomState.objects.filter(interview=interview).first()
    timer = TimerState.from_json(state.timer if state else None, len(phases))
    actual = view(timer, [p.minutes for p in phases], to_millis(now())).phase_actual_ms
    # Every length of time on the report is written one way (durations.duration_text); the
    # chart gets exact minutes and formats its tooltips by the same rule.
    return [
        {
            "name": p.name,
            "planned_min": p.minutes,
            "actual_min": actual[i] / 60_000,
            "planned": duration_text(p.minutes * 60_000),
            "actual": duration_text(actual[i]),
            "difference": difference_text(p.minutes * 60_000, actual[i]),
        }
        for i, p in enumerate(phases)
    ]


def report_context(participant: Participant) -> dict[str, Any]:
    """Everything the report page shows this participant, and nothing it must not."""
    from mockroom.rubrics.live import round_rubric
    from mockroom.rubrics.models import Note

    interview = participant.interview
    round_, released = feedback_state(interview)
    allowed = visible_authors(participant.role, released=released)
    submissions = {
        s.role: s
        for s in Submission.objects.filter(interview=interview, status="submitted")
        .select_related("author")
        .prefetch_related("addenda")
        if s.role in allowed and (s.role != Role.OBSERVER or s.author_id == participant.user_id)
    }
    rubric = round_rubric(interview) or {"criteria": []}
    interviewer = submissions.get(Role.INTERVIEWER)
    candidate = submissions.get(Role.CANDIDATE)
    observer = submissions.get(Role.OBSERVER)
    rows = []
    for criterion in rubric["criteria"]:
        levels = {lvl["score"]: lvl for lvl in criterion["levels"]}

        def cell(sub: Submission | None, field: str, key: str = criterion["key"], levels=levels):
            if sub is None:
                return None
            value = sub.data.get(field, {}).get(key) or {}
            score = value.get("score")
            level = levels.get(score)
            return {
                "score": score,
                "label": level["label"] if level else "",
                "anchor": level["anchor"] if level else "",
                "comment": value.get("comment", ""),
                "not_covered": bool(value.get("not_covered")),
            }

        rows.append(
            {
                "key": criterion["key"],
                "name": criterion["name"],
                "max": max(levels) if levels else 4,
                "interviewer": cell(interviewer, "scores"),
                "self": cell(candidate, "self_scores"),
                "observer": cell(observer, "scores"),
            }
        )
    shared_notes = []
    if interviewer is not None:
        ids = interviewer.data.get("shared_note_ids", [])
        for note in Note.objects.filter(interview=interview, pk__in=ids).order_by("created_at"):
            shared_notes.append(
                {"text": note.text, "at": _mmss(note.elapsed_ms), "phase": note.phase_name}
            )
    rating = None
    if candidate is not None:
        rating = [
            {"aspect": label, "value": candidate.data.get("rating", {}).get(key)}
            for key, label in RATING_ASPECTS.items()
        ]
    chart = {
        "type": "radar",
        "title": "Interviewer's scores and self-assessment",
        "labels": [r["name"] for r in rows],
        "min": 0,
        "max": max([r["max"] for r in rows] or [4]),
        "datasets": [
            {
                "label": "Interviewer",
                "data": [r["interviewer"] and r["interviewer"]["score"] for r in rows],
            },
            {"label": "Self-assessment", "data": [r["self"] and r["self"]["score"] for r in rows]},
        ],
    }
    times = _phase_times(interview)
    time_chart = {
        "type": "bar",
        "title": "Planned and actual minutes per phase",
        "labels": [t["name"] for t in times],
        "min": 0,
        "max": math.ceil(max([max(t["planned_min"], t["actual_min"]) for t in times] or [1])) + 1,
        "format": "minutes",
        "datasets": [
            {"label": "Planned", "data": [t["planned_min"] for t in times]},
            {"label": "Actual", "data": [t["actual_min"] for t in times]},
        ],
    }
    mine = Submission.objects.filter(interview=interview, author=participant.user).first()
    return {
        "interview": interview,
        "me": participant,
        "round": round_,
        "released": released,
        "rows": rows,
        "interviewer_sub": interviewer,
        "candidate_sub": candidate,
        "observer_sub": observer,
        "recommendation": RECOMMENDATIONS.get(
            (interviewer.data if interviewer else {}).get("recommendation") or ""
        ),
        "shared_notes": shared_notes,
        "rating": rating,
        "show_rating": participant.role in (Role.INTERVIEWER, Role.CANDIDATE),
        "chart": chart,
        "time_chart": time_chart,
        "times": times,
        "my_submission": mine,
    }


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: Any) -> Any:
    """The cell as a spreadsheet must show it: text that would start a formula gets a
    leading `'`; everything else, the empty string included, is left as it is."""
    if isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS):
        return f"'{cell}"
    return cell


def csv_rows(participant: Participant) -> list[list[Any]]:
    """The score table of the report, with every cell safe to open in a spreadsheet."""
    context = report_context(participant)
    out: list[list[Any]] = [
        ["criterion", "interviewer_score", "interviewer_comment", "self_score", "self_comment"]
    ]
    for row in context["rows"]:
        i, s = row["interviewer"] or {}, row["self"] or {}
        out.append(
            [
                row["name"],
                i.get("score", ""),
                i.get("comment", ""),
                "not covered" if s.get("not_covered") else s.get("score", ""),
                s.get("comment", ""),
            ]
        )
    return [[spreadsheet_safe(cell) for cell in row] for row in out]


def unread_notices(user) -> list[Notice]:
    return list(Notice.objects.filter(user=user, read_at__isnull=True)[:10])
