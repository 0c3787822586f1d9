from playwright.sync_api import Page, expect


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.checks.accessible()
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My interviews")).to_be_visible()
    page.checks.accessible()
