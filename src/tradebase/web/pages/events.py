"""Pages of events: the list (published events, and those the caller organises) and an
event's public page (only what its organisers published), with the way on: the organisers
to the schedule page, a participant to its agenda (``event_schedule.py``)."""

from __future__ import annotations

from fastapi.responses import HTMLResponse
from starlette.requests import Request

from tradebase.accounts.policy import organises_event
from tradebase.events import service
from tradebase.events.models import Event
from tradebase.events.schemas import EventKind
from tradebase.web.deps import DbSession
from tradebase.web.i18n import N_, localized, request_language
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import render

router = page_router()

KIND_LABELS = {
    EventKind.DOCKING_DAY.value: N_("Docking day"),
    EventKind.EXHIBITION.value: N_("Exhibition"),
    EventKind.FESTIVAL.value: N_("Festival"),
    EventKind.COMPETITION.value: N_("Competition"),
    EventKind.CAMPAIGN.value: N_("Campaign"),
}


def _row(request: Request, event: Event) -> dict[str, object]:
    lang = request_language(request)
    actor = request.state.actor
    return {"event": event, "title": localized(event, "title", lang),
            "description": localized(event, "description", lang),
            "kind": KIND_LABELS.get(event.kind, ""),
            "organises": organises_event(actor, service.organiser_bases(event)),
            "docking_day": event.kind == EventKind.DOCKING_DAY.value,
            "competition": event.kind == EventKind.COMPETITION.value}


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, db: DbSession) -> HTMLResponse:
    rows = [_row(request, e) for e in service.list_events(session=db)]
    return render(request, "events.html", {"rows": rows})


@router.get("/events/{event_id:int}", response_class=HTMLResponse)
def event_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    event = service.get_event(session=db, event_id=event_id)
    return render(request, "event.html", {**_row(request, event),
                                          "slots": service.slots(event)})
