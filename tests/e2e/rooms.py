"""Helpers for browser tests of the live room."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.e2e.helpers import log_in

PASSWORD = "room-passphrase-long-enough"

MAKE_ROUND = """
import json
from datetime import UTC, datetime
from mockroom.accounts.models import User
from mockroom.interviews.agenda import template_phases
from mockroom.interviews.services import interview_create, invitation_accept
from allauth.account.models import EmailAddress

def person(email, name):
    user = User.objects.create_user(email, {password!r}, display_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user

ivy = person("ivy.{tag}@example.com", "Ivy")
cole = person("cole.{tag}@example.com", "Cole")
otto = person("otto.{tag}@example.com", "Otto")
interview, issued = interview_create(
    creator=ivy, title="Room {tag}", kind="system_design", creator_role="interviewer",
    agenda=template_phases("system_design"), scheduled_at=datetime(2030, 1, 1, tzinfo=UTC),
    time_zone="UTC", prompt_text="Design a chat service.", prompt_hints="HINT-{tag}",
    prompt_solution="SOLUTION-{tag}")
tokens = {{i.invitation.role: i.token for i in issued}}
invitation_accept(token=tokens["candidate"], user=cole)
invitation_accept(token=tokens["observer"], user=otto)
print(json.dumps({{"public_id": interview.public_id}}))
"""


def make_round(live_server, tag: str) -> str:
    out = live_server.shell(MAKE_ROUND.format(password=PASSWORD, tag=tag))
    return json.loads(out.strip().splitlines()[-1])["public_id"]


def enter_room(page: Page, email: str, public_id: str) -> None:
    log_in(page, email, PASSWORD)
    page.goto(f"/interviews/{public_id}/room/")
    expect(page.get_by_test_id("connection-status")).to_have_text("Connected")
    page.locator(".excalidraw canvas.interactive").wait_for()


SCENE = "() => window.__mockroomBoard.getSceneElements()"


def scene(page: Page) -> list[dict]:
    return page.evaluate(SCENE)


def versions(page: Page) -> dict[str, int]:
    return {
        e["id"]: e["version"]
        for e in page.evaluate("() => window.__mockroomBoard.getAllElements()")
    }


def canvas_box(page: Page) -> dict:
    box = page.locator(".excalidraw canvas.interactive").bounding_box()
    assert box is not None
    return box


def draw_rectangle(page: Page, x: float, y: float, w: float = 160, h: float = 100) -> None:
    page.locator("label:has([data-testid=toolbar-rectangle])").click()
    box = canvas_box(page)
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.down()
    page.mouse.move(box["x"] + x + w, box["y"] + y + h, steps=6)
    page.mouse.up()


def write_text(page: Page, x: float, y: float, text: str) -> None:
    page.locator("label:has([data-testid=toolbar-text])").click()
    box = canvas_box(page)
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.keyboard.type(text)
    page.keyboard.press("Escape")


def wait_for_scene(page: Page, predicate_js: str, timeout: float = 5000) -> None:
    page.wait_for_function(
        "() => { const els = window.__mockroomBoard.getSceneElements(); "
        f"return ({predicate_js}); }}",
        timeout=timeout,
    )
