"""What an event's meetings produced: the outcome of each held (published) meeting, recorded
by the organisers or either side, and its follow-up some months later.

A cooperation intention signed at a meeting *is* the docking workflow's intention
(``docking.models.CooperationIntention``), linked from the outcome by id: the buyer's open
docking request that the registration brought (its ``seeks``) and an enquiry of it to the
supplier are reused when there is one, else a request and an enquiry are made for the meeting
(origin ``event``). The intention is signed (accepted) at once — both sides signed it at the
table — and has no order yet: the follow-up "contract" gives it the docking order
(``contract_signed``), "order" moves that order into production. The docking workflow may move
the order on by itself; the follow-up shown is then the further of the two.

Only the meeting's two sides and the event's organisers see or record an outcome
(``policy.may_see_meeting_outcome``); another participant gets not found, as for a meeting it
does not know. Services take ``session`` keyword-only and never commit. This module joins
events and docking, so it lives above both, in events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import (
    may_record_meeting_outcome,
    may_see_meeting_outcome,
    may_see_scheduled_meeting,
    meeting_side,
)
from tradebase.docking.models import BuyerRequest, CooperationIntention, DockingOrder, Enquiry
from tradebase.docking.schemas import EnquiryStatus, IntentionStatus, OrderStatus
from tradebase.docking.terms import EnquiryOrigin, RequestStatus
from tradebase.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from tradebase.events import scheduling
from tradebase.events.models import Event, EventMeeting, Registration
from tradebase.events.outcome_models import MeetingOutcome
from tradebase.events.outcome_schemas import (
    STAGES,
    FollowUpRecord,
    FollowUpStage,
    IntentionTerms,
    OutcomeRecord,
    OutcomeResult,
)
from tradebase.events.service import get_event, organiser_bases, party_of
from tradebase.registry.versioning import check_version, load_for_update

_ORDERED = (OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED, OrderStatus.DELIVERED)


def _now() -> datetime:
    return datetime.now(UTC)


def follow_up_of(outcome: MeetingOutcome) -> FollowUpStage | None:
    """How far the meeting went on: the recorded follow-up, or the stage the linked docking
    order reached (a contract once signed, an order once in production), whichever is
    further."""
    stages = [FollowUpStage(outcome.follow_up)] if outcome.follow_up else []
    order = outcome.intention.order if outcome.intention is not None else None
    if order is not None and order.status != OrderStatus.CANCELLED:
        stages.append(FollowUpStage.ORDER if order.status in _ORDERED
                      else FollowUpStage.CONTRACT)
    return max(stages, key=STAGES.index) if stages else None


@dataclass(frozen=True)
class Held:
    """A published meeting the caller may see the outcome of, with its event."""

    meeting: EventMeeting
    event: Event


def _held(session: Session, meeting_id: int) -> Held:
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in to see the outcome of a meeting")
    row = session.get(EventMeeting, meeting_id)
    if row is None:
        raise NotFound(f"Meeting {meeting_id} not found")
    event = get_event(session=session, event_id=row.event_id)
    a, b = party_of(row.request.requester), party_of(row.request.recipient)
    bases = organiser_bases(event)
    if not (may_see_scheduled_meeting(actor, a, b, bases,
                                      published=row.status == scheduling.PUBLISHED)
            and may_see_meeting_outcome(actor, a, b, bases)):
        raise NotFound(f"Meeting {meeting_id} not found")
    return Held(row, event)


def _stored(session: Session, meeting_id: int) -> MeetingOutcome | None:
    return session.scalars(select(MeetingOutcome)
                           .where(MeetingOutcome.meeting_id == meeting_id)).first()


def get_outcome(*, session: Session, meeting_id: int) -> MeetingOutcome | None:
    """The meeting's outcome (None: not recorded yet), for its sides and organisers."""
    _held(session, meeting_id)
    return _stored(session, meeting_id)


def _writable(session: Session, meeting_id: int) -> Held:
    held = _held(session, meeting_id)
    row = held.meeting
    if not may_record_meeting_outcome(current_actor(session), party_of(row.request.requester),
                                      party_of(row.request.recipient),
                                      organiser_bases(held.event)):
        raise Forbidden("only the meeting's two sides and the organisers record its outcome")
    if row.status != scheduling.PUBLISHED:
        raise Conflict("only a meeting of the published schedule has an outcome",
                       field="meeting_id", code="events.outcome_not_scheduled")
    return held


