from datetime import UTC, datetime

import time_machine

from mockroom.core.clock import now, to_millis


def test_now_is_timezone_aware_utc():
    assert now().tzinfo is UTC


def test_now_follows_time_machine():
    with time_machine.travel(datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC), tick=False):
        assert now() == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_to_millis_counts_milliseconds_since_epoch():
    assert to_millis(datetime(1970, 1, 1, 0, 0, 1, 500_000, tzinfo=UTC)) == 1500
