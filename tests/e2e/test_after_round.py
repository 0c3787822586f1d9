"""After the round, in the browser at a laptop size and a phone size (issue 13): the candidate's
form is filled by keyboard alone, the rating scales say what their ends mean, a criterion can
be "not covered"; reports and progress never overflow the phone, every chart has its table,
one round is not a stack of dots at x = 0 and no top point is cut; the rubric editor says what
is wrong beside the field, and names kinds as people do. axe checks every page."""

from __future__ import annotations

import itertools
import json

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import log_in

pytestmark = pytest.mark.browser

PASSWORD = "after-round-passphrase"
SIZES = {"laptop": {"width": 1280, "height": 720}, "phone": {"width": 390, "height": 844}}
_tags = itertools.count()

# Two ended rounds of one pair (Ivy interviews Cole). Round one: Ivy has submitted, Cole hasn't
# (his form is what the keyboard fills in) unless `cole_first`. Round two: both submitted, with
# Ivy's scores at the top of the scale, so a progress line has points on the scale's maximum.
ROUNDS = """
import json
from datetime import UTC, datetime, timedelta
from allauth.account.models import EmailAddress
from mockroom.accounts.models import User
from mockroom.core.clock import now
from mockroom.feedback.services import feedback_submit
from mockroom.interviews.agenda import template_phases
from mockroom.interviews.models import Participant
from mockroom.interviews.services import (
    interview_create, interview_end, interview_start, invitation_accept)
from mockroom.live.models import RoomState
from mockroom.live.timer import TimerState

def person(email, name):
    user = User.objects.create_user(email, {password!r}, display_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user

ivy = person("ivy.{tag}@example.com", "Ivy")
cole = person("cole.{tag}@example.com", "Cole")

def ended(title, day):
    interview, issued = interview_create(
        creator=ivy, title=title, kind="system_design", creator_role="interviewer",
        agenda=template_phases("system_design"), scheduled_at=datetime(2030, 1, day, tzinfo=UTC),
        time_zone="UTC", prompt_text="Design a chat service.")
    token = next(i.token for i in issued if i.invitation.role == "candidate")
    invitation_accept(token=token, user=cole)
    # Recent, so the 48 h deadline hasn't released anything: only submitting does.
    start = now() - timedelta(hours=10 - day)
    interview = interview_start(interview=interview, at=start)
    RoomState.objects.update_or_create(interview=interview, defaults={{"timer": TimerState(
        phase_index=1, phase_spent_ms=(272_000, 960_500, 0, 0, 0), added_ms=(0,) * 5).to_json()}})
    interview = interview_end(interview=interview, at=start + timedelta(minutes=30))
    return interview

def seat(interview, user):
    return Participant.objects.select_related("interview", "user").get(
        interview=interview, user=user)

first = ended("First {tag}", 2)
second = ended("Second {tag}", 3)
keys = [c["key"] for c in first.rubric_snapshot["criteria"]]
for interview, score in ((first, 3), (second, 4)) if {ivy_first!r} else ((second, 4),):
    feedback_submit(participant=seat(interview, ivy), data={{
        "scores": {{k: {{"score": score, "comment": ""}} for k in keys}},
        "recommendation": "yes", "strengths": "Clear scoping.",
        "improvements": ["Estimate storage."], "shared_note_ids": []}})
feedback_submit(participant=seat(second, cole), data={{
    "self_scores": {{k: {{"score": 2, "comment": ""}} for k in keys}},
    "rating": {{"clarity": 5, "helpfulness": 4, "fairness": 5, "rubric_use": 4}},
    "free_text": ""}})
if {cole_first!r}:
    feedback_submit(participant=seat(first, cole), data={{
        "self_scores": {{k: {{"score": 3, "comment": ""}} for k in keys}},
        "rating": {{"clarity": 3, "helpfulness": 3, "fairness": 3, "rubric_use": 3}},
        "free_text": ""}})
print(json.dumps({{"first": first.public_id, "second": second.public_id, "keys": keys}}))
"""


