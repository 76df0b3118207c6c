"""Procurement rounds: the service, the API, and sealed quotes (issue 3 and issue 5)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import auth
from tests.integration.allocation.helpers import (
    FIRST_TIER_PRICE,
    SECRET_PRICE,
    anxi_and_first,
    make_round,
)
from tradebase.accounts import service as accounts
from tradebase.accounts.guard import set_actor
from tradebase.accounts.models import AuditEntry
from tradebase.accounts.policy import Actor
from tradebase.accounts.roles import Role
from tradebase.allocation import round_schemas as rs
from tradebase.allocation import rounds
from tradebase.errors import Conflict, Forbidden, InvalidInput
from tradebase.registry.models import Base, Enterprise
from tradebase.settings import Settings

SECRET = f"{SECRET_PRICE}"


def _token(session: Session, email: str, role: Role, **extra: object) -> str:
    user = accounts.create_user(session=session, email=email, password="long enough pass 1",
                                role=role, **extra)  # type: ignore[arg-type]
    token, _ = accounts.issue_token(session=session, user=user, settings=Settings())
    session.flush()
    return token


@pytest.fixture
def others(session: Session) -> dict[str, str]:
    """A member of Anxi's second enterprise, and the administrator of another base."""
    anxi, _ = anxi_and_first(session)
    second = session.scalars(
        select(Enterprise).where(Enterprise.base_id == anxi.id).order_by(Enterprise.id).offset(1)
    ).first()
    other_base = session.scalars(select(Base).where(Base.id != anxi.id)).first()
    assert second is not None
    assert other_base is not None
    return {
        "second_enterprise": _token(session, "second@example.com", Role.ENTERPRISE,
                                    enterprise_ids=[second.id]),
        "other_base_admin": _token(session, "other-base@example.com", Role.BASE_ADMIN,
                                   base_ids=[other_base.id]),
    }


# --- the service ---------------------------------------------------------------------------


def test_close_pools_into_packs_and_awards_the_lot(session: Session) -> None:
    made = make_round(session, status="closed")
    assert made.award is not None
    result = made.award["result"]
    # 600 + 430 = 1,030 rounded up to 1,050 (packs of 50): the extra 20 within tolerances
    assert result["awards"][0]["quantity"] == 1050
    assert result["awards"][0]["unit_price"] == pytest.approx(SECRET_PRICE)
    assert result["total_cost"] == pytest.approx(1050 * SECRET_PRICE)
    assert result["standalone_cost"] == pytest.approx((612 + 438) * FIRST_TIER_PRICE)
    assert result["saving"] == pytest.approx(result["standalone_cost"] - result["total_cost"])
    shares = {s["requested"]: s["quantity"] for s in made.award["shares"]}
    assert shares == {600: 612, 430: 438}


def test_progress_is_shown_against_published_thresholds_only(session: Session) -> None:
    made = make_round(session)
    view = rounds.round_view(session=session, round_id=made.id)
    lot = view.lots[0]
    assert (lot.requested, lot.quantity, lot.quotes) == (1030, 1050, 1)
    assert lot.progress is not None
    assert lot.progress.next_threshold == 5000
    assert lot.progress.remaining == 3950


def test_who_may_act_on_a_round(session: Session) -> None:
    made = make_round(session)
    _, first = anxi_and_first(session)
    enterprise = Actor(label="e", role=Role.ENTERPRISE, user_id=99,
                       enterprise_ids=frozenset({first.id}))
    set_actor(session, enterprise)
    with pytest.raises(Forbidden):
        rounds.add_quote(session=session, round_id=made.id, data=rs.QuoteCreate(
            supplier="X", material="EVA foam",
            price_breaks=[{"min_quantity": 0, "unit_price": 1.0}],  # type: ignore[list-item]
        ))
    with pytest.raises(Forbidden):
        rounds.close_round(session=session, round_id=made.id, time_limit=1, confirm_early=True)
    with pytest.raises(InvalidInput):
        rounds.declare_need(session=session, round_id=made.id, data=rs.NeedCreate(
            enterprise_id=first.id, material="leather", quantity=5, delivery_month="2027-04"))
    need = rounds.declare_need(session=session, round_id=made.id, data=rs.NeedCreate(
        enterprise_id=first.id, material="eva FOAM", quantity=5, delivery_month="2027-04"))
    assert need.material.name == "EVA foam"
    view = rounds.round_view(session=session, round_id=made.id)
    assert {n.enterprise_id for n in view.needs} == {first.id}  # its own needs only
    assert view.quotes_received is None


