"""Scheduling a docking day's meetings: build the scheduler's ``Problem`` from the event, run
it, store the draft, publish it, reschedule after changes, and read the meetings back.

* Participants are the event's approved registrations (id ``str(registration.id)``) with their
  available slots and the event's ``max_meetings``; when the event lists ``languages`` the
  languages rule is on and each participant speaks what its attendees speak.
* Requests are the accepted meeting requests between two approved registrations, with their
  ``effective_priority``; tables and slots come from the slot plan (``events/slots.py``).
* A run replaces the draft. The published meetings go in as ``keep``: each one still valid
  stays in its slot and table. Publishing turns the draft into the schedule: a meeting that
  is new or moved is published and both sides told; a published one the draft dropped (or
  moved) is cancelled and both sides told; one unchanged stays as it is, nobody told.

Only the engine's ``scheduler.schedule()`` and ``check()`` are called: they isolate OR-Tools
from highspy (docs/events.md). Organisers only, checked through ``service.organised_event``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import event_scope, may_see_scheduled_meeting, organises_event
from tradebase.errors import Conflict, InvalidInput, Unauthenticated
from tradebase.events import group_meetings, notices, scheduler
from tradebase.events.group_models import EventGroupMeeting
from tradebase.events.models import (
    Event,
    EventMeeting,
    EventSchedule,
    MeetingRequest,
    Registration,
)
from tradebase.events.registrations import own_registrations
from tradebase.events.schemas import EventKind, EventStatus, MeetingStatus, RegistrationStatus
from tradebase.events.service import get_event, organised_event, organiser_bases, party_of, slots
from tradebase.events.slots import Slot

DRAFT, PUBLISHED, CANCELLED = "draft", "published", "cancelled"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Built:
    """The engine's problem for an event, and the accepted request of each pair."""

    problem: scheduler.Problem
    requests: dict[frozenset[str], MeetingRequest]
    groups: group_meetings.EventGroups


def _languages(registration: Registration) -> frozenset[str]:
    spoken: set[str] = set()
    for person in registration.attendees or []:
        for lang in person.get("languages") or []:
            if isinstance(lang, str) and lang.strip():
                spoken.add(lang.strip().lower())
    return frozenset(spoken)


def build_problem(session: Session, event: Event) -> Built:
    """The scheduler's problem of a docking day, from what is stored now."""
    plan = slots(event)
    approved = list(session.scalars(select(Registration).where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.APPROVED.value).order_by(Registration.id)))
    ids = {r.id for r in approved}
    rule = bool(event.languages)
    participants = tuple(
        scheduler.Participant(
            id=str(r.id),
            available=(None if r.available_slots is None
                       else frozenset(s for s in r.available_slots if 0 <= s < len(plan))),
            max_meetings=event.max_meetings,
            languages=_languages(r) if rule else frozenset())
        for r in approved)
    accepted = [m for m in session.scalars(select(MeetingRequest).where(
        MeetingRequest.event_id == event.id,
        MeetingRequest.status == MeetingStatus.ACCEPTED.value).order_by(MeetingRequest.id))
        if m.requester_id in ids and m.recipient_id in ids]
    requests = {frozenset((str(m.requester_id), str(m.recipient_id))): m for m in accepted}
    groups = group_meetings.event_groups(session, event, approved)
    problem = scheduler.Problem(
        slots=len(plan), tables=event.tables or 0, participants=participants,
        requests=tuple(scheduler.MeetingRequest(str(m.requester_id), str(m.recipient_id),
                                                m.effective_priority) for m in accepted),
        rules=scheduler.Rules(languages=rule), groups=groups.groups)
    return Built(problem, requests, groups)


def _docking_day(session: Session, event_id: int) -> Event:
    event = organised_event(session, event_id, lock=True)
    if event.kind != EventKind.DOCKING_DAY.value:
        raise InvalidInput("only a docking day has a meeting schedule", field="event_id",
                           code="events.not_docking_day")
    if not slots(event) or not event.tables:
        raise Conflict("the event has no slot plan with tables yet: set one first",
                       field="slot_plan", code="events.no_slot_plan")
    if event.status in (EventStatus.HELD.value, EventStatus.CANCELLED.value):
        raise Conflict(f"the event is {event.status}: its schedule no longer changes",
                       field="status", code="events.schedule_closed",
                       params={"status": event.status})
    return event


def _rows(session: Session, event: Event, status: str) -> list[EventMeeting]:
    return list(session.scalars(select(EventMeeting).where(
        EventMeeting.event_id == event.id, EventMeeting.status == status)
        .order_by(EventMeeting.slot, EventMeeting.table_no, EventMeeting.id)))


