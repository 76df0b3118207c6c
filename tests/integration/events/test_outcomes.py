"""Outcomes of a docking day's meetings through the API (issue 11): an intention signed at a
meeting is the docking workflow's one intention (linked, corrected in place, never copied);
only the meeting's two sides and the organisers see an outcome; the follow-up's contract and
order are the intention's docking order; the event's totals count it all, are public only once
published, and then are the organising base's indicator facts with the event as source."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.events.support import World, make_event, make_world, register
from tradebase.accounts.guard import set_actor
from tradebase.accounts.policy import SYSTEM
from tradebase.docking import service as docking
from tradebase.docking.models import CooperationIntention, Enquiry
from tradebase.events.demo import BASE_KEY, SOURCE_ID
from tradebase.events.models import Event
from tradebase.events.outcome_models import EventFact, MeetingOutcome
from tradebase.registry.models import Base, IndicatorFact

PLAN = {"slot_minutes": 30, "day_start": "09:00", "tables": 3, "sessions": [{"slots": 4}]}
SIGNED = {"quantity": 2000, "unit": "frames", "value": 360000, "currency": "EUR"}


@pytest.fixture
def world(client: TestClient, session: Session) -> World:
    return make_world(client, session)


def _ask(client: TestClient, world: World, event: int, who: str, source: int,
         target: int) -> int:
    made = client.post(f"/api/v1/events/{event}/meeting-requests", headers=world[who],
                       json={"from_registration_id": source, "to_registration_id": target})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _held_day(client: TestClient, world: World) -> tuple[int, dict[str, int]]:
    """A published schedule: the buyer meets works A, the rival meets A, A meets B."""
    event = make_event(client, world, slot_plan=PLAN, auto_accept=True)
    regs = {who: register(client, world, event, who) for who in ("A", "B", "E", "buyer",
                                                                  "rival")}
    asked = {"buyer-A": _ask(client, world, event, "buyer", regs["buyer"], regs["A"]),
             "rival-A": _ask(client, world, event, "rival", regs["rival"], regs["A"]),
             "A-B": _ask(client, world, event, "A", regs["A"], regs["B"])}
    assert client.post(f"/api/v1/events/{event}/schedule",
                       headers=world["bureau"]).status_code == 200
    done = client.post(f"/api/v1/events/{event}/schedule/publish", headers=world["bureau"])
    assert done.status_code == 200, done.text
    by_request = {m["meeting_request_id"]: m["id"] for m in done.json()["meetings"]}
    return event, {name: by_request[rid] for name, rid in asked.items()}


def _put(client: TestClient, world: World, who: str, meeting: int, body: dict[str, Any]
         ) -> Any:
    return client.put(f"/api/v1/events/meetings/{meeting}/outcome", headers=world[who],
                      json=body)


def _intentions(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CooperationIntention)) or 0


def test_the_intention_is_the_docking_one(client: TestClient, world: World,
                                          session: Session) -> None:
    event, meetings = _held_day(client, world)
    before = _intentions(session)
    made = _put(client, world, "buyer", meetings["buyer-A"],
                {"result": "intention", "note": "frames for 2028", "intention": SIGNED})
    assert made.status_code == 200, made.text
    linked = made.json()["intention"]
    assert (linked["quantity"], linked["unit"], linked["value"], linked["currency"],
            linked["status"], linked["order_status"]) == (2000, "frames", 360000.0, "EUR",
                                                          "accepted", None)
    assert _intentions(session) == before + 1
    # the docking workflow reads the same row: its enquiry is to works A, from the buyer
    seen = client.get(f"/api/v1/docking/enquiries/{linked['enquiry_id']}",
                      headers=world["buyer"])
    assert seen.status_code == 200, seen.text
    assert [(i["id"], i["value"]) for i in seen.json()["intentions"]] == [
        (linked["id"], 360000.0)]
    enquiry = session.get(Enquiry, linked["enquiry_id"])
    assert enquiry is not None
    assert (enquiry.enterprise_id, enquiry.origin) == (world.catalog.works["A"], "event")
    assert client.get(f"/api/v1/docking/enquiries/{linked['enquiry_id']}",
                      headers=world["A"]).status_code == 200
    # corrected by the other side: the same intention, changed in place, no copy
    fixed = _put(client, world, "A", meetings["buyer-A"],
                 {"result": "intention", "intention": {**SIGNED, "value": 380000}})
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["intention"]["id"] == linked["id"]
    assert _intentions(session) == before + 1
    session.expire_all()
    stored = session.get(CooperationIntention, linked["id"])
    assert stored is not None
    assert stored.value == 380000
    assert session.scalar(select(func.count()).select_from(MeetingOutcome)
                          .where(MeetingOutcome.event_id == event)) == 1
    # once signed, the result does not change away from it
    undone = _put(client, world, "bureau", meetings["buyer-A"], {"result": "no_interest"})
    assert undone.status_code == 409
    assert undone.json()["error"]["code"] == "events.outcome_has_intention"
    # the base's docking dashboard counts it
    set_actor(session, SYSTEM)
    board = docking.dashboard(session=session, base_id=world.catalog.base_id)
    assert board.intentions >= 1
    assert board.value.get("EUR", 0) >= 380000


def test_bad_input_names_the_field(client: TestClient, world: World, session: Session) -> None:
    _, meetings = _held_day(client, world)
    before = _intentions(session)
    missing = _put(client, world, "buyer", meetings["buyer-A"], {"result": "intention"})
    assert missing.status_code == 422
    assert missing.json()["error"]["field"] == "intention"
    unexpected = _put(client, world, "buyer", meetings["buyer-A"],
                      {"result": "follow_up", "intention": SIGNED})
    assert unexpected.status_code == 422
    assert unexpected.json()["error"]["code"] == "events.outcome_intention_unexpected"
    bad = _put(client, world, "buyer", meetings["buyer-A"],
               {"result": "intention", "intention": {**SIGNED, "quantity": -5}})
    assert bad.status_code == 422
    assert "quantity" in bad.json()["error"]["field"]
    # both sides are enterprises: which supplies?
    which = _put(client, world, "A", meetings["A-B"], {"result": "intention", "intention": SIGNED})
    assert which.status_code == 422
    assert which.json()["error"]["code"] == "events.outcome_supplier_needed"
    assert _intentions(session) == before  # nothing half-written
    regs = {r["enterprise_id"]: r["id"] for r in client.get(
        f"/api/v1/events/{_event_of(session, meetings['A-B'])}/registrations",
        headers=world["bureau"]).json() if r.get("enterprise_id")}
    b_reg = regs[world.catalog.works["B"]]
    named = _put(client, world, "A", meetings["A-B"],
                 {"result": "intention",
                  "intention": {**SIGNED, "supplier_registration_id": b_reg}})
    assert named.status_code == 200, named.text
    enquiry = session.get(Enquiry, named.json()["intention"]["enquiry_id"])
    assert enquiry is not None
    assert enquiry.enterprise_id == world.catalog.works["B"]


def _event_of(session: Session, meeting_id: int) -> int:
    from tradebase.events.models import EventMeeting

    row = session.get(EventMeeting, meeting_id)
    assert row is not None
    return row.event_id


def test_only_the_two_sides_and_the_organisers_see_an_outcome(
        client: TestClient, world: World) -> None:
    event, meetings = _held_day(client, world)
    secret = "buyer-a-outcome-note-zx"
    assert _put(client, world, "buyer", meetings["buyer-A"],
                {"result": "sample_order", "note": secret}).status_code == 200
    url = f"/api/v1/events/meetings/{meetings['buyer-A']}/outcome"
    for who in ("buyer", "colleague", "A", "bureau"):
        got = client.get(url, headers=world[who])
        assert (got.status_code, got.json()["note"]) == (200, secret), who
    for who in ("rival", "E", "B"):
        assert client.get(url, headers=world[who]).status_code == 404, who
        assert _put(client, world, who, meetings["buyer-A"],
                    {"result": "no_interest"}).status_code == 404, who
        listed = client.get(f"/api/v1/events/{event}/outcomes", headers=world[who])
        assert secret not in listed.text, who
    assert client.get(url).status_code == 401
    page = client.get(f"/events/{event}/outcomes", headers=world["rival"])
    assert page.status_code == 200
    assert secret not in page.text
    assert secret in client.get(f"/events/{event}/outcomes", headers=world["A"]).text


def test_follow_up_totals_and_facts(client: TestClient, world: World, session: Session) -> None:
    event, meetings = _held_day(client, world)
    assert client.post(f"/api/v1/events/meetings/{meetings['buyer-A']}/outcome/follow-up",
                       headers=world["buyer"], json={"stage": "negotiation"}
                       ).status_code == 409  # nothing recorded yet
    _put(client, world, "buyer", meetings["buyer-A"],
         {"result": "intention", "intention": SIGNED})
    _put(client, world, "rival", meetings["rival-A"], {"result": "follow_up"})
    contract = client.post(f"/api/v1/events/meetings/{meetings['buyer-A']}/outcome/follow-up",
                           headers=world["A"], json={"stage": "contract"})
    assert contract.status_code == 200, contract.text
    assert contract.json()["intention"]["order_status"] == "contract_signed"
    order = client.post(f"/api/v1/events/meetings/{meetings['buyer-A']}/outcome/follow-up",
                        headers=world["bureau"], json={"stage": "order"})
    assert order.json()["intention"]["order_status"] == "in_production"
    assert order.json()["follow_up"] == "order"
    # unpublished: the organisers only
    totals_url = f"/api/v1/events/{event}/outcome-totals"
    assert client.get(totals_url).status_code == 404
    assert client.get(totals_url, headers=world["buyer"]).status_code == 404
    totals = client.get(totals_url, headers=world["bureau"]).json()
    assert {k: totals[k] for k in ("meetings_scheduled", "meetings_held", "intentions",
                                   "companies", "quantity", "value", "contracts",
                                   "orders")} == {
        "meetings_scheduled": 3, "meetings_held": 2, "intentions": 1, "companies": 1,
        "quantity": {"frames": 2000}, "value": {"EUR": 360000.0}, "contracts": 1,
        "orders": 1}
    assert totals["results"] == {"intention": 1, "follow_up": 1}
    assert client.post(f"/api/v1/events/{event}/outcome-totals/publish",
                       headers=world["buyer"]).status_code == 403
    published = client.post(f"/api/v1/events/{event}/outcome-totals/publish",
                            headers=world["bureau"])
    assert published.status_code == 200, published.text
    public = client.get(totals_url)
    assert public.status_code == 200
    assert public.json()["published"] is True
    assert "360000" not in client.get(f"/api/v1/events/{event}/outcomes").text
    facts = _facts(session, event)
    assert {(f.metric, f.value, f.unit, f.currency) for f in facts} == {
        ("docking_intention_companies", 1, "companies", None),
        ("docking_intention_quantity", 2000, "frames", None),
        ("docking_intention_value", 360000, None, "EUR")}
    assert all(f.base_id == world.catalog.base_id and f.source_id == f"event-{event}"
               and (f.year, f.month) == (2027, 5) for f in facts)
    # published again: replaced, not added
    client.post(f"/api/v1/events/{event}/outcome-totals/publish", headers=world["bureau"])
    assert len(_facts(session, event)) == 3
    page = client.get(f"/events/{event}")
    assert page.status_code == 200
    assert 'id="event-totals"' in page.text
    board = client.get(f"/docking/bases/{world.catalog.base_id}/dashboard",
                       headers=world["bureau"] | {"Accept-Language": "en"})
    assert board.status_code == 200
    assert f'id="dashboard-event-{event}"' in board.text
    # the event as the facts' source: in English on an English page, in Chinese on a Chinese one
    assert "自行车对接会" not in board.text
    zh = client.get(f"/docking/bases/{world.catalog.base_id}/dashboard",
                    headers=world["bureau"] | {"Accept-Language": "zh"})
    assert "自行车对接会" in zh.text


def _facts(session: Session, event: int) -> list[IndicatorFact]:
    session.expire_all()
    return list(session.scalars(select(IndicatorFact).join(
        EventFact, EventFact.fact_id == IndicatorFact.id).where(EventFact.event_id == event,
                                                                EventFact.basis == "counted")))


def test_the_demo_docking_day_carries_the_published_figure(session: Session,
                                                           client: TestClient) -> None:
    base = session.scalars(select(Base).where(Base.key == BASE_KEY)).one()
    facts = list(session.scalars(select(IndicatorFact).where(
        IndicatorFact.base_id == base.id, IndicatorFact.metric.like("docking_intention_%"))))
    assert len(facts) == 3  # the demo's three facts, no second copy
    links = list(session.scalars(select(EventFact).where(
        EventFact.fact_id.in_([f.id for f in facts]))))
    assert len(links) == 3
    assert {link.basis for link in links} == {"published"}
    assert all(f.source_id == SOURCE_ID for f in facts)
    event = session.get(Event, links[0].event_id)
    assert event is not None
    assert (event.status, event.starts_on.isoformat() if event.starts_on else None,
            event.published, event.outcomes_published) == ("held", "2022-06-15", True, True)
    assert event.base_ids == [base.id]
    assert session.scalar(select(func.count()).select_from(MeetingOutcome)
                          .where(MeetingOutcome.event_id == event.id)) == 0  # none invented
    public = client.get(f"/api/v1/events/{event.id}/outcome-totals").json()
    assert public["meetings_held"] == 0
    assert sorted((f["metric"], f["value"], f["qualifier"]) for f in public["figures"]) == [
        ("docking_intention_companies", 6.0, None),
        ("docking_intention_quantity", 6500000.0, "more_than"),
        ("docking_intention_value", 300000000.0, "about")]
    page = client.get(f"/events/{event.id}", headers={"Accept-Language": "en"})
    assert "published figure" in page.text
