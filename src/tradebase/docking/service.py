"""Supply-and-demand docking: matching, buyers' requests, enquiries, intentions, orders,
capacity offers and the base dashboard.

Services take ``session`` keyword-only and never commit. Who may see or act on a request is
decided by ``accounts/policy.py`` (``may_see_request``, ``acts_for_buyer``,
``acts_for_enterprise``); a request the actor may not see is reported as not found, so its
existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize, current_actor
from tradebase.accounts.policy import (
    Actor,
    Permission,
    RequestParties,
    Role,
    acts_for_buyer,
    acts_for_enterprise,
    may_see_request,
)
from tradebase.docking import schemas
from tradebase.docking.index_store import ListingIndex
from tradebase.docking.models import (
    BuyerRequest,
    CapacityOffer,
    CooperationIntention,
    DockingOrder,
    Enquiry,
)
from tradebase.docking.records import MatchRequest, MatchResult, RequestAnalysis
from tradebase.docking.schemas import EnquiryStatus, IntentionStatus, OrderStatus
from tradebase.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    TradebaseError,
    Unauthenticated,
)
from tradebase.registry.models import Enterprise, IndicatorFact, Product

DOCKING_METRICS = ("docking_intention_companies", "docking_intention_quantity",
                   "docking_intention_value")
_ORDER_NEXT = {
    OrderStatus.CONTRACT_SIGNED: {OrderStatus.IN_PRODUCTION, OrderStatus.CANCELLED},
    OrderStatus.IN_PRODUCTION: {OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: {OrderStatus.DELIVERED, OrderStatus.CANCELLED},
    OrderStatus.DELIVERED: set(),
    OrderStatus.CANCELLED: set(),
}


def _now() -> datetime:
    return datetime.now(UTC)


# --- matching --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A match with the enterprise it belongs to (its id, for links and enquiries)."""

    result: MatchResult
    enterprise_id: int | None
    product_id: int | None


def analyse(*, session: Session, index: ListingIndex, text: str) -> RequestAnalysis:
    """The text's language and the HS code proposed for it."""
    authorize(session, Permission.MATCH_LISTINGS)
    return index.current(session.connection()).analyse(text)


def match(
    *, session: Session, index: ListingIndex, request: MatchRequest, top_k: int = 10
) -> list[Candidate]:
    """The listings of every catalog that fit ``request``, best first, with reasons."""
    authorize(session, Permission.MATCH_LISTINGS)
    results = index.current(session.connection()).match(request, top_k=top_k)
    skus = [r.sku for r in results]
    owners = {
        sku: (pid, eid) for sku, pid, eid in session.execute(
            select(Product.sku, Product.id, Product.enterprise_id).where(Product.sku.in_(skus))
        )
    } if skus else {}
    return [
        Candidate(r, owners.get(r.sku, (None, None))[1], owners.get(r.sku, (None, None))[0])
        for r in results
    ]


# --- requests --------------------------------------------------------------------------------


def _parties(session: Session, request: BuyerRequest) -> RequestParties:
    sent = [e.enterprise_id for e in request.enquiries if e.status != EnquiryStatus.SHORTLISTED]
    bases: set[int] = set()
    if sent:
        bases = {
            base_id for base_id in session.scalars(
                select(Enterprise.base_id).where(Enterprise.id.in_(sent))
            ) if base_id is not None
        }
    return RequestParties(
        buyer_id=request.buyer_id, organisation=request.organisation,
        enterprise_ids=frozenset(sent), base_ids=frozenset(bases),
    )


