"""The whole request for quotation in one browser story (issue 9): a German buyer types only
the text of its request, sees the fields filled from it, confirms and publishes it as an open
request; the member of a matching enterprise finds it in its inbox in Chinese, with the fields
in Chinese next to the German original, and quotes; a second enterprise quotes; the buyer
compares the two quotes side by side and accepts one, and the first factory is told."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.browser.conftest import BROWSER_PASSWORD, log_in
from tradebase.accounts import service as accounts
from tradebase.accounts.models import User
from tradebase.accounts.policy import system_actor
from tradebase.accounts.roles import Role
from tradebase.registry.models import Enterprise
from tradebase.uow import unit_of_work

pytestmark = pytest.mark.browser

TEXT = ("Wir suchen 800 stapelbare Esszimmerstühle aus Rattan, ISO 9001, Lieferung nach "
        "Hamburg innerhalb von 60 Tagen")
SECOND = "greenweave@example.com"


def _second_member(engine: Engine) -> None:
    """A member of Anxi Greenweave (PE rattan garden chairs, stackable, ISO 9001)."""
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        works = session.scalars(select(Enterprise).where(
            Enterprise.name_en.like("Anxi Greenweave%"))).one()
        if session.scalar(select(User.id).where(User.email == SECOND)) is None:
            accounts.create_user(session=session, email=SECOND, password=BROWSER_PASSWORD,
                                 role=Role.ENTERPRISE, enterprise_ids=[works.id])


def _context(browser: Browser, lang: str) -> BrowserContext:
    locale = "zh-CN" if lang == "zh" else "en-US"
    return browser.new_context(viewport={"width": 390, "height": 900}, locale=locale,
                               extra_http_headers={"Accept-Language": locale})


def _quote(page: Page, live_server: str, request_text: str, price: str, lead: str,
           artifacts: Path, name: str) -> None:
    page.goto(f"{live_server}/docking/inbox")
    row = page.locator("#inbox tr.open-request", has_text=request_text[:30]).first
    expect(row).to_be_visible()
    row.locator("a").first.click()
    page.wait_for_url("**/docking/enquiries/*")
    page.fill("#field-price", price)
    page.fill("#field-currency", "EUR")
    page.fill("#field-lead_time_days", lead)
    page.screenshot(path=str(artifacts / f"rfq-story-{name}.png"), full_page=True)
    page.click("#answer-form button[type=submit]")
    expect(page.locator("#enquiry-quote")).to_contain_text(price)


def test_a_german_request_is_published_quoted_twice_and_awarded(
    page: Page, browser: Browser, live_server: str, live_engine: Engine, artifacts: Path
) -> None:
    _second_member(live_engine)
    # The buyer: only the text, read, confirmed, published.
    log_in(page, live_server, "buyer@example.com")
    page.goto(f"{live_server}/lang/en")
    page.goto(f"{live_server}/docking")
    page.fill("#field-text", TEXT)
    page.click("#read-text")
    expect(page.locator("#field-quantity")).to_have_value("800")
    expect(page.locator("#field-certifications")).to_have_value("ISO9001")
    expect(page.locator("#field-destination")).to_have_value("DE")
    expect(page.locator("#field-max_lead_time_days")).to_have_value("60")
    page.click("#confirm-request")
    page.wait_for_url("**/docking/requests/*")
    request_url = page.url
    page.click("#publish-form button[type=submit]")
    expect(page.locator("#publish-form")).to_have_count(0)

    # The first factory, in Chinese on a phone: the request in its inbox, fields in Chinese.
    first = _context(browser, "zh")
    works = first.new_page()
    log_in(works, live_server, "works@example.com")
    works.goto(f"{live_server}/lang/zh")
    works.goto(f"{live_server}/docking/inbox")
    expect(works.locator("h1")).to_have_text("收件箱")
    row = works.locator("#inbox tr.open-request", has_text=TEXT[:30]).first
    expect(row).to_be_visible()
    row.locator("a").first.click()
    works.wait_for_url("**/docking/enquiries/*")
    facts = works.locator(".facts").first
    expect(facts).to_contain_text("数量")
    expect(facts).to_contain_text("800")
    expect(facts).to_contain_text("德国")  # the destination, in Chinese
    expect(facts).to_contain_text("ISO9001")
    expect(works.locator("blockquote[lang=de]")).to_contain_text("Esszimmerstühle")
    _quote(works, live_server, TEXT, "31.5", "45", artifacts, "first-factory-zh-390")

    # A second factory quotes, in English at desktop width.
    second = _context(browser, "en")
    other = second.new_page()
    other.set_viewport_size({"width": 1280, "height": 900})
    log_in(other, live_server, SECOND)
    _quote(other, live_server, TEXT, "29.8", "35", artifacts, "second-factory-en-1280")

    # The buyer compares both side by side and accepts the first one.
    page.goto(f"{request_url}/quotes")
    rows = page.locator("#quote-table tr.quote")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("29.8")  # cheapest first
    page.screenshot(path=str(artifacts / "rfq-story-quotes-en-1280.png"), full_page=True)
    chosen = page.locator("#quote-table tr.quote", has_text="31.5")
    chosen.locator(".accept-quote-form button").click()
    expect(page.locator("#quote-table tr.quote.accepted")).to_contain_text("31.5")

    # The first factory is told in its inbox.
    works.goto(f"{live_server}/inbox")
    expect(works.locator("body")).to_contain_text("买家接受了")
    first.close()
    second.close()
