"""A docking day's schedule through the API (issue 11): the organisers run the scheduler (the
stored draft passes the engine's independent check), publish it (both sides told), and
reschedule after a withdrawal (published meetings still valid keep their slot and table);
a participant sees only its own published meetings, and a stale draft is refused."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.events.support import World, make_event, make_world, register
from tradebase.accounts.models import User
from tradebase.events import scheduler, scheduling
from tradebase.events.models import Event, EventMeeting
from tradebase.notifications.models import Notification

PLAN = {"slot_minutes": 30, "day_start": "09:00", "tables": 2,
        "sessions": [{"slots": 2, "break_after": 60}, {"slots": 2}]}


@pytest.fixture
def world(client: TestClient, session: Session) -> World:
    return make_world(client, session)


def _ask(client: TestClient, world: World, event: int, who: str, source: int,
         target: int) -> dict[str, Any]:
    made = client.post(f"/api/v1/events/{event}/meeting-requests", headers=world[who],
                       json={"from_registration_id": source, "to_registration_id": target})
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    assert body["status"] == "accepted"  # the event accepts automatically
    return body


def _inbox(session: Session, email: str) -> list[str]:
    user = session.scalars(select(User).where(User.email == email)).one()
    return [n.kind for n in session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


def _checked(session: Session, event_id: int) -> list[str]:
    """The engine's independent check of the stored draft against the event as stored."""
    session.expire_all()
    event = session.get(Event, event_id)
    assert event is not None
    built = scheduling.build_problem(session, event)
    rows = session.scalars(select(EventMeeting).where(EventMeeting.event_id == event_id,
                                                      EventMeeting.status == "draft")).all()
    return scheduler.check(built.problem, [
        scheduler.Meeting(str(r.request.requester_id), str(r.request.recipient_id), r.slot,
                          r.table_no) for r in rows])


def _setup(client: TestClient, world: World) -> tuple[int, dict[str, int], dict[str, Any]]:
    event = make_event(client, world, slot_plan=PLAN, auto_accept=True, max_meetings=3,
                       place="Hall 3")
    regs = {who: register(client, world, event, who) for who in ("A", "B", "E", "buyer")}
    regs["rival"] = register(client, world, event, "rival", available_slots=[0, 1, 2])
    asked = {
        "buyer-A": _ask(client, world, event, "buyer", regs["buyer"], regs["A"]),
        "buyer-B": _ask(client, world, event, "buyer", regs["buyer"], regs["B"]),
        "buyer-E": _ask(client, world, event, "buyer", regs["buyer"], regs["E"]),
        "rival-A": _ask(client, world, event, "rival", regs["rival"], regs["A"]),
        "rival-B": _ask(client, world, event, "rival", regs["rival"], regs["B"]),
    }
    return event, regs, asked


def test_run_publish_and_who_sees_what(client: TestClient, world: World,
                                       session: Session) -> None:
    event, regs, _ = _setup(client, world)
    assert client.post(f"/api/v1/events/{event}/schedule",
                       headers=world["buyer"]).status_code == 403
    ran = client.post(f"/api/v1/events/{event}/schedule", headers=world["bureau"])
    assert ran.status_code == 200, ran.text
    draft = ran.json()
    assert (draft["meetings"], draft["upper_bound"], draft["gap"]) == (5, 5, 0.0)
    assert draft["status"] == "optimal"
    assert draft["published_at"] is None
    assert len(draft["draft"]) == 5
    rival = [m for m in draft["draft"] if regs["rival"] in (m["requester_id"],
                                                            m["recipient_id"])]
    assert all(m["slot"] in (0, 1, 2) for m in rival)  # its available slots only
    assert _checked(session, event) == []
    # a draft is the organisers' business
    assert client.get(f"/api/v1/events/{event}/meetings", headers=world["buyer"]).json() == []
    assert len(client.get(f"/api/v1/events/{event}/meetings",
                          headers=world["bureau"]).json()) == 5
    published = client.post(f"/api/v1/events/{event}/schedule/publish",
                            headers=world["bureau"])
    assert published.status_code == 200, published.text
    assert (published.json()["published"], published.json()["cancelled"]) == (5, 0)
    assert _inbox(session, "ev-buyer@example.com").count("meeting_scheduled") == 3
    assert _inbox(session, "ev-rival@example.com").count("meeting_scheduled") == 2
    again = client.post(f"/api/v1/events/{event}/schedule/publish", headers=world["bureau"])
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "events.no_draft"
    # each participant: its own meetings only
    seen = client.get(f"/api/v1/events/{event}/meetings", headers=world["rival"]).json()
    assert len(seen) == 2
    assert all(regs["rival"] in (m["requester_id"], m["recipient_id"]) for m in seen)
    assert "Velo Import GmbH" not in str(seen)
    works_e = client.get(f"/api/v1/events/{event}/meetings", headers=world["E"]).json()
    assert [m["requester_name"] for m in works_e] == ["Velo Import GmbH"]
    agenda = client.get(f"/api/v1/events/{event}/agenda", headers=world["A"]).json()
    assert sorted(i["counterpart_name"] for i in agenda) == ["Rival Cycles AB",
                                                             "Velo Import GmbH"]
    assert all(i["place"] == "Hall 3" and i["start"] for i in agenda)
    assert [i["slot"] for i in agenda] == sorted(i["slot"] for i in agenda)
    assert client.get(f"/api/v1/events/{event}/agenda").status_code == 401


