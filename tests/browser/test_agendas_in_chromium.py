"""Agendas of a docking day in Chromium (issue 11): with a published schedule — two 1:1
meetings and one group meeting of the buyer with both factories of its split order — both
sides open their agenda, download its .ics (parsed back: the same meetings and times) and the
buyer its PDF; the organisers open the printable grid of every table and check a
participant in — on a phone and a desktop, in Chinese and English."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.browser.conftest import log_in, log_out
from tradebase.accounts.models import User
from tradebase.accounts.policy import system_actor
from tradebase.docking.models import BuyerRequest
from tradebase.events import agendas, scheduling
from tradebase.events.group_models import GroupMeetingRequest
from tradebase.events.models import Event, EventBase, MeetingRequest, Registration
from tradebase.events.service import slots
from tradebase.registry import service
from tradebase.registry.models import Enterprise
from tradebase.uow import unit_of_work

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DAY = date(2027, 6, 15)
ZONE = ZoneInfo("Asia/Shanghai")


def _published_day(engine: Engine) -> dict[str, int]:
    """A published docking day of Anxi: works@'s enterprise, a second Anxi enterprise and
    buyer@'s organisation approved, two accepted requests, scheduled and published."""
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        anxi = service.get_base_by_key(session=session, key="anxi")
        assert anxi is not None
        own, other = session.scalars(select(Enterprise).where(Enterprise.base_id == anxi.id)
                                     .order_by(Enterprise.id).limit(2)).all()
        buyer = session.scalars(select(User).where(User.email == "buyer@example.com")).one()
        event = Event(kind="docking_day", title_en="Anxi rattan docking day",
                      title_zh="安溪藤铁对接会", place="Hall 5", city="Anxi", status="open",
                      published=True, starts_on=DAY, ends_on=DAY, timezone="Asia/Shanghai",
                      slot_minutes=30, day_start="09:30",
                      sessions=[{"slots": 2, "break_after": 60}, {"slots": 2}], tables=3,
                      base_rows=[EventBase(base_id=anxi.id)])
        session.add(event)
        session.flush()
        works = Registration(event_id=event.id, kind="enterprise", enterprise_id=own.id,
                             status="approved", attendees=[{"name": "Chen Li",
                                                            "role": "export manager"}],
                             offers=[], seeks=[])
        second = Registration(event_id=event.id, kind="enterprise", enterprise_id=other.id,
                              status="approved", attendees=[{"name": "林芳"}], offers=[],
                              seeks=[])
        shopper = Registration(event_id=event.id, kind="buyer",
                               organisation=buyer.organisation, registered_by=buyer.id,
                               status="approved", attendees=[{"name": "Anna Berg",
                                                              "role": "buyer"}],
                               offers=[], seeks=[])
        session.add_all([works, second, shopper])
        session.flush()
        session.add_all([
            MeetingRequest(event_id=event.id, requester_id=shopper.id, recipient_id=works.id,
                           status="accepted", priority=3),
            MeetingRequest(event_id=event.id, requester_id=shopper.id,
                           recipient_id=second.id, status="accepted", priority=3)])
        split = BuyerRequest(buyer_id=buyer.id, organisation=buyer.organisation,
                             text="2,000 rattan chairs", quantity=2000)
        session.add(split)
        session.flush()
        session.add(GroupMeetingRequest(  # one meeting with both factories of the split
            event_id=event.id, docking_request_id=split.id, buyer_registration_id=shopper.id,
            enterprise_ids=sorted([own.id, other.id]), objective="spread"))
        session.flush()
        scheduling.run(session=session, event_id=event.id)
        scheduling.publish(session=session, event_id=event.id)
        return {"event": event.id, "works": works.id, "buyer": shopper.id}


def _shoot(page: Page, live_server: str, url: str, artifacts: Path, name: str) -> None:
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/lang/{lang}")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            page.screenshot(path=str(artifacts / f"{name}-{lang}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/lang/en")
    page.goto(url)


def _ics_meetings(path: Path) -> set[tuple[str, datetime, datetime]]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    return {(str(v["SUMMARY"]), v.decoded("DTSTART"), v.decoded("DTEND"))
            for v in calendar.walk("VEVENT")}


