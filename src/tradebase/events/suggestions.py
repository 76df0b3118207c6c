"""Suggested counterparts at an event, from the docking engine: for a buyer's registration,
the registered enterprises whose listings match what it seeks; for an enterprise's, the
registered buyers whose seeks its listings fill — each with the engine's score and reason
codes (``docking/explain.py``). Only approved registrations are suggested; a counterpart the
caller has an open meeting request with already is left out. ``meetings.request_meeting``
with ``origin="suggested"`` turns a suggestion into a meeting request in one call.

A suggestion names the counterpart and the seek it answers — what the counterpart chose to
show the event's participants in its registration — never its attendees, slots or notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import acts_for_party, organises_event
from tradebase.docking import service as docking
from tradebase.docking.index_store import ListingIndex
from tradebase.docking.reasons import Reason
from tradebase.docking.records import MatchRequest
from tradebase.errors import Conflict, NotFound
from tradebase.events.meetings import OPEN
from tradebase.events.models import Event, MeetingRequest, Registration
from tradebase.events.registrations import get_registration
from tradebase.events.schemas import PartyKind, RegistrationStatus
from tradebase.events.service import organiser_bases, party_of

TOP_K = 50  # listings asked of the engine per seek


@dataclass(frozen=True)
class Suggestion:
    registration: Registration  # whom the suggestion is for
    counterpart: Registration
    seek: str  # the buyer's seek the listing answers
    sku: str
    score: float
    reasons: tuple[str, ...]
    reason_codes: tuple[Reason, ...]


def _seeks(registration: Registration) -> list[MatchRequest]:
    return [MatchRequest(text=str(item["text"]), quantity=item.get("quantity"))
            for item in registration.seeks if str(item.get("text", "")).strip()]


Found = list[tuple[Registration, str, docking.Candidate]]


def _matches(session: Session, index: ListingIndex, buyer: Registration,
             enterprises: dict[int, Registration]) -> Found:
    """(enterprise registration, seek, candidate) for each listing of a registered enterprise
    the engine finds for one of the buyer's seeks."""
    found: Found = []
    for seek in _seeks(buyer):
        for candidate in docking.search(session=session, index=index, request=seek,
                                        top_k=TOP_K).candidates:
            if candidate.enterprise_id in enterprises:
                found.append((enterprises[candidate.enterprise_id], seek.text, candidate))
    return found


def suggestions(*, session: Session, index: ListingIndex,
                registration_id: int) -> list[Suggestion]:
    """The counterparts suggested to a registration, best first (one per counterpart, with
    the best matching listing). For its own side and the event's organisers."""
    registration = get_registration(session=session, registration_id=registration_id)
    event = session.get(Event, registration.event_id)
    assert event is not None
    actor = current_actor(session)
    if not (acts_for_party(actor, party_of(registration))
            or organises_event(actor, organiser_bases(event))):
        raise NotFound(f"Registration {registration_id} not found")
    if registration.status != RegistrationStatus.APPROVED.value:
        raise Conflict(f"registration {registration_id} is {registration.status}: "
                       "suggestions come once it is approved", code="events.not_approved",
                       params={"registration_id": registration_id,
                               "status": registration.status})
    approved = list(session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.id != registration.id,
        Registration.status == RegistrationStatus.APPROVED.value)))
    busy = {rid for pair in session.execute(
        select(MeetingRequest.requester_id, MeetingRequest.recipient_id).where(
            or_(MeetingRequest.requester_id == registration.id,
                MeetingRequest.recipient_id == registration.id),
            MeetingRequest.status.in_(OPEN))) for rid in pair} - {registration.id}
    best: dict[int, Suggestion] = {}

    def keep(counterpart: Registration, seek: str, candidate: docking.Candidate) -> None:
        if counterpart.id in busy:
            return
        result = candidate.result
        if counterpart.id in best and best[counterpart.id].score >= result.score:
            return
        best[counterpart.id] = Suggestion(
            registration=registration, counterpart=counterpart, seek=seek, sku=result.sku,
            score=result.score, reasons=result.reasons, reason_codes=result.reason_codes)

    if registration.kind == PartyKind.BUYER.value:
        enterprises = {r.enterprise_id: r for r in approved if r.enterprise_id is not None}
        for counterpart, seek, candidate in _matches(session, index, registration,
                                                     enterprises):
            keep(counterpart, seek, candidate)
    elif registration.enterprise_id is not None:
        mine = {registration.enterprise_id: registration}
        for buyer in approved:
            if buyer.kind != PartyKind.BUYER.value:
                continue
            for _, seek, candidate in _matches(session, index, buyer, mine):
                keep(buyer, seek, candidate)
    return sorted(best.values(), key=lambda s: (-s.score, s.counterpart.id))
