"""Limits per user per room, shared by all of that user's sockets in this process.

A socket's own bucket is no limit at all when the same user opens ten sockets. Here one
user in one room has one message bucket, one byte bucket, a cap on open connections and a
bucket for connection attempts (so connect/close churn cannot flood the room). Rooms are
pinned to one worker by the proxy (room affinity), so a room's sockets share this process.
Pure apart from the process-wide registry; the caller passes the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .ratelimit import TokenBucket


@dataclass(frozen=True)
class LimitSettings:
    messages_per_second: float
    message_burst: float
    bytes_per_second: float
    byte_burst: float
    max_connections: int
    connects_per_minute: float
    connect_burst: float


@dataclass
class UserInRoom:
    """What one user may still do in one room."""

    messages: TokenBucket
    bytes: TokenBucket
    connects: TokenBucket
    connections: int = 0
    seen: float = 0.0


@dataclass
class RoomLimits:
    """The process's table of users in rooms. Idle entries are dropped after `idle_after`."""

    settings: LimitSettings
    idle_after: float = 600.0
    users: dict[tuple[int, int], UserInRoom] = field(default_factory=dict)

    def _entry(self, room: int, user: int, now: float) -> UserInRoom:
        key = (room, user)
        entry = self.users.get(key)
        if entry is None:
            self._prune(now)
            s = self.settings
            entry = UserInRoom(
                messages=TokenBucket(rate=s.messages_per_second, burst=s.message_burst),
                bytes=TokenBucket(rate=s.bytes_per_second, burst=s.byte_burst),
                connects=TokenBucket(rate=s.connects_per_minute / 60.0, burst=s.connect_burst),
            )
            self.users[key] = entry
        entry.seen = now
        return entry

    def _prune(self, now: float) -> None:
        stale = [
            key
            for key, entry in self.users.items()
            if entry.connections == 0 and now - entry.seen > self.idle_after
        ]
        for key in stale:
            del self.users[key]

    def connect(self, room: int, user: int, now: float) -> str | None:
        """Count a new connection; returns why it is refused, or None."""
        entry = self._entry(room, user, now)
        if entry.connections >= self.settings.max_connections:
            return "too_many_connections"
        if not entry.connects.allow(now):
            return "reconnecting_too_fast"
        entry.connections += 1
        return None

    def disconnect(self, room: int, user: int, now: float) -> None:
        entry = self._entry(room, user, now)
        entry.connections = max(0, entry.connections - 1)

    def allow_message(self, room: int, user: int, now: float, cost: float, size: int) -> bool:
        """Take a message's tokens and its bytes from the user's buckets."""
        entry = self._entry(room, user, now)
        if not entry.bytes.allow(now, float(size)):
            return False
        return entry.messages.allow(now, cost)


_table: RoomLimits | None = None


def room_limits(current: LimitSettings) -> RoomLimits:
    """The process's table for these settings (a new, empty one when they change)."""
    global _table
    if _table is None or _table.settings != current:
        _table = RoomLimits(settings=current)
    return _table


def reset() -> None:
    """Forget every user (tests start each case with a fresh table)."""
    global _table
    _table = None
