"""Quotes of a request for quotation (issue 9): the terms a factory quotes on, the buyer's
comparison (sortable, landed where the Incoterm allows it), shortlisting and acceptance, the
buyer's anonymity until then, and edits, closing and withdrawal told to the factories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from tests.integration.docking.rfq_support import Catalog, build_catalog, post_request
from tradebase.accounts.guard import set_actor
from tradebase.docking import rfq
from tradebase.docking import service as docking
from tradebase.docking.models import BuyerRequest
from tradebase.docking.rfq_schemas import RequestEdit
from tradebase.docking.schemas import EnquiryAnswer
from tradebase.errors import Conflict, Forbidden, InvalidInput


def _published(session: Session, **terms: object) -> tuple[Catalog, BuyerRequest, dict[str, int]]:
    catalog = build_catalog(session)
    request = post_request(session, catalog, **terms)
    reached = rfq.publish_open_request(session=session, index=catalog.index,
                                       request_id=request.id)
    names = {v: k for k, v in catalog.works.items()}
    return catalog, request, {names[e.enterprise_id]: e.id for e in reached}


def _quote(session: Session, catalog: Catalog, name: str, enquiry_id: int, **quote: object
           ) -> None:
    set_actor(session, catalog.member(name))
    docking.answer_enquiry(session=session, enquiry_id=enquiry_id,
                           data=EnquiryAnswer.model_validate(quote))


def test_quotes_compared_side_by_side(session: Session) -> None:
    catalog, request, enquiries = _published(session, incoterm="DDP", incoterm_place="Hamburg")
    soon = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    _quote(session, catalog, "A", enquiries["A"], price=410, currency="EUR", lead_time_days=45,
           incoterm="fob", moq=50, valid_until=soon, note="Shanghai port")
    _quote(session, catalog, "B", enquiries["B"], price=455, currency="EUR", lead_time_days=30,
           incoterm="DDP", moq=20, sku="RFQ-B-2")
    set_actor(session, catalog.buyer_actor)

    rows = rfq.compare_quotes(session=session, request_id=request.id)
    assert [r.enquiry_id for r in rows] == [enquiries["A"], enquiries["B"]]  # cheapest first
    by_works = {r.enquiry_id: r for r in rows}
    a, b = by_works[enquiries["A"]], by_works[enquiries["B"]]
    assert (a.incoterm, a.moq, a.note) == ("FOB", 50, "Shanghai port")
    assert a.landed is None  # FOB leaves main carriage and import to the buyer
    assert b.landed == 455
    assert b.landed_basis == "landed"
    landed = rfq.compare_quotes(session=session, request_id=request.id, sort="landed")
    assert [r.enquiry_id for r in landed] == [enquiries["B"], enquiries["A"]]  # none last
    by_lead = rfq.compare_quotes(session=session, request_id=request.id, sort="lead_time_days")
    assert [r.lead_time_days for r in by_lead] == [30, 45]
    by_price_down = rfq.compare_quotes(session=session, request_id=request.id, sort="price",
                                       descending=True)
    assert [r.price for r in by_price_down] == [455, 410]

    # Only the buyer compares; an enterprise does not see the others' quotes.
    set_actor(session, catalog.member("A"))
    with pytest.raises(Forbidden):
        rfq.compare_quotes(session=session, request_id=request.id)

    set_actor(session, catalog.buyer_actor)
    assert rfq.shortlist_quote(session=session, enquiry_id=enquiries["A"]).quote_shortlisted
    assert [r.shortlisted for r in rfq.compare_quotes(session=session, request_id=request.id)
            ] == [True, False]


def test_the_buyer_stays_anonymous_until_it_accepts(session: Session) -> None:
    catalog, request, enquiries = _published(session, anonymous_until_accepted=True)
    for name in ("A", "B"):
        _quote(session, catalog, name, enquiries[name], price=400, currency="USD",
               lead_time_days=40)
    for name in ("A", "B"):
        set_actor(session, catalog.member(name))
        assert not rfq.buyer_named(session=session, request=request)
    set_actor(session, catalog.buyer_actor)
    assert rfq.buyer_named(session=session, request=request)
    accepted = rfq.accept_quote(session=session, enquiry_id=enquiries["B"])
    assert accepted.accepted_at is not None
    assert request.status == "awarded"
    set_actor(session, catalog.member("B"))
    assert rfq.buyer_named(session=session, request=request)
    set_actor(session, catalog.member("A"))
    assert not rfq.buyer_named(session=session, request=request)
    with pytest.raises(Conflict):  # awarded: no more quotes
        docking.answer_enquiry(session=session, enquiry_id=enquiries["A"], data=EnquiryAnswer(
            price=1, currency="USD", lead_time_days=1))


def test_edit_close_and_withdraw_are_told_to_the_factories(session: Session) -> None:
    catalog, request, enquiries = _published(session)
    set_actor(session, catalog.buyer_actor)
    rfq.edit_request(session=session, request_id=request.id, data=RequestEdit(
        quantity=300, payment_terms="lc_sight", packaging="pallet", unit="pcs"))
    assert request.quantity == 300
    assert request.changes[-1].kind == "edited"
    assert request.changes[-1].fields == ["packaging", "payment_terms", "quantity"]
    past = datetime.now(UTC).date() - timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        rfq.edit_request(session=session, request_id=request.id,
                         data=RequestEdit(quote_deadline=past))
    assert refused.value.code == "rfq.date_past"

    set_actor(session, catalog.member("A"))
    seen = docking.get_request(session=session, request_id=request.id)
    assert [c.kind for c in seen.changes] == ["published", "edited"]
    with pytest.raises(Forbidden):  # only the buyer changes it
        rfq.close_request(session=session, request_id=request.id)

    set_actor(session, catalog.buyer_actor)
    rfq.close_request(session=session, request_id=request.id)
    assert request.status == "closed"
    with pytest.raises(Conflict) as closed:
        _quote(session, catalog, "A", enquiries["A"], price=1, currency="EUR",
               lead_time_days=5)
    assert closed.value.code == "rfq.not_open"
    set_actor(session, catalog.buyer_actor)
    with pytest.raises(Conflict):
        rfq.withdraw_request(session=session, request_id=request.id)


def test_a_withdrawn_request_takes_no_quote_and_no_edit(session: Session) -> None:
    catalog, request, enquiries = _published(session)
    set_actor(session, catalog.buyer_actor)
    rfq.withdraw_request(session=session, request_id=request.id)
    assert [c.kind for c in request.changes] == ["published", "withdrawn"]
    with pytest.raises(Conflict):
        rfq.edit_request(session=session, request_id=request.id, data=RequestEdit(quantity=2))
    with pytest.raises(Conflict):
        _quote(session, catalog, "B", enquiries["B"], price=1, currency="EUR",
               lead_time_days=5)


def test_a_quote_names_a_listing_the_enquiry_asks_about(session: Session) -> None:
    catalog, _request, enquiries = _published(session)
    with pytest.raises(InvalidInput) as refused:
        _quote(session, catalog, "A", enquiries["A"], price=1, currency="EUR",
               lead_time_days=5, sku="RFQ-B-1")
    assert refused.value.code == "rfq.sku_not_asked"
