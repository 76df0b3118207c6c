"""REST endpoints of what an event's meetings produced: a meeting's outcome (with the docking
intention it signed, linked) and its follow-up, the event's outcomes, its totals and their
publication as the organising bases' indicator facts. Thin: parse, call
``events/outcomes.py`` or ``events/outcome_totals.py``, shape."""

from __future__ import annotations

from fastapi import APIRouter, Response

from tradebase.events import outcome_totals, outcomes
from tradebase.events.outcome_models import MeetingOutcome
from tradebase.events.outcome_schemas import (
    FigureOut,
    FollowUpRecord,
    LinkedIntentionOut,
    OutcomeOut,
    OutcomeRecord,
    OutcomeResult,
    TotalsOut,
)
from tradebase.web.api.versioning import IfMatch, expected_version, tagged
from tradebase.web.deps import DbSession, IdPath

router = APIRouter(prefix="/api/v1/events", tags=["events"])


def outcome_out(outcome: MeetingOutcome) -> OutcomeOut:
    intention = outcome.intention
    linked = None if intention is None else LinkedIntentionOut(
        id=intention.id, enquiry_id=intention.enquiry_id, quantity=intention.quantity,
        unit=intention.unit, value=intention.value, currency=intention.currency,
        status=intention.status,
        order_status=intention.order.status if intention.order is not None else None)
    request = outcome.meeting.request
    return OutcomeOut(
        id=outcome.id, meeting_id=outcome.meeting_id, event_id=outcome.event_id,
        requester_name=request.requester.name, recipient_name=request.recipient.name,
        result=OutcomeResult(outcome.result), note=outcome.note, intention=linked,
        follow_up=outcomes.follow_up_of(outcome), follow_up_note=outcome.follow_up_note,
        recorded_at=outcome.recorded_at, followed_up_at=outcome.followed_up_at,
        version=outcome.version)


def totals_out(totals: outcome_totals.Totals) -> TotalsOut:
    return TotalsOut(
        event_id=totals.event.id, published=totals.published,
        meetings_scheduled=totals.meetings_scheduled, meetings_held=totals.meetings_held,
        results=totals.results, intentions=totals.intentions, companies=totals.companies,
        quantity=totals.quantity, value=totals.value, contracts=totals.contracts,
        orders=totals.orders,
        figures=[FigureOut(
            fact_id=link.fact_id, basis=link.basis, metric=link.fact.metric,
            value=link.fact.value, unit=link.fact.unit, currency=link.fact.currency,
            qualifier=link.fact.qualifier, source_id=link.fact.source_id,
            source_title=link.fact.source.title if link.fact.source else "")
            for link in totals.figures])


@router.get("/{event_id}/outcomes", response_model=list[OutcomeOut])
def list_outcomes(event_id: IdPath, db: DbSession) -> object:
    """The recorded outcomes of the event's meetings the caller may see: every one for the
    organisers, a participant's own meetings' for it."""
    return [outcome_out(v.outcome)
            for v in outcomes.list_outcomes(session=db, event_id=event_id)
            if v.outcome is not None]


@router.get("/meetings/{meeting_id}/outcome", response_model=OutcomeOut | None)
def get_outcome(meeting_id: IdPath, db: DbSession, response: Response) -> object:
    """A meeting's outcome (null: not recorded yet): its two sides and the organisers."""
    found = outcomes.get_outcome(session=db, meeting_id=meeting_id)
    return None if found is None else tagged(response, outcome_out(found))


@router.put("/meetings/{meeting_id}/outcome", response_model=OutcomeOut)
def record_outcome(meeting_id: IdPath, data: OutcomeRecord, db: DbSession,
                   response: Response, if_match: IfMatch = None) -> object:
    """Record or correct what a published meeting produced: no interest, follow-up, sample
    order, or a cooperation intention signed (quantity, unit, value, currency): that is the
    docking workflow's intention (``intention.id``, also at /api/v1/docking/intentions), made
    once and corrected in place."""
    done = outcomes.record_outcome(session=db, meeting_id=meeting_id, data=data,
                                   expected_version=expected_version(if_match))
    return tagged(response, outcome_out(done))


@router.post("/meetings/{meeting_id}/outcome/follow-up", response_model=OutcomeOut)
def record_follow_up(meeting_id: IdPath, data: FollowUpRecord, db: DbSession,
                     response: Response, if_match: IfMatch = None) -> object:
    """Some months later: no further contact, negotiation, contract or order (a signed
    intention's contract and order are its docking order)."""
    done = outcomes.record_follow_up(session=db, meeting_id=meeting_id, data=data,
                                     expected_version=expected_version(if_match))
    return tagged(response, outcome_out(done))


@router.get("/{event_id}/outcome-totals", response_model=TotalsOut)
def event_totals(event_id: IdPath, db: DbSession) -> object:
    """Meetings scheduled and held, intentions, their value, contracts and orders, and the
    indicator facts that state them: the organisers always, everyone once published."""
    return totals_out(outcome_totals.event_totals(session=db, event_id=event_id))


@router.post("/{event_id}/outcome-totals/publish", response_model=TotalsOut)
def publish_totals(event_id: IdPath, db: DbSession) -> object:
    """The organisers publish the totals: public from now on, and the organising bases'
    indicator facts with the event as their source (published again: replaced)."""
    return totals_out(outcome_totals.publish(session=db, event_id=event_id))
