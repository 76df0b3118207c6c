"""Exhibitions abroad (issue 11): the delegation and its booths, leads collected at a fair —
private to the organisers and the exhibitor that met the buyer, turned into a docking request
of the docking workflow or kept as a contact — and a campaign's map of the cities reached,
with ambiguous and unknown cities said to the organisers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.events.support import World, make_event, make_world, register
from tradebase.docking.models import BuyerRequest, Enquiry
from tradebase.events.models import Lead
from tradebase.registry.models import Product

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def world(client: TestClient, session: Session) -> World:
    return make_world(client, session)


def _fair(client: TestClient, world: World, **fields: object) -> int:
    return make_event(client, world, kind="exhibition", title_en="Eurobike Frankfurt",
                      title_zh="法兰克福欧洲自行车展", city="Frankfurt", country="DE",
                      timezone="Europe/Berlin", slot_plan=None, **fields)


def _lead(client: TestClient, world: World, fair: int, who: str, registration: int,
          **fields: object) -> dict[str, object]:
    made = client.post(f"/api/v1/events/{fair}/leads", headers=world[who], json={
        "registration_id": registration, "buyer_name": "Jonas Weber",
        "organisation": "Weber Räder GmbH", "country": "DE", "contact": "jw@weber.example",
        "wants": "titanium gravel bicycle frames", "quantity": 300, **fields})
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_delegation_booths_and_products_shown(client: TestClient, world: World,
                                              session: Session) -> None:
    fair = _fair(client, world)
    a = register(client, world, fair, "A")
    b = register(client, world, fair, "B")
    register(client, world, fair, "E", approve=False)  # pending: not in the delegation
    own = session.scalars(select(Product.id).where(
        Product.enterprise_id == world.catalog.works["A"])).all()
    other = session.scalars(select(Product.id).where(
        Product.enterprise_id == world.catalog.works["B"])).first()
    placed = client.put(f"/api/v1/events/registrations/{a}/booth", headers=world["bureau"],
                        json={"hall": "8.0", "booth": "C-12", "products_shown": list(own)})
    assert placed.status_code == 200, placed.text
    assert [p["id"] for p in placed.json()["products"]] == list(own)
    # another enterprise's product is refused, naming the box
    wrong = client.put(f"/api/v1/events/registrations/{b}/booth", headers=world["bureau"],
                       json={"booth": "D-1", "products_shown": [other, own[0]]})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["field"] == "products_shown[1]"
    assert wrong.json()["error"]["code"] == "events.not_its_product"
    # the exhibitor itself does not place booths: the organisers manage the delegation
    assert client.put(f"/api/v1/events/registrations/{a}/booth", headers=world["A"],
                      json={"booth": "A-1"}).status_code == 403
    public = client.get(f"/api/v1/events/{fair}/delegation").json()
    assert [(e["registration_id"], e["hall"], e["booth"]) for e in public] == [
        (a, "8.0", "C-12"), (b, "", "")]
    page = client.get(f"/events/{fair}", headers={"Accept-Language": "zh"}).text
    assert "C-12" in page
    assert "我们的参展团" in page
    day = make_event(client, world)
    assert client.get(f"/api/v1/events/{day}/delegation").status_code == 404


def test_leads_are_the_organisers_and_their_exhibitors(client: TestClient,
                                                        world: World) -> None:
    fair = _fair(client, world)
    a = register(client, world, fair, "A")
    b = register(client, world, fair, "B")
    mine = _lead(client, world, fair, "A", a)
    theirs = _lead(client, world, fair, "bureau", b, contact="secret@rival.example")
    # an exhibitor records its own leads only
    forged = client.post(f"/api/v1/events/{fair}/leads", headers=world["A"], json={
        "registration_id": b, "buyer_name": "X"})
    assert forged.status_code == 403
    assert [lead["id"] for lead in client.get(
        f"/api/v1/events/{fair}/leads", headers=world["A"]).json()] == [mine["id"]]
    assert {lead["id"] for lead in client.get(
        f"/api/v1/events/{fair}/leads", headers=world["bureau"]).json()} == {
        mine["id"], theirs["id"]}
    for who in ("B", "buyer", "E"):
        assert client.get(f"/api/v1/events/leads/{mine['id']}",
                          headers=world[who]).status_code == 404
    assert client.get(f"/api/v1/events/{fair}/leads", headers=world["buyer"]).json() == []
    assert client.get(f"/api/v1/events/{fair}/leads").status_code == 401
    page = client.get(f"/events/{fair}/leads", headers=world["A"]).text
    assert "jw@weber.example" in page
    assert "secret@rival.example" not in page
    bad = client.post(f"/api/v1/events/{fair}/leads", headers=world["A"], json={
        "registration_id": a, "buyer_name": "", "country": "Germany"})
    assert bad.status_code == 422


def test_a_lead_becomes_a_docking_request_or_a_contact(client: TestClient, world: World,
                                                       session: Session) -> None:
    fair = _fair(client, world)
    a = register(client, world, fair, "A")
    first = _lead(client, world, fair, "A", a)
    second = _lead(client, world, fair, "A", a, buyer_name="Eva Lind", organisation="")
    empty = _lead(client, world, fair, "bureau", a, wants="")
    turned = client.post(f"/api/v1/events/leads/{first['id']}/request", headers=world["A"])
    assert turned.status_code == 200, turned.text
    assert turned.json()["status"] == "request"
    request = session.get(BuyerRequest, turned.json()["docking_request_id"])
    assert request is not None
    assert (request.text, request.quantity, request.destination, request.organisation,
            request.buyer_id) == ("titanium gravel bicycle frames", 300, "DE",
                                  "Weber Räder GmbH", None)
    enquiry = session.scalars(select(Enquiry).where(Enquiry.request_id == request.id)).one()
    assert (enquiry.enterprise_id, enquiry.status, enquiry.origin) == (
        world.catalog.works["A"], "sent", "met")
    # the exhibitor finds it among the requests sent to it, like any other
    inbox = client.get("/api/v1/docking/requests", headers=world["A"]).json()
    assert request.id in {r["id"] for r in inbox}
    again = client.post(f"/api/v1/events/leads/{first['id']}/request", headers=world["A"])
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "events.lead_state"
    nothing = client.post(f"/api/v1/events/leads/{empty['id']}/request",
                          headers=world["bureau"])
    assert nothing.status_code == 422
    assert nothing.json()["error"]["field"] == "wants"
    kept = client.post(f"/api/v1/events/leads/{second['id']}/contact", headers=world["bureau"])
    assert kept.json()["status"] == "contact"
    counts = client.get(f"/api/v1/events/{fair}/leads/counts", headers=world["bureau"]).json()
    assert counts == {"leads": 3, "requests": 1, "contacts": 1, "waiting": 1}


def test_whoever_records_a_lead_edits_and_deletes_it(client: TestClient, world: World,
                                                     session: Session) -> None:
    fair = _fair(client, world)
    a = register(client, world, fair, "A")
    b = register(client, world, fair, "B")
    lead = _lead(client, world, fair, "A", a)
    other = _lead(client, world, fair, "B", b)
    client.cookies.set("lang", "en")
    page = client.get(f"/events/leads/{lead['id']}/edit", headers=world["A"])
    assert page.status_code == 200
    assert 'value="Jonas Weber"' in page.text
    # another exhibitor does not learn it exists; a buyer neither
    assert client.get(f"/events/leads/{lead['id']}/edit", headers=world["B"]).status_code == 404
    assert client.post(f"/events/leads/{lead['id']}/delete", headers=world["buyer"],
                       data={}).status_code == 404
    saved = client.post(f"/events/leads/{lead['id']}/edit", headers=world["A"],
                        data={"buyer_name": "Jonas Weber-Lutz", "country": "AT",
                              "wants": "gravel frames", "quantity": "120", "unit": "pcs",
                              "version": str(lead["version"])}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    session.expire_all()
    stored = session.get(Lead, lead["id"])
    assert stored is not None
    assert (stored.buyer_name, stored.country, stored.quantity, stored.registration_id) == (
        "Jonas Weber-Lutz", "AT", 120, a)
    stale = client.post(f"/events/leads/{lead['id']}/edit", headers=world["A"],
                        data={"buyer_name": "Late", "version": str(lead["version"])})
    assert stale.status_code == 409
    assert 'value="Jonas Weber-Lutz"' in stale.text  # shown again with what is stored
    # the organisers too; deleting leaves the exhibitor's other leads alone
    gone = client.post(f"/events/leads/{other['id']}/delete", headers=world["bureau"],
                       data={}, follow_redirects=False)
    assert gone.status_code == 303
    session.expire_all()
    assert session.get(Lead, other["id"]) is None
    assert session.get(Lead, lead["id"]) is not None
    # a lead turned into a docking request is that request's now: not edited, but deleted
    client.post(f"/api/v1/events/leads/{lead['id']}/request", headers=world["A"])
    refused = client.post(f"/events/leads/{lead['id']}/edit", headers=world["A"],
                          data={"buyer_name": "X"})
    assert refused.status_code == 422  # said beside the buyer's name
    assert "turned into a request" in refused.text
    assert client.post(f"/events/leads/{lead['id']}/delete", headers=world["A"], data={},
                       follow_redirects=False).status_code == 303


def _campaign(client: TestClient, world: World, cities: list[tuple[str, str | None]]) -> int:
    campaign = make_event(client, world, kind="campaign", title_en="Zigong lanterns abroad",
                          title_zh="自贡灯会走出去", target_text="100 lantern festivals in "
                          "100 foreign cities in 5 years", target_cities=100, slot_plan=None,
                          country=None)
    for city, country in cities:
        make_event(client, world, kind="festival", parent_id=campaign, city=city,
                   country=country, visitors=1000, slot_plan=None)
    return campaign


def test_city_resolution_ambiguous_and_unknown(client: TestClient, world: World) -> None:
    campaign = _campaign(client, world, [("Hamburg", "DE"), ("汉堡", "DE"), ("Columbus", "US"),
                                         ("Atlantisburg", "DE"), ("Frankfurt", "DE")])
    found = client.get(f"/api/v1/events/{campaign}/map", headers=world["bureau"]).json()
    by_city = {c["city"]: c for c in found["cities"]}
    assert by_city["Hamburg"]["match"] == by_city["汉堡"]["match"] == "found"
    assert by_city["汉堡"]["place"]["geonameid"] == by_city["Hamburg"]["place"]["geonameid"]
    assert by_city["Frankfurt"]["place"]["name"] == "Frankfurt am Main"
    columbus = by_city["Columbus"]
    assert columbus["match"] == "ambiguous"
    assert columbus["place"]["admin1"] == "OH"  # drawn at the most populous namesake
    assert {p["admin1"] for p in columbus["candidates"]} >= {"OH", "GA", "IN"}
    assert by_city["Atlantisburg"]["match"] == "unknown"
    assert by_city["Atlantisburg"]["place"] is None
    assert (found["placed"], found["ambiguous"], found["unknown"]) == (4, 1, 1)
    # the public sees where the cities are, not the namesakes to choose from
    public = client.get(f"/api/v1/events/{campaign}/map").json()
    assert all(c["candidates"] == [] for c in public["cities"])
    # the organisers are told, and choose Columbus, Georgia
    english = {"Accept-Language": "en"}
    page = client.get(f"/events/{campaign}", headers=world["bureau"] | english).text
    assert "several namesakes" in page
    assert "The gazetteer has no city Atlantisburg (DE)" in page
    assert "several namesakes" not in client.get(f"/events/{campaign}", headers=english).text
    georgia = next(p for p in columbus["candidates"] if p["admin1"] == "GA")
    chosen = client.patch(f"/api/v1/events/{columbus['event_ids'][0]}",
                          headers=world["bureau"], json={"geonameid": georgia["geonameid"]})
    assert chosen.status_code == 200, chosen.text
    again = {c["city"]: c for c in client.get(f"/api/v1/events/{campaign}/map").json()[
        "cities"]}
    assert again["Columbus"]["match"] == "chosen"
    assert again["Columbus"]["place"]["admin1"] == "GA"
    unknown = client.patch(f"/api/v1/events/{columbus['event_ids'][0]}",
                           headers=world["bureau"], json={"geonameid": 999_999_999})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "geonameid"


def test_the_map_is_svg_with_every_city_inside_its_box(client: TestClient,
                                                      world: World) -> None:
    campaign = _campaign(client, world, [("Hamburg", "DE"), ("Auckland", "NZ"),
                                         ("Lyon", "FR"), ("Columbus", "US"),
                                         ("Nowhereville", "FR")])
    response = client.get(f"/api/v1/events/{campaign}/map.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.text)
    assert root.tag == f"{SVG_NS}svg"
    _, _, width, height = (float(v) for v in root.attrib["viewBox"].split())
    dots = root.findall(f".//{SVG_NS}circle")
    labels = [t.text for t in root.findall(f".//{SVG_NS}text[@class='label']")]
    assert sorted(labels) == ["Auckland", "Columbus", "Hamburg", "Lyon"]  # not the unknown
    assert len(dots) == 4
    for dot in dots:
        assert 0 <= float(dot.attrib["cx"]) <= width
        assert 0 <= float(dot.attrib["cy"]) <= height
    uncertain = [d for d in dots if "uncertain" in d.attrib["class"]]
    assert [d.find(f"{SVG_NS}title").text for d in uncertain] == ["Columbus"]  # type: ignore[union-attr]
    assert len(root.findall(f".//{SVG_NS}line")) > 10  # the graticule
    assert "<script" not in response.text
    assert "http" not in response.text.replace("http://www.w3.org/2000/svg", "")
