"""The enterprise and product forms: checked by the register's schemas and services,
re-rendered with a message next to each wrong field (and what was typed), or saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import csrf_token_of
from tradebase.registry import service
from tradebase.registry.models import Base, Enterprise, Product

ADMIN_ROLE = "admin"


def _auth(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[ADMIN_ROLE]}"}


def _field_error(html: str, field: str) -> str:
    """The text of the message shown under ``field`` ('' when there is none)."""
    marker = f'<p class="error" id="error-{field}">'
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split("</p>", 1)[0]


ENTERPRISE = {
    "name_zh": "测试藤艺",
    "name_en": "Test Rattan Works",
    "size": "small",
    "employees": "35",
    "founded": "2011",
    "certifications": "ISO9001; FSC",
    "markets": "us, de",
    "contact_email": "sales@example.com",
}


def test_enterprise_form_shows_a_message_next_to_each_wrong_field(
    speak: Callable[[str], TestClient], tokens: dict[str, str],
) -> None:
    client = speak("en")
    data = ENTERPRISE | {
        "name_zh": "", "name_en": "", "employees": "many",
        "founded": str(datetime.now(UTC).year + 1), "markets": "US; XX",
        "contact_email": "not-an-address",
    }
    response = client.post("/enterprises/new", data=data, headers=_auth(tokens))
    assert response.status_code == 422
    html = response.text
    assert _field_error(html, "employees") == "Enter a whole number."
    assert _field_error(html, "founded") == "The year founded cannot be in the future."
    assert "XX" in _field_error(html, "markets")
    assert _field_error(html, "contact_email") == "This is not an e-mail address."
    assert _field_error(html, "certifications") == ""
    # The cross-field rule is reported together with the field errors, not after them.
    assert _field_error(html, "name_en") == "Give a name in Chinese or in English."
    # What was typed is kept.
    assert 'value="many"' in html
    assert 'value="not-an-address"' in html
    assert 'value="ISO9001; FSC"' in html


def test_enterprise_form_without_a_name_says_so(
    speak: Callable[[str], TestClient], tokens: dict[str, str]
) -> None:
    response = speak("en").post(
        "/enterprises/new", data={"name_zh": "", "name_en": ""}, headers=_auth(tokens)
    )
    assert response.status_code == 422
    assert _field_error(response.text, "name_en") == "Give a name in Chinese or in English."


def test_form_messages_are_in_the_interface_language(
    speak: Callable[[str], TestClient], tokens: dict[str, str]
) -> None:
    response = speak("zh").post(
        "/enterprises/new", data=ENTERPRISE | {"employees": "很多"}, headers=_auth(tokens)
    )
    assert response.status_code == 422
    assert _field_error(response.text, "employees") == "请输入整数。"
    assert 'value="很多"' in response.text


def test_a_valid_enterprise_is_created_and_the_browser_redirected(
    speak: Callable[[str], TestClient], tokens: dict[str, str], session: Session, anxi: Base
) -> None:
    client = speak("en")
    response = client.post(
        "/enterprises/new", data=ENTERPRISE | {"base_id": str(anxi.id)}, headers=_auth(tokens),
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    enterprise_id = int(location.rsplit("/", 1)[1])
    created = service.get_enterprise(session=session, enterprise_id=enterprise_id)
    assert created.name_en == "Test Rattan Works"
    assert created.base_id == anxi.id
    assert created.markets == ["DE", "US"]
    assert created.certifications == ["FSC", "ISO9001"]
    assert created.is_sample is False
    page = client.get(location)
    assert "Test Rattan Works" in page.text
    assert "Germany" in page.text


def test_editing_an_enterprise_updates_it_and_keeps_its_sample_mark(
    speak: Callable[[str], TestClient], tokens: dict[str, str], session: Session,
    anxi_enterprise: Enterprise,
) -> None:
    client = speak("en")
    form = client.get(f"/enterprises/{anxi_enterprise.id}/edit", headers=_auth(tokens)).text
    assert f'value="{anxi_enterprise.name_en}"' in form
    data = {
        "name_zh": anxi_enterprise.name_zh, "name_en": "Renamed Rattan (sample)",
        "base_id": str(anxi_enterprise.base_id), "region_id": str(anxi_enterprise.region_id),
        "size": "large", "employees": "999", "founded": "2003",
        "certifications": "ISO9001", "markets": "JP",
    }
    response = client.post(
        f"/enterprises/{anxi_enterprise.id}/edit", data=data, headers=_auth(tokens),
        follow_redirects=False,
    )
    assert response.status_code == 303
    session.expire_all()
    updated = service.get_enterprise(session=session, enterprise_id=anxi_enterprise.id)
    assert updated.name_en == "Renamed Rattan (sample)"
    assert updated.employees == 999
    assert updated.markets == ["JP"]
    assert updated.is_sample is True


def test_a_wrong_edit_changes_nothing(
    speak: Callable[[str], TestClient], tokens: dict[str, str], session: Session,
    anxi_enterprise: Enterprise,
) -> None:
    before = anxi_enterprise.name_en
    response = speak("en").post(
        f"/enterprises/{anxi_enterprise.id}/edit",
        data={"name_en": "Changed", "employees": "-5"}, headers=_auth(tokens),
    )
    assert response.status_code == 422
    assert _field_error(response.text, "employees") == "Enter a number of at least 0."
    session.expire_all()
    assert service.get_enterprise(session=session, enterprise_id=anxi_enterprise.id).name_en == (
        before
    )


def test_saving_without_logging_in_is_refused_and_keeps_the_form(
    speak: Callable[[str], TestClient], session: Session,
) -> None:
    client = speak("en")
    assert client.get("/enterprises/new").status_code == 401  # the form is not even shown
    token = csrf_token_of(client)
    response = client.post("/enterprises/new", data=ENTERPRISE | {"csrf_token": token})
    assert response.status_code == 401
    assert "text/html" in response.headers["content-type"]
    assert '<p id="form-problem">Log in to make changes.</p>' in response.text
    assert 'role="alert"' in response.text
    assert 'value="Test Rattan Works"' in response.text
    assert service.find_enterprise_by_name(session=session, name="Test Rattan Works") is None


PRODUCT = {
    "sku": "TEST-0001",
    "title": "Rattan test stool",
    "title_zh": "藤编测试凳",
    "hs_code": "940153",
    "unit": "pcs",
    "moq": "50",
    "monthly_capacity": "800",
    "lead_time_days": "30",
    "certifications": "ISO9001",
}


def test_product_form_messages(
    speak: Callable[[str], TestClient], anxi_enterprise: Enterprise, anxi_product: Product,
    tokens: dict[str, str],
) -> None:
    client = speak("en")
    url = f"/products/new?enterprise_id={anxi_enterprise.id}"
    response = client.post(
        url, data=PRODUCT | {"sku": "bad sku!", "title": "", "hs_code": "94.01", "moq": "0"},
        headers=_auth(tokens),
    )
    assert response.status_code == 422
    html = response.text
    assert _field_error(html, "sku").startswith("Use letters, digits")
    assert _field_error(html, "title") == "This field is required."
    assert unescape(_field_error(html, "hs_code")) == (
        "'94.01' is not an HS code: write six digits such as 940153 or 9401.53, or a national "
        "code of 8 or 10 digits."
    )
    assert _field_error(html, "moq") == "Enter a number of at least 1."
    assert 'value="bad sku!"' in html
    # The services' rules: a known HS subheading, a unique SKU.
    response = client.post(
        url, data=PRODUCT | {"sku": anxi_product.sku, "hs_code": "999999"}, headers=_auth(tokens)
    )
    assert response.status_code == 422
    assert "999999" in _field_error(response.text, "hs_code")
    response = client.post(url, data=PRODUCT | {"sku": anxi_product.sku}, headers=_auth(tokens))
    assert response.status_code == 422
    assert _field_error(response.text, "sku") == (
        f"SKU {anxi_product.sku} exists already; choose another."
    )


def test_a_product_is_created_and_edited(
    speak: Callable[[str], TestClient], anxi_enterprise: Enterprise, tokens: dict[str, str],
    session: Session,
) -> None:
    client = speak("zh")
    response = client.post(
        f"/products/new?enterprise_id={anxi_enterprise.id}", data=PRODUCT, headers=_auth(tokens),
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/enterprises/{anxi_enterprise.id}#product-")
    product = service.get_product_by_sku(session=session, sku="TEST-0001")
    assert product is not None
    assert product.titles == {"zh": "藤编测试凳"}
    assert product.moq == 50
    assert "藤编测试凳" in client.get(f"/enterprises/{anxi_enterprise.id}").text

    response = client.post(
        f"/products/{product.id}/edit", data=PRODUCT | {"title_zh": "藤编凳", "moq": "60"},
        headers=_auth(tokens), follow_redirects=False,
    )
    assert response.status_code == 303
    session.expire_all()
    edited = service.get_product(session=session, product_id=product.id)
    assert edited.titles == {"zh": "藤编凳"}
    assert edited.moq == 60


def test_export_markets_are_ticked_by_name_and_shown_by_name(
    speak: Callable[[str], TestClient], tokens: dict[str, str], session: Session, anxi: Base
) -> None:
    """The form lists the countries by name in the page's language, one box each; the ticked
    codes are stored as a list of codes; the enterprise page and the list name them."""
    client = speak("zh")
    form = client.get("/enterprises/new", headers=_auth(tokens)).text
    assert '<input type="checkbox" name="markets" value="DE"> 德国</label>' in form
    assert 'name="markets" type="text"' not in form
    data: dict[str, str | list[str]] = {**ENTERPRISE, "base_id": str(anxi.id),
                                        "markets": ["SE", "JP"]}
    created = client.post("/enterprises/new", data=data, headers=_auth(tokens),
                          follow_redirects=False)
    assert created.status_code == 303, created.text[:2000]
    enterprise_id = int(created.headers["location"].rsplit("/", 1)[1])
    stored = service.get_enterprise(session=session, enterprise_id=enterprise_id)
    assert stored.markets == ["JP", "SE"]
    page = client.get(created.headers["location"]).text
    assert "瑞典" in page
    assert "日本" in page
    listing = client.get("/enterprises", params={"q": "Test Rattan Works"},
                         headers=_auth(tokens)).text
    assert '<span title="JP">日本</span>、<span title="SE">瑞典</span>' in listing
    edit = client.get(f"/enterprises/{enterprise_id}/edit", headers=_auth(tokens)).text
    assert 'value="JP" checked> 日本' in edit
    assert '<summary>日本、瑞典</summary>' in edit
    wrong = client.post(f"/enterprises/{enterprise_id}/edit", headers=_auth(tokens),
                        data={**data, "markets": ["SE", "JP", "XX"]})
    assert wrong.status_code == 422
    assert _field_error(wrong.text, "markets")
    assert 'value="XX" checked> XX <span class="meta">（不是国家代码）</span>' in wrong.text
    assert 'value="SE" checked> 瑞典' in wrong.text
