"""The docking workflow through the API, and who sees what of a buyer's request (issue 3)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import auth
from tradebase.accounts import service as accounts
from tradebase.accounts.roles import Role
from tradebase.registry.models import Base, Enterprise, Product
from tradebase.settings import Settings

SWEDISH = ("Vi söker 2 000 rottingstolar för uteservering, FSC-certifierade, leverans inom "
           "60 dagar till Sverige")


def _token(session: Session, email: str, role: Role, **extra: Any) -> str:
    user = accounts.create_user(session=session, email=email, password="long enough pass 1",
                                role=role, **extra)
    token, _ = accounts.issue_token(session=session, user=user, settings=Settings())
    session.flush()  # seen by the app's sessions on the same connection; rolled back after
    return token


@pytest.fixture
def outsiders(session: Session) -> dict[str, str]:
    """A member of another Anxi enterprise, a buyer of another organisation, and a colleague
    of the seeded buyer."""
    anxi = session.scalars(select(Base).where(Base.key == "anxi")).one()
    second = session.scalars(
        select(Enterprise).where(Enterprise.base_id == anxi.id).order_by(Enterprise.id)
        .offset(1)
    ).first()
    assert second is not None
    return {
        "other_enterprise": _token(session, "other-works@example.com", Role.ENTERPRISE,
                                   enterprise_ids=[second.id]),
        "other_buyer": _token(session, "other-buyer@example.com", Role.BUYER,
                              organisation="Iberia Muebles SL"),
        "colleague": _token(session, "colleague@example.com", Role.BUYER,
                            organisation="Nordic Home AB"),
    }


def _first_enterprise(session: Session) -> Enterprise:
    anxi = session.scalars(select(Base).where(Base.key == "anxi")).one()
    first = session.scalars(
        select(Enterprise).where(Enterprise.base_id == anxi.id).order_by(Enterprise.id)
    ).first()
    assert first is not None
    return first


def _rattan_listing(session: Session, client: TestClient, tokens: dict[str, str]) -> str:
    """An FSC rattan chair of Anxi's first enterprise, able to make 2,000 in 60 days."""
    enterprise = _first_enterprise(session)
    made = client.post("/api/v1/products", headers=auth(tokens["enterprise"]), json={
        "sku": "WF-RATTAN-1", "enterprise_id": enterprise.id,
        "title": "Rattan dining chair for outdoor cafes", "titles": {"zh": "户外藤编餐椅"},
        "hs_code": "940153", "moq": 100, "monthly_capacity": 2000, "lead_time_days": 30,
        "certifications": ["FSC"],
    })
    assert made.status_code == 201, made.text
    return "WF-RATTAN-1"


