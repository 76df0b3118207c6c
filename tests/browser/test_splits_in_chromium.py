"""A buyer splits 40,000 stackable metal garden chairs (issue 9): in Chinese and English, on a
phone and a desktop, the split shows only chairs, each with its name, enterprise and price
source, no cost of 0, and one button sends an enquiry to each enterprise of the split.
Screenshots go to test-artifacts/ (and /tmp/splits-shots/ when that folder exists)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.browser.conftest import log_in
from tradebase.accounts.models import User
from tradebase.accounts.policy import system_actor
from tradebase.docking.models import BuyerRequest
from tradebase.registry import schemas, service
from tradebase.registry.models import Enterprise
from tradebase.uow import unit_of_work

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/splits-shots")
CHAIRS = [  # sku, title, zh title, HS, monthly capacity
    ("BR-SPLIT-CHAIR-1", "Stackable metal garden chair, powder-coated steel",
     "可叠放金属花园椅，喷塑钢", "940179", 12000),
    ("BR-SPLIT-CHAIR-2", "Stackable aluminium garden chair", "可叠放铝制花园椅", "940179",
     20000),
    ("BR-SPLIT-CUSHION", "Outdoor seat cushion for garden chairs", "户外花园椅坐垫", "940490",
     60000),
]


def _seed(engine: Engine) -> int:
    """Two chair makers and a cushion maker with the largest capacity, and the buyer's
    request for 40,000 chairs with HS 940179 confirmed."""
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        makers = list(session.scalars(select(Enterprise).order_by(Enterprise.id).limit(3)))
        for maker, (sku, title, zh, hs, capacity) in zip(makers, CHAIRS, strict=True):
            if service.get_product_by_sku(session=session, sku=sku) is None:
                service.create_product(session=session, data=schemas.ProductCreate(
                    sku=sku, enterprise_id=maker.id, title=title, titles={"zh": zh},
                    hs_code=hs, moq=500, monthly_capacity=capacity, lead_time_days=10,
                ))
        buyer = session.scalars(select(User).where(User.email == "buyer@example.com")).one()
        request = BuyerRequest(buyer_id=buyer.id, organisation=buyer.organisation,
                               text="40,000 stackable metal garden chairs", quantity=40000,
                               max_lead_time_days=60, currency="EUR", hs_code="940179",
                               certifications=[])
        session.add(request)
        session.flush()
        return request.id


def _shoot(page: Page, artifacts: Path, name: str) -> None:
    target = artifacts / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    if SHOTS.is_dir():
        shutil.copy(target, SHOTS / target.name)


def test_a_split_of_garden_chairs_shows_only_chairs(
    page: Page, live_server: str, live_engine: Engine, artifacts: Path
) -> None:
    request_id = _seed(live_engine)
    log_in(page, live_server, "buyer@example.com")  # once: sign-ins are rate-limited
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/lang/{lang}")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server}/docking/requests/{request_id}")
            chair = page.locator("#match-table tr.match", has_text="BR-SPLIT-CHAIR-1")
            expect(chair).to_contain_text("可叠放金属花园椅" if lang == "zh" else
                                          "Stackable metal garden chair")
            _shoot(page, artifacts, f"split-request-{lang}-{width}")
            page.goto(f"{live_server}/docking/requests/{request_id}/split")
            shares = page.locator("#split-shares")
            expect(shares).to_contain_text("BR-SPLIT-CHAIR-2")
            expect(shares).not_to_contain_text("BR-SPLIT-CUSHION")
            if width > 640:  # the phone shot keeps the list folded, as a buyer first sees it
                page.click("#split-left-out summary")
                expect(page.locator("#split-left-out")).to_contain_text("BR-SPLIT-CUSHION")
            expect(page.locator("#split-total")).to_have_count(0)
            expect(page.locator("#split-explanation")).to_contain_text(
                "已证明工厂最少" if lang == "zh" else "Proven fewest factories")
            _shoot(page, artifacts, f"split-fewest-{lang}-{width}")
            page.click("#objective-spread")
            expect(page.locator("#objective-spread")).to_have_attribute("aria-current", "true")
            _shoot(page, artifacts, f"split-spread-{lang}-{width}")
    page.goto(f"{live_server}/docking/requests/{request_id}/split")
    page.click("#split-enquiries button[type=submit]")
    expect(page.locator("#enquiries .enquiry-status").first).to_have_text("sent")
    assert page.locator("#enquiries .enquiry-status").count() >= 2