def make_rounds(live_server, cole_first: bool = False, ivy_first: bool = True) -> tuple[str, dict]:
    """Two ended rounds; with `cole_first`, Cole has submitted round one too (both released);
    without `ivy_first`, Ivy hasn't."""
    tag = f"ar{next(_tags)}"
    out = live_server.shell(
        ROUNDS.format(password=PASSWORD, tag=tag, cole_first=cole_first, ivy_first=ivy_first)
    )
    return tag, json.loads(out.strip().splitlines()[-1])


def sized(page: Page, size: str) -> Page:
    page.set_viewport_size(SIZES[size])
    # Charts skip their entry animation, so the points read are where they stay.
    page.emulate_media(reduced_motion="reduce")
    return page


def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches `selector` (a keyboard user's way)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{selector} not reached in {limit} Tab presses")


def focus_is_visible(page: Page) -> bool:
    """The focused control, or the choice box around it, draws a visible outline."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const box = el.closest('label') ?? el;
            return [el, box].some((e) => {
              const s = getComputedStyle(e);
              return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
            });
        }"""
    )


def assert_nothing_overflows(page: Page) -> None:
    """The page is no wider than the window, and every table is inside a box that is."""
    widths = page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth,
            window: window.innerWidth,
            tables: [...document.querySelectorAll('table')].map((t) => {
              const box = t.closest('.table-scroll');
              const r = (box ?? t).getBoundingClientRect();
              return {id: t.id, boxed: !!box, left: r.left, right: r.right};
            }),
        })"""
    )
    assert widths["page"] <= widths["window"], widths
    assert widths["tables"], "no table on the page"
    for table in widths["tables"]:
        assert table["boxed"], table
        assert table["left"] >= 0 and table["right"] <= widths["window"] + 0.5, table


def painted(page: Page, testid: str, x: float, y: float) -> bool:
    """Whether the chart's canvas has an opaque pixel at (x, y) in CSS pixels."""
    return page.evaluate(
        """([testid, x, y]) => {
            const canvas = document.querySelector(`canvas[data-testid="${testid}"]`);
            const ratio = canvas.width / canvas.getBoundingClientRect().width;
            const pixel = canvas.getContext('2d').getImageData(
              Math.round(x * ratio), Math.round(y * ratio), 1, 1).data;
            return pixel[3] > 200;
        }""",
        [testid, x, y],
    )


def charts_drawn(page: Page) -> list[dict]:
    for canvas in page.locator("canvas[data-chart-source]").all():
        expect(canvas).to_have_attribute("data-rendered", "true")
        table_id = canvas.get_attribute("data-table")
        expect(page.locator(f"table#{table_id}")).to_have_count(1)
    return page.evaluate("() => window.__mockroomCharts()")


@pytest.mark.parametrize("size", SIZES)
def test_the_candidate_fills_in_the_form_by_keyboard_alone(page: Page, live_server_url, size):
    tag, rounds = make_rounds(live_server_url)
    sized(page, size)
    log_in(page, f"cole.{tag}@example.com", PASSWORD)
    page.goto(f"/interviews/{rounds['first']}/feedback/")
    expect(page.get_by_role("heading", name="Your feedback")).to_be_visible()
    page.checks.accessible()

    # The rating scales say what their ends mean, to the eye and to a screen reader.
    clarity = page.get_by_role("group", name="Clarity of the prompt")
    expect(clarity.get_by_role("radio", name="1 Confusing")).to_be_visible()
    expect(clarity.get_by_role("radio", name="5 Crystal clear")).to_be_visible()
    expect(clarity.get_by_role("radio", name="3", exact=True)).to_be_visible()

    keys = rounds["keys"]
    skipped = keys[-1]
    for key in keys:
        tab_to(page, f'input[name="self-{key}"]')
        assert focus_is_visible(page), key
        if key == skipped:
            page.keyboard.press("ArrowUp")  # from the first choice, round to the last one
        else:
            page.keyboard.press("Space")  # the first choice, 1
            page.keyboard.press("ArrowDown")  # then 2
    for aspect in ("clarity", "helpfulness", "fairness", "rubric_use"):
        tab_to(page, f'input[name="rating-{aspect}"]')
        page.keyboard.press("Space")
        for _ in range(3):
            page.keyboard.press("ArrowRight")  # 1 → 4
    tab_to(page, "#free_text")
    page.keyboard.type("Fair questions; we never reached communication.")
    expect(page.locator(f'input[name="self-{skipped}"][value="not_covered"]')).to_be_checked()
    expect(page.locator(f'input[name="self-{keys[0]}"][value="2"]')).to_be_checked()
    expect(page.locator('input[name="rating-fairness"][value="4"]')).to_be_checked()
    tab_to(page, "button[value=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Feedback report")).to_be_visible()
    expect(page.get_by_test_id("release-status")).to_contain_text("Released")
    row = page.get_by_test_id(f"report-row-{skipped}")
    expect(row.locator("td").nth(1)).to_contain_text("Not covered")
    expect(page.get_by_test_id(f"report-row-{keys[0]}").locator("td").nth(1)).to_contain_text("2 ·")
    page.checks.accessible()
    assert_nothing_overflows(page)


