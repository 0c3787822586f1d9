"""A creates a round as interviewer; B opens the candidate link, signs up and lands in it."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PageChecks
from tests.e2e.helpers import confirmation_path, log_in

pytestmark = pytest.mark.browser

PASSWORD = "journey-passphrase-long-enough"


def test_candidate_joins_by_link_after_signing_up(
    page: Page, browser: Browser, live_server_url, request
):
    live_server_url.create_verified_user("ava@example.com", PASSWORD, "Ava")
    log_in(page, "ava@example.com", PASSWORD)
    page.get_by_role("link", name="Schedule your first round").click()
    page.checks.accessible()
    page.get_by_label("Title").fill("Design a rate limiter")
    page.get_by_label("Kind of round").select_option("system_design")
    page.get_by_label("Interviewer").check()
    page.get_by_label("Agenda template").select_option("system_design")
    page.get_by_label("Starts at").fill("2030-03-04T15:30")
    page.get_by_role("button", name="Schedule and get invite links").click()
    expect(page.get_by_role("heading", name="Design a rate limiter")).to_be_visible()
    page.checks.accessible()
    candidate_link = page.locator('input.invite-link[data-role="candidate"]').input_value()
    assert "/join/" in candidate_link

    # B, in a separate browser context, follows the link while logged out.
    context = browser.new_context(base_url=live_server_url.url)
    other = context.new_page()
    checks = PageChecks(origin=live_server_url.url, page=other)
    other.on("request", checks.on_request)
    other.goto(candidate_link)
    expect(other.get_by_text("as the candidate")).to_be_visible()
    checks.accessible()
    other.get_by_role("link", name="Sign up to join").click()
    other.get_by_label("Email").fill("ben@example.com")
    other.get_by_label("Display name").fill("ben")
    other.locator("#id_password1").fill(PASSWORD)
    other.locator("#id_password2").fill(PASSWORD)
    other.get_by_role("button", name="Sign Up").click()
    expect(other.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    other.goto(confirmation_path(live_server_url.mails(), "ben@example.com"))
    other.get_by_role("button", name="Confirm").click()
    other.get_by_role("button", name="Join as candidate").click()
    expect(other.get_by_role("heading", name="Design a rate limiter")).to_be_visible()
    checks.accessible()
    participants = other.locator(".participants")
    expect(participants.locator('[data-role="interviewer"]')).to_contain_text("Ava")
    expect(participants.locator('[data-role="candidate"]')).to_contain_text("ben")
    assert not checks.outside_requests and not checks.violations, (
        checks.outside_requests,
        checks.violations,
    )
    context.close()

    # A sees B listed as the candidate.
    page.reload()
    page.checks.accessible()
    expect(page.locator('.participants [data-role="candidate"]')).to_contain_text("ben")
    expect(page.locator('.participants [data-role="interviewer"]')).to_contain_text("Ava")
