from datetime import UTC, datetime, timedelta

import pytest

from mockroom.interviews.rules import InvitationFacts, InvitationState, invitation_state

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def facts(**overrides) -> InvitationFacts:
    values = {
        "expires_at": NOW + timedelta(days=1),
        "revoked": False,
        "single_use": True,
        "use_count": 0,
    }
    values.update(overrides)
    return InvitationFacts(**values)


def test_fresh_invitation_is_valid():
    assert invitation_state(facts(), NOW) is InvitationState.VALID


def test_invitation_expires_at_its_expiry():
    assert invitation_state(facts(expires_at=NOW), NOW) is InvitationState.EXPIRED
    assert invitation_state(facts(expires_at=NOW + timedelta(seconds=1)), NOW) == "valid"


def test_single_use_invitation_is_used_after_one_join():
    assert invitation_state(facts(use_count=1), NOW) is InvitationState.USED


def test_observer_invitation_stays_valid_after_many_joins():
    assert invitation_state(facts(single_use=False, use_count=9), NOW) is InvitationState.VALID


@pytest.mark.parametrize("use_count", [0, 1])
def test_revoked_wins_over_every_other_reason(use_count):
    state = invitation_state(
        facts(revoked=True, use_count=use_count, expires_at=NOW - timedelta(days=1)), NOW
    )
    assert state is InvitationState.REVOKED


def test_used_wins_over_expired():
    state = invitation_state(facts(use_count=1, expires_at=NOW - timedelta(days=1)), NOW)
    assert state is InvitationState.USED