def create_request(
    *, session: Session, index: ListingIndex, data: schemas.RequestCreate
) -> BuyerRequest:
    actor = authorize(session, Permission.POST_REQUEST)
    analysis = index.current(session.connection()).analyse(data.text)
    request = BuyerRequest(
        buyer_id=actor.user_id, organisation=actor.organisation, text=data.text,
        language=analysis.language, quantity=data.quantity, unit=data.unit,
        destination=data.destination, wanted_by=data.wanted_by,
        max_lead_time_days=data.max_lead_time_days, certifications=list(data.certifications),
        target_price=data.target_price, currency=data.currency, hs_code=data.hs_code,
        hs_proposed=analysis.hs.code,
    )
    if request.max_lead_time_days is None and data.wanted_by is not None:
        days = (data.wanted_by - _now().date()).days
        if days < 1:
            raise InvalidInput("the wanted-by date must be in the future", field="wanted_by")
        request.max_lead_time_days = days
    session.add(request)
    session.flush()
    return request


def _signed_in(session: Session) -> Actor:
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token to see docking")
    return actor


def _refuse(actor: Actor, what: str) -> TradebaseError:
    if not actor.is_authenticated:
        return Unauthenticated(f"log in to see {what}")
    return Forbidden(f"{what} is visible only to its buyer and the enterprises it was sent to")


def get_request(*, session: Session, request_id: int) -> BuyerRequest:
    """The request, if the actor may see it."""
    request = session.get(BuyerRequest, request_id)
    if request is None:
        raise NotFound(f"Request {request_id} not found")
    actor = current_actor(session)
    if not may_see_request(actor, _parties(session, request)):
        raise _refuse(actor, f"request {request_id}")
    return request


def _buyer_request(session: Session, request_id: int) -> BuyerRequest:
    """The request, if the actor acts for its buyer."""
    request = get_request(session=session, request_id=request_id)
    actor = current_actor(session)
    if not actor.can_write or not acts_for_buyer(actor, _parties(session, request)):
        raise Forbidden(f"only the buyer of request {request_id} may do this")
    return request


def list_requests(*, session: Session) -> list[BuyerRequest]:
    """The requests the actor may see, newest first."""
    actor = _signed_in(session)
    stmt = select(BuyerRequest).order_by(BuyerRequest.id.desc())
    sent = select(Enquiry.request_id).where(Enquiry.status != EnquiryStatus.SHORTLISTED)
    if actor.is_system or actor.role is Role.ADMIN:
        pass
    elif actor.role is Role.BUYER:
        own = BuyerRequest.buyer_id == actor.user_id
        stmt = stmt.where(own | (BuyerRequest.organisation == actor.organisation)
                          if actor.organisation else own)
    elif actor.role is Role.ENTERPRISE:
        stmt = stmt.where(BuyerRequest.id.in_(
            sent.where(Enquiry.enterprise_id.in_(actor.enterprise_ids))))
    elif actor.role is Role.BASE_ADMIN:
        of_bases = select(Enterprise.id).where(Enterprise.base_id.in_(actor.base_ids))
        stmt = stmt.where(BuyerRequest.id.in_(sent.where(Enquiry.enterprise_id.in_(of_bases))))
    elif actor.user_id is not None:
        stmt = stmt.where(BuyerRequest.buyer_id == actor.user_id)
    else:
        return []
    return list(session.scalars(stmt))


def confirm_hs(*, session: Session, request_id: int, hs_code: str | None) -> BuyerRequest:
    request = _buyer_request(session, request_id)
    request.hs_code = hs_code
    session.flush()
    return request


def engine_request(request: BuyerRequest) -> MatchRequest:
    return MatchRequest(
        text=request.text, quantity=request.quantity, unit=request.unit,
        destination=request.destination,
        required_certifications=frozenset(request.certifications or []),
        max_lead_time_days=request.max_lead_time_days, hs_code=request.hs_code,
    )


def match_request(
    *, session: Session, index: ListingIndex, request_id: int, top_k: int = 10
) -> list[Candidate]:
    """Candidates for the buyer's request (only its buyer matches: it shows the buyer the
    enterprises, never the buyer to them)."""
    request = _buyer_request(session, request_id)
    return match(session=session, index=index, request=engine_request(request), top_k=top_k)


# --- enquiries -------------------------------------------------------------------------------


