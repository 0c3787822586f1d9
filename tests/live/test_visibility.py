"""The one visibility rule: private kinds reach their author alone."""

import pytest

from mockroom.live import visibility


@pytest.mark.parametrize("kind", ["score.set", "note.added"])
def test_scores_and_notes_are_seen_by_their_author_alone(kind):
    audience = visibility.audience_for(kind)
    assert audience == visibility.AUTHOR
    assert visibility.may_see(audience, 7, viewer_user_id=7)
    assert not visibility.may_see(audience, 7, viewer_user_id=8)
    assert visibility.viewer_stream(audience) == "me"
    assert visibility.stream_key(audience, 7) == "user:7"


@pytest.mark.parametrize(
    "kind", ["timer.changed", "board.updated", "presence.joined", "prompt.revealed"]
)
def test_everything_else_is_seen_by_everyone_in_the_room(kind):
    audience = visibility.audience_for(kind)
    assert audience == visibility.ALL
    assert visibility.may_see(audience, None, viewer_user_id=1)
    assert visibility.viewer_stream(audience) == "all"
    assert visibility.stream_key(audience, None) == "all"


def test_a_rubric_once_shown_is_not_replayed_to_the_candidate_while_hidden():
    shown = {"hidden": False, "rubric": {"title": "T", "criteria": []}}
    kept = visibility.replayed_payload(
        "rubric.visibility", shown, viewer_is_staff=False, rubric_hidden_now=True
    )
    assert kept == {"hidden": False, "rubric": None}
    for staff, hidden in ((True, True), (False, False)):
        same = visibility.replayed_payload(
            "rubric.visibility", shown, viewer_is_staff=staff, rubric_hidden_now=hidden
        )
        assert same == shown
