"""Group meetings from capacity-docking plans (issue 11): a buyer brings the split of its
request to a docking day and asks for one meeting with all its factories; the organisers'
run places it (slot, table, every member; checked by the engine's independent checker),
publishing tells every member, rescheduling keeps it while still valid, and a group whose
factory is not approved is left out with the reason. Members and organisers see it; another
participant does not."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.docking.rfq_support import post_request
from tests.integration.events.support import World, make_event, make_world, register
from tradebase.accounts.guard import set_actor
from tradebase.accounts.policy import SYSTEM
from tradebase.errors import Forbidden, NotFound
from tradebase.events import group_meetings, scheduler, scheduling
from tradebase.events.group_models import EventGroupMeeting, GroupMeetingRequest
from tradebase.events.models import Event
from tradebase.splitting import event_groups
from tradebase.splitting.objectives import Objective

PLAN = {"slot_minutes": 30, "day_start": "09:00", "tables": 2,
        "sessions": [{"slots": 2, "break_after": 60}, {"slots": 2}]}


@pytest.fixture
def world(client: TestClient, session: Session) -> World:
    return make_world(client, session)


def _ask_group(session: Session, world: World, event: int) -> GroupMeetingRequest:
    """The buyer's split (30,000 frames in 60 days: works A and B both needed) asked as
    one group meeting at the event."""
    request = post_request(session, world.catalog, quantity=30_000)
    set_actor(session, world.catalog.buyer_actor)
    asked = event_groups.ask_group_meeting(
        session=session, index=world.catalog.index, request_id=request.id,
        objective=Objective.SPREAD, event_id=event, today=date(2027, 1, 4), time_limit=5.0)
    session.commit()
    return asked


def _setup(client: TestClient, world: World, session: Session, *, approve_b: bool = True
           ) -> tuple[int, dict[str, int], GroupMeetingRequest]:
    event = make_event(client, world, slot_plan=PLAN, auto_accept=True, max_meetings=3)
    regs = {"A": register(client, world, event, "A"),
            "B": register(client, world, event, "B", approve=approve_b),
            "E": register(client, world, event, "E"),
            "buyer": register(client, world, event, "buyer"),
            "rival": register(client, world, event, "rival")}
    pairs = [("rival", "A"), ("rival", "B"), ("buyer", "E")] if approve_b else [("rival", "A")]
    for a, b in pairs:
        made = client.post(f"/api/v1/events/{event}/meeting-requests", headers=world[a],
                           json={"from_registration_id": regs[a], "to_registration_id": regs[b]})
        assert made.status_code == 201, made.text
    return event, regs, _ask_group(session, world, event)


def _checked(session: Session, event_id: int) -> list[str]:
    session.expire_all()
    event = session.get(Event, event_id)
    assert event is not None
    set_actor(session, SYSTEM)
    built = scheduling.build_problem(session, event)
    pairs = [scheduler.Meeting(str(r.request.requester_id), str(r.request.recipient_id),
                               r.slot, r.table_no)
             for r in scheduling._rows(session, event, scheduling.DRAFT)]
    groups = [group_meetings.as_engine(r) for r in group_meetings.rows(session, event, "draft")]
    return scheduler.check(built.problem, pairs, groups)


def test_a_split_becomes_one_group_meeting(client: TestClient, world: World,
                                           session: Session) -> None:
    event, regs, asked = _setup(client, world, session)
    assert sorted(asked.enterprise_ids) == sorted(
        [world.catalog.works["A"], world.catalog.works["B"]])
    assert asked.buyer_registration_id == regs["buyer"]
    ran = client.post(f"/api/v1/events/{event}/schedule", headers=world["bureau"])
    assert ran.status_code == 200, ran.text
    assert _checked(session, event) == []
    drafts = session.scalars(select(EventGroupMeeting).where(
        EventGroupMeeting.event_id == event)).all()
    assert len(drafts) == 1
    assert drafts[0].member_ids == [regs["buyer"], regs["A"], regs["B"]]
    # the 1:1 meetings avoid the group's slot for its members
    assert ran.json()["meetings"] == 3
    published = client.post(f"/api/v1/events/{event}/schedule/publish",
                            headers=world["bureau"])
    assert published.status_code == 200, published.text
    session.expire_all()
    row = session.scalars(select(EventGroupMeeting).where(
        EventGroupMeeting.event_id == event, EventGroupMeeting.status == "published")).one()
    where = (row.slot, row.table_no)
    # a new 1:1 meeting and a rerun: the published group meeting stays where it is
    made = client.post(f"/api/v1/events/{event}/meeting-requests", headers=world["E"],
                       json={"from_registration_id": regs["E"],
                             "to_registration_id": regs["rival"]})
    assert made.status_code == 201, made.text
    client.post(f"/api/v1/events/{event}/schedule", headers=world["bureau"])
    assert _checked(session, event) == []
    again = session.scalars(select(EventGroupMeeting).where(
        EventGroupMeeting.event_id == event, EventGroupMeeting.status == "draft")).one()
    assert (again.slot, again.table_no) == where
    client.post(f"/api/v1/events/{event}/schedule/publish", headers=world["bureau"])
    session.expire_all()
    live = session.scalars(select(EventGroupMeeting).where(
        EventGroupMeeting.event_id == event, EventGroupMeeting.status == "published")).all()
    assert [(r.id, r.slot, r.table_no) for r in live] == [(row.id, *where)]  # unchanged


def test_a_factory_not_approved_leaves_the_group_out(client: TestClient, world: World,
                                                     session: Session) -> None:
    event, _, asked = _setup(client, world, session, approve_b=False)
    ran = client.post(f"/api/v1/events/{event}/schedule", headers=world["bureau"])
    assert ran.status_code == 200, ran.text
    session.expire_all()
    stored = session.get(GroupMeetingRequest, asked.id)
    assert stored is not None
    assert stored.left_out == "member_not_approved"
    assert session.scalars(select(EventGroupMeeting).where(
        EventGroupMeeting.event_id == event)).all() == []


def test_a_member_cap_leaves_the_group_out_with_the_engines_reason(
        client: TestClient, world: World, session: Session) -> None:
    event, _, asked = _setup(client, world, session)
    set_actor(session, SYSTEM)
    stored = session.get(Event, event)
    assert stored is not None
    stored.max_meetings = 0
    session.commit()
    client.post(f"/api/v1/events/{event}/schedule", headers=world["bureau"])
    session.expire_all()
    row = session.get(GroupMeetingRequest, asked.id)
    assert row is not None
    assert row.left_out == "member_cap"


def test_only_the_buyer_or_organisers_ask(client: TestClient, world: World,
                                          session: Session) -> None:
    event = make_event(client, world, slot_plan=PLAN)
    register(client, world, event, "buyer")
    request = post_request(session, world.catalog, quantity=30_000)
    set_actor(session, world.catalog.member("A"))
    with pytest.raises((Forbidden, NotFound)):  # the split itself is the buyer's only
        event_groups.ask_group_meeting(
            session=session, index=world.catalog.index, request_id=request.id,
            objective=None, event_id=event, today=date(2027, 1, 4), time_limit=5.0)


def test_pages_show_the_group_meeting_to_members_and_organisers(
        client: TestClient, world: World, session: Session) -> None:
    event, regs, asked = _setup(client, world, session)
    client.cookies.set("lang", "en")
    page = client.get(f"/events/{event}/schedule", headers=world["bureau"])
    assert 'id="group-request-' in page.text
    assert "not scheduled yet" in page.text
    client.post(f"/events/{event}/schedule", headers=world["bureau"])
    page = client.get(f"/events/{event}/schedule", headers=world["bureau"])
    grid = page.text.split('id="schedule-grid"')[1].split("</table>")[0]
    assert grid.count('class="group-meeting"') == 1
    assert f"split order #{asked.docking_request_id}" in grid
    assert "RFQ Works A" in grid
    assert "RFQ Works B" in grid
    client.post(f"/events/{event}/schedule/publish", headers=world["bureau"])
    for who in ("buyer", "A", "B"):
        mine = client.get(f"/events/registrations/{regs[who]}/agenda", headers=world[who])
        assert mine.status_code == 200
        assert "Group meeting" in mine.text
        assert f"split order #{asked.docking_request_id}" in mine.text
        own = client.get(f"/events/{event}/agenda", headers=world[who])
        assert own.text.count('class="group-meeting"') == 1
    printed = client.get(f"/events/registrations/{regs['A']}/agenda/print", headers=world["A"])
    assert "Velo Import GmbH" in printed.text
    assert "RFQ Works B" in printed.text
    ics = client.get(f"/events/registrations/{regs['B']}/agenda.ics", headers=world["B"])
    calendar = Calendar.from_ical(ics.content)
    summaries = [str(c.get("summary")) for c in calendar.walk("VEVENT")]
    assert any(s.startswith("Group meeting") and "RFQ Works A" in s for s in summaries)
    # another participant does not learn of it
    rival = client.get(f"/events/{event}/agenda", headers=world["rival"])
    assert "group-meeting" not in rival.text
    assert "Group meeting" not in client.get(
        f"/events/registrations/{regs['E']}/agenda", headers=world["E"]).text
    grid_print = client.get(f"/events/{event}/schedule/print", headers=world["bureau"])
    assert grid_print.text.count('class="group-meeting"') == 1
    client.cookies.set("lang", "zh")
    zh = client.get(f"/events/registrations/{regs['buyer']}/agenda", headers=world["buyer"])
    assert "小组洽谈" in zh.text


def test_the_split_page_asks_through_the_form_flow(client: TestClient, world: World,
                                                   session: Session) -> None:
    event = make_event(client, world, slot_plan=PLAN)
    register(client, world, event, "buyer")
    request = post_request(session, world.catalog, quantity=30_000)
    session.commit()
    client.cookies.set("lang", "en")
    buyer = world["colleague"]  # a buyer of the request's organisation
    page = client.get(f"/docking/requests/{request.id}/split", headers=buyer)
    assert page.status_code == 200, page.text
    assert 'id="group-meeting-form"' in page.text
    wrong = client.post(f"/docking/requests/{request.id}/split/group-meeting", headers=buyer,
                        data={"event_id": "x", "objective": "spread"})
    assert wrong.status_code == 422
    assert 'id="group-meeting-form"' in wrong.text
    done = client.post(f"/docking/requests/{request.id}/split/group-meeting", headers=buyer,
                       data={"event_id": str(event), "objective": "spread"},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    assert "group_asked" in done.headers["location"]
    stored = session.scalars(select(GroupMeetingRequest).where(
        GroupMeetingRequest.event_id == event)).one()
    assert stored.docking_request_id == request.id
