"""One way to write a length of time on the report: "4 min 32 s", "5 min", "1 h 5 min".
Pure; the charts' tooltips use the same rule (frontend/src/charts/config.ts)."""

from __future__ import annotations


def duration_text(ms: int) -> str:
    """A duration in whole seconds, in words a reader doesn't have to decode (no "05:00",
    which reads like a clock time). Negative durations count as zero."""
    seconds = max(0, int(ms)) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} h")
    if minutes or (hours and secs):
        parts.append(f"{minutes} min")
    if secs:
        parts.append(f"{secs} s")
    return " ".join(parts) or "0 min"


def difference_text(planned_ms: int, actual_ms: int) -> str:
    """How far the actual time was from the plan: "2 min 10 s over", "30 s under", "on time"
    (within a second)."""
    delta = int(actual_ms) - int(planned_ms)
    if abs(delta) < 1000:
        return "on time"
    return f"{duration_text(abs(delta))} {'over' if delta > 0 else 'under'}"
