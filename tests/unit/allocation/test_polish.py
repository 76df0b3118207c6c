"""The set-up local search and the early stop against an external bound."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from tests.unit.allocation.checks import brute_force_split, plan_cost, shares_to_q, violations
from tests.unit.allocation.test_priced import plain_instances
from tradebase.allocation._highs import ModelBuilder, relative_gap
from tradebase.allocation._polish import polish_setups
from tradebase.allocation.solver import (
    Factory,
    Order,
    Scenario,
    Share,
    SolveOptions,
    _greedy_start,
    _pair_cost,
    _Part,
    _prepare,
    split_order,
)


def _shares(orders: list[Order], factories: list[Factory], q: dict[int, int]) -> list[Share]:
    inst = _prepare(orders, factories, Scenario())
    return [
        Share(
            order=orders[int(inst.order_ix[p])].id,
            factory=factories[int(inst.factory_ix[p])].id,
            quantity=x,
            reason="",
            unit_cost=0.0,
            setup_cost=0.0,
        )
        for p, x in q.items()
        if x > 0
    ]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_instances())
def test_polished_plans_are_feasible_and_never_below_the_optimum(
    case: tuple[list[Order], list[Factory]],
) -> None:
    orders, factories = case
    inst = _prepare(orders, factories, Scenario())
    n = inst.order_ix.size
    if n == 0:
        return
    everything = np.ones(n, dtype=np.bool_)
    part = _Part(np.arange(len(orders), dtype=np.int64), np.arange(n, dtype=np.int64))
    greedy = _greedy_start(inst, part)
    result = polish_setups(
        inst.order_ix,
        inst.factory_ix,
        inst.cost,
        inst.setup,
        inst.cap,
        inst.moq,
        inst.quantity.astype(np.float64),
        inst.horizon,
        inst.row_coupled,
        candidates=everything,
        open_pairs=greedy > 0 if greedy is not None else everything,
        deadline=1e18,
    )
    optimum = brute_force_split(orders, factories, Scenario())
    if greedy is not None:
        # the greedy plan's own set-ups admit a plan: the search starts there and only improves
        assert result is not None
        assert result.cost <= _pair_cost(inst, part.pairs, greedy) + 1e-9
    if result is None:
        # every pair open at its MOQ has no plan; nothing is claimed
        return
    assert optimum is not None  # a plan was found, so the input is feasible
    shares = _shares(orders, factories, {p: int(x) for p, x in enumerate(result.quantities)})
    assert violations(orders, factories, Scenario(), shares_to_q(shares)) == []
    assert result.cost == pytest.approx(plan_cost(orders, factories, shares), rel=1e-9, abs=1e-9)
    assert result.cost >= optimum - 1e-6 * max(1.0, abs(optimum))


def test_polish_closes_a_set_up_that_does_not_pay() -> None:
    # one order of 10; F0 is cheaper per unit but costs a set-up of 100: opening both is worse
    # than using F1 alone (10 * 3 = 30 < 10 * 1 + 100)
    orders = [Order("A", 10, 10)]
    factories = [
        Factory("F0", capacity_per_day=1, unit_cost=1.0, setup_cost=100.0),
        Factory("F1", capacity_per_day=5, unit_cost=3.0),
    ]
    inst = _prepare(orders, factories, Scenario())
    everything = np.ones(inst.order_ix.size, dtype=np.bool_)
    result = polish_setups(
        inst.order_ix,
        inst.factory_ix,
        inst.cost,
        inst.setup,
        inst.cap,
        inst.moq,
        inst.quantity.astype(np.float64),
        inst.horizon,
        inst.row_coupled,
        candidates=everything,
        open_pairs=everything,
        deadline=1e18,
    )
    assert result is not None
    assert result.cost == pytest.approx(30.0)
    assert result.moves >= 1


def _knapsack_mip(n: int, seed: int) -> ModelBuilder:
    """min -sum v x, sum w x <= W, x binary: a MIP HiGHS needs a few nodes for."""
    rng = np.random.default_rng(seed)
    m = ModelBuilder()
    x = m.add_cols(-rng.integers(50, 100, n).astype(np.float64), 0.0, 1.0, integer=True)
    row = m.add_rows(np.array([-np.inf]), float(n * 10))
    m.add_entries(np.full(n, row[0]), x, rng.integers(10, 30, n).astype(np.float64))
    return m


def test_external_bound_stops_the_mip_once_the_incumbent_is_proven() -> None:
    exact = _knapsack_mip(40, 5).solve(relax=False, time_limit=30, mip_rel_gap=0.0)
    assert exact.status == "optimal"
    # a bound 5% below the optimum and a 10% stop gap: the first good incumbent is enough
    bound = exact.objective - 0.05 * abs(exact.objective)
    early = _knapsack_mip(40, 5).solve(
        relax=False, time_limit=30, mip_rel_gap=0.0, external_bound=bound, stop_gap=0.10
    )
    assert early.status in ("optimal", "feasible")
    assert relative_gap(early.objective, bound) <= 0.10
    assert early.objective >= exact.objective - 1e-6
    # without a usable bound nothing changes
    same = _knapsack_mip(40, 5).solve(
        relax=False, time_limit=30, mip_rel_gap=0.0, external_bound=float("-inf"), stop_gap=0.10
    )
    assert same.status == "optimal"
    assert same.objective == pytest.approx(exact.objective)


def test_priced_engine_proves_the_benchmarks_middle_size_quickly() -> None:
    from bench.bench_allocation import docking_instance

    orders, factories = docking_instance(20, 500, seed=20 * 7919 + 500)
    plan = split_order(orders, factories, options=SolveOptions(time_limit=60))
    assert violations(orders, factories, Scenario(), shares_to_q(plan.shares)) == []
    assert plan.total_cost == pytest.approx(plan_cost(orders, factories, plan.shares), rel=1e-9)
    assert plan.status == "optimal"
    assert plan.gap <= 1e-4
    # proven against the whole model's bound, well inside the time limit
    assert plan.solve_seconds < 30
