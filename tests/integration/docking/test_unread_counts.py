"""Unread messages in the enquiry lists (issue 9): the factory's inbox and dashboard, the
buyer's request page and dashboard, and both sides' own page (/my) show, per enquiry (per
request on the buyer's lists of requests), how many messages of the other side the reader
has not read; one grouped query per list."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tests.conftest import auth
from tests.integration.docking.rfq_support import REQUEST_TEXT, build_catalog, token_for
from tests.integration.web.test_web_queries import counting
from tradebase.accounts.roles import Role

EN, ZH = {"Accept-Language": "en"}, {"Accept-Language": "zh-CN"}


@pytest.fixture
def world(client: TestClient, session: Session) -> dict[str, Any]:
    catalog = build_catalog(session)
    world: dict[str, Any] = {
        "buyer": auth(token_for(session, "unread-buyer@example.com", Role.BUYER,
                                organisation="Velo Import GmbH")),
        "A": auth(token_for(session, "unread-a@example.com", Role.ENTERPRISE,
                            enterprise_ids=[catalog.works["A"]])),
        "B": auth(token_for(session, "unread-b@example.com", Role.ENTERPRISE,
                            enterprise_ids=[catalog.works["B"]])),
        "bureau": auth(token_for(session, "unread-bureau@example.com", Role.BASE_ADMIN,
                                 base_ids=[catalog.base_id])),
    }
    made = client.post("/api/v1/docking/requests", headers=world["buyer"], json={
        "text": REQUEST_TEXT, "quantity": 200, "certifications": ["EN14781"],
        "max_lead_time_days": 60, "destination": "DE"})
    assert made.status_code == 201, made.text
    world["request_id"] = made.json()["id"]
    for name, sku in (("A", "RFQ-A-1"), ("B", "RFQ-B-1")):
        sent = client.post(f"/api/v1/docking/requests/{world['request_id']}/enquiries",
                           headers=world["buyer"], json={"sku": sku, "send": True})
        assert sent.status_code == 201, sent.text
        world[f"enquiry_{name}"] = sent.json()["id"]
    return world


def _messages(world: dict[str, Any], name: str) -> str:
    return f"/api/v1/docking/enquiries/{world[f'enquiry_{name}']}/messages"


def _badges(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="badge unread" data-unread="(\d+)"', html)]


def test_each_side_sees_what_it_has_not_read(client: TestClient,
                                             world: dict[str, Any]) -> None:
    for text in ("Can you send a sample?", "And the drawing?"):
        assert client.post(_messages(world, "A"), headers=world["buyer"],
                           json={"text": text}).status_code == 201
    assert client.post(_messages(world, "B"), headers=world["B"],
                       json={"text": "Our catalogue, attached soon."}).status_code == 201

    inbox = client.get("/docking/inbox", headers=world["A"])
    assert _badges(inbox.text) == [2]  # the buyer's two messages; not B's thread
    assert "2 条未读消息" in client.get("/docking/inbox", headers=world["A"] | ZH).text
    assert "2 unread messages" in client.get("/docking/inbox", headers=world["A"] | EN).text
    assert _badges(client.get("/docking", headers=world["A"]).text) == [2]
    assert _badges(client.get("/my", headers=world["A"]).text) == [2]
    assert _badges(client.get("/docking/inbox", headers=world["B"]).text) == []  # its own
    # those who only oversee the enquiries leave no receipts, so they get no counts
    assert _badges(client.get("/docking/inbox", headers=world["bureau"]).text) == []

    request_page = client.get(f"/docking/requests/{world['request_id']}",
                              headers=world["buyer"])
    assert _badges(request_page.text) == [1]  # B's message, on B's row
    assert _badges(client.get("/docking", headers=world["buyer"]).text) == [1]  # the request
    assert _badges(client.get("/my", headers=world["buyer"]).text) == [1]

    client.get(_messages(world, "A"), headers=world["A"])  # A opens its thread
    assert _badges(client.get("/docking/inbox", headers=world["A"]).text) == []
    assert _badges(client.get("/my", headers=world["A"]).text) == []
    client.get(_messages(world, "B"), headers=world["buyer"])
    assert _badges(client.get("/docking", headers=world["buyer"]).text) == []
    assert _badges(client.get("/my", headers=world["buyer"]).text) == []



def test_the_counts_are_one_grouped_query_per_list(
    client: TestClient, engine: Engine, world: dict[str, Any]
) -> None:
    client.post(_messages(world, "A"), headers=world["buyer"], json={"text": "hello"})
    client.post(_messages(world, "B"), headers=world["B"], json={"text": "hello"})
    client.post(_messages(world, "A"), headers=world["A"], json={"text": "hi"})
    for path, who, lists in (("/docking/inbox", "A", 1),
                             (f"/docking/requests/{world['request_id']}", "buyer", 1),
                             ("/docking", "buyer", 1), ("/docking", "A", 1),
                             ("/my", "buyer", 1), ("/my", "A", 1)):
        with counting(engine) as statements:
            assert client.get(path, headers=world[who]).status_code == 200
        counts = [s for s in statements if "docking_message_reads" in s]
        assert len(counts) == lists, (path, counts)
        assert all("GROUP BY" in s for s in counts)
