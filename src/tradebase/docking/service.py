"""Supply-and-demand docking: matching, buyers' requests, enquiries, intentions, orders,
capacity offers and the base dashboard.

Services take ``session`` keyword-only and never commit. Who may see or act on a request is
decided by ``accounts/policy.py`` (``docking_scope``, ``may_see_request``, ``may_see_enquiry``,
``acts_for_buyer``, ``acts_for_enterprise``); the lists filter in SQL by the same
``DockingScope``. A request or enquiry the actor may not see is reported as not found, exactly
like one that does not exist, so its existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize, current_actor
from tradebase.accounts.policy import (
    Actor,
    DockingScope,
    Permission,
    RequestParties,
    Role,
    acts_for_buyer,
    acts_for_enterprise,
    docking_scope,
    may_see_enquiry,
    may_see_request,
)
from tradebase.docking import notices, schemas
from tradebase.docking import rfq_rules as rules
from tradebase.docking.index_store import ListingIndex
from tradebase.docking.models import (
    BuyerRequest,
    CapacityOffer,
    CooperationIntention,
    DockingOrder,
    Enquiry,
)
from tradebase.docking.reading import read_request
from tradebase.docking.records import MatchRequest, MatchResult, RequestAnalysis
from tradebase.docking.schemas import EnquiryStatus, IntentionStatus, OrderStatus
from tradebase.docking.terms import EnquiryOrigin
from tradebase.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthenticated,
)
from tradebase.registry.models import Enterprise, IndicatorFact, Product
from tradebase.registry.versioning import check_version, load_for_update

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


@dataclass(frozen=True, slots=True)
class Matches:
    """The candidates of a request, and whether no catalog lists what it asks for at all."""

    candidates: list[Candidate]
    no_match: bool


def search(
    *, session: Session, index: ListingIndex, request: MatchRequest, top_k: int = 10
) -> Matches:
    """The listings of every catalog that fit ``request``, best first, with reasons; and
    ``no_match`` when nothing on Tradebase shows what it asks for (constraints aside)."""
    authorize(session, Permission.MATCH_LISTINGS)
    connection = session.connection()
    similar = index.similar(connection, request.text)
    outcome = index.current(connection).search(request, top_k=top_k, similar=similar)
    skus = [r.sku for r in outcome.results]
    owners = {
        sku: (pid, eid) for sku, pid, eid in session.execute(
            select(Product.sku, Product.id, Product.enterprise_id).where(Product.sku.in_(skus))
        )
    } if skus else {}
    return Matches([
        Candidate(r, owners.get(r.sku, (None, None))[1], owners.get(r.sku, (None, None))[0])
        for r in outcome.results
    ], outcome.no_match)


def prefill(*, text: str) -> dict[str, str]:
    """The request form's fields as read from the request's text (``reading.read_request``),
    as form values; only what was read."""
    read = read_request(text)
    values: dict[str, str] = {}
    if read.quantity is not None:
        values["quantity"] = str(read.quantity)
        if read.unit:
            values["unit"] = read.unit
    if read.destination:
        values["destination"] = read.destination
    if read.certifications:
        values["certifications"] = "; ".join(read.certifications)
    if read.max_lead_time_days is not None:
        values["max_lead_time_days"] = str(read.max_lead_time_days)
    if read.target_price is not None:
        values["target_price"] = str(read.target_price.amount)
        values["currency"] = read.target_price.currency
    return values


def match(
    *, session: Session, index: ListingIndex, request: MatchRequest, top_k: int = 10
) -> list[Candidate]:
    """The listings of every catalog that fit ``request``, best first, with reasons."""
    return search(session=session, index=index, request=request, top_k=top_k).candidates


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
        hidden=request.hidden_at is not None, anonymous=request.anonymous_until_accepted,
    )


def create_request(
    *, session: Session, index: ListingIndex, data: schemas.RequestCreate
) -> BuyerRequest:
    actor = authorize(session, Permission.POST_REQUEST)
    rules.check_may_post(session, actor)
    rules.check_future("quote_deadline", data.quote_deadline)
    rules.check_future("expires_on", data.expires_on)
    analysis = index.current(session.connection()).analyse(data.text)
    request = BuyerRequest(
        buyer_id=actor.user_id, organisation=actor.organisation, text=data.text,
        language=analysis.language, quantity=data.quantity, unit=data.unit,
        destination=data.destination, wanted_by=data.wanted_by,
        max_lead_time_days=data.max_lead_time_days, certifications=list(data.certifications),
        target_price=data.target_price, currency=data.currency, hs_code=data.hs_code,
        hs_proposed=analysis.hs.code,
        **data.model_dump(include=set(schemas.RequestTerms.model_fields)),
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


def get_request(*, session: Session, request_id: int) -> BuyerRequest:
    """The request, if the actor may see it; else not found, as if it did not exist."""
    _signed_in(session)
    request = session.get(BuyerRequest, request_id)
    if request is None or not may_see_request(current_actor(session),
                                              _parties(session, request)):
        raise NotFound(f"Request {request_id} not found")
    return request


def visible_enquiries(*, session: Session, request: BuyerRequest) -> list[Enquiry]:
    """The request's enquiries the actor may read (``may_see_enquiry``): all of them for its
    buyer, only its own for an enterprise it was sent to, its base's for a base
    administrator. A competitor's quote never reaches another enterprise."""
    actor = current_actor(session)
    parties = _parties(session, request)
    return [
        e for e in request.enquiries
        if may_see_enquiry(actor, parties, enterprise_id=e.enterprise_id,
                           base_id=e.enterprise.base_id,
                           sent=e.status != EnquiryStatus.SHORTLISTED)
    ]


