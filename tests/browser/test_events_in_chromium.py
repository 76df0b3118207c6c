"""A docking day end to end (issue 11): an enterprise and a buyer register through the form,
the organisers approve them, the buyer requests a meeting from a suggestion, the enterprise
accepts, the organisers run the scheduler and publish, and both see the meeting in their
agenda — on a phone and a desktop, in Chinese and English. Then (a separate story) the
organisers record the intention a held meeting signed, its follow-up, publish the totals,
and the base's docking dashboard shows them in its events section."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.browser.conftest import log_in, log_out
from tradebase.accounts.models import User
from tradebase.accounts.policy import system_actor
from tradebase.events.demo import DAY as PUTIAN_DAY
from tradebase.events.models import Event, EventBase, EventMeeting, MeetingRequest, Registration
from tradebase.registry import service
from tradebase.registry.models import Enterprise, Product
from tradebase.uow import unit_of_work

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _docking_day(engine: Engine) -> tuple[int, str]:
    """A published, open docking day of Anxi, and a product title of works@'s enterprise."""
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        anxi = service.get_base_by_key(session=session, key="anxi")
        assert anxi is not None
        own = session.scalars(select(Enterprise).where(Enterprise.base_id == anxi.id)
                              .order_by(Enterprise.id)).first()
        assert own is not None
        product = session.scalars(select(Product).where(Product.enterprise_id == own.id)
                                  .order_by(Product.id)).first()
        assert product is not None
        event = Event(kind="docking_day", title_en="Anxi docking day", title_zh="安溪对接会",
                      place="Hall 2", status="open", published=True, slot_minutes=20,
                      day_start="09:00", sessions=[{"slots": 3, "break_after": 30},
                                                   {"slots": 3}],
                      tables=3, base_rows=[EventBase(base_id=anxi.id)])
        session.add(event)
        session.flush()
        return event.id, product.title


def _shoot(page: Page, live_server: str, url: str, artifacts: Path, name: str) -> None:
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/lang/{lang}")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            page.screenshot(path=str(artifacts / f"{name}-{lang}-{width}.png"), full_page=True)
    page.goto(f"{live_server}/lang/en")
    page.goto(url)


def test_register_request_accept_schedule_publish_agenda(
    page: Page, live_server: str, live_engine: Engine, artifacts: Path
) -> None:
    event, title = _docking_day(live_engine)
    base = f"{live_server}/events/{event}"
    page.goto(f"{live_server}/lang/en")
    log_in(page, live_server, "works@example.com")
    page.goto(f"{base}/register")
    page.fill("#field-attendees", "Chen Li; export manager; zh en")
    page.click("#register-form button[type=submit]")
    expect(page).to_have_url(f"{base}/meetings")
    log_out(page)
    log_in(page, live_server, "buyer@example.com")
    page.goto(f"{base}/register")
    page.fill("#field-attendees", "Anna Berg; buyer; en sv")
    page.fill("#field-items", title)
    page.click("#register-form button[type=submit]")
    expect(page).to_have_url(f"{base}/meetings")
    log_out(page)
    log_in(page, live_server, "bureau@example.com")
    page.goto(f"{base}/schedule")
    _shoot(page, live_server, f"{base}/schedule", artifacts, "event-registrations")
    for _ in range(2):
        page.locator("#registration-list button", has_text="Approve").first.click()
    expect(page.locator("#registration-list button", has_text="Approve")).to_have_count(0)
    log_out(page)
    log_in(page, live_server, "buyer@example.com")
    page.goto(f"{base}/meetings")
    _shoot(page, live_server, f"{base}/meetings", artifacts, "event-suggestions")
    page.locator("#suggested button", has_text="Request a meeting").first.click()
    expect(page.locator("#sent li")).to_have_count(1)
    log_out(page)
    log_in(page, live_server, "works@example.com")
    page.goto(f"{base}/meetings")
    page.locator("#received button", has_text="Accept").click()
    expect(page.locator("#received button", has_text="Accept")).to_have_count(0)
    log_out(page)
    log_in(page, live_server, "bureau@example.com")
    page.goto(f"{base}/schedule")
    page.click("#run-form button")
    expect(page.locator("#schedule-run")).to_contain_text("1 meeting placed")
    page.click("#publish-form button")
    expect(page.locator("#schedule-run")).to_contain_text("Published.")
    _shoot(page, live_server, f"{base}/schedule", artifacts, "event-schedule")
    log_out(page)
    for who in ("buyer@example.com", "works@example.com"):
        log_in(page, live_server, who)
        page.goto(f"{base}/agenda")
        expect(page.locator("#agenda tbody tr[id^=meeting-]")).to_have_count(1)
        _shoot(page, live_server, f"{base}/agenda", artifacts, f"event-agenda-{who[:5]}")
        log_out(page)


