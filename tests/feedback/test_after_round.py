"""After the round (issue 13): the candidate's form says what the rating ends mean and lets a
criterion be "not covered"; the report writes time one way; progress with one round; every
chart has a table of its numbers; every table sits in a scroll region."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from mockroom.core.clock import now
from mockroom.feedback.charts import chart_table, value_text
from mockroom.feedback.durations import difference_text, duration_text
from mockroom.feedback.models import Submission
from mockroom.feedback.progress import progress_context
from mockroom.feedback.schema import RATING_ENDS
from mockroom.feedback.services import FeedbackError, feedback_save_draft, feedback_submit
from mockroom.interviews.models import Participant
from mockroom.live.models import RoomState
from mockroom.live.timer import TimerState
from tests.feedback.conftest import KEYS, candidate_data, interviewer_data
from tests.feedback.html import parse

SKIPPED = KEYS[2]  # data_model_and_storage


def seat(round_, persona):
    return Participant.objects.select_related("interview", "user").get(
        interview=round_.interview, user=round_.persona(persona)
    )


def form_url(round_):
    return reverse("feedback:form", args=[round_.interview.public_id])


def candidate_post(**overrides) -> dict:
    post = {f"self-{k}": "2" for k in KEYS}
    post.update({f"rating-{a}": "4" for a in RATING_ENDS})
    post.update(action="submit", free_text="")
    post.update(overrides)
    return post


# -- the candidate's form ------------------------------------------------------------------


@pytest.mark.django_db
def test_each_rating_scale_names_what_1_and_5_mean(client, ended_round):
    client.force_login(ended_round.candidate)
    page = parse(client.get(form_url(ended_round)).content)
    for aspect, (low, high) in RATING_ENDS.items():
        scale = page.find("fieldset", data_testid=f"rating-{aspect}")
        labels = {
            label.find("input").attrs["value"]: label.text for label in scale.find_all("label")
        }
        assert labels["1"] == f"1 {low}"
        assert labels["5"] == f"5 {high}"
        assert [labels[n] for n in "234"] == ["2", "3", "4"]
        # The scale's meaning is also read out with the group, not only seen.
        described = page.by_id(scale.attrs["aria-describedby"]).text
        assert low.lower() in described and high.lower() in described


@pytest.mark.django_db
def test_a_candidate_can_mark_a_criterion_not_covered_and_submit(client, ended_round):
    client.force_login(ended_round.candidate)
    response = client.post(
        form_url(ended_round), candidate_post(**{f"self-{SKIPPED}": "not_covered"})
    )
    assert response.status_code == 302
    saved = Submission.objects.get(interview=ended_round.interview, author=ended_round.candidate)
    assert saved.status == "submitted"
    assert saved.data["self_scores"][SKIPPED] == {
        "score": None,
        "comment": "",
        "not_covered": True,
    }
    assert saved.data["self_scores"][KEYS[0]]["score"] == 2


@pytest.mark.django_db
def test_the_not_covered_choice_is_one_radio_of_the_criterions_group(client, ended_round):
    client.force_login(ended_round.candidate)
    page = parse(client.get(form_url(ended_round)).content)
    for key in KEYS:
        group = page.find("fieldset", data_testid=f"fb-criterion-{key}")
        radios = group.find_all("input", type="radio")
        assert {r.attrs["name"] for r in radios} == {f"self-{key}"}
        assert radios[-1].attrs["value"] == "not_covered"
        assert radios[-1].parent.text.startswith("Not covered")
    # The interviewer scores every criterion: no "not covered" for them.
    client.force_login(ended_round.interviewer)
    assert b"not_covered" not in client.get(form_url(ended_round)).content


@pytest.mark.django_db
def test_a_not_covered_draft_comes_back_checked(client, ended_round):
    client.force_login(ended_round.candidate)
    post = candidate_post(**{f"self-{SKIPPED}": "not_covered", "action": "draft"})
    client.post(form_url(ended_round), post)
    page = parse(client.get(form_url(ended_round)).content)
    checked = [
        r.attrs["value"]
        for r in page.find_all("input", name=f"self-{SKIPPED}")
        if "checked" in r.attrs
    ]
    assert checked == ["not_covered"]


@pytest.mark.django_db
def test_an_unanswered_criterion_still_blocks_submitting(client, ended_round):
    client.force_login(ended_round.candidate)
    post = candidate_post(**{f"selfcomment-{SKIPPED}": "We ran out of time here."})
    del post[f"self-{SKIPPED}"]  # a comment, but neither a score nor "not covered"
    response = client.post(form_url(ended_round), post)
    assert response.status_code == 400
    assert "or mark it “not covered” (1 missing)" in response.content.decode()


@pytest.mark.django_db
def test_a_score_and_not_covered_together_are_refused(ended_round):
    data = candidate_data()
    data["self_scores"][SKIPPED] = {"score": 3, "comment": "", "not_covered": True}
    with pytest.raises(FeedbackError) as refused:
        feedback_save_draft(participant=seat(ended_round, "candidate"), data=data)
    assert any("not both" in p for p in refused.value.problems)


def submit_both(round_, skipped=SKIPPED):
    feedback_submit(participant=seat(round_, "interviewer"), data=interviewer_data())
    data = candidate_data()
    data["self_scores"][skipped] = {"score": None, "comment": "", "not_covered": True}
    feedback_submit(participant=seat(round_, "candidate"), data=data)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["candidate", "interviewer"])
def test_the_report_says_not_covered_and_leaves_it_out_of_the_chart(client, ended_round, persona):
    submit_both(ended_round)
    client.force_login(ended_round.persona(persona))
    response = client.get(reverse("feedback:report", args=[ended_round.interview.public_id]))
    page = parse(response.content)
    row = page.find("tr", data_testid=f"report-row-{SKIPPED}")
    self_cell = row.find_all("td")[1]
    assert self_cell.text.startswith("Not covered")
    chart = json.loads(page.by_id("score-chart-data").text)
    self_data = next(d for d in chart["datasets"] if d["label"] == "Self-assessment")["data"]
    assert self_data[KEYS.index(SKIPPED)] is None
    assert self_data[0] == 2
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("feedback:csv", args=[ended_round.interview.public_id])
                ).content.decode()
            )
        )
    )
    skipped_row = rows[1 + KEYS.index(SKIPPED)]
    assert skipped_row[3] == "not covered"


# -- one time format -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ms", "words"),
    [
        (300_000, "5 min"),
        (272_000, "4 min 32 s"),
        (272_999, "4 min 32 s"),
        (45_000, "45 s"),
        (0, "0 min"),
        (-5_000, "0 min"),
        (3_900_000, "1 h 5 min"),
        (3_600_000, "1 h"),
        (3_601_000, "1 h 0 min 1 s"),
    ],
)
def test_durations_are_written_one_way(ms, words):
    assert duration_text(ms) == words


def test_differences_say_over_or_under():
    assert difference_text(300_000, 430_000) == "2 min 10 s over"
    assert difference_text(300_000, 270_000) == "30 s under"
    assert difference_text(300_000, 300_400) == "on time"


ONE_FORMAT = re.compile(r"^(\d+ h)?( ?\d+ min)?( ?\d+ s)?$")


@pytest.mark.django_db
def test_planned_and_actual_use_one_time_format(client, ended_round):
    RoomState.objects.update_or_create(
        interview=ended_round.interview,
        defaults={
            "timer": TimerState(
                phase_index=1,
                phase_spent_ms=(272_000, 960_500, 0, 0, 0),
                added_ms=(0,) * 5,
            ).to_json()
        },
    )
    client.force_login(ended_round.interviewer)
    page = parse(
        client.get(reverse("feedback:report", args=[ended_round.interview.public_id])).content
    )
    table = page.by_id("time-table")
    rows = [[c.text for c in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
    assert rows[0] == ["5 min", "4 min 32 s", "28 s under"]
    assert rows[1] == ["15 min", "16 min", "1 min over"]
    for planned, actual, _ in rows:
        assert ONE_FORMAT.match(planned) and ONE_FORMAT.match(actual), (planned, actual)
    chart = json.loads(page.by_id("time-chart-data").text)
    assert chart["format"] == "minutes"  # the chart's tooltips write durations the same way
    assert chart["max"] == 18  # whole minutes above the longest bar (16 min 0.5 s), not 17.008
    actual = next(d for d in chart["datasets"] if d["label"] == "Actual")["data"]
    assert value_text(actual[0], "minutes") == "4 min 32 s"


# -- every chart has its table; every table scrolls in its own box --------------------------


def assert_charts_have_tables_and_tables_scroll(page):
    assert "{#" not in page.text and "{%" not in page.text  # no template text leaks out
    canvases = page.find_all("canvas")
    assert canvases
    for canvas in canvases:
        table = page.by_id(canvas.attrs["data-table"])
        assert table.tag == "table"
        assert table.find("caption").text
        spec = json.loads(page.by_id(canvas.attrs["data-chart-source"]).text)
        text = table.text
        for dataset in spec["datasets"]:
            for value in dataset["data"]:
                if value is not None:
                    assert value_text(value, spec.get("format", "")) in text
    for table in page.find_all("table"):
        box = table.parent
        assert "table-scroll" in box.classes(), table.attrs.get("id")
        assert box.attrs["role"] == "region" and box.attrs["tabindex"] == "0"
        assert page.by_id(box.attrs["aria-labelledby"]).tag == "caption"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["candidate", "interviewer"])
def test_report_charts_have_tables(client, ended_round, persona):
    submit_both(ended_round)
    client.force_login(ended_round.persona(persona))
    response = client.get(reverse("feedback:report", args=[ended_round.interview.public_id]))
    assert_charts_have_tables_and_tables_scroll(parse(response.content))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["candidate", "interviewer"])
def test_progress_charts_have_tables(client, ended_round, persona):
    submit_both(ended_round)
    client.force_login(ended_round.persona(persona))
    page = parse(client.get(reverse("feedback:progress")).content)
    assert_charts_have_tables_and_tables_scroll(page)
    chart_id = "progress-score-data" if persona == "candidate" else "progress-rating-data"
    page.by_id(chart_id)


@pytest.mark.django_db
def test_progress_with_one_round_is_bars_and_shows_not_covered(ended_round):
    submit_both(ended_round)
    context = progress_context(ended_round.candidate)
    chart = context["score_chart"]
    assert chart["type"] == "bar"  # a one-round line chart is dots on one vertical
    assert chart["max"] == 4  # the rubric's top level, so a 4 is on the scale
    cells = {
        column: cell
        for column, cell in zip(
            context["score_table"]["columns"],
            context["score_table"]["rows"][0]["cells"],
            strict=True,
        )
    }
    assert cells["Data model and storage"] == "Interviewer 3; you: not covered"
    assert cells["Communication"] == "Interviewer 3; you 2"


@pytest.mark.django_db
def test_progress_with_two_rounds_is_a_line(ended_round, scheduled_round_factory):
    submit_both(ended_round)
    second = scheduled_round_factory(ended_round)
    submit_both(second)
    chart = progress_context(ended_round.candidate)["score_chart"]
    assert chart["type"] == "line"
    assert len(chart["labels"]) == 2


def test_chart_table_has_a_row_per_label_and_a_column_per_dataset():
    table = chart_table(
        {
            "title": "T",
            "labels": ["a", "b"],
            "format": "minutes",
            "datasets": [
                {"label": "Planned", "data": [5, None]},
                {"label": "Actual", "data": [4.5, 1]},
            ],
        },
        row_header="Phase",
    )
    assert table == {
        "caption": "T",
        "row_header": "Phase",
        "columns": ["Planned", "Actual"],
        "rows": [
            {"label": "a", "cells": ["5 min", "4 min 30 s"]},
            {"label": "b", "cells": ["—", "1 min"]},
        ],
    }


@pytest.fixture
def scheduled_round_factory(db):
    """Another ended round between the same interviewer and candidate, a day later."""
    from mockroom.interviews.agenda import template_phases
    from mockroom.interviews.models import Role
    from mockroom.interviews.services import (
        interview_create,
        interview_end,
        interview_start,
        invitation_accept,
    )

    def make(round_):
        interview, issued = interview_create(
            creator=round_.interviewer,
            title="Second practice",
            kind="system_design",
            creator_role=Role.INTERVIEWER,
            agenda=template_phases("system_design"),
            scheduled_at=now() + timedelta(days=1),
            time_zone="UTC",
            prompt_text="Design a feed.",
        )
        token = next(i.token for i in issued if i.invitation.role == Role.CANDIDATE)
        invitation_accept(token=token, user=round_.candidate)
        interview_end(interview=interview_start(interview=interview))
        interview.refresh_from_db()
        return type(round_)(
            interview, round_.interviewer, round_.candidate, round_.observer, round_.outsider
        )

    return make