def _buyer_request(session: Session, request_id: int) -> BuyerRequest:
    """The request, if the actor acts for its buyer."""
    request = get_request(session=session, request_id=request_id)
    actor = current_actor(session)
    if not actor.can_write or not acts_for_buyer(actor, _parties(session, request)):
        raise Forbidden(f"only the buyer of request {request_id} may do this")
    return request


def _received(scope: DockingScope) -> ColumnElement[bool]:
    """SQL: an enquiry sent to the scope's enterprises or its bases' enterprises."""
    if scope.everything:
        return Enquiry.status != EnquiryStatus.SHORTLISTED
    clauses: list[ColumnElement[bool]] = []
    if scope.enterprise_ids:  # a hidden request is gone for the enterprises
        clauses.append(Enquiry.enterprise_id.in_(scope.enterprise_ids) & Enquiry.request_id.in_(
            select(BuyerRequest.id).where(BuyerRequest.hidden_at.is_(None))))
    if scope.base_ids:
        clauses.append(Enquiry.enterprise_id.in_(
            select(Enterprise.id).where(Enterprise.base_id.in_(scope.base_ids))))
    if not clauses:
        return false()
    return (Enquiry.status != EnquiryStatus.SHORTLISTED) & or_(*clauses)


def _buyer_side(scope: DockingScope) -> ColumnElement[bool]:
    """SQL: a request on the scope's buyer side (``DockingScope.is_buyer_of``)."""
    if scope.everything:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if scope.buyer_id is not None:
        clauses.append(BuyerRequest.buyer_id == scope.buyer_id)
    if scope.organisation:
        clauses.append(BuyerRequest.organisation == scope.organisation)
    return or_(*clauses) if clauses else false()


def list_requests(*, session: Session) -> list[BuyerRequest]:
    """The requests the actor may see, newest first: in SQL, the same ``DockingScope`` that
    ``may_see_request`` reads."""
    scope = docking_scope(_signed_in(session))
    received = BuyerRequest.id.in_(select(Enquiry.request_id).where(_received(scope)))
    stmt = (select(BuyerRequest).where(_buyer_side(scope) | received)
            .order_by(BuyerRequest.id.desc()))
    return list(session.scalars(stmt))


def confirm_hs(*, session: Session, request_id: int, hs_code: str | None) -> BuyerRequest:
    request = _buyer_request(session, request_id)
    load_for_update(session, BuyerRequest, request.id, "Request")  # one change at a time
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


def listings_of(*, session: Session, candidates: Sequence[Candidate]) -> dict[int, Product]:
    """The listings of ``candidates`` by product id (with their titles), in one query: the
    match table names each product, not only its sku."""
    ids = [c.product_id for c in candidates if c.product_id is not None]
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(ids)))}


# --- enquiries -------------------------------------------------------------------------------


def list_enquiries(*, session: Session) -> list[Enquiry]:
    """Enquiries sent to the actor's enterprises (or their bases' enterprises), newest first:
    the enterprise side of ``may_see_enquiry``, in SQL."""
    scope = docking_scope(_signed_in(session))
    stmt = select(Enquiry).where(_received(scope)).order_by(Enquiry.id.desc())
    return list(session.scalars(stmt))


def get_enquiry(*, session: Session, enquiry_id: int) -> Enquiry:
    """The enquiry, if the actor may see it (``may_see_enquiry``); else not found."""
    _signed_in(session)
    enquiry = session.get(Enquiry, enquiry_id)
    if enquiry is None or not may_see_enquiry(
        current_actor(session), _parties(session, enquiry.request),
        enterprise_id=enquiry.enterprise_id, base_id=enquiry.enterprise.base_id,
        sent=enquiry.status != EnquiryStatus.SHORTLISTED,
    ):
        raise NotFound(f"Enquiry {enquiry_id} not found")
    return enquiry