def _held_meeting(engine: Engine) -> tuple[int, int, int]:
    """A docking day of Anxi whose schedule is published with one meeting of the buyer and
    works@'s enterprise (the steps before it are the story above): its event, meeting and
    Anxi's id."""
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        anxi = service.get_base_by_key(session=session, key="anxi")
        assert anxi is not None
        own = session.scalars(select(Enterprise).where(Enterprise.base_id == anxi.id)
                              .order_by(Enterprise.id)).first()
        buyer = session.scalars(select(User).where(User.email == "buyer@example.com")).one()
        assert own is not None
        event = Event(kind="docking_day", title_en="Anxi buyers' day", title_zh="安溪采购商对接日",
                      place="Hall 5", status="open", published=True, slot_minutes=20,
                      day_start="09:00", sessions=[{"slots": 3}], tables=2,
                      base_rows=[EventBase(base_id=anxi.id)])
        session.add(event)
        session.flush()
        works = Registration(event_id=event.id, kind="enterprise", enterprise_id=own.id,
                             status="approved", attendees=[], offers=[], seeks=[])
        shopper = Registration(event_id=event.id, kind="buyer", registered_by=buyer.id,
                               organisation=buyer.organisation, status="approved",
                               attendees=[], offers=[], seeks=[])
        session.add_all([works, shopper])
        session.flush()
        asked = MeetingRequest(event_id=event.id, requester_id=shopper.id,
                               recipient_id=works.id, status="accepted")
        session.add(asked)
        session.flush()
        meeting = EventMeeting(event_id=event.id, meeting_request_id=asked.id, slot=1,
                               table_no=0, status="published")
        session.add(meeting)
        session.flush()
        return event.id, meeting.id, anxi.id


def test_organiser_records_an_intention_and_the_base_dashboard_shows_it(
    page: Page, live_server: str, live_engine: Engine, artifacts: Path
) -> None:
    event, meeting, anxi = _held_meeting(live_engine)
    outcomes = f"{live_server}/events/{event}/outcomes"
    dashboard = f"{live_server}/docking/bases/{anxi}/dashboard"
    page.goto(f"{live_server}/lang/en")
    log_in(page, live_server, "bureau@example.com")
    page.goto(outcomes)
    form = page.locator(f"#meeting-{meeting} form.outcome-form")
    form.locator("select[name=result]").select_option("intention")
    form.locator("input[name=quantity]").fill("12000")
    form.locator("input[name=unit]").fill("chairs")
    form.locator("input[name=value]").fill("abc")  # a wrong value: said beside its field
    form.locator("input[name=currency]").fill("EUR")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#error-m{meeting}-value")).to_be_visible()
    expect(page.locator(f"#field-m{meeting}-quantity")).to_have_value("12000")
    form.locator("input[name=value]").fill("540000")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#meeting-{meeting} .outcome-result")).to_contain_text(
        "cooperation intention signed")
    expect(page.locator("#event-totals .totals-intentions")).to_have_text("1")
    page.locator(f"#meeting-{meeting} summary", has_text="Follow-up").click()
    page.locator(f"#meeting-{meeting} form.follow-up-form select[name=stage]").select_option(
        "contract")
    page.locator(f"#meeting-{meeting} form.follow-up-form button[type=submit]").click()
    expect(page.locator(f"#meeting-{meeting} .outcome-stage")).to_have_text("contract")
    page.click("#publish-outcomes-form button")
    expect(page.locator("#outcome-totals")).to_contain_text("Published")
    _shoot(page, live_server, outcomes, artifacts, "event-outcomes")
    page.goto(dashboard)
    card = page.locator(f"#dashboard-event-{event}")
    expect(card.locator(".totals-intentions")).to_have_text("1")
    expect(card.locator(".totals-contracts")).to_have_text("1")
    expect(card).to_contain_text("540")
    expect(page.locator("#count-intentions")).not_to_have_text("0")  # docking counts it too
    _shoot(page, live_server, dashboard, artifacts, "base-dashboard-events")
    log_out(page)
    # a participant sees its own meeting's outcome; the public page shows the totals
    log_in(page, live_server, "buyer@example.com")
    page.goto(outcomes)
    expect(page.locator(f"#meeting-{meeting} .outcome-result")).to_contain_text("chairs")
    _shoot(page, live_server, outcomes, artifacts, "event-outcomes-buyer")
    log_out(page)
    page.goto(f"{live_server}/events/{event}")
    expect(page.locator("#outcome .totals-intentions")).to_have_text("1")
    _shoot(page, live_server, f"{live_server}/events/{event}", artifacts, "event-outcome-public")
    # the demo's past docking day: its published figure, cited to its article
    with unit_of_work(system_actor("browser-tests"), engine=live_engine) as session:
        putian = session.scalars(select(Event.id).where(Event.starts_on == PUTIAN_DAY)).one()
    page.goto(f"{live_server}/events/{putian}")
    expect(page.locator("#outcome .figure-published")).to_have_count(3)
    _shoot(page, live_server, f"{live_server}/events/{putian}", artifacts, "event-putian-2022")
