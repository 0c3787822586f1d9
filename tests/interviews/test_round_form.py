"""The round form without JavaScript: the agenda template, the agenda and the rubric follow
the kind of round unless the person changed them, and the page shows what will be created
before anything is created that the person has not seen."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from mockroom.interviews.agenda import agenda_text, template_phases
from mockroom.interviews.models import Interview
from mockroom.rubrics.models import Rubric
from tests.interviews.conftest import ensure_rubric_library, make_user

pytestmark = pytest.mark.django_db

CODING = agenda_text(template_phases("coding"))
ML = agenda_text(template_phases("ml_system_design"))


@pytest.fixture
def ivy(db):
    ensure_rubric_library()
    return make_user("ivy@example.com", "Ivy")


def library(kind: str) -> Rubric:
    return Rubric.objects.get(is_builtin=True, slug=kind)


def fresh_form(client) -> dict[str, str]:
    """The fields as the empty form shows them: what a browser without JS would send."""
    page = client.get(reverse("interviews:create")).content.decode()

    def value(name: str) -> str:
        found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
            rf'value="([^"]*)"[^>]*name="{name}"', page
        )
        return found.group(1) if found else ""

    selected_rubric = re.search(r'<option value="(\d+)" selected>', page)
    return {
        "title": "ML practice",
        "kind": "coding",
        "my_role": "interviewer",
        "agenda_template": "coding",
        "agenda": re.search(r'name="agenda"[^>]*>\s*(.*?)</textarea>', page, re.S).group(1),
        "rubric": selected_rubric.group(1) if selected_rubric else "",
        "scheduled_at": "2030-06-01T09:30",
        "time_zone": "UTC",
        "defaults_kind": value("defaults_kind"),
        "agenda_source": value("agenda_source"),
    }


def test_the_empty_form_shows_the_coding_defaults_it_will_create(client, ivy):
    client.force_login(ivy)
    fields = fresh_form(client)
    assert fields["defaults_kind"] == "coding" and fields["agenda_source"] == "coding"
    assert fields["rubric"] == str(library("coding").pk)
    assert fields["agenda"].replace("\r", "").strip() == CODING
    page = client.get(reverse("interviews:create")).content.decode()
    assert "What will be created" in page and "45</span> minutes" in page


def test_choosing_ml_without_js_shows_the_ml_agenda_and_rubric_before_creating(client, ivy):
    client.force_login(ivy)
    fields = {**fresh_form(client), "kind": "ml_system_design"}
    response = client.post(reverse("interviews:create"), fields)
    # Not created yet: the form comes back with the ML defaults filled in and summarised.
    assert response.status_code == 200
    assert not Interview.objects.exists()
    body = response.content.decode()
    assert '<option value="ml_system_design" selected>' in body
    assert "Problem framing and objectives" in body
    assert f'<option value="{library("ml_system_design").pk}" selected>' in body
    summary = body.split('id="round-summary"')[1]
    assert "ML system design" in summary and "Evaluation metrics" in summary
    assert library("ml_system_design").title in summary
    # Submitting what is now shown creates the ML round.
    again = {
        **fields,
        "agenda_template": "ml_system_design",
        "agenda": ML,
        "rubric": str(library("ml_system_design").pk),
        "defaults_kind": "ml_system_design",
        "agenda_source": "ml_system_design",
    }
    assert client.post(reverse("interviews:create"), again).status_code == 302
    interview = Interview.objects.get()
    assert interview.kind == "ml_system_design"
    assert [p.name for p in interview.phases] == [
        p.name for p in template_phases("ml_system_design")
    ]
    assert interview.rubric == library("ml_system_design")


def test_an_agenda_edited_by_hand_and_a_chosen_rubric_do_not_follow_the_kind(client, ivy):
    client.force_login(ivy)
    own = "Warm-up, 5\nWhiteboard, 30"
    chosen = library("behavioral")
    fields = {
        **fresh_form(client),
        "kind": "ml_system_design",
        "agenda": own,
        "rubric": str(chosen.pk),
    }
    response = client.post(reverse("interviews:create"), fields)
    body = response.content.decode()
    assert response.status_code == 200  # the template followed, so the form is shown again
    assert "Whiteboard, 30" in body and "Problem framing" not in body.split("summary")[0]
    assert f'<option value="{chosen.pk}" selected>' in body
    again = {**fields, "agenda_template": "ml_system_design", "defaults_kind": "ml_system_design"}
    assert client.post(reverse("interviews:create"), again).status_code == 302
    interview = Interview.objects.get()
    assert [p.name for p in interview.phases] == ["Warm-up", "Whiteboard"]
    assert interview.rubric == chosen


def test_a_template_chosen_by_hand_fills_the_untouched_agenda(client, ivy):
    client.force_login(ivy)
    fields = {**fresh_form(client), "agenda_template": "behavioral"}
    response = client.post(reverse("interviews:create"), fields)
    assert response.status_code == 200
    assert "Stories, 25" in response.content.decode()


def test_update_the_summary_saves_nothing(client, ivy):
    client.force_login(ivy)
    fields = {**fresh_form(client), "preview": "1"}
    response = client.post(reverse("interviews:create"), fields)
    assert response.status_code == 200 and not Interview.objects.exists()


def test_a_form_already_in_step_with_the_kind_creates_at_once(client, ivy):
    """What the page's script sends after following the kind: created without a detour."""
    client.force_login(ivy)
    fields = {
        **fresh_form(client),
        "kind": "ml_system_design",
        "agenda_template": "ml_system_design",
        "agenda": ML,
        "rubric": str(library("ml_system_design").pk),
        "defaults_kind": "ml_system_design",
        "agenda_source": "ml_system_design",
    }
    assert client.post(reverse("interviews:create"), fields).status_code == 302
    assert Interview.objects.get().rubric == library("ml_system_design")


def test_the_page_script_is_our_own_file_and_no_inline_script(client, ivy):
    client.force_login(ivy)
    body = client.get(reverse("interviews:create")).content.decode()
    assert '<script src="/static/js/round-form.js" defer></script>' in body
    assert 'id="round-defaults" type="application/json"' in body
    scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", body)
    assert scripts == []


@pytest.mark.parametrize("junk", ["\x00", "x" * 5000, "coding\x00", "<script>"])
def test_forged_hidden_fields_are_ignored_not_a_server_error(client, ivy, junk):
    client.force_login(ivy)
    fields = {**fresh_form(client), "defaults_kind": junk, "agenda_source": junk}
    response = client.post(reverse("interviews:create"), fields)
    assert response.status_code == 302
    assert [p.name for p in Interview.objects.get().phases] == [
        p.name for p in template_phases("coding")
    ]
