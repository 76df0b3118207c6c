"""A factory's member adds a photo to one of its listings on the edit page; the product page
shows it as a thumbnail, in Chinese and English, on a phone (390 px) and a desktop (1280 px),
and nothing on it is wider than the window (issue 9)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.browser.conftest import log_in
from tradebase.accounts.policy import system_actor
from tradebase.registry import service
from tradebase.registry.models import Product
from tradebase.uow import unit_of_work

pytestmark = pytest.mark.browser

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .map((el) => el.tagName + (el.id ? "#" + el.id : "") + "." + el.className);
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""


def _own_product(engine: Engine) -> int:
    """A listing of Anxi's first enterprise (the member works@example.com's)."""
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        anxi = service.get_base_by_key(session=session, key="anxi")
        assert anxi is not None
        first, _ = service.list_enterprises(
            session=session, filters=service.ListFilters(base_id=anxi.id), limit=1)
        product = session.scalars(select(Product).where(Product.enterprise_id == first[0].id)
                                  .order_by(Product.id)).first()
        assert product is not None
        product.description = ("Hand-woven rattan on a powder-coated steel frame, "
                               "stackable, for terraces and cafés. " * 3)
        product.price_min, product.price_max, product.price_currency = 18.5, 24.0, "USD"
        product.moq = 200  # the accounts browser test edits this listing's MOQ on the same server
        return product.id


def test_a_product_page_with_a_photo_fits_a_phone_and_a_desktop(
    page: Page, live_server: str, live_engine: Engine, artifacts: Path, tmp_path: Path,
) -> None:
    product_id = _own_product(live_engine)
    photo = tmp_path / "chair.jpg"
    image = Image.new("RGB", (2400, 1600), (180, 120, 60))
    image.paste((40, 60, 120), (0, 0, 1200, 800))
    image.save(photo, format="JPEG")
    log_in(page, live_server, "works@example.com")
    page.goto(f"{live_server}/products/{product_id}/edit")
    page.set_input_files("#field-file", str(photo))
    page.click("#photo-form button[type=submit]")
    expect(page.locator("#photos .photo-grid img")).to_have_count(1)
    try:
        for lang in ("zh", "en"):
            page.goto(f"{live_server}/lang/{lang}")
            for width in (390, 1280):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{live_server}/products/{product_id}")
                thumb = page.locator("#photos .photo-grid img")
                expect(thumb).to_have_count(1)
                expect(thumb).to_be_visible()
                assert thumb.evaluate("img => img.complete && img.naturalWidth") == 320
                expect(page.locator("#price-range")).to_contain_text("24")
                measured = page.evaluate(OVERFLOW)
                assert measured["scroll"] <= measured["width"], measured
                assert not measured["wide"], measured
                page.screenshot(path=str(artifacts / f"product-page-{lang}-{width}.png"),
                                full_page=True)
    finally:  # leave no file in the server's storage directory
        page.goto(f"{live_server}/products/{product_id}/edit")
        page.click("#photos .photo-grid button[type=submit]")
        expect(page.locator("#photos .photo-grid img")).to_have_count(0)


def test_a_buyer_sends_an_enquiry_from_a_product_page(
    page: Page, live_server: str, live_engine: Engine, artifacts: Path,
) -> None:
    product_id = _own_product(live_engine)
    log_in(page, live_server, "buyer@example.com")
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/lang/{lang}")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server}/products/{product_id}")
            page.click("a#send-enquiry")
            expect(page.locator("#enquiry-form")).to_be_visible()
            measured = page.evaluate(OVERFLOW)
            assert measured["scroll"] <= measured["width"], measured
            page.screenshot(path=str(artifacts / f"enquiry-form-{lang}-{width}.png"),
                            full_page=True)
    expect(page.locator("#field-quantity")).to_have_value("200")  # the product's MOQ
    page.fill("#field-quantity", "400")
    page.click("#enquiry-form button#send-enquiry")
    expect(page).to_have_url(re.compile(r"/docking/requests/\d+#enquiries$"))
    expect(page.locator("#enquiries tbody tr")).to_have_count(1)
