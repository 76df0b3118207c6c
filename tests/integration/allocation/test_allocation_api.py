"""``POST /api/v1/allocation/split`` and ``/procurement/award``: the CLI's JSON over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import auth

SPLIT = {
    "orders": [{"id": "A", "quantity": 1000, "due_days": 10}],
    "factories": [
        {"id": "F1", "capacity_per_day": 60, "unit_cost": 2.0},
        {"id": "F2", "capacity_per_day": 100, "unit_cost": 3.0, "lead_time_days": 2},
    ],
}
PROCURE = {
    "needs": [{"enterprise": "E1", "material": "EVA foam", "quantity": 600},
              {"enterprise": "E2", "material": "EVA foam", "quantity": 500}],
    "quotes": [{"supplier": "S1", "material": "EVA foam",
                "price_breaks": [{"min_quantity": 0, "unit_price": 10.0},
                                 {"min_quantity": 1000, "unit_price": 8.0}]}],
}


def test_split_returns_the_cli_contract(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.post("/api/v1/allocation/split", json=SPLIT, headers=auth(tokens["buyer"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "optimal"
    shares = {s["factory"]: s["quantity"] for s in body["shares"]}
    assert shares == {"F1": 600, "F2": 400}
    assert body["total_cost"] == pytest.approx(600 * 2 + 400 * 3)
    assert all(s["reason"] for s in body["shares"])
    assert body["explanation"]


def test_infeasible_input_is_an_answer(client: TestClient, tokens: dict[str, str]) -> None:
    data: dict[str, Any] = {**SPLIT, "orders": [{"id": "A", "quantity": 5000, "due_days": 10}]}
    response = client.post("/api/v1/allocation/split", json=data,
                           headers=auth(tokens["enterprise"]))
    assert response.status_code == 200
    assert response.json()["status"] == "infeasible"
    assert "order A" in response.json()["explanation"]


@pytest.mark.parametrize(("change", "field"), [
    ({"orders": [{"id": "A", "quantity": -1, "due_days": 10}]}, "orders.0.quantity"),
    ({"factories": [{"id": "F1", "capacity_per_day": 1, "unit_cost": 1,
                     "logistics_cost": {"Z": 1}}]}, "factories[0].logistics_cost.Z"),
    # past int64 in the engine's arrays and days: found by the API fuzz (a 500 before)
    ({"orders": [{"id": "A", "quantity": 10, "due_days": 2**63}]}, "orders.0.due_days"),
    ({"factories": [{"id": "F1", "capacity_per_day": 1e300, "unit_cost": 1}]},
     "factories.0.capacity_per_day"),
])
def test_bad_input_names_the_field(
    client: TestClient, tokens: dict[str, str], change: dict[str, Any], field: str
) -> None:
    response = client.post("/api/v1/allocation/split", json=SPLIT | change,
                           headers=auth(tokens["buyer"]))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_solvers_need_a_signed_in_user(client: TestClient) -> None:
    assert client.post("/api/v1/allocation/split", json=SPLIT).status_code == 401
    assert client.post("/api/v1/procurement/award", json=PROCURE).status_code == 401


def test_award_returns_the_cli_contract(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.post("/api/v1/procurement/award", json=PROCURE,
                           headers=auth(tokens["officer"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total_cost"] == pytest.approx(1100 * 8.0)
    assert body["standalone_cost"] == pytest.approx(1100 * 10.0)
    assert body["saving"] == pytest.approx(2200.0)
    assert body["awards"][0]["supplier"] == "S1"


def test_award_of_an_uncovered_material_is_infeasible(
    client: TestClient, tokens: dict[str, str]
) -> None:
    data = {"needs": [{"enterprise": "E1", "material": "mesh", "quantity": 10}], "quotes": []}
    response = client.post("/api/v1/procurement/award", json=data, headers=auth(tokens["buyer"]))
    assert response.status_code == 200
    assert response.json()["status"] == "infeasible"


def test_duplicate_quote_is_rejected(client: TestClient, tokens: dict[str, str]) -> None:
    data = PROCURE | {"quotes": PROCURE["quotes"] * 2}
    response = client.post("/api/v1/procurement/award", json=data, headers=auth(tokens["buyer"]))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "quotes[1].supplier"
