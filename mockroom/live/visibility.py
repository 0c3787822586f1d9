"""Who sees which room event: decided here, and only here.

Broadcast (which group an event goes to), resume and snapshots (which log rows a
participant may read) and the stream an event is numbered in all ask this module, so a
replay or an export that uses it shows each person exactly what they could see live.

- Everyone in the room sees every event except the author-only kinds below.
- A live score and a private note are seen by their author alone, on each of their tabs.
  The candidate never sees one, nor does anyone else.
"""

from __future__ import annotations

from typing import Any, Literal

ALL = "all"
AUTHOR = "author"
AUTHOR_ONLY_KINDS = frozenset({"score.set", "note.added"})

Stream = Literal["all", "me"]


def audience_for(kind: str) -> str:
    """The audience of an event kind: `author` for private kinds, else `all`."""
    return AUTHOR if kind in AUTHOR_ONLY_KINDS else ALL


def stream_key(audience: str, audience_user_id: int | None) -> str:
    """The key under which the room counts the stream's head (`prev` pointers)."""
    if audience == AUTHOR:
        return f"user:{audience_user_id}"
    return ALL


def viewer_stream(audience: str) -> Stream:
    """The stream name the viewer sees an event in: `all`, or `me` for their own."""
    return "me" if audience == AUTHOR else "all"


def replayed_payload(
    kind: str, payload: dict[str, Any], *, viewer_is_staff: bool, rubric_hidden_now: bool
) -> dict[str, Any]:
    """A logged payload as it may be shown again now (resume, replay). While the rubric is
    hidden from the candidate, an earlier `rubric.visibility` that showed it replays
    without the rubric itself: what was once shown is not shown again while hidden."""
    hide = kind == "rubric.visibility" and rubric_hidden_now and not viewer_is_staff
    if hide and payload.get("rubric") is not None:
        return {**payload, "rubric": None}
    return payload


def may_see(audience: str, audience_user_id: int | None, viewer_user_id: int) -> bool:
    """May this viewer read an event with this audience?"""
    return audience == ALL or (audience == AUTHOR and audience_user_id == viewer_user_id)
