"""Meeting requests through the API (issue 11): the state machine and its errors, automatic
acceptance, caps on requests and meetings, priorities and the organisers' override, who sees
which request, private notes, and the other side told through its inbox."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.events.support import World, make_event, make_world, register
from tradebase.accounts.models import User
from tradebase.notifications.models import Notification


@pytest.fixture
def world(client: TestClient, session: Session) -> World:
    return make_world(client, session)


def _ask(client: TestClient, world: World, event: int, who: str, source: int, target: int,
         **fields: Any) -> Any:
    return client.post(f"/api/v1/events/{event}/meeting-requests", headers=world[who],
                       json={"from_registration_id": source, "to_registration_id": target,
                             **fields})


def _inbox(session: Session, email: str) -> list[str]:
    """The kinds of the user's meeting notices (its registration's approval aside:
    test_registration_pages.py checks those)."""
    user = session.scalars(select(User).where(User.email == email)).one()
    return [n.kind for n in session.scalars(
        select(Notification).where(Notification.user_id == user.id,
                                   Notification.kind != "registration_decided")
        .order_by(Notification.id))]


def test_state_machine(client: TestClient, world: World, session: Session) -> None:
    event = make_event(client, world)
    a = register(client, world, event, "A")
    buyer = register(client, world, event, "buyer")
    made = _ask(client, world, event, "buyer", buyer, a, priority=5, message="frames",
                note="our ceiling is 90 EUR")
    assert made.status_code == 201, made.text
    request = made.json()
    assert (request["status"], request["my_side"], request["my_note"]) == (
        "requested", "requester", "our ceiling is 90 EUR")
    assert _inbox(session, "ev-works-a@example.com") == ["meeting_requested"]
    rid = request["id"]
    # the requester does not accept its own request; the recipient does not withdraw it
    assert client.post(f"/api/v1/events/meeting-requests/{rid}/accept",
                       headers=world["buyer"]).status_code == 403
    assert client.post(f"/api/v1/events/meeting-requests/{rid}/withdraw",
                       headers=world["A"]).status_code == 403
    seen = client.get(f"/api/v1/events/meeting-requests/{rid}", headers=world["A"]).json()
    assert (seen["my_side"], seen["my_note"], seen["message"]) == ("recipient", "", "frames")
    assert "90 EUR" not in str(seen)  # never the other side's private note
    bureau = client.get(f"/api/v1/events/meeting-requests/{rid}", headers=world["bureau"])
    assert bureau.json()["my_note"] is None
    assert "90 EUR" not in bureau.text
    accepted = client.post(f"/api/v1/events/meeting-requests/{rid}/accept",
                           headers=world["A"])
    assert accepted.json()["status"] == "accepted"
    assert "meeting_answered" in _inbox(session, "ev-buyer@example.com")
    again = client.post(f"/api/v1/events/meeting-requests/{rid}/decline", headers=world["A"])
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "events.meeting_state"
    assert "accepted" in again.json()["error"]["message"]
    duplicate = _ask(client, world, event, "A", a, buyer)
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "events.meeting_exists"
    withdrawn = client.post(f"/api/v1/events/meeting-requests/{rid}/withdraw",
                            headers=world["colleague"])  # a buyer of the same organisation
    assert withdrawn.json()["status"] == "withdrawn"
    assert "meeting_withdrawn" in _inbox(session, "ev-works-a@example.com")
    assert client.post(f"/api/v1/events/meeting-requests/{rid}/withdraw",
                       headers=world["buyer"]).status_code == 409
    # now the pair may ask again, the other way round, and decline
    other = _ask(client, world, event, "A", a, buyer).json()
    declined = client.post(f"/api/v1/events/meeting-requests/{other['id']}/decline",
                           headers=world["buyer"])
    assert declined.json()["status"] == "declined"


def test_requests_need_approved_own_registrations(client: TestClient, world: World) -> None:
    event = make_event(client, world)
    a = register(client, world, event, "A")
    pending = register(client, world, event, "B", approve=False)
    buyer = register(client, world, event, "buyer")
    assert _ask(client, world, event, "E", a, buyer).status_code == 403  # not E's
    refused = _ask(client, world, event, "buyer", buyer, pending)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "events.not_approved"
    assert refused.json()["error"]["field"] == "to_registration_id"
    itself = _ask(client, world, event, "A", a, a)
    assert itself.status_code == 422
    elsewhere = make_event(client, world)
    foreign = _ask(client, world, elsewhere, "buyer", buyer, a)
    assert foreign.status_code == 422
    assert foreign.json()["error"]["code"] == "events.unknown_registration"


def test_caps_and_auto_accept(client: TestClient, world: World) -> None:
    event = make_event(client, world, auto_accept=True, max_requests=2, max_meetings=1)
    a = register(client, world, event, "A")
    b = register(client, world, event, "B")
    e = register(client, world, event, "E")
    buyer = register(client, world, event, "buyer")
    first = _ask(client, world, event, "buyer", buyer, a).json()
    assert first["status"] == "accepted"  # automatic acceptance
    second = _ask(client, world, event, "buyer", buyer, b).json()
    assert second["status"] == "requested"  # the buyer has its one meeting: it waits
    capped = client.post(f"/api/v1/events/meeting-requests/{second['id']}/accept",
                         headers=world["B"])
    assert capped.status_code == 409
    assert capped.json()["error"]["code"] == "events.meeting_cap"
    assert "Velo Import GmbH" in capped.json()["error"]["message"]
    third = _ask(client, world, event, "buyer", buyer, e)
    assert third.status_code == 409
    assert third.json()["error"]["code"] == "events.request_cap"
    assert third.json()["error"]["field"] == "max_requests"
    # withdrawing frees both caps
    client.post(f"/api/v1/events/meeting-requests/{first['id']}/withdraw",
                headers=world["buyer"])
    assert client.post(f"/api/v1/events/meeting-requests/{second['id']}/accept",
                       headers=world["B"]).json()["status"] == "accepted"


def test_priorities_and_visibility(client: TestClient, world: World) -> None:
    event = make_event(client, world)
    a = register(client, world, event, "A")
    b = register(client, world, event, "B")
    buyer = register(client, world, event, "buyer")
    rival = register(client, world, event, "rival")
    mine = _ask(client, world, event, "buyer", buyer, a, priority=2).json()
    theirs = _ask(client, world, event, "rival", rival, b, note="rival secret").json()
    assert _ask(client, world, event, "buyer", buyer, b, priority=9).status_code == 422
    listed = client.get(f"/api/v1/events/{event}/meeting-requests", headers=world["buyer"])
    assert [r["id"] for r in listed.json()] == [mine["id"]]
    assert client.get(f"/api/v1/events/meeting-requests/{theirs['id']}",
                      headers=world["buyer"]).status_code == 404
    assert [r["id"] for r in client.get(f"/api/v1/events/{event}/meeting-requests",
                                        headers=world["B"]).json()] == [theirs["id"]]
    everything = client.get(f"/api/v1/events/{event}/meeting-requests",
                            headers=world["bureau"])
    assert [r["id"] for r in everything.json()] == [mine["id"], theirs["id"]]
    assert "rival secret" not in everything.text
    # the requester's priority; the organisers' override; the recipient sets neither
    assert client.patch(f"/api/v1/events/meeting-requests/{mine['id']}", headers=world["A"],
                        json={"priority": 5}).status_code == 403
    raised = client.patch(f"/api/v1/events/meeting-requests/{mine['id']}",
                          headers=world["buyer"], json={"priority": 4})
    assert raised.json()["effective_priority"] == 4
    assert client.patch(f"/api/v1/events/meeting-requests/{mine['id']}",
                        headers=world["buyer"],
                        json={"organiser_priority": 5}).status_code == 403
    override = client.patch(f"/api/v1/events/meeting-requests/{mine['id']}",
                            headers=world["bureau"], json={"organiser_priority": 1})
    assert (override.json()["priority"], override.json()["effective_priority"]) == (4, 1)
    noted = client.patch(f"/api/v1/events/meeting-requests/{mine['id']}", headers=world["A"],
                         json={"note": "ask about forks"})
    assert noted.json()["my_note"] == "ask about forks"
    seen = client.get(f"/api/v1/events/meeting-requests/{mine['id']}", headers=world["buyer"])
    assert "forks" not in seen.text
    cleared = client.patch(f"/api/v1/events/meeting-requests/{mine['id']}",
                           headers=world["bureau"], json={"clear_organiser_priority": True})
    assert cleared.json()["effective_priority"] == 4


def test_stale_if_match(client: TestClient, world: World) -> None:
    event = make_event(client, world)
    a = register(client, world, event, "A")
    buyer = register(client, world, event, "buyer")
    request = _ask(client, world, event, "buyer", buyer, a).json()
    client.patch(f"/api/v1/events/meeting-requests/{request['id']}", headers=world["buyer"],
                 json={"priority": 1})
    stale = client.post(f"/api/v1/events/meeting-requests/{request['id']}/accept",
                        headers={**world["A"], "If-Match": f'"{request["version"]}"'})
    assert stale.status_code in (409, 412)
