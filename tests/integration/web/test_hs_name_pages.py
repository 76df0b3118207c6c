"""HS names where people read them (issue 10): Chinese on the zh pages, English in their place
marked "（英文）", and ``description_zh`` beside ``description`` in the HS code API."""

from __future__ import annotations

import html as html_lib
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise, auth
from tradebase.registry.hs_names import chinese_names, english_names
from tradebase.registry.models import Enterprise, Product


def _listed(session: Session) -> tuple[Enterprise, Product, Product]:
    """An enterprise with a product under a named code and one under a code not named yet."""
    _, enterprise = anxi_and_member_enterprise(session)
    named = Product(sku="HSZH-1", enterprise_id=enterprise.id, title="Rattan chair",
                    hs_code="940153", hs_code_written="940153", hs_edition=2022)
    unnamed = Product(sku="HSZH-2", enterprise_id=enterprise.id, title="Upholstered wooden chair",
                      hs_code="940161", hs_code_written="940161", hs_edition=2022)
    session.add_all([named, unnamed])
    session.flush()
    return enterprise, named, unnamed


def _title_of(page: str, code: str) -> str:
    found = re.search(rf'<abbr title="([^"]*)">{code}</abbr>', page)
    assert found is not None, code
    return html_lib.unescape(found.group(1))


def test_the_zh_enterprise_page_names_hs_codes_in_chinese(
    client: TestClient, session: Session,
) -> None:
    enterprise, _, _ = _listed(session)
    assert "940161" not in chinese_names()
    client.cookies.set("lang", "zh")
    page = client.get(f"/enterprises/{enterprise.id}").text
    assert _title_of(page, "940153") == "藤制的坐具"
    assert _title_of(page, "940161") == f"{english_names()['940161']}（英文）"
    client.cookies.set("lang", "en")
    page = client.get(f"/enterprises/{enterprise.id}").text
    assert _title_of(page, "940153") == "Seats; of rattan"
    assert _title_of(page, "940161") == english_names()["940161"]  # no marker in English


def test_the_product_page_shows_the_name_of_its_hs_code(
    client: TestClient, session: Session,
) -> None:
    _, named, unnamed = _listed(session)
    client.cookies.set("lang", "zh")
    page = client.get(f"/products/{named.id}").text
    assert '<span id="hs-name">藤制的坐具</span>' in page
    page = client.get(f"/products/{unnamed.id}").text
    name = re.search(r'<span id="hs-name">(.*?)</span></dd>', page, re.S)
    assert name is not None
    assert '<span lang="en">' in name.group(1)
    assert "（英文）" in name.group(1)


def test_the_hs_code_api_adds_the_chinese_name_beside_the_english(client: TestClient) -> None:
    heading = client.get("/api/v1/hs-codes/9401").json()
    assert heading["description"].startswith("Seats")
    assert heading["description_zh"].startswith("坐具")
    assert client.get("/api/v1/hs-codes/940161").json()["description_zh"] is None
    listed = client.get("/api/v1/hs-codes", params={"prefix": "94", "level": 2}).json()
    assert [item["description_zh"][:2] for item in listed["items"]] == ["家具"]


def _post_request(client: TestClient, token: str, **extra: object) -> int:
    posted = client.post("/api/v1/docking/requests", headers=auth(token), json={
        "text": "2,000 rattan dining chairs", "quantity": 2000, "currency": "EUR", **extra,
    })
    assert posted.status_code == 201, posted.text
    return int(posted.json()["id"])


def test_the_docking_request_names_the_proposed_and_the_confirmed_hs_code_in_chinese(
    client: TestClient, tokens: dict[str, str],
) -> None:
    zh = auth(tokens["buyer"]) | {"Accept-Language": "zh"}
    rid = _post_request(client, tokens["buyer"])
    page = client.get(f"/docking/requests/{rid}", headers=zh).text
    proposed = re.search(r'<strong id="hs-proposed">(\d+)</strong>(.*?)</p>', page, re.S)
    assert proposed is not None
    assert chinese_names()[proposed.group(1)].name in proposed.group(2)
    rid = _post_request(client, tokens["buyer"], hs_code="940153")
    page = client.get(f"/docking/requests/{rid}", headers=zh).text
    confirmed = re.search(r'<strong id="hs-confirmed">940153</strong>(.*?)</p>', page, re.S)
    assert confirmed is not None
    assert "藤制的坐具" in confirmed.group(1)


def test_the_analysis_api_adds_the_chinese_name_of_the_proposed_code(
    client: TestClient, tokens: dict[str, str],
) -> None:
    answer = client.post("/api/v1/docking/analyse", headers=auth(tokens["buyer"]),
                         json={"text": "rottingstolar"})
    assert answer.status_code == 200, answer.text
    hs = answer.json()["hs"]
    assert hs["description"]  # English, as before
    assert hs["description_zh"] == chinese_names()[hs["code"]].name
