"""A whole round by keyboard alone: Tab, Shift+Tab, Enter, Space, arrows and shortcuts, no
mouse. After every control change the test checks where focus went, and what the polite
live regions said."""

import json

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.rooms import PASSWORD, enter_room, make_round

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 720}

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  return {
    tag: e.tagName.toLowerCase(),
    role: e.getAttribute("role"),
    type: e.getAttribute("type") || "",
    name: (e.getAttribute("aria-label") || e.textContent || "").trim().slice(0, 80),
    testid: e.dataset.testid || "",
    id: e.id,
    checked: e.checked === true,
    selected: e.getAttribute("aria-selected"),
    dialog: e.closest("dialog") !== null,
  };
}"""


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED) or {}


def press_until(page: Page, key: str, wanted, limit: int = 40) -> int:
    """Press `key` until the focused element satisfies `wanted`; return how many presses."""
    seen = []
    for count in range(1, limit + 1):
        page.keyboard.press(key)
        now = focused(page)
        if wanted(now):
            return count
        seen.append(now.get("name") or now.get("tag"))
    raise AssertionError(f"{key} x{limit} never reached it; went through {seen}")


def named(name: str):
    return lambda f: f.get("name") == name


def is_radio(f: dict) -> bool:
    return f.get("type") == "radio"


def log_in_by_keyboard(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.checks.accessible()
    press_until(page, "Tab", lambda f: f.get("type") == "email")
    page.keyboard.type(email)
    press_until(page, "Tab", lambda f: f.get("type") == "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My interviews")).to_be_visible()
    page.checks.accessible()


def test_a_whole_round_by_keyboard(page: Page, page_b: Page, live_server_url):
    public_id = make_round(live_server_url, "keys")
    interviewer, candidate = page, page_b
    interviewer.set_viewport_size(LAPTOP)
    log_in_by_keyboard(interviewer, "ivy.keys@example.com")
    interviewer.goto(f"/interviews/{public_id}/room/")
    expect(interviewer.get_by_test_id("connection-status")).to_have_text("Connected")
    interviewer.locator(".excalidraw canvas.interactive").wait_for()
    interviewer.checks.accessible()

    # Someone joining is said politely.
    said = interviewer.get_by_test_id("room-announcer")
    enter_room(candidate, "cole.keys@example.com", public_id)
    candidate.checks.accessible()
    expect(said).to_contain_text("Cole joined the room.")

    # Skip links come first: to the rubric (its panel, scoring is not open yet), the board.
    press_until(interviewer, "Tab", named("Skip to rubric"), limit=6)
    interviewer.keyboard.press("Enter")
    expect(interviewer.locator("#room-panel-rubric")).to_be_focused()
    press_until(interviewer, "Shift+Tab", named("Skip to board"))
    interviewer.keyboard.press("Enter")
    expect(interviewer.locator("#room-board")).to_be_focused()

    # Start: one button, Enter. Focus stays on it as it becomes Pause, and that is said.
    press_until(interviewer, "Shift+Tab", named("Start round"))
    interviewer.keyboard.press("Enter")
    primary = interviewer.get_by_test_id("timer-primary")
    expect(primary).to_have_text("Pause")
    expect(primary).to_be_focused()
    expect(interviewer.get_by_test_id("control-announcer")).to_have_text("Button now reads Pause.")
    for side in (interviewer, candidate):
        expect(side.get_by_test_id("timer-status")).to_have_text("Running")
    expect(candidate.get_by_test_id("room-announcer")).to_contain_text("Timer running: Clarify.")

    # The first score is a few Tabs past the last timer control.
    press_until(interviewer, "Tab", named("End round"))
    tabs = press_until(interviewer, "Tab", is_radio)
    assert tabs <= 4, f"{tabs} Tabs from End round to the first score"
    first = interviewer.get_by_test_id("criterion-requirements_and_scoping")
    expect(first.get_by_role("radio", name="1 Not yet")).to_be_focused()

    # Score with Space and the arrows.
    interviewer.keyboard.press("Space")
    expect(first.get_by_role("radio", name="1 Not yet")).to_be_checked()
    interviewer.keyboard.press("ArrowRight")
    interviewer.keyboard.press("ArrowRight")
    solid = first.get_by_role("radio", name="3 Solid")
    expect(solid).to_be_checked()
    expect(solid).to_be_focused()
    expect(interviewer.get_by_test_id("score-status-requirements_and_scoping")).to_have_text(
        "Saved"
    )

    # A note: Alt+N opens the Notes tab and focuses the box; Enter adds it.
    interviewer.keyboard.press("Alt+KeyN")
    note = interviewer.get_by_test_id("note-input")
    expect(note).to_be_focused()
    expect(interviewer.get_by_role("tab", name="Notes")).to_have_attribute("aria-selected", "true")
    interviewer.keyboard.type("Quantified traffic before drawing")
    interviewer.keyboard.press("Enter")
    expect(interviewer.get_by_test_id("notes-list")).to_contain_text(
        "Quantified traffic before drawing"
    )
    expect(note).to_be_focused()
    expect(note).to_have_value("")

    # The tabs: one Tab stop, arrows move between them.
    press_until(interviewer, "Shift+Tab", lambda f: f.get("role") == "tab")
    assert focused(interviewer)["name"] == "Notes"
    interviewer.keyboard.press("ArrowLeft")
    rubric_tab = interviewer.get_by_role("tab", name="Rubric")
    expect(rubric_tab).to_be_focused()
    expect(rubric_tab).to_have_attribute("aria-selected", "true")
    expect(interviewer.get_by_test_id("rubric-panel")).to_be_visible()

    # Next phase with Enter: focus stays, both sides hear the new phase.
    press_until(interviewer, "Shift+Tab", named("Next phase"))
    interviewer.keyboard.press("Enter")
    for side in (interviewer, candidate):
        expect(side.get_by_test_id("timer-phase")).to_have_text("High-level design")
    expect(interviewer.get_by_role("button", name="Next phase")).to_be_focused()
    expect(candidate.get_by_test_id("room-announcer")).to_contain_text("Phase: High-level design.")

    # Pause with Space: the same button now reads Resume, still focused.
    interviewer.keyboard.press("Shift+Tab")
    interviewer.keyboard.press("Shift+Tab")  # Previous phase is enabled now
    expect(primary).to_be_focused()
    interviewer.keyboard.press("Space")
    expect(primary).to_have_text("Resume")
    expect(primary).to_be_focused()
    expect(candidate.get_by_test_id("room-announcer")).to_contain_text("Timer paused.")

    # To the last phase: when Next phase becomes unavailable, focus moves to Resume.
    agenda = [
        p.strip() for p in interviewer.locator(".room-agenda__name").all_inner_texts() if p.strip()
    ]
    press_until(interviewer, "Tab", named("Next phase"))
    for phase in agenda[2:]:
        interviewer.keyboard.press("Enter")
        expect(interviewer.get_by_test_id("timer-phase")).to_have_text(phase)
    expect(interviewer.get_by_role("button", name="Next phase")).to_be_disabled()
    expect(primary).to_be_focused()
    expect(interviewer.get_by_test_id("control-announcer")).to_have_text(
        "Next phase is not available now; focus is on Resume."
    )

    # End: the dialog opens on "Keep going"; Escape returns to End round.
    press_until(interviewer, "Tab", named("End round"))
    interviewer.keyboard.press("Enter")
    dialog = interviewer.get_by_role("dialog", name="End the round for everyone?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Keep going")).to_be_focused()
    interviewer.checks.accessible()
    interviewer.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(interviewer.get_by_role("button", name="End round")).to_be_focused()
    interviewer.keyboard.press("Enter")
    expect(dialog.get_by_role("button", name="Keep going")).to_be_focused()
    interviewer.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="End round now")).to_be_focused()
    interviewer.keyboard.press("Enter")

    # Each lands on their own feedback form; the keyboard user's focus starts at the top.
    for side in (interviewer, candidate):
        side.wait_for_url(f"**/interviews/{public_id}/feedback/", timeout=20_000)
        expect(side.get_by_role("heading", name="Your feedback")).to_be_visible()
        side.checks.accessible()
    press_until(interviewer, "Tab", lambda f: f.get("tag") in {"input", "textarea", "select"})

    # What the interviewer did by keyboard was saved.
    out = live_server_url.shell(
        "import json; from mockroom.rubrics.models import LiveScore, Note; "
        f"s = LiveScore.objects.filter(interview__public_id={public_id!r}); "
        f"n = Note.objects.filter(interview__public_id={public_id!r}); "
        "print(json.dumps({'scores': [x.score for x in s], 'notes': [x.text for x in n]}))"
    )
    saved = json.loads(out.strip().splitlines()[-1])
    assert saved == {"scores": [3], "notes": ["Quantified traffic before drawing"]}
