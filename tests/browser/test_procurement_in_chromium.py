"""Sealed quotes in the browser: Anxi's base administrator opens a round and enters a quote
on a supplier's behalf; a supplier's member enters its own sealed quote, which no one else
sees; the round page shows no other price until the round is closed (early, confirmed);
after publication only the award."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

PRICE = "6.4321"
OWN_PRICE = "5.8765"


def _open_round(page: Page, live_server: str, title: str) -> str:
    log_in(page, live_server, "bureau@example.com")
    page.click("nav a[href='/procurement']")
    page.fill("#field-title", title)
    page.fill("#field-currency", "CNY")
    page.fill("#field-closes_on", "2027-03-01")
    page.fill("#field-materials", "EVA foam; sheet; 50; 1000 5000")
    page.click("#round-form button[type=submit]")
    expect(page.locator("#round-status")).to_have_text("Open for needs and quotes")
    return page.url


def _log_out(page: Page) -> None:
    page.context.clear_cookies()


@pytest.mark.allow_http_errors(409)  # an early close before it is confirmed
def test_quotes_stay_sealed_until_the_round_closes(page: Page, live_server: str) -> None:
    _open_round(page, live_server, "Browser EVA round")
    page.select_option("#field-supplier", "Foam Co")
    page.fill("#field-price_breaks", f"0:{PRICE}")
    page.fill("#field-capacity", "10000")
    page.click("#quote-form button[type=submit]")
    expect(page.locator("#quote-count")).to_have_text("1")
    expect(page.locator("#quotes-sealed")).to_be_visible()
    expect(page.locator("#quotes-received")).to_contain_text("bureau@example.com")
    assert PRICE not in page.content()

    page.click("#close-form button[type=submit]")  # before its closing date: refused
    expect(page.locator("#error-confirm_early")).to_be_visible()
    page.check("#field-confirm_early")
    page.click("#close-form button[type=submit]")
    expect(page.locator("#round-status")).to_have_text("Closed, award not yet published")
    expect(page.locator("#quote-table")).to_contain_text(f"{PRICE} CNY")
    page.click("#publish-form button[type=submit]")
    expect(page.locator("#round-status")).to_have_text("Award published")
    expect(page.locator("#award")).to_be_visible()
    expect(page.locator("#award-total")).to_contain_text("CNY")
    expect(page.locator("#lots")).to_have_count(0)


def test_a_supplier_enters_its_own_sealed_quote(
    page: Page, live_server: str, artifacts: Path
) -> None:
    url = _open_round(page, live_server, "Resin supplier round")
    _log_out(page)
    log_in(page, live_server, "resins@example.com")
    page.goto(url)
    expect(page.locator("#field-supplier")).to_have_count(0)  # it quotes as itself
    page.fill("#field-price_breaks", "0:abc")
    page.click("#quote-form button[type=submit]")
    expect(page.locator("#error-price_breaks")).to_be_visible()
    page.fill("#field-price_breaks", f"0:{OWN_PRICE}; 1000:5.5")
    page.fill("#field-capacity", "8000")
    page.click("#quote-form button[type=submit]")
    expect(page.locator("#quote-table")).to_contain_text(f"{OWN_PRICE} CNY")
    expect(page.locator("#quote-table")).to_contain_text("Harbour Resins Ltd")
    expect(page.locator("#sealed-for-supplier")).to_be_visible()
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/lang/{lang}")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            expect(page.locator("#quote-table")).to_be_visible()
            page.screenshot(path=str(artifacts / f"supplier-quote-{lang}-{width}.png"),
                            full_page=True)
    # another supplier and the base's administrator: not a digit of it
    for other in ("foam@example.com", "bureau@example.com"):
        _log_out(page)
        log_in(page, live_server, other)
        page.goto(url)
        expect(page.locator("#round-status")).to_be_visible()
        assert OWN_PRICE not in page.content()
