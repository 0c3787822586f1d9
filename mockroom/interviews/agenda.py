"""Agendas: the phases of a round with their planned minutes. Pure, no ORM."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_PHASES = 12
MAX_PHASE_MINUTES = 180
MAX_NAME_LENGTH = 60


class AgendaError(ValueError):
    """An agenda that cannot be used, with a message fit for a form."""


@dataclass(frozen=True)
class Phase:
    name: str
    minutes: int

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "minutes": self.minutes}


# One template per kind of round; the creator may edit the copy before the round starts.
AGENDA_TEMPLATES: dict[str, tuple[str, tuple[Phase, ...]]] = {
    "coding": (
        "Coding, 45 minutes",
        (
            Phase("Introductions", 3),
            Phase("Understand the problem", 7),
            Phase("Solve and code", 25),
            Phase("Test and complexity", 5),
            Phase("Questions", 5),
        ),
    ),
    "system_design": (
        "System design, 45 minutes",
        (
            Phase("Clarify", 5),
            Phase("High-level design", 15),
            Phase("Deep-dive", 15),
            Phase("Wrap-up", 5),
            Phase("Questions", 5),
        ),
    ),
    "ml_system_design": (
        "ML system design, 45 minutes",
        (
            Phase("Problem framing and objectives", 5),
            Phase("Data sources and labels", 8),
            Phase("Features and modeling", 10),
            Phase("Evaluation metrics", 7),
            Phase("Deployment and monitoring", 10),
            Phase("Questions", 5),
        ),
    ),
    "llm_app_design": (
        "LLM application design, 45 minutes",
        (
            Phase("Clarify the use case", 5),
            Phase("Architecture and retrieval", 12),
            Phase("Model adaptation", 8),
            Phase("Evaluation and safety", 8),
            Phase("Cost and serving", 7),
            Phase("Questions", 5),
        ),
    ),
    "data_science": (
        "Data science case, 45 minutes",
        (
            Phase("Introductions", 3),
            Phase("Frame the problem", 7),
            Phase("Explore the data", 10),
            Phase("Analysis and experiment", 15),
            Phase("Recommendation", 5),
            Phase("Questions", 5),
        ),
    ),
    "behavioral": (
        "Behavioral (STAR), 40 minutes",
        (
            Phase("Introductions", 5),
            Phase("Stories", 25),
            Phase("Follow-ups", 5),
            Phase("Questions", 5),
        ),
    ),
    "other": (
        "Open round, 40 minutes",
        (Phase("Clarify", 5), Phase("Work", 25), Phase("Debrief", 5), Phase("Questions", 5)),
    ),
}


def template_phases(key: str) -> list[Phase]:
    try:
        return list(AGENDA_TEMPLATES[key][1])
    except KeyError:
        raise AgendaError(f"Unknown agenda template {key!r}.") from None


def validate_agenda(raw: object) -> list[Phase]:
    """Turn stored or submitted JSON into phases, or raise AgendaError saying what is wrong."""
    if not isinstance(raw, list) or not raw:
        raise AgendaError("An agenda needs at least one phase.")
    if len(raw) > MAX_PHASES:
        raise AgendaError(f"An agenda has at most {MAX_PHASES} phases.")
    phases = []
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise AgendaError(f"Phase {index} must have a name and minutes.")
        name = item.get("name")
        minutes = item.get("minutes")
        if not isinstance(name, str) or not name.strip():
            raise AgendaError(f"Phase {index} needs a name.")
        if len(name.strip()) > MAX_NAME_LENGTH:
            raise AgendaError(f"Phase {index}'s name is longer than {MAX_NAME_LENGTH} characters.")
        if isinstance(minutes, bool) or not isinstance(minutes, int):
            raise AgendaError(f"Phase {index} needs whole minutes.")
        if not 1 <= minutes <= MAX_PHASE_MINUTES:
            raise AgendaError(f"Phase {index} must last 1 to {MAX_PHASE_MINUTES} minutes.")
        phases.append(Phase(name.strip(), minutes))
    return phases


def parse_agenda_text(text: str) -> list[Phase]:
    """Parse the form's one-phase-per-line text, `Name, minutes`."""
    items: list[object] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, minutes = line.rpartition(",")
        if not sep:
            raise AgendaError(f"Line {number}: write it as 'Phase name, minutes'.")
        try:
            items.append({"name": name, "minutes": int(minutes.strip())})
        except ValueError:
            raise AgendaError(
                f"Line {number}: {minutes.strip()!r} is not a whole number."
            ) from None
    return validate_agenda(items)


def agenda_text(phases: list[Phase]) -> str:
    return "\n".join(f"{phase.name}, {phase.minutes}" for phase in phases)


def total_minutes(phases: list[Phase]) -> int:
    return sum(phase.minutes for phase in phases)
