"""An agenda as an iCalendar file (RFC 5545), written by the ``icalendar`` library: pure
(plain data in, bytes out).

* Times carry the event's time zone (``TZID``) and the file its ``VTIMEZONE``, so a
  calendar in another zone shows the meeting at the right hour.
* One ``VEVENT`` per meeting, with the counterpart (``SUMMARY``, ``DESCRIPTION``), the table
  and the place (``LOCATION``).
* ``UID`` is the meeting request's, not the stored meeting row's: a meeting moved by a later
  schedule keeps its UID and gets a higher ``SEQUENCE``, so a re-downloaded file updates the
  entry in place instead of adding a second one; a meeting a later schedule dropped is sent
  as ``STATUS:CANCELLED`` under the same UID.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar
from icalendar import Event as VEvent

PRODID = "-//Tradebase//Event agendas//EN"


@dataclass(frozen=True)
class CalendarEntry:
    """One meeting as the file says it, worded in the reader's language by the caller."""

    uid: str
    start: datetime  # aware, in the event's time zone
    end: datetime
    summary: str
    location: str
    description: str
    sequence: int = 0
    stamp: datetime | None = None  # when it was published (UTC); DTSTAMP
    cancelled: bool = False


def meeting_uid(event_id: int, meeting_request_id: int, host: str) -> str:
    """The stable UID of an event's meeting: the same for both sides and every download."""
    return f"event-{event_id}-meeting-{meeting_request_id}@{host}"


def group_meeting_uid(event_id: int, group_request_id: int, host: str) -> str:
    """The stable UID of an event's group meeting: the same for every member and download."""
    return f"event-{event_id}-group-{group_request_id}@{host}"


def agenda_calendar(*, name: str, entries: Sequence[CalendarEntry],
                    stamp: datetime) -> bytes:
    """The ``.ics`` file of an agenda: ``name`` is the calendar's (X-WR-CALNAME), ``stamp``
    the DTSTAMP of entries without their own."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for entry in entries:
        event = VEvent()
        event.add("uid", entry.uid)
        event.add("dtstamp", entry.stamp or stamp)
        event.add("dtstart", entry.start)
        event.add("dtend", entry.end)
        event.add("summary", entry.summary)
        event.add("location", entry.location)
        event.add("description", entry.description)
        event.add("sequence", entry.sequence)
        event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data


__all__ = ["CalendarEntry", "agenda_calendar", "group_meeting_uid", "meeting_uid"]
