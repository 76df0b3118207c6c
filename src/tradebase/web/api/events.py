"""REST endpoints of events: events and campaigns, registrations, suggested counterparts and
meeting requests. Thin: parse, call the service, shape."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from tradebase.events import meetings, registrations, schemas, service, suggestions
from tradebase.events.models import Event, MeetingRequest, Registration
from tradebase.events.schemas import EventKind, MeetingStatus
from tradebase.web.api.docking import listing_index
from tradebase.web.api.versioning import IfMatch, expected_version, guarded, tagged
from tradebase.web.deps import DbSession, IdPath, IdQuery

router = APIRouter(prefix="/api/v1/events", tags=["events"])

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def event_out(event: Event) -> schemas.EventOut:
    return schemas.EventOut.model_validate(event)


def registration_out(registration: Registration) -> schemas.RegistrationOut:
    return schemas.RegistrationOut.model_validate(registration)


def meeting_out(db: DbSession, request: MeetingRequest) -> schemas.MeetingRequestOut:
    """The request as its reader sees it: its own side's note only (``my_note``)."""
    seen = meetings.view(session=db, request=request)
    return schemas.MeetingRequestOut(
        id=request.id, event_id=request.event_id, requester_id=request.requester_id,
        requester_name=request.requester.name, recipient_id=request.recipient_id,
        recipient_name=request.recipient.name, status=MeetingStatus(request.status),
        priority=request.priority, organiser_priority=request.organiser_priority,
        effective_priority=request.effective_priority, origin=request.origin,
        message=request.message, my_side=seen.side, my_note=seen.note,
        created_at=request.created_at, answered_at=request.answered_at,
        version=request.version,
    )


# --- events --------------------------------------------------------------------------------


@router.get("", response_model=list[schemas.EventOut])
def list_events(db: DbSession, kind: EventKind | None = None,
                parent_id: IdQuery = None) -> object:
    """Published events, and the unpublished ones the caller organises."""
    return [event_out(e) for e in service.list_events(session=db, kind=kind,
                                                      parent_id=parent_id)]


@router.post("", response_model=schemas.EventOut, status_code=201)
def create_event(data: schemas.EventCreate, db: DbSession, response: Response) -> object:
    """A new event of the bases named (the caller administers each)."""
    return tagged(response, event_out(service.create_event(session=db, data=data)))


@router.get("/{event_id}", response_model=schemas.EventOut)
def get_event(event_id: IdPath, db: DbSession, response: Response) -> object:
    return tagged(response, event_out(service.get_event(session=db, event_id=event_id)))


@router.patch("/{event_id}", response_model=schemas.EventOut)
def update_event(event_id: IdPath, data: schemas.EventUpdate, db: DbSession,
                 response: Response, if_match: IfMatch = None) -> object:
    """Its organisers change the event (status: draft → open → closed → held, or
    cancelled). ``If-Match`` (optional) names the version the change is based on."""
    def change(expected: int | None) -> Event:
        return service.update_event(session=db, event_id=event_id, data=data,
                                    expected_version=expected)
    return tagged(response, event_out(guarded(if_match, event_out, change)))


@router.get("/{event_id}/slots", response_model=list[schemas.SlotOut])
def event_slots(event_id: IdPath, db: DbSession) -> object:
    """The docking day's meeting slots as times, numbered from 0."""
    event = service.get_event(session=db, event_id=event_id)
    return [schemas.SlotOut(index=s.index, session=s.session, start=s.start, end=s.end)
            for s in service.slots(event)]


@router.get("/{event_id}/progress", response_model=schemas.ProgressOut)
def campaign_progress(event_id: IdPath, db: DbSession) -> object:
    """A campaign's progress counted from its events: cities, countries, visitors, value."""
    found = service.campaign_progress(session=db, campaign_id=event_id)
    campaign = found.campaign
    return schemas.ProgressOut(
        campaign_id=campaign.id, events=found.events, cities=len(found.cities),
        countries=len(found.countries), visitors=found.visitors, value=found.value,
        city_list=found.cities, country_list=found.countries,
        target_text=campaign.target_text, target_cities=campaign.target_cities,
        target_countries=campaign.target_countries,
        target_visitors=campaign.target_visitors, target_value=campaign.target_value,
    )


# --- registrations -------------------------------------------------------------------------


@router.get("/{event_id}/registrations", response_model=list[schemas.RegistrationOut])
def list_registrations(event_id: IdPath, db: DbSession) -> object:
    """Every registration for the organisers; the caller's own for anyone else."""
    return [registration_out(r) for r in
            registrations.list_registrations(session=db, event_id=event_id)]


@router.post("/{event_id}/registrations", response_model=schemas.RegistrationOut,
             status_code=201)
def register(event_id: IdPath, data: schemas.RegistrationCreate, db: DbSession) -> object:
    """Register an enterprise (``enterprise_id``) or the caller's buyer organisation; offers
    and seeks left out are taken from the catalog or the open docking requests."""
    return registration_out(registrations.register(session=db, event_id=event_id, data=data))


@router.get("/{event_id}/registrations/export")
def export_registrations(
    event_id: IdPath, db: DbSession,
    format: Annotated[str, Query(pattern=r"^(csv|xlsx)$")] = "csv",
) -> Response:
    """The registrations as CSV or XLSX: the organisers only."""
    data = registrations.export(session=db, event_id=event_id, fmt=format)
    return Response(data, media_type=CSV if format == "csv" else XLSX, headers={
        "Content-Disposition":
            f'attachment; filename="event-{event_id}-registrations.{format}"'})


