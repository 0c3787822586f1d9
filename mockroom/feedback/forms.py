"""Turn the feedback forms' POST into each role's data (validated by schema.py after)."""

from __future__ import annotations

from typing import Any

from mockroom.core.validation import ascii_int


def _int(value: str | None) -> int | str | None:
    """A number typed in a form field. Anything that isn't plain digits stays as typed, so
    the schema refuses it and names the field ("²" must not turn into a silent blank)."""
    if value is None or not value.strip():
        return None
    number = ascii_int(value)
    return value if number is None else number


NOT_COVERED = "not_covered"


def _scores(post: Any, keys: list[str], prefix: str) -> dict[str, dict[str, Any]]:
    out = {}
    for key in keys:
        score = _int(post.get(f"{prefix}-{key}"))
        comment = post.get(f"{prefix}comment-{key}", "")
        if score is not None or comment:
            out[key] = {"score": score, "comment": comment}
    return out


def _self_scores(post: Any, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The candidate's scores: the same radio group also offers "not covered"."""
    out = _scores(post, keys, "self")
    for key in keys:
        if post.get(f"self-{key}") == NOT_COVERED:
            out[key] = {**out.get(key, {"comment": ""}), "score": None, "not_covered": True}
    return out


def data_from_post(role: str, post: Any, keys: list[str]) -> dict[str, Any]:
    if role == "interviewer":
        return {
            "scores": _scores(post, keys, "score"),
            "recommendation": post.get("recommendation") or None,
            "strengths": post.get("strengths", ""),
            "improvements": [
                text for i in (1, 2, 3) if (text := post.get(f"improvement-{i}", "").strip())
            ],
            "shared_note_ids": [_int(v) for v in post.getlist("share-note") if v.strip()],
        }
    if role == "candidate":
        return {
            "self_scores": _self_scores(post, keys),
            "rating": {
                aspect: _int(post.get(f"rating-{aspect}"))
                for aspect in ("clarity", "helpfulness", "fairness", "rubric_use")
            },
            "free_text": post.get("free_text", ""),
        }
    return {"scores": _scores(post, keys, "score"), "comments": post.get("comments", "")}
