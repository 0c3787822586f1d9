"""Live scoring and private notes in the room. Both are author-audience events: only the
person who scored or wrote sees them, on any of their tabs."""

from __future__ import annotations

from typing import Any

from mockroom.core.clock import now, to_millis
from mockroom.interviews.models import Interview, Participant
from mockroom.live import timer as timer_math
from mockroom.live.events import NewEvent, append_events
from mockroom.live.models import RoomState

from .models import LiveScore, Note


class ScoringError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def round_rubric(interview: Interview) -> dict[str, Any] | None:
    """The rubric the round uses: its frozen snapshot once started, else the live template."""
    if interview.rubric_snapshot:
        return interview.rubric_snapshot
    if interview.rubric is not None:
        from .services import rubric_document

        return rubric_document(interview.rubric)
    return None


def _require_live(interview: Interview) -> None:
    if interview.status == Interview.Status.ENDED:
        raise ScoringError("round_ended", "The round has ended; use the feedback form.")
    if interview.status != Interview.Status.LIVE:
        raise ScoringError("round_not_live", "Scores and notes open when the round starts.")


def _private(
    participant: Participant, interview: Interview, kind: str, payload: dict, client_msg_id: str
) -> NewEvent:
    return NewEvent(
        interview=interview,
        kind=kind,
        payload=payload,
        actor=participant.user,
        actor_role=participant.role,
        client_msg_id=client_msg_id,
    )


def score_set(
    *,
    state: RoomState,
    participant: Participant,
    interview: Interview,
    client_msg_id: str,
    args: dict[str, Any],
) -> int:
    """Record the scorer's live score for one criterion of the round's rubric."""
    _require_live(interview)
    rubric = round_rubric(interview) or {"criteria": []}
    criteria = {c["key"]: c for c in rubric["criteria"]}
    criterion = criteria.get(args["criterion"])
    if criterion is None:
        raise ScoringError("invalid", "No such criterion in this round's rubric.")
    score = args.get("score")
    if score is not None and score not in {level["score"] for level in criterion["levels"]}:
        raise ScoringError("invalid", "That score is not one of the criterion's levels.")
    LiveScore.objects.update_or_create(
        interview=interview,
        scorer=participant.user,
        criterion_key=criterion["key"],
        defaults={"score": score, "comment": args.get("comment", "")},
    )
    payload = {"criterion": criterion["key"], "score": score, "comment": args.get("comment", "")}
    (event,) = append_events(
        [_private(participant, interview, "score.set", payload, client_msg_id)],
        states={interview.pk: state},
    )
    return event.seq


def note_add(
    *,
    state: RoomState,
    participant: Participant,
    interview: Interview,
    client_msg_id: str,
    args: dict[str, Any],
) -> int:
    """Keep a private note stamped with the elapsed round time and the current phase."""
    _require_live(interview)
    phases = interview.phases
    timer = timer_math.TimerState.from_json(state.timer, len(phases))
    reading = timer_math.view(timer, [p.minutes for p in phases], to_millis(now()))
    note = Note.objects.create(
        interview=interview,
        author=participant.user,
        text=args["text"].strip(),
        elapsed_ms=reading.total_elapsed_ms,
        phase_index=reading.phase_index,
        phase_name=phases[reading.phase_index].name,
    )
    (event,) = append_events(
        [_private(participant, interview, "note.added", note_out(note), client_msg_id)],
        states={interview.pk: state},
    )
    return event.seq


def note_out(note: Note) -> dict[str, Any]:
    return {
        "id": note.pk,
        "text": note.text,
        "elapsed_ms": note.elapsed_ms,
        "phase_index": note.phase_index,
        "phase_name": note.phase_name,
        "at": to_millis(note.created_at),
    }


def my_scores(interview: Interview, user_id: int) -> list[dict[str, Any]]:
    return [
        {"criterion": s.criterion_key, "score": s.score, "comment": s.comment}
        for s in LiveScore.objects.filter(interview=interview, scorer_id=user_id).order_by("pk")
    ]


def my_notes(interview: Interview, user_id: int) -> list[dict[str, Any]]:
    return [note_out(n) for n in Note.objects.filter(interview=interview, author_id=user_id)]


def rubric_out(document: dict[str, Any] | None) -> dict[str, Any] | None:
    """protocol.RubricOut: criteria and anchors, nothing else."""
    if not document:
        return None
    return {
        "title": document.get("title", ""),
        "criteria": [
            {
                "key": c["key"],
                "name": c["name"],
                "description": c.get("description", ""),
                "weight": c.get("weight", 1),
                "phases": list(c.get("phases", [])),
                "levels": [
                    {"score": lvl["score"], "label": lvl["label"], "anchor": lvl["anchor"]}
                    for lvl in c["levels"]
                ],
            }
            for c in document.get("criteria", [])
        ],
    }


def rubric_visibility(
    *,
    state: RoomState,
    participant: Participant,
    interview: Interview,
    client_msg_id: str,
    args: dict[str, Any],
) -> int:
    """Hide the rubric from the candidate, or show it again (interviewer)."""
    if interview.status == Interview.Status.ENDED:
        raise ScoringError("round_ended", "The round has ended; the room is read-only.")
    interview.rubric_hidden = bool(args["hidden"])
    interview.save(update_fields=["rubric_hidden", "updated_at"])
    (event,) = append_events(
        [
            NewEvent(
                interview=interview,
                kind="rubric.visibility",
                payload={
                    "hidden": interview.rubric_hidden,
                    "rubric": None
                    if interview.rubric_hidden
                    else rubric_out(round_rubric(interview)),
                },
                actor=participant.user,
                actor_role=participant.role,
                client_msg_id=client_msg_id,
            )
        ],
        states={interview.pk: state},
    )
    return event.seq


def snapshot_part(*, participant: Participant, interview: Interview) -> dict[str, Any]:
    """The rubric (unless hidden from this participant) and, for staff, their own scores and
    notes."""
    staff = participant.is_staff
    show_rubric = staff or not interview.rubric_hidden
    return {
        "rubric": rubric_out(round_rubric(interview)) if show_rubric else None,
        "rubric_hidden": interview.rubric_hidden,
        "scores": my_scores(interview, participant.user_id) if staff else [],
        "notes": my_notes(interview, participant.user_id) if staff else [],
    }


def register() -> None:
    """Plug live scoring, notes and rubric visibility into the room (AppConfig.ready)."""
    from mockroom.live import features

    for name, handler in (
        ("score.set", score_set),
        ("note.add", note_add),
        ("rubric.visibility", rubric_visibility),
    ):
        features.register_command(name, handler, refusals=(ScoringError,))
    features.register_snapshot_part("rubrics", snapshot_part)