def test_a_closed_round_takes_no_more_needs_or_quotes(session: Session) -> None:
    made = make_round(session, status="closed")
    _, first = anxi_and_first(session)
    with pytest.raises(Conflict):
        rounds.declare_need(session=session, round_id=made.id, data=rs.NeedCreate(
            enterprise_id=first.id, material="EVA foam", quantity=5, delivery_month="2027-04"))


def test_quote_prices_never_reach_the_audit_log(session: Session) -> None:
    make_round(session)
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "procurement_quotes")
    ).all()
    assert entries
    assert all(SECRET not in str(e.after) for e in entries)


def test_an_award_is_logged_as_json_not_as_the_text_of_a_python_dict(session: Session) -> None:
    made = make_round(session, status="closed")
    session.flush()
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "procurement_rounds",
                                 AuditEntry.entity_id == str(made.id),
                                 AuditEntry.action == "update")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None
    assert entry.after is not None
    award = entry.after["award"]
    assert isinstance(award, dict), type(award)


# --- the API and sealed quotes ---------------------------------------------------------------


def test_base_admin_runs_a_round_through_the_api(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    anxi, first = anxi_and_first(session)
    admin = auth(tokens["base_admin"])
    opened = client.post("/api/v1/procurement/rounds", headers=admin, json={
        "base_id": anxi.id, "title": "Mesh", "closes_on": "2027-02-01",
        "materials": [{"name": "mesh", "unit": "m", "pack_size": 100}],
    })
    assert opened.status_code == 201, opened.text
    round_id = opened.json()["id"]
    need = client.post(f"/api/v1/procurement/rounds/{round_id}/needs",
                       headers=auth(tokens["enterprise"]),
                       json={"enterprise_id": first.id, "material": "mesh", "quantity": 250,
                             "delivery_month": "2027-05", "tolerance": 0.2})
    assert need.status_code == 201, need.text
    quote = client.post(f"/api/v1/procurement/rounds/{round_id}/quotes", headers=admin, json={
        "supplier": "harbour resins ltd", "material": "mesh",
        "price_breaks": [{"min_quantity": 0, "unit_price": 3.25}], "splittable": False})
    assert quote.status_code == 201, quote.text
    # No field carries the price (as a whole number: a timestamp may hold the digits 3.25).
    assert not re.search(r"(?<![\d.])3\.25(?!\d)", quote.text)
    assert quote.json()["supplier"] == "Harbour Resins Ltd"  # the organisation as registered
    assert quote.json()["on_behalf"] is True
    assert quote.json()["entered_by"] == "base_admin@example.com"
    early = client.post(f"/api/v1/procurement/rounds/{round_id}/publish", headers=admin)
    assert early.status_code == 409
    refused = client.post(f"/api/v1/procurement/rounds/{round_id}/close", headers=admin)
    assert refused.status_code == 409  # before 2027-02-01: only with the early close confirmed
    assert refused.json()["error"]["code"] == "round.close_early"
    closed = client.post(f"/api/v1/procurement/rounds/{round_id}/close", headers=admin,
                         json={"confirm_early": True})
    assert closed.status_code == 200
    assert closed.json()["closed_early"] is True
    assert closed.json()["quotes"][0]["supplier"] == "Harbour Resins Ltd"
    assert closed.json()["quotes"][0]["currency"] == "CNY"
    assert client.post(f"/api/v1/procurement/rounds/{round_id}/publish",
                       headers=admin).json()["status"] == "published"
    award = client.get(f"/api/v1/procurement/rounds/{round_id}/award",
                       headers=auth(tokens["enterprise"])).json()
    assert award["result"]["total_cost"] == pytest.approx(300 * 3.25)
    assert [(s["requested"], s["quantity"]) for s in award["shares"]] == [(250, 300)]
    sheet = client.get(f"/api/v1/procurement/rounds/{round_id}/award.xlsx",
                       headers={**admin, "Accept-Language": "en"})
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.content))
    assert book["Awards"]["B1"].value == "Mesh"
    assert book["Awards"]["B2"].value == "optimal: proven the cheapest"
    assert book["Awards"]["B3"].value == "CNY"
    assert book["Awards"]["A10"].value == "mesh"
    assert book["Awards"]["F10"].value == "tier ≥ 0 at 3.25 CNY; the whole lot"
    chinese = load_workbook(io.BytesIO(client.get(
        f"/api/v1/procurement/rounds/{round_id}/award.xlsx",
        headers={**admin, "Accept-Language": "zh-CN"}).content))
    assert chinese.sheetnames == ["授标明细", "材料", "各企业份额"]
    awards = chinese["授标明细"]
    assert (awards["A2"].value, awards["B2"].value) == ("状态", "最优：已证明成本最低")
    assert awards["A9"].value == "材料"
    assert awards["F10"].value == "≥ 0 档，单价 3.25 CNY；整批供货"
    assert "汇集" in chinese["材料"]["H2"].value
    assert not any(isinstance(cell.value, str) and cell.value.isascii() and " " in cell.value
                   for row in chinese["各企业份额"].iter_rows(max_row=1) for cell in row)


