"""The analytics API: rates read by anyone signed in and kept by administrators, schemes
defined by officers with every edit a version, runs kept and reproduced."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import auth
from tradebase.registry.models import Base, IndicatorFact

SCHEME: dict[str, Any] = {"name": "API scheme", "missing": "zero_flagged", "indicators": [
    {"metric": "output_value", "weight": 2, "normalise": "minmax", "min": 1e9},
    {"metric": "enterprises", "weight": 1, "normalise": "rank"}]}


def test_rates_read_and_kept(client: TestClient, tokens: dict[str, str]) -> None:
    assert client.get("/api/v1/analytics/rates").status_code == 401
    got = client.get("/api/v1/analytics/rates", params={"currency": "CNY", "year": 2023},
                     headers=auth(tokens["buyer"]))
    assert got.status_code == 200
    assert {"granularity": "year", "period": "2023", "currency": "CNY", "per_usd": 7.0809,
            "source": "default"} in got.json()
    body = {"rates": [{"granularity": "month", "period": "2023-06", "currency": "cny",
                       "per_usd": 7.3}]}
    assert client.put("/api/v1/analytics/rates", json=body,
                      headers=auth(tokens["officer"])).status_code == 403
    done = client.put("/api/v1/analytics/rates", json=body, headers=auth(tokens["admin"]))
    assert done.json() == {"added": 1, "changed": 0, "unchanged": 0}
    june = client.get("/api/v1/analytics/rates", params={"currency": "CNY", "year": 2023},
                      headers=auth(tokens["buyer"])).json()
    assert {"granularity": "month", "period": "2023-06", "currency": "CNY", "per_usd": 7.3,
            "source": "administrator"} in june
    bad = client.put("/api/v1/analytics/rates", headers=auth(tokens["admin"]), json={
        "rates": [body["rates"][0], {"granularity": "year", "period": "2023-01",
                                     "currency": "EUR", "per_usd": 1}]})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "rates.1.period"


def test_schemes_versions_and_runs(client: TestClient, tokens: dict[str, str],
                                   session: Session) -> None:
    officer = auth(tokens["officer"])
    created = client.post("/api/v1/analytics/schemes", json=SCHEME, headers=officer)
    assert created.status_code == 201, created.text
    scheme = created.json()
    assert scheme["latest_version"] == 1
    assert scheme["versions"][0]["definition"] == SCHEME
    wrong = SCHEME | {"indicators": [{"metric": "turnover", "weight": 1, "normalise": "rank"}]}
    refused = client.post("/api/v1/analytics/schemes", json=wrong | {"name": "other"},
                          headers=officer)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "indicators[0].metric"
    edited = client.put(f"/api/v1/analytics/schemes/{scheme['id']}",
                        json=SCHEME | {"missing": "exclude"}, headers=officer)
    assert [v["number"] for v in edited.json()["versions"]] == [1, 2]

    five = list(session.scalars(select(Base.id).where(Base.key.in_(
        ["anxi", "liaoning_textiles", "putian_quanzhou_footwear", "xuzhou_glass",
         "zigong_lanterns"]))))
    run = client.post(f"/api/v1/analytics/schemes/{scheme['id']}/runs",
                      json={"version": 1, "base_ids": five}, headers=officer)
    assert run.status_code == 201, run.text
    result = run.json()["result"]
    assert (result["scheme"], result["version"]) == ("API scheme", 1)
    ranking = {row["base"]: row for row in result["ranking"]}
    assert set(ranking) == {"anxi", "liaoning_textiles", "putian_quanzhou_footwear",
                            "xuzhou_glass", "zigong_lanterns"}
    assert ranking["zigong_lanterns"]["missing"] == ["output_value", "enterprises"]
    assert not ranking["zigong_lanterns"]["passes"]
    assert ranking["anxi"]["passes"]
    assert result["rows"][str(ranking["xuzhou_glass"]["base_id"])]["undated"] == [
        "output_value", "enterprises"]
    run_id = run.json()["id"]
    got = client.get(f"/api/v1/analytics/runs/{run_id}", headers=auth(tokens["buyer"]))
    assert got.json()["result"] == result
    again = client.get(f"/api/v1/analytics/runs/{run_id}/reproduction",
                       headers=auth(tokens["buyer"]))
    assert again.json() == result
    assert client.post(f"/api/v1/analytics/schemes/{scheme['id']}/runs", json={"version": 9},
                       headers=officer).status_code == 404
    assert client.post(f"/api/v1/analytics/schemes/{scheme['id']}/runs", json={},
                       headers=auth(tokens["buyer"])).status_code == 403


def test_a_series_keeps_its_gaps_and_names_converted_rates(client: TestClient,
                                                           session: Session) -> None:
    base = Base(key="fx-series", name_zh="序列", name_en="Series")
    session.add(base)
    session.flush()
    for year, value in ((2019, 100.0), (2020, 120.0), (2023, 172.8)):
        session.add(IndicatorFact(base_id=base.id, metric="export_value", value=value,
                                  currency="USD", year=year))
    session.add(IndicatorFact(base_id=base.id, metric="export_value", value=1, currency="USD"))
    session.flush()
    got = client.get("/api/v1/analytics/series",
                     params={"base_id": base.id, "metric": "export_value"}).json()
    assert (got["currency"], got["gaps"], got["undated_facts"]) == ("USD", [2021, 2022], 1)
    assert [y["value"] for y in got["years"]] == [100, 120, None, None, 172.8]
    across = got["years"][4]["growth"]
    assert across["across_gap"]
    assert (across["since"], across["span"]) == (2020, 3)
    assert got["cagr"]["across_gap"]
    in_cny = client.get("/api/v1/analytics/series", params={
        "base_id": base.id, "metric": "export_value", "currency": "CNY"}).json()
    assert in_cny["years"][0]["rate"] == "6.908 CNY/USD, 2019"
    assert in_cny["years"][0]["value"] == pytest.approx(690.81)
    assert client.get("/api/v1/analytics/series", params={
        "metric": "export_value"}).status_code == 422


def test_a_rate_given_twice_is_refused(client: TestClient, tokens: dict[str, str]) -> None:
    rate = {"granularity": "year", "period": "2031", "currency": "CNY", "per_usd": 7}
    refused = client.put("/api/v1/analytics/rates", headers=auth(tokens["admin"]),
                         json={"rates": [rate, rate | {"per_usd": 8}]})
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "rates.1.period"
