"""Before the round, as a person does it, on a laptop (1280x720) and a phone (390x844):

- choosing "ML system design" gives the ML agenda and rubric, shown before creating;
- an invite link is copied with the Copy button, which says so;
- a scheduled round is edited, cancelled and rescheduled, and every mail carries the
  calendar file that replaces the event (same UID, growing SEQUENCE, CANCEL to cancel).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.e2e.helpers import log_in

pytestmark = pytest.mark.browser

PASSWORD = "round-setup-passphrase-long"
SIZES = {"laptop": {"width": 1280, "height": 720}, "phone": {"width": 390, "height": 844}}


def wait_for_mails(server, predicate, count: int, timeout: float = 20.0) -> list:
    """The server's mails matching `predicate`, once there are `count` of them."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in server.mails() if predicate(m)]
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            subjects = [m["Subject"] for m in server.mails()]
            raise AssertionError(f"{len(found)}/{count} mails; all subjects: {subjects}")
        time.sleep(0.1)


def calendar_of(message):
    """The .ics attached to a mail, parsed with icalendar: (calendar, its one event)."""
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            calendar = Calendar.from_ical(part.get_payload(decode=True))
            (event,) = calendar.walk("VEVENT")
            return calendar, event
    raise AssertionError(f"no calendar file in {message['Subject']!r}")


def start(page: Page, server, size: str, who: str) -> str:
    page.set_viewport_size(SIZES[size])
    email = f"{who}-{size}@example.com"
    server.create_verified_user(email, PASSWORD, who.capitalize())
    log_in(page, email, PASSWORD)
    return email


@pytest.mark.parametrize("size", list(SIZES))
def test_ml_system_design_gets_the_ml_agenda_and_rubric_and_links_copy(
    page: Page, live_server_url, size
):
    start(page, live_server_url, size, "mila")
    page.goto("/interviews/new/")
    page.checks.accessible()
    summary = page.locator("#round-summary")
    expect(summary.locator('[data-summary="kind"]')).to_have_text("Coding")
    expect(summary.get_by_role("button", name="Update the summary")).to_be_hidden()

    page.get_by_label("Title").fill(f"ML practice {size}")
    page.get_by_label("Kind of round").select_option("ml_system_design")
    # The agenda template, the agenda and the rubric follow the kind, and say so.
    expect(page.get_by_label("Agenda template")).to_have_value("ml_system_design")
    agenda = page.get_by_label("Agenda", exact=True)
    assert agenda.input_value().splitlines()[0] == "Problem framing and objectives, 5"
    rubric = page.get_by_label("Rubric", exact=True)
    expect(rubric.locator("option:checked")).to_have_text("ML system design interview")
    expect(summary.locator('[data-summary="kind"]')).to_have_text("ML system design")
    expect(summary.locator('[data-summary="rubric"]')).to_have_text("ML system design interview")
    expect(summary.locator('[data-summary="phases"] li')).to_have_count(6)
    expect(summary).to_contain_text("Evaluation metrics")
    expect(page.locator("#summary-announce")).to_have_text(
        "The agenda and rubric now follow ML system design."
    )
    page.checks.accessible()
    page.get_by_label("Starts at").fill("2030-03-04T15:30")
    page.get_by_role("button", name="Schedule and get invite links").click()

    expect(page.get_by_role("heading", name=f"ML practice {size}")).to_be_visible()
    page.checks.accessible()
    expect(page.locator(".round-rubric")).to_have_text("Rubric: ML system design interview")
    phases = page.locator("ol.agenda li")
    expect(phases).to_have_count(6)
    expect(phases.first).to_contain_text("Problem framing and objectives")
    expect(phases.nth(3)).to_contain_text("Evaluation metrics")

    # The one-time link is copied with its button, which confirms it where you look.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    link = page.locator('input.invite-link[data-role="candidate"]').input_value()
    button = page.get_by_role("button", name="Copy the candidate link")
    copy = page.locator(f'[data-copy-target="{button.get_attribute("data-copy-target")}"]')
    status = page.locator(f"#{button.get_attribute('data-copy-status')}")
    expect(status).to_have_text("")
    button.click()
    expect(status).to_have_text("Candidate link copied")
    expect(status).to_be_visible()
    expect(copy).to_have_accessible_name("Copied the candidate link")
    assert page.evaluate("navigator.clipboard.readText()") == link
    page.checks.accessible()


