"""The agenda timer as pure functions of (state, now). Nothing ticks: the state holds
timestamps and banked milliseconds, and every reading is computed from them.

- `phase_spent_ms[i]` is time already banked in phase i (finished stretches).
- While running, the current stretch started at `anchor_ms` (server epoch ms).
- `added_ms[i]` is extra time the interviewer granted to phase i.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

MAX_ADD_MINUTES = 60


class TimerError(ValueError):
    """A command that makes no sense in the current state, with a client-facing code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class TimerState:
    phase_index: int = 0
    running: bool = False
    anchor_ms: int | None = None
    phase_spent_ms: tuple[int, ...] = ()
    added_ms: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "phase_index": self.phase_index,
            "running": self.running,
            "anchor_ms": self.anchor_ms,
            "phase_spent_ms": list(self.phase_spent_ms),
            "added_ms": list(self.added_ms),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None, phase_count: int) -> TimerState:
        if not raw:
            return initial(phase_count)
        return cls(
            phase_index=int(raw["phase_index"]),
            running=bool(raw["running"]),
            anchor_ms=raw.get("anchor_ms"),
            phase_spent_ms=tuple(int(v) for v in raw["phase_spent_ms"]),
            added_ms=tuple(int(v) for v in raw["added_ms"]),
        )


@dataclass(frozen=True)
class TimerView:
    """What everyone sees: the current phase, what is left of it, and the round's total."""

    phase_index: int
    running: bool
    planned_ms: int
    elapsed_ms: int
    remaining_ms: int
    overtime_ms: int
    total_elapsed_ms: int
    total_planned_ms: int
    phase_actual_ms: tuple[int, ...] = field(default=())


def initial(phase_count: int) -> TimerState:
    if phase_count < 1:
        raise TimerError("no_agenda", "The round has no agenda.")
    return TimerState(phase_spent_ms=(0,) * phase_count, added_ms=(0,) * phase_count)


def _current_stretch(state: TimerState, now_ms: int) -> int:
    if not state.running or state.anchor_ms is None:
        return 0
    return max(0, now_ms - state.anchor_ms)


def _bank(state: TimerState, now_ms: int) -> TimerState:
    """Move the running stretch into the current phase's bank; keeps running if it was."""
    stretch = _current_stretch(state, now_ms)
    spent = list(state.phase_spent_ms)
    spent[state.phase_index] += stretch
    return replace(state, phase_spent_ms=tuple(spent), anchor_ms=now_ms if state.running else None)


def start(state: TimerState, now_ms: int) -> TimerState:
    if state.running:
        raise TimerError("already_running", "The timer is already running.")
    return replace(state, running=True, anchor_ms=now_ms)


resume = start


def pause(state: TimerState, now_ms: int) -> TimerState:
    if not state.running:
        raise TimerError("not_running", "The timer is not running.")
    return replace(_bank(state, now_ms), running=False, anchor_ms=None)


def go_to_phase(state: TimerState, index: int, now_ms: int) -> TimerState:
    if not 0 <= index < len(state.phase_spent_ms):
        raise TimerError("no_such_phase", "There is no phase there.")
    banked = _bank(state, now_ms)
    return replace(banked, phase_index=index, anchor_ms=now_ms if state.running else None)


def next_phase(state: TimerState, now_ms: int) -> TimerState:
    if state.phase_index + 1 >= len(state.phase_spent_ms):
        raise TimerError("last_phase", "This is the last phase.")
    return go_to_phase(state, state.phase_index + 1, now_ms)


def previous_phase(state: TimerState, now_ms: int) -> TimerState:
    if state.phase_index == 0:
        raise TimerError("first_phase", "This is the first phase.")
    return go_to_phase(state, state.phase_index - 1, now_ms)


def add_time(state: TimerState, minutes: int) -> TimerState:
    if not 1 <= minutes <= MAX_ADD_MINUTES:
        raise TimerError("bad_minutes", f"Add between 1 and {MAX_ADD_MINUTES} minutes.")
    added = list(state.added_ms)
    added[state.phase_index] += minutes * 60_000
    return replace(state, added_ms=tuple(added))


def reset(state: TimerState) -> TimerState:
    return initial(len(state.phase_spent_ms))


def view(state: TimerState, planned_minutes: list[int], now_ms: int) -> TimerView:
    """Read the timer at `now_ms`. Overtime is shown as overtime, never clamped to zero."""
    if len(planned_minutes) != len(state.phase_spent_ms):
        raise TimerError("agenda_mismatch", "The agenda and the timer disagree.")
    actual = list(state.phase_spent_ms)
    actual[state.phase_index] += _current_stretch(state, now_ms)
    planned = planned_minutes[state.phase_index] * 60_000 + state.added_ms[state.phase_index]
    elapsed = actual[state.phase_index]
    remaining = planned - elapsed
    return TimerView(
        phase_index=state.phase_index,
        running=state.running,
        planned_ms=planned,
        elapsed_ms=elapsed,
        remaining_ms=remaining,
        overtime_ms=max(0, -remaining),
        total_elapsed_ms=sum(actual),
        total_planned_ms=sum(m * 60_000 for m in planned_minutes) + sum(state.added_ms),
        phase_actual_ms=tuple(actual),
    )