@pytest.mark.parametrize("size", SIZES)
def test_the_interviewer_fills_in_the_form_by_keyboard_alone(page: Page, live_server_url, size):
    tag, rounds = make_rounds(live_server_url, ivy_first=False)
    sized(page, size)
    log_in(page, f"ivy.{tag}@example.com", PASSWORD)
    page.goto(f"/interviews/{rounds['first']}/feedback/")
    expect(page.get_by_role("heading", name="Your feedback")).to_be_visible()
    page.checks.accessible()
    for key in rounds["keys"]:
        tab_to(page, f'input[name="score-{key}"]')
        assert focus_is_visible(page), key
        page.keyboard.press("Space")  # 1
        for _ in range(2):
            page.keyboard.press("ArrowDown")  # 3
        tab_to(page, f"#comment-{key}")
        page.keyboard.type(f"Seen in {key}.")
    tab_to(page, 'input[name="recommendation"]')
    page.keyboard.press("Space")
    for _ in range(2):
        page.keyboard.press("ArrowRight")  # Strong no → Lean no → Lean hire
    expect(page.get_by_role("radio", name="Lean hire")).to_be_checked()
    tab_to(page, "#strengths")
    page.keyboard.type("Scoped the problem before drawing.")
    tab_to(page, "#improvement-1")
    page.keyboard.type("Estimate storage growth.")
    tab_to(page, "button[value=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Feedback report")).to_be_visible()
    key = rounds["keys"][0]
    interviewer_cell = page.get_by_test_id(f"report-row-{key}").locator("td").first
    expect(interviewer_cell).to_contain_text("3 ·")
    expect(interviewer_cell).to_contain_text(f"Seen in {key}.")
    page.checks.accessible()
    assert_nothing_overflows(page)


@pytest.mark.parametrize("size", SIZES)
def test_reports_and_progress_fit_the_screen_with_a_table_for_every_chart(
    page: Page, page_b: Page, live_server_url, size
):
    tag, rounds = make_rounds(live_server_url, cole_first=True)
    for who, side in (("cole", page), ("ivy", page_b)):
        sized(side, size)
        log_in(side, f"{who}.{tag}@example.com", PASSWORD)
        side.goto(f"/interviews/{rounds['second']}/report/")
        expect(side.get_by_test_id("release-status")).to_contain_text("Released")
        # Planned and actual time, written one way.
        cells = side.get_by_test_id("time-table").locator("tbody tr").first.locator("td")
        expect(cells).to_have_text(["5 min", "4 min 32 s", "28 s under"])
        drawn = charts_drawn(side)
        assert {c["testid"] for c in drawn} == {"score-chart", "time-chart"}
        side.checks.accessible()
        assert_nothing_overflows(side)

        side.goto("/progress/")
        side.checks.accessible()
        assert_nothing_overflows(side)
        drawn = charts_drawn(side)
        for chart in drawn:
            for point in chart["points"]:
                # Whole points: nothing cut at the top (or anywhere else) of the canvas.
                assert point["y"] - point["radius"] >= 0, (chart["testid"], point)
                assert 0 <= point["x"] - point["radius"] <= chart["width"], (chart["testid"], point)

    # Cole's progress: two released rounds as a line, its round-two points at the maximum.
    (scores,) = [c for c in page.evaluate("() => window.__mockroomCharts()")]
    assert scores["testid"] == "progress-chart" and scores["type"] == "line"
    top = [p for p in scores["points"] if p["index"] == 1]
    assert top and all(abs(p["y"] - scores["area"]["top"]) < 1 for p in top)
    # ...and drawn whole: the pixel just inside each point's top edge is painted, where a plot
    # clipped to its area would leave it blank.
    for point in top:
        assert painted(page, "progress-chart", point["x"], point["y"] - point["radius"] + 1.5)
    # Ivy's progress: two rated rounds, four bars each, side by side.
    (ratings,) = page_b.evaluate("() => window.__mockroomCharts()")
    assert ratings["testid"] == "rating-chart" and ratings["type"] == "bar"
    assert len({round(p["x"]) for p in ratings["points"]}) == 8
    table = page_b.get_by_test_id("progress-rating-data-table")
    expect(table.locator("thead")).to_contain_text("Fairness")
    expect(table.locator("tbody tr")).to_have_count(2)


