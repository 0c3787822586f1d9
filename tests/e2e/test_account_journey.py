"""A new user signs up, verifies their email, logs out and in, and sees the empty dashboard."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import confirmation_path

pytestmark = pytest.mark.browser

PASSWORD = "a-long-and-unusual-passphrase-42"


def test_new_user_signs_up_verifies_logs_out_and_back_in(page: Page, live_server_url):
    email = "newcomer@example.com"
    page.goto("/")
    page.checks.accessible()
    page.get_by_role("link", name="Sign up").first.click()
    expect(page.get_by_role("heading", name="Sign Up")).to_be_visible()
    page.checks.accessible()

    page.get_by_label("Email").fill(email)
    page.get_by_label("Display name").fill("Journey")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    page.checks.accessible()

    page.goto(confirmation_path(live_server_url.mails(), email))
    page.checks.accessible()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="My interviews")).to_be_visible()
    page.checks.accessible()

    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()
    page.checks.accessible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    page.checks.accessible()
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My interviews")).to_be_visible()
    expect(page.get_by_role("heading", name="No interviews yet")).to_be_visible()
    expect(page.get_by_role("link", name="Schedule your first round")).to_be_visible()
    page.checks.accessible()


def test_wrong_password_shows_a_clear_error_not_a_500(page: Page, live_server_url):
    live_server_url.create_verified_user("wrongpw@example.com", PASSWORD)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("wrongpw@example.com")
    page.locator("#id_password").fill("not-my-password")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Sign In").click()
    assert posted.value.status == 200
    expect(
        page.get_by_text("The email address and/or password you specified are not correct.")
    ).to_be_visible()
    page.checks.accessible()
