"""Sealed quotes in the browser: Anxi's base administrator opens a round, enters a quote, and
the round page shows no price until the round is closed; then the award shows it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

PRICE = "6.4321"


def test_quotes_stay_sealed_until_the_round_closes(page: Page, live_server: str) -> None:
    log_in(page, live_server, "bureau@example.com")
    page.click("nav a[href='/procurement']")
    page.fill("#field-title", "Browser EVA round")
    page.fill("#field-closes_on", "2027-03-01")
    page.fill("#field-materials", "EVA foam; sheet; 50; 1000 5000")
    page.click("#round-form button[type=submit]")
    expect(page.locator("#round-status")).to_have_text("open")

    page.fill("#field-supplier", "Foam Co")
    page.fill("#field-price_breaks", f"0:{PRICE}")
    page.fill("#field-capacity", "10000")
    page.click("#quote-form button[type=submit]")
    expect(page.locator("#quote-count")).to_have_text("1")
    expect(page.locator("#quotes-sealed")).to_be_visible()
    assert PRICE not in page.content()

    page.click("#close-form button[type=submit]")
    expect(page.locator("#round-status")).to_have_text("closed")
    expect(page.locator("#quote-table")).to_contain_text(PRICE)
    page.click("#publish-form button[type=submit]")
    expect(page.locator("#round-status")).to_have_text("published")
    expect(page.locator("#award")).to_be_visible()