def test_a_request_from_posting_to_delivery(
    client: TestClient, session: Session, tokens: dict[str, str], outsiders: dict[str, str]
) -> None:
    sku = _rattan_listing(session, client, tokens)
    buyer, works, bureau = auth(tokens["buyer"]), auth(tokens["enterprise"]), auth(
        tokens["base_admin"])

    posted = client.post("/api/v1/docking/requests", headers=buyer, json={
        "text": SWEDISH, "quantity": 2000, "unit": "pcs", "destination": "se",
        "max_lead_time_days": 60, "certifications": ["FSC"], "target_price": 30,
        "currency": "eur",
    })
    assert posted.status_code == 201, posted.text
    request = posted.json()
    assert request["language"] == "sv"
    assert request["hs_proposed"]
    assert request["hs_proposed"].startswith("9401")
    assert request["destination"] == "SE"
    assert request["currency"] == "EUR"
    rid = request["id"]

    assert client.post(f"/api/v1/docking/requests/{rid}/hs", headers=buyer,
                       json={"hs_code": "940153"}).json()["hs_code"] == "940153"
    matches = client.get(f"/api/v1/docking/requests/{rid}/matches", headers=buyer).json()
    top = next(m for m in matches if m["sku"] == sku)
    assert "FSC ✓" in top["reasons"]
    assert top["enterprise_id"] == _first_enterprise(session).id
    assert not top["needs_split"]

    # Shortlisted only: to the enterprise and its base administrator it does not exist yet.
    shortlisted = client.post(f"/api/v1/docking/requests/{rid}/enquiries", headers=buyer,
                              json={"sku": sku})
    assert shortlisted.status_code == 201
    assert shortlisted.json()["status"] == "shortlisted"
    eid = shortlisted.json()["id"]
    assert client.get(f"/api/v1/docking/requests/{rid}", headers=works).status_code == 404
    assert client.get(f"/api/v1/docking/requests/{rid}", headers=bureau).status_code == 404
    assert client.get("/api/v1/docking/enquiries", headers=works).json() == []

    assert client.post(f"/api/v1/docking/enquiries/{eid}/send", headers=buyer
                       ).json()["status"] == "sent"
    # Sent: the buyer (and its organisation), the enterprise, its base administrators and
    # platform administrators see it; nobody else does.
    for who in (buyer, works, bureau, auth(tokens["admin"]), auth(outsiders["colleague"])):
        seen = client.get(f"/api/v1/docking/requests/{rid}", headers=who)
        assert seen.status_code == 200, seen.text
        assert seen.json()["target_price"] == 30
    for who in ("other_enterprise", "other_buyer"):
        assert client.get(f"/api/v1/docking/requests/{rid}",
                          headers=auth(outsiders[who])).status_code == 404
        assert client.get(f"/api/v1/docking/enquiries/{eid}",
                          headers=auth(outsiders[who])).status_code == 404
        assert rid not in [r["id"] for r in client.get(
            "/api/v1/docking/requests", headers=auth(outsiders[who])).json()]
    assert client.get(f"/api/v1/docking/requests/{rid}",
                      headers=auth(tokens["officer"])).status_code == 404
    assert client.get(f"/api/v1/docking/requests/{rid}").status_code == 401
    # Matching shows the buyer candidates; it shows nothing of the buyer to them.
    assert client.get(f"/api/v1/docking/requests/{rid}/matches",
                      headers=works).status_code == 403
    assert [e["id"] for e in client.get("/api/v1/docking/enquiries", headers=works).json()] \
        == [eid]

    # Only the enterprise answers.
    quote = {"price": 27.5, "currency": "EUR", "lead_time_days": 45, "note": "FSC rattan"}
    assert client.post(f"/api/v1/docking/enquiries/{eid}/answer", headers=buyer,
                       json=quote).status_code == 403
    assert client.post(f"/api/v1/docking/enquiries/{eid}/answer",
                       headers=auth(outsiders["other_enterprise"]), json=quote
                       ).status_code == 404
    answered = client.post(f"/api/v1/docking/enquiries/{eid}/answer", headers=works, json=quote)
    assert answered.json()["status"] == "answered"
    assert answered.json()["quote_price"] == 27.5

    # The enterprise proposes an intention; it may not accept its own; the buyer accepts.
    proposed = client.post(f"/api/v1/docking/enquiries/{eid}/intentions", headers=works, json={
        "quantity": 2000, "value": 55000, "currency": "EUR", "start_date": "2027-01-10",
        "delivery_date": "2027-03-01",
    })
    assert proposed.status_code == 201
    assert proposed.json()["proposed_by"] == "enterprise"
    iid = proposed.json()["id"]
    assert client.post(f"/api/v1/docking/intentions/{iid}/accept", headers=works
                       ).status_code == 403
    accepted = client.post(f"/api/v1/docking/intentions/{iid}/accept", headers=buyer)
    assert accepted.status_code == 200
    order = accepted.json()["order"]
    assert accepted.json()["status"] == "accepted"
    assert order["status"] == "contract_signed"
    assert client.post(f"/api/v1/docking/intentions/{iid}/accept", headers=buyer
                       ).status_code == 409  # signed already

    # The order moves on; it may not skip back.
    for status, who in (("in_production", works), ("shipped", works), ("delivered", buyer)):
        moved = client.patch(f"/api/v1/docking/orders/{order['id']}", headers=who,
                             json={"status": status})
        assert moved.status_code == 200
        assert moved.json()["status"] == status
    assert client.patch(f"/api/v1/docking/orders/{order['id']}", headers=works,
                        json={"status": "cancelled"}).status_code == 409

    anxi = session.scalars(select(Base).where(Base.key == "anxi")).one()
    board = client.get(f"/api/v1/docking/bases/{anxi.id}/dashboard", headers=bureau).json()
    assert board["intentions"] == 1
    assert board["value"] == {"EUR": 55000}
    assert board["contracts"] == board["in_production"] == board["shipped"] == 1
    assert board["delivered"] == 1
    assert board["quantity"] == 2000