def _as_engine(row: EventMeeting) -> scheduler.Meeting:
    return scheduler.Meeting(str(row.request.requester_id), str(row.request.recipient_id),
                             row.slot, row.table_no)


@dataclass(frozen=True)
class Run:
    """A stored run: its summary and the draft's meetings."""

    summary: EventSchedule
    meetings: list[EventMeeting]


def run(*, session: Session, event_id: int, time_limit: float | None = None) -> Run:
    """Run the scheduler for the event and store its result as the draft (replacing any
    earlier draft); the published meetings are kept where still valid."""
    event = _docking_day(session, event_id)
    built = build_problem(session, event)
    published = _rows(session, event, PUBLISHED)
    keep: list[scheduler.Meeting | scheduler.GroupMeeting] = [
        *(group_meetings.as_engine(row)
          for row in group_meetings.rows(session, event, group_meetings.PUBLISHED)),
        *(_as_engine(row) for row in published)]
    result = scheduler.schedule(built.problem, keep=keep, time_limit=time_limit)
    session.execute(delete(EventMeeting).where(EventMeeting.event_id == event.id,
                                               EventMeeting.status == DRAFT))
    drafts = [EventMeeting(event_id=event.id, request=built.requests[frozenset((m.a, m.b))],
                           meeting_request_id=built.requests[frozenset((m.a, m.b))].id,
                           slot=m.slot, table_no=m.table, status=DRAFT)
              for m in result.meetings]
    session.add_all(drafts)
    group_meetings.store_draft(session, event, built.groups, result)
    summary = session.get(EventSchedule, event.id)
    if summary is None:
        summary = EventSchedule(event_id=event.id)
        session.add(summary)
    summary.solver_status = result.status
    summary.upper_bound = result.upper_bound
    summary.meetings = len(result.meetings)
    summary.total_priority = result.total_priority
    summary.reason = result.reason
    summary.ran_at = _now()
    summary.published_at = None
    session.flush()
    return Run(summary, drafts)


@dataclass(frozen=True)
class Published:
    """What publishing changed: meetings published (new or moved), cancelled, unchanged."""

    published: list[EventMeeting]
    cancelled: list[EventMeeting]
    unchanged: list[EventMeeting]


def publish(*, session: Session, event_id: int) -> Published:
    """Publish the draft: new and moved meetings are published, dropped ones cancelled, both
    sides of each told. A draft that no longer fits the event (a registration cancelled, a
    request withdrawn, slots changed since the run) is refused: run the scheduler again."""
    event = _docking_day(session, event_id)
    drafts = _rows(session, event, DRAFT)
    summary = session.get(EventSchedule, event.id)
    if summary is None or summary.published_at is not None:
        raise Conflict("there is no draft schedule to publish: run the scheduler first",
                       code="events.no_draft")
    built = build_problem(session, event)
    broken = scheduler.check(
        built.problem, [_as_engine(row) for row in drafts],
        [group_meetings.as_engine(row)
         for row in group_meetings.rows(session, event, group_meetings.DRAFT)])
    if broken:
        raise Conflict("the draft schedule no longer fits the event (" + broken[0]
                       + "): run the scheduler again", code="events.schedule_stale",
                       params={"problem": broken[0]})
    current = {row.meeting_request_id: row for row in _rows(session, event, PUBLISHED)}
    done = Published([], [], [])
    plan = slots(event)
    now = _now()
    placed: set[int] = set()
    for row in drafts:
        placed.add(row.meeting_request_id)
        old = current.get(row.meeting_request_id)
        if old is not None and (old.slot, old.table_no) == (row.slot, row.table_no):
            session.delete(row)
            done.unchanged.append(old)
            continue
        if old is not None:
            old.status, old.cancelled_at = CANCELLED, now
        row.status, row.published_at = PUBLISHED, now
        done.published.append(row)
        _tell_scheduled(session, event, plan, row, moved=old is not None)
    for request_id, old in current.items():
        if request_id not in placed:
            old.status, old.cancelled_at = CANCELLED, now
            done.cancelled.append(old)
            _tell_cancelled(session, event, plan, old)
    groups = group_meetings.publish_draft(session, event, now)
    for group_row in groups.published:
        _tell_group(session, event, plan, group_row, "scheduled")
    for group_row in groups.cancelled:
        _tell_group(session, event, plan, group_row, "cancelled")
    summary.published_at = now
    session.flush()
    return done