@pytest.mark.parametrize("size", list(SIZES))
def test_a_scheduled_round_is_edited_cancelled_and_rescheduled_with_calendar_updates(
    page: Page, live_server_url, size
):
    me = start(page, live_server_url, size, "rhea")
    peer = f"peer-{size}@example.com"
    title = f"Round to change {size}"
    page.goto("/interviews/new/")
    page.checks.accessible()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Starts at").fill("2030-03-04T15:30")
    page.get_by_role("button", name="Schedule and get invite links").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    page.checks.accessible()

    # A peer is invited by email: their mail holds the first calendar file.
    page.get_by_label("Email (optional)").fill(peer)
    page.get_by_role("button", name="Create link").click()
    expect(page.get_by_text(f"Invitation sent to {peer}")).to_be_visible()
    page.checks.accessible()
    (invitation,) = wait_for_mails(
        live_server_url, lambda m: m["To"] == peer and "invites you" in m["Subject"], 1
    )
    assert invitation["Subject"] == f"[MockRoom] Rhea invites you: {title}"
    _calendar, first = calendar_of(invitation)
    uid = str(first["uid"])
    assert int(first["sequence"]) == 0

    def mails_about(subject: str) -> list:
        found = wait_for_mails(live_server_url, lambda m: m["Subject"] == subject, 2)
        assert sorted(m["To"] for m in found) == sorted([me, peer])
        return found

    # Edit every kind of field: title, kind (the agenda follows), time, prompt.
    page.get_by_role("link", name="Edit the round").click()
    expect(page.get_by_role("heading", name="Edit the round")).to_be_visible()
    page.checks.accessible()
    page.get_by_label("Title").fill(f"{title} (edited)")
    page.get_by_label("Kind of round").select_option("behavioral")
    expect(page.get_by_label("Agenda template")).to_have_value("behavioral")
    page.get_by_label("Starts at").fill("2030-03-05T09:00")
    page.get_by_label("Prompt shown to the candidate").fill("Tell me about a hard call.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name=f"{title} (edited)")).to_be_visible()
    expect(page.locator(".round-rubric")).to_have_text("Rubric: Behavioral interview (STAR)")
    expect(page.locator("ol.agenda li").nth(1)).to_contain_text("Stories")
    page.checks.accessible()
    for message in mails_about(f"[MockRoom] Updated: {title} (edited)"):
        calendar, event = calendar_of(message)
        assert str(calendar["method"]) == "PUBLISH"
        assert str(event["uid"]) == uid and int(event["sequence"]) == 1
        assert event.decoded("dtstart") == datetime(2030, 3, 5, 9, 0, tzinfo=UTC)
        assert "hard call" not in message.as_string()

    # Cancel, after a confirmation page.
    page.get_by_role("link", name="Cancel the round").click()
    expect(page.get_by_role("heading", name="Cancel this round?")).to_be_visible()
    page.checks.accessible()
    page.get_by_role("button", name="Cancel the round").click()
    expect(page.get_by_role("heading", name="This round was cancelled")).to_be_visible()
    expect(page.locator(".badge-cancelled")).to_have_text("Cancelled")
    expect(page.get_by_role("link", name="Enter the room")).to_have_count(0)
    page.checks.accessible()
    for message in mails_about(f"[MockRoom] Cancelled: {title} (edited)"):
        calendar, event = calendar_of(message)
        assert str(calendar["method"]) == "CANCEL"
        assert str(event["status"]) == "CANCELLED"
        assert str(event["uid"]) == uid and int(event["sequence"]) == 2

    page.goto("/dashboard/")
    page.checks.accessible()
    cancelled = page.get_by_role("region", name="Cancelled")
    expect(cancelled.get_by_role("link", name=f"{title} (edited)")).to_be_visible()

    # Reschedule brings it back at a new time.
    cancelled.get_by_role("link", name=f"{title} (edited)").click()
    page.checks.accessible()
    page.get_by_role("link", name="Reschedule the round").click()
    expect(page.get_by_role("heading", name="Reschedule the round")).to_be_visible()
    page.checks.accessible()
    page.get_by_label("Starts at").fill("2030-03-12T10:30")
    page.get_by_role("button", name="Reschedule", exact=True).click()
    expect(page.locator(".badge-scheduled")).to_have_text("Scheduled")
    expect(page.get_by_role("link", name="Enter the room")).to_be_visible()
    page.checks.accessible()
    for message in mails_about(f"[MockRoom] Rescheduled: {title} (edited)"):
        calendar, event = calendar_of(message)
        assert str(calendar["method"]) == "PUBLISH"
        assert str(event["status"]) == "CONFIRMED"
        assert str(event["uid"]) == uid and int(event["sequence"]) == 3
        assert event.decoded("dtstart") == datetime(2030, 3, 12, 10, 30, tzinfo=UTC)
        assert (
            "Previously: Tuesday 5 March 2030, 09:00 (UTC)"
            in message.get_payload(0).get_payload(decode=True).decode()
        )


@pytest.mark.parametrize("size", list(SIZES))
def test_sign_up_asks_for_a_display_name_and_fits_the_screen(page: Page, live_server_url, size):
    page.set_viewport_size(SIZES[size])
    page.goto("/accounts/signup/")
    page.checks.accessible()
    expect(page.get_by_role("heading", name="Sign Up")).to_be_visible()
    name = page.get_by_label("Display name")
    expect(name).to_be_visible()
    expect(name).to_have_accessible_description(
        "Shown to the people you interview with, instead of your email."
    )
    # The app's own layout: its header, and nothing wider than the screen.
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
