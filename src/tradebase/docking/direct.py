"""Enquiries a buyer starts from what it looks at: a product page, an enterprise's page or a
free-capacity offer — or makes in person to an exhibitor at a fair (``record_met_request``).
One flow for the three: a docking request written for it (prefilled
from the product, the enterprise or the offer) and an enquiry about one listing of that
enterprise, sent at once. It is the request and the enquiry of ``docking/service.py``, with
their rules (who may post, the daily caps), created together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize, current_actor
from tradebase.accounts.policy import Permission, Role
from tradebase.docking import notices, schemas, service
from tradebase.docking import rfq_rules as rules
from tradebase.docking.index_store import ListingIndex
from tradebase.docking.models import BuyerRequest, CapacityOffer, Enquiry
from tradebase.docking.schemas import EnquiryStatus
from tradebase.docking.terms import EnquiryOrigin
from tradebase.errors import InvalidInput, NotFound
from tradebase.registry.models import Enterprise, Product


@dataclass
class EnquirySubject:
    """What an enquiry is about: the enterprise, the listings it may ask about, the one
    chosen (a product page) and the capacity offer it came from, if any."""

    enterprise: Enterprise
    listings: list[Product]
    product: Product | None = None
    offer: CapacityOffer | None = None

    def prefill(self) -> dict[str, str]:
        """The request form's fields as the subject suggests them."""
        values = {"unit": "pcs", "samples": "none"}
        if self.product is not None:
            values |= {"sku": self.product.sku, "text": self.product.title,
                       "unit": self.product.unit}
            if self.product.moq:
                values["quantity"] = str(self.product.moq)
            if self.product.hs_code and len(self.product.hs_code) == 6:
                values["hs_code"] = self.product.hs_code
        elif self.offer is not None:
            values |= {"text": self.offer.product or "", "unit": self.offer.unit}
            if self.offer.hs_code:
                values["hs_code"] = self.offer.hs_code
            same_hs = [p for p in self.listings if self.offer.hs_code and p.hs_code
                       and p.hs_code.startswith(self.offer.hs_code[:4])]
            if same_hs:
                values["sku"] = same_hs[0].sku
        if "sku" not in values and len(self.listings) == 1:
            values["sku"] = self.listings[0].sku
        return values


def check_may_enquire(*, session: Session) -> None:
    """Raise unless the acting user may post a request (the form is refused before it is
    shown, not only when it is sent)."""
    authorize(session, Permission.POST_REQUEST)


def _capacity_offer(session: Session, offer_id: int) -> CapacityOffer:
    """An offer, to whoever may search free capacity (an enterprise: its own)."""
    actor = current_actor(session)
    offer = session.get(CapacityOffer, offer_id)
    if offer is None:
        raise NotFound(f"Capacity offer {offer_id} not found")
    if not (actor.role is Role.ENTERPRISE and offer.enterprise_id in actor.enterprise_ids):
        authorize(session, Permission.SEARCH_CAPACITY)
    return offer


def enquiry_subject(
    *, session: Session, product_id: int | None = None, enterprise_id: int | None = None,
    offer_id: int | None = None,
) -> EnquirySubject:
    """What the enquiry form is about, from a product, an enterprise or a capacity offer."""
    product = offer = None
    if product_id is not None:
        product = session.get(Product, product_id)
        if product is None:
            raise NotFound(f"Product {product_id} not found")
        enterprise_id = product.enterprise_id
    elif offer_id is not None:
        offer = _capacity_offer(session, offer_id)
        enterprise_id = offer.enterprise_id
    if enterprise_id is None:
        raise InvalidInput("say which product or enterprise the enquiry is about",
                           field="enterprise_id")
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(f"Enterprise {enterprise_id} not found")
    listings = list(session.scalars(
        select(Product).where(Product.enterprise_id == enterprise.id).order_by(Product.title)))
    return EnquirySubject(enterprise=enterprise, listings=listings, product=product,
                          offer=offer)


def enquire(
    *, session: Session, index: ListingIndex, data: schemas.RequestCreate, enterprise_id: int,
    sku: str, enquiries_per_day: int | None = None,
) -> Enquiry:
    """Post the buyer's request and send its enquiry about listing ``sku`` of enterprise
    ``enterprise_id``; refused whole when either is refused."""
    check_may_enquire(session=session)
    product = session.scalars(select(Product).where(Product.sku == sku)).first()
    if product is None or product.enterprise_id != enterprise_id:
        raise InvalidInput(f"choose a product of this enterprise, not {sku!r}", field="sku",
                           code="enquiry.other_listing", params={"sku": sku})
    request = service.create_request(session=session, index=index, data=data)
    return service.shortlist(session=session, request_id=request.id, sku=sku, send=True,
                             index=index, enquiries_per_day=enquiries_per_day)


def record_met_request(
    *, session: Session, index: ListingIndex, data: schemas.RequestCreate, organisation: str,
    enterprise_id: int,
) -> BuyerRequest:
    """A request a buyer without an account made in person (a lead met at a fair) to
    ``enterprise_id``, recorded by that enterprise's members or its base's administrators
    (``Permission.RECORD_MET_REQUEST``): the request of the buyer's ``organisation`` — no buyer
    account; a buyer of that organisation who joins later acts for it — and its enquiry, sent
    to the enterprise at once (origin ``met``), so the enterprise quotes it and its base sees
    it like any other request sent to it."""
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(f"Enterprise {enterprise_id} not found", field="enterprise_id")
    authorize(session, Permission.RECORD_MET_REQUEST, base_id=enterprise.base_id,
              enterprise_id=enterprise.id)
    rules.check_future("quote_deadline", data.quote_deadline)
    rules.check_future("expires_on", data.expires_on)
    analysis = index.current(session.connection()).analyse(data.text)
    request = BuyerRequest(
        buyer_id=None, organisation=organisation, text=data.text,
        language=analysis.language, quantity=data.quantity, unit=data.unit,
        destination=data.destination, wanted_by=data.wanted_by,
        max_lead_time_days=data.max_lead_time_days, certifications=list(data.certifications),
        target_price=data.target_price, currency=data.currency, hs_code=data.hs_code,
        hs_proposed=analysis.hs.code,
        **data.model_dump(include=set(schemas.RequestTerms.model_fields)),
    )
    request.enquiries.append(Enquiry(
        enterprise_id=enterprise.id, skus=[], reasons=[], reason_codes=[],
        status=EnquiryStatus.SENT, origin=EnquiryOrigin.MET, sent_at=datetime.now(UTC)))
    session.add(request)
    session.flush()
    notices.enquiry_sent(session=session, enquiry=request.enquiries[0])
    return request


__all__ = ["EnquirySubject", "check_may_enquire", "enquire", "enquiry_subject",
           "record_met_request"]