def _params(event: Event, plan: list[Slot], row: EventMeeting, counterpart: Registration
            ) -> dict[str, object]:
    start = plan[row.slot].start.strftime("%H:%M") if row.slot < len(plan) else str(row.slot)
    return {"event_id": event.id, "title_zh": event.title_zh, "title_en": event.title_en,
            **notices.names("counterpart", counterpart), "start": start, "table": row.table_no + 1,
            "meeting_id": row.id}


def _tell_scheduled(session: Session, event: Event, plan: list[Slot], row: EventMeeting,
                    *, moved: bool) -> None:
    session.flush()
    a, b = row.request.requester, row.request.recipient
    for side, other in ((a, b), (b, a)):
        notices.scheduled(session=session, registration=side,
                          params={**_params(event, plan, row, other), "moved": moved},
                          link=f"/events/{event.id}/agenda")


def _tell_cancelled(session: Session, event: Event, plan: list[Slot], row: EventMeeting
                    ) -> None:
    a, b = row.request.requester, row.request.recipient
    for side, other in ((a, b), (b, a)):
        notices.cancelled(session=session, registration=side,
                          params=_params(event, plan, row, other),
                          link=f"/events/{event.id}/agenda")


def _tell_group(session: Session, event: Event, plan: list[Slot],
                row: EventGroupMeeting, what: str) -> None:
    """Each member of a group meeting told it was scheduled (or moved) or cancelled, the
    counterpart named being the buyer for the factories and the first factory for the
    buyer (the agenda names them all)."""
    session.flush()
    members = group_meetings.members_of(session, row)
    if len(members) < 2:
        return
    start = plan[row.slot].start.strftime("%H:%M") if row.slot < len(plan) else str(row.slot)
    for member in members:
        other = members[1] if member.id == members[0].id else members[0]
        params = {"event_id": event.id, "title_zh": event.title_zh, "title_en": event.title_en,
                  **notices.names("counterpart", other), "start": start,
                  "table": row.table_no + 1, "group_meeting_id": row.id, "group": True,
                  "moved": False}
        tell = notices.scheduled if what == "scheduled" else notices.cancelled
        tell(session=session, registration=member, params=params,
             link=f"/events/{event.id}/agenda")


# --- reading -------------------------------------------------------------------------------


def summary_of(*, session: Session, event_id: int) -> Run | None:
    """The last run and its draft, for the organisers (None before the first run)."""
    event = organised_event(session, event_id)
    summary = session.get(EventSchedule, event.id)
    if summary is None:
        return None
    return Run(summary, _rows(session, event, DRAFT))


def list_meetings(*, session: Session, event_id: int) -> list[EventMeeting]:
    """The event's meetings: every draft and published one for the organisers; a
    participant's own published ones for anyone else (in SQL, from the same ``EventScope``)."""
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in to see the meetings of an event")
    event = get_event(session=session, event_id=event_id)
    stmt = select(EventMeeting).where(EventMeeting.event_id == event.id,
                                      EventMeeting.status != CANCELLED)
    if not organises_event(actor, organiser_bases(event)):
        mine = select(Registration.id).where(Registration.event_id == event.id,
                                             own_registrations(event_scope(actor)))
        asked = select(MeetingRequest.id).where(or_(MeetingRequest.requester_id.in_(mine),
                                                    MeetingRequest.recipient_id.in_(mine)))
        stmt = stmt.where(EventMeeting.status == PUBLISHED,
                          EventMeeting.meeting_request_id.in_(asked))
    rows = list(session.scalars(stmt.order_by(EventMeeting.slot, EventMeeting.table_no,
                                              EventMeeting.id)))
    bases = organiser_bases(event)
    return [row for row in rows if may_see_scheduled_meeting(
        actor, party_of(row.request.requester), party_of(row.request.recipient), bases,
        published=row.status == PUBLISHED)]


@dataclass(frozen=True)
class AgendaItem:
    meeting: EventMeeting
    slot: Slot | None
    mine: Registration
    counterpart: Registration


def agenda(*, session: Session, event_id: int) -> tuple[Event, list[AgendaItem]]:
    """The caller's own published meetings, in time order, each with its counterpart."""
    event = get_event(session=session, event_id=event_id)
    scope = event_scope(current_actor(session))
    plan = slots(event)
    items: list[AgendaItem] = []
    for row in list_meetings(session=session, event_id=event_id):
        if row.status != PUBLISHED:
            continue
        a, b = row.request.requester, row.request.recipient
        if scope.acts_for(party_of(a)):
            mine, other = a, b
        elif scope.acts_for(party_of(b)):
            mine, other = b, a
        else:
            continue
        items.append(AgendaItem(row, plan[row.slot] if row.slot < len(plan) else None,
                                mine, other))
    return event, items
