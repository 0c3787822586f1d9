"""The CSV export: cells a spreadsheet would run as formulas are escaped, and only those."""

import csv
import io

import pytest
from django.urls import reverse

from mockroom.feedback.selectors import spreadsheet_safe
from mockroom.feedback.services import feedback_submit
from mockroom.interviews.models import Participant
from tests.feedback.conftest import KEYS, interviewer_data

COMMENTS = {
    "requirements_and_scoping": '=HYPERLINK("http://evil")',
    "high_level_architecture": "+1+1",
    "data_model_and_storage": "-2+3",
    "scalability_and_bottlenecks": "@SUM(A1)",
    "tradeoffs_and_reliability": "",
    "communication": "Clear, structured; 3 = good",
}
EXPECTED = {
    "requirements_and_scoping": '\'=HYPERLINK("http://evil")',
    "high_level_architecture": "'+1+1",
    "data_model_and_storage": "'-2+3",
    "scalability_and_bottlenecks": "'@SUM(A1)",
    "tradeoffs_and_reliability": "",
    "communication": "Clear, structured; 3 = good",
}


@pytest.mark.django_db
def test_csv_escapes_formula_cells_and_leaves_empty_cells_empty(client, ended_round):
    assert set(COMMENTS) == set(KEYS)
    data = interviewer_data()
    for key, comment in COMMENTS.items():
        data["scores"][key]["comment"] = comment
    ivy = Participant.objects.get(interview=ended_round.interview, user=ended_round.interviewer)
    feedback_submit(participant=ivy, data=data)
    client.force_login(ended_round.interviewer)

    response = client.get(reverse("feedback:csv", args=[ended_round.interview.public_id]))

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == len(KEYS)
    comments = [row["interviewer_comment"] for row in rows]
    assert sorted(comments) == sorted(EXPECTED.values())
    assert all(row["interviewer_score"] == "3" for row in rows)
    # The candidate has not submitted (and nothing is released): those cells are empty,
    # not a lone quote.
    assert {row["self_score"] for row in rows} == {""}
    assert {row["self_comment"] for row in rows} == {""}
    assert not any(cell == "'" for row in rows for cell in row.values())


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_trigger_is_escaped(trigger):
    assert spreadsheet_safe(f"{trigger}cmd|' /C calc'!A0") == f"'{trigger}cmd|' /C calc'!A0"


@pytest.mark.parametrize("cell", ["", "plain text", "3 = good", " =not first", 3, None])
def test_cells_that_cannot_start_a_formula_are_left_alone(cell):
    assert spreadsheet_safe(cell) == cell
