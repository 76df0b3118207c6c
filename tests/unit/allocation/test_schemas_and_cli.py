"""The JSON file contracts: validation messages that name the field, and the two CLI commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from tests.unit.allocation.checks import violations
from tradebase.allocation.schemas import InvalidInput, parse_allocation, parse_procurement
from tradebase.cli.allocation import register

ALLOCATION: dict[str, Any] = {
    "orders": [
        {"id": "A", "quantity": 3000, "due_days": 30},
        {"id": "B", "quantity": 500, "due_days": 20},
    ],
    "factories": [
        {
            "id": "F1",
            "capacity_per_day": 100,
            "unit_cost": 10,
            "lead_time_days": 5,
            "setup_cost": 200,
            "moq": 300,
            "logistics_cost": {"A": 0.5},
        },
        {
            "id": "F2",
            "capacity_per_day": 80,
            "unit_cost": 11,
            "max_share": 0.6,
            "horizon_capacity": 2500,
        },
        {"id": "F3", "capacity_per_day": 200, "unit_cost": 12.5},
    ],
}

PROCUREMENT: dict[str, Any] = {
    "needs": [
        {"enterprise": "E1", "material": "EVA", "quantity": 600},
        {"enterprise": "E2", "material": "EVA", "quantity": 500},
        {"enterprise": "E1", "material": "rubber", "quantity": 50},
    ],
    "quotes": [
        {
            "supplier": "S1",
            "material": "EVA",
            "price_breaks": [
                {"min_quantity": 0, "unit_price": 10},
                {"min_quantity": 1000, "unit_price": 8},
            ],
        },
        {
            "supplier": "S2",
            "material": "EVA",
            "price_breaks": [{"min_quantity": 0, "unit_price": 9}],
            "capacity": 700,
            "splittable": True,
        },
        {
            "supplier": "S2",
            "material": "rubber",
            "price_breaks": [{"min_quantity": 0, "unit_price": 3}],
        },
    ],
}


def _with(base: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(base))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return dict(data)


# --------------------------------------------------------------------------------------------
# Validation


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["orders", 1, "quantity"], -5, "orders[1].quantity: must be ≥ 1"),
        (["orders", 0, "quantity"], 10.5, "orders[0].quantity: must be a whole number"),
        (["factories", 2, "capacity_per_day"], -1, "factories[2].capacity_per_day: must be ≥ 0"),
        (["factories", 1, "max_share"], 1.5, "factories[1].max_share: must be ≤ 1"),
        (
            ["factories", 0, "logistics_cost"],
            {"Z": 1.0},
            "factories[0].logistics_cost.Z: unknown order 'Z'",
        ),
        (
            ["factories", 0, "logistics_cost"],
            {"A": -1.0},
            "factories[0].logistics_cost.A: must be ≥ 0",
        ),
        (["factories", 1, "id"], "F1", "factories[1].id: duplicate id 'F1'"),
        (["orders", 1, "id"], "A", "orders[1].id: duplicate id 'A'"),
        (
            ["scenario"],
            {"incumbents": [{"factory": "F9"}]},
            "scenario.incumbents[0].factory: unknown factory 'F9'",
        ),
        (
            ["scenario"],
            {"min_factories_per_order": 3, "max_factories_per_order": 2},
            "scenario.min_factories_per_order: 3 is more than max_factories_per_order 2",
        ),
        (["orders"], [], "orders: must have at least 1 item(s)"),
    ],
)
def test_bad_allocation_input_names_the_field(path: list[Any], value: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_allocation(_with(ALLOCATION, path, value))
    assert message in info.value.messages


def test_missing_required_field() -> None:
    data = _with(ALLOCATION, ["factories", 0], {"id": "F1", "capacity_per_day": 10})
    with pytest.raises(InvalidInput) as info:
        parse_allocation(data)
    assert "factories[0].unit_cost: is required" in info.value.messages


def test_inconsistent_units_are_rejected() -> None:
    data = _with(ALLOCATION, ["orders", 0, "unit"], "pairs")
    data["factories"][1]["unit"] = "dozen pairs"
    with pytest.raises(InvalidInput) as info:
        parse_allocation(data)
    assert info.value.messages == [
        "factories[1].unit: 'dozen pairs' differs from orders[0].unit 'pairs'"
    ]


def test_defaults_of_the_contract() -> None:
    problem = parse_allocation(
        {
            "orders": [{"id": 1, "quantity": 10, "due_days": 5}],
            "factories": [{"id": "F", "capacity_per_day": 2, "unit_cost": 1, "setup_cost": None}],
        }
    )
    f = problem.factories[0]
    assert (f.lead_time_days, f.setup_cost, f.moq, f.max_share, f.horizon_capacity) == (
        0,
        0,
        0,
        1,
        None,
    )
    assert f.logistics_cost == {}
    assert problem.orders[0].id == 1


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["needs", 0, "quantity"], 0, "needs[0].quantity: must be ≥ 1"),
        (["quotes", 1, "capacity"], -1, "quotes[1].capacity: must be ≥ 0"),
        (["quotes", 0, "price_breaks"], [], "quotes[0].price_breaks: must have at least 1 item(s)"),
        (
            ["quotes", 0, "price_breaks", 1, "min_quantity"],
            0,
            "quotes[0].price_breaks[1].min_quantity: duplicate tier 0",
        ),
        (["quotes", 2, "material"], "EVA", "quotes[2].supplier: duplicate quote of 'S2' for 'EVA'"),
        (["needs", 0, "unit"], "kg", None),
    ],
)
def test_bad_procurement_input_names_the_field(
    path: list[Any], value: Any, message: str | None
) -> None:
    data = _with(PROCUREMENT, path, value)
    if message is None:  # a unit on one side only is fine; two different ones are not
        parse_procurement(data)
        data["quotes"][0]["unit"] = "t"
        message = "quotes[0].unit: 't' differs from needs[0].unit 'kg'"
    with pytest.raises(InvalidInput) as info:
        parse_procurement(data)
    assert message in info.value.messages


# --------------------------------------------------------------------------------------------
# CLI


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def _write(tmp_path: Path, data: Any, name: str = "in.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_allocate_json_contract(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["allocate", str(_write(tmp_path, ALLOCATION)), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["status"] == "optimal"
    assert set(out) >= {"status", "total_cost", "gap", "shares", "explanation"}
    assert 0 <= out["gap"] <= 1e-4
    for share in out["shares"]:
        assert set(share) >= {"order", "factory", "quantity", "reason"}
        assert isinstance(share["quantity"], int)
    # the printed plan is feasible by the independent checker
    problem = parse_allocation(ALLOCATION)
    orders, factories, scenario = problem.to_engine()
    q = {(s["order"], s["factory"]): s["quantity"] for s in out["shares"]}
    assert violations(orders, factories, scenario, q) == []
    cost = sum(
        (f.unit_cost + f.logistics_cost.get(o, 0.0)) * x + f.setup_cost
        for (o, fid), x in q.items()
        for f in factories
        if f.id == fid
    )
    assert out["total_cost"] == pytest.approx(cost)


def test_allocate_table(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["allocate", str(_write(tmp_path, ALLOCATION)), "--format", "table"]
    )
    assert result.exit_code == 0, result.output
    assert "Capacity docking: optimal" in result.stdout
    assert "F1" in result.stdout


def test_allocate_infeasible_exits_zero(app: typer.Typer, tmp_path: Path) -> None:
    data = _with(ALLOCATION, ["orders", 0, "quantity"], 1_200_000)
    result = CliRunner().invoke(app, ["allocate", str(_write(tmp_path, data))])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["status"] == "infeasible"
    assert "order A needs 1,200,000 by day 30" in out["explanation"]
    assert out["shares"]


def test_allocate_malformed_exits_non_zero_naming_the_field(
    app: typer.Typer, tmp_path: Path
) -> None:
    data = _with(ALLOCATION, ["orders", 1, "quantity"], -5)
    result = CliRunner().invoke(app, ["allocate", str(_write(tmp_path, data))])
    assert result.exit_code != 0
    assert "orders[1].quantity: must be ≥ 1" in result.output


def test_allocate_not_json(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["allocate", str(path)])
    assert result.exit_code != 0
    assert "bad.json: not a valid JSON file" in result.output


def test_procure_json_contract(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["procure", str(_write(tmp_path, PROCUREMENT)), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) >= {"status", "total_cost", "standalone_cost", "saving", "awards"}
    assert out["status"] == "optimal"
    # EVA: 1,100 pooled, S1 all at 8 (8,800) beats 700 at 9 + 400 at 10 (10,300); rubber 150
    assert out["total_cost"] == pytest.approx(8800 + 150)
    # alone: E1 600 at S2's 9, E2 500 at S2's 9, rubber 50 at 3
    assert out["standalone_cost"] == pytest.approx(600 * 9 + 500 * 9 + 150)
    assert out["saving"] == pytest.approx(out["standalone_cost"] - out["total_cost"])
    for award in out["awards"]:
        assert set(award) >= {"material", "supplier", "quantity", "unit_price", "cost"}


def test_procure_table_and_bad_input(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["procure", str(_write(tmp_path, PROCUREMENT)), "--format", "table"]
    )
    assert result.exit_code == 0, result.output
    assert "Group procurement: optimal" in result.stdout
    bad = _with(PROCUREMENT, ["needs", 0, "quantity"], -1)
    result = CliRunner().invoke(app, ["procure", str(_write(tmp_path, bad, "bad.json"))])
    assert result.exit_code != 0
    assert "needs[0].quantity: must be ≥ 1" in result.output
