"""Scoring, notes and the anchored rubric in two browsers; nothing private reaches the
candidate, not even in a WebSocket frame."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.rooms import enter_room, make_round

pytestmark = pytest.mark.browser

NOTE = "Clarified scale before drawing boxes"
COMMENT = "Asked for read/write ratio first"


def test_interviewer_scores_and_notes_privately_and_phases_highlight(
    page: Page, page_b: Page, live_server_url
):
    public_id = make_round(live_server_url, "rubric")
    interviewer, candidate = page, page_b
    frames: list[str] = []
    candidate.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived",
            lambda payload: frames.append(
                payload if isinstance(payload, str) else payload.decode()
            ),
        ),
    )
    enter_room(interviewer, "ivy.rubric@example.com", public_id)
    enter_room(candidate, "cole.rubric@example.com", public_id)
    # One button starts the round and its first phase.
    interviewer.get_by_role("button", name="Start round").click()

    panel = interviewer.get_by_test_id("rubric-panel")
    first = panel.get_by_test_id("criterion-requirements_and_scoping")
    second = panel.get_by_test_id("criterion-high_level_architecture")
    first.get_by_role("radio", name="3 Solid").check()
    first.get_by_label("Comment").fill(COMMENT)
    second.get_by_role("radio", name="2 Developing").check()
    first.get_by_label("Comment").blur()
    expect(interviewer.get_by_test_id("score-status-requirements_and_scoping")).to_have_text(
        "Saved"
    )
    expect(interviewer.get_by_test_id("score-status-high_level_architecture")).to_have_text("Saved")

    interviewer.keyboard.press("Alt+KeyN")
    expect(interviewer.get_by_test_id("note-input")).to_be_focused()
    interviewer.get_by_test_id("note-input").fill(NOTE)
    interviewer.keyboard.press("Enter")
    expect(interviewer.get_by_test_id("notes-list")).to_contain_text(NOTE)
    expect(interviewer.get_by_test_id("notes-list")).to_contain_text("Clarify")
    interviewer.checks.accessible()

    # The phase moves on: the right criteria light up for both.
    interviewer.get_by_role("button", name="Next phase").click()
    for side in (interviewer, candidate):
        current = side.get_by_test_id("criterion-high_level_architecture")
        expect(current).to_have_attribute("data-current", "true")
        expect(side.get_by_test_id("criterion-requirements_and_scoping")).not_to_have_attribute(
            "data-current", "true"
        )

    # Reloading keeps the scores and the note.
    interviewer.reload()
    expect(interviewer.get_by_test_id("connection-status")).to_have_text("Connected")
    panel = interviewer.get_by_test_id("rubric-panel")
    expect(
        panel.get_by_test_id("criterion-requirements_and_scoping").get_by_role(
            "radio", name="3 Solid"
        )
    ).to_be_checked()
    expect(
        panel.get_by_test_id("criterion-high_level_architecture").get_by_role(
            "radio", name="2 Developing"
        )
    ).to_be_checked()
    expect(interviewer.get_by_test_id("notes-list")).to_contain_text(NOTE)
    interviewer.checks.accessible()

    # The candidate sees criteria and anchors, and nothing private anywhere.
    candidate_panel = candidate.get_by_test_id("rubric-panel")
    expect(candidate_panel).to_contain_text("Solid")
    expect(candidate_panel.get_by_role("radio")).to_have_count(0)
    html = candidate.content()
    for secret in (NOTE, COMMENT, "HINT-rubric", "SOLUTION-rubric"):
        assert secret not in html
        assert not [f for f in frames if secret in f], secret
    assert frames, "the candidate's socket frames were captured"
    assert not [f for f in frames if '"score.set"' in f or '"note.added"' in f]
    expect(candidate.get_by_test_id("notes-list")).to_have_count(0)
    candidate.checks.accessible()
