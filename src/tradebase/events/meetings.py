"""Meeting requests between the participants of an event: request, accept, decline,
withdraw (a state machine with clear errors), automatic acceptance when the organisers set
it, caps on requests sent and on meetings per participant, and a priority per request (the
requester's 1–5, the organisers' override).

A participant sees only its own requests, sent and received, and never the other side's
private note (``accounts/policy.py``: ``may_see_meeting_request``, ``meeting_side``,
``may_read_meeting_note``); the list filters in SQL by the same ``EventScope``. Caps and the
state are read under the event's row lock, so two acceptances at once never pass a cap.

    requested ──accept──▶ accepted ──withdraw──▶ withdrawn
        │  └──decline──▶ declined
        └──withdraw──▶ withdrawn
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import (
    event_scope,
    may_read_meeting_note,
    may_see_meeting_request,
    meeting_side,
    organises_event,
)
from tradebase.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from tradebase.events import notices, schemas
from tradebase.events.models import Event, MeetingRequest, Registration
from tradebase.events.registrations import own_registrations
from tradebase.events.schemas import EventKind, EventStatus, MeetingStatus, RegistrationStatus
from tradebase.events.service import get_event, organiser_bases, party_of
from tradebase.registry.versioning import check_version, load_for_update

OPEN = (MeetingStatus.REQUESTED.value, MeetingStatus.ACCEPTED.value)
_NEXT = {
    "accept": ({MeetingStatus.REQUESTED}, "recipient"),
    "decline": ({MeetingStatus.REQUESTED}, "recipient"),
    "withdraw": ({MeetingStatus.REQUESTED, MeetingStatus.ACCEPTED}, "requester"),
}


def _now() -> datetime:
    return datetime.now(UTC)


def _signed_in(session: Session) -> None:
    if not current_actor(session).is_authenticated:
        raise Unauthenticated("log in to see meeting requests")


def _registration(session: Session, event: Event, registration_id: int, field: str
                  ) -> Registration:
    registration = session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise InvalidInput(f"registration {registration_id} is not of event {event.id}",
                           field=field, code="events.unknown_registration",
                           params={"registration_id": registration_id})
    if registration.status != RegistrationStatus.APPROVED.value:
        raise Conflict(f"registration {registration_id} is {registration.status}, not "
                       "approved: it cannot meet yet", field=field,
                       code="events.not_approved", params={"registration_id": registration_id,
                                                           "status": registration.status})
    return registration


def _sent(session: Session, registration_id: int) -> int:
    return session.scalar(select(func.count()).select_from(MeetingRequest).where(
        MeetingRequest.requester_id == registration_id,
        MeetingRequest.status.in_(OPEN))) or 0


def _meetings(session: Session, registration_id: int) -> int:
    return session.scalar(select(func.count()).select_from(MeetingRequest).where(
        or_(MeetingRequest.requester_id == registration_id,
            MeetingRequest.recipient_id == registration_id),
        MeetingRequest.status == MeetingStatus.ACCEPTED.value)) or 0


def _meeting_cap_reached(session: Session, event: Event, request: MeetingRequest
                         ) -> Registration | None:
    """The side whose meetings are at the event's cap already, if any."""
    if event.max_meetings is None:
        return None
    for side in (request.recipient, request.requester):
        if _meetings(session, side.id) >= event.max_meetings:
            return side
    return None


def _accept(session: Session, event: Event, request: MeetingRequest) -> None:
    full = _meeting_cap_reached(session, event, request)
    if full is not None:
        raise Conflict(f"{full.name} has {event.max_meetings} meetings already, the most "
                       "this event allows", field="max_meetings", code="events.meeting_cap",
                       params={"cap": event.max_meetings or 0, "registration_id": full.id})
    request.status = MeetingStatus.ACCEPTED.value
    request.answered_at = _now()


