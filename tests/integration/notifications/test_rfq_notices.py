"""The steps of a request for quotation told to the factories it went to, once each: an open
request published, edited, closed or withdrawn, a quote accepted (the other quoters learn
only that it went elsewhere); the buyer's own steps never land in its own inbox."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.docking.rfq_support import Catalog, build_catalog, post_request
from tradebase.accounts import service as accounts
from tradebase.accounts.guard import set_actor
from tradebase.accounts.policy import Actor
from tradebase.accounts.roles import Role
from tradebase.docking import rfq
from tradebase.docking import service as docking
from tradebase.docking.rfq_schemas import RequestEdit
from tradebase.docking.schemas import EnquiryAnswer
from tradebase.notifications.models import Notification
from tradebase.web.i18n import get_translations
from tradebase.web.pages.inbox import describe


def _members(session: Session, catalog: Catalog) -> dict[str, int]:
    """One member user for each works (A, B and C; C's listing misses the certification)."""
    return {name: accounts.create_user(
        session=session, email=f"works-{name.lower()}@rfq.example", password="long enough 1",
        role=Role.ENTERPRISE, enterprise_ids=[catalog.works[name]]).id for name in "ABC"}


def _inbox(session: Session, user_id: int) -> list[tuple[str, dict[str, object]]]:
    return [(n.kind, dict(n.params)) for n in session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))]


def _as_member(catalog: Catalog, name: str, user_id: int) -> Actor:
    return Actor(label=name, role=Role.ENTERPRISE, user_id=user_id,
                 enterprise_ids=frozenset({catalog.works[name]}))


def test_each_step_of_a_request_is_told_once_to_the_factories_it_reached(
    session: Session,
) -> None:
    catalog = build_catalog(session)
    members = _members(session, catalog)
    request = post_request(session, catalog)
    reached = rfq.publish_open_request(session=session, index=catalog.index,
                                       request_id=request.id)
    enquiry = {next(k for k, v in catalog.works.items() if v == e.enterprise_id): e.id
               for e in reached}
    assert sorted(enquiry) == ["A", "B"]
    assert [k for k, _ in _inbox(session, members["A"])] == ["request_matched"]
    assert _inbox(session, members["C"]) == []  # not reached, not told
    assert _inbox(session, catalog.buyer.id) == []  # its own step

    set_actor(session, catalog.buyer_actor)
    rfq.edit_request(session=session, request_id=request.id, data=RequestEdit(quantity=300))
    for name in "AB":
        kind, params = _inbox(session, members[name])[-1]
        assert (kind, params["change"], params["enquiry_id"]) == (
            "request_changed", "edited", enquiry[name])

    for name, price in (("A", 410), ("B", 455)):
        set_actor(session, _as_member(catalog, name, members[name]))
        docking.answer_enquiry(session=session, enquiry_id=enquiry[name], data=EnquiryAnswer(
            price=price, currency="EUR", lead_time_days=30))
    set_actor(session, catalog.buyer_actor)
    rfq.close_request(session=session, request_id=request.id)
    rfq.accept_quote(session=session, enquiry_id=enquiry["B"])

    kinds_a = [(k, p.get("change")) for k, p in _inbox(session, members["A"])]
    kinds_b = [(k, p.get("change")) for k, p in _inbox(session, members["B"])]
    assert kinds_a == [("request_matched", None), ("request_changed", "edited"),
                       ("request_changed", "closed"), ("request_changed", "awarded")]
    assert kinds_b == [("request_matched", None), ("request_changed", "edited"),
                       ("request_changed", "closed"), ("quote_accepted", None)]
    assert [k for k, _ in _inbox(session, catalog.buyer.id)] == [
        "enquiry_answered", "enquiry_answered"]  # the two quotes; nothing of its own steps

    _, awarded = _inbox(session, members["A"])[-1]
    assert "RFQ Works B" not in str(awarded)  # the loser is not told who won
    zh = get_translations("zh").gettext
    _, accepted = _inbox(session, members["B"])[-1]
    assert describe("quote_accepted", accepted, "zh", zh) == (
        f"买家接受了询价工厂B对采购需求 {request.id} 的报价：455 EUR")
    assert "went to another factory" in describe(
        "request_changed", awarded, "en", get_translations("en").gettext)


def test_withdrawing_tells_the_factories_and_a_shortlist_nobody(session: Session) -> None:
    catalog = build_catalog(session)
    members = _members(session, catalog)
    request = post_request(session, catalog)
    set_actor(session, catalog.buyer_actor)
    docking.shortlist(session=session, request_id=request.id, sku="RFQ-A-1", send=True)
    docking.shortlist(session=session, request_id=request.id, sku="RFQ-B-1")  # not sent
    rfq.withdraw_request(session=session, request_id=request.id)
    assert [(k, p.get("change")) for k, p in _inbox(session, members["A"])] == [
        ("enquiry_received", None), ("request_changed", "withdrawn")]
    assert _inbox(session, members["B"]) == []
