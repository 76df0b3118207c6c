"""Accounts in a real browser: an enterprise member logs in, edits its own catalog, is refused
another enterprise's edit page; the base administrator finds the change in the audit log."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tests.browser.conftest import log_in as _log_in
from tests.browser.conftest import log_out
from tradebase.registry.models import Base, Enterprise, Product

pytestmark = pytest.mark.browser


def _products(engine: Engine) -> tuple[Product, Product]:
    with Session(engine) as session:
        anxi = session.scalars(select(Base).where(Base.key == "anxi")).one()
        first = session.scalars(
            select(Enterprise).where(Enterprise.base_id == anxi.id).order_by(Enterprise.id)
        ).first()
        assert first is not None
        own = session.scalars(
            select(Product).where(Product.enterprise_id == first.id).order_by(Product.id)
        ).first()
        other = session.scalars(
            select(Product).where(Product.enterprise_id != first.id).order_by(Product.id)
        ).first()
        assert own is not None
        assert other is not None
        return own, other


@pytest.mark.allow_http_errors(403)
def test_enterprise_edits_its_catalog_and_the_base_admin_sees_it_audited(
    page: Page, context: BrowserContext, live_server: str, live_engine: Engine
) -> None:
    own, other = _products(live_engine)

    _log_in(page, live_server, "works@example.com")
    page.goto(f"{live_server}/products/{own.id}/edit")
    page.fill("#field-moq", "4321")
    page.click("#product-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/enterprises/{own.enterprise_id}"))
    expect(page.locator(f"#product-{own.id}")).to_contain_text("4,321")

    response = page.goto(f"{live_server}/products/{other.id}/edit")
    assert response is not None
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Not allowed")
    assert page.locator("#field-moq").count() == 0

    log_out(page)
    expect(page.locator(".account")).to_contain_text("Log in")

    _log_in(page, live_server, "bureau@example.com")
    page.goto(f"{live_server}/audit?entity=products")
    row = page.locator("#audit-table tbody tr", has_text=f"Changed · Products #{own.id}").first
    expect(row).to_contain_text("works@example.com")
    expect(row).to_contain_text("4321")


@pytest.mark.allow_http_errors(403)
def test_a_form_without_its_csrf_token_is_refused(page: Page, live_server: str,
                                                  live_engine: Engine) -> None:
    own, _ = _products(live_engine)
    _log_in(page, live_server, "works@example.com")
    page.goto(f"{live_server}/products/{own.id}/edit")
    page.eval_on_selector("#product-form input[name=csrf_token]", "el => el.remove()")
    page.fill("#field-moq", "999")
    with page.expect_response(re.compile(r"/edit$")) as answer:
        page.click("#product-form button[type=submit]")
    assert answer.value.status == 403