@pytest.mark.parametrize("size", SIZES)
def test_progress_with_one_round_is_not_a_stack_at_x_0(page: Page, live_server_url, size):
    tag, rounds = make_rounds(live_server_url)
    # Only round two is released for Cole, so his progress has one round.
    sized(page, size)
    log_in(page, f"cole.{tag}@example.com", PASSWORD)
    page.goto("/progress/")
    page.checks.accessible()
    (chart,) = charts_drawn(page)
    assert chart["type"] == "bar"
    xs = sorted({round(p["x"]) for p in chart["points"]})
    assert len(xs) == len(rounds["keys"])  # one bar per criterion, none on top of another
    assert xs[0] > chart["area"]["left"] + 1
    table = page.get_by_test_id("progress-score-data-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Interviewer 4; you 2")
    assert_nothing_overflows(page)


@pytest.mark.parametrize("size", SIZES)
def test_the_rubric_editor_says_what_is_wrong_beside_the_field(page: Page, live_server_url, size):
    tag = f"ed{next(_tags)}"
    live_server_url.create_verified_user(f"rita.{tag}@example.com", PASSWORD, "Rita")
    sized(page, size)
    log_in(page, f"rita.{tag}@example.com", PASSWORD)
    page.goto("/rubrics/new/")
    page.checks.accessible()
    kind = page.get_by_label("Kind")
    expect(kind.locator("option[value=ml_system_design]")).to_have_text("ML system design")
    page.get_by_label("Title").fill("Design review")
    kind.select_option(label="ML system design")
    page.get_by_label("Name", exact=True).fill("Monitoring")
    anchors = page.get_by_label("Anchor: what the candidate says or does")
    anchors.nth(1).fill("Names one metric.")  # level 1's anchor stays empty
    anchors.nth(2).fill("Names metrics and alerts.")
    anchors.nth(3).fill("Plans drift detection.")
    page.get_by_role("button", name="Save rubric").click()

    words = "Criterion 1, level 1: the anchor is empty"
    expect(page.get_by_role("alert")).to_contain_text(words)
    field = page.locator("#c-0-l-0-anchor")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(words)
    beside = page.locator("#c-0-l-0-anchor-error")
    expect(beside).to_be_visible()
    box, error = field.bounding_box(), beside.bounding_box()
    assert box and error and 0 <= box["y"] - (error["y"] + error["height"]) < 40
    expect(page.get_by_label("Kind")).to_have_value("ml_system_design")
    page.checks.accessible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The summary's link takes the keyboard to the field; fixing it saves the rubric.
    page.get_by_role("link", name=words).press("Enter")
    expect(field).to_be_focused()
    page.keyboard.type("Names no metric.")
    page.get_by_role("button", name="Save rubric").click()
    expect(page.get_by_role("heading", name="Design review")).to_be_visible()
    expect(page.locator("main")).to_contain_text("ML system design")
    page.checks.accessible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name="Rubrics").click()
    mine = page.get_by_role("listitem").filter(has_text="Design review")
    expect(mine).to_contain_text("ML system design")
    page.checks.accessible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
