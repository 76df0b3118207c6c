"""Page forms in a real Chromium: every field wrong at once, then corrected without retyping.

Each form is submitted with several fields wrong; the page comes back with every error beside
its field and a summary at the top, in the page's language, and every value still as typed —
the valid ones too. Only the wrong fields are then corrected, and the form goes through. In
Chinese at 390 px and in English at 1,280 px; the screenshots of the refused forms go to
test-artifacts/. The route-by-route check of every form (also those needing an enquiry or a
procurement round) is ``tests/integration/web/test_form_flow.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.browser.conftest import log_in
from tradebase.registry.models import Base, Enterprise, Product

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ENGLISH_VALIDATOR = ("String should", "Input should", "Value error", "Field required",
                     "should be", "Extra inputs")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Ids:
    base: int  # Anxi (bureau@example.com's)
    enterprise: int  # Anxi's first enterprise (works@example.com's)
    product: int  # one of its products
    sku: str  # that product's


@dataclass(frozen=True)
class FormCase:
    who: str
    url: Callable[[Ids], str]
    valid: Callable[[Ids], dict[str, str]]  # fields typed right: they survive the refusal
    # ("{lang}" in a value of ``valid`` or ``right`` is the page's language: one record each)
    wrong: dict[str, str]  # fields typed wrong: each must get its message
    right: dict[str, str]  # what corrects them
    done: str  # a regex of the URL the form leads to once accepted


CASES = {
    "request": FormCase(
        "buyer@example.com", lambda ids: "/docking",
        valid=lambda ids: {"unit": "pcs", "certifications": "FSC; BSCI"},
        wrong={"text": "", "quantity": "-5", "max_lead_time_days": "-5"},
        right={"text": "Stackable powder-coated metal garden chairs", "quantity": "2000",
               "max_lead_time_days": "60"},
        done=r"/docking/requests/\d+$",
    ),
    "enquiry": FormCase(
        "buyer@example.com", lambda ids: f"/enquiries/new?enterprise_id={ids.enterprise}",
        valid=lambda ids: {"unit": "pcs", "sku": ids.sku},
        wrong={"text": "", "quantity": "-5"},
        right={"text": "Rattan armchairs for a hotel terrace", "quantity": "300"},
        done=r"/docking/requests/\d+",
    ),
    "capacity": FormCase(
        "works@example.com", lambda ids: "/capacity",
        valid=lambda ids: {"month": "2027-03", "unit": "pcs"},
        wrong={"free_capacity": "-5", "hs_code": "abc"},
        right={"free_capacity": "500", "hs_code": "940153"},
        done=r"/capacity",
    ),
    "enterprise": FormCase(
        "bureau@example.com", lambda ids: "/enterprises/new",
        valid=lambda ids: {"base_id": str(ids.base), "name_zh": "安溪测试藤编厂 {lang}",
                           "name_en": "Anxi Test Rattan Works {lang}", "contact_name": "Lin Mei"},
        wrong={"employees": "-5", "contact_email": "nope", "founded": "3000"},
        right={"employees": "50", "contact_email": "sales@rattan.example", "founded": "2001"},
        done=r"/enterprises/\d+$",
    ),
    "product": FormCase(
        "works@example.com", lambda ids: f"/products/new?enterprise_id={ids.enterprise}",
        valid=lambda ids: {"unit": "pcs", "hs_code": "940153", "price_currency": "EUR"},
        wrong={"sku": "!!bad", "title": "", "moq": "-1", "price_min": "-1"},
        right={"sku": "FORM-TEST-{lang}", "title": "Rattan bistro chair", "moq": "100",
               "price_min": "12"},
        done=r"/(products|enterprises)/\d+",
    ),
}


@pytest.fixture(scope="module")
def ids(live_engine: Engine) -> Ids:
    with Session(live_engine) as session:
        anxi = session.scalars(select(Base).where(Base.key == "anxi")).one()
        enterprise = session.scalars(
            select(Enterprise).where(Enterprise.base_id == anxi.id).order_by(Enterprise.id)
        ).first()
        assert enterprise is not None
        product = session.scalars(
            select(Product).where(Product.enterprise_id == enterprise.id)
        ).first()
        assert product is not None
        return Ids(base=anxi.id, enterprise=enterprise.id, product=product.id, sku=product.sku)


def _type(page: Page, name: str, value: str) -> None:
    field = page.locator(f"#field-{name}")
    if field.evaluate("(element) => element.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)


def _value(page: Page, name: str) -> str:
    return str(page.locator(f"#field-{name}").input_value())


def _submit(page: Page, first_field: str) -> None:
    form = page.locator("form", has=page.locator(f"#field-{first_field}"))
    form.locator("button[type=submit]:not([name=action])").first.click()


@pytest.mark.parametrize(("lang", "width"), [("zh", 390), ("en", 1280)])
@pytest.mark.parametrize("name", list(CASES))
def test_a_wrong_form_keeps_what_was_typed_and_goes_through_once_corrected(
    page: Page, live_server: str, ids: Ids, artifacts: Path, name: str, lang: str,
    width: int,
) -> None:
    case = CASES[name]
    page.set_default_timeout(120_000)  # a loaded CI machine: matching the demo catalog
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, case.who)
    page.goto(f"{live_server}/lang/{lang}?next={case.url(ids)}")
    valid = {field: value.format(lang=lang) for field, value in case.valid(ids).items()}
    for field, value in (valid | case.wrong).items():
        _type(page, field, value)
    _submit(page, next(iter(case.wrong)))

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    for field in case.wrong:
        error = page.locator(f"#error-{field}")
        expect(error).to_be_visible()
        said = error.inner_text()
        assert not any(phrase in said for phrase in ENGLISH_VALIDATOR), said
        if lang == "zh":
            assert CHINESE.search(said), f"{field}: {said}"
        expect(summary.locator(f"a[href='#field-{field}']")).to_have_count(1)
    for field, value in (valid | case.wrong).items():
        assert _value(page, field) == value, field  # nothing to type again
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / f"form-{name}-{lang}-{width}.png"), full_page=True)

    for field, value in case.right.items():
        _type(page, field, value.format(lang=lang))
    _submit(page, next(iter(case.right)))
    expect(page).to_have_url(re.compile(case.done), timeout=120_000)
    expect(page.locator(".error-summary")).to_have_count(0)
