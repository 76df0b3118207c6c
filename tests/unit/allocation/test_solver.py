"""Capacity docking: feasibility, optimality against brute force, scenarios, infeasibility."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from tests.unit.allocation.checks import brute_force_split, plan_cost, shares_to_q, violations
from tradebase.allocation.solver import (
    AllocationInputError,
    AllocationPlan,
    Factory,
    FairRotation,
    Incumbent,
    Order,
    Scenario,
    SolveOptions,
    greedy_split,
    split_order,
)

EXACT = SolveOptions(mip_rel_gap=0.0, time_limit=30)


def assert_feasible(
    orders: list[Order], factories: list[Factory], scenario: Scenario, plan: AllocationPlan
) -> None:
    assert plan.status in ("optimal", "feasible")
    q = shares_to_q(plan.shares)
    assert violations(orders, factories, scenario, q) == []
    assert plan.total_cost == pytest.approx(plan_cost(orders, factories, plan.shares), rel=1e-9)


# --------------------------------------------------------------------------------------------
# Hand-made cases


def test_cheapest_split_fills_cheapest_factories_first() -> None:
    orders = [Order("A", 1000, 10)]
    factories = [
        Factory("cheap", capacity_per_day=60, unit_cost=5.0),  # 600 by day 10
        Factory("mid", capacity_per_day=100, unit_cost=6.0),
        Factory("dear", capacity_per_day=1000, unit_cost=9.0),
    ]
    plan = split_order(orders, factories)
    assert_feasible(orders, factories, Scenario(), plan)
    q = shares_to_q(plan.shares)
    assert q == {("A", "cheap"): 600, ("A", "mid"): 400}
    assert plan.path == "lp"
    assert plan.status == "optimal"
    assert plan.total_cost == 600 * 5 + 400 * 6
    reasons = {s.factory: s.reason for s in plan.shares}
    assert reasons["cheap"] == "capacity-bound (60/day × 10 days)"
    assert reasons["mid"] in {"fills remainder", "cheapest eligible"}


def test_logistics_cost_per_order_and_lead_time() -> None:
    orders = [Order("A", 100, 10), Order("B", 100, 10)]
    factories = [
        Factory("F1", 100, 5.0, logistics_cost={"A": 0.5, "B": 3.0}),
        Factory("F2", 100, 6.0, lead_time_days=9),  # only 100 in the last day
    ]
    plan = split_order(orders, factories)
    assert_feasible(orders, factories, Scenario(), plan)
    q = shares_to_q(plan.shares)
    assert q == {("A", "F1"): 100, ("B", "F2"): 100}


def test_moq_and_setup_use_the_exact_model() -> None:
    orders = [Order("A", 100, 8)]
    factories = [
        Factory("big", 10, 10.0, setup_cost=500, moq=50),
        Factory("small", 10, 11.0, moq=60),
        Factory("tiny", 10, 12.0),
    ]
    plan = split_order(orders, factories, options=EXACT)
    assert plan.path == "mip"
    assert_feasible(orders, factories, Scenario(), plan)
    assert plan.total_cost == pytest.approx(brute_force_split(orders, factories, Scenario()))


def test_share_cap_reason() -> None:
    orders = [Order("A", 1000, 30)]
    factories = [Factory("F1", 1000, 5.0, max_share=0.4), Factory("F2", 1000, 6.0)]
    plan = split_order(orders, factories)
    reasons = {s.factory: (s.quantity, s.reason) for s in plan.shares}
    assert reasons["F1"] == (400, "share cap 40%")


def test_moq_bound_reason() -> None:
    orders = [Order("A", 1000, 30)]
    factories = [
        Factory("F1", 1000, 5.0, moq=300, setup_cost=1),
        Factory("F2", 1000, 4.0, max_share=0.7),
    ]
    plan = split_order(orders, factories, options=EXACT)
    reasons = {s.factory: (s.quantity, s.reason) for s in plan.shares}
    assert reasons["F1"] == (300, "MOQ-bound")


def test_horizon_capacity_is_shared_by_orders() -> None:
    orders = [Order("A", 100, 10), Order("B", 100, 10)]
    factories = [Factory("F1", 100, 1.0, horizon_capacity=150), Factory("F2", 100, 2.0)]
    plan = split_order(orders, factories)
    assert_feasible(orders, factories, Scenario(), plan)
    assert sum(s.quantity for s in plan.shares if s.factory == "F1") == 150
    assert plan.total_cost == 150 * 1 + 50 * 2


def test_fast_path_matches_exact_model() -> None:
    orders = [Order(k, 500 + 37 * k, 5 + k) for k in range(4)]
    factories = [
        Factory(
            f"F{i}",
            20 + 7 * i,
            3.0 + (i * 7 % 5),
            lead_time_days=i % 3,
            horizon_capacity=300 + 50 * i,
            logistics_cost={str(k): (i + k) % 4 * 0.25 for k in range(4)},
        )
        for i in range(8)
    ]
    fast = split_order(orders, factories)
    exact = split_order(orders, factories, options=SolveOptions(fast_path=False, mip_rel_gap=0.0))
    assert fast.path == "lp"
    assert exact.path == "mip"
    assert fast.status == exact.status == "optimal"
    assert fast.total_cost == pytest.approx(exact.total_cost)
    assert_feasible(orders, factories, Scenario(), fast)


def test_integer_ids_are_kept() -> None:
    orders = [Order(1, 10, 5)]
    factories = [Factory(7, 10, 1.0, logistics_cost={"1": 0.5})]
    plan = split_order(orders, factories)
    assert plan.shares[0].order == 1
    assert plan.shares[0].factory == 7
    assert plan.total_cost == 15


# --------------------------------------------------------------------------------------------
# Scenarios


def _five_factories() -> list[Factory]:
    return [Factory(f"F{i}", 100, 10.0 + i, setup_cost=50) for i in range(5)]


def test_at_most_n_factories() -> None:
    orders = [Order("A", 20, 3)]
    factories = [Factory(f"F{i}", 1 + i, 10.0 - i * 0.1) for i in range(5)]
    scenario = Scenario(max_factories_per_order=2)
    plan = split_order(orders, factories, scenario, EXACT)
    assert_feasible(orders, factories, scenario, plan)
    assert len(plan.shares) <= 2
    assert plan.total_cost == pytest.approx(brute_force_split(orders, factories, scenario))


def test_spread_over_at_least_n_factories() -> None:
    orders = [Order("A", 300, 10)]
    factories = _five_factories()
    scenario = Scenario(min_factories_per_order=3)
    plan = split_order(orders, factories, scenario, EXACT)
    assert_feasible(orders, factories, scenario, plan)
    assert len(plan.shares) == 3


def test_keep_an_incumbent() -> None:
    orders = [Order("A", 300, 10)]
    factories = _five_factories()
    scenario = Scenario(incumbents=(Incumbent("F4", "A", 120),))
    plan = split_order(orders, factories, scenario, EXACT)
    assert_feasible(orders, factories, scenario, plan)
    q = shares_to_q(plan.shares)
    assert q[("A", "F4")] == 120
    assert next(s for s in plan.shares if s.factory == "F4").reason.startswith("incumbent")


def test_incumbent_must_be_used_over_all_orders() -> None:
    orders = [Order("A", 300, 10), Order("B", 100, 10)]
    factories = [Factory("F0", 1000, 1.0), Factory("old", 1000, 5.0)]
    scenario = Scenario(incumbents=(Incumbent("old"),))
    plan = split_order(orders, factories, scenario, EXACT)
    assert_feasible(orders, factories, scenario, plan)
    assert sum(s.quantity for s in plan.shares if s.factory == "old") == 1


def test_fair_rotation_caps_and_small_minimum() -> None:
    orders = [Order("A", 100, 10)]
    factories = [
        Factory("big", 10, 1.0),
        Factory("mid", 10, 2.0),
        Factory("workshop", 1, 3.0),
    ]
    scenario = Scenario(
        fair_rotation=FairRotation(
            max_capacity_share=0.8, small_enterprises=("workshop",), small_min_quantity=5
        )
    )
    plan = split_order(orders, factories, scenario, EXACT)
    assert_feasible(orders, factories, scenario, plan)
    q = shares_to_q(plan.shares)
    assert q[("A", "big")] == 80  # 80% of 10/day × 10 days
    assert q[("A", "workshop")] == 5
    assert plan.total_cost == pytest.approx(brute_force_split(orders, factories, scenario))


# --------------------------------------------------------------------------------------------
# Infeasibility


def test_infeasible_order_is_explained_with_best_partial_plan_and_due_date() -> None:
    orders = [Order("A", 10_000, 40), Order("B", 1_200_000, 40)]
    factories = [
        Factory("F1", 15_000, 20.0, lead_time_days=10),  # 450,000 by day 40
        Factory("F2", 15_000, 21.0, lead_time_days=10),  # 450,000
        Factory("F3", 5_000, 19.0, lead_time_days=40),  # not eligible by day 40
    ]
    plan = split_order(orders, factories)
    assert plan.status == "infeasible"
    by_order = {o.order: o for o in plan.orders}
    assert by_order["A"].diagnosis is None
    assert by_order["B"].diagnosis is not None
    assert "order B needs 1,200,000 by day 40; eligible factories can make at most 900,000" in (
        by_order["B"].diagnosis
    )
    # best partial plan: A in full (daily capacity applies per order), B all it can get
    assert by_order["A"].delivered == 10_000
    assert by_order["B"].delivered == 900_000
    assert violations(orders, factories, Scenario(), shares_to_q(plan.shares), partial=True) == []
    # by day 49: F1 and F2 make 2 × 15,000 × 39 = 1,170,000 and F3 5,000 × 9 = 45,000
    assert by_order["B"].earliest_feasible_due_days == 49
    later = [
        Order("A", 10_000, 40),
        Order("B", 1_200_000, by_order["B"].earliest_feasible_due_days),
    ]
    assert split_order(later, factories).status == "optimal"
    assert any("earliest feasible due dates" in d for d in plan.diagnosis)
    assert "No plan meets every order" in plan.explanation


def test_infeasible_because_of_share_caps_has_no_due_date() -> None:
    orders = [Order("A", 100, 10)]
    factories = [Factory("F1", 100, 1.0, max_share=0.4), Factory("F2", 100, 1.0, max_share=0.4)]
    plan = split_order(orders, factories)
    assert plan.status == "infeasible"
    assert plan.orders[0].earliest_feasible_due_days is None
    assert plan.orders[0].delivered == 80
    assert "no later due date" in plan.explanation


def test_infeasible_scenario_is_explained() -> None:
    orders = [Order("A", 300, 10)]
    factories = _five_factories()
    plan = split_order(orders, factories, Scenario(min_factories_per_order=6), EXACT)
    assert plan.status == "infeasible"
    assert "5 eligible factories" in plan.explanation
    plan = split_order(orders, factories, Scenario(incumbents=(Incumbent("F1", "A", 5000),)))
    assert plan.status == "infeasible"
    assert "incumbent F1 can make at most 300 of order A" in plan.explanation


def test_horizon_competition_is_explained() -> None:
    orders = [Order("A", 100, 10), Order("B", 100, 10)]
    factories = [Factory("F1", 100, 1.0, horizon_capacity=150)]
    plan = split_order(orders, factories)
    assert plan.status == "infeasible"
    assert sum(o.delivered for o in plan.orders) == 150
    assert "horizon capacity" in plan.explanation


def test_unknown_ids_are_rejected_by_the_engine() -> None:
    with pytest.raises(AllocationInputError, match=r"factories\[0\]\.logistics_cost\.Z"):
        split_order([Order("A", 1, 1)], [Factory("F", 1, 1.0, logistics_cost={"Z": 1.0})])
    with pytest.raises(AllocationInputError, match="duplicate"):
        split_order([Order("A", 1, 1), Order("A", 1, 1)], [Factory("F", 1, 1.0)])


def test_greedy_baseline_is_never_better() -> None:
    orders = [Order(k, 300 + 11 * k, 8 + k) for k in range(3)]
    factories = [
        Factory(
            i,
            20 + 5 * i,
            5.0 + (i % 4),
            setup_cost=30 * (i % 3),
            moq=10 * (i % 2),
            horizon_capacity=400,
        )
        for i in range(6)
    ]
    plan = split_order(orders, factories, options=EXACT)
    greedy, short = greedy_split(orders, factories)
    if short == 0:
        assert plan.total_cost <= greedy + 1e-6


# --------------------------------------------------------------------------------------------
# Optimality against brute force (Hypothesis)


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[Order], list[Factory], Scenario]:
    n_orders = draw(st.integers(1, 2))
    n_factories = draw(st.integers(2, 3))
    orders = [
        Order(f"O{k}", draw(st.integers(1, 8)), draw(st.integers(2, 6))) for k in range(n_orders)
    ]
    factories = []
    for i in range(n_factories):
        factories.append(
            Factory(
                id=f"F{i}",
                capacity_per_day=draw(st.sampled_from([1, 2, 3.5, 5])),
                unit_cost=float(draw(st.integers(1, 9))),
                lead_time_days=draw(st.integers(0, 2)),
                setup_cost=float(draw(st.sampled_from([0, 0, 3, 10]))),
                moq=draw(st.sampled_from([0, 0, 2, 3])),
                max_share=draw(st.sampled_from([1.0, 1.0, 1.0, 0.5, 0.7])),
                horizon_capacity=draw(st.one_of(st.none(), st.integers(3, 14))),
                logistics_cost={
                    str(o.id): float(draw(st.integers(0, 3))) for o in orders if draw(st.booleans())
                },
            )
        )
    kind = draw(st.sampled_from(["plain", "plain", "max", "min", "incumbent", "fair"]))
    scenario = Scenario()
    if kind == "max":
        scenario = Scenario(max_factories_per_order=draw(st.integers(1, 2)))
    elif kind == "min":
        scenario = Scenario(min_factories_per_order=draw(st.integers(1, 2)))
    elif kind == "incumbent":
        f = draw(st.sampled_from(factories))
        o = draw(st.sampled_from([None, *orders]))
        scenario = Scenario(
            incumbents=(Incumbent(f.id, None if o is None else o.id, draw(st.integers(0, 4))),)
        )
    elif kind == "fair":
        f = draw(st.sampled_from(factories))
        scenario = Scenario(
            fair_rotation=FairRotation(
                max_capacity_share=draw(st.sampled_from([1.0, 0.8, 0.5])),
                small_enterprises=(f.id,),
                small_min_quantity=draw(st.integers(0, 5)),
            )
        )
    return orders, factories, scenario


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_optimal_against_brute_force(case: tuple[list[Order], list[Factory], Scenario]) -> None:
    orders, factories, scenario = case
    note(repr(case))
    best = brute_force_split(orders, factories, scenario)
    plan = split_order(orders, factories, scenario, EXACT)
    event(f"{plan.status} via {plan.path}")
    if best is None:
        assert plan.status == "infeasible"
        assert plan.explanation
        assert violations(orders, factories, scenario, shares_to_q(plan.shares), partial=True) == []
        for o in plan.orders:
            assert o.delivered <= o.quantity
    else:
        assert plan.status == "optimal", plan.explanation
        assert_feasible(orders, factories, scenario, plan)
        assert plan.total_cost == pytest.approx(best, abs=1e-6)
        assert all(s.reason for s in plan.shares)
