"""Procurement rounds: the service, the API, and sealed quotes (issue 3 and issue 5)."""

from __future__ import annotations

import io
from datetime import date

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
        rounds.close_round(session=session, round_id=made.id, time_limit=1)
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
        "supplier": "Mesh Ltd", "material": "mesh",
        "price_breaks": [{"min_quantity": 0, "unit_price": 3.25}], "splittable": False})
    assert quote.status_code == 201
    assert "3.25" not in quote.text
    early = client.post(f"/api/v1/procurement/rounds/{round_id}/publish", headers=admin)
    assert early.status_code == 409
    closed = client.post(f"/api/v1/procurement/rounds/{round_id}/close", headers=admin)
    assert closed.status_code == 200
    assert closed.json()["quotes"][0]["supplier"] == "Mesh Ltd"
    assert client.post(f"/api/v1/procurement/rounds/{round_id}/publish",
                       headers=admin).json()["status"] == "published"
    award = client.get(f"/api/v1/procurement/rounds/{round_id}/award",
                       headers=auth(tokens["enterprise"])).json()
    assert award["result"]["total_cost"] == pytest.approx(300 * 3.25)
    assert [(s["requested"], s["quantity"]) for s in award["shares"]] == [(250, 300)]
    sheet = client.get(f"/api/v1/procurement/rounds/{round_id}/award.xlsx", headers=admin)
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.content))
    assert book["Awards"]["B1"].value == "Mesh"
    assert book["Awards"]["A8"].value == "mesh"


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