def request_meeting(*, session: Session, event_id: int,
                    data: schemas.MeetingRequestCreate) -> MeetingRequest:
    """The caller's registration asks another for a meeting. Both are approved, the pair
    has no open request yet, and the requester is below the event's cap on requests; with
    automatic acceptance on, it is accepted at once when both are below the meeting cap."""
    _signed_in(session)
    event = get_event(session=session, event_id=event_id)
    event = load_for_update(session, Event, event.id, "Event")  # caps: one at a time
    if event.kind == EventKind.CAMPAIGN.value:
        raise InvalidInput("a campaign has no meetings: request one at its events",
                           field="event_id", code="events.no_meetings")
    if event.status not in (EventStatus.OPEN.value, EventStatus.CLOSED.value):
        raise Conflict(f"the event is {event.status}: no meeting requests now",
                       code="events.meetings_closed", params={"status": event.status})
    requester = _registration(session, event, data.from_registration_id,
                              "from_registration_id")
    recipient = _registration(session, event, data.to_registration_id, "to_registration_id")
    actor = current_actor(session)
    if not actor.can_write or meeting_side(actor, party_of(requester),
                                           party_of(recipient)) != "requester":
        raise Forbidden("you may request meetings only for your own registration",
                        field="from_registration_id")
    if requester.id == recipient.id or party_of(requester) == party_of(recipient):
        raise InvalidInput("a participant does not meet itself", field="to_registration_id",
                           code="events.same_party")
    pair = (requester.id, recipient.id)
    exists = session.scalar(select(MeetingRequest.id).where(
        MeetingRequest.requester_id.in_(pair), MeetingRequest.recipient_id.in_(pair),
        MeetingRequest.status.in_(OPEN)))
    if exists is not None:
        raise Conflict(f"these two have an open meeting request already ({exists})",
                       field="to_registration_id", code="events.meeting_exists",
                       params={"meeting_request_id": exists})
    if event.max_requests is not None and _sent(session, requester.id) >= event.max_requests:
        raise Conflict(f"{requester.name} has sent {event.max_requests} meeting requests, "
                       "the most this event allows", field="max_requests",
                       code="events.request_cap", params={"cap": event.max_requests})
    request = MeetingRequest(
        event_id=event.id, requester=requester, recipient=recipient,
        requester_id=requester.id, recipient_id=recipient.id,
        status=MeetingStatus.REQUESTED.value, priority=data.priority, origin=data.origin,
        message=data.message, requester_note=data.note, requested_by=actor.user_id,
    )
    session.add(request)
    session.flush()
    notices.requested(session=session, request=request)
    if event.auto_accept and _meeting_cap_reached(session, event, request) is None:
        _accept(session, event, request)
        session.flush()
        notices.answered(session=session, request=request)
    return request


def get_meeting_request(*, session: Session, meeting_request_id: int) -> MeetingRequest:
    """The request, for its two sides and its event's organisers; else not found."""
    _signed_in(session)
    request = session.get(MeetingRequest, meeting_request_id)
    if request is None:
        raise NotFound(f"Meeting request {meeting_request_id} not found")
    event = session.get(Event, request.event_id)
    assert event is not None
    if not may_see_meeting_request(current_actor(session), party_of(request.requester),
                                   party_of(request.recipient), organiser_bases(event)):
        raise NotFound(f"Meeting request {meeting_request_id} not found")
    return request


def list_meeting_requests(*, session: Session, event_id: int,
                          status: MeetingStatus | None = None) -> list[MeetingRequest]:
    """The event's requests: all of them for its organisers, the caller's own (sent and
    received) for a participant — in SQL, from the same ``EventScope``."""
    _signed_in(session)
    event = get_event(session=session, event_id=event_id)
    actor = current_actor(session)
    stmt = select(MeetingRequest).where(MeetingRequest.event_id == event.id)
    if not organises_event(actor, organiser_bases(event)):
        mine = select(Registration.id).where(Registration.event_id == event.id,
                                             own_registrations(event_scope(actor)))
        stmt = stmt.where(or_(MeetingRequest.requester_id.in_(mine),
                              MeetingRequest.recipient_id.in_(mine)))
    if status is not None:
        stmt = stmt.where(MeetingRequest.status == status.value)
    return list(session.scalars(stmt.order_by(MeetingRequest.id)))