def list_enquiries(*, session: Session) -> list[Enquiry]:
    """Enquiries sent to the actor's enterprises (or their bases' enterprises), newest first."""
    actor = _signed_in(session)
    stmt = (select(Enquiry).where(Enquiry.status != EnquiryStatus.SHORTLISTED)
            .order_by(Enquiry.id.desc()))
    if actor.is_system or actor.role is Role.ADMIN:
        return list(session.scalars(stmt))
    if actor.role is Role.ENTERPRISE:
        return list(session.scalars(stmt.where(Enquiry.enterprise_id.in_(actor.enterprise_ids))))
    if actor.role is Role.BASE_ADMIN:
        of_bases = select(Enterprise.id).where(Enterprise.base_id.in_(actor.base_ids))
        return list(session.scalars(stmt.where(Enquiry.enterprise_id.in_(of_bases))))
    return []


def get_enquiry(*, session: Session, enquiry_id: int) -> Enquiry:
    """The enquiry, if the actor may see it: the buyer, or — once it is sent — its enterprise,
    that enterprise's base administrators and platform administrators."""
    enquiry = session.get(Enquiry, enquiry_id)
    if enquiry is None:
        raise NotFound(f"Enquiry {enquiry_id} not found")
    actor = current_actor(session)
    parties = _parties(session, enquiry.request)
    if acts_for_buyer(actor, parties) or actor.is_system or actor.role is Role.ADMIN:
        return enquiry
    if enquiry.status != EnquiryStatus.SHORTLISTED:
        own = RequestParties(
            buyer_id=None, enterprise_ids=frozenset({enquiry.enterprise_id}),
            base_ids=frozenset({enquiry.enterprise.base_id} - {None}),  # type: ignore[arg-type]
        )
        if may_see_request(actor, own):
            return enquiry
    raise _refuse(actor, f"enquiry {enquiry_id}")


def shortlist(
    *, session: Session, request_id: int, sku: str, send: bool = False,
    index: ListingIndex | None = None,
) -> Enquiry:
    """Put the enterprise of listing ``sku`` on the request's shortlist (and send it)."""
    request = _buyer_request(session, request_id)
    product = session.scalars(select(Product).where(Product.sku == sku)).first()
    if product is None:
        raise InvalidInput(f"no listing has the sku {sku}", field="sku")
    enquiry = next((e for e in request.enquiries if e.enterprise_id == product.enterprise_id),
                   None)
    if enquiry is None:
        score, reasons = None, []
        if index is not None:
            for candidate in match(session=session, index=index,
                                   request=engine_request(request), top_k=50):
                if candidate.result.sku == sku:
                    score, reasons = candidate.result.score, list(candidate.result.reasons)
        enquiry = Enquiry(request_id=request.id, enterprise_id=product.enterprise_id, sku=sku,
                          score=score, reasons=reasons, status=EnquiryStatus.SHORTLISTED)
        session.add(enquiry)
        request.enquiries.append(enquiry)
    if send and enquiry.status == EnquiryStatus.SHORTLISTED:
        enquiry.status = EnquiryStatus.SENT
        enquiry.sent_at = _now()
    session.flush()
    return enquiry


def send_enquiry(*, session: Session, enquiry_id: int) -> Enquiry:
    enquiry = get_enquiry(session=session, enquiry_id=enquiry_id)
    _buyer_request(session, enquiry.request_id)
    if enquiry.status == EnquiryStatus.SHORTLISTED:
        enquiry.status = EnquiryStatus.SENT
        enquiry.sent_at = _now()
        session.flush()
    return enquiry


def _enterprise_enquiry(session: Session, enquiry_id: int) -> Enquiry:
    enquiry = get_enquiry(session=session, enquiry_id=enquiry_id)
    actor = current_actor(session)
    if (enquiry.status == EnquiryStatus.SHORTLISTED or not actor.can_write
            or not acts_for_enterprise(actor, enquiry.enterprise_id)):
        raise Forbidden(f"only the enterprise enquiry {enquiry_id} was sent to may answer it")
    return enquiry


