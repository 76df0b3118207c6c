"""Competing factories never read each other's quotes (issue 8, defect 1).

A buyer's request is sent to a factory of Anxi and to a factory of another base; both quote.
The buyer sees both quotes; each factory (and its base administrator) sees only its own, on
the request's API and on its page; nobody else sees the request at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise, auth
from tradebase.accounts import service as accounts
from tradebase.accounts.models import User
from tradebase.accounts.roles import Role
from tradebase.docking.models import BuyerRequest, Enquiry
from tradebase.registry.models import Enterprise
from tradebase.settings import Settings

OWN_PRICE, OWN_NOTE = 21.75, "own-quote-note-aq"
RIVAL_PRICE, RIVAL_NOTE = 613.37, "rival-quote-note-xq"


@dataclass
class Quoted:
    request_id: int
    own: Enquiry  # to the seeded enterprise member's factory (Anxi)
    rival: Enquiry  # to a factory of another base
    rival_token: str  # a member of the rival factory


def _quoted(session: Session) -> Quoted:
    anxi, own_works = anxi_and_member_enterprise(session)
    rival_works = session.scalars(select(Enterprise).where(Enterprise.base_id != anxi.id)
                                  .order_by(Enterprise.id)).first()
    assert rival_works is not None
    buyer = session.scalars(select(User).where(User.email == "buyer@example.com")).one()
    request = BuyerRequest(buyer_id=buyer.id, organisation=buyer.organisation,
                           text="rattan lounge chairs", quantity=800, certifications=[])
    own = Enquiry(request=request, enterprise_id=own_works.id, status="answered", reasons=[],
                  quote_price=OWN_PRICE, quote_currency="EUR", quote_lead_time_days=30,
                  answer_note=OWN_NOTE)
    rival = Enquiry(request=request, enterprise_id=rival_works.id, status="answered",
                    reasons=[], quote_price=RIVAL_PRICE, quote_currency="EUR",
                    quote_lead_time_days=44, answer_note=RIVAL_NOTE)
    member = accounts.create_user(session=session, email="rival-works@example.com",
                                  password="long enough pass 1", role=Role.ENTERPRISE,
                                  enterprise_ids=[rival_works.id])
    token, _ = accounts.issue_token(session=session, user=member, settings=Settings())
    session.add_all([request, own, rival])
    session.flush()
    return Quoted(request.id, own, rival, token)


def test_an_enterprise_reads_only_its_own_quote_in_the_api(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    quoted = _quoted(session)
    url = f"/api/v1/docking/requests/{quoted.request_id}"
    for who, own, other in ((auth(tokens["enterprise"]), quoted.own, quoted.rival),
                            (auth(quoted.rival_token), quoted.rival, quoted.own)):
        response = client.get(url, headers=who)
        assert response.status_code == 200
        enquiries = response.json()["enquiries"]
        assert [e["id"] for e in enquiries] == [own.id]
        assert enquiries[0]["quote_price"] == own.quote_price
        assert str(other.quote_price) not in response.text
        assert other.answer_note not in response.text
        # ... and the competitor's enquiry itself does not exist for it
        assert client.get(f"/api/v1/docking/enquiries/{other.id}", headers=who
                          ).status_code == 404


def test_the_buyer_and_the_base_administrator(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    quoted = _quoted(session)
    url = f"/api/v1/docking/requests/{quoted.request_id}"
    seen = client.get(url, headers=auth(tokens["buyer"])).json()["enquiries"]
    assert {e["quote_price"] for e in seen} == {OWN_PRICE, RIVAL_PRICE}
    # Anxi's administrator oversees Anxi's factory, not the other base's
    bureau = client.get(url, headers=auth(tokens["base_admin"]))
    assert [e["id"] for e in bureau.json()["enquiries"]] == [quoted.own.id]
    assert RIVAL_NOTE not in bureau.text
    for who in ("officer",):
        assert client.get(url, headers=auth(tokens[who])).status_code == 404


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_request_page_shows_an_enterprise_only_its_own_quote(
    client: TestClient, session: Session, tokens: dict[str, str], lang: str
) -> None:
    quoted = _quoted(session)
    page = client.get(f"/docking/requests/{quoted.request_id}?lang={lang}",
                      headers=auth(tokens["enterprise"]))
    assert page.status_code == 200
    assert f"/docking/enquiries/{quoted.own.id}\"" in page.text
    assert f"/docking/enquiries/{quoted.rival.id}\"" not in page.text
    # the full figure, not "613": a random CSRF token may hold those three digits
    assert str(RIVAL_PRICE) not in page.text
    assert RIVAL_NOTE not in page.text
    buyer_page = client.get(f"/docking/requests/{quoted.request_id}",
                            headers=auth(tokens["buyer"]))
    assert f"/docking/enquiries/{quoted.rival.id}\"" in buyer_page.text
