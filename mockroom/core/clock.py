"""Server time, in one place, so that tests can move it with time_machine."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def to_millis(moment: datetime) -> int:
    """Milliseconds since the epoch, the unit clients count in."""
    return int(moment.timestamp() * 1000)
