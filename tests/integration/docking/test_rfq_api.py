"""The RFQ workflow through the API (issue 9): terms, open publication, quotes on terms, the
comparison, anonymity in the factory's schema, attachments checked by content."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import auth
from tests.integration.docking.rfq_support import REQUEST_TEXT, build_catalog, token_for
from tradebase.accounts.roles import Role
from tradebase.storage import MemoryStorage

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def world(client: TestClient, session: Session) -> dict[str, Any]:
    catalog = build_catalog(session)
    client.app.state.storage = MemoryStorage()  # type: ignore[attr-defined]
    return {
        "catalog": catalog,
        "buyer": auth(token_for(session, "rfq-api-buyer@example.com", Role.BUYER,
                                organisation="Velo Import GmbH")),
        **{name: auth(token_for(session, f"rfq-works-{name.lower()}@example.com",
                                Role.ENTERPRISE, enterprise_ids=[catalog.works[name]]))
           for name in ("A", "B", "C")},
        "bureau": auth(token_for(session, "rfq-bureau@example.com", Role.BASE_ADMIN,
                                 base_ids=[catalog.base_id])),
    }


def _post(client: TestClient, world: dict[str, Any], **terms: Any) -> int:
    made = client.post("/api/v1/docking/requests", headers=world["buyer"], json={
        "text": REQUEST_TEXT, "quantity": 200, "certifications": ["EN14781"],
        "max_lead_time_days": 60, "destination": "DE", "incoterm": "ddp",
        "incoterm_place": "Hamburg", "payment_terms": "lc_sight", "packaging": "pallet",
        "samples": "before_order", **terms,
    })
    assert made.status_code == 201, made.text
    assert made.json()["incoterm"] == "DDP"
    assert made.json()["organisation"] == "Velo Import GmbH"
    return int(made.json()["id"])


def test_open_request_quotes_and_comparison(client: TestClient, world: dict[str, Any]) -> None:
    rid = _post(client, world, anonymous_until_accepted=True)
    published = client.post(f"/api/v1/docking/requests/{rid}/publish", headers=world["buyer"])
    assert published.status_code == 200, published.text
    works = world["catalog"].works
    assert published.json()["enterprise_ids"] == sorted([works["A"], works["B"]])
    again = client.post(f"/api/v1/docking/requests/{rid}/publish", headers=world["buyer"])
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "rfq.published_already"

    inbox = client.get("/api/v1/docking/enquiries", headers=world["A"]).json()
    assert [(e["request_id"], e["origin"]) for e in inbox] == [(rid, "open")]
    seen = client.get(f"/api/v1/docking/requests/{rid}", headers=world["A"])
    assert seen.status_code == 200
    assert "organisation" not in seen.json()  # anonymous until it accepts a quote
    assert "Velo Import" not in seen.text
    assert seen.json()["payment_terms"] == "lc_sight"
    assert client.get(f"/api/v1/docking/requests/{rid}", headers=world["C"]).status_code == 404

    quotes = {"A": {"price": 410, "currency": "EUR", "lead_time_days": 45, "incoterm": "FOB"},
              "B": {"price": 455, "currency": "EUR", "lead_time_days": 30, "incoterm": "DDP",
                    "moq": 20, "sku": "RFQ-B-2"}}
    ids = {}
    for name, quote in quotes.items():
        eid = inbox[0]["id"] if name == "A" else client.get(
            "/api/v1/docking/enquiries", headers=world[name]).json()[0]["id"]
        answered = client.post(f"/api/v1/docking/enquiries/{eid}/answer", headers=world[name],
                               json=quote)
        assert answered.status_code == 200, answered.text
        ids[name] = eid
    table = client.get(f"/api/v1/docking/requests/{rid}/quotes", headers=world["buyer"],
                       params={"sort": "landed"})
    assert table.status_code == 200
    rows = table.json()
    assert [r["enquiry_id"] for r in rows] == [ids["B"], ids["A"]]
    assert [(r["landed_price"], r["landed_basis"]) for r in rows] == [(455, "landed"),
                                                                      (None, "none")]
    assert client.get(f"/api/v1/docking/requests/{rid}/quotes",
                      headers=world["A"]).status_code == 403
    assert client.post(f"/api/v1/docking/enquiries/{ids['B']}/shortlist", headers=world["buyer"],
                       json={"shortlisted": True}).json()["quote_shortlisted"] is True
    accepted = client.post(f"/api/v1/docking/enquiries/{ids['B']}/accept",
                           headers=world["buyer"])
    assert accepted.status_code == 200
    assert accepted.json()["accepted_at"]
    named = client.get(f"/api/v1/docking/requests/{rid}", headers=world["B"]).json()
    assert named["organisation"] == "Velo Import GmbH"
    assert named["status"] == "awarded"
    assert "organisation" not in client.get(f"/api/v1/docking/requests/{rid}",
                                            headers=world["A"]).json()


def test_edit_close_and_moderation(client: TestClient, world: dict[str, Any]) -> None:
    rid = _post(client, world)
    client.post(f"/api/v1/docking/requests/{rid}/publish", headers=world["buyer"])
    edited = client.patch(f"/api/v1/docking/requests/{rid}", headers=world["buyer"],
                          json={"quantity": 250, "packaging": "wooden_crate"})
    assert edited.status_code == 200, edited.text
    changes = client.get(f"/api/v1/docking/requests/{rid}", headers=world["A"]).json()["changes"]
    assert [(c["kind"], c["fields"]) for c in changes] == [
        ("published", []), ("edited", ["packaging", "quantity"])]
    assert client.patch(f"/api/v1/docking/requests/{rid}", headers=world["A"],
                        json={"quantity": 1}).status_code == 403
    assert client.post(f"/api/v1/docking/requests/{rid}/report", headers=world["A"],
                       json={"reason": "not a real buyer"}).status_code == 200
    assert client.post(f"/api/v1/docking/requests/{rid}/hide",
                       headers=world["A"]).status_code == 403
    assert client.post(f"/api/v1/docking/requests/{rid}/hide",
                       headers=world["bureau"]).status_code == 200
    assert client.get(f"/api/v1/docking/requests/{rid}", headers=world["A"]).status_code == 404
    assert client.post(f"/api/v1/docking/requests/{rid}/suspend-author", headers=world["bureau"],
                       json={"reason": "spam"}).status_code == 200
    refused = client.post("/api/v1/docking/requests", headers=world["buyer"],
                          json={"text": "more bicycles"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "rfq.suspended"


def test_attachments_are_checked_by_content(client: TestClient, world: dict[str, Any]) -> None:
    rid = _post(client, world)
    url = f"/api/v1/docking/requests/{rid}/attachments"
    added = client.post(url, headers=world["buyer"],
                        files={"file": ("drawing.pdf", PDF, "application/pdf")})
    assert added.status_code == 201, added.text
    assert added.json()["content_type"] == "application/pdf"
    fake = client.post(url, headers=world["buyer"],
                       files={"file": ("drawing.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")})
    assert fake.status_code == 415
    assert fake.json()["error"]["code"] == "rfq.attachment_content"
    exe = client.post(url, headers=world["buyer"],
                      files={"file": ("tool.exe", b"MZ\x90\x00", "application/octet-stream")})
    assert exe.status_code == 415
    client.app.state.settings.attachment_max_bytes = 10  # type: ignore[attr-defined]
    big = client.post(url, headers=world["buyer"],
                      files={"file": ("big.csv", b"a,b\n" * 10, "text/csv")})
    assert big.status_code == 413
    assert client.post(url, headers=world["A"], files={"file": ("x.pdf", PDF, "application/pdf")}
                       ).status_code == 404  # not sent to A yet: not there
    client.post(f"/api/v1/docking/requests/{rid}/publish", headers=world["buyer"])
    download = client.get(f"{url}/{added.json()['id']}", headers=world["A"])
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment")
    assert client.get(f"{url}/{added.json()['id']}", headers=world["C"]).status_code == 404
