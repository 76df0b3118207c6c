"""The REST conventions of issue 2: lists, filters, partial updates, validation errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import auth


def _anxi(client: TestClient) -> dict[str, Any]:
    return next(b for b in client.get("/api/v1/bases").json()["items"] if b["key"] == "anxi")


def test_lists_page_with_limit_and_offset(client: TestClient) -> None:
    first = client.get("/api/v1/products", params={"limit": 5}).json()
    second = client.get("/api/v1/products", params={"limit": 5, "offset": 5}).json()
    assert first["total"] == second["total"] >= 300
    assert len(first["items"]) == len(second["items"]) == 5
    assert {p["id"] for p in first["items"]}.isdisjoint({p["id"] for p in second["items"]})


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"hs_code": "9401"}, lambda p: p["hs_code"].startswith("9401")),
        ({"certification": "FSC"}, lambda p: "FSC" in p["certifications"]),
        ({"q": "lantern"}, lambda p: "lantern" in p["title"].lower()),
    ],
)
def test_product_filters(client: TestClient, params: dict[str, str], check: Any) -> None:
    body = client.get("/api/v1/products", params=params | {"limit": 500}).json()
    assert body["total"] > 0
    assert all(check(p) for p in body["items"])


def test_enterprise_filters(client: TestClient) -> None:
    anxi = _anxi(client)
    county = anxi["regions"][0]["id"]
    by_region = client.get("/api/v1/enterprises", params={"region": county}).json()
    assert by_region["total"] == 8
    assert all(e["region_id"] == county for e in by_region["items"])
    fujian = anxi["regions"][0]["parent_id"]
    while fujian is not None:  # walk up to the province: it includes its cities and counties
        region = client.get(f"/api/v1/regions/{fujian}").json()
        province, fujian = region["id"], region["parent_id"]
    assert client.get("/api/v1/enterprises", params={"region": province}).json()["total"] == 16
    by_market = client.get("/api/v1/enterprises", params={"market": "se", "limit": 100}).json()
    assert all("SE" in e["markets"] for e in by_market["items"])
    by_industry = client.get("/api/v1/enterprises",
                             params={"industry": anxi["industry"]["key"]}).json()
    assert by_industry["total"] == 8
    by_hs = client.get("/api/v1/enterprises", params={"hs_code": "6404"}).json()
    assert by_hs["total"] > 0
    products = client.get("/api/v1/products", params={
        "enterprise_id": by_region["items"][0]["id"], "limit": 100}).json()
    assert all(p["enterprise_id"] == by_region["items"][0]["id"] for p in products["items"])


def test_percentages_are_numbers_and_qualifiers_are_words(client: TestClient) -> None:
    zigong = next(b for b in client.get("/api/v1/bases").json()["items"]
                  if b["key"] == "zigong_lanterns")
    facts = client.get(f"/api/v1/bases/{zigong['id']}/indicators").json()["items"]
    share = next(f for f in facts if f["metric"] == "market_share")
    assert share["value"] == 90
    assert share["unit"] == "%"
    assert share["currency"] is None
    assert {f["qualifier"] for f in facts} <= {"more_than", "nearly", "about", None}


def test_patch_changes_only_what_it_names(client: TestClient, tokens: dict[str, str]) -> None:
    product = client.get("/api/v1/products", params={"limit": 1}).json()["items"][0]
    response = client.patch(f"/api/v1/products/{product['id']}", json={"moq": 77},
                            headers=auth(tokens["admin"]))
    assert response.status_code == 200
    after = response.json()
    assert after["moq"] == 77
    assert after["version"] == product["version"] + 1  # a change is counted
    assert {k: v for k, v in after.items() if k not in {"moq", "version"}} == {
        k: v for k, v in product.items() if k not in {"moq", "version"}}


def test_create_get_delete_an_indicator(client: TestClient, tokens: dict[str, str]) -> None:
    anxi = _anxi(client)
    fact = {"base_id": anxi["id"], "metric": "export_value", "value": 1.2e9, "currency": "CNY",
            "year": 2021, "qualifier": "about",
            "source": {"title": "County report", "url": "https://example.org/r",
                       "quote": "exports of about 1.2 billion yuan"}}
    created = client.post("/api/v1/indicators", json=fact, headers=auth(tokens["admin"]))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["unit"] is None
    assert body["source"]["quote"] == "exports of about 1.2 billion yuan"
    fact_id = body["id"]
    assert client.delete(f"/api/v1/indicators/{fact_id}",
                         headers=auth(tokens["admin"])).status_code == 204
    gone = client.get(f"/api/v1/indicators/{fact_id}")
    assert gone.status_code == 404
    assert gone.json()["error"]["message"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"currency": "CNY", "unit": "persons"}, "currency"),
        ({"metric": "no_such_metric"}, "metric"),
        ({"qualifier": "roughly"}, "qualifier"),
        ({"currency": "XXQ"}, "currency"),
        ({"metric": "market_share", "currency": None, "unit": "percent"}, "unit"),
        ({"month": 13}, "month"),
        ({"value": "lots"}, "value"),
    ],
)
def test_indicator_validation_names_the_field(client: TestClient, tokens: dict[str, str],
                                               change: dict[str, Any], field: str) -> None:
    anxi = _anxi(client)
    fact = {"base_id": anxi["id"], "metric": "export_value", "value": 1.0, "currency": "CNY",
            "year": 2021} | change
    response = client.post("/api/v1/indicators", json=fact, headers=auth(tokens["admin"]))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == field, error
    assert error["message"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"sku": "A B", "title": "x"}, "sku"),
        ({"sku": "OK-1", "title": "x", "hs_code": "94015"}, "hs_code"),
        ({"sku": "OK-2", "title": "x", "hs_code": "999999"}, "hs_code"),
        ({"sku": "OK-3", "title": ""}, "title"),
        ({"sku": "OK-4", "title": "x", "moq": 0}, "moq"),
        ({"sku": "OK-5", "title": "x", "titles": {"Not A Lang": "x"}}, "titles"),
    ],
)
def test_product_validation_names_the_field(client: TestClient, tokens: dict[str, str],
                                            payload: dict[str, Any], field: str) -> None:
    enterprise = client.get("/api/v1/enterprises", params={"limit": 1}).json()["items"][0]
    response = client.post("/api/v1/products", json=payload | {"enterprise_id": enterprise["id"]},
                           headers=auth(tokens["admin"]))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_duplicate_sku_is_a_conflict(client: TestClient, tokens: dict[str, str]) -> None:
    product = client.get("/api/v1/products", params={"limit": 1}).json()["items"][0]
    response = client.post("/api/v1/products", headers=auth(tokens["admin"]), json={
        "sku": product["sku"], "enterprise_id": product["enterprise_id"], "title": "Twin"})
    assert response.status_code == 409
    assert response.json()["error"]["field"] == "sku"


def test_markets_are_iso_codes(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.post("/api/v1/enterprises", headers=auth(tokens["admin"]),
                           json={"name_en": "Marketless", "markets": ["US", "ZZ"]})
    assert response.status_code == 422
    assert response.json()["error"]["field"].startswith("markets")
    ok = client.post("/api/v1/enterprises", headers=auth(tokens["admin"]),
                     json={"name_en": "Marketful", "markets": ["us", "de"]})
    assert ok.status_code == 201
    assert ok.json()["markets"] == ["DE", "US"]


def test_bad_query_parameters_are_json_422(client: TestClient) -> None:
    for params in ({"limit": 0}, {"offset": -1}, {"market": "USA"}, {"hs_code": "94a"}):
        response = client.get("/api/v1/products", params=params)
        assert response.status_code == 422, params
        assert response.json()["error"]["message"]