def test_bad_round_input_names_the_field(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    made = make_round(session)
    _, first = anxi_and_first(session)
    response = client.post(f"/api/v1/procurement/rounds/{made.id}/needs",
                           headers=auth(tokens["enterprise"]),
                           json={"enterprise_id": first.id, "material": "EVA foam",
                                 "quantity": 5, "delivery_month": "April"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "delivery_month"


@pytest.mark.parametrize("who", ["admin", "base_admin", "enterprise", "officer"])
def test_quotes_are_sealed_while_the_round_is_open(
    client: TestClient, session: Session, tokens: dict[str, str], who: str
) -> None:
    made = make_round(session)
    headers = auth(tokens[who])
    for path in (f"/api/v1/procurement/rounds/{made.id}", "/api/v1/procurement/rounds",
                 f"/api/v1/procurement/rounds/{made.id}/award",
                 f"/api/v1/procurement/rounds/{made.id}/award.xlsx",
                 f"/procurement/rounds/{made.id}", "/procurement", "/audit",
                 "/api/v1/audit"):
        response = client.get(path, headers=headers)
        assert response.status_code < 500
        assert SECRET not in response.text, (who, path)
        assert str(FIRST_TIER_PRICE) not in response.text, (who, path)
    body = client.get(f"/api/v1/procurement/rounds/{made.id}", headers=headers).json()
    assert body["quotes"] is None
    assert body["quote_count"] == 1


def test_outsiders_see_nothing_of_a_round(
    client: TestClient, session: Session, tokens: dict[str, str], others: dict[str, str]
) -> None:
    made = make_round(session, status="published")
    for headers in (auth(tokens["buyer"]), auth(others["other_base_admin"]), {}):
        for path in (f"/api/v1/procurement/rounds/{made.id}",
                     f"/api/v1/procurement/rounds/{made.id}/award"):
            assert client.get(path, headers=headers).status_code in (401, 404)
        assert SECRET not in client.get("/api/v1/procurement/rounds", headers=headers).text


def test_after_publishing_each_enterprise_sees_its_own_share(
    client: TestClient, session: Session, tokens: dict[str, str], others: dict[str, str]
) -> None:
    made = make_round(session, status="published")
    mine = client.get(f"/api/v1/procurement/rounds/{made.id}/award",
                      headers=auth(tokens["enterprise"])).json()
    theirs = client.get(f"/api/v1/procurement/rounds/{made.id}/award",
                        headers=auth(others["second_enterprise"])).json()
    assert [s["quantity"] for s in mine["shares"]] == [612]
    assert [s["quantity"] for s in theirs["shares"]] == [438]
    assert mine["result"]["awards"][0]["unit_price"] == pytest.approx(SECRET_PRICE)
    staff = client.get(f"/api/v1/procurement/rounds/{made.id}/award",
                       headers=auth(tokens["base_admin"])).json()
    assert len(staff["shares"]) == 2
    # quote prices themselves: the base's administrators, once closed
    view = client.get(f"/api/v1/procurement/rounds/{made.id}",
                      headers=auth(tokens["enterprise"])).json()
    assert view["quotes"] is None
    view = client.get(f"/api/v1/procurement/rounds/{made.id}",
                      headers=auth(tokens["base_admin"])).json()
    assert view["quotes"][0]["price_breaks"][1]["unit_price"] == pytest.approx(SECRET_PRICE)


def test_a_closed_unpublished_award_is_for_the_managers(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    made = make_round(session, status="closed")
    path = f"/api/v1/procurement/rounds/{made.id}/award"
    assert client.get(path, headers=auth(tokens["enterprise"])).status_code == 409
    assert client.get(path, headers=auth(tokens["base_admin"])).status_code == 200


def test_open_round_checks_the_base(session: Session) -> None:
    with pytest.raises(InvalidInput):
        rounds.open_round(session=session, data=rs.RoundCreate(
            base_id=999_999, title="x", closes_on=date(2027, 1, 1),
            materials=[rs.MaterialIn(name="a")]))


# --- suppliers, currency, dates, names (issue 10) --------------------------------------------


def _foam_co(session: Session) -> str:
    """A member of Foam Co, the supplier organisation of make_round's sealed quote."""
    return _token(session, "sales@foam.example.com", Role.SUPPLIER, organisation="Foam Co")


def test_a_supplier_enters_its_own_sealed_quote(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    made = make_round(session)
    own = auth(tokens["supplier"])  # Harbour Resins Ltd
    posted = client.post(f"/api/v1/procurement/rounds/{made.id}/quotes", headers=own, json={
        "material": "EVA foam", "currency": "CNY",
        "price_breaks": [{"min_quantity": 0, "unit_price": 6.1357}], "capacity": 900})
    assert posted.status_code == 201, posted.text
    assert posted.json() | {"id": 0} == {
        "id": 0, "supplier": "Harbour Resins Ltd", "material": "EVA foam",
        "on_behalf": False, "entered_by": "supplier@example.com"}
    mine = client.get(f"/api/v1/procurement/rounds/{made.id}", headers=own).json()
    assert [q["supplier"] for q in mine["quotes"]] == ["Harbour Resins Ltd"]  # not Foam Co's
    assert mine["quotes"][0]["price_breaks"] == [{"min_quantity": 0, "unit_price": 6.1357}]
    assert mine["needs"] == []
    assert mine["quotes_received"] is None
    assert SECRET not in client.get(f"/procurement/rounds/{made.id}", headers=own).text
    # another supplier, the base's administrator and the enterprise: not a digit of it
    foam_co = auth(_foam_co(session))
    for who in (foam_co, auth(tokens["base_admin"]), auth(tokens["enterprise"])):
        for url in (f"/api/v1/procurement/rounds/{made.id}", f"/procurement/rounds/{made.id}"):
            assert "6.1357" not in client.get(url, headers=who).text
    foam = client.get(f"/api/v1/procurement/rounds/{made.id}", headers=foam_co).json()
    assert [q["supplier"] for q in foam["quotes"]] == ["Foam Co"]


def test_a_supplier_quotes_only_as_itself_and_in_the_rounds_currency(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    made = make_round(session)
    own = auth(tokens["supplier"])
    url = f"/api/v1/procurement/rounds/{made.id}/quotes"
    tier = [{"min_quantity": 0, "unit_price": 5}]
    other = client.post(url, headers=own, json={"supplier": "Foam Co", "material": "EVA foam",
                                                "price_breaks": tier})
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "round.supplier_not_yours"
    euros = client.post(url, headers=own, json={"material": "EVA foam", "currency": "EUR",
                                                "price_breaks": tier})
    assert euros.status_code == 422
    assert euros.json()["error"] | {"message": ""} == {
        "message": "", "field": "currency", "code": "round.currency_mismatch",
        "params": {"currency": "CNY", "given": "EUR"}}
    # a base administrator names a supplier that has an account, never a made-up one
    unknown = client.post(url, headers=auth(tokens["base_admin"]),
                          json={"supplier": "Ghost Co", "material": "EVA foam",
                                "price_breaks": tier})
    assert unknown.json()["error"]["code"] == "round.supplier_unknown"
    assert client.post(url, headers=auth(tokens["enterprise"]),
                       json={"material": "EVA foam", "price_breaks": tier}).status_code == 403


def test_dates_are_checked_beside_their_fields(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    anxi, _ = anxi_and_first(session)
    admin = auth(tokens["base_admin"])
    today = rs.today()
    body = {"base_id": anxi.id, "title": "R", "materials": [{"name": "mesh"}]}
    past = client.post("/api/v1/procurement/rounds", headers=admin,
                       json=body | {"closes_on": "2001-05-01"})
    assert past.status_code == 422
    assert (past.json()["error"]["field"], past.json()["error"]["code"]) == (
        "closes_on", "round.date_past")
    before = client.post("/api/v1/procurement/rounds", headers=admin, json=body | {
        "opens_on": (today + timedelta(days=10)).isoformat(),
        "closes_on": (today + timedelta(days=5)).isoformat()})
    assert before.json()["error"]["code"] == "round.closes_before_opening"
    same_day = client.post("/api/v1/procurement/rounds", headers=admin,
                           json=body | {"closes_on": today.isoformat()})
    assert same_day.json()["error"]["code"] == "round.closes_before_opening"
    money = client.post("/api/v1/procurement/rounds", headers=admin,
                        json=body | {"closes_on": "2027-06-01", "currency": "XXY"})
    assert money.json()["error"]["field"] == "currency"
    page = client.post("/procurement/rounds", headers=admin, data={
        "base_id": str(anxi.id), "title": "R", "currency": "eur", "opens_on": "2001-01-01",
        "closes_on": "2001-02-01", "materials": "mesh"})
    assert page.status_code == 422
    assert 'id="error-opens_on"' in page.text
    assert 'id="error-closes_on"' in page.text
    assert 'value="2001-02-01"' in page.text
    made = client.post("/api/v1/procurement/rounds", headers=admin,
                       json=body | {"closes_on": "2027-06-01", "currency": "eur"})
    assert made.status_code == 201
    assert (made.json()["currency"], made.json()["opens_on"]) == ("EUR", today.isoformat())
    assert made.json()["base_name_en"] == anxi.name_en


def test_an_early_close_needs_its_confirmation_and_is_recorded(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    made = make_round(session)
    admin = auth(tokens["base_admin"])
    page = client.post(f"/procurement/rounds/{made.id}/close", headers=admin, data={})
    assert page.status_code == 409
    assert 'id="error-confirm_early"' in page.text
    assert rounds.round_view(session=session, round_id=made.id).status == "open"
    done = client.post(f"/procurement/rounds/{made.id}/close", headers=admin,
                       data={"confirm_early": "on"}, follow_redirects=False)
    assert done.status_code == 303
    session.refresh(made)
    assert (made.status, made.closed_early, made.closed_by) == (
        "closed", True, "base_admin@example.com")


def test_the_award_carries_its_currency_and_names_and_nothing_else_after_publishing(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    made = make_round(session, status="published")
    _, first = anxi_and_first(session)
    award = client.get(f"/api/v1/procurement/rounds/{made.id}/award",
                       headers=auth(tokens["enterprise"])).json()
    assert award["currency"] == "CNY" == award["result"]["currency"]
    assert {a["currency"] for a in award["result"]["awards"]} == {"CNY"}
    assert {"pooling_saving", "splitting_saving", "single_supplier_cost"} <= set(award["result"])
    assert award["shares"][0]["enterprise_name_en"] == first.name_en
    page = client.get(f"/procurement/rounds/{made.id}", headers=auth(tokens["base_admin"])).text
    assert 'id="award"' in page
    assert " CNY" in page
    for gone in ("<progress", 'id="sealed-note"', 'id="lots"', 'id="quotes-sealed"'):
        assert gone not in page
    zh = client.get(f"/procurement/rounds/{made.id}",
                    headers=auth(tokens["enterprise"]) | {"Accept-Language": "zh"}).text
    assert first.name_zh in zh


def test_a_round_in_chinese_has_no_english_status_reason_or_unit(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    """After the award, a zh round page words its status, each award's reasons, the
    explanation and the materials' units from their codes, not the engine's English."""
    made = make_round(session, status="closed")
    admin = auth(tokens["base_admin"]) | {"Accept-Language": "zh"}
    page = client.get(f"/procurement/rounds/{made.id}", headers=admin).text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "已截止，授标尚未公布" in text
    assert "≥ 1,000 档，单价 7.4321 CNY" in text
    assert "整批最便宜" in text
    assert "1,030 张" in text  # the unit typed as "sheet"
    english = ("closed", "open", "published", "tier", "whole lot", "capacity-bound", "sheet",
               "pooled from", "bought its own need", "awarded to")
    assert [word for word in english if re.search(rf"\b{word}\b", text)] == []
    listing = client.get("/procurement", headers=admin).text
    assert "已截止，授标尚未公布" in listing
    assert ">closed<" not in listing
    english_page = client.get(f"/procurement/rounds/{made.id}",
                              headers=auth(tokens["base_admin"]) | {"Accept-Language": "en"})
    assert "tier ≥ 1,000 at 7.4321 CNY; cheapest for the whole lot" in english_page.text
    assert "1,030 sheet" in english_page.text