def test_the_footwear_dashboard_shows_the_published_event(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    footwear = session.scalars(
        select(Base).where(Base.key == "putian_quanzhou_footwear")
    ).one()
    board = client.get(f"/api/v1/docking/bases/{footwear.id}/dashboard",
                       headers=auth(tokens["officer"]))
    assert board.status_code == 200
    published = {f["metric"]: f["value"] for f in board.json()["published"]}
    assert published == {"docking_intention_companies": 6,
                         "docking_intention_quantity": 6_500_000,
                         "docking_intention_value": 300_000_000}
    assert client.get(f"/api/v1/docking/bases/{footwear.id}/dashboard",
                      headers=auth(tokens["base_admin"])).status_code == 403


def test_a_declined_enquiry_takes_no_intention(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    sku = _rattan_listing(session, client, tokens)
    buyer, works = auth(tokens["buyer"]), auth(tokens["enterprise"])
    rid = client.post("/api/v1/docking/requests", headers=buyer,
                      json={"text": "rattan chairs", "quantity": 300}).json()["id"]
    eid = client.post(f"/api/v1/docking/requests/{rid}/enquiries", headers=buyer,
                      json={"sku": sku, "send": True}).json()["id"]
    assert client.post(f"/api/v1/docking/enquiries/{eid}/decline", headers=works,
                       json={"note": "booked until June"}).json()["status"] == "declined"
    refused = client.post(f"/api/v1/docking/enquiries/{eid}/intentions", headers=buyer,
                          json={"quantity": 300, "value": 9000, "currency": "EUR"})
    assert refused.status_code == 409
    assert "error" in refused.json()
    unknown = client.post(f"/api/v1/docking/requests/{rid}/enquiries", headers=buyer,
                          json={"sku": "NO-SUCH-SKU"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "sku"


def test_capacity_offers_are_for_buyers_not_competitors(
    client: TestClient, session: Session, tokens: dict[str, str], outsiders: dict[str, str]
) -> None:
    enterprise = _first_enterprise(session)
    offer = client.post("/api/v1/docking/capacity", headers=auth(tokens["enterprise"]), json={
        "enterprise_id": enterprise.id, "hs_code": "940153", "month": "2027-04",
        "free_capacity": 8000, "product": "rattan chairs",
    })
    assert offer.status_code == 201, offer.text
    found = client.get("/api/v1/docking/capacity", headers=auth(tokens["buyer"]),
                       params={"hs_code": "9401", "month_from": "2027-01", "min_capacity": 5000})
    assert [o["id"] for o in found.json()] == [offer.json()["id"]]
    assert found.json()[0]["enterprise_name"] == enterprise.display_name
    assert client.get("/api/v1/docking/capacity",
                      headers=auth(outsiders["other_enterprise"])).json() == []
    other = session.scalars(select(Product.enterprise_id).where(
        Product.enterprise_id != enterprise.id)).first()
    assert client.post("/api/v1/docking/capacity", headers=auth(tokens["enterprise"]), json={
        "enterprise_id": other, "hs_code": "940153", "month": "2027-04", "free_capacity": 1,
    }).status_code == 403
