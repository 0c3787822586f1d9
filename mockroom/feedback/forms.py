"""Turn the feedback forms' POST into each role's data (validated by schema.py after)."""

from __future__ import annotations

from typing import Any


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _scores(post: Any, keys: list[str], prefix: str) -> dict[str, dict[str, Any]]:
    out = {}
    for key in keys:
        score = _int(post.get(f"{prefix}-{key}"))
        comment = post.get(f"{prefix}comment-{key}", "")
        if score is not None or comment:
            out[key] = {"score": score, "comment": comment}
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
            "shared_note_ids": [int(v) for v in post.getlist("share-note") if v.isdigit()],
        }
    if role == "candidate":
        return {
            "self_scores": _scores(post, keys, "self"),
            "rating": {
                aspect: _int(post.get(f"rating-{aspect}"))
                for aspect in ("clarity", "helpfulness", "fairness", "rubric_use")
            },
            "free_text": post.get("free_text", ""),
        }
    return {"scores": _scores(post, keys, "score"), "comments": post.get("comments", "")}
