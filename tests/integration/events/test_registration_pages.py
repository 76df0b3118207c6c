"""A registration's edit page (its side changes attendees, offers and seeks — ticked from its
catalog or open requests, or typed —, and slots, until the deadline), the organisers'
settings form of a docking day, the notices of registration decisions and of meeting requests
withdrawn with a registration (each sent once), and enterprise names in the reader's language
on the event pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.events.support import SEEK, World, make_event, make_world, register
from tradebase.accounts.models import User
from tradebase.events.models import Event, Registration
from tradebase.notifications.models import Notification


@pytest.fixture
def world(client: TestClient, session: Session) -> World:
    return make_world(client, session)


def _notices(session: Session, email: str, kind: str | None = None) -> list[Notification]:
    user = session.scalars(select(User).where(User.email == email)).one()
    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(session.scalars(stmt.order_by(Notification.id)))


def _inbox_text(client: TestClient, headers: dict[str, str], lang: str) -> str:
    client.cookies.set("lang", lang)
    page = client.get("/inbox", headers=headers)
    assert page.status_code == 200
    return page.text


# --- the edit page ---------------------------------------------------------------------------


def test_the_side_edits_its_registration(client: TestClient, world: World,
                                         session: Session) -> None:
    event = make_event(client, world)
    rid = register(client, world, event, "A", approve=False)
    client.cookies.set("lang", "en")
    page = client.get(f"/events/registrations/{rid}/edit", headers=world["A"])
    assert page.status_code == 200
    assert 'name="catalog" value="sku:RFQ-A-1" checked' in page.text  # prefilled, ticked
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version is not None
    saved = client.post(f"/events/registrations/{rid}/edit", headers=world["A"], data={
        "version": version.group(1), "attendees": "Li Wei; sales manager; zh en\nAnna",
        "offers": "Titanium forks\nTitanium forks", "seeks": "A distributor in Sweden",
        "slots": ["0", "1", "2"]}, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:3000]
    stored = session.get(Registration, rid)
    assert stored is not None
    session.refresh(stored)
    assert stored.attendees == [{"name": "Li Wei", "role": "sales manager",
                                 "languages": ["zh", "en"]},
                                {"name": "Anna", "role": "", "languages": []}]
    assert [o["text"] for o in stored.offers] == ["Titanium forks"]  # the box unticked
    assert stored.seeks == [{"text": "A distributor in Sweden"}]
    assert stored.available_slots == [0, 1, 2]
    again = client.get(f"/events/registrations/{rid}/edit", headers=world["A"]).text
    assert 'value="sku:RFQ-A-1" checked' not in again
    assert "Titanium forks" in again
    every = client.post(f"/events/registrations/{rid}/edit", headers=world["A"], data={
        "version": str(stored.version), "attendees": "Anna", "catalog": "sku:RFQ-A-1",
        "offers": "Titanium forks", "slots": [str(i) for i in range(12)]},
        follow_redirects=False)
    assert every.status_code == 303
    session.refresh(stored)
    assert stored.available_slots is None  # every slot
    assert stored.offers[0]["sku"] == "RFQ-A-1"  # the listing, linked
    assert [o["text"] for o in stored.offers][1:] == ["Titanium forks"]


def test_a_typed_catalog_title_shows_ticked(client: TestClient, world: World,
                                            session: Session) -> None:
    event = make_event(client, world)
    rid = register(client, world, event, "A", approve=False,
                   offers=[{"text": "Titanium gravel bicycle frame"}])  # as the form types it
    client.cookies.set("lang", "en")
    page = client.get(f"/events/registrations/{rid}/edit", headers=world["A"]).text
    assert 'value="sku:RFQ-A-1" checked' in page
    assert ">Titanium gravel bicycle frame</textarea>" not in page
    saved = client.post(f"/events/registrations/{rid}/edit", headers=world["A"], data={
        "attendees": "Anna", "catalog": "sku:RFQ-A-1",
        "offers": "Titanium gravel bicycle frame", "slots": ["0"]}, follow_redirects=False)
    assert saved.status_code == 303
    stored = session.get(Registration, rid)
    assert stored is not None
    session.refresh(stored)
    assert stored.offers == [{"text": "Titanium gravel bicycle frame", "sku": "RFQ-A-1"}]


def test_a_buyer_ticks_its_open_requests(client: TestClient, world: World) -> None:
    event = make_event(client, world)
    rid = register(client, world, event, "buyer", approve=False,
                   seeks=[{"text": "Carbon wheels"}])
    client.cookies.set("lang", "zh")
    page = client.get(f"/events/registrations/{rid}/edit", headers=world["buyer"])
    assert page.status_code == 200
    assert "Carbon wheels" in page.text
    assert "编辑报名" in page.text


def test_every_wrong_field_is_said_and_kept(client: TestClient, world: World) -> None:
    event = make_event(client, world)
    rid = register(client, world, event, "A", approve=False)
    for lang in ("zh", "en"):
        client.cookies.set("lang", lang)
        wrong = client.post(f"/events/registrations/{rid}/edit", headers=world["A"], data={
            "attendees": "Li Wei; sales; Deutsch", "offers": "x" * 2001,
            "seeks": "\n".join(f"need {i}" for i in range(51))}, follow_redirects=False)
        assert wrong.status_code == 422
        for name in ("attendees", "offers", "seeks", "slots"):
            assert f'id="error-{name}"' in wrong.text, name
        assert "Deutsch" in wrong.text
        assert "need 50" in wrong.text
        said = re.findall(r'<p class="error" id="error-[^"]+">([^<]*)</p>', wrong.text)
        if lang == "zh":
            assert all(re.search(r"[\u4e00-\u9fff]", text) for text in said), said


def test_a_stale_edit_shows_what_is_stored(client: TestClient, world: World) -> None:
    event = make_event(client, world)
    rid = register(client, world, event, "A", approve=False)
    changed = client.patch(f"/api/v1/events/registrations/{rid}", headers=world["A"],
                           json={"attendees": [{"name": "Someone else"}]})
    assert changed.status_code == 200
    client.cookies.set("lang", "en")
    stale = client.post(f"/events/registrations/{rid}/edit", headers=world["A"], data={
        "version": "1", "attendees": "Mine", "slots": ["0"]}, follow_redirects=False)
    assert stale.status_code == 409, re.findall(r"class=\"error\"[^<]*<", stale.text)
    assert "Someone else" in stale.text


def test_edits_end_at_the_deadline_but_not_for_the_organisers(
        client: TestClient, world: World, session: Session) -> None:
    event = make_event(client, world)
    rid = register(client, world, event, "A", approve=False)
    row = session.get(Event, event)
    assert row is not None
    row.registration_deadline = datetime.now(UTC).date() - timedelta(days=1)
    session.flush()
    client.cookies.set("lang", "en")
    page = client.get(f"/events/registrations/{rid}/edit", headers=world["A"])
    assert page.status_code == 200
    assert 'id="registration-locked"' in page.text
    assert "Save" not in page.text
    late = client.post(f"/events/registrations/{rid}/edit", headers=world["A"], data={
        "attendees": "Late", "slots": ["0"]}, follow_redirects=False)
    assert late.status_code == 422  # the service's refusal, said in the form
    assert "no longer changes" in late.text
    api = client.patch(f"/api/v1/events/registrations/{rid}", headers=world["A"],
                       json={"booth": "B-1"})
    assert api.status_code == 409
    assert api.json()["error"]["code"] == "events.deadline_passed"
    cancel = client.patch(f"/api/v1/events/registrations/{rid}", headers=world["B"],
                          json={"cancel": True})
    assert cancel.status_code in (403, 404)  # another enterprise's: never
    organiser = client.post(f"/events/registrations/{rid}/edit", headers=world["bureau"],
                            data={"attendees": "Added by the bureau", "slots": ["0"]},
                            follow_redirects=False)
    assert organiser.status_code == 303
    assert client.patch(f"/api/v1/events/registrations/{rid}", headers=world["A"],
                        json={"cancel": True}).status_code == 200  # cancelling still can


def test_another_party_may_not_edit(client: TestClient, world: World) -> None:
    event = make_event(client, world)
    rid = register(client, world, event, "A", approve=False)
    assert client.get(f"/events/registrations/{rid}/edit",
                      headers=world["B"]).status_code == 404
    assert client.post(f"/events/registrations/{rid}/edit", headers=world["buyer"],
                       data={"attendees": "x"}).status_code == 404


# --- the organisers' settings ---------------------------------------------------------------


def test_the_organisers_settings_form(client: TestClient, world: World,
                                      session: Session) -> None:
    event = make_event(client, world)
    client.cookies.set("lang", "en")
    page = client.get(f"/events/{event}/settings", headers=world["bureau"])
    assert page.status_code == 200
    assert "6; 60" in page.text
    assert 'value="09:00"' in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version is not None
    saved = client.post(f"/events/{event}/settings", headers=world["bureau"], data={
        "version": version.group(1), "capacity": "30", "over_capacity": "refuse",
        "registration_deadline": "2027-05-01", "max_requests": "8", "max_meetings": "6",
        "auto_accept": "on", "slot_minutes": "30", "day_start": "08:30",
        "sessions": "4; 90\n4", "tables": "12"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:3000]
    stored = session.get(Event, event)
    assert stored is not None
    session.refresh(stored)
    assert (stored.capacity, stored.over_capacity, stored.max_requests, stored.max_meetings,
            stored.auto_accept) == (30, "refuse", 8, 6, True)
    assert (stored.slot_minutes, stored.day_start, stored.tables) == (30, "08:30", 12)
    assert stored.sessions == [{"slots": 4, "break_after": 90}, {"slots": 4, "break_after": 0}]
    assert str(stored.registration_deadline) == "2027-05-01"
    shown = client.get(f"/events/{event}/settings?saved=1", headers=world["bureau"]).text
    assert 'id="settings-saved"' in shown
    assert "8 slots" in shown
    cleared = client.post(f"/events/{event}/settings", headers=world["bureau"], data={
        "version": str(stored.version), "over_capacity": "waitlist", "slot_minutes": "30",
        "day_start": "08:30", "sessions": "4; 90\n4", "tables": "12"},
        follow_redirects=False)
    assert cleared.status_code == 303
    session.refresh(stored)
    assert (stored.capacity, stored.max_requests, stored.auto_accept) == (None, None, False)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_wrong_setting_is_said_beside_it(client: TestClient, world: World,
                                               lang: str) -> None:
    event = make_event(client, world)
    client.cookies.set("lang", lang)
    wrong = {"capacity": "many", "over_capacity": "maybe", "registration_deadline": "soon",
             "max_requests": "-1", "max_meetings": "0", "slot_minutes": "2",
             "day_start": "9 o'clock", "sessions": "six", "tables": "lots"}
    page = client.post(f"/events/{event}/settings", headers=world["bureau"], data=wrong,
                       follow_redirects=False)
    assert page.status_code == 422
    for name in wrong:
        assert f'id="error-{name}"' in page.text, name
        assert f'href="#field-{name}"' in page.text, name
    for kept in ('value="many"', 'value="soon"', 'value="9 o&#39;clock"', 'value="lots"',
                 ">six</textarea>"):
        assert kept in page.text, kept
    said = re.findall(r'<p class="error" id="error-[^"]+">([^<]*)</p>', page.text)
    if lang == "zh":
        assert all(re.search(r"[\u4e00-\u9fff]", text) for text in said), said
    late = client.post(f"/events/{event}/settings", headers=world["bureau"], data={
        "over_capacity": "waitlist", "slot_minutes": "240", "day_start": "20:00",
        "sessions": "3", "tables": "4", "registration_deadline": "2027-06-01"},
        follow_redirects=False)
    assert late.status_code == 422
    assert 'id="error-sessions"' in late.text  # past midnight
    deadline = client.post(f"/events/{event}/settings", headers=world["bureau"], data={
        "over_capacity": "waitlist", "registration_deadline": "2027-06-01"},
        follow_redirects=False)
    assert deadline.status_code == 422  # after the event's end
    assert 'id="error-registration_deadline"' in deadline.text


def test_only_the_organisers_see_the_settings(client: TestClient, world: World) -> None:
    event = make_event(client, world)
    for who in ("A", "buyer"):
        assert client.get(f"/events/{event}/settings", headers=world[who]).status_code == 403
        assert client.post(f"/events/{event}/settings", headers=world[who],
                           data={"capacity": "1"}).status_code == 403


# --- notices ---------------------------------------------------------------------------------


def test_decisions_are_told_once(client: TestClient, world: World, session: Session) -> None:
    event = make_event(client, world, capacity=1)
    a = register(client, world, event, "A", approve=False)
    b = register(client, world, event, "B", approve=False)
    e = register(client, world, event, "E", approve=False)

    def decide(rid: int, approve: bool) -> str:
        done = client.post(f"/api/v1/events/registrations/{rid}/decision",
                           headers=world["bureau"], json={"approve": approve})
        assert done.status_code == 200, done.text
        return str(done.json()["status"])

    assert decide(a, True) == "approved"
    assert decide(a, True) == "approved"  # again: nothing new to tell
    assert decide(b, True) == "waitlisted"
    assert decide(b, True) == "waitlisted"
    assert decide(e, False) == "declined"
    told = {who: [n.params["status"] for n in _notices(
        session, f"ev-works-{who.lower()}@example.com", "registration_decided")]
        for who in ("A", "B", "E")}
    assert told == {"A": ["approved"], "B": ["waitlisted"], "E": ["declined"]}
    assert _notices(session, "ev-bureau@example.com", "registration_decided") == []
    cancelled = client.patch(f"/api/v1/events/registrations/{a}", headers=world["A"],
                             json={"cancel": True})
    assert cancelled.status_code == 200
    promoted = [n.params["status"] for n in _notices(
        session, "ev-works-b@example.com", "registration_decided")]
    assert promoted == ["waitlisted", "approved"]  # a place came free
    zh = _inbox_text(client, world["B"], "zh")
    assert "询价工厂B" in zh
    assert "候补" in zh
    en = _inbox_text(client, world["B"], "en")
    assert "RFQ Works B" in en
    assert "waiting list" in en


def test_requests_withdrawn_with_a_registration_are_told_once(
        client: TestClient, world: World, session: Session) -> None:
    event = make_event(client, world)
    a = register(client, world, event, "A")
    b = register(client, world, event, "B")
    buyer = register(client, world, event, "buyer", seeks=[{"text": SEEK}])
    for to in (a, b):
        asked = client.post(f"/api/v1/events/{event}/meeting-requests", headers=world["buyer"],
                            json={"from_registration_id": buyer, "to_registration_id": to})
        assert asked.status_code == 201, asked.text
    first = client.get(f"/api/v1/events/{event}/meeting-requests",
                       headers=world["buyer"]).json()[0]["id"]
    withdrawn = client.post(f"/api/v1/events/meeting-requests/{first}/withdraw",
                            headers=world["buyer"])
    assert withdrawn.status_code == 200
    cancelled = client.patch(f"/api/v1/events/registrations/{buyer}", headers=world["buyer"],
                             json={"cancel": True})
    assert cancelled.status_code == 200
    to_a = _notices(session, "ev-works-a@example.com", "meeting_withdrawn")
    to_b = _notices(session, "ev-works-b@example.com", "meeting_withdrawn")
    assert [n.params.get("cause") for n in to_a] == [None]  # withdrawn once, by the buyer
    assert [n.params.get("cause") for n in to_b] == ["cancelled"]
    assert _notices(session, "ev-buyer@example.com", "meeting_withdrawn") == []
    en = _inbox_text(client, world["B"], "en")
    assert "Velo Import GmbH cancelled its registration" in en
    zh = _inbox_text(client, world["B"], "zh")
    assert "撤回" in zh


def test_a_declined_registration_withdraws_and_tells(client: TestClient, world: World,
                                                    session: Session) -> None:
    event = make_event(client, world)
    a = register(client, world, event, "A")
    buyer = register(client, world, event, "buyer", seeks=[{"text": SEEK}])
    asked = client.post(f"/api/v1/events/{event}/meeting-requests", headers=world["A"],
                        json={"from_registration_id": a, "to_registration_id": buyer})
    assert asked.status_code == 201
    declined = client.post(f"/api/v1/events/registrations/{a}/decision",
                           headers=world["bureau"], json={"approve": False})
    assert declined.status_code == 200
    told = _notices(session, "ev-buyer@example.com", "meeting_withdrawn")
    assert [n.params["cause"] for n in told] == ["declined"]
    assert [n.params["status"] for n in _notices(
        session, "ev-works-a@example.com", "registration_decided")] == ["approved", "declined"]


# --- names in the reader's language ----------------------------------------------------------


def test_enterprise_names_follow_the_language(client: TestClient, world: World) -> None:
    event = make_event(client, world)
    a = register(client, world, event, "A")
    buyer = register(client, world, event, "buyer", seeks=[{"text": SEEK, "quantity": 200}])
    asked = client.post(f"/api/v1/events/{event}/meeting-requests", headers=world["buyer"],
                        json={"from_registration_id": buyer, "to_registration_id": a})
    assert asked.status_code == 201
    client.cookies.set("lang", "zh")
    meetings = client.get(f"/events/{event}/meetings", headers=world["buyer"]).text
    assert "询价工厂A" in meetings
    assert "RFQ Works A" not in meetings
    schedule = client.get(f"/events/{event}/schedule", headers=world["bureau"]).text
    assert "询价工厂A" in schedule
    assert "RFQ Works A" not in schedule
    assert "询价工厂A" in _inbox_text(client, world["A"], "zh")  # the request's notice
    client.cookies.set("lang", "en")
    meetings = client.get(f"/events/{event}/meetings", headers=world["buyer"]).text
    assert "RFQ Works A" in meetings
    page = client.get(f"/events/{event}", headers=world["A"]).text
    assert f'href="/events/registrations/{a}/edit"' in page
