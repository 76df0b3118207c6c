"""The events pages (issue 11): the list shows published events (and the unpublished ones to
their organisers), an event's public page leads the organisers to the schedule and a
participant to its agenda, and /my links the events for each role — in zh and en."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.integration.events.support import SEEK, World, make_event, make_world, register


@pytest.fixture
def world(client: TestClient, session: Session) -> World:
    return make_world(client, session)


def test_list_public_page_and_my_link(client: TestClient, world: World) -> None:
    shown = make_event(client, world, place="Hall 3")
    hidden = make_event(client, world, published=False, title_en="Secret planning day")
    client.cookies.set("lang", "en")
    listed = client.get("/events", headers=world["buyer"])
    assert listed.status_code == 200
    assert f'href="/events/{shown}"' in listed.text
    assert "Secret planning day" not in listed.text
    assert "Secret planning day" in client.get("/events", headers=world["bureau"]).text
    assert client.get(f"/events/{hidden}", headers=world["buyer"]).status_code == 404
    page = client.get(f"/events/{shown}", headers=world["buyer"])
    assert f'href="/events/{shown}/agenda"' in page.text
    assert f'href="/events/{shown}/schedule"' not in page.text
    staff = client.get(f"/events/{shown}", headers=world["bureau"])
    assert f'href="/events/{shown}/schedule"' in staff.text
    assert "12 slots" in staff.text
    client.cookies.set("lang", "zh")
    assert "自行车对接会" in client.get(f"/events/{shown}", headers=world["buyer"]).text
    for who in ("buyer", "A", "bureau"):
        assert 'id="events-link"' in client.get("/my", headers=world[who]).text


def test_meetings_page_request_accept_and_agenda(client: TestClient, world: World) -> None:
    event = make_event(client, world)
    a = register(client, world, event, "A")
    buyer = register(client, world, event, "buyer", seeks=[{"text": SEEK, "quantity": 200}])
    client.cookies.set("lang", "en")
    page = client.get(f"/events/{event}/meetings", headers=world["buyer"])
    assert page.status_code == 200
    assert f'id="suggestion-{a}"' in page.text
    assert "Request a meeting" in page.text
    asked = client.post(f"/events/{event}/meeting-requests", headers=world["buyer"],
                        data={"from_registration_id": str(buyer), "to_registration_id": str(a)},
                        follow_redirects=False)
    assert asked.status_code == 303
    works = client.get(f"/events/{event}/meetings", headers=world["A"])
    assert "Velo Import GmbH" in works.text
    assert "/accept" in works.text
    rid = int(works.text.split('id="request-')[1].split('"')[0])
    accepted = client.post(f"/events/meeting-requests/{rid}/accept", headers=world["A"],
                           follow_redirects=False)
    assert accepted.status_code == 303
    again = client.post(f"/events/meeting-requests/{rid}/accept", headers=world["A"])
    assert again.status_code == 409
    assert "cannot change so now" in again.text
    client.post(f"/events/{event}/schedule", headers=world["bureau"])
    client.post(f"/events/{event}/schedule/publish", headers=world["bureau"])
    for who, other in (("buyer", "RFQ Works A"), ("A", "Velo Import GmbH")):
        agenda = client.get(f"/events/{event}/agenda", headers=world[who])
        assert agenda.text.count('id="meeting-') == 1
        assert other in agenda.text
    client.cookies.set("lang", "zh")
    assert "推荐" in client.get(f"/events/{event}/meetings", headers=world["buyer"]).text


def test_organisers_decide_registrations_on_the_schedule_page(client: TestClient,
                                                               world: World) -> None:
    event = make_event(client, world, max_meetings=4)
    pending = register(client, world, event, "B", approve=False)
    client.cookies.set("lang", "en")
    page = client.get(f"/events/{event}/schedule", headers=world["bureau"])
    assert f'id="registration-{pending}"' in page.text
    assert "registrations/export?format=xlsx" in page.text
    assert "At most 4 meetings a participant." in page.text
    done = client.post(f"/events/registrations/{pending}/decision", headers=world["bureau"],
                       data={"approve": "1"}, follow_redirects=False)
    assert done.status_code == 303
    seen = client.get(f"/api/v1/events/registrations/{pending}", headers=world["bureau"])
    assert seen.json()["status"] == "approved"
    refused = client.post(f"/events/registrations/{pending}/decision", headers=world["B"],
                          data={"approve": "0"})
    assert refused.status_code == 403


def test_registration_form_prefills_and_registers(client: TestClient, world: World) -> None:
    event = make_event(client, world)
    client.cookies.set("lang", "en")
    form = client.get(f"/events/{event}/register", headers=world["A"])
    assert form.status_code == 200
    assert "What you offer" in form.text
    assert form.text.count('name="slots"') == 12  # the slot plan's slots, with their times
    assert "09:00–09:20" in form.text
    offered = form.text.split('name="items"')[1].split("</textarea>")[0]
    assert offered.strip(">\n ")  # prefilled from the catalog
    done = client.post(f"/events/{event}/register", headers=world["A"], data={
        "enterprise_id": str(world.catalog.works["A"]), "attendees": "Li Wei; sales; zh en",
        "items": "titanium frames", "slots": ["0", "1", "2"]}, follow_redirects=False)
    assert done.status_code == 303, done.text[:500]
    mine = client.get(f"/api/v1/events/{event}/registrations", headers=world["A"]).json()
    assert mine[0]["available_slots"] == [0, 1, 2]
    assert mine[0]["attendees"][0]["languages"] == ["zh", "en"]
    assert mine[0]["offers"] == [{"text": "titanium frames", "sku": None, "request_id": None,
                                  "quantity": None}]
    client.cookies.set("lang", "de")
    buyer = client.get(f"/events/{event}/register", headers=world["buyer"])
    assert "Was Sie suchen" in buyer.text