def answer_enquiry(
    *, session: Session, enquiry_id: int, data: schemas.EnquiryAnswer
) -> Enquiry:
    enquiry = _enterprise_enquiry(session, enquiry_id)
    enquiry.status = EnquiryStatus.ANSWERED
    enquiry.quote_price = data.price
    enquiry.quote_currency = data.currency
    enquiry.quote_lead_time_days = data.lead_time_days
    enquiry.answer_note = data.note
    enquiry.answered_at = _now()
    session.flush()
    return enquiry


def decline_enquiry(
    *, session: Session, enquiry_id: int, data: schemas.EnquiryDecline
) -> Enquiry:
    enquiry = _enterprise_enquiry(session, enquiry_id)
    if enquiry.intentions:
        raise Conflict("an intention exists already: it cannot be declined now")
    enquiry.status = EnquiryStatus.DECLINED
    enquiry.answer_note = data.note
    enquiry.answered_at = _now()
    session.flush()
    return enquiry


# --- intentions and orders -------------------------------------------------------------------


def _side(session: Session, enquiry: Enquiry) -> str:
    """"buyer" or "enterprise": the side the actor takes on this enquiry."""
    actor = current_actor(session)
    if actor.can_write and acts_for_buyer(actor, _parties(session, enquiry.request)):
        return "buyer"
    if actor.can_write and acts_for_enterprise(actor, enquiry.enterprise_id):
        return "enterprise"
    raise Forbidden("only the buyer or the enterprise of this enquiry may do this")


def propose_intention(
    *, session: Session, enquiry_id: int, data: schemas.IntentionCreate
) -> CooperationIntention:
    enquiry = get_enquiry(session=session, enquiry_id=enquiry_id)
    side = _side(session, enquiry)
    if enquiry.status in (EnquiryStatus.SHORTLISTED, EnquiryStatus.DECLINED):
        raise Conflict(f"the enquiry is {enquiry.status}: send it (or ask again) first")
    intention = CooperationIntention(
        enquiry_id=enquiry.id, proposed_by=side, quantity=data.quantity, unit=data.unit,
        value=data.value, currency=data.currency, start_date=data.start_date,
        delivery_date=data.delivery_date, status=IntentionStatus.PROPOSED,
    )
    session.add(intention)
    session.flush()
    return intention


def _intention(session: Session, intention_id: int) -> CooperationIntention:
    intention = session.get(CooperationIntention, intention_id)
    if intention is None:
        raise NotFound(f"Intention {intention_id} not found")
    get_enquiry(session=session, enquiry_id=intention.enquiry_id)  # visible, or NotFound
    return intention


def get_intention(*, session: Session, intention_id: int) -> CooperationIntention:
    return _intention(session, intention_id)


def accept_intention(*, session: Session, intention_id: int) -> CooperationIntention:
    """The other side accepts: the intention is signed and becomes an order."""
    intention = _intention(session, intention_id)
    side = _side(session, intention.enquiry)
    actor = current_actor(session)
    if side == intention.proposed_by and not actor.is_system:
        raise Forbidden("the other side accepts an intention, not the side that proposed it")
    if intention.status != IntentionStatus.PROPOSED:
        raise Conflict(f"the intention is {intention.status} already")
    intention.status = IntentionStatus.ACCEPTED
    intention.accepted_at = _now()
    intention.order = DockingOrder(status=OrderStatus.CONTRACT_SIGNED)
    session.flush()
    return intention


def update_order(*, session: Session, order_id: int, status: OrderStatus) -> DockingOrder:
    order = session.get(DockingOrder, order_id)
    if order is None:
        raise NotFound(f"Order {order_id} not found")
    _intention(session, order.intention_id)
    _side(session, order.intention.enquiry)
    current = OrderStatus(order.status)
    if status != current and status not in _ORDER_NEXT[current]:
        raise Conflict(f"an order {current.value} cannot become {status.value}", field="status")
    order.status = status
    session.flush()
    return order


# --- capacity offers -------------------------------------------------------------------------


