"""Agendas of a docking day and its door: a participant's agenda (its published meetings in
time order, with the counterpart, the table and the times in the event's time zone — read
by the page, the printable page, the PDF and the ``.ics`` file), which agendas a reader may
open, and the organisers' check-in list (who came, recorded when and by whom, exported as
CSV or XLSX).

Who may read an agenda is ``policy.may_see_agenda`` (its own side and the organisers; to
anyone else it is not found), who checks people in ``policy.may_check_in``. Services take
``session`` keyword-only and never commit.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import (
    event_scope,
    may_check_in,
    may_see_agenda,
    organises_event,
)
from tradebase.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from tradebase.events import group_meetings
from tradebase.events.group_models import EventGroupMeeting
from tradebase.events.models import Event, EventMeeting, MeetingRequest, Registration
from tradebase.events.registrations import get_registration, list_registrations
from tradebase.events.schemas import RegistrationStatus
from tradebase.events.service import get_event, organised_event, organiser_bases, party_of, slots
from tradebase.events.slots import Slot
from tradebase.registry.transfer.files import Cell, write_table

PUBLISHED, CANCELLED = "published", "cancelled"
CHECK_IN_COLUMNS = ("registration_id", "kind", "name", "organisation", "booth", "attendees",
                    "checked_in", "checked_in_at")


@dataclass(frozen=True)
class AgendaMeeting:
    """One meeting of an agenda. ``start``/``end`` are aware datetimes in the event's time
    zone (None when the event has no date); ``sequence`` counts how often the meeting was
    published again (moved), which an ``.ics`` carries so that calendars take the newest."""

    meeting: EventMeeting
    slot: Slot | None
    counterpart: Registration
    start: datetime | None
    end: datetime | None
    sequence: int

    @property
    def table(self) -> int:
        """The table as the room shows it: from 1."""
        return self.meeting.table_no + 1


@dataclass(frozen=True)
class AgendaGroup:
    """One group meeting of an agenda: the buyer with the factories of its split order at one
    table; ``members`` are the others at the table (the buyer first), ``reference`` the split
    order's (its docking request)."""

    meeting: EventGroupMeeting
    slot: Slot | None
    members: list[Registration]
    reference: str
    start: datetime | None
    end: datetime | None
    sequence: int

    @property
    def table(self) -> int:
        return self.meeting.table_no + 1


@dataclass(frozen=True)
class Agenda:
    """A registration's agenda: its published meetings in time order, and the meetings
    published earlier that a later schedule dropped (``cancelled``, for calendars); the same
    for its group meetings."""

    event: Event
    registration: Registration
    meetings: list[AgendaMeeting]
    cancelled: list[AgendaMeeting]
    groups: list[AgendaGroup] = field(default_factory=list)
    cancelled_groups: list[AgendaGroup] = field(default_factory=list)

    @property
    def rows(self) -> list[AgendaMeeting | AgendaGroup]:
        """Every published meeting, 1:1 and group, in time order (what the pages list)."""
        both: list[AgendaMeeting | AgendaGroup] = [*self.meetings, *self.groups]
        return sorted(both, key=lambda i: (i.meeting.slot, i.meeting.table_no))


def _when(event: Event, slot: Slot | None) -> tuple[datetime | None, datetime | None]:
    if slot is None or event.starts_on is None:
        return None, None
    zone = ZoneInfo(event.timezone or "UTC")
    return (datetime.combine(event.starts_on, slot.start, tzinfo=zone),
            datetime.combine(event.starts_on, slot.end, tzinfo=zone))


def registration_agenda(*, session: Session, registration_id: int) -> Agenda:
    """The agenda of a registration, for its own side and the event's organisers; anyone
    else finds nothing (404), like a registration that does not exist."""
    registration = get_registration(session=session, registration_id=registration_id)
    event = get_event(session=session, event_id=registration.event_id)
    if not may_see_agenda(current_actor(session), party_of(registration),
                          organiser_bases(event)):
        raise NotFound(f"Registration {registration_id} not found")
    plan = slots(event)
    rows = list(session.scalars(
        select(EventMeeting).join(MeetingRequest, EventMeeting.request)
        .where(EventMeeting.event_id == event.id,
               EventMeeting.status.in_((PUBLISHED, CANCELLED)),
               or_(MeetingRequest.requester_id == registration.id,
                   MeetingRequest.recipient_id == registration.id))
        .order_by(EventMeeting.id)))
    times, last = _published_history(rows, lambda row: row.meeting_request_id)

    def item(row: EventMeeting) -> AgendaMeeting:
        request = row.request
        other = request.recipient if request.requester_id == registration.id else (
            request.requester)
        slot = plan[row.slot] if row.slot < len(plan) else None
        start, end = _when(event, slot)
        return AgendaMeeting(row, slot, other, start, end,
                             times[row.meeting_request_id] - 1)

    items = sorted((item(r) for r in last.values()),
                   key=lambda i: (i.meeting.slot, i.meeting.table_no, i.meeting.id))
    groups = _group_items(session, event, plan, registration)
    return Agenda(event, registration,
                  [i for i in items if i.meeting.status == PUBLISHED],
                  [i for i in items if i.meeting.status == CANCELLED],
                  [g for g in groups if g.meeting.status == PUBLISHED],
                  [g for g in groups if g.meeting.status == CANCELLED])


