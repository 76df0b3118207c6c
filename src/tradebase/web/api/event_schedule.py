"""REST endpoints of a docking day's schedule: run the scheduler (the draft with its proven
bound and gap), publish it, the meetings, and the caller's own agenda. Thin: parse, call
``events/scheduling.py``, shape."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from tradebase.events import agendas, scheduling
from tradebase.events.models import EventMeeting
from tradebase.events.schedule_schemas import (
    AgendaItemOut,
    PublishOut,
    ScheduledMeetingOut,
    ScheduleRunOut,
)
from tradebase.events.service import get_event, slots
from tradebase.events.slots import Slot
from tradebase.web.api.events import CSV, XLSX
from tradebase.web.deps import DbSession, IdPath

router = APIRouter(prefix="/api/v1/events", tags=["events"])


def meeting_out(row: EventMeeting, plan: list[Slot]) -> ScheduledMeetingOut:
    slot = plan[row.slot] if row.slot < len(plan) else None
    request = row.request
    return ScheduledMeetingOut(
        id=row.id, event_id=row.event_id, meeting_request_id=row.meeting_request_id,
        requester_id=request.requester_id, requester_name=request.requester.name,
        recipient_id=request.recipient_id, recipient_name=request.recipient.name,
        slot=row.slot, table=row.table_no, status=row.status,
        start=slot.start if slot else None, end=slot.end if slot else None,
        version=row.version)


def run_out(run: scheduling.Run, plan: list[Slot]) -> ScheduleRunOut:
    s = run.summary
    return ScheduleRunOut(
        event_id=s.event_id, status=s.solver_status,
        meetings=s.meetings, upper_bound=s.upper_bound, gap=round(s.gap, 6),
        total_priority=s.total_priority, reason=s.reason, ran_at=s.ran_at,
        published_at=s.published_at, draft=[meeting_out(m, plan) for m in run.meetings])


@router.post("/{event_id}/schedule", response_model=ScheduleRunOut)
def run_scheduler(event_id: IdPath, db: DbSession) -> object:
    """The organisers run the scheduler: the draft replaces any earlier one; published
    meetings still valid keep their slot and table. Returns the draft with the proven upper
    bound on meetings and the gap to it."""
    done = scheduling.run(session=db, event_id=event_id)
    return run_out(done, slots(get_event(session=db, event_id=event_id)))


@router.post("/{event_id}/schedule/publish", response_model=PublishOut)
def publish_schedule(event_id: IdPath, db: DbSession) -> object:
    """The organisers publish the draft: both sides of each new, moved or cancelled meeting
    are told."""
    done = scheduling.publish(session=db, event_id=event_id)
    plan = slots(get_event(session=db, event_id=event_id))
    now = [m for m in scheduling.list_meetings(session=db, event_id=event_id)
           if m.status == scheduling.PUBLISHED]
    return PublishOut(event_id=event_id, published=len(done.published),
                      cancelled=len(done.cancelled), unchanged=len(done.unchanged),
                      meetings=[meeting_out(m, plan) for m in now])


@router.get("/{event_id}/meetings", response_model=list[ScheduledMeetingOut])
def list_meetings(event_id: IdPath, db: DbSession) -> object:
    """The organisers: every draft and published meeting; a participant: its own published
    ones."""
    rows = scheduling.list_meetings(session=db, event_id=event_id)
    plan = slots(get_event(session=db, event_id=event_id))
    return [meeting_out(m, plan) for m in rows]


@router.get("/{event_id}/agenda", response_model=list[AgendaItemOut])
def agenda(event_id: IdPath, db: DbSession) -> object:
    """The caller's own published meetings in time order: when, which table, with whom."""
    event, items = scheduling.agenda(session=db, event_id=event_id)
    return [AgendaItemOut(
        meeting_id=i.meeting.id, slot=i.meeting.slot,
        start=i.slot.start if i.slot else None, end=i.slot.end if i.slot else None,
        table=i.meeting.table_no, place=event.place, registration_id=i.mine.id,
        counterpart_id=i.counterpart.id, counterpart_name=i.counterpart.name,
        meeting_request_id=i.meeting.meeting_request_id) for i in items]


@router.get("/{event_id}/check-in/export")
def export_check_in(
    event_id: IdPath, db: DbSession,
    format: Annotated[str, Query(pattern=r"^(csv|xlsx)$")] = "csv",
) -> Response:
    """The check-in list (approved registrations, who came and when) as CSV or XLSX: the
    organisers only."""
    data = agendas.export_check_in(session=db, event_id=event_id, fmt=format)
    return Response(data, media_type=CSV if format == "csv" else XLSX, headers={
        "Content-Disposition": f'attachment; filename="event-{event_id}-check-in.{format}"'})
