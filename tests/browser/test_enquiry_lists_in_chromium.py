"""What a factory and a buyer read of an enquiry (issue 9): the factory's inbox, its own page
(/my) and the enquiry say the buyer's unread messages, the match reasons, the enquiry's,
intention's and order's statuses in Chinese (English for an English reader); a photo past
the upload limit is said beside the file field of the product's edit page. On a phone
(390 px) and a desktop (1280 px), nothing wider than the window."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.browser.conftest import log_in
from tests.browser.test_product_page_in_chromium import OVERFLOW, _own_product
from tradebase.accounts.models import User
from tradebase.accounts.policy import system_actor
from tradebase.docking.models import (
    BuyerRequest,
    CooperationIntention,
    DockingOrder,
    Enquiry,
    EnquiryMessage,
)
from tradebase.docking.reasons import Reason, english
from tradebase.registry.models import Product
from tradebase.settings import get_settings
from tradebase.uow import unit_of_work

pytestmark = pytest.mark.browser

# Words of the English reasons and statuses: none may be left on the Chinese pages.
ENGLISH = re.compile(r"\b(lead time|days|within|exports|already|proposed|accepted|contract "
                     r"signed|in production|unread|sent|answered)\b")


def _enquiry_with_a_story(engine: Engine) -> int:
    """A German buyer's enquiry to works@example.com's enterprise, with the reasons of its
    match, a signed intention (an order in production) and two messages the factory has not
    read."""
    product_id = _own_product(engine)
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        product = session.get(Product, product_id)
        assert product is not None
        buyer = session.scalars(select(User).where(User.email == "buyer@example.com")).one()
        reasons = [
            Reason("hs", {"code": product.hs_code or "940153", "description": "",
                          "mark": "confirmed"}),
            Reason("moq", {"moq": 200, "unit": "pcs", "quantity": 600}),
            Reason("lead_time", {"days": 45, "max": 60}),
            Reason("deliverable", {"quantity": 600, "unit": "pcs", "days": 45}),
            Reason("exports", {"country": "DE"}),
        ]
        request = BuyerRequest(
            buyer_id=buyer.id, organisation=buyer.organisation, language="de",
            text="600 Rattan-Esszimmerstühle mit Armlehnen, Lieferung nach Hamburg",
            quantity=600, destination="DE", max_lead_time_days=60, certifications=[])
        enquiry = Enquiry(request=request, enterprise_id=product.enterprise_id,
                          sku=product.sku, skus=[product.sku], status="answered",
                          quote_price=21.0, quote_currency="USD", quote_lead_time_days=45,
                          reasons=[english(r) for r in reasons],
                          reason_codes=[r.as_json() for r in reasons])
        intention = CooperationIntention(enquiry=enquiry, proposed_by="enterprise",
                                         quantity=600, value=12600, currency="USD",
                                         status="accepted")
        intention.order = DockingOrder(status="in_production")
        session.add_all([request, enquiry, intention])
        session.flush()
        for text in ("Bitte ein Muster vor der Bestellung.", "Und die Zeichnung?"):
            session.add(EnquiryMessage(enquiry_id=enquiry.id, author_id=buyer.id,
                                       side="buyer", text=text))
        return enquiry.id


def _fits(page: Page) -> None:
    measured = page.evaluate(OVERFLOW)
    assert measured["scroll"] <= measured["width"], measured
    assert not measured["wide"], measured


def test_the_factory_reads_its_enquiries_in_chinese(
    page: Page, browser: Browser, live_server: str, live_engine: Engine, artifacts: Path,
) -> None:
    enquiry_id = _enquiry_with_a_story(live_engine)
    enquiry_url = f"{live_server}/docking/enquiries/{enquiry_id}"
    log_in(page, live_server, "works@example.com")
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/lang/{lang}")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in (("inbox", "/docking/inbox"), ("my", "/my")):
                page.goto(f"{live_server}{path}")
                badge = page.locator(f'a[href="/docking/enquiries/{enquiry_id}"] + .unread')
                expect(badge).to_have_attribute("data-unread", "2")
                expect(badge).to_have_text("2 条未读消息" if lang == "zh"
                                           else "2 unread messages")
                _fits(page)
                page.screenshot(path=str(artifacts / f"factory-{name}-{lang}-{width}.png"),
                                full_page=True)
    page.goto(f"{live_server}/lang/zh")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/docking/inbox")
    row = page.locator(f'tr:has(a[href="/docking/enquiries/{enquiry_id}"])')
    assert not ENGLISH.search(row.inner_text()), row.inner_text()

    for lang in ("zh", "en"):  # opening the enquiry reads its thread
        page.goto(f"{live_server}/lang/{lang}")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(enquiry_url)
            expect(page.locator(".intention-status")).to_have_text(
                "已接受" if lang == "zh" else "accepted")
            expect(page.locator(".order-status")).to_have_text(
                "生产中" if lang == "zh" else "in production")
            reasons = page.locator("ul.reasons").inner_text()
            if lang == "zh":
                assert "交货期 45 天 ≤ 60 天 ✓" in reasons, reasons
                assert "已出口到德国" in reasons, reasons
                for text in (reasons, page.locator("#enquiry-status").inner_text(),
                             page.locator("#intentions").inner_text()):
                    assert not ENGLISH.search(text), text
            else:
                assert "lead time 45 days ≤ 60 ✓" in reasons, reasons
            page.screenshot(path=str(artifacts / f"factory-enquiry-{lang}-{width}.png"),
                            full_page=True)
            _fits(page)
    page.goto(f"{live_server}/docking/inbox")
    expect(page.locator(f'a[href="/docking/enquiries/{enquiry_id}"] + .unread')).to_have_count(0)

    buyer_context = browser.new_context(viewport={"width": 390, "height": 900}, locale="de-DE")
    try:
        buyer = buyer_context.new_page()
        log_in(buyer, live_server, "buyer@example.com")
        buyer.goto(enquiry_url)
        expect(buyer.locator(".intention-status")).to_have_text("angenommen")
        buyer.screenshot(path=str(artifacts / "buyer-enquiry-de-390.png"), full_page=True)
    finally:
        buyer_context.close()
    page.goto(f"{live_server}/lang/en")


@pytest.mark.allow_http_errors(413)
def test_a_photo_too_large_is_said_beside_the_file_field(
    page: Page, live_server: str, live_engine: Engine, artifacts: Path, tmp_path: Path,
) -> None:
    """Over the photo limit (the app refuses it) and over the request body limit (the
    server sends the browser back to the page before reading the file): both times the
    edit page says so beside the file field, in the reader's language, at the photo form."""
    product_id = _own_product(live_engine)
    settings = get_settings()
    sizes = {"photo": settings.photo_max_bytes + 1, "body": settings.upload_max_bytes + 1}
    mb = f"{settings.photo_max_bytes / 1_048_576:.3g}"
    log_in(page, live_server, "works@example.com")
    for name, size in sizes.items():
        upload = tmp_path / f"{name}.png"
        upload.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(size))
        for lang in ("zh", "en"):
            page.goto(f"{live_server}/lang/{lang}")
            for width in (390, 1280):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{live_server}/products/{product_id}/edit")
                page.set_input_files("#field-file", str(upload))
                page.click("#photo-form button[type=submit]")
                expect(page.locator("#photo-form #error-file")).to_have_text(
                    f"照片超过了 {mb} MB 的上限。" if lang == "zh"
                    else f"The photo is larger than the limit of {mb} MB.")
                assert page.url.endswith("#photos"), page.url
                expect(page.locator("#photo-form #error-summary")).to_be_in_viewport()
                _fits(page)
                page.screenshot(path=str(artifacts / f"photo-refused-{name}-{lang}-{width}.png"))
    page.goto(f"{live_server}/lang/en")
