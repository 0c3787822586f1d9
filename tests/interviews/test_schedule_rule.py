"""How far from now a round may be scheduled. Pure: no database."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mockroom.interviews.rules import (
    SCHEDULE_FUTURE_LIMIT,
    SCHEDULE_PAST_LIMIT,
    schedule_problem,
)

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def test_a_round_within_the_window_is_accepted():
    assert schedule_problem(NOW, NOW) is None
    assert schedule_problem(NOW + SCHEDULE_FUTURE_LIMIT, NOW) is None
    assert schedule_problem(NOW - SCHEDULE_PAST_LIMIT, NOW) is None


def test_a_round_beyond_five_years_ahead_is_refused():
    late = NOW + SCHEDULE_FUTURE_LIMIT + timedelta(seconds=1)
    assert schedule_problem(late, NOW) == "can be at most five years ahead"


def test_a_round_more_than_a_year_ago_is_refused():
    early = NOW - SCHEDULE_PAST_LIMIT - timedelta(seconds=1)
    assert schedule_problem(early, NOW) == "can be at most a year in the past"


@pytest.mark.parametrize(
    "extreme",
    [
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-23, minutes=-59))),
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=14))),
        datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=23))),
        datetime(1, 1, 1, 0, 0, tzinfo=UTC),
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_refused_without_overflow(extreme):
    assert schedule_problem(extreme, NOW) is not None


def test_a_date_without_offset_is_refused():
    assert schedule_problem(NOW.replace(tzinfo=None), NOW) == "needs a UTC offset"
