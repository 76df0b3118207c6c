"""The price-and-restrict engine: its bounds never exceed the optimum, its plans are feasible."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.allocation.checks import brute_force_split, plan_cost, shares_to_q, violations
from tradebase.allocation._lagrange import (
    FactoryProblems,
    knapsack_with_setups,
    lagrangian_bound,
    transport_lp,
)
from tradebase.allocation.solver import (
    Factory,
    Order,
    Scenario,
    SolveOptions,
    _prepare,
    split_order,
)

PRICED = SolveOptions(priced="always", mip_rel_gap=0.0, time_limit=30)


def _brute_knapsack(
    gain: list[float], cap: list[int], moq: int, setup: float, horizon: float
) -> float:
    best = 0.0
    ranges = [[0, *range(max(moq, 1), c + 1)] for c in cap]
    for q in itertools.product(*ranges):
        if sum(q) <= horizon:
            best = max(best, sum(g * x - setup * (x > 0) for g, x in zip(gain, q, strict=True)))
    return best


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-3, 9), st.integers(1, 6)), min_size=1, max_size=4),
    st.integers(0, 4),
    st.sampled_from([0.0, 2.0, 7.0]),
    st.integers(0, 14),
)
def test_factory_knapsack_matches_brute_force(
    items: list[tuple[int, int]], moq: int, setup: float, horizon: int
) -> None:
    gain = np.array([float(g) for g, _ in items])
    cap = np.array([c for _, c in items], dtype=np.int64)
    bound, q = knapsack_with_setups(gain, cap, moq, setup, float(horizon))
    exact = _brute_knapsack(gain.tolist(), cap.tolist(), moq, setup, horizon)
    assert bound == pytest.approx(exact, abs=1e-9)
    # the returned plan is feasible and reaches the bound
    assert q.sum() <= horizon + 1e-9
    assert np.all((q == 0) | ((q >= max(moq, 1)) & (q <= cap)))
    assert float(gain @ q - setup * (q > 0).sum()) == pytest.approx(exact, abs=1e-9)


def test_knapsack_node_limit_still_gives_an_upper_bound() -> None:
    rng = np.random.default_rng(3)
    gain = rng.uniform(1, 5, 12)
    cap = rng.integers(3, 9, 12)
    exact, _ = knapsack_with_setups(gain, cap, 2, 6.0, 25.0)
    capped, _ = knapsack_with_setups(gain, cap, 2, 6.0, 25.0, node_limit=3)
    assert capped >= exact - 1e-9


@st.composite
def plain_instances(draw: st.DrawFn) -> tuple[list[Order], list[Factory]]:
    n_orders = draw(st.integers(1, 2))
    n_factories = draw(st.integers(1, 3))
    orders = [
        Order(f"O{k}", draw(st.integers(1, 7)), draw(st.integers(1, 4))) for k in range(n_orders)
    ]
    factories = [
        Factory(
            f"F{i}",
            capacity_per_day=draw(st.integers(1, 4)),
            unit_cost=draw(st.sampled_from([1.0, 2.0, 3.5])),
            lead_time_days=draw(st.integers(0, 2)),
            setup_cost=draw(st.sampled_from([0.0, 1.0, 4.0])),
            moq=draw(st.integers(0, 3)),
            max_share=draw(st.sampled_from([1.0, 0.5])),
            horizon_capacity=draw(st.one_of(st.none(), st.integers(1, 9))),
            logistics_cost={f"O{k}": draw(st.sampled_from([0.0, 0.5])) for k in range(n_orders)},
        )
        for i in range(n_factories)
    ]
    return orders, factories


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_instances())
def test_priced_engine_bounds_and_plans(case: tuple[list[Order], list[Factory]]) -> None:
    orders, factories = case
    optimum = brute_force_split(orders, factories, Scenario())
    plan = split_order(orders, factories, options=PRICED)
    if optimum is None:
        assert plan.status == "infeasible"
        return
    assert plan.status in ("optimal", "feasible")
    q = shares_to_q(plan.shares)
    assert violations(orders, factories, Scenario(), q) == []
    assert plan.total_cost == pytest.approx(plan_cost(orders, factories, plan.shares), rel=1e-9)
    # the certified lower bound never exceeds the true optimum
    lower = plan.total_cost * (1 - plan.gap)
    assert lower <= optimum + 1e-6 * max(1.0, abs(optimum))
    if plan.status == "optimal":
        assert plan.total_cost == pytest.approx(optimum, rel=1e-9, abs=1e-9)

    # the LP and Lagrangian bounds on their own
    inst = _prepare(orders, factories, Scenario())
    if inst.order_ix.size == 0:
        return
    unit = inst.cost + inst.setup / np.maximum(inst.cap, 1)
    lp = transport_lp(
        inst.order_ix,
        inst.factory_ix,
        unit,
        inst.cap,
        inst.quantity.astype(np.float64),
        inst.horizon,
        inst.row_coupled,
        seed_pairs=np.zeros(inst.order_ix.size, dtype=np.bool_),
        deadline=1e18,
    )
    if lp.status != "optimal":
        return
    assert lp.bound <= optimum + 1e-6 * max(1.0, optimum)
    problems = FactoryProblems(
        inst.order_ix,
        inst.factory_ix,
        inst.cost,
        inst.cap,
        inst.moq,
        inst.setup,
        inst.horizon,
        inst.quantity.astype(np.float64),
    )
    lag = lagrangian_bound(problems, lp.order_duals, upper=optimum, deadline=1e18)
    assert lag.bound <= optimum + 1e-6 * max(1.0, optimum)
    assert lag.bound >= lp.bound - 1e-6 * max(1.0, abs(lp.bound))


def test_priced_engine_on_a_generated_instance_matches_the_direct_model() -> None:
    from bench.bench_allocation import docking_instance

    orders, factories = docking_instance(3, 40, seed=12)
    priced = split_order(orders, factories, options=PRICED)
    direct = split_order(orders, factories, options=SolveOptions(priced="never", mip_rel_gap=0.0))
    assert priced.status in ("optimal", "feasible")
    assert violations(orders, factories, Scenario(), shares_to_q(priced.shares)) == []
    # Whatever either engine proved in its time, the two intervals [lower bound, cost] overlap:
    # each one's lower bound is at most the other's cost (no test depends on how fast a solver
    # proves optimality, so a loaded machine that stops at "feasible" still passes).
    assert direct.status in ("optimal", "feasible")
    assert priced.total_cost * (1 - priced.gap) <= direct.total_cost * (1 + 1e-9)
    assert direct.total_cost * (1 - direct.gap) <= priced.total_cost * (1 + 1e-9)
