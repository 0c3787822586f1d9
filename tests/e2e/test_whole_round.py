"""A whole round, as new users would try it: create, join, run, score, end, feedback, reports."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import log_in
from tests.e2e.rooms import PASSWORD, draw_rectangle, wait_for_scene

pytestmark = pytest.mark.browser


def test_a_whole_round_ends_in_two_reports_with_chart_and_board(
    page: Page, page_b: Page, live_server_url
):
    live_server_url.create_verified_user("ines@example.com", PASSWORD, "Ines")
    live_server_url.create_verified_user("carl@example.com", PASSWORD, "Carl")
    interviewer, candidate = page, page_b

    # Ines schedules a system design round as the interviewer.
    log_in(interviewer, "ines@example.com", PASSWORD)
    interviewer.goto("/interviews/new/")
    interviewer.checks.accessible()
    interviewer.get_by_label("Title").fill("Whole round")
    interviewer.get_by_label("Kind of round").select_option("system_design")
    interviewer.get_by_label("Interviewer").check()
    interviewer.get_by_label("Agenda template").select_option("system_design")
    interviewer.get_by_label("Starts at").fill("2030-03-04T15:30")
    interviewer.get_by_role("button", name="Schedule and get invite links").click()
    link = interviewer.locator('input.invite-link[data-role="candidate"]').input_value()
    interviewer.checks.accessible()

    # Carl joins by the link.
    log_in(candidate, "carl@example.com", PASSWORD)
    candidate.goto(link)
    candidate.checks.accessible()
    candidate.get_by_role("button", name="Join as candidate").click()
    expect(candidate.get_by_role("heading", name="Whole round")).to_be_visible()
    candidate.checks.accessible()

    # Both enter the room; the round runs.
    for side in (interviewer, candidate):
        side.get_by_role("link", name="Enter the room").click()
        expect(side.get_by_test_id("connection-status")).to_have_text("Connected")
        side.locator(".excalidraw canvas.interactive").wait_for()
        side.checks.accessible()
    interviewer.get_by_role("button", name="Start round").click()  # and its first phase
    draw_rectangle(candidate, 300, 200)
    wait_for_scene(interviewer, "els.some(e => e.type === 'rectangle')")
    panel = interviewer.get_by_test_id("rubric-panel")
    panel.get_by_test_id("criterion-requirements_and_scoping").get_by_role(
        "radio", name="3 Solid"
    ).check()
    interviewer.get_by_role("tab", name="Notes").click()
    interviewer.get_by_test_id("note-input").fill("Quantified traffic early")
    interviewer.keyboard.press("Enter")
    expect(interviewer.get_by_test_id("notes-list")).to_contain_text("Quantified traffic early")

    # The interviewer ends the round (an in-page dialog); both land on their feedback form.
    interviewer.get_by_role("button", name="End round").click()
    interviewer.get_by_role("dialog").get_by_role("button", name="End round now").click()
    for side in (interviewer, candidate):
        side.wait_for_url("**/interviews/*/feedback/", timeout=20_000)
        expect(side.get_by_role("heading", name="Your feedback")).to_be_visible()
        side.checks.accessible()

    # Both submit feedback.
    for radio in interviewer.locator('input[type=radio][value="3"][name^="score-"]').all():
        radio.check()
    interviewer.get_by_label("Lean hire").check()
    interviewer.get_by_label("Strengths").fill("Structured the problem before drawing.")
    interviewer.get_by_label("Improvement 1").fill("Estimate storage growth.")
    interviewer.get_by_label("Quantified traffic early").check()
    interviewer.get_by_role("button", name="Submit feedback").click()
    expect(interviewer.get_by_role("heading", name="Feedback report")).to_be_visible()
    expect(interviewer.get_by_test_id("release-status")).to_contain_text("Double-blind")
    interviewer.checks.accessible()

    for radio in candidate.locator('input[type=radio][value="2"][name^="self-"]').all():
        radio.check()
    for aspect in ("clarity", "helpfulness", "fairness", "rubric_use"):
        candidate.locator(f'input[name="rating-{aspect}"][value="4"]').check()
    candidate.get_by_label("Anything else?").fill("Clear prompt, fair follow-ups.")
    candidate.get_by_role("button", name="Submit feedback").click()
    expect(candidate.get_by_role("heading", name="Feedback report")).to_be_visible()

    # Both reports: released, the chart drew real data, the final board is there.
    interviewer.reload()
    for side in (candidate, interviewer):
        expect(side.get_by_test_id("release-status")).to_contain_text("Released")
        chart = side.get_by_test_id("score-chart")
        expect(chart).to_have_attribute("data-rendered", "true")
        assert int(chart.get_attribute("data-points")) >= 12
        board = side.get_by_test_id("final-board")
        expect(board).to_be_visible()
        assert (
            side.evaluate("() => document.querySelector('[data-testid=final-board]').naturalWidth")
            > 0
        )
        expect(side.locator("body")).to_contain_text("Quantified traffic early")
        side.checks.accessible()
    expect(interviewer.locator("body")).to_contain_text("How the candidate rated you")