def _expected(engine: Engine, event_id: int, registration_id: int
              ) -> set[tuple[str, datetime, datetime]]:
    """The published meetings of a registration as the .ics should say them."""
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        event = session.get(Event, event_id)
        assert event is not None
        plan = slots(event)
        found = set()
        for m in scheduling.list_meetings(session=session, event_id=event_id):
            a, b = m.request.requester, m.request.recipient
            if registration_id not in (a.id, b.id):
                continue
            other = b if a.id == registration_id else a
            found.add((f"Meeting with {other.name}",
                       datetime.combine(DAY, plan[m.slot].start, tzinfo=ZONE),
                       datetime.combine(DAY, plan[m.slot].end, tzinfo=ZONE)))
        agenda = agendas.registration_agenda(session=session, registration_id=registration_id)
        for g in agenda.groups:
            names = ", ".join(r.name for r in g.members)
            assert g.start is not None
            assert g.end is not None
            found.add((f"Group meeting · split order {g.reference}: {names}", g.start, g.end))
        return found


def test_both_sides_download_their_agenda_and_the_organisers_print_the_grid(
    page: Page, live_server: str, live_engine: Engine, artifacts: Path, tmp_path: Path
) -> None:
    ids = _published_day(live_engine)
    event = f"{live_server}/events/{ids['event']}"
    for who, key, count in (("buyer@example.com", "buyer", 2),
                            ("works@example.com", "works", 1)):
        page.goto(f"{live_server}/lang/en")
        log_in(page, live_server, who)
        page.goto(f"{event}/agenda")
        expect(page.locator("#agenda tbody tr[id^=meeting-]")).to_have_count(count)
        group = page.locator("#agenda tbody tr.group-meeting")
        expect(group).to_have_count(1)
        expect(group).to_contain_text("Group meeting")
        with page.expect_download() as info:
            page.locator(f"#files-{ids[key]} a.agenda-ics").click()
        saved = tmp_path / f"{key}.ics"
        info.value.save_as(saved)
        got = _ics_meetings(saved)
        assert got == _expected(live_engine, ids["event"], ids[key])
        assert len(got) == count + 1  # and the group meeting
        _shoot(page, live_server, f"{event}/agenda", artifacts, f"agenda-own-{key}")
        own = f"{live_server}/events/registrations/{ids[key]}/agenda"
        _shoot(page, live_server, f"{own}/print", artifacts, f"agenda-print-{key}")
        if key == "buyer":
            page.goto(f"{live_server}/lang/zh")
            page.goto(own)
            with page.expect_download() as info:
                page.locator("a.agenda-pdf").first.click()
            pdf = tmp_path / "agenda.pdf"
            info.value.save_as(pdf)
            assert pdf.read_bytes().startswith(b"%PDF-")
            page.goto(f"{live_server}/lang/en")
        page.goto(f"{event}/agenda")
        log_out(page)
    log_in(page, live_server, "bureau@example.com")
    page.goto(f"{event}/schedule")
    expect(page.locator("#group-request-list tbody tr")).to_have_count(1)
    _shoot(page, live_server, f"{event}/schedule", artifacts, "agenda-schedule")
    page.click("#grid-print")
    expect(page).to_have_url(f"{event}/schedule/print")
    grid = page.locator("#schedule-grid tbody td")
    expect(grid).to_have_count(4 * 3)
    expect(page.locator("#schedule-grid td.free")).to_have_count(4 * 3 - 3)
    expect(page.locator("#schedule-grid td.group-meeting")).to_have_count(1)
    expect(page.locator(".topbar")).to_have_count(0)
    _shoot(page, live_server, f"{event}/schedule/print", artifacts, "agenda-grid")
    page.goto(f"{event}/agenda")
    expect(page.locator("#all-agendas li")).to_have_count(3)
    _shoot(page, live_server, f"{event}/agenda", artifacts, "agenda-organiser")
    page.goto(f"{event}/check-in")
    page.locator(f"#registration-{ids['works']} button", has_text="Check in").click()
    expect(page.locator(f"#registration-{ids['works']} .checked")).to_have_count(1)
    expect(page.locator("#arrived")).to_contain_text("1 of 3")
    _shoot(page, live_server, f"{event}/check-in", artifacts, "agenda-check-in")
    _shoot(page, live_server, f"{event}/check-in/print", artifacts, "agenda-check-in-print")
