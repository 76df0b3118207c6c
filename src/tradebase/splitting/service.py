"""A docking request split over the enterprises that make the confirmed product, and one
enquiry sent per share. Above ``docking`` (requests, matches, enquiries) and ``allocation``
(the solver, through the pure ``objectives``); services take ``session`` keyword-only and
never commit.

The candidates are the request's matches (the first ``SPLIT_TOP_K``), chosen by the pure
``eligibility.select_offers``: the confirmed product only, with a monthly capacity, one listing
per enterprise. A price
is the enterprise's quote in an answered enquiry of this request; nothing else is a price.
The due date is the request's "wanted by" date, else its maximum lead time, else 60 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.docking import service as docking
from tradebase.docking.features import listing_features
from tradebase.docking.index_store import ListingIndex
from tradebase.docking.models import BuyerRequest, Enquiry
from tradebase.docking.records import Listing
from tradebase.registry.models import Enterprise, Product
from tradebase.splitting.eligibility import ConfirmedProduct, Offer, select_offers
from tradebase.splitting.objectives import (
    Objective,
    SplitOutcome,
    Supplier,
    objectives_for,
    split,
)

DEFAULT_DUE_DAYS = 60
SPLIT_TOP_K = 50  # matches read for a split: the filter may leave few of the first ten


@dataclass(frozen=True)
class SplitShare:
    """One enterprise's share, with the listing, its capacity by the due date and its price."""

    enterprise: Enterprise
    product: Product
    quantity: int
    reason: str  # ``objectives.REASONS``
    per_day: float
    days: int
    price: float | None
    currency: str | None
    price_source: str  # "quote" or "none"


@dataclass(frozen=True)
class LeftOut:
    """A matched listing that takes no part: "other_product" or "no_capacity"."""

    product: Product
    why: str


@dataclass(frozen=True)
class RequestSplit:
    request: BuyerRequest
    confirmed: ConfirmedProduct
    concept_labels: tuple[str, ...]  # when no HS code is confirmed: what the listings must be
    due_days: int
    due_source: str  # "wanted_by", "max_lead_time" or "default"
    objective: Objective
    objectives: tuple[Objective, ...]  # the buyer's choice, the default first
    outcome: SplitOutcome | None
    shares: tuple[SplitShare, ...]
    left_out: tuple[LeftOut, ...]
    enterprises: int  # enterprises that make the product and state a capacity
    priced: int  # of those, how many quoted a price
    problem: str | None  # "no_quantity", "no_product", "no_listing" or None

    @property
    def total_cost(self) -> float | None:
        """Only when every share has a quoted price: never a total of unknown prices."""
        return self.outcome.total_cost if self.outcome is not None else None


def due_days(request: BuyerRequest, today: date) -> tuple[int, str]:
    if request.wanted_by is not None:
        return max(0, (request.wanted_by - today).days), "wanted_by"
    if request.max_lead_time_days is not None:
        return request.max_lead_time_days, "max_lead_time"
    return DEFAULT_DUE_DAYS, "default"


def _title_concepts(product: Product, index: ListingIndex) -> dict[str, float]:
    listing = Listing(sku=product.sku, enterprise="", title=product.title,
                      titles=product.titles, description=product.description)
    return dict(listing_features(listing, index.vocabulary).concepts)


def _quotes(session: Session, request: BuyerRequest) -> dict[int, Enquiry]:
    return {e.enterprise_id: e for e in docking.visible_enquiries(session=session, request=request)
            if e.quote_price is not None}


def split_request(
    *, session: Session, index: ListingIndex, request_id: int, objective: Objective | None,
    today: date, time_limit: float,
) -> RequestSplit:
    """The request split over the enterprises that make the product it confirmed, by
    ``objective`` (None or one not on offer: the default); its buyer only."""
    candidates = docking.match_request(session=session, index=index, request_id=request_id,
                                       top_k=SPLIT_TOP_K)
    request = docking.get_request(session=session, request_id=request_id)
    confirmed = ConfirmedProduct.for_request(request.hs_code, request.text, index.vocabulary)
    labels = tuple(index.vocabulary.label(cid) for cid in sorted(confirmed.concepts))
    days, due_source = due_days(request, today)
    ids = [c.product_id for c in candidates if c.product_id is not None]
    products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(ids)))}
    quotes = _quotes(session, request)
    offers: list[Offer] = []
    for c in candidates:
        product = products.get(c.product_id) if c.product_id is not None else None
        if product is None:
            continue
        concepts = _title_concepts(product, index) if confirmed.level == "concept" else {}
        offers.append(Offer(sku=product.sku, enterprise=product.enterprise_id,
                            hs_code=product.hs_code, monthly_capacity=product.monthly_capacity,
                            concepts=concepts))
    selection = select_offers(confirmed, offers)
    by_sku = {p.sku: p for p in products.values()}
    chosen = {offer.enterprise: by_sku[offer.sku] for offer in selection.chosen}
    left_out = [LeftOut(by_sku[offer.sku], why) for offer, why in selection.left_out]
    suppliers = [
        Supplier(
            key=eid, capacity_per_day=(p.monthly_capacity or 0) / 30,
            lead_time_days=p.lead_time_days or 0, moq=p.moq or 0,
            price=quotes[eid].quote_price if eid in quotes else None,
            currency=quotes[eid].quote_currency if eid in quotes else None,
        )
        for eid, p in chosen.items()
    ]
    offered = objectives_for(suppliers)
    picked = objective if objective in offered else offered[0]
    problem = None
    if not request.quantity:
        problem = "no_quantity"
    elif confirmed.level == "none":
        problem = "no_product"
    elif not suppliers:
        problem = "no_listing"
    outcome = None
    shares: list[SplitShare] = []
    if problem is None and request.quantity:
        outcome = split(request.quantity, days, suppliers, picked, time_limit=time_limit)
        by_key = {s.key: s for s in suppliers}
        for portion in outcome.portions:
            product, supplier = chosen[portion.supplier], by_key[portion.supplier]
            shares.append(SplitShare(
                enterprise=product.enterprise, product=product, quantity=portion.quantity,
                reason=portion.reason, per_day=supplier.capacity_per_day,
                days=supplier.days_by(days), price=supplier.price, currency=supplier.currency,
                price_source="quote" if supplier.price is not None else "none",
            ))
    return RequestSplit(
        request=request, confirmed=confirmed, concept_labels=labels, due_days=days,
        due_source=due_source, objective=picked, objectives=offered, outcome=outcome,
        shares=tuple(shares), left_out=tuple(left_out), enterprises=len(suppliers),
        priced=sum(1 for s in suppliers if s.price is not None), problem=problem,
    )


def enquire_split(
    *, session: Session, index: ListingIndex, request_id: int, objective: Objective | None,
    today: date, time_limit: float,
) -> list[Enquiry]:
    """Send an enquiry for each share of the split (the one ``split_request`` shows for the
    same objective) to its enterprise, once per enterprise; enquiries already sent stay as
    they are."""
    plan = split_request(session=session, index=index, request_id=request_id,
                         objective=objective, today=today, time_limit=time_limit)
    return [
        docking.shortlist(session=session, request_id=request_id, sku=share.product.sku,
                          send=True, index=index)
        for share in plan.shares
    ]


__all__ = [
    "DEFAULT_DUE_DAYS",
    "LeftOut",
    "RequestSplit",
    "SplitShare",
    "due_days",
    "enquire_split",
    "split_request",
]
