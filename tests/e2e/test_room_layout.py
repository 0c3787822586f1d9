"""The room fills a laptop screen and works on a phone: the board gets most of the height,
the page never scrolls, the notes are one action away, one button starts the round and its
first phase, and ending the round takes each person to their own feedback form."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.rooms import enter_room, make_round

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}

PAGE_SCROLLS = """() => {
  const doc = document.scrollingElement || document.documentElement;
  return doc.scrollHeight > doc.clientHeight + 1 || doc.scrollWidth > doc.clientWidth + 1;
}"""


def board_box(page: Page) -> dict:
    box = page.get_by_test_id("board-canvas").bounding_box()
    assert box is not None
    return box


def assert_fills_the_screen(page: Page, viewport: dict, share: float) -> None:
    assert not page.evaluate(PAGE_SCROLLS), "the room's page scrolls"
    box = board_box(page)
    visible = min(box["y"] + box["height"], viewport["height"]) - max(box["y"], 0)
    assert visible >= share * viewport["height"], (visible, viewport)
    # The wheel over the board is the board's: the page stays where it is, timer in view.
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 800)
    assert page.evaluate("() => window.scrollY") == 0
    expect(page.get_by_test_id("timer-remaining")).to_be_in_viewport()


def test_laptop_room_fills_the_screen_and_the_round_runs_from_it(
    page: Page, page_b: Page, live_server_url
):
    public_id = make_round(live_server_url, "layout")
    interviewer, candidate = page, page_b
    interviewer.set_viewport_size(LAPTOP)
    candidate.set_viewport_size(PHONE)
    enter_room(interviewer, "ivy.layout@example.com", public_id)
    enter_room(candidate, "cole.layout@example.com", public_id)

    # Laptop: the board takes at least 70 % of the height; nothing scrolls the page.
    assert_fills_the_screen(interviewer, LAPTOP, 0.70)
    board_top = board_box(interviewer)["y"]
    interviewer.checks.accessible()

    # One button starts the round and its first phase.
    expect(interviewer.get_by_role("button", name="Start timer")).to_have_count(0)
    interviewer.get_by_role("button", name="Start round").click()
    for side in (interviewer, candidate):
        expect(side.get_by_test_id("timer-status")).to_have_text("Running")
        expect(side.get_by_test_id("timer-phase")).to_have_text("Clarify")
    expect(interviewer.get_by_test_id("timer-primary")).to_have_text("Pause")

    # The note box is one action away: a click on the Notes tab (the rubric stays a tab away).
    note = interviewer.get_by_test_id("note-input")
    expect(note).to_be_hidden()
    interviewer.get_by_role("tab", name="Notes").click()
    expect(note).to_be_visible()
    expect(note).to_be_in_viewport()
    note.fill("Asked about scale first")
    note.press("Enter")
    expect(interviewer.get_by_test_id("notes-list")).to_contain_text("Asked about scale first")
    # Statuses that come and go in the bar never move the board under the pointer: offline,
    # with a note waiting to be sent, the bar's first line says much more, and stays one line.
    interviewer.context.set_offline(True)
    expect(interviewer.get_by_test_id("connection-status")).to_contain_text("Offline")
    note.fill("Sketched the write path")
    note.press("Enter")
    # (at least the note; a board change may be waiting too)
    expect(interviewer.get_by_test_id("pending-commands")).to_contain_text("waiting to be sent")
    assert abs(board_box(interviewer)["y"] - board_top) < 1
    interviewer.context.set_offline(False)
    expect(interviewer.get_by_test_id("notes-list")).to_contain_text("Sketched the write path")
    expect(interviewer.get_by_test_id("pending-commands")).to_have_count(0)
    interviewer.get_by_role("tab", name="Rubric").click()
    expect(note).to_be_hidden()
    interviewer.keyboard.press("Alt+KeyN")  # ...or one shortcut, from anywhere
    expect(note).to_be_focused()
    assert not interviewer.evaluate(PAGE_SCROLLS)

    # The panel's edge resizes it from the keyboard (and by dragging).
    handle = interviewer.get_by_role("separator", name="Resize the side panel")
    width = int(handle.get_attribute("aria-valuenow"))
    handle.focus()
    interviewer.keyboard.press("ArrowLeft")
    expect(handle).to_have_attribute("aria-valuenow", str(width + 24))
    side = interviewer.get_by_test_id("side-panel").bounding_box()
    assert side is not None and abs(side["width"] - (width + 24)) <= 2, side
    interviewer.keyboard.press("ArrowRight")
    expect(handle).to_have_attribute("aria-valuenow", str(width))

    # The panel collapses, and the board grows into its place.
    width_before = board_box(interviewer)["width"]
    interviewer.get_by_role("button", name="Hide panel").click()
    expect(note).to_be_hidden()
    interviewer.wait_for_function(
        f"() => document.querySelector('[data-testid=board-canvas]')"
        f".getBoundingClientRect().width > {width_before + 150}"
    )
    interviewer.get_by_role("button", name="Show panel").click()
    expect(interviewer.get_by_role("tab", name="Notes")).to_have_attribute("aria-selected", "true")
    expect(note).to_be_visible()
    interviewer.checks.accessible()

    # Phone: the board first, with the panels as a sheet over it; still no page scroll.
    assert not candidate.evaluate(PAGE_SCROLLS)
    canvas = board_box(candidate)
    tabs = candidate.get_by_role("tablist", name="Side panel").bounding_box()
    assert tabs is not None and canvas["y"] < tabs["y"], "the board comes first on a phone"
    assert canvas["height"] >= 0.5 * PHONE["height"], canvas
    candidate.checks.accessible()
    prompt = candidate.get_by_test_id("prompt-panel")
    expect(prompt).to_be_hidden()
    candidate.get_by_role("tab", name="Prompt").click()
    expect(prompt).to_be_visible()
    expect(prompt).to_be_in_viewport()
    assert not candidate.evaluate(PAGE_SCROLLS)
    candidate.checks.accessible()
    candidate.get_by_role("tab", name="Prompt").click()  # the open tab closes its sheet
    expect(prompt).to_be_hidden()

    # The interviewer's room on a phone: the controls stay reachable, axe stays clean.
    interviewer.set_viewport_size(PHONE)
    expect(interviewer.locator(".room")).to_have_attribute("data-layout", "phone")
    assert not interviewer.evaluate(PAGE_SCROLLS)
    expect(interviewer.get_by_role("button", name="End round")).to_be_attached()
    interviewer.checks.accessible()
    interviewer.set_viewport_size(LAPTOP)
    expect(interviewer.locator(".room")).to_have_attribute("data-layout", "laptop")

    # Ending the round: an in-page dialog, then each person lands on their feedback form.
    interviewer.on("dialog", lambda dialog: pytest.fail(f"browser dialog: {dialog.message}"))
    interviewer.get_by_role("button", name="End round").click()
    dialog = interviewer.get_by_role("dialog", name="End the round for everyone?")
    expect(dialog).to_be_visible()
    interviewer.checks.accessible()
    dialog.get_by_role("button", name="End round now").click()
    for side in (interviewer, candidate):
        side.wait_for_url(f"**/interviews/{public_id}/feedback/", timeout=20_000)
        expect(side.get_by_role("heading", name="Your feedback")).to_be_visible()
        side.checks.accessible()

    # Back in the ended room, the timer says so.
    interviewer.goto(f"/interviews/{public_id}/room/")
    expect(interviewer.get_by_test_id("connection-status")).to_have_text("Connected")
    expect(interviewer.get_by_test_id("timer-status")).to_have_text("Ended")
    expect(interviewer.get_by_test_id("round-ended")).to_contain_text("feedback form")
    interviewer.checks.accessible()
