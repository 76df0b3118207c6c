"""The register's REST API on the demo data: the contract of issue 2."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def _base(client: TestClient, name_part: str) -> dict:
    bases = client.get("/api/v1/bases", params={"limit": 50}).json()["items"]
    return next(b for b in bases if name_part in b["name_en"])


def test_lists_the_five_reference_bases(client: TestClient) -> None:
    body = client.get("/api/v1/bases").json()
    assert body["total"] == 5
    assert len(body["items"]) == 5
    assert all(isinstance(item["id"], int) for item in body["items"])


def test_anxi_indicators_carry_the_published_figures(client: TestClient) -> None:
    anxi = _base(client, "Anxi")
    facts = client.get(f"/api/v1/bases/{anxi['id']}/indicators").json()["items"]
    by_metric = {f["metric"]: f for f in facts}
    assert by_metric["output_value"]["value"] == 2.0e10
    assert by_metric["output_value"]["currency"] == "CNY"
    assert by_metric["output_value"]["unit"] is None
    assert by_metric["output_value"]["year"] == 2020
    assert by_metric["enterprises"]["value"] == 2200
    assert by_metric["enterprises"]["qualifier"] == "more_than"
    assert by_metric["enterprises"]["currency"] is None
    assert by_metric["employees"]["value"] == 150000
    for fact in facts:
        assert set(fact) >= {"metric", "value", "currency", "unit", "year", "qualifier", "source"}
        assert (fact["currency"] is None) != (fact["unit"] is None)
        assert fact["source"]["quote"]


def test_footwear_base_spans_two_cities_and_holds_the_docking_outcome(client: TestClient) -> None:
    footwear = _base(client, "footwear")
    assert {r["name_en"] for r in footwear["regions"]} >= {"Putian", "Quanzhou"}
    facts = client.get(f"/api/v1/bases/{footwear['id']}/indicators").json()["items"]
    by_metric = {f["metric"]: f for f in facts}
    assert by_metric["docking_intention_companies"]["value"] == 6
    assert by_metric["docking_intention_quantity"]["value"] == 6.5e6
    assert by_metric["docking_intention_quantity"]["qualifier"] == "more_than"
    assert by_metric["docking_intention_value"]["value"] == 3.0e8
    assert by_metric["docking_intention_value"]["qualifier"] == "about"
    # 2022 is known only from the article's date: the source's date, not the figure's period
    assert by_metric["docking_intention_value"]["year"] is None
    source = by_metric["docking_intention_value"]["source"]
    assert (source["id"], source["date"], source["publisher"], source["language"]) == (
        "002_820f995f7a0f82cf", "2022-06-16", "China News Service", "en")
    assert "exceeded 6.5 million pairs" in source["quote"]


def test_product_search_needs_every_term_and_reads_chinese(client: TestClient) -> None:
    both = client.get("/api/v1/products", params={"q": "rattan chair", "limit": 500}).json()
    assert both["total"] > 0
    for item in both["items"]:
        text = " ".join([item["title"], *item["titles"].values()]).lower()
        assert "rattan" in text
        assert "chair" in text
    chinese = client.get("/api/v1/products", params={"q": "藤椅", "limit": 500}).json()
    assert chinese["total"] > 0
    assert all("藤" in i["titles"].get("zh", "") and "椅" in i["titles"].get("zh", "")
               for i in chinese["items"])


@pytest.mark.parametrize("ref", ["²", "¹²", "99999999999999999999", "٣"])
def test_a_filter_that_looks_like_a_number_but_is_no_id_is_no_500(
    client: TestClient, ref: str
) -> None:
    """Found by the API fuzzer: "²".isdigit() is true but int("²") fails; a 20-digit id
    overflows the database's integer."""
    for name in ("industry", "region"):
        response = client.get("/api/v1/bases", params={name: ref})
        assert response.status_code in (200, 404, 422), response.text
