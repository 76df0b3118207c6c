"""A registration edited and a docking day set up in Chromium (issue 11): an enterprise's
member registers, then changes its attendees, offers and slots on its edit page; the organisers
set capacity, caps, automatic acceptance and the slot plan on the settings form, see a wrong
value said beside its field and keep what they typed — on a phone and a desktop, in Chinese
and English."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from tests.browser.conftest import log_in, log_out
from tests.browser.test_events_in_chromium import _docking_day, _shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_edit_a_registration_and_set_up_the_day(
    page: Page, live_server: str, live_engine: Engine, artifacts: Path
) -> None:
    event, _title = _docking_day(live_engine)
    base = f"{live_server}/events/{event}"
    page.goto(f"{live_server}/lang/en")
    log_in(page, live_server, "works@example.com")
    page.goto(f"{base}/register")
    page.fill("#field-attendees", "Chen Li; export manager; zh en")
    page.click("#register-form button[type=submit]")
    expect(page).to_have_url(f"{base}/meetings")
    page.goto(base)
    page.locator("a[id^=edit-registration-]").first.click()
    expect(page.locator("h1")).to_have_text("Edit the registration")
    edit_url = page.url
    page.fill("#field-attendees", "Chen Li; export manager; zh en\nWang Fang; engineer; zh")
    page.fill("#field-offers", "Tea gift boxes to order")
    page.locator("input[name=slots]").nth(5).uncheck()
    page.click("#registration-form button[type=submit]")
    expect(page).to_have_url(f"{base}/meetings")
    page.goto(edit_url)
    expect(page.locator("#field-attendees")).to_contain_text("Wang Fang")
    expect(page.locator("input[name=slots]").nth(5)).not_to_be_checked()
    _shoot(page, live_server, edit_url, artifacts, "event-registration-edit")
    log_out(page)
    log_in(page, live_server, "bureau@example.com")
    page.goto(f"{base}/settings")
    page.fill("#field-capacity", "many")
    page.fill("#field-max_meetings", "6")
    page.check("#field-auto_accept")
    page.fill("#field-sessions", "4; 90\n4")
    page.click("#settings-form button[type=submit]")
    expect(page.locator("#error-capacity")).to_be_visible()
    expect(page.locator("#field-max_meetings")).to_have_value("6")
    _shoot(page, live_server, f"{base}/settings", artifacts, "event-settings")
    page.fill("#field-capacity", "40")
    page.fill("#field-max_meetings", "6")
    page.fill("#field-sessions", "4; 90\n4")
    page.check("#field-auto_accept")
    page.click("#settings-form button[type=submit]")
    expect(page.locator("#settings-saved")).to_be_visible()
    expect(page.locator("#slot-summary")).to_contain_text("8")
    page.goto(f"{live_server}/lang/zh")
    page.goto(f"{base}/settings")
    page.fill("#field-tables", "lots")
    page.click("#settings-form button[type=submit]")
    expect(page.locator("#error-tables")).to_be_visible()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts / f"event-settings-error-zh-{width}.png"),
                        full_page=True)
    page.goto(f"{live_server}/lang/en")
    log_out(page)
