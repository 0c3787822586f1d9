import pytest

from mockroom.interviews.agenda import (
    AGENDA_TEMPLATES,
    AgendaError,
    Phase,
    agenda_text,
    parse_agenda_text,
    template_phases,
    total_minutes,
    validate_agenda,
)


def test_every_kind_has_a_template_that_validates():
    for key in AGENDA_TEMPLATES:
        phases = template_phases(key)
        assert validate_agenda([p.as_dict() for p in phases]) == phases
        assert 30 <= total_minutes(phases) <= 60


def test_text_round_trips():
    phases = [Phase("Clarify", 5), Phase("Design, then build", 20)]
    assert parse_agenda_text(agenda_text(phases)) == phases


def test_blank_lines_are_ignored_and_names_trimmed():
    assert parse_agenda_text("\n  Clarify , 5\n\nDesign,20\n") == [
        Phase("Clarify", 5),
        Phase("Design", 20),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one phase"),
        ("Clarify", "Phase name, minutes"),
        ("Clarify, five", "not a whole number"),
        ("Clarify, 0", "1 to 180"),
        ("Clarify, 181", "1 to 180"),
        (", 5", "needs a name"),
        ("\n".join(f"P{i}, 1" for i in range(13)), "at most 12"),
    ],
)
def test_bad_agendas_say_what_is_wrong(text, message):
    with pytest.raises(AgendaError, match=message):
        parse_agenda_text(text)


@pytest.mark.parametrize(
    "raw",
    [None, {}, [1], [{"name": "x"}], [{"name": "x", "minutes": True}], [{"minutes": 3}]],
)
def test_stored_agenda_is_validated(raw):
    with pytest.raises(AgendaError):
        validate_agenda(raw)


def test_unknown_template_is_refused():
    with pytest.raises(AgendaError):
        template_phases("astrology")
