"""Open requests (issue 9): a published request reaches exactly the enterprises whose listings
match it — the same engine and constraints as the request page — and the caps hold."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.integration.docking.rfq_support import build_catalog, post_request
from tradebase.accounts.guard import set_actor
from tradebase.docking import rfq
from tradebase.docking import service as docking
from tradebase.errors import Forbidden, NotFound, RateLimited


def test_an_open_request_reaches_exactly_the_matching_enterprises(session: Session) -> None:
    catalog = build_catalog(session)
    request = post_request(session, catalog)
    expected = {catalog.works["A"], catalog.works["B"]}
    shown = docking.match_request(session=session, index=catalog.index, request_id=request.id,
                                  top_k=rfq.OPEN_REACH)
    assert {c.enterprise_id for c in shown} == expected  # what the request page shows

    reached = rfq.publish_open_request(session=session, index=catalog.index,
                                       request_id=request.id, per_day=5)

    assert {e.enterprise_id for e in reached} == expected
    by_works = {e.enterprise_id: e for e in reached}
    assert sorted(by_works[catalog.works["B"]].skus) == ["RFQ-B-1", "RFQ-B-2"]
    assert by_works[catalog.works["A"]].skus == ["RFQ-A-1"]
    assert {e.origin for e in reached} == {"open"}
    assert {e.status for e in reached} == {"sent"}
    assert request.published_at is not None
    assert [c.kind for c in request.changes] == ["published"]
    # In the inbox of A and B; C, D and E do not even see the request.
    for name in ("A", "B"):
        set_actor(session, catalog.member(name))
        assert [e.request_id for e in docking.list_enquiries(session=session)] == [request.id]
    for name in ("C", "D", "E"):
        set_actor(session, catalog.member(name))
        assert docking.list_enquiries(session=session) == []
        with pytest.raises(NotFound):
            docking.get_request(session=session, request_id=request.id)


def test_publishing_keeps_an_enquiry_already_sent(session: Session) -> None:
    catalog = build_catalog(session)
    request = post_request(session, catalog)
    chosen = docking.shortlist(session=session, request_id=request.id, sku="RFQ-B-2", send=True)
    reached = rfq.publish_open_request(session=session, index=catalog.index,
                                       request_id=request.id, per_day=5)
    assert chosen in reached
    assert chosen.origin == "chosen"
    assert chosen.skus == ["RFQ-B-2", "RFQ-B-1"]
    assert len(request.enquiries) == 2


def test_open_requests_and_enquiries_per_day_are_capped(session: Session) -> None:
    catalog = build_catalog(session)
    first, second = post_request(session, catalog), post_request(session, catalog)
    rfq.publish_open_request(session=session, index=catalog.index, request_id=first.id,
                             per_day=1)
    with pytest.raises(RateLimited) as refused:
        rfq.publish_open_request(session=session, index=catalog.index, request_id=second.id,
                                 per_day=1)
    assert refused.value.code == "rfq.open_request_cap"
    assert 0 < refused.value.retry_after <= 24 * 3600 + 1
    docking.shortlist(session=session, request_id=second.id, sku="RFQ-A-1", send=True,
                      enquiries_per_day=1)
    with pytest.raises(RateLimited) as capped:
        docking.shortlist(session=session, request_id=second.id, sku="RFQ-B-1", send=True,
                          enquiries_per_day=1)
    assert capped.value.code == "rfq.enquiry_cap"


def test_a_suspended_buyer_posts_and_publishes_nothing(session: Session) -> None:
    catalog = build_catalog(session)
    request = post_request(session, catalog)
    rfq.publish_open_request(session=session, index=catalog.index, request_id=request.id)
    set_actor(session, catalog.member("A"))
    report = rfq.report_request(session=session, request_id=request.id, reason="spam")
    assert report.enterprise_id == catalog.works["A"]
    assert rfq.report_request(session=session, request_id=request.id).id == report.id
    with pytest.raises(Forbidden):
        rfq.hide_request(session=session, request_id=request.id)

    set_actor(session, catalog.bureau)
    assert [r.reason for r in rfq.reports_of(session=session, request=request)] == ["spam"]
    rfq.hide_request(session=session, request_id=request.id)
    rfq.suspend_author(session=session, request_id=request.id, reason="spam")
    assert request.hidden_at is not None
    # Hidden: gone from the factories' inboxes; its moderators still see it.
    set_actor(session, catalog.member("A"))
    assert docking.list_enquiries(session=session) == []
    with pytest.raises(NotFound):
        docking.get_request(session=session, request_id=request.id)
    set_actor(session, catalog.bureau)
    assert docking.get_request(session=session, request_id=request.id) is request
    with pytest.raises(Forbidden) as suspended:
        post_request(session, catalog)
    assert suspended.value.code == "rfq.suspended"