def record_outcome(*, session: Session, meeting_id: int, data: OutcomeRecord,
                   expected_version: int | None = None) -> MeetingOutcome:
    """Record (or correct) what the meeting produced. An intention signed is the docking
    workflow's intention: made once, then corrected in place, never copied; once recorded
    it stays (the docking workflow carries it on), so the result cannot change away from
    it."""
    held = _writable(session, meeting_id)
    outcome = _stored(session, meeting_id)
    if outcome is not None:
        outcome = load_for_update(session, MeetingOutcome, outcome.id, "Outcome")
        check_version(outcome, expected_version, "Outcome")
    if data.result is OutcomeResult.INTENTION and data.intention is None:
        raise InvalidInput("an intention signed needs its quantity, unit, value and currency",
                           field="intention", code="events.outcome_intention_missing")
    if data.result is not OutcomeResult.INTENTION and data.intention is not None:
        raise InvalidInput("only a signed intention has quantity, value and currency",
                           field="intention", code="events.outcome_intention_unexpected")
    if (outcome is not None and outcome.intention_id is not None
            and data.result is not OutcomeResult.INTENTION):
        raise Conflict("the meeting signed a cooperation intention: it is followed up in "
                       "docking, not undone here", field="result",
                       code="events.outcome_has_intention")
    if outcome is None:
        outcome = MeetingOutcome(meeting_id=held.meeting.id, event_id=held.event.id)
        session.add(outcome)
    if data.intention is not None:
        outcome.intention = _sign(session, held, data.intention, outcome.intention)
    outcome.result = data.result.value
    outcome.note = data.note
    outcome.recorded_by = current_actor(session).user_id
    outcome.recorded_at = _now()
    session.flush()
    return outcome


def _supplier(meeting: EventMeeting, terms: IntentionTerms) -> tuple[Registration, Registration]:
    """(supplier, buyer) of the meeting: the enterprise side, or the one named."""
    a, b = meeting.request.requester, meeting.request.recipient
    field = "intention.supplier_registration_id"
    if terms.supplier_registration_id is not None:
        for side, other in ((a, b), (b, a)):
            if side.id == terms.supplier_registration_id and side.enterprise_id is not None:
                return side, other
        raise InvalidInput("the supplier is one of the meeting's enterprises", field=field,
                           code="events.outcome_supplier",
                           params={"registration_id": terms.supplier_registration_id})
    enterprises = [r for r in (a, b) if r.enterprise_id is not None]
    if not enterprises:
        raise InvalidInput("neither side of the meeting is an enterprise that could supply",
                           field="intention", code="events.outcome_no_supplier")
    if len(enterprises) == 2:
        raise InvalidInput("both sides are enterprises: say which one supplies", field=field,
                           code="events.outcome_supplier_needed")
    supplier = enterprises[0]
    return supplier, (b if supplier is a else a)


def _buyer_of(registration: Registration) -> tuple[int | None, str]:
    """The docking buyer a registration speaks for: its user, and its organisation."""
    if registration.kind == "buyer":
        return registration.registered_by, registration.organisation
    return registration.registered_by, registration.name


def _enquiry(session: Session, event: Event, supplier: Registration, buyer: Registration,
             terms: IntentionTerms) -> Enquiry:
    """The buyer's enquiry to the supplier: one of the requests it brought to the event
    (its ``seeks``) sent there already, else a request and an enquiry for this meeting."""
    assert supplier.enterprise_id is not None
    buyer_id, organisation = _buyer_of(buyer)
    brought = [item["request_id"] for item in buyer.seeks or []
               if isinstance(item.get("request_id"), int)]
    if brought:
        found = session.scalars(
            select(Enquiry).join(BuyerRequest, BuyerRequest.id == Enquiry.request_id)
            .where(BuyerRequest.id.in_(brought), BuyerRequest.buyer_id == buyer_id,
                   Enquiry.enterprise_id == supplier.enterprise_id,
                   Enquiry.status.not_in((EnquiryStatus.SHORTLISTED, EnquiryStatus.DECLINED)))
            .order_by(Enquiry.id)).first()
        if found is not None:
            return found
    title = event.title_zh or event.title_en
    request = BuyerRequest(
        buyer_id=buyer_id, organisation=organisation, quantity=terms.quantity, unit=terms.unit,
        text=f"{title}: {buyer.name} – {supplier.name}", certifications=[],
        language="zh" if event.title_zh else "en", status=RequestStatus.AWARDED)
    enquiry = Enquiry(request=request, enterprise_id=supplier.enterprise_id, reasons=[],
                      status=EnquiryStatus.SENT, origin=EnquiryOrigin.EVENT, sent_at=_now())
    session.add_all([request, enquiry])
    return enquiry