Row = TypeVar("Row", EventMeeting, EventGroupMeeting)


def _published_history(
        rows: Sequence[Row], key: Callable[[Row], int],
) -> tuple[dict[int, int], dict[int, Row]]:
    """Per request (1:1 or group): how many rows it has had, and the row to show — the
    published one, or the last row of a request a later schedule dropped."""
    times = Counter(key(row) for row in rows)
    live = {key(row) for row in rows if row.status == PUBLISHED}
    last: dict[int, Row] = {}
    for row in rows:
        if row.status == PUBLISHED or key(row) not in live:
            last[key(row)] = row
    return dict(times), last


def _group_items(session: Session, event: Event, plan: list[Slot],
                 registration: Registration) -> list[AgendaGroup]:
    """The registration's group meetings: the published ones, and the last published row of
    each group a later schedule dropped; ``sequence`` counts how often it was published."""
    rows = group_meetings.registration_meetings(session, registration)
    times, last = _published_history(rows, lambda row: row.group_request_id)
    out: list[AgendaGroup] = []
    for row in last.values():
        slot = plan[row.slot] if row.slot < len(plan) else None
        start, end = _when(event, slot)
        others = [m for m in group_meetings.members_of(session, row) if m.id != registration.id]
        out.append(AgendaGroup(row, slot, others, row.group.reference, start, end,
                               times[row.group_request_id] - 1))
    return sorted(out, key=lambda g: (g.meeting.slot, g.meeting.table_no, g.meeting.id))


@dataclass(frozen=True)
class Readable:
    """The agendas of an event a reader may open: its own registrations', and every
    approved registration's for the organisers."""

    own: list[Registration]
    organised: list[Registration]


def readable_agendas(*, session: Session, event_id: int) -> Readable:
    """Which agendas of the event the caller may open (``policy.may_see_agenda``)."""
    event = get_event(session=session, event_id=event_id)
    actor = current_actor(session)
    scope = event_scope(actor)
    seen = list_registrations(session=session, event_id=event.id)
    own = [r for r in seen if scope.acts_for(party_of(r))
           and r.status == RegistrationStatus.APPROVED.value]
    organised = [r for r in seen if r.status == RegistrationStatus.APPROVED.value] if (
        organises_event(actor, organiser_bases(event))) else []
    return Readable(own, organised)


# --- the check-in list ---------------------------------------------------------------------


def check_in_list(*, session: Session, event_id: int) -> tuple[Event, list[Registration]]:
    """The event's approved registrations, by name, with who has come: its organisers."""
    event = organised_event(session, event_id)
    rows = session.scalars(select(Registration).where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.APPROVED.value).order_by(Registration.id))
    return event, sorted(rows, key=lambda r: (r.name.casefold(), r.id))


def check_in(*, session: Session, registration_id: int, present: bool) -> Registration:
    """Record that a registration's people came (``present``), or undo it: the event's
    organisers, for an approved registration."""
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in to check people in")
    registration = get_registration(session=session, registration_id=registration_id)
    event = get_event(session=session, event_id=registration.event_id)
    if not may_check_in(actor, organiser_bases(event)):
        raise Forbidden(f"only the organisers of event {event.id} check people in")
    if registration.status != RegistrationStatus.APPROVED.value:
        raise Conflict(f"the registration is {registration.status}, not approved",
                       field="registration_id", code="events.check_in_not_approved",
                       params={"status": registration.status})
    if present and registration.checked_in_at is None:
        registration.checked_in_at = datetime.now(UTC)
        registration.checked_in_by = actor.user_id
    elif not present:
        registration.checked_in_at = None
        registration.checked_in_by = None
    session.flush()
    return registration


def _attendees(registration: Registration) -> str:
    return "; ".join(f"{a.get('name', '')} ({a.get('role', '')})" if a.get("role")
                     else str(a.get("name", "")) for a in registration.attendees or [])


def check_in_rows(event: Event, registrations: list[Registration]) -> list[list[Cell]]:
    zone = ZoneInfo(event.timezone or "UTC")
    return [[r.id, r.kind, r.name, r.organisation, r.booth, _attendees(r),
             "yes" if r.checked_in_at else "no",
             r.checked_in_at.astimezone(zone).isoformat(timespec="minutes")
             if r.checked_in_at else ""] for r in registrations]


def export_check_in(*, session: Session, event_id: int, fmt: str) -> bytes:
    """The check-in list as CSV (UTF-8 with a BOM, formulas neutralised) or XLSX, written
    as the registrations' export is (``transfer/files.write_table``): the organisers."""
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(f"{fmt} is not a file format here: csv or xlsx", field="format",
                           code="events.format", params={"format": fmt})
    event, registrations = check_in_list(session=session, event_id=event_id)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"check-in.{fmt}"
        write_table(path, CHECK_IN_COLUMNS, check_in_rows(event, registrations), fmt,
                    sheet="check-in")
        return path.read_bytes()


__all__ = ["Agenda", "AgendaGroup", "AgendaMeeting", "Readable", "check_in", "check_in_list",
           "export_check_in", "readable_agendas", "registration_agenda"]
