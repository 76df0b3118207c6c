"""Pages of a docking day's schedule: the organisers' page (run the scheduler, its proven
bound and gap, publish, and the grid of slots × tables with the empty tables visible) and a
participant's own agenda. Thin: ``events/scheduling.py`` decides; a refusal of the two
buttons is the error page, said by its code."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.events import agendas, group_meetings, registrations, scheduling
from tradebase.events.group_models import EventGroupMeeting
from tradebase.events.models import Event, EventMeeting, Registration
from tradebase.events.service import organised_event, slots
from tradebase.web.deps import DbSession
from tradebase.web.i18n import N_, localized, request_language
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.messages import add_messages
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import render

router = page_router()

add_messages({
    "events.no_slot_plan": N_("The event has no slot plan with tables yet: set one first."),
    "events.schedule_stale": N_("The draft schedule no longer fits the event (a registration "
                                "or a meeting request changed): run the scheduler again."),
    "events.no_draft": N_("There is no draft schedule to publish: run the scheduler first."),
    "events.schedule_closed": N_("The event is %(status)s: its schedule no longer changes."),
    "events.not_docking_day": N_("Only a docking day has a meeting schedule."),
    "events.full": N_("The event is full: it takes %(capacity)s registrations."),
    "events.group_buyer_not_registered": N_("You are not registered for this event as a "
                                            "buyer."),
    "events.group_too_small": N_("A group meeting needs at least two factories of the "
                                 "split."),
})

REGISTRATION_STATUS = {
    "pending": N_("waiting for a decision"), "approved": N_("approved"),
    "waitlisted": N_("on the waiting list"), "declined": N_("declined"),
    "cancelled": N_("cancelled"),
}


LEFT_OUT_WORDS = {
    "member_not_approved": N_("The buyer or a factory of the split has no approved "
                              "registration for this event."),
    "no_shared_slot": N_("Its members share no available slot."),
    "member_cap": N_("A member has reached its maximum number of meetings."),
    "no_interpreter": N_("No interpreter is free in the slots its members share."),
    "no_free_slot": N_("No slot its members share has every member and a table free."),
}
"""Why the last run left a group meeting out (``group_meetings.LEFT_OUT``)."""

Cell = EventMeeting | EventGroupMeeting


def schedule_grid(rows: Sequence[Cell], n_slots: int, tables: int) -> list[list[Cell | None]]:
    """One row a slot, one cell a table (a 1:1 or a group meeting); None where it is free."""
    grid: list[list[Cell | None]] = [[None] * tables for _ in range(n_slots)]
    for row in rows:
        if row.slot < n_slots and row.table_no < tables:
            grid[row.slot][row.table_no] = row
    return grid


@router.get("/events/{event_id:int}/schedule", response_class=HTMLResponse)
def schedule_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    """The organisers' page: the last run, publish, and the grid."""
    event = organised_event(db, event_id)
    run = scheduling.summary_of(session=db, event_id=event_id)
    draft = run is not None and run.summary.published_at is None
    shown = run.meetings if run is not None and draft else [
        m for m in scheduling.list_meetings(session=db, event_id=event_id)
        if m.status == scheduling.PUBLISHED]
    groups = group_meetings.shown_meetings(
        session=db, event=event,
        status=group_meetings.DRAFT if draft else group_meetings.PUBLISHED)
    plan = slots(event)
    listed = registrations.list_registrations(session=db, event_id=event_id)
    return render(request, "event_schedule.html", {
        "event": event, "title": localized(event, "title", request_language(request)),
        "run": run.summary if run is not None else None, "draft": draft, "plan": plan,
        "tables": list(range(event.tables or 0)),
        "grid": schedule_grid([*shown, *groups], len(plan), event.tables or 0),
        "group_members": group_members(db, groups),
        "group_requests": group_meetings.list_requests(session=db, event_id=event_id),
        "factories": _factories(event, listed), "left_out_words": LEFT_OUT_WORDS,
        "registrations": listed,
        "registration_status": REGISTRATION_STATUS,
    })


def group_members(db: DbSession, rows: Sequence[EventGroupMeeting]
                  ) -> dict[int, list[Registration]]:
    """Each group meeting's members (the buyer first), for the grid's cells."""
    return {row.id: group_meetings.members_of(db, row) for row in rows}


def _factories(event: Event, listed: Sequence[Registration]) -> dict[int, Registration]:
    """The event's enterprise registrations by enterprise id (a split's factories)."""
    return {r.enterprise_id: r for r in listed
            if r.enterprise_id is not None and r.event_id == event.id}


@router.post("/events/{event_id:int}/schedule", response_class=HTMLResponse)
def run_scheduler(event_id: int, db: DbSession) -> Response:
    scheduling.run(session=db, event_id=event_id)
    return RedirectResponse(f"/events/{event_id}/schedule", status_code=303)


@router.post("/events/{event_id:int}/schedule/publish", response_class=HTMLResponse)
def publish_schedule(event_id: int, db: DbSession) -> Response:
    scheduling.publish(session=db, event_id=event_id)
    return RedirectResponse(f"/events/{event_id}/schedule", status_code=303)


@router.post("/events/registrations/{registration_id:int}/decision",
             response_class=HTMLResponse)
def decide(registration_id: int, db: DbSession, posted: Posted) -> Response:
    """The organisers' approve or decline button of a registration."""
    done = registrations.decide(session=db, registration_id=registration_id,
                                approve=posted.get("approve") == "1")
    return RedirectResponse(f"/events/{done.event_id}/schedule#registrations", status_code=303)


@router.get("/events/{event_id:int}/agenda", response_class=HTMLResponse)
def agenda_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    """The caller's own published meetings: when, which table, with whom; the links to its
    printable agenda, PDF and calendar file, and for the organisers every participant's."""
    event, items = scheduling.agenda(session=db, event_id=event_id)
    readable = agendas.readable_agendas(session=db, event_id=event_id)
    groups = [g for r in readable.own
              for g in agendas.registration_agenda(session=db, registration_id=r.id).groups]
    rows: list[scheduling.AgendaItem | agendas.AgendaGroup] = [*items, *groups]
    return render(request, "event_agenda.html", {
        "event": event, "title": localized(event, "title", request_language(request)),
        "items": sorted(rows, key=lambda i: (i.meeting.slot, i.meeting.table_no)),
        "readable": readable,
    })