def _step(session: Session, meeting_request_id: int, step: str,
          expected_version: int | None) -> tuple[Event, MeetingRequest]:
    request = get_meeting_request(session=session, meeting_request_id=meeting_request_id)
    event = load_for_update(session, Event, request.event_id, "Event")
    request = load_for_update(session, MeetingRequest, request.id, "Meeting request")
    allowed, side = _NEXT[step]
    actor = current_actor(session)
    if not actor.can_write or meeting_side(actor, party_of(request.requester),
                                           party_of(request.recipient)) != side:
        raise Forbidden(f"only the {side} of meeting request {meeting_request_id} may "
                        f"{step} it")
    check_version(request, expected_version, "Meeting request")
    if MeetingStatus(request.status) not in allowed:
        raise Conflict(f"the meeting request is {request.status}: it cannot be "
                       f"{'withdrawn' if step == 'withdraw' else step + 'ed'} now",
                       field="status", code="events.meeting_state",
                       params={"status": request.status, "step": step})
    return event, request


def accept(*, session: Session, meeting_request_id: int,
           expected_version: int | None = None) -> MeetingRequest:
    event, request = _step(session, meeting_request_id, "accept", expected_version)
    _accept(session, event, request)
    session.flush()
    notices.answered(session=session, request=request)
    return request


def decline(*, session: Session, meeting_request_id: int,
            expected_version: int | None = None) -> MeetingRequest:
    _, request = _step(session, meeting_request_id, "decline", expected_version)
    request.status = MeetingStatus.DECLINED.value
    request.answered_at = _now()
    session.flush()
    notices.answered(session=session, request=request)
    return request


def withdraw(*, session: Session, meeting_request_id: int,
             expected_version: int | None = None) -> MeetingRequest:
    _, request = _step(session, meeting_request_id, "withdraw", expected_version)
    request.status = MeetingStatus.WITHDRAWN.value
    request.answered_at = _now()
    session.flush()
    notices.withdrawn(session=session, request=request)
    return request


def update(*, session: Session, meeting_request_id: int, data: schemas.MeetingRequestUpdate,
           expected_version: int | None = None) -> MeetingRequest:
    """The requester changes its priority; each side its own private note; the organisers
    override the priority (or clear their override)."""
    request = get_meeting_request(session=session, meeting_request_id=meeting_request_id)
    request = load_for_update(session, MeetingRequest, request.id, "Meeting request")
    event = session.get(Event, request.event_id)
    assert event is not None
    actor = current_actor(session)
    if not actor.can_write:
        raise Forbidden("this API token is read-only")
    check_version(request, expected_version, "Meeting request")
    side = meeting_side(actor, party_of(request.requester), party_of(request.recipient))
    organiser = organises_event(actor, organiser_bases(event))
    if data.priority is not None:
        if side != "requester":
            raise Forbidden("only the requester sets its priority", field="priority")
        request.priority = data.priority
    if data.note is not None:
        if side is None:
            raise Forbidden("only the two sides keep notes on a meeting request",
                            field="note")
        if side == "requester":
            request.requester_note = data.note
        else:
            request.recipient_note = data.note
    if data.organiser_priority is not None or data.clear_organiser_priority:
        if not organiser:
            raise Forbidden("only the event's organisers override a priority",
                            field="organiser_priority")
        request.organiser_priority = (None if data.clear_organiser_priority
                                      else data.organiser_priority)
    session.flush()
    return request


# --- what a reader sees --------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """A meeting request as its reader sees it: the caller's side, and its own note."""

    request: MeetingRequest
    side: str | None
    note: str | None


def view(*, session: Session, request: MeetingRequest) -> View:
    actor = current_actor(session)
    requester, recipient = party_of(request.requester), party_of(request.recipient)
    side = meeting_side(actor, requester, recipient)
    note: str | None = None
    if side is not None and may_read_meeting_note(actor, side, requester, recipient):
        note = request.requester_note if side == "requester" else request.recipient_note
    return View(request=request, side=side, note=note)
