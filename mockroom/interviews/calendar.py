"""Calendar (.ics) files for rounds.

Every file of one round carries the same UID, so a calendar that imported the invitation
replaces the event when an update or a cancellation arrives. SEQUENCE is the round's
`sequence`, which grows with every change mailed to the people in it (RFC 5545 §3.8.7.4),
so a later file always wins over an earlier one."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from mockroom.core.clock import now

from .models import Interview

PUBLISH = "PUBLISH"
CANCEL = "CANCEL"


def event_uid(interview: Interview) -> str:
    return f"{interview.public_id}@mockroom"


def interview_ics(
    interview: Interview, *, join_url: str, role_label: str, method: str = PUBLISH
) -> bytes:
    """One VEVENT for the round: start, planned duration and the link into it. With
    `method=CANCEL` (or for a cancelled round) the event is marked cancelled."""
    cancelled = method == CANCEL or interview.status == Interview.Status.CANCELLED
    site = settings.SITE_NAME
    calendar = Calendar()
    calendar.add("prodid", f"-//{site}//mock interviews//EN")
    calendar.add("version", "2.0")
    calendar.add("method", CANCEL if cancelled else PUBLISH)
    event = Event()
    event.add("uid", event_uid(interview))
    event.add("sequence", interview.sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    prefix = "Cancelled: " if cancelled else ""
    event.add("summary", f"{prefix}Mock interview: {interview.title} ({role_label})")
    event.add("dtstart", interview.scheduled_at)
    event.add("duration", timedelta(minutes=interview.planned_minutes))
    event.add("dtstamp", now())
    event.add("last-modified", interview.updated_at)
    # The organiser by name only: peers see display names, never each other's addresses.
    address = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    address.params["cn"] = vText(interview.created_by.name)
    event.add("organizer", address)
    event.add("url", join_url)
    event.add("location", join_url)
    agenda = "\n".join(f"- {p.name}: {p.minutes} min" for p in interview.phases)
    if cancelled:
        event.add("description", f"This round was cancelled on {site}.\n\n{join_url}")
    else:
        event.add("description", f"Join: {join_url}\n\nAgenda:\n{agenda}")
    calendar.add_component(event)
    return calendar.to_ical()