def create_capacity_offer(
    *, session: Session, data: schemas.CapacityOfferCreate
) -> CapacityOffer:
    enterprise = session.get(Enterprise, data.enterprise_id)
    if enterprise is None:
        raise NotFound(f"Enterprise {data.enterprise_id} not found", field="enterprise_id")
    authorize(session, Permission.OFFER_CAPACITY, base_id=enterprise.base_id,
              enterprise_id=enterprise.id)
    offer = CapacityOffer(**data.model_dump())
    session.add(offer)
    session.flush()
    return offer


def search_capacity(
    *, session: Session, hs_code: str | None = None, month_from: str | None = None,
    month_to: str | None = None, min_capacity: int | None = None,
) -> list[CapacityOffer]:
    """Free capacity offered by enterprises: to buyers, officers and administrators; an
    enterprise sees only its own offers."""
    actor = _signed_in(session)
    stmt = select(CapacityOffer).order_by(CapacityOffer.month, CapacityOffer.id)
    if hs_code:
        stmt = stmt.where(CapacityOffer.hs_code.startswith(hs_code[:6]))
    if month_from:
        stmt = stmt.where(CapacityOffer.month >= month_from)
    if month_to:
        stmt = stmt.where(CapacityOffer.month <= month_to)
    if min_capacity:
        stmt = stmt.where(CapacityOffer.free_capacity >= min_capacity)
    if actor.role is Role.ENTERPRISE:
        return list(session.scalars(
            stmt.where(CapacityOffer.enterprise_id.in_(actor.enterprise_ids))))
    authorize(session, Permission.SEARCH_CAPACITY)
    return list(session.scalars(stmt))


# --- the base dashboard ----------------------------------------------------------------------


@dataclass
class Dashboard:
    base_id: int
    intentions: int
    companies: int
    quantity: int
    value: dict[str, float]
    contracts: int
    in_production: int
    shipped: int
    delivered: int
    cancelled: int
    published: list[IndicatorFact]


def dashboard(*, session: Session, base_id: int) -> Dashboard:
    """Signed intentions of the base's enterprises, their value, and how many became
    contracts, orders in production, shipments and deliveries; beside them the docking
    facts the base has published."""
    authorize(session, Permission.VIEW_DOCKING_DASHBOARD, base_id=base_id)
    rows = session.execute(
        select(CooperationIntention.quantity, CooperationIntention.value,
               CooperationIntention.currency, Enquiry.enterprise_id, DockingOrder.status)
        .join(Enquiry, Enquiry.id == CooperationIntention.enquiry_id)
        .join(Enterprise, Enterprise.id == Enquiry.enterprise_id)
        .outerjoin(DockingOrder, DockingOrder.intention_id == CooperationIntention.id)
        .where(Enterprise.base_id == base_id,
               CooperationIntention.status == IntentionStatus.ACCEPTED)
    ).all()
    value: dict[str, float] = {}
    steps = dict.fromkeys(OrderStatus, 0)
    for row in rows:
        value[row.currency] = value.get(row.currency, 0.0) + row.value
        if row.status:
            steps[OrderStatus(row.status)] += 1
    reached = {
        OrderStatus.IN_PRODUCTION: (OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED,
                                    OrderStatus.DELIVERED),
        OrderStatus.SHIPPED: (OrderStatus.SHIPPED, OrderStatus.DELIVERED),
    }
    published = list(session.scalars(
        select(IndicatorFact).where(IndicatorFact.base_id == base_id,
                                    IndicatorFact.metric.in_(DOCKING_METRICS))
        .order_by(IndicatorFact.year, IndicatorFact.metric)
    ))
    return Dashboard(
        base_id=base_id,
        intentions=len(rows),
        companies=len({row.enterprise_id for row in rows}),
        quantity=sum(row.quantity for row in rows),
        value=value,
        contracts=sum(1 for row in rows if row.status),
        in_production=sum(steps[s] for s in reached[OrderStatus.IN_PRODUCTION]),
        shipped=sum(steps[s] for s in reached[OrderStatus.SHIPPED]),
        delivered=steps[OrderStatus.DELIVERED],
        cancelled=steps[OrderStatus.CANCELLED],
        published=published,
    )

