"""A buyer and a factory settle a sample in the enquiry's thread: the buyer writes, the
factory opens the thread and answers, the buyer sees its message "read" (issue 9); on a
phone and a desktop, in Chinese and English, from both sides."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.browser.conftest import log_in
from tradebase.accounts.models import User
from tradebase.accounts.policy import system_actor
from tradebase.docking.models import BuyerRequest, Enquiry
from tradebase.registry import service
from tradebase.registry.models import Enterprise
from tradebase.settings import get_settings
from tradebase.uow import unit_of_work

pytestmark = pytest.mark.browser


def _sent_enquiry(engine: Engine) -> int:
    """An enquiry of buyer@example.com sent to Anxi's first enterprise (works@example.com's)."""
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        anxi = service.get_base_by_key(session=session, key="anxi")
        assert anxi is not None
        own = session.scalars(select(Enterprise).where(Enterprise.base_id == anxi.id)
                              .order_by(Enterprise.id)).first()
        buyer = session.scalars(select(User).where(User.email == "buyer@example.com")).one()
        assert own is not None
        request = BuyerRequest(buyer_id=buyer.id, organisation=buyer.organisation,
                               text="Rattan dining chairs with cushions, 300 pcs",
                               quantity=300, certifications=[])
        enquiry = Enquiry(request=request, enterprise_id=own.id, status="sent", reasons=[])
        session.add_all([request, enquiry])
        session.flush()
        return enquiry.id


def _shoot(page: Page, live_server: str, url: str, artifacts: Path, who: str) -> None:
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/lang/{lang}")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            expect(page.locator("#thread")).to_be_visible()
            page.locator("#thread").screenshot(
                path=str(artifacts / f"thread-{who}-{lang}-{width}.png"))
            page.screenshot(path=str(artifacts / f"enquiry-{who}-{lang}-{width}.png"),
                            full_page=True)
    page.goto(f"{live_server}/lang/en")


def test_buyer_and_factory_exchange_a_message_and_the_buyer_sees_read(
    page: Page, browser: Browser, live_server: str, live_engine: Engine, artifacts: Path
) -> None:
    enquiry_id = _sent_enquiry(live_engine)
    url = f"{live_server}/docking/enquiries/{enquiry_id}"
    log_in(page, live_server, "buyer@example.com")
    page.goto(url)
    page.click("#message-form button[type=submit]")  # empty: refused beside the field
    expect(page.locator("#thread #error-text")).to_be_visible()
    page.fill("#field-text", "Could you send one sample chair before the order?")
    # A file past the limit is said beside the file input before anything is sent, and the
    # text stays (static/js/upload-limit.js); choosing no file clears the message.
    too_large = get_settings().attachment_max_bytes + 1
    page.set_input_files("#field-file", {"name": "drawing.pdf", "mimeType": "application/pdf",
                                         "buffer": b"%PDF" + bytes(too_large)})
    page.click("#message-form button[type=submit]")
    expect(page.locator("#thread #error-file")).to_contain_text("10 MB")
    expect(page.locator("#field-text")).to_have_value(
        "Could you send one sample chair before the order?")
    expect(page.locator("#thread .message")).to_have_count(0)
    page.set_input_files("#field-file", [])
    expect(page.locator("#thread #error-file")).to_have_count(0)
    page.click("#message-form button[type=submit]")
    mine = page.locator("#thread .message.mine")
    expect(mine).to_have_count(1)
    expect(mine.locator(".unread-receipt")).to_be_visible()

    factory_context = browser.new_context(viewport={"width": 1280, "height": 900},
                                          locale="en-US")
    try:
        factory = factory_context.new_page()
        log_in(factory, live_server, "works@example.com")
        factory.goto(url)  # opening the thread reads the buyer's message
        expect(factory.locator("#thread .message.buyer")).to_contain_text("one sample chair")
        expect(factory.locator("#thread .message.buyer .message-author")).to_have_count(0)
        factory.fill("#field-text", "Yes: the sample ships on Monday.\nDrawing follows.")
        factory.click("#message-form button[type=submit]")
        expect(factory.locator("#thread .message.mine")).to_contain_text("ships on Monday")
        _shoot(factory, live_server, url, artifacts, "factory")
    finally:
        factory_context.close()

    page.reload()
    expect(page.locator("#thread .message")).to_have_count(2)
    expect(page.locator("#thread .message.mine .read-receipt")).to_be_visible()
    expect(page.locator("#thread .message.enterprise")).to_contain_text("ships on Monday")
    _shoot(page, live_server, url, artifacts, "buyer")
