"""Lifting a suspension (issue 9): who may moderate the request a buyer was suspended over
lifts it, through the API or the request page; the audit log keeps it; the buyer posts again."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import auth
from tests.integration.docking.rfq_support import REQUEST_TEXT, build_catalog, token_for
from tradebase.accounts.models import AuditEntry
from tradebase.accounts.roles import Role
from tradebase.docking.models import Suspension
from tradebase.registry.models import Base


@pytest.fixture
def world(client: TestClient, session: Session) -> dict[str, Any]:
    catalog = build_catalog(session)
    other = Base(key="lift-other", name_en="Another base", name_zh="另一基地",
                 regions=list(session.get(Base, catalog.base_id).regions))  # type: ignore[union-attr]
    session.add(other)
    session.flush()
    world: dict[str, Any] = {
        "buyer": auth(token_for(session, "lift-buyer@example.com", Role.BUYER,
                                organisation="Velo Import GmbH")),
        "A": auth(token_for(session, "lift-a@example.com", Role.ENTERPRISE,
                            enterprise_ids=[catalog.works["A"]])),
        "bureau": auth(token_for(session, "lift-bureau@example.com", Role.BASE_ADMIN,
                                 base_ids=[catalog.base_id])),
        "elsewhere": auth(token_for(session, "lift-elsewhere@example.com", Role.BASE_ADMIN,
                                    base_ids=[other.id])),
    }
    made = client.post("/api/v1/docking/requests", headers=world["buyer"], json={
        "text": REQUEST_TEXT, "quantity": 200, "certifications": ["EN14781"],
        "max_lead_time_days": 60})
    assert made.status_code == 201, made.text
    world["request_id"] = made.json()["id"]
    sent = client.post(f"/api/v1/docking/requests/{world['request_id']}/enquiries",
                       headers=world["buyer"], json={"sku": "RFQ-A-1", "send": True})
    assert sent.status_code == 201, sent.text
    return world


def _post(client: TestClient, world: dict[str, Any]) -> int:
    return client.post("/api/v1/docking/requests", headers=world["buyer"], json={
        "text": REQUEST_TEXT, "quantity": 10}).status_code


def _suspend(client: TestClient, world: dict[str, Any]) -> int:
    suspended = client.post(f"/api/v1/docking/requests/{world['request_id']}/suspend-author",
                            headers=world["bureau"], json={"reason": "spam"})
    assert suspended.status_code == 200, suspended.text
    assert _post(client, world) == 403
    return int(suspended.json()["suspension_id"])


def test_the_base_that_suspended_lifts_it_and_the_buyer_posts_again(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    suspension_id = _suspend(client, world)
    url = f"/api/v1/docking/suspensions/{suspension_id}"
    for who in ("buyer", "A", "elsewhere"):  # not the buyer, the factory, another base
        assert client.delete(url, headers=world[who]).status_code == 403, who
    assert client.delete(url).status_code == 401
    assert client.delete(url, headers=world["bureau"]).status_code == 204
    assert session.get(Suspension, suspension_id) is None
    assert _post(client, world) == 201
    assert client.delete(url, headers=world["bureau"]).status_code == 404  # lifted already
    entry = session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "docking_suspensions", AuditEntry.entity_id == str(suspension_id),
        AuditEntry.action == "delete")).one()
    assert entry.actor == "lift-bureau@example.com"


def test_the_request_page_shows_the_suspension_and_lifts_it(
    client: TestClient, world: dict[str, Any]
) -> None:
    page_url = f"/docking/requests/{world['request_id']}"
    suspension_id = _suspend(client, world)
    page = client.get(page_url, headers=world["bureau"] | {"Accept-Language": "zh-CN"})
    assert 'id="suspension"' in page.text
    assert f'action="/docking/suspensions/{suspension_id}/lift"' in page.text
    assert "解除暂停" in page.text
    assert 'id="suspend-form"' not in page.text  # suspended already
    assert 'id="lift-form"' not in client.get(page_url, headers=world["buyer"]).text
    lifted = client.post(f"/docking/suspensions/{suspension_id}/lift", headers=world["bureau"],
                         follow_redirects=False)
    assert lifted.status_code == 303
    assert lifted.headers["location"] == f"{page_url}#moderation"
    again = client.get(page_url, headers=world["bureau"])
    assert 'id="suspension"' not in again.text
    assert 'id="suspend-form"' in again.text
    assert _post(client, world) == 201
