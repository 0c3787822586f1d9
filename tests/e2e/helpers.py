import re

from playwright.sync_api import Page, expect


def confirmation_path(mails, email: str) -> str:
    """The path of the newest email-confirmation link sent to `email`."""
    for message in reversed(mails):
        if message["To"] == email:
            body = message.get_payload(decode=True).decode()
            found = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", body)
            if found:
                return found.group(1)
    raise AssertionError(f"no confirmation email to {email} in {len(mails)} messages")


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.checks.accessible()
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My interviews")).to_be_visible()
    page.checks.accessible()
