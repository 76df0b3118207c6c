"""The RFQ pages (issue 9): the request form keeps what was typed and shows each error beside
its field; a factory reads the terms in Chinese next to the original; the inbox marks open
requests; the comparison sorts by its columns and shows landed prices."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import auth
from tests.integration.docking.rfq_support import REQUEST_TEXT, build_catalog, token_for
from tradebase.accounts.roles import Role


@pytest.fixture
def world(client: TestClient, session: Session) -> dict[str, Any]:
    catalog = build_catalog(session)
    return {
        "catalog": catalog,
        "buyer": auth(token_for(session, "rfq-page-buyer@example.com", Role.BUYER,
                                organisation="Velo Import GmbH")),
        **{name: auth(token_for(session, f"rfq-page-{name.lower()}@example.com",
                                Role.ENTERPRISE, enterprise_ids=[catalog.works[name]]))
           for name in ("A", "B")},
    }


FORM = {"text": REQUEST_TEXT, "quantity": "200", "certifications": "EN14781",
        "max_lead_time_days": "60", "destination": "DE", "incoterm": "DAP",
        "incoterm_place": "Köln", "payment_terms": "lc_sight", "packaging": "pallet",
        "samples": "with_quote", "anonymous_until_accepted": "on"}


def test_the_request_form_shows_errors_beside_fields(client: TestClient,
                                                     world: dict[str, Any]) -> None:
    page = client.post("/docking/requests", headers=world["buyer"],
                       data=FORM | {"quantity": "many", "incoterm": "XYZ"})
    assert page.status_code == 422
    assert 'id="error-quantity"' in page.text
    assert 'id="error-incoterm"' in page.text
    assert 'value="Köln"' in page.text  # what was typed is kept
    assert "titanium gravel bicycle frames</textarea>" in page.text


def test_a_factory_reads_the_terms_in_chinese(client: TestClient,
                                              world: dict[str, Any]) -> None:
    made = client.post("/docking/requests", headers=world["buyer"], data=FORM,
                       follow_redirects=False)
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    published = client.post(f"{url}/publish", headers=world["buyer"], follow_redirects=False)
    assert published.status_code == 303
    again = client.post(f"{url}/publish?lang=zh", headers=world["buyer"])
    assert again.status_code == 409
    assert "此询价已经发布。" in again.text  # the error said by its code, in Chinese
    inbox = client.get("/docking/inbox?lang=zh", headers=world["A"])
    assert inbox.status_code == 200
    assert "open-request" in inbox.text
    assert "公开询价" in inbox.text
    enquiry = inbox.text.split('href="/docking/enquiries/', 1)[1].split('"', 1)[0]
    page = client.get(f"/docking/enquiries/{enquiry}?lang=zh", headers=world["A"])
    assert "即期信用证" in page.text
    assert "(Letter of credit at sight)" in page.text  # next to the original
    assert "DAP – 目的地交货" in page.text
    assert "托盘包装" in page.text
    assert "Velo Import" not in page.text  # anonymous until it accepts a quote
    quoted = client.post(f"/docking/enquiries/{enquiry}/answer", headers=world["A"], data={
        "price": "399", "currency": "EUR", "lead_time_days": "40", "incoterm": "DAP",
        "moq": "50"}, follow_redirects=False)
    assert quoted.status_code == 303, quoted.text
    bad = client.post(f"/docking/enquiries/{enquiry}/answer", headers=world["A"],
                      data={"price": "cheap", "currency": "EUR", "lead_time_days": "40"})
    assert bad.status_code == 422
    assert 'id="error-price"' in bad.text

    table = client.get(f"{url}/quotes?sort=landed&order=desc", headers=world["buyer"])
    assert table.status_code == 200
    assert "399 EUR <span class=\"meta\">(不含关税)</span>" in table.text  # DAP: duty excluded
    assert "sort=landed&amp;order=asc" in table.text  # the sorted column's link turns it
    accepted = client.post(f"/docking/enquiries/{enquiry}/accept", headers=world["buyer"],
                           follow_redirects=False)
    assert accepted.status_code == 303
    assert "Velo Import GmbH" in client.get(f"/docking/enquiries/{enquiry}",
                                            headers=world["A"]).text


def test_edit_page_keeps_the_terms(client: TestClient, world: dict[str, Any]) -> None:
    made = client.post("/docking/requests", headers=world["buyer"], data=FORM,
                       follow_redirects=False)
    url = made.headers["location"]
    form = client.get(f"{url}/edit", headers=world["buyer"])
    assert form.status_code == 200
    assert '<option value="lc_sight" selected>' in form.text
    saved = client.post(f"{url}/edit", headers=world["buyer"],
                        data=FORM | {"quantity": "250"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = client.get(url, headers=world["buyer"])
    assert "request-change" in page.text
    assert client.post(f"{url}/withdraw", headers=world["buyer"],
                       follow_redirects=False).status_code == 303
    assert client.get(f"{url}/edit", headers=world["buyer"]).status_code == 409


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_read_my_text_fills_the_empty_fields_for_the_buyer_to_confirm(
    client: TestClient, world: dict[str, Any], lang: str
) -> None:
    text = ("Wir suchen 5.000 Fahrradrahmen aus Titan, ISO 9001, Lieferung nach Hamburg "
            "innerhalb von 60 Tagen")
    page = client.post(f"/docking/requests?lang={lang}", headers=world["buyer"],
                       data={"text": text, "destination": "AT", "action": "read"})
    assert page.status_code == 200
    assert 'id="read-notice"' in page.text
    assert 'id="field-quantity" name="quantity" type="text" value="5000"' in page.text
    assert 'name="max_lead_time_days" type="text" value="60"' in page.text
    assert 'name="certifications" type="text" value="ISO9001"' in page.text
    assert 'name="destination" type="text" value="AT"' in page.text  # typed: kept
    listed = client.get("/docking", headers=world["buyer"])
    assert "Fahrradrahmen" not in listed.text  # nothing saved before the buyer confirms
