"""Capacity docking from docking: a buyer splits a request over the enterprises that make the
product it confirmed, sees each share with the product's name, and enquires with one button."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import auth
from tradebase.docking.models import Enquiry
from tradebase.registry import schemas, service
from tradebase.registry.models import Base, Enterprise

CHAIR = "Stackable teak garden chair"
CHAIR_ZH = "可叠放柚木花园椅"
CUSHION = "Outdoor seat cushion for garden chairs"


def _enterprises(session: Session, n: int) -> list[Enterprise]:
    anxi = session.scalars(select(Base).where(Base.key == "anxi")).one()
    found = list(session.scalars(
        select(Enterprise).where(Enterprise.base_id == anxi.id).order_by(Enterprise.id).limit(n)
    ))
    assert len(found) == n
    return found


def _listing(session: Session, enterprise: Enterprise, sku: str, title: str, hs: str,
             capacity: int | None, **extra: object) -> None:
    service.create_product(session=session, data=schemas.ProductCreate(
        sku=sku, enterprise_id=enterprise.id, title=title, hs_code=hs,
        monthly_capacity=capacity, lead_time_days=0, **extra,
    ))


def _chairs_and_a_cushion(session: Session) -> list[Enterprise]:
    """Two chair makers, a cushion maker with the largest capacity, a chair without capacity."""
    first, second, third = _enterprises(session, 3)
    _listing(session, first, "SP-CHAIR-A", CHAIR, "940169", 15000, titles={"zh": CHAIR_ZH})
    _listing(session, second, "SP-CHAIR-B", f"{CHAIR}, oiled", "940169", 30000)
    _listing(session, third, "SP-CUSHION", CUSHION, "940490", 90000)
    _listing(session, third, "SP-CHAIR-C", f"{CHAIR}, unfinished", "940169", None)
    session.commit()
    return [first, second, third]


def _en(token: str) -> dict[str, str]:
    return auth(token) | {"Accept-Language": "en"}


def _request(client: TestClient, token: str, **extra: object) -> int:
    posted = client.post("/api/v1/docking/requests", headers=auth(token), json={
        "text": "40,000 stackable teak garden chairs", "quantity": 40000,
        "max_lead_time_days": 30, "currency": "EUR", **extra,
    })
    assert posted.status_code == 201, posted.text
    return int(posted.json()["id"])


def _shares(html: str) -> str:
    return html.split('id="split-shares"', 1)[1].split("</table>", 1)[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_split_uses_only_the_confirmed_product_and_names_it(
    client: TestClient, session: Session, tokens: dict[str, str], lang: str
) -> None:
    _chairs_and_a_cushion(session)
    rid = _request(client, tokens["buyer"], hs_code="940169")
    page = client.get(f"/docking/requests/{rid}/split",
                      headers=_en(tokens["buyer"]) | {"Accept-Language": lang})
    assert page.status_code == 200, page.text
    shares = _shares(page.text)
    assert "SP-CHAIR-A" in shares
    assert "SP-CHAIR-B" in shares
    assert "SP-CUSHION" not in shares
    assert "SP-CHAIR-C" not in shares  # no capacity stated
    left_out = page.text.split('id="split-left-out"', 1)[1]
    assert "SP-CUSHION" in left_out
    assert "SP-CHAIR-C" in left_out
    assert (CHAIR_ZH if lang == "zh" else CHAIR) in shares
    # What the buyer reads: not the random tokens of hidden inputs (a CSRF token once held "MIP").
    shown = re.sub(r"<input type=\"hidden\"[^>]*>", "", page.text)
    assert "Total" not in shown
    assert "总价" not in shown  # no prices: no total, and never a total of 0
    assert not re.search(r">\s*0 EUR", shown)
    assert "HiGHS" not in shown
    assert not re.search(r"\bMIP\b", shown)
    if lang == "zh":
        assert "已证明工厂最少" in page.text
        assert "向这 2 家企业各发送一份询盘" in page.text
        assert "还没有企业报价" in page.text
    else:
        assert "Proven fewest factories" in page.text
        assert "Send an enquiry to each of these 2 enterprises" in page.text
        assert "No enterprise has quoted a price yet" in page.text


def test_the_buyer_chooses_a_spread_by_capacity(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    _chairs_and_a_cushion(session)
    rid = _request(client, tokens["buyer"], hs_code="940169", quantity=30000)
    fewest = client.get(f"/docking/requests/{rid}/split", headers=_en(tokens["buyer"]))
    assert "SP-CHAIR-A" not in _shares(fewest.text)  # B alone makes 30,000 in 30 days
    spread = client.get(f"/docking/requests/{rid}/split?objective=spread",
                        headers=_en(tokens["buyer"]))
    shares = _shares(spread.text)
    assert "10,000" in shares  # A makes 15,000 a month, B 30,000: one third, two thirds
    assert "20,000" in shares
    assert "The same share of its capacity as the others." in shares


def test_one_button_sends_an_enquiry_for_each_share(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    first, second, _ = _chairs_and_a_cushion(session)
    rid = _request(client, tokens["buyer"], hs_code="940169")
    sent = client.post(f"/docking/requests/{rid}/split/enquiries", headers=_en(tokens["buyer"]),
                       data={"objective": "fewest"}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    enquiries = list(session.scalars(select(Enquiry).where(Enquiry.request_id == rid)))
    assert {e.enterprise_id for e in enquiries} == {first.id, second.id}
    assert {e.status for e in enquiries} == {"sent"}


def test_with_every_price_quoted_the_split_is_proven_cheapest(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    first, second, _ = _chairs_and_a_cushion(session)
    rid = _request(client, tokens["buyer"], hs_code="940169", quantity=20000)
    for enterprise, price in ((first, 9.0), (second, 12.0)):
        session.add(Enquiry(request_id=rid, enterprise_id=enterprise.id, sku=None, reasons=[],
                            status="answered", quote_price=price, quote_currency="EUR"))
    session.commit()
    page = client.get(f"/docking/requests/{rid}/split", headers=_en(tokens["buyer"]))
    assert "Proven cheapest" in page.text
    total = page.text.split('id="split-total">', 1)[1].split("</dd>", 1)[0]
    assert total.strip() == "195,000 EUR"  # A's 15,000 at 9, B's 5,000 at 12
    assert "the enterprise's quote" in _shares(page.text)


def test_without_a_confirmed_code_the_named_product_decides(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    _chairs_and_a_cushion(session)
    rid = _request(client, tokens["buyer"])
    page = client.get(f"/docking/requests/{rid}/split", headers=_en(tokens["buyer"]))
    assert page.status_code == 200, page.text
    assert "No HS code is confirmed" in page.text
    assert "SP-CUSHION" not in page.text.split('id="split-left-out"', 1)[0]


def test_the_match_table_names_the_product_in_the_readers_language(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    _chairs_and_a_cushion(session)
    rid = _request(client, tokens["buyer"], hs_code="940169")
    for lang, title in (("en", CHAIR), ("zh", CHAIR_ZH)):
        page = client.get(f"/docking/requests/{rid}",
                          headers=auth(tokens["buyer"]) | {"Accept-Language": lang})
        row = next(part for part in page.text.split('<tr class="match">')[1:]
                   if "SP-CHAIR-A" in part)
        assert title in row
    assert f'href="/docking/requests/{rid}/split"' in page.text
    assert client.get(f"/docking/requests/{rid}/split",
                      headers=auth(tokens["enterprise"])).status_code in (403, 404)
