"""Calendar (.ics) files for rounds."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar, Event

from .models import Interview


def interview_ics(interview: Interview, *, join_url: str, role_label: str) -> bytes:
    """One VEVENT for the round: start, planned duration and the link into it."""
    calendar = Calendar()
    calendar.add("prodid", "-//MockRoom//mock interviews//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{interview.public_id}@mockroom")
    event.add("summary", f"Mock interview: {interview.title} ({role_label})")
    event.add("dtstart", interview.scheduled_at)
    event.add("duration", timedelta(minutes=interview.planned_minutes))
    event.add("dtstamp", interview.created_at)
    event.add("url", join_url)
    event.add("location", join_url)
    agenda = "\n".join(f"- {p.name}: {p.minutes} min" for p in interview.phases)
    event.add("description", f"Join: {join_url}\n\nAgenda:\n{agenda}")
    calendar.add_component(event)
    return calendar.to_ical()
