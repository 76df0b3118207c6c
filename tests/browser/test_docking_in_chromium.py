"""A buyer posts a request in Swedish, sees matched enterprises with reasons and sends an
enquiry; the enterprise answers and proposes an intention; the buyer signs it; it appears on
the base's docking dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from tests.browser.conftest import log_in, log_out
from tradebase.accounts.policy import system_actor
from tradebase.registry import schemas, service
from tradebase.uow import unit_of_work

pytestmark = pytest.mark.browser

SWEDISH = ("Vi söker 2 000 rottingstolar för uteservering, FSC-certifierade, leverans inom "
           "60 dagar till Sverige")


def _seed_listing(engine: Engine) -> int:
    """An FSC rattan chair of Anxi's first enterprise (the member works@example.com's), added
    while the server runs: its index must pick it up."""
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        anxi = service.get_base_by_key(session=session, key="anxi")
        assert anxi is not None
        first, _ = service.list_enterprises(
            session=session, filters=service.ListFilters(base_id=anxi.id), limit=1
        )
        if service.get_product_by_sku(session=session, sku="BR-RATTAN-1") is None:
            service.create_product(session=session, data=schemas.ProductCreate(
                sku="BR-RATTAN-1", enterprise_id=first[0].id,
                title="Rattan dining chair for outdoor cafes", titles={"zh": "户外藤编餐椅"},
                hs_code="940153", moq=100, monthly_capacity=2000, lead_time_days=30,
                certifications=["FSC"],
            ))
        return anxi.id


def test_a_swedish_request_becomes_a_signed_intention(
    page: Page, live_server: str, live_engine: Engine
) -> None:
    anxi_id = _seed_listing(live_engine)

    log_in(page, live_server, "buyer@example.com")
    page.click("nav a[href='/docking']")
    page.fill("#field-text", SWEDISH)
    page.fill("#field-quantity", "2000")
    page.fill("#field-destination", "SE")
    page.fill("#field-max_lead_time_days", "60")
    page.fill("#field-certifications", "FSC")
    page.click("#request-form button[type=submit]")
    expect(page.locator("#request-language")).to_have_text("sv")
    expect(page.locator("#hs-proposal")).to_contain_text("9401")
    row = page.locator("#match-table tr.match", has_text="BR-RATTAN-1")
    expect(row).to_contain_text("FSC ✓")
    expect(row).to_contain_text("2,000 pcs within 60 days ✓")
    row.locator("button[type=submit]").click()
    expect(page.locator("#enquiries .enquiry-status").first).to_have_text("sent")
    request_url = page.url.split("#")[0]
    log_out(page)

    log_in(page, live_server, "works@example.com")
    page.goto(f"{live_server}/docking")
    page.locator("#enquiry-list a").first.click()
    page.fill("#answer-form #field-price", "27.5")
    page.fill("#answer-form #field-currency", "EUR")
    page.fill("#answer-form #field-lead_time_days", "45")
    page.click("#answer-form button[type=submit]")
    expect(page.locator("#enquiry-status")).to_have_text("answered")
    page.fill("#field-intention-quantity", "2000")
    page.fill("#field-intention-value", "55000")
    page.fill("#field-intention-currency", "EUR")
    page.click("#intention-form button[type=submit]")
    expect(page.locator("#intentions .intention-status")).to_have_text("proposed")
    expect(page.locator(".accept-form")).to_have_count(0)  # the proposer does not accept
    log_out(page)

    log_in(page, live_server, "buyer@example.com")
    page.goto(request_url)
    page.locator("#enquiries a", has_text="Open").first.click()
    page.click(".accept-form button")
    expect(page.locator("#intentions .intention-status")).to_have_text("accepted")
    expect(page.locator("#intentions .order-status")).to_have_text("contract signed")
    log_out(page)

    log_in(page, live_server, "bureau@example.com")
    page.goto(f"{live_server}/docking/bases/{anxi_id}/dashboard")
    expect(page.locator("#count-intentions")).to_have_text("1")
    expect(page.locator("#count-contracts")).to_have_text("1")
    expect(page.locator("#count-value")).to_contain_text("55")
