"""The release rule: a full matrix under time_machine."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from mockroom.core.clock import now
from mockroom.feedback.release import (
    Reason,
    ReleaseFacts,
    is_released,
    release_due,
    visible_authors,
)

END = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
DEADLINE = END + timedelta(hours=48)


def facts(i: bool, c: bool, released_at=None) -> ReleaseFacts:
    return ReleaseFacts(
        interviewer_submitted=i, candidate_submitted=c, deadline=DEADLINE, released_at=released_at
    )


@pytest.mark.parametrize(
    ("interviewer", "candidate", "hours_after_end", "expected"),
    [
        (False, False, 1, None),
        (True, False, 1, None),
        (False, True, 1, None),
        (True, True, 1, Reason.BOTH_SUBMITTED),
        (False, False, 47.99, None),
        (False, False, 48, Reason.DEADLINE),
        (True, False, 49, Reason.DEADLINE),
        (False, True, 72, Reason.DEADLINE),
        (True, True, 72, Reason.BOTH_SUBMITTED),
    ],
)
def test_release_matrix(interviewer, candidate, hours_after_end, expected):
    with time_machine.travel(END + timedelta(hours=hours_after_end), tick=False):
        assert release_due(facts(interviewer, candidate), now()) == expected
        assert is_released(facts(interviewer, candidate), now()) == (expected is not None)


def test_a_release_happens_once():
    with time_machine.travel(END + timedelta(hours=100), tick=False):
        released = facts(True, True, released_at=END + timedelta(hours=2))
        assert release_due(released, now()) is None
        assert is_released(released, now())


def test_an_addendum_after_release_changes_nothing_about_release():
    """Addenda don't un-release or re-release: the rule looks only at submissions."""
    with time_machine.travel(END + timedelta(hours=3), tick=False):
        released = facts(True, True, released_at=END + timedelta(hours=2))
        assert is_released(released, now()) and release_due(released, now()) is None


@pytest.mark.parametrize(
    ("role", "released", "expected"),
    [
        ("interviewer", False, {"interviewer"}),
        ("candidate", False, {"candidate"}),
        ("interviewer", True, {"interviewer", "candidate"}),
        ("candidate", True, {"interviewer", "candidate"}),
        ("observer", False, {"observer"}),
        ("observer", True, {"observer"}),
    ],
)
def test_who_reads_whose_submission(role, released, expected):
    assert visible_authors(role, released=released) == expected
