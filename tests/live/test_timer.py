"""Timer maths: pure functions of (state, now), checked with shared vectors and time_machine."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from mockroom.core.clock import now, to_millis
from mockroom.live import timer as t

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "timer.json").read_text())
AGENDA = [5, 20, 10]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_shared_vectors(vector):
    state = t.TimerState.from_json(vector["state"], len(vector["agenda_minutes"]))
    got = t.view(state, vector["agenda_minutes"], vector["now_ms"])
    for key, value in vector["expect"].items():
        assert getattr(got, key) == value, key


def clock() -> int:
    return to_millis(now())


def test_pause_and_resume_keep_only_running_time():
    with time_machine.travel(datetime(2030, 1, 1, 9, 0, tzinfo=UTC), tick=False) as traveller:
        state = t.start(t.initial(3), clock())
        traveller.shift(timedelta(seconds=70))
        state = t.pause(state, clock())
        traveller.shift(timedelta(minutes=10))  # paused: does not count
        assert t.view(state, AGENDA, clock()).elapsed_ms == 70_000
        state = t.resume(state, clock())
        traveller.shift(timedelta(seconds=30))
        reading = t.view(state, AGENDA, clock())
        assert reading.elapsed_ms == 100_000
        assert reading.remaining_ms == 200_000


def test_add_time_extends_only_the_current_phase():
    with time_machine.travel(datetime(2030, 1, 1, 9, 0, tzinfo=UTC), tick=False) as traveller:
        state = t.add_time(t.start(t.initial(3), clock()), 2)
        traveller.shift(timedelta(minutes=6))
        reading = t.view(state, AGENDA, clock())
        assert reading.planned_ms == 7 * 60_000
        assert reading.remaining_ms == 60_000
        state = t.next_phase(state, clock())
        assert t.view(state, AGENDA, clock()).planned_ms == 20 * 60_000


def test_phase_changes_bank_time_and_keep_running():
    with time_machine.travel(datetime(2030, 1, 1, 9, 0, tzinfo=UTC), tick=False) as traveller:
        state = t.start(t.initial(3), clock())
        traveller.shift(timedelta(minutes=4))
        state = t.next_phase(state, clock())
        traveller.shift(timedelta(minutes=1))
        reading = t.view(state, AGENDA, clock())
        assert reading.phase_index == 1 and reading.running
        assert reading.elapsed_ms == 60_000
        assert reading.total_elapsed_ms == 5 * 60_000
        assert reading.phase_actual_ms == (240_000, 60_000, 0)
        state = t.previous_phase(state, clock())
        traveller.shift(timedelta(seconds=30))
        assert t.view(state, AGENDA, clock()).elapsed_ms == 270_000


def test_overtime_is_shown_not_clamped():
    with time_machine.travel(datetime(2030, 1, 1, 9, 0, tzinfo=UTC), tick=False) as traveller:
        state = t.start(t.initial(3), clock())
        traveller.shift(timedelta(minutes=6, seconds=5))
        reading = t.view(state, AGENDA, clock())
        assert reading.remaining_ms == -65_000
        assert reading.overtime_ms == 65_000


def test_restart_in_the_middle_of_a_phase_continues_correctly():
    """The state is stored as JSON in the database; a new process reading it later sees the
    time that passed while it was down."""
    with time_machine.travel(datetime(2030, 1, 1, 9, 0, tzinfo=UTC), tick=False) as traveller:
        state = t.start(t.initial(3), clock())
        traveller.shift(timedelta(minutes=2))
        stored = json.dumps(state.to_json())
        traveller.shift(timedelta(minutes=1))  # the server is down for a minute
        revived = t.TimerState.from_json(json.loads(stored), 3)
        assert t.view(revived, AGENDA, clock()).elapsed_ms == 180_000


def test_reset_returns_to_the_first_phase_with_nothing_spent():
    with time_machine.travel(datetime(2030, 1, 1, 9, 0, tzinfo=UTC), tick=False) as traveller:
        state = t.next_phase(t.start(t.initial(3), clock()), clock())
        traveller.shift(timedelta(minutes=3))
        state = t.reset(t.add_time(state, 5))
        assert state == t.initial(3)


@pytest.mark.parametrize(
    ("action", "code"),
    [
        (lambda s: t.pause(s, 0), "not_running"),
        (lambda s: t.start(t.start(s, 0), 0), "already_running"),
        (lambda s: t.previous_phase(s, 0), "first_phase"),
        (lambda s: t.next_phase(t.next_phase(t.next_phase(s, 0), 0), 0), "last_phase"),
        (lambda s: t.add_time(s, 0), "bad_minutes"),
        (lambda s: t.add_time(s, 61), "bad_minutes"),
    ],
)
def test_commands_that_do_not_fit_are_refused(action, code):
    with pytest.raises(t.TimerError) as error:
        action(t.initial(3))
    assert error.value.code == code


def test_an_agenda_is_required():
    with pytest.raises(t.TimerError):
        t.initial(0)