def _sign(session: Session, held: Held, terms: IntentionTerms,
          linked: CooperationIntention | None) -> CooperationIntention:
    """The meeting's intention: the linked one corrected in place, or a new signed one."""
    if linked is not None:
        linked.quantity, linked.unit = terms.quantity, terms.unit
        linked.value, linked.currency = terms.value, terms.currency.upper()
        return linked
    supplier, buyer = _supplier(held.meeting, terms)
    request = held.meeting.request
    side = meeting_side(current_actor(session), party_of(request.requester),
                        party_of(request.recipient))
    mine = request.requester if side == "requester" else request.recipient if side else None
    now = _now()
    intention = CooperationIntention(
        enquiry=_enquiry(session, held.event, supplier, buyer, terms),
        proposed_by="enterprise" if mine is supplier else "buyer",
        quantity=terms.quantity, unit=terms.unit, value=terms.value,
        currency=terms.currency.upper(), status=IntentionStatus.ACCEPTED, accepted_at=now)
    session.add(intention)
    return intention


def record_follow_up(*, session: Session, meeting_id: int, data: FollowUpRecord,
                     expected_version: int | None = None) -> MeetingOutcome:
    """Some months later: no further contact, negotiation, contract or order. A signed
    intention's contract is its docking order (made now if it has none); its order moves
    that docking order into production."""
    _writable(session, meeting_id)
    outcome = _stored(session, meeting_id)
    if outcome is None:
        raise Conflict("record what the meeting produced first", field="stage",
                       code="events.outcome_missing")
    outcome = load_for_update(session, MeetingOutcome, outcome.id, "Outcome")
    check_version(outcome, expected_version, "Outcome")
    intention = outcome.intention
    if intention is not None and data.stage in (FollowUpStage.CONTRACT, FollowUpStage.ORDER):
        if intention.order is None:
            intention.order = DockingOrder(status=OrderStatus.CONTRACT_SIGNED)
        if (data.stage is FollowUpStage.ORDER
                and intention.order.status == OrderStatus.CONTRACT_SIGNED):
            intention.order.status = OrderStatus.IN_PRODUCTION
    outcome.follow_up = data.stage.value
    outcome.follow_up_note = data.note
    outcome.followed_up_at = _now()
    session.flush()
    return outcome


@dataclass(frozen=True)
class MeetingView:
    """A published meeting the caller may see, with its outcome (None: not recorded)."""

    meeting: EventMeeting
    outcome: MeetingOutcome | None


def list_outcomes(*, session: Session, event_id: int) -> list[MeetingView]:
    """The event's published meetings the caller may see the outcomes of, each with its
    outcome: every one for the organisers, a participant's own for it (from the same scope
    as ``scheduling.list_meetings``, then the policy's predicate)."""
    event = get_event(session=session, event_id=event_id)
    actor = current_actor(session)
    bases = organiser_bases(event)
    shown = [m for m in scheduling.list_meetings(session=session, event_id=event_id)
             if m.status == scheduling.PUBLISHED and may_see_meeting_outcome(
                 actor, party_of(m.request.requester), party_of(m.request.recipient), bases)]
    stored = {o.meeting_id: o for o in session.scalars(
        select(MeetingOutcome).where(MeetingOutcome.meeting_id.in_([m.id for m in shown])))}
    return [MeetingView(m, stored.get(m.id)) for m in shown]
