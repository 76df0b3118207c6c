"""Pages of events: the list (published events, and those the caller organises) and an
event's public page (only what its organisers published), with the way on: the organisers
to the schedule page, a participant to its agenda (``event_schedule.py``). An exhibition's
page shows its delegation (booths, products shown), a campaign's its progress against the
target and the map of the cities reached (``event_abroad.py`` has the organisers' pages)."""

from __future__ import annotations

from fastapi.responses import HTMLResponse
from markupsafe import Markup
from starlette.requests import Request

from tradebase.accounts.policy import organises_event
from tradebase.events import delegation, outcome_totals, reach, registrations, service
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


def _campaign(request: Request, db: DbSession, event: Event) -> dict[str, object]:
    """A campaign's progress against its target, and its map (the organisers are told which
    cities the gazetteer could not place for sure)."""
    found = reach.campaign_map(session=db, campaign_id=event.id)
    title = localized(event, "title", request_language(request))
    return {"progress": service.campaign_progress(session=db, campaign_id=event.id),
            "map": found, "map_svg": Markup(reach.map_svg(found, title=title))}  # noqa: S704 - built by map_svg from escaped text


@router.get("/events/{event_id:int}", response_class=HTMLResponse)
def event_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    event = service.get_event(session=db, event_id=event_id)
    row = _row(request, event)
    own = [] if row["organises"] or not request.state.actor.is_authenticated else [
        r for r in registrations.list_registrations(session=db, event_id=event.id)
        if r.status in registrations.ACTIVE]
    context: dict[str, object] = {
        **row, "slots": service.slots(event), "own_registrations": own,
        "totals": outcome_totals.visible_totals(session=db, event_id=event.id)}
    if event.kind in delegation.EXHIBITING:
        context["exhibitors"] = delegation.delegation(session=db, event_id=event.id)
        context["exhibiting"] = True
    if event.kind == EventKind.CAMPAIGN.value:
        context |= _campaign(request, db, event)
    return render(request, "event.html", context)
