"""A factory opens a request that was also sent to a competitor: in Chinese and English, on a
phone and a desktop, it sees its own quote and nothing of the competitor's (issue 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.browser.conftest import log_in
from tradebase.accounts.models import User
from tradebase.accounts.policy import system_actor
from tradebase.docking.models import BuyerRequest, Enquiry
from tradebase.registry import service
from tradebase.registry.models import Enterprise
from tradebase.uow import unit_of_work

pytestmark = pytest.mark.browser


def _request_with_two_quotes(engine: Engine) -> tuple[int, int, int]:
    """A request of buyer@example.com, answered by Anxi's first enterprise (the member
    works@example.com's) at 24.5 EUR and by a factory of another base at 613.37 EUR."""
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        anxi = service.get_base_by_key(session=session, key="anxi")
        assert anxi is not None
        own = session.scalars(select(Enterprise).where(Enterprise.base_id == anxi.id)
                              .order_by(Enterprise.id)).first()
        rival = session.scalars(select(Enterprise).where(Enterprise.base_id != anxi.id)
                                .order_by(Enterprise.id)).first()
        buyer = session.scalars(select(User).where(User.email == "buyer@example.com")).one()
        assert own is not None
        assert rival is not None
        request = BuyerRequest(buyer_id=buyer.id, organisation=buyer.organisation,
                               text="Rattan lounge chairs, 800 pcs", quantity=800,
                               certifications=[])
        mine = Enquiry(request=request, enterprise_id=own.id, status="answered", reasons=[],
                       quote_price=24.5, quote_currency="EUR", quote_lead_time_days=30)
        theirs = Enquiry(request=request, enterprise_id=rival.id, status="answered",
                         reasons=[], quote_price=613.37, quote_currency="EUR",
                         quote_lead_time_days=44)
        session.add_all([request, mine, theirs])
        session.flush()
        return request.id, mine.id, theirs.id


def test_a_factory_sees_only_its_own_quote(
    page: Page, live_server: str, live_engine: Engine, artifacts: Path
) -> None:
    request_id, mine, theirs = _request_with_two_quotes(live_engine)
    log_in(page, live_server, "works@example.com")  # once: sign-ins are rate-limited
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/lang/{lang}")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server}/docking/requests/{request_id}")
            expect(page.locator("#enquiries tbody tr")).to_have_count(1)
            expect(page.locator(f"#enquiries a[href='/docking/enquiries/{mine}']")
                   ).to_be_visible()
            expect(page.locator(f"a[href='/docking/enquiries/{theirs}']")).to_have_count(0)
            assert "613.37" not in page.content()  # not "613": a CSRF token may hold it
            page.screenshot(path=str(artifacts / f"request-as-factory-{lang}-{width}.png"),
                            full_page=True)
