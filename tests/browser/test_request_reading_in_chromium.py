"""A German buyer types only the text of a request and asks Tradebase to read it: the
quantity, certification, destination and lead time appear in their fields, marked, for the
buyer to confirm; then confirming creates the request with those values (issue 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

TEXT = ("Wir suchen 5.000 stapelbare Gartenstühle aus Metall, ISO 9001, Lieferung nach "
        "Hamburg innerhalb von 60 Tagen")


def test_a_buyer_confirms_the_fields_read_from_its_text(
    page: Page, live_server: str, artifacts: Path
) -> None:
    log_in(page, live_server, "buyer@example.com")
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/lang/{lang}")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server}/docking")
            page.fill("#field-text", TEXT)
            page.click("#read-text")
            expect(page.locator("#read-notice")).to_be_visible()
            expect(page.locator("#field-quantity")).to_have_value("5000")
            expect(page.locator("#field-certifications")).to_have_value("ISO9001")
            expect(page.locator("#field-destination")).to_have_value("DE")
            expect(page.locator("#field-max_lead_time_days")).to_have_value("60")
            page.screenshot(path=str(artifacts / f"request-read-{lang}-{width}.png"),
                            full_page=True)
    page.fill("#field-quantity", "4000")  # the buyer corrects what was read
    page.click("#confirm-request")
    page.wait_for_url("**/docking/requests/*")
    expect(page.locator("body")).to_contain_text("4,000")