def test_reschedule_keeps_published_meetings(client: TestClient, world: World,
                                             session: Session) -> None:
    event, regs, asked = _setup(client, world)
    client.post(f"/api/v1/events/{event}/schedule", headers=world["bureau"])
    before = client.post(f"/api/v1/events/{event}/schedule/publish",
                         headers=world["bureau"]).json()["meetings"]
    where = {m["meeting_request_id"]: (m["slot"], m["table"]) for m in before}
    dropped = asked["rival-A"]["id"]
    withdrawn = client.post(f"/api/v1/events/meeting-requests/{dropped}/withdraw",
                            headers=world["rival"])
    assert withdrawn.status_code == 200, withdrawn.text
    added = _ask(client, world, event, "E", regs["E"], regs["rival"])
    ran = client.post(f"/api/v1/events/{event}/schedule", headers=world["bureau"]).json()
    assert _checked(session, event) == []
    after = {m["meeting_request_id"]: (m["slot"], m["table"]) for m in ran["draft"]}
    for request_id, placed in where.items():
        if request_id != dropped:
            assert after[request_id] == placed  # still valid: same slot, same table
    assert dropped not in after
    assert added["id"] in after
    published = client.post(f"/api/v1/events/{event}/schedule/publish",
                            headers=world["bureau"]).json()
    assert (published["published"], published["cancelled"], published["unchanged"]) == (
        1, 1, 4)
    assert "meeting_cancelled" in _inbox(session, "ev-works-a@example.com")
    assert "meeting_cancelled" in _inbox(session, "ev-rival@example.com")
    assert "meeting_cancelled" not in _inbox(session, "ev-buyer@example.com")
    seen = client.get(f"/api/v1/events/{event}/meetings", headers=world["bureau"]).json()
    assert {m["meeting_request_id"] for m in seen} == set(after)


def test_stale_draft_and_no_plan(client: TestClient, world: World) -> None:
    event, _, asked = _setup(client, world)
    client.post(f"/api/v1/events/{event}/schedule", headers=world["bureau"])
    client.post(f"/api/v1/events/meeting-requests/{asked['buyer-B']['id']}/withdraw",
                headers=world["buyer"])
    stale = client.post(f"/api/v1/events/{event}/schedule/publish", headers=world["bureau"])
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "events.schedule_stale"
    planless = make_event(client, world, slot_plan=None)
    refused = client.post(f"/api/v1/events/{planless}/schedule", headers=world["bureau"])
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "events.no_slot_plan"


def test_pages_run_publish_and_agenda(client: TestClient, world: World) -> None:
    event, _, _ = _setup(client, world)
    client.cookies.set("lang", "en")
    page = client.get(f"/events/{event}/schedule", headers=world["bureau"])
    assert page.status_code == 200
    assert "Run the scheduler" in page.text
    assert 'id="publish-form"' not in page.text  # nothing to publish before a run
    ran = client.post(f"/events/{event}/schedule", headers=world["bureau"],
                      follow_redirects=False)
    assert ran.status_code == 303
    page = client.get(f"/events/{event}/schedule", headers=world["bureau"])
    assert 'id="publish-form"' in page.text
    assert "proven bound" in page.text
    grid = page.text.split('id="schedule-grid"')[1].split("</table>")[0]
    assert grid.count("<td>") == 4 * 2  # every slot × table cell, the free ones too
    assert grid.count(">free<") == 4 * 2 - 5
    client.cookies.set("lang", "zh")
    zh = client.get(f"/events/{event}/schedule", headers=world["bureau"])
    assert "运行排期" in zh.text
    assert "已证明的上界" in zh.text
    client.cookies.set("lang", "en")
    assert client.get(f"/events/{event}/schedule", headers=world["buyer"]).status_code == 403
    assert client.post(f"/events/{event}/schedule/publish", headers=world["bureau"],
                       follow_redirects=False).status_code == 303
    again = client.post(f"/events/{event}/schedule/publish", headers=world["bureau"])
    assert again.status_code == 409
    assert "run the scheduler first" in again.text
    agenda = client.get(f"/events/{event}/agenda", headers=world["rival"])
    assert agenda.status_code == 200
    assert agenda.text.count('id="meeting-') == 2
    assert "Velo Import GmbH" not in agenda.text