@router.get("/registrations/{registration_id}", response_model=schemas.RegistrationOut)
def get_registration(registration_id: IdPath, db: DbSession, response: Response) -> object:
    found = registrations.get_registration(session=db, registration_id=registration_id)
    return tagged(response, registration_out(found))


@router.patch("/registrations/{registration_id}", response_model=schemas.RegistrationOut)
def update_registration(registration_id: IdPath, data: schemas.RegistrationUpdate,
                        db: DbSession, response: Response, if_match: IfMatch = None) -> object:
    """Its side (or an organiser) edits attendees, offers, seeks, slots, or cancels it."""
    def change(expected: int | None) -> Registration:
        return registrations.update_registration(
            session=db, registration_id=registration_id, data=data, expected_version=expected)
    return tagged(response, registration_out(guarded(if_match, registration_out, change)))


@router.post("/registrations/{registration_id}/decision",
             response_model=schemas.RegistrationOut)
def decide(registration_id: IdPath, data: schemas.Decision, db: DbSession) -> object:
    """The organisers approve (within the capacity) or decline a registration."""
    return registration_out(registrations.decide(session=db, registration_id=registration_id,
                                                 approve=data.approve))


@router.get("/registrations/{registration_id}/suggestions",
            response_model=list[schemas.SuggestionOut])
def suggested(registration_id: IdPath, request: Request, db: DbSession) -> object:
    """Registered counterparts the docking engine finds, with its reasons; each carries the
    body that turns it into a meeting request (POST …/meeting-requests)."""
    found = suggestions.suggestions(session=db, index=listing_index(request),
                                    registration_id=registration_id)
    out: list[schemas.SuggestionOut] = []
    for s in found:
        body: dict[str, Any] = {"from_registration_id": s.registration.id,
                                "to_registration_id": s.counterpart.id,
                                "origin": "suggested"}
        out.append(schemas.SuggestionOut(
            registration_id=s.registration.id, counterpart_id=s.counterpart.id,
            counterpart_kind=schemas.PartyKind(s.counterpart.kind),
            counterpart_name=s.counterpart.name, seek=s.seek, sku=s.sku, score=s.score,
            reasons=list(s.reasons),
            reason_codes=[schemas.ReasonOut.model_validate(r.as_json())
                          for r in s.reason_codes],
            request=body,
        ))
    return out


# --- meeting requests ----------------------------------------------------------------------


@router.get("/{event_id}/meeting-requests", response_model=list[schemas.MeetingRequestOut])
def list_meeting_requests(event_id: IdPath, db: DbSession,
                          status: MeetingStatus | None = None) -> object:
    """The caller's own requests, sent and received (the organisers: all of them)."""
    return [meeting_out(db, r) for r in
            meetings.list_meeting_requests(session=db, event_id=event_id, status=status)]


@router.post("/{event_id}/meeting-requests", response_model=schemas.MeetingRequestOut,
             status_code=201)
def request_meeting(event_id: IdPath, data: schemas.MeetingRequestCreate,
                    db: DbSession) -> object:
    return meeting_out(db, meetings.request_meeting(session=db, event_id=event_id, data=data))


@router.get("/meeting-requests/{meeting_request_id}",
            response_model=schemas.MeetingRequestOut)
def get_meeting_request(meeting_request_id: IdPath, db: DbSession,
                        response: Response) -> object:
    found = meetings.get_meeting_request(session=db, meeting_request_id=meeting_request_id)
    return tagged(response, meeting_out(db, found))


@router.patch("/meeting-requests/{meeting_request_id}",
              response_model=schemas.MeetingRequestOut)
def update_meeting_request(meeting_request_id: IdPath, data: schemas.MeetingRequestUpdate,
                           db: DbSession, response: Response,
                           if_match: IfMatch = None) -> object:
    """The requester's priority, a side's own note, the organisers' priority override."""
    found = meetings.update(session=db, meeting_request_id=meeting_request_id, data=data,
                            expected_version=expected_version(if_match))
    return tagged(response, meeting_out(db, found))


def _step(step: str, meeting_request_id: int, db: DbSession, if_match: str | None
          ) -> schemas.MeetingRequestOut:
    act = {"accept": meetings.accept, "decline": meetings.decline,
           "withdraw": meetings.withdraw}[step]
    found = act(session=db, meeting_request_id=meeting_request_id,
                expected_version=expected_version(if_match))
    return meeting_out(db, found)


@router.post("/meeting-requests/{meeting_request_id}/accept",
             response_model=schemas.MeetingRequestOut)
def accept(meeting_request_id: IdPath, db: DbSession, if_match: IfMatch = None) -> object:
    """The recipient accepts (within the event's cap on meetings)."""
    return _step("accept", meeting_request_id, db, if_match)


@router.post("/meeting-requests/{meeting_request_id}/decline",
             response_model=schemas.MeetingRequestOut)
def decline(meeting_request_id: IdPath, db: DbSession, if_match: IfMatch = None) -> object:
    return _step("decline", meeting_request_id, db, if_match)


@router.post("/meeting-requests/{meeting_request_id}/withdraw",
             response_model=schemas.MeetingRequestOut)
def withdraw(meeting_request_id: IdPath, db: DbSession, if_match: IfMatch = None) -> object:
    """The requester withdraws its request (or cancels the accepted meeting)."""
    return _step("withdraw", meeting_request_id, db, if_match)
