"""Events through the API (issue 11): events and their checks, campaigns counted from their
events, registrations within capacity, the list as CSV and XLSX, suggested counterparts."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise, auth
from tests.integration.events.support import SEEK, World, make_event, make_world, register


@pytest.fixture
def world(client: TestClient, session: Session) -> World:
    return make_world(client, session)


def test_event_checks_and_visibility(client: TestClient, world: World) -> None:
    bad = client.post("/api/v1/events", headers=world["bureau"], json={
        "kind": "festival", "base_ids": [world.catalog.base_id], "title_en": "Lanterns",
        "country": "XX", "timezone": "Mars/Olympus"})
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["error"]["errors"]} if "errors" in bad.json()[
        "error"] else {bad.json()["error"]["field"]}
    assert any("country" in f for f in fields) or "country" in bad.text
    assert "timezone" in bad.text
    overnight = client.post("/api/v1/events", headers=world["bureau"], json={
        "kind": "docking_day", "base_ids": [world.catalog.base_id], "title_en": "Late",
        "slot_plan": {"slot_minutes": 60, "day_start": "22:00", "tables": 3,
                      "sessions": [{"slots": 3}]}})
    assert overnight.status_code == 422
    assert "midnight" in overnight.text
    # a base administrator organises for its own bases only
    other = client.post("/api/v1/events", headers=world["bureau"], json={
        "kind": "exhibition", "base_ids": [1], "title_en": "Not mine"})
    assert other.status_code == 403
    draft = make_event(client, world, published=False, status="draft")
    assert client.get(f"/api/v1/events/{draft}", headers=world["buyer"]).status_code == 404
    assert client.get(f"/api/v1/events/{draft}").status_code == 404
    assert client.get(f"/api/v1/events/{draft}", headers=world["bureau"]).status_code == 200
    listed = {e["id"] for e in client.get("/api/v1/events", headers=world["buyer"]).json()}
    assert draft not in listed
    slots = client.get(f"/api/v1/events/{make_event(client, world)}/slots").json()
    assert len(slots) == 12
    assert (slots[0]["start"], slots[5]["end"], slots[6]["start"]) == (
        "09:00:00", "11:00:00", "12:00:00")
    held = client.patch(f"/api/v1/events/{draft}", headers=world["bureau"],
                        json={"status": "held"})
    assert held.status_code == 409
    assert held.json()["error"]["code"] == "events.status"
    refused = client.patch(f"/api/v1/events/{draft}", headers=world["buyer"],
                           json={"title_en": "Mine now"})
    assert refused.status_code == 404  # a draft is not there for a buyer


def test_campaign_progress(client: TestClient, world: World) -> None:
    campaign = make_event(client, world, kind="campaign", title_en="100 lantern festivals",
                          target_text="100 festivals in 100 foreign cities in 5 years",
                          target_cities=100, slot_plan=None, country=None)
    festivals = [("Berlin", "DE", 12000, 300000.0), ("berlin", "DE", 8000, None),
                 ("Lyon", "FR", 5000, 100000.0), ("Auckland", "NZ", 20000, None)]
    for city, country, visitors, value in festivals:
        make_event(client, world, kind="festival", parent_id=campaign, city=city,
                   country=country, visitors=visitors, value=value, currency="CNY",
                   slot_plan=None)
    cancelled = make_event(client, world, kind="festival", parent_id=campaign, city="Oslo",
                           country="NO", visitors=999, slot_plan=None)
    client.patch(f"/api/v1/events/{cancelled}", headers=world["bureau"],
                 json={"status": "cancelled"})
    progress = client.get(f"/api/v1/events/{campaign}/progress").json()
    assert (progress["events"], progress["cities"], progress["countries"]) == (4, 3, 3)
    assert progress["visitors"] == 45000
    assert progress["value"] == {"CNY": 400000.0}
    assert progress["country_list"] == ["DE", "FR", "NZ"]
    assert progress["target_cities"] == 100
    berlin = client.get("/api/v1/events", params={"parent_id": campaign}).json()[0]
    assert (berlin["city"], berlin["abroad"]) == ("Berlin", True)
    nested = client.post("/api/v1/events", headers=world["bureau"], json={
        "kind": "campaign", "base_ids": [world.catalog.base_id], "title_en": "Inner",
        "parent_id": campaign})
    assert nested.status_code == 422
    assert nested.json()["error"]["code"] == "events.nested_campaign"


def test_registration_prefill_capacity_and_export(client: TestClient, world: World) -> None:
    event = make_event(client, world, capacity=2, over_capacity="waitlist")
    a = register(client, world, event, "A", attendees=[
        {"name": "Lin Wei", "role": "sales manager", "languages": ["zh", "en"]}],
        available_slots=[0, 1, 2, 2])
    registration = client.get(f"/api/v1/events/registrations/{a}", headers=world["A"]).json()
    assert [(o["text"], o["sku"]) for o in registration["offers"]] == [
        ("Titanium gravel bicycle frame", "RFQ-A-1")]
    assert registration["available_slots"] == [0, 1, 2]
    assert registration["status"] == "approved"
    out_of_range = client.post(f"/api/v1/events/{event}/registrations", headers=world["B"],
                               json={"enterprise_id": world.catalog.works["B"],
                                     "available_slots": [12]})
    assert out_of_range.status_code == 422
    assert out_of_range.json()["error"]["code"] == "events.slot_out_of_range"
    buyer = register(client, world, event, "buyer", seeks=[{"text": SEEK, "quantity": 200}])
    again = client.post(f"/api/v1/events/{event}/registrations", headers=world["colleague"],
                        json={})
    assert again.status_code == 409  # one registration per organisation
    b = register(client, world, event, "B")  # the third: waitlisted
    assert client.get(f"/api/v1/events/registrations/{b}",
                      headers=world["B"]).json()["status"] == "waitlisted"
    # another enterprise may not register A, nor see A's registration
    forged = client.post(f"/api/v1/events/{event}/registrations", headers=world["E"],
                         json={"enterprise_id": world.catalog.works["A"]})
    assert forged.status_code == 403
    assert client.get(f"/api/v1/events/registrations/{a}", headers=world["E"]).status_code == 404
    mine = client.get(f"/api/v1/events/{event}/registrations", headers=world["colleague"])
    assert [r["id"] for r in mine.json()] == [buyer]
    everyone = client.get(f"/api/v1/events/{event}/registrations", headers=world["bureau"])
    assert [r["id"] for r in everyone.json()] == [a, buyer, b]
    # the buyer cancels: the waitlisted works takes the place
    cancelled = client.patch(f"/api/v1/events/registrations/{buyer}", headers=world["buyer"],
                             json={"cancel": True})
    assert cancelled.json()["status"] == "cancelled"
    assert client.get(f"/api/v1/events/registrations/{b}",
                      headers=world["B"]).json()["status"] == "approved"

    exported = client.get(f"/api/v1/events/{event}/registrations/export",
                          headers=world["bureau"])
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "kind", "name"]
    assert [r[2] for r in rows[1:]] == ["RFQ Works A", "Velo Import GmbH", "RFQ Works B"]
    assert "Lin Wei (sales manager)" in rows[1]
    xlsx = client.get(f"/api/v1/events/{event}/registrations/export?format=xlsx",
                      headers=world["bureau"])
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.max_row == 4
    assert client.get(f"/api/v1/events/{event}/registrations/export",
                      headers=world["A"]).status_code == 403


def test_full_event_refuses(client: TestClient, world: World) -> None:
    event = make_event(client, world, capacity=1, over_capacity="refuse")
    register(client, world, event, "A")
    full = client.post(f"/api/v1/events/{event}/registrations", headers=world["B"],
                       json={"enterprise_id": world.catalog.works["B"]})
    assert full.status_code == 409
    assert full.json()["error"]["code"] == "events.full"
    assert "1 places" in full.json()["error"]["message"]


def test_formula_cells_are_neutralised(client: TestClient, world: World) -> None:
    event = make_event(client, world)
    register(client, world, event, "A", attendees=[{"name": "=HYPERLINK(\"x\")"}])
    text = client.get(f"/api/v1/events/{event}/registrations/export",
                      headers=world["bureau"]).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_suggestions_both_ways_and_one_call_to_request(client: TestClient,
                                                       world: World) -> None:
    event = make_event(client, world)
    a = register(client, world, event, "A")
    e = register(client, world, event, "E")
    buyer = register(client, world, event, "buyer", seeks=[{"text": SEEK, "quantity": 200}])
    found = client.get(f"/api/v1/events/registrations/{buyer}/suggestions",
                       headers=world["buyer"])
    assert found.status_code == 200, found.text
    suggested = found.json()
    assert [s["counterpart_id"] for s in suggested] == [a]  # E makes tea sets
    assert suggested[0]["reason_codes"]
    assert suggested[0]["sku"] == "RFQ-A-1"
    back = client.get(f"/api/v1/events/registrations/{a}/suggestions", headers=world["A"])
    assert [s["counterpart_id"] for s in back.json()] == [buyer]
    assert client.get(f"/api/v1/events/registrations/{e}/suggestions",
                      headers=world["E"]).json() == []
    # another participant may not read the buyer's suggestions
    assert client.get(f"/api/v1/events/registrations/{buyer}/suggestions",
                      headers=world["A"]).status_code == 404
    made = client.post(f"/api/v1/events/{event}/meeting-requests", headers=world["buyer"],
                       json=suggested[0]["request"])
    assert made.status_code == 201, made.text
    assert made.json()["origin"] == "suggested"
    assert client.get(f"/api/v1/events/registrations/{buyer}/suggestions",
                      headers=world["buyer"]).json() == []  # asked already


def test_organising_bases_change(client: TestClient, world: World, session: Session,
                                 tokens: dict[str, str]) -> None:
    anxi, _ = anxi_and_member_enterprise(session)
    event = make_event(client, world)
    mine = world.catalog.base_id
    refused = client.patch(f"/api/v1/events/{event}", headers=world["bureau"],
                           json={"base_ids": [mine, anxi.id]})
    assert refused.status_code == 403  # the bureau does not run Anxi
    both = client.patch(f"/api/v1/events/{event}", headers=auth(tokens["admin"]),
                        json={"base_ids": [anxi.id, mine], "capacity": 30})
    assert both.status_code == 200, both.text
    assert (both.json()["base_ids"], both.json()["capacity"]) == (sorted([mine, anxi.id]), 30)
    anxi_bureau = client.get(f"/api/v1/events/{event}/registrations/export",
                             headers=auth(tokens["base_admin"]))
    assert anxi_bureau.status_code == 200  # Anxi's administrator co-organises it now
    back = client.patch(f"/api/v1/events/{event}", headers=world["bureau"],
                        json={"base_ids": [mine]})
    assert back.json()["base_ids"] == [mine]