def shortlist(
    *, session: Session, request_id: int, sku: str, send: bool = False,
    index: ListingIndex | None = None, enquiries_per_day: int | None = None,
) -> Enquiry:
    """Put the enterprise of listing ``sku`` on the request's shortlist (and send it). One
    enquiry per enterprise: asking about another of its listings adds the sku to it."""
    request = _buyer_request(session, request_id)
    rules.check_open(request)
    rules.check_may_post(session, current_actor(session))
    product = session.scalars(select(Product).where(Product.sku == sku)).first()
    if product is None:
        raise InvalidInput(f"no listing has the sku {sku}", field="sku")
    enquiry = next((e for e in request.enquiries if e.enterprise_id == product.enterprise_id),
                   None)
    if enquiry is not None and sku not in (enquiry.skus or []):
        enquiry.skus = [*(enquiry.skus or []), sku]  # a new list: JSON changes are seen
    if enquiry is None:
        score, reasons, codes = None, [], []
        if index is not None:
            for candidate in match(session=session, index=index,
                                   request=engine_request(request), top_k=50):
                if candidate.result.sku == sku:
                    score, reasons = candidate.result.score, list(candidate.result.reasons)
                    codes = [reason.as_json() for reason in candidate.result.reason_codes]
        enquiry = Enquiry(request_id=request.id, enterprise_id=product.enterprise_id, sku=sku,
                          skus=[sku], score=score, reasons=reasons, reason_codes=codes,
                          status=EnquiryStatus.SHORTLISTED, origin=EnquiryOrigin.CHOSEN)
        session.add(enquiry)
        request.enquiries.append(enquiry)
    if send and enquiry.status == EnquiryStatus.SHORTLISTED:
        rules.check_enquiry_cap(session, current_actor(session), enquiries_per_day)
        enquiry.status = EnquiryStatus.SENT
        enquiry.sent_at = _now()
        notices.enquiry_sent(session=session, enquiry=enquiry)
    session.flush()
    return enquiry


def send_enquiry(
    *, session: Session, enquiry_id: int, enquiries_per_day: int | None = None
) -> Enquiry:
    enquiry = get_enquiry(session=session, enquiry_id=enquiry_id)
    request = _buyer_request(session, enquiry.request_id)
    load_for_update(session, Enquiry, enquiry.id, "Enquiry")  # status read under the lock
    if enquiry.status == EnquiryStatus.SHORTLISTED:
        rules.check_open(request)
        actor = current_actor(session)
        rules.check_may_post(session, actor)
        rules.check_enquiry_cap(session, actor, enquiries_per_day)
        enquiry.status = EnquiryStatus.SENT
        enquiry.sent_at = _now()
        session.flush()
        notices.enquiry_sent(session=session, enquiry=enquiry)
    return enquiry


def _enterprise_enquiry(session: Session, enquiry_id: int) -> Enquiry:
    enquiry = get_enquiry(session=session, enquiry_id=enquiry_id)
    load_for_update(session, Enquiry, enquiry.id, "Enquiry")  # status read under the lock
    actor = current_actor(session)
    if (enquiry.status == EnquiryStatus.SHORTLISTED or not actor.can_write
            or not acts_for_enterprise(actor, enquiry.enterprise_id)):
        raise Forbidden(f"only the enterprise enquiry {enquiry_id} was sent to may answer it")
    return enquiry


def answer_enquiry(
    *, session: Session, enquiry_id: int, data: schemas.EnquiryAnswer
) -> Enquiry:
    """The enterprise quotes (again, while the request is open and before its deadline): a
    unit price for one of the listings the enquiry names, on an Incoterm, with its minimum
    order, lead time and validity."""
    enquiry = _enterprise_enquiry(session, enquiry_id)
    rules.check_quotable(enquiry.request)
    if data.sku is not None and data.sku not in (enquiry.skus or [enquiry.sku or ""]):
        raise InvalidInput(f"the enquiry does not ask about {data.sku}", field="sku",
                           code="rfq.sku_not_asked", params={"sku": data.sku})
    if data.valid_until is not None:
        rules.check_future("valid_until", data.valid_until)
    enquiry.status = EnquiryStatus.ANSWERED
    enquiry.quote_price = data.price
    enquiry.quote_currency = data.currency
    enquiry.quote_lead_time_days = data.lead_time_days
    enquiry.answer_note = data.note
    enquiry.quote_sku = data.sku or enquiry.sku
    enquiry.quote_incoterm = data.incoterm
    enquiry.quote_moq = data.moq
    enquiry.quote_valid_until = data.valid_until
    enquiry.answered_at = _now()
    session.flush()
    notices.enquiry_answered(session=session, enquiry=enquiry)
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
    notices.enquiry_answered(session=session, enquiry=enquiry)
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
    notices.intention_proposed(session=session, intention=intention)
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
    # Two acceptances at once: the second waits, then sees "accepted" and is refused.
    load_for_update(session, CooperationIntention, intention.id, "Intention")
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


def update_order(
    *, session: Session, order_id: int, status: OrderStatus,
    expected_version: int | None = None,
) -> DockingOrder:
    """Move an order on; ``expected_version`` is the version the change was based on (the
    API's ``If-Match``; None: whatever is stored, read under the row's lock)."""
    order = load_for_update(session, DockingOrder, order_id, "Order")
    _intention(session, order.intention_id)
    _side(session, order.intention.enquiry)
    check_version(order, expected_version, "Order")
    current = OrderStatus(order.status)
    if status != current and status not in _ORDER_NEXT[current]:
        raise Conflict(f"an order {current.value} cannot become {status.value}", field="status")
    order.status = status
    session.flush()
    notices.order_changed(session=session, order=order)
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

