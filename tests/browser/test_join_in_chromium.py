"""An enterprise's new member, end to end in the browser (issue 10): a person signs up as an
enterprise user in Chinese, opens the link of its mail, asks to join an enterprise of the Anxi
base; Anxi's base administrator approves on its page of requests to join; a buyer sends that
enterprise an enquiry from its page; the new member finds it in the enterprise's inbox and
quotes, in Chinese; the buyer sees the quote on its request.

Screenshots of the key steps at 390 and 1,280 px go to docs/screenshots/ (join-*.png).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tests.browser.conftest import BROWSER_PASSWORD, log_in, mailed_link
from tradebase.registry.models import Base, Enterprise, Product

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEWCOMER = "new-member@example.com"
TEXT = "Hand-woven rattan lounge chairs with seat cushions, 300 pieces for our spring range"


def _anxi_enterprise(engine: Engine) -> tuple[int, str]:
    """An Anxi enterprise with listings that no browser test's user is a member of: its id and
    its Chinese name (the first one is works@example.com's)."""
    with Session(engine) as session:
        anxi = session.scalars(select(Base).where(Base.key == "anxi")).one()
        listed = select(Product.enterprise_id).distinct()
        rows = session.scalars(select(Enterprise).where(
            Enterprise.base_id == anxi.id, Enterprise.id.in_(listed)).order_by(Enterprise.id)
        ).all()
        assert len(rows) >= 3
        chosen = rows[2]
        return chosen.id, chosen.name_zh or chosen.name_en or ""


def _shots(page: Page, docs: Path, name: str, *, mobile_first: bool = False) -> None:
    """Full-page shots of what ``page`` shows, at a phone's width and a laptop's."""
    widths = (390, 1280) if mobile_first else (1280, 390)
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(docs / f"join-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _context(browser: Browser, lang: str) -> BrowserContext:
    locale = "zh-CN" if lang == "zh" else "en-US"
    return browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale,
                               extra_http_headers={"Accept-Language": locale})


def test_a_new_member_joins_is_approved_and_quotes_in_chinese(
    page: Page, browser: Browser, live_server: str, live_engine: Engine, docs_screenshots: Path
) -> None:
    enterprise_id, enterprise_zh = _anxi_enterprise(live_engine)
    bureau = _context(browser, "zh")
    buyer = _context(browser, "en")
    try:
        # Signing up as an enterprise user, in Chinese.
        page.goto(f"{live_server}/lang/zh?next=/signup")
        expect(page.locator("h1")).to_have_text("注册")
        page.select_option("#field-role", "enterprise")
        page.fill("#field-email", NEWCOMER)
        page.fill("#field-password", BROWSER_PASSWORD)
        page.fill("#field-password_again", BROWSER_PASSWORD)
        page.check("#field-consent")
        _shots(page, docs_screenshots, "signup-zh")
        page.click("#signup-form button[type=submit]")
        expect(page.locator("#signup-sent")).to_be_visible()

        # The link of the mail confirms the address; then the newcomer logs in.
        page.goto(f"{live_server}{mailed_link(NEWCOMER)}")
        page.click("#confirm-form button[type=submit]")
        page.wait_for_url("**/login?verified=1")
        log_in(page, live_server, NEWCOMER)
        page.wait_for_url("**/my")
        page.goto(f"{live_server}/lang/zh?next=/my")
        expect(page.locator("#join-enterprise")).to_be_visible()
        page.click("#join-link")

        # Asking to join an existing enterprise of the Anxi base.
        page.wait_for_url("**/signup/enterprise")
        page.check("input[name=kind][value=join]")
        page.select_option("#field-enterprise_id", str(enterprise_id))
        page.click("#join-form button[type=submit]")
        page.wait_for_url("**/signup/enterprise?asked=1")
        expect(page.locator("#join-asked")).to_be_visible()
        expect(page.locator("#my-join-requests")).to_contain_text(enterprise_zh)
        expect(page.locator("#my-join-requests")).to_contain_text("等待审核")
        _shots(page, docs_screenshots, "asked-zh")
        page.goto(f"{live_server}/docking/inbox")  # not a member yet: nothing of the enterprise
        expect(page.locator("#inbox")).not_to_contain_text(enterprise_zh)

        # Anxi's base administrator approves, from its home page.
        admin = bureau.new_page()
        log_in(admin, live_server, "bureau@example.com")
        admin.goto(f"{live_server}/lang/zh?next=/my")
        expect(admin.locator("#waiting-joins")).to_be_visible()
        admin.click("#join-requests-link")
        admin.wait_for_url("**/signup/requests")
        row = admin.locator("#join-requests tbody tr", has_text=NEWCOMER)
        expect(row).to_contain_text(enterprise_zh)
        _shots(admin, docs_screenshots, "requests-zh")
        row.locator("form[action$='/approve'] button").click()
        admin.wait_for_url("**/signup/requests?done=approved")
        expect(admin.locator("#decided")).to_be_visible()
        expect(admin.locator("#join-requests tbody tr", has_text=NEWCOMER)).to_have_count(0)

        # A buyer sends the enterprise an enquiry from its page, in English.
        shopper = buyer.new_page()
        log_in(shopper, live_server, "buyer@example.com")
        shopper.goto(f"{live_server}/enterprises/{enterprise_id}")
        shopper.click("#send-enquiry")
        shopper.wait_for_url("**/enquiries/new?enterprise_id=*")
        shopper.select_option("#field-sku", index=1)
        shopper.fill("#field-text", TEXT)
        shopper.fill("#field-quantity", "300")
        shopper.click("#enquiry-form button[type=submit]")
        shopper.wait_for_url("**/docking/requests/*")
        request_url = shopper.url.split("#")[0]

        # The new member: the enterprise's inbox, the enquiry, a quote — in Chinese.
        page.goto(f"{live_server}/my")
        expect(page.locator("#my-enterprises")).to_contain_text(enterprise_zh)
        expect(page.locator("#join-enterprise")).to_have_count(0)
        page.goto(f"{live_server}/docking/inbox")
        expect(page.locator("h1")).to_have_text("收件箱")
        row = page.locator("#inbox tr.inbox-row", has_text=TEXT[:40])
        expect(row).to_have_count(1)
        expect(row).to_contain_text(enterprise_zh)
        _shots(page, docs_screenshots, "inbox-zh")
        row.locator("a").first.click()
        page.wait_for_url("**/docking/enquiries/*")
        expect(page.locator("#answer-form")).to_be_visible()
        page.fill("#field-price", "42.5")
        page.fill("#field-currency", "USD")
        page.fill("#field-lead_time_days", "35")
        page.fill("#field-moq", "50")
        page.fill("#field-note", "藤编手工，坐垫可选颜色。")
        _shots(page, docs_screenshots, "quote-zh")
        page.click("#answer-form button[type=submit]")
        quote = page.locator("#enquiry-quote")
        expect(quote).to_contain_text("42.5")
        expect(quote).to_contain_text("35 天")

        # The buyer sees the answer on its request.
        shopper.goto(request_url)
        answered = shopper.locator("#enquiries tbody tr", has_text="42.5")
        expect(answered).to_contain_text("USD")
        expect(answered.locator(".enquiry-status")).to_have_text("answered")
        _shots(shopper, docs_screenshots, "answer-en")
    finally:
        for context in (bureau, buyer):
            context.close()
