"""An exhibition abroad and a campaign in Chromium (issue 11): the organisers place an exhibitor
of Anxi's delegation at the Hamburg fair and choose the products it shows, record a buyer it
met, the exhibitor turns the lead into a docking request; the campaign's page shows its
progress against the target and the map of the cities reached, and tells the organisers which
city is ambiguous and which is unknown — on a phone and a desktop, in Chinese and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.browser.conftest import log_in, log_out
from tradebase.accounts.policy import system_actor
from tradebase.events.models import Event, EventBase, Registration
from tradebase.registry import service
from tradebase.registry.models import Enterprise, Product
from tradebase.uow import unit_of_work

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FESTIVALS = [("Auckland", "NZ", 42000), ("Columbus", "US", 31000), ("Lyon", "FR", 18000),
             ("Atlantisburg", "DE", 500), ("Vancouver", "CA", 9000)]


def _fair_and_campaign(engine: Engine) -> tuple[int, int, str]:
    """Anxi's campaign with five festivals and the Hamburg fair, works@'s enterprise approved
    in the fair's delegation; and the title of one of its products."""
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        anxi = service.get_base_by_key(session=session, key="anxi")
        assert anxi is not None
        own = session.scalars(select(Enterprise).where(Enterprise.base_id == anxi.id)
                              .order_by(Enterprise.id)).first()
        assert own is not None
        product = session.scalars(select(Product).where(Product.enterprise_id == own.id)
                                  .order_by(Product.id)).first()
        assert product is not None
        campaign = Event(kind="campaign", title_en="Anxi crafts in 30 foreign cities",
                         title_zh="安溪工艺品走进30座海外城市", status="open", published=True,
                         target_text="30 displays in 30 foreign cities by 2028",
                         target_cities=30, target_countries=15, target_visitors=500000,
                         base_rows=[EventBase(base_id=anxi.id)])
        session.add(campaign)
        session.flush()
        for city, country, visitors in FESTIVALS:
            session.add(Event(kind="festival", title_en=f"Anxi crafts in {city}",
                              parent_id=campaign.id, city=city, country=country,
                              visitors=visitors, status="held", published=True,
                              base_rows=[EventBase(base_id=anxi.id)]))
        fair = Event(kind="exhibition", title_en="Hamburg home and garden fair",
                     title_zh="汉堡家居园艺展", place="Messe Hamburg", city="Hamburg",
                     country="DE", timezone="Europe/Berlin", status="open", published=True,
                     parent_id=campaign.id, visitors=60000,
                     base_rows=[EventBase(base_id=anxi.id)])
        session.add(fair)
        session.flush()
        session.add(Registration(event_id=fair.id, kind="enterprise", enterprise_id=own.id,
                                 status="approved", attendees=[], offers=[], seeks=[]))
        session.flush()
        return fair.id, campaign.id, product.title


def _shoot(page: Page, live_server: str, url: str, artifacts: Path, name: str) -> None:
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/lang/{lang}")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            page.screenshot(path=str(artifacts / f"{name}-{lang}-{width}.png"), full_page=True)
    page.goto(f"{live_server}/lang/en")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)


def test_delegation_leads_and_the_campaign_map(
    page: Page, live_server: str, live_engine: Engine, artifacts: Path
) -> None:
    fair, campaign, product = _fair_and_campaign(live_engine)
    base = f"{live_server}/events/{fair}"
    page.goto(f"{live_server}/lang/en")
    log_in(page, live_server, "bureau@example.com")
    # the organisers place the exhibitor and choose a product it shows
    page.goto(f"{base}/delegation")
    page.fill("input[name=hall]", "B6")
    page.fill("input[name=booth]", "B6-312")
    page.get_by_label(product).first.check()
    page.get_by_role("button", name="Save").first.click()
    expect(page).to_have_url(re.compile(r"/delegation#exhibitor-\d+$"))
    _shoot(page, live_server, f"{base}/delegation", artifacts, "exhibition-delegation")
    page.goto(base)
    expect(page.locator("#delegation")).to_contain_text("B6-312")
    expect(page.locator("#delegation")).to_contain_text(product)
    # a buyer met at the booth
    page.goto(f"{base}/leads")
    page.fill("#field-buyer_name", "Jonas Weber")
    page.fill("#field-organisation", "Weber Gartenmöbel GmbH")
    page.fill("#field-country", "DE")
    page.fill("#field-contact", "j.weber@weber-garten.example")
    page.fill("#field-quantity", "800")
    page.fill("#field-wants", "rattan garden chairs, grey, stackable")
    page.click("#lead-form button[type=submit]")
    expect(page.locator("#lead-list")).to_contain_text("Jonas Weber")
    expect(page.locator("#count-leads")).to_have_text("1")
    log_out(page)
    # the exhibitor sees its lead and turns it into a docking request
    log_in(page, live_server, "works@example.com")
    page.goto(f"{base}/leads")
    page.get_by_role("button", name="Turn into a docking request").click()
    expect(page.locator("#count-requests")).to_have_text("1")
    expect(page.locator("#lead-list")).to_contain_text("sent to the exhibitor")
    _shoot(page, live_server, f"{base}/leads", artifacts, "exhibition-leads")
    log_out(page)
    # the campaign: the organisers are told which city is ambiguous and which unknown
    log_in(page, live_server, "bureau@example.com")
    page.goto(f"{live_server}/events/{campaign}")
    expect(page.locator("#campaign-map svg circle")).to_have_count(5)  # Atlantisburg: none
    expect(page.locator("#campaign-map")).to_contain_text("several namesakes")
    expect(page.locator("#campaign-map")).to_contain_text("Atlantisburg")
    expect(page.locator("#progress-cities")).to_have_text("6 / 30")  # Atlantisburg counts, unplaced
    _shoot(page, live_server, f"{live_server}/events/{campaign}", artifacts,
           "campaign-organiser")
    page.locator("#campaign-map li", has_text=re.compile(r"· GA ·")).get_by_role("button").click()
    expect(page.locator("#campaign-map")).not_to_contain_text("several namesakes")
    log_out(page)
    # the public page: progress and map, no namesakes to choose from
    _shoot(page, live_server, f"{live_server}/events/{campaign}", artifacts, "campaign-public")
    expect(page.locator("#campaign-map svg")).to_be_visible()
    expect(page.locator("#campaign-map")).not_to_contain_text("namesakes")
