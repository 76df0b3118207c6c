"""A docking day end to end (issue 11): an enterprise and a buyer register through the form,
the organisers approve them, the buyer requests a meeting from a suggestion, the enterprise
accepts, the organisers run the scheduler and publish, and both see the meeting in their
agenda — on a phone and a desktop, in Chinese and English."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.browser.conftest import log_in, log_out
from tradebase.accounts.policy import system_actor
from tradebase.events.models import Event, EventBase
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
    expect(page.locator("#schedule-run")).to_contain_text("1 meetings placed")
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
