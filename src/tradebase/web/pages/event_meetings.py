"""A participant's meetings page of a docking day: suggested counterparts with the docking
engine's reasons (worded by ``reasons.py``) and a "request a meeting" button, the requests it
received (accept, decline) and sent, and the way to its agenda. Thin: ``events/meetings.py``
and ``events/suggestions.py`` decide; a refusal of a button is the error page, said by its
code."""

from __future__ import annotations

from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.errors import InvalidInput
from tradebase.events import meetings, registrations, schemas, suggestions
from tradebase.events.schemas import MeetingStatus, RegistrationStatus
from tradebase.events.service import get_event
from tradebase.web.api.docking import listing_index
from tradebase.web.deps import DbSession
from tradebase.web.i18n import N_, localized, request_language
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.messages import add_messages
from tradebase.web.pages.reasons import reason_lines
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import render

router = page_router()

add_messages({
    "events.meeting_exists": N_("These two have an open meeting request already."),
    "events.request_cap": N_("You have sent %(cap)s meeting requests, the most this event "
                             "allows."),
    "events.meeting_cap": N_("One side has %(cap)s meetings already, the most this event "
                             "allows."),
    "events.meeting_state": N_("The meeting request is %(status)s: it cannot change so now."),
    "events.not_approved": N_("The registration is not approved yet: it cannot meet yet."),
    "events.meetings_closed": N_("The event is %(status)s: no meeting requests now."),
})

STATUS_LABELS = {
    MeetingStatus.REQUESTED.value: N_("waiting for an answer"),
    MeetingStatus.ACCEPTED.value: N_("accepted"),
    MeetingStatus.DECLINED.value: N_("declined"),
    MeetingStatus.WITHDRAWN.value: N_("withdrawn"),
}


def _back(event_id: int) -> Response:
    return RedirectResponse(f"/events/{event_id}/meetings", status_code=303)


@router.get("/events/{event_id:int}/meetings", response_class=HTMLResponse)
def meetings_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    mine = [r for r in registrations.list_registrations(session=db, event_id=event_id)
            if r.status == RegistrationStatus.APPROVED.value]
    lang = request_language(request)
    found = []
    for registration in mine:
        for s in suggestions.suggestions(session=db, index=listing_index(request),
                                         registration_id=registration.id):
            found.append({"s": s, "reasons": reason_lines(s.reason_codes, s.reasons, lang)})
    views = [meetings.view(session=db, request=r)
             for r in meetings.list_meeting_requests(session=db, event_id=event_id)]
    event = get_event(session=db, event_id=event_id)
    return render(request, "event_meetings.html", {
        "event": event, "title": localized(event, "title", lang), "mine": mine,
        "suggested": found, "status_labels": STATUS_LABELS,
        "received": [v for v in views if v.side == "recipient"],
        "sent": [v for v in views if v.side == "requester"],
    })


@router.post("/events/{event_id:int}/meeting-requests", response_class=HTMLResponse)
def request_meeting(event_id: int, db: DbSession, posted: Posted) -> Response:
    """A suggestion's button: the caller's registration asks the counterpart."""
    def number(name: str) -> int:
        text = str(posted.get(name) or "")
        if not text.isdigit() or not 1 <= int(text) < 2**31:
            raise InvalidInput(f"{name} is not a registration", field=name,
                               code="events.unknown_registration")
        return int(text)
    meetings.request_meeting(session=db, event_id=event_id, data=schemas.MeetingRequestCreate(
        from_registration_id=number("from_registration_id"),
        to_registration_id=number("to_registration_id"), origin="suggested"))
    return _back(event_id)


@router.post("/events/meeting-requests/{meeting_request_id:int}/accept",
             response_class=HTMLResponse)
def accept(meeting_request_id: int, db: DbSession) -> Response:
    done = meetings.accept(session=db, meeting_request_id=meeting_request_id)
    return _back(done.event_id)


@router.post("/events/meeting-requests/{meeting_request_id:int}/decline",
             response_class=HTMLResponse)
def decline(meeting_request_id: int, db: DbSession) -> Response:
    done = meetings.decline(session=db, meeting_request_id=meeting_request_id)
    return _back(done.event_id)
