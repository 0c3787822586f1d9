"""The whiteboard page loads Excalidraw, its fonts and assets from our own host only."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import log_in

pytestmark = pytest.mark.browser

PASSWORD = "board-passphrase-that-is-long"


def test_board_draws_and_loads_fonts_only_from_our_host(page: Page, live_server_url):
    live_server_url.create_verified_user("sketcher@example.com", PASSWORD)
    log_in(page, "sketcher@example.com", PASSWORD)

    font_responses = []
    page.on(
        "response",
        lambda r: (
            font_responses.append((r.url, r.status))
            if "/static/excalidraw-assets/fonts/" in r.url
            else None
        ),
    )
    page.get_by_role("link", name="Practice board").click()
    canvas = page.locator("canvas.interactive")
    expect(canvas).to_be_visible()
    expect(page.get_by_role("region", name="Practice whiteboard")).to_be_visible()
    page.checks.accessible()

    # Draw a rectangle: the radio is covered by its icon, so click the label that holds it.
    page.locator("label:has([data-testid=toolbar-rectangle])").click()
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 300, box["y"] + 200)
    page.mouse.down()
    page.mouse.move(box["x"] + 500, box["y"] + 320, steps=8)
    page.mouse.up()

    # Write some text, which makes Excalidraw fetch its hand-drawn font.
    page.keyboard.press("t")
    page.mouse.click(box["x"] + 320, box["y"] + 420)
    page.keyboard.type("Clarify requirements")
    page.keyboard.press("Escape")

    page.wait_for_function("() => document.fonts.status === 'loaded'")
    assert font_responses, "no font was requested from our static files"
    assert all(status in (200, 304) for _, status in font_responses), font_responses

    # The drawing survives a reload: it is kept in this browser's storage.
    stored = "() => JSON.parse(localStorage.getItem('mockroom.practice-board.v1') || '[]')"
    page.wait_for_function(f"() => ({stored})().length >= 2")
    page.reload()
    expect(canvas).to_be_visible()
    page.checks.accessible()
    types = sorted(e["type"] for e in page.evaluate(stored))
    assert types == ["rectangle", "text"]
    # Outside requests and CSP violations are asserted by the page fixture on teardown.
