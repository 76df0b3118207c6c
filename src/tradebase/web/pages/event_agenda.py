"""Agendas and the door of a docking day: a participant's agenda as a page, a printable
page, a PDF (``web/pdf.py``) and an ``.ics`` file (``events/ics.py``); the organisers'
printable grid of every table per slot; the check-in list (page, printable, the check-in
button). Thin: ``events/agendas.py`` decides who reads what; these parse, call and render."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.events import agendas, group_meetings, scheduling
from tradebase.events.ics import CalendarEntry, agenda_calendar, group_meeting_uid, meeting_uid
from tradebase.events.models import Event
from tradebase.events.service import organised_event, slots
from tradebase.web.deps import DbSession
from tradebase.web.i18n import N_, localized, request_language
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.event_schedule import group_members, schedule_grid
from tradebase.web.pages.messages import add_messages
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render, render_text
from tradebase.web.pdf import html_to_pdf

router = page_router()

add_messages({
    "events.check_in_not_approved": N_("Only an approved registration is checked in (this "
                                       "one is %(status)s)."),
})


def _event_words(event: Event, request: Request) -> dict[str, Any]:
    zone = ZoneInfo(event.timezone or "UTC")

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%H:%M") if moment is not None else ""

    return {"event": event, "title": localized(event, "title", request_language(request)),
            "printed_at": datetime.now(zone).strftime("%Y-%m-%d %H:%M ") + event.timezone,
            "local": local}


def _agenda_context(request: Request, agenda: agendas.Agenda) -> dict[str, Any]:
    return {**_event_words(agenda.event, request), "agenda": agenda,
            "registration": agenda.registration}


def _file_name(event: Event, registration_id: int, suffix: str) -> str:
    return f"event-{event.id}-agenda-{registration_id}.{suffix}"


@router.get("/events/registrations/{registration_id:int}/agenda",
            response_class=HTMLResponse)
def agenda_page(registration_id: int, request: Request, db: DbSession) -> HTMLResponse:
    """One registration's agenda, with its printable page, PDF and calendar file: its own
    side and the organisers."""
    agenda = agendas.registration_agenda(session=db, registration_id=registration_id)
    return render(request, "registration_agenda.html", _agenda_context(request, agenda))


@router.get("/events/registrations/{registration_id:int}/agenda/print",
            response_class=HTMLResponse)
def agenda_print(registration_id: int, request: Request, db: DbSession) -> HTMLResponse:
    agenda = agendas.registration_agenda(session=db, registration_id=registration_id)
    return render(request, "agenda_print.html", _agenda_context(request, agenda))


@router.get("/events/registrations/{registration_id:int}/agenda.pdf")
def agenda_pdf(registration_id: int, request: Request, db: DbSession) -> Response:
    """The printable agenda typeset as a PDF (Chinese with the CJK font of ``pdf-deps``)."""
    agenda = agendas.registration_agenda(session=db, registration_id=registration_id)
    html = render_text(request, "agenda_print.html",
                       {**_agenda_context(request, agenda), "for_pdf": True})
    name = _file_name(agenda.event, registration_id, "pdf")
    return Response(html_to_pdf(html), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _entries(request: Request, agenda: agendas.Agenda) -> list[CalendarEntry]:
    gettext = gettext_for(request)
    event = agenda.event
    host = urlsplit(request.app.state.settings.base_url).hostname or "tradebase"
    entries: list[CalendarEntry] = []
    for item, cancelled in ([(i, False) for i in agenda.meetings]
                            + [(i, True) for i in agenda.cancelled]):
        if item.start is None or item.end is None:
            continue
        table = gettext("Table %(number)s") % {"number": item.table}
        where = ", ".join(part for part in (event.place, event.city) if part)
        entries.append(CalendarEntry(
            uid=meeting_uid(event.id, item.meeting.meeting_request_id, host),
            start=item.start, end=item.end,
            summary=gettext("Meeting with %(name)s") % {"name": item.counterpart.name},
            location=f"{where} · {table}" if where else table,
            description="\n".join((
                localized(event, "title", request_language(request)),
                gettext("With: %(name)s") % {"name": item.counterpart.name},
                table)),
            sequence=item.sequence,
            stamp=(item.meeting.cancelled_at if cancelled else item.meeting.published_at),
            cancelled=cancelled))
    for group, cancelled in ([(g, False) for g in agenda.groups]
                             + [(g, True) for g in agenda.cancelled_groups]):
        if group.start is None or group.end is None:
            continue
        table = gettext("Table %(number)s") % {"number": group.table}
        where = ", ".join(part for part in (event.place, event.city) if part)
        names = ", ".join(m.name for m in group.members)
        label = gettext("Group meeting") + " · " + (
            gettext("split order %(reference)s") % {"reference": group.reference})
        entries.append(CalendarEntry(
            uid=group_meeting_uid(event.id, group.meeting.group_request_id, host),
            start=group.start, end=group.end,
            summary=f"{label}: {names}",
            location=f"{where} · {table}" if where else table,
            description="\n".join((localized(event, "title", request_language(request)),
                                   label, gettext("With: %(name)s") % {"name": names},
                                   table)),
            sequence=group.sequence,
            stamp=(group.meeting.cancelled_at if cancelled else group.meeting.published_at),
            cancelled=cancelled))
    return entries


@router.get("/events/registrations/{registration_id:int}/agenda.ics")
def agenda_ics(registration_id: int, request: Request, db: DbSession) -> Response:
    """The agenda as an iCalendar file: one event per meeting in the event's time zone, with
    UIDs that stay the same on every download (a moved meeting updates the entry)."""
    agenda = agendas.registration_agenda(session=db, registration_id=registration_id)
    name = f"{localized(agenda.event, 'title', request_language(request))} · " \
           f"{agenda.registration.name}"
    data = agenda_calendar(name=name, entries=_entries(request, agenda),
                           stamp=datetime.now(UTC))
    return Response(data, media_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition":
            f'attachment; filename="{_file_name(agenda.event, registration_id, "ics")}"'})


# --- the organisers' sheets ------------------------------------------------------------------


@router.get("/events/{event_id:int}/schedule/print", response_class=HTMLResponse)
def schedule_print(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    """The published schedule as one printable grid: every table in every slot, the free
    ones marked."""
    event = organised_event(db, event_id)
    shown = [m for m in scheduling.list_meetings(session=db, event_id=event_id)
             if m.status == scheduling.PUBLISHED]
    groups = group_meetings.shown_meetings(session=db, event=event,
                                           status=group_meetings.PUBLISHED)
    plan = slots(event)
    return render(request, "schedule_print.html", {
        **_event_words(event, request), "plan": plan,
        "tables": list(range(event.tables or 0)),
        "grid": schedule_grid([*shown, *groups], len(plan), event.tables or 0),
        "group_members": group_members(db, groups)})


@router.get("/events/{event_id:int}/check-in", response_class=HTMLResponse)
def check_in_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    """The organisers' check-in list: the approved registrations, who came, a button each."""
    event, rows = agendas.check_in_list(session=db, event_id=event_id)
    return render(request, "event_check_in.html", {
        **_event_words(event, request), "rows": rows,
        "arrived": sum(1 for r in rows if r.checked_in_at)})


@router.get("/events/{event_id:int}/check-in/print", response_class=HTMLResponse)
def check_in_print(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    event, rows = agendas.check_in_list(session=db, event_id=event_id)
    return render(request, "check_in_print.html", {**_event_words(event, request),
                                                   "rows": rows})


@router.post("/events/registrations/{registration_id:int}/check-in",
             response_class=HTMLResponse)
def check_in(registration_id: int, db: DbSession, posted: Posted) -> Response:
    """The check-in button (``present=1``) and its undo (``present=0``)."""
    done = agendas.check_in(session=db, registration_id=registration_id,
                            present=posted.get("present", "1") != "0")
    return RedirectResponse(f"/events/{done.event_id}/check-in#registration-{done.id}",
                            status_code=303)
