"""Capacity docking from docking: a buyer splits a request over the matched factories."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise, auth
from tradebase.docking.models import BuyerRequest, Enquiry
from tradebase.docking.records import MatchResult
from tradebase.docking.service import Candidate
from tradebase.errors import InvalidInput
from tradebase.registry.models import Product
from tradebase.web.pages.docking_split import split_over_matches


def _candidate(sku: str, enterprise_id: int, product_id: int) -> Candidate:
    return Candidate(MatchResult(sku=sku, enterprise=f"Works {enterprise_id}", score=1.0,
                                 reasons=()), enterprise_id, product_id)


def test_listings_become_factories_and_quotes_beat_the_target_price() -> None:
    request = BuyerRequest(id=7, text="chairs", quantity=3000, max_lead_time_days=30,
                           target_price=30.0, certifications=[])
    products = {1: Product(id=1, sku="A", monthly_capacity=1500, lead_time_days=0, moq=0),
                2: Product(id=2, sku="B", monthly_capacity=3000, lead_time_days=10, moq=500),
                3: Product(id=3, sku="C", monthly_capacity=None)}
    enquiries = [Enquiry(enterprise_id=11, quote_price=25.0, reasons=[])]
    plan = split_over_matches(
        request, [_candidate("A", 11, 1), _candidate("B", 12, 2), _candidate("C", 13, 3)],
        products, enquiries, today=date(2027, 1, 1), time_limit=10,
    )
    assert plan.due_days == 30
    assert plan.due_source == "max_lead_time"
    assert plan.cost_sources == {"A": "quote", "B": "target_price"}
    assert plan.skipped == ["C"]
    shares = {s.factory: s.quantity for s in plan.result.shares}
    assert shares == {"A": 1500, "B": 1500}  # A makes 50 a day for 30 days; B 100 for 20
    assert plan.result.total_cost == pytest.approx(1500 * 25 + 1500 * 30)
    assert all(s.reason for s in plan.result.shares)


def test_a_request_without_quantity_cannot_be_split() -> None:
    with pytest.raises(InvalidInput):
        split_over_matches(BuyerRequest(id=1, text="x", quantity=None, certifications=[]),
                           [], {}, [], today=date(2027, 1, 1), time_limit=1)


def test_the_buyer_opens_the_split_page(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    _, first = anxi_and_member_enterprise(session)
    made = client.post("/api/v1/products", headers=auth(tokens["enterprise"]), json={
        "sku": "SPLIT-RATTAN-1", "enterprise_id": first.id,
        "title": "Rattan dining chair for outdoor cafes", "hs_code": "940153",
        "monthly_capacity": 600, "lead_time_days": 5,
    })
    assert made.status_code == 201, made.text
    posted = client.post("/api/v1/docking/requests", headers=auth(tokens["buyer"]), json={
        "text": "Rattan dining chairs for outdoor cafes", "quantity": 2000,
        "max_lead_time_days": 60, "target_price": 30, "currency": "EUR",
    })
    rid = posted.json()["id"]
    page = client.get(f"/docking/requests/{rid}", headers=auth(tokens["buyer"]))
    assert f'href="/docking/requests/{rid}/split"' in page.text
    split = client.get(f"/docking/requests/{rid}/split", headers=auth(tokens["buyer"]))
    assert split.status_code == 200, split.text
    assert 'id="split-explanation"' in split.text
    assert "SPLIT-RATTAN-1" in split.text
    assert client.get(f"/docking/requests/{rid}/split",
                      headers=auth(tokens["enterprise"])).status_code in (403, 404)
