"""Capacity docking: split orders over factories at least total cost (exact, HiGHS).

The model (see ``docs/allocation.md``): factory *i* makes ``q[i,k]`` of order *k*, either 0 or
between its MOQ and ``cap[i,k]``, where ``cap`` is the smallest of what it can make by the due date
(``capacity_per_day * max(0, due - lead_time)``), its share cap ``floor(max_share * Q)``, the order
itself and its horizon capacity. Every order is met exactly, a factory's total stays within its
horizon capacity, and we minimise unit plus logistics cost plus a set-up cost paid once per factory
used for an order. The pure engine takes plain data and returns plain data.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from tradebase.allocation._highs import (
    INF,
    FloatArray,
    IntArray,
    ModelBuilder,
    SolveResult,
    relative_gap,
)
from tradebase.allocation._lagrange import FactoryProblems, lagrangian_bound, transport_lp
from tradebase.allocation._polish import polish_setups
from tradebase.errors import InvalidInput

Id = str | int
Status = Literal["optimal", "feasible", "infeasible"]
Path = Literal["lp", "mip"]

_EPS = 1e-9
_NO_LIMIT = 2**52  # stands for 'no horizon capacity' in integer arrays
_STOP_MARGIN = 0.95  # stop the restricted MIP a little inside the target gap (rounding)
_POLISH_SHARE = 0.7  # of the time left after the bounds, for the set-up local search
_LAG_SHARE = 0.2  # of the priced engine's budget, for the subgradient ascent
_LAG_ITERATIONS = 40
_LAG_TARGET = 1e-3  # Polyak target: this far (relative) above the LP bound


class AllocationInputError(InvalidInput):
    """The input contradicts itself (unknown ids, duplicates); the message names the field."""


# --------------------------------------------------------------------------------------------
# Plain input data


@dataclass(frozen=True, slots=True)
class Order:
    """A buyer's order: ``quantity`` units due ``due_days`` days from now."""

    id: Id
    quantity: int
    due_days: int


@dataclass(frozen=True, slots=True)
class Factory:
    """A candidate factory. ``logistics_cost`` maps ``str(order id)`` to a cost per unit."""

    id: Id
    capacity_per_day: float
    unit_cost: float
    lead_time_days: int = 0
    setup_cost: float = 0.0
    moq: int = 0
    max_share: float = 1.0
    horizon_capacity: int | None = None
    logistics_cost: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Incumbent:
    """Keep a factory: ``order`` None means over all orders; ``min_quantity`` 0 means 'use it'."""

    factory: Id
    order: Id | None = None
    min_quantity: int = 0


@dataclass(frozen=True, slots=True)
class FairRotation:
    """A base administrator's rotation.

    ``max_capacity_share`` caps every factory at that share of its capacity (per order by the due
    date, and of its horizon capacity); each of ``small_enterprises`` gets at least
    ``small_min_quantity`` over all orders, or as much as it could make alone if that is less.
    """

    max_capacity_share: float = 1.0
    small_enterprises: tuple[Id, ...] = ()
    small_min_quantity: int = 0


@dataclass(frozen=True, slots=True)
class Scenario:
    """Sourcing rules on top of the cheapest split (the default: no rules)."""

    max_factories_per_order: int | None = None
    min_factories_per_order: int | None = None
    incumbents: tuple[Incumbent, ...] = ()
    fair_rotation: FairRotation | None = None

    @property
    def name(self) -> str:
        parts = []
        if self.max_factories_per_order is not None:
            parts.append(f"at most {self.max_factories_per_order} factories per order")
        if self.min_factories_per_order is not None:
            parts.append(f"at least {self.min_factories_per_order} factories per order")
        if self.incumbents:
            parts.append(f"{len(self.incumbents)} incumbent(s) kept")
        if self.fair_rotation is not None:
            parts.append("fair rotation")
        return ", ".join(parts) if parts else "cheapest split"


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """Solver knobs. ``mip_rel_gap`` 1e-4 is the 0.01% the platform calls optimal."""

    time_limit: float = 60.0
    mip_rel_gap: float = 1e-4
    fast_path: bool = True
    decompose: bool = True
    warm_start: bool = True
    threads: int | None = None
    # price-and-restrict engine for the plain model (see ``_solve_part_priced``):
    # "auto" uses it on parts with at least ``priced_min_pairs`` pairs, "never" / "always"
    priced: Literal["auto", "never", "always"] = "auto"
    priced_min_pairs: int = 5000
    # the restricted MIP runs after the local search only on restricted models up to this many
    # pairs: beyond, HiGHS does not finish its root node within any useful time
    priced_mip_max_pairs: int = 4000


# --------------------------------------------------------------------------------------------
# Plain output data


@dataclass(frozen=True, slots=True)
class Share:
    order: Id
    factory: Id
    quantity: int
    reason: str
    unit_cost: float
    setup_cost: float


@dataclass(frozen=True, slots=True)
class OrderOutcome:
    order: Id
    quantity: int
    delivered: int
    cost: float
    factories: int
    max_by_due: int
    earliest_feasible_due_days: int | None
    diagnosis: str | None


@dataclass(frozen=True, slots=True)
class AllocationPlan:
    status: Status
    total_cost: float
    gap: float
    shares: tuple[Share, ...]
    explanation: str
    path: Path
    scenario: str
    orders: tuple[OrderOutcome, ...]
    diagnosis: tuple[str, ...]
    solve_seconds: float


# --------------------------------------------------------------------------------------------
# The prepared instance: eligible (factory, order) pairs as flat arrays


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _pct(x: float) -> str:
    return f"{x * 100:g}%"


@dataclass
class _Instance:
    orders: Sequence[Order]
    factories: Sequence[Factory]
    scenario: Scenario
    quantity: IntArray  # (K,)
    due: IntArray  # (K,)
    horizon: FloatArray  # (I,) effective horizon capacity, inf when none
    # eligible pairs, ordered by order then factory
    order_ix: IntArray
    factory_ix: IntArray
    cap: IntArray
    time_cap: IntArray
    share_cap: IntArray
    moq: IntArray  # effective, >= 1
    cost: FloatArray  # unit + logistics
    setup: FloatArray
    lower: IntArray  # forced lower bound on q (incumbents)
    row_lower: IntArray  # (I,) lower bound on a factory's total
    row_coupled: npt.NDArray[np.bool_]  # (I,) factory total needs a row
    need_y: npt.NDArray[np.bool_]  # pairs that need a binary
    count_rows: bool
    problems: list[str]  # scenario requirements that cannot hold, found before solving


def _index_by_id(items: Sequence[Order | Factory], what: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for n, item in enumerate(items):
        key = str(item.id)
        if key in index:
            raise AllocationInputError(f"{what}[{n}].id: duplicate id {item.id!r}")
        index[key] = n
    return index


def _logistics_matrix(
    orders: Sequence[Order], factories: Sequence[Factory], order_index: Mapping[str, int]
) -> FloatArray:
    logistics = np.zeros((len(orders), len(factories)), dtype=np.float64)
    for i, f in enumerate(factories):
        for key, value in f.logistics_cost.items():
            k = order_index.get(str(key))
            if k is None:
                raise AllocationInputError(
                    f"factories[{i}].logistics_cost.{key}: unknown order {key!r}"
                )
            logistics[k, i] = float(value)
    return logistics


def _time_capacity(cpd: FloatArray, days: FloatArray, share: float) -> IntArray:
    return np.floor(share * cpd * days + _EPS).astype(np.int64)


def _prepare(
    orders: Sequence[Order], factories: Sequence[Factory], scenario: Scenario
) -> _Instance:
    order_index = _index_by_id(orders, "orders")
    factory_index = _index_by_id(factories, "factories")
    n_factories = len(factories)
    quantity = np.array([o.quantity for o in orders], dtype=np.int64)
    due = np.array([o.due_days for o in orders], dtype=np.int64)
    cpd = np.array([f.capacity_per_day for f in factories], dtype=np.float64)
    lead = np.array([f.lead_time_days for f in factories], dtype=np.float64)
    unit = np.array([f.unit_cost for f in factories], dtype=np.float64)
    setup = np.array([f.setup_cost for f in factories], dtype=np.float64)
    moq = np.maximum(np.array([f.moq for f in factories], dtype=np.int64), 1)
    max_share = np.array([f.max_share for f in factories], dtype=np.float64)
    horizon = np.array(
        [INF if f.horizon_capacity is None else float(f.horizon_capacity) for f in factories],
        dtype=np.float64,
    )
    fair = scenario.fair_rotation
    fair_share = fair.max_capacity_share if fair is not None else 1.0
    if fair_share < 1.0:
        horizon = np.where(np.isinf(horizon), horizon, np.floor(fair_share * horizon + _EPS))
    logistics = _logistics_matrix(orders, factories, order_index)

    # (K, I) matrices, order-major so that pairs come out sorted by order
    days = np.maximum(0.0, due[:, None].astype(np.float64) - lead[None, :])
    time_cap = _time_capacity(cpd[None, :], days, fair_share)
    share_cap = np.floor(max_share[None, :] * quantity[:, None] + _EPS).astype(np.int64)
    horizon_cap = np.minimum(horizon, float(_NO_LIMIT)).astype(np.int64)
    cap = np.minimum(np.minimum(time_cap, share_cap), quantity[:, None])
    cap = np.minimum(cap, horizon_cap[None, :])
    eligible = cap >= moq[None, :]
    order_ix, factory_ix = np.nonzero(eligible)
    order_ix = order_ix.astype(np.int64)
    factory_ix = factory_ix.astype(np.int64)
    n_pairs = order_ix.size
    pair_of = {
        (int(k), int(i)): p for p, (k, i) in enumerate(zip(order_ix, factory_ix, strict=True))
    }

    problems: list[str] = []
    lower = np.zeros(n_pairs, dtype=np.int64)
    row_lower = np.zeros(n_factories, dtype=np.int64)
    pair_cap = cap[order_ix, factory_ix]
    total_possible = np.zeros(n_factories, dtype=np.int64)
    np.add.at(total_possible, factory_ix, pair_cap)
    total_possible = np.minimum(total_possible, horizon_cap)

    for n, inc in enumerate(scenario.incumbents):
        i = factory_index.get(str(inc.factory))
        if i is None:
            raise AllocationInputError(
                f"scenario.incumbents[{n}].factory: unknown factory {inc.factory!r}"
            )
        fid = factories[i].id
        if inc.order is None:
            need = max(inc.min_quantity, 1)
            row_lower[i] = max(row_lower[i], need)
            if total_possible[i] < need:
                problems.append(
                    f"incumbent {fid} can make at most {_fmt(total_possible[i])} over all orders"
                    f" (asked at least {_fmt(need)})"
                )
            continue
        k = order_index.get(str(inc.order))
        if k is None:
            raise AllocationInputError(
                f"scenario.incumbents[{n}].order: unknown order {inc.order!r}"
            )
        oid = orders[k].id
        p = pair_of.get((k, i))
        if p is None:
            problems.append(
                f"incumbent {fid} is not eligible for order {oid} (it can make"
                f" {_fmt(cap[k, i])} by day {due[k]}, below its MOQ {_fmt(moq[i])})"
            )
            continue
        need = max(inc.min_quantity, int(moq[i]))
        if need > pair_cap[p]:
            problems.append(
                f"incumbent {fid} can make at most {_fmt(pair_cap[p])} of order {oid}"
                f" (asked at least {_fmt(need)})"
            )
        lower[p] = max(lower[p], need)

    if fair is not None and fair.small_min_quantity > 0:
        for n, sid in enumerate(fair.small_enterprises):
            i = factory_index.get(str(sid))
            if i is None:
                raise AllocationInputError(
                    f"scenario.fair_rotation.small_enterprises[{n}]: unknown factory {sid!r}"
                )
            # a guarantee no bigger than what the workshop could make on its own
            row_lower[i] = max(row_lower[i], min(fair.small_min_quantity, int(total_possible[i])))

    pair_total = np.zeros(n_factories, dtype=np.int64)
    np.add.at(pair_total, factory_ix, np.maximum(pair_cap, 0))
    row_coupled = (row_lower > 0) | (horizon < pair_total)

    count_rows = (
        scenario.max_factories_per_order is not None or scenario.min_factories_per_order is not None
    )
    pair_setup = setup[factory_ix]
    pair_moq = moq[factory_ix]
    need_y = (pair_moq > 1) | (pair_setup > 0) | count_rows

    return _Instance(
        orders=orders,
        factories=factories,
        scenario=scenario,
        quantity=quantity,
        due=due,
        horizon=horizon,
        order_ix=order_ix,
        factory_ix=factory_ix,
        cap=pair_cap,
        time_cap=time_cap[order_ix, factory_ix],
        share_cap=share_cap[order_ix, factory_ix],
        moq=pair_moq,
        cost=unit[factory_ix] + logistics[order_ix, factory_ix],
        setup=pair_setup,
        lower=lower,
        row_lower=row_lower,
        row_coupled=row_coupled,
        need_y=need_y,
        count_rows=count_rows,
        problems=problems,
    )


# --------------------------------------------------------------------------------------------
# Model building


@dataclass(frozen=True, slots=True)
class _Part:
    """A set of orders that share no coupled factory with the rest."""

    orders: IntArray
    pairs: IntArray


def _components(inst: _Instance, decompose: bool) -> list[_Part]:
    n_orders = len(inst.orders)
    all_pairs = np.arange(inst.order_ix.size, dtype=np.int64)
    if not decompose or n_orders <= 1:
        return [_Part(np.arange(n_orders, dtype=np.int64), all_pairs)]
    parent = list(range(n_orders))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    coupled = inst.row_coupled[inst.factory_ix]
    first_order: dict[int, int] = {}
    for k, i in zip(
        inst.order_ix[coupled].tolist(), inst.factory_ix[coupled].tolist(), strict=True
    ):
        if i in first_order:
            a, b = find(first_order[i]), find(k)
            if a != b:
                parent[a] = b
        else:
            first_order[i] = k
    roots = np.array([find(k) for k in range(n_orders)], dtype=np.int64)
    pair_roots = roots[inst.order_ix]
    parts = []
    for root in np.unique(roots):
        parts.append(
            _Part(np.nonzero(roots == root)[0].astype(np.int64), np.nonzero(pair_roots == root)[0])
        )
    return parts


def _build(
    inst: _Instance,
    part: _Part,
    *,
    partial: bool,
    maximise_delivery: bool = False,
    min_delivered: int | None = None,
    continuous_q: bool = False,
) -> tuple[ModelBuilder, IntArray, IntArray, IntArray]:
    """Build the model of one part; returns (model, q columns, y columns, pairs with y).

    ``continuous_q`` leaves ``q`` continuous: once ``y`` is fixed what is left is a
    transportation LP with integral data, whose simplex vertices are integral (the caller must
    re-solve with ``y`` fixed and check).
    """
    m = ModelBuilder()
    pairs = part.pairs
    n = pairs.size
    cap = inst.cap[pairs]
    lower = np.zeros(n, dtype=np.int64) if partial else inst.lower[pairs]
    cost = -np.ones(n) if maximise_delivery else inst.cost[pairs]
    q = m.add_cols(cost, lower, cap, integer=not continuous_q)
    y_local = np.nonzero(inst.need_y[pairs])[0]
    y_pairs = pairs[y_local]
    y_cost = np.zeros(y_local.size) if maximise_delivery else inst.setup[y_pairs]
    y = m.add_cols(y_cost, 0.0, 1.0, integer=True)

    # every order met (or at most met, for the best partial plan)
    local_order = {int(k): r for r, k in enumerate(part.orders.tolist())}
    order_row_of_pair = np.array(
        [local_order[int(k)] for k in inst.order_ix[pairs]], dtype=np.int64
    )
    quantity = inst.quantity[part.orders].astype(np.float64)
    order_rows = m.add_rows(np.zeros_like(quantity) if partial else quantity, quantity)
    m.add_entries(order_rows[order_row_of_pair], q, 1.0)

    # factory totals: horizon capacity, incumbent and small-enterprise minimums
    fac = inst.factory_ix[pairs]
    coupled_local = np.nonzero(inst.row_coupled[fac])[0]
    if coupled_local.size:
        facs, inverse = np.unique(fac[coupled_local], return_inverse=True)
        lo = np.full(facs.size, -INF) if partial else inst.row_lower[facs].astype(np.float64)
        up = inst.horizon[facs]
        fac_rows = m.add_rows(lo, up)
        m.add_entries(fac_rows[inverse], q[coupled_local], 1.0)

    # semicontinuity: moq * y <= q <= cap * y (tight big-M: cap is the pair's own capacity)
    if y_local.size:
        up_rows = m.add_rows(np.full(y_local.size, -INF), 0.0)
        m.add_entries(up_rows, q[y_local], 1.0)
        m.add_entries(up_rows, y, -cap[y_local].astype(np.float64))
        low_local = np.nonzero(inst.moq[y_pairs] > 1)[0] if not inst.count_rows else None
        sel = np.arange(y_local.size) if low_local is None else low_local
        if sel.size:
            lo_rows = m.add_rows(np.zeros(sel.size), INF)
            m.add_entries(lo_rows, q[y_local[sel]], 1.0)
            m.add_entries(lo_rows, y[sel], -inst.moq[y_pairs[sel]].astype(np.float64))

    sc = inst.scenario
    if inst.count_rows:
        y_order_row = order_row_of_pair[y_local]
        k_count = part.orders.size
        if sc.max_factories_per_order is not None:
            rows = m.add_rows(np.full(k_count, -INF), float(sc.max_factories_per_order))
            m.add_entries(rows[y_order_row], y, 1.0)
        if sc.min_factories_per_order is not None and not partial:
            rows = m.add_rows(np.full(k_count, float(sc.min_factories_per_order)), INF)
            m.add_entries(rows[y_order_row], y, 1.0)

    if min_delivered is not None:
        row = m.add_rows(np.array([float(min_delivered)]), INF)
        m.add_entries(np.full(n, row[0]), q, 1.0)
    return m, q, y, y_local


# --------------------------------------------------------------------------------------------
# Solving


@dataclass
class _PartResult:
    quantities: IntArray  # per pair of the part
    status: Literal["optimal", "feasible", "infeasible", "no_solution"]
    cost: float
    bound: float
    path: Path
    note: str | None = None


def _integral(values: FloatArray) -> bool:
    return bool(np.all(np.abs(values - np.round(values)) <= 1e-6))


def _pair_cost(inst: _Instance, pairs: IntArray, qty: IntArray) -> float:
    return float(np.dot(inst.cost[pairs], qty) + inst.setup[pairs][qty > 0].sum())


def _violations(inst: _Instance, pairs: IntArray, qty: IntArray, orders: IntArray) -> bool:
    """True when ``qty`` breaks a hard constraint of the exact model (used after rounding)."""
    if np.any(qty < 0) or np.any(qty > inst.cap[pairs]):
        return True
    used = qty > 0
    if np.any(qty[used] < inst.moq[pairs][used]) or np.any(qty < inst.lower[pairs]):
        return True
    delivered = np.zeros(len(inst.orders), dtype=np.int64)
    np.add.at(delivered, inst.order_ix[pairs], qty)
    if np.any(delivered[orders] != inst.quantity[orders]):
        return True
    total = np.zeros(len(inst.factories), dtype=np.int64)
    np.add.at(total, inst.factory_ix[pairs], qty)
    facs = np.unique(inst.factory_ix[pairs])
    return bool(
        np.any(total[facs] > inst.horizon[facs]) or np.any(total[facs] < inst.row_lower[facs])
    )


def _run(
    inst: _Instance,
    part: _Part,
    model: ModelBuilder,
    q: IntArray,
    *,
    lp_path: bool,
    deadline: float,
    options: SolveOptions,
    start: FloatArray | None = None,
) -> tuple[SolveResult, IntArray, Path]:
    """Solve as LP when allowed and integral, else as the exact MIP."""
    if lp_path:
        res = model.solve(
            relax=True,
            time_limit=deadline - time.perf_counter(),
            mip_rel_gap=options.mip_rel_gap,
            threads=options.threads,
        )
        if res.status == "optimal" and _integral(res.values[q]):
            return res, np.round(res.values[q]).astype(np.int64), "lp"
        if res.status == "infeasible":
            return res, np.zeros(q.size, dtype=np.int64), "lp"
    res = model.solve(
        relax=False,
        time_limit=deadline - time.perf_counter(),
        mip_rel_gap=options.mip_rel_gap,
        threads=options.threads,
        start=start,
    )
    return res, np.round(res.values[q]).astype(np.int64), "mip"


def _plain(inst: _Instance, part: _Part) -> bool:
    """No scenario rule touches this part: the cheapest split with MOQs, set-ups and horizons."""
    return not (inst.count_rows or inst.lower[part.pairs].any() or inst.row_lower.any())


def _solve_part(
    inst: _Instance, part: _Part, *, deadline: float, options: SolveOptions
) -> _PartResult:
    lp_path = options.fast_path and not bool(inst.need_y[part.pairs].any())
    if (
        not lp_path
        and options.decompose
        and options.priced != "never"
        and (options.priced == "always" or part.pairs.size >= options.priced_min_pairs)
        and _plain(inst, part)
    ):
        priced = _solve_part_priced(inst, part, deadline=deadline, options=options)
        if priced is not None:
            return priced
    model, q, y, y_local = _build(inst, part, partial=False)
    start = None
    if not lp_path and options.warm_start:
        greedy = _greedy_start(inst, part)
        if greedy is not None:
            start = np.zeros(model.num_cols)
            start[q] = greedy
            start[y] = greedy[y_local] > 0
    res, qty, path = _run(
        inst, part, model, q, lp_path=lp_path, deadline=deadline, options=options, start=start
    )
    if res.status in ("optimal", "feasible"):
        if path == "lp" and _violations(inst, part.pairs, qty, part.orders):
            # rounding broke something the LP satisfied: go exact
            res, qty, path = _run(
                inst, part, model, q, lp_path=False, deadline=deadline, options=options
            )
        cost = _pair_cost(inst, part.pairs, qty)
        return _PartResult(qty, res.status, cost, min(res.bound, cost), path)
    return _PartResult(np.zeros(part.pairs.size, dtype=np.int64), res.status, INF, res.bound, path)


def _solve_part_priced(
    inst: _Instance, part: _Part, *, deadline: float, options: SolveOptions
) -> _PartResult | None:
    """Price, bound, restrict: the plain model at scale. None means 'use the direct MIP'.

    1. The LP relaxation (``y`` eliminated: a transportation LP) by column generation.
    2. A Lagrangian bound from its order duals: relaxing the order rows leaves one knapsack with
       set-ups per factory, solved exactly (or bounded), which charges every set-up of a factory
       split over several orders in full; it is a valid lower bound on the *whole* model.
    3. The exact MIP restricted to the promising pairs (LP support, pairs the factory problems
       chose, the cheapest pairs by reduced cost, the greedy plan), warm-started with the greedy
       plan. Any plan of the restricted model is a plan of the whole model.
    The gap is ``(plan cost - max(LP bound, Lagrangian bound)) / plan cost``, against the whole
    model, so ``optimal`` means proven within ``mip_rel_gap`` of the exact model's optimum.
    """
    started = time.perf_counter()
    budget = max(deadline - started, 0.0)
    pairs = part.pairs
    local_orders = np.searchsorted(part.orders, inst.order_ix[pairs])
    cap = inst.cap[pairs]
    unit = inst.cost[pairs] + inst.setup[pairs] / np.maximum(cap, 1)
    quantity = inst.quantity[part.orders].astype(np.float64)
    greedy = _greedy_start(inst, part)
    seed = greedy > 0 if greedy is not None else np.zeros(pairs.size, dtype=np.bool_)
    lp = transport_lp(
        local_orders,
        inst.factory_ix[pairs],
        unit,
        cap,
        quantity,
        inst.horizon,
        inst.row_coupled,
        seed_pairs=seed,
        deadline=started + 0.4 * budget,
    )
    if lp.status != "optimal":
        return None  # infeasible or out of time: let the exact model speak
    upper = _pair_cost(inst, pairs, greedy) if greedy is not None else INF
    problems = FactoryProblems(
        local_orders,
        inst.factory_ix[pairs],
        inst.cost[pairs],
        cap,
        inst.moq[pairs],
        inst.setup[pairs],
        inst.horizon,
        quantity,
    )
    # Polyak target: an estimate of the optimum a little above the LP bound (the greedy plan is
    # usually too far above it for a useful step)
    lag_target = min(upper, lp.bound + _LAG_TARGET * max(abs(lp.bound), 1.0))
    lag = lagrangian_bound(
        problems,
        lp.order_duals,
        upper=lag_target,
        deadline=time.perf_counter() + _LAG_SHARE * budget,
        max_iterations=_LAG_ITERATIONS,
    )
    bound = max(lp.bound, lag.bound)

    # the restricted model: the LP's support, the pairs the factory problems used, the greedy plan
    open_pairs = (lp.values > 0) | lag.best_used
    keep = open_pairs | lag.used | seed
    sub = _Part(part.orders, pairs[keep])
    qty = np.zeros(pairs.size, dtype=np.int64)
    cost = INF
    if greedy is not None:
        qty, cost = greedy.copy(), upper
    target = options.mip_rel_gap * _STOP_MARGIN

    # local search over set-ups from the LP relaxation's support, each step an LP re-solve with
    # the set-ups fixed (integral vertices): usually within the target of the bound on its own
    polished = polish_setups(
        local_orders,
        inst.factory_ix[pairs],
        inst.cost[pairs],
        inst.setup[pairs],
        cap,
        inst.moq[pairs],
        quantity,
        inst.horizon,
        inst.row_coupled,
        candidates=keep,
        open_pairs=open_pairs,
        deadline=time.perf_counter() + _POLISH_SHARE * max(deadline - time.perf_counter(), 0.0),
        good_enough=bound / (1.0 - target) if bound > 0 else bound,
    )
    if polished is not None and not _violations(inst, pairs, polished.quantities, part.orders):
        polished_cost = _pair_cost(inst, pairs, polished.quantities)
        if polished_cost < cost:
            qty, cost = polished.quantities, polished_cost

    if relative_gap(cost, bound) > target and cost < INF and deadline - time.perf_counter() > 0.05:
        # more subgradient steps, now aimed at the plan's cost: a tighter bound may prove it
        more = lagrangian_bound(
            problems,
            lag.prices,
            upper=cost,
            deadline=time.perf_counter() + _LAG_SHARE * max(deadline - time.perf_counter(), 0.0),
            max_iterations=_LAG_ITERATIONS,
            step_scale=0.1,
        )
        bound = max(bound, more.bound)

    if (
        relative_gap(cost, bound) > target
        and int(keep.sum()) <= options.priced_mip_max_pairs
        and deadline - time.perf_counter() > 0.05
    ):
        # the restricted MIP (HiGHS's heuristics need the time), warm-started from the best
        # plan so far, then its plan polished by the LP with the binaries fixed (a network LP:
        # its simplex vertex is integral)
        model, q, y, y_local = _build(inst, sub, partial=False)
        best_start: FloatArray | None = None
        if cost < INF:
            best_start = np.zeros(model.num_cols)
            best_start[q] = qty[keep]
            best_start[y] = qty[keep][y_local] > 0
        res = model.solve(
            relax=False,
            time_limit=deadline - time.perf_counter(),
            mip_rel_gap=options.mip_rel_gap / 4,
            threads=options.threads,
            start=best_start,
            # stop as soon as the incumbent is proven against the whole model's bound (HiGHS's
            # own bound, of the restricted model, may never get there)
            external_bound=bound,
            stop_gap=target,
        )
        if res.status in ("optimal", "feasible"):
            values = res.values
            polish = _fixed_binaries(model, y, values)
            fixed = polish.solve(
                relax=True,
                time_limit=max(deadline - time.perf_counter(), 1.0),
                mip_rel_gap=options.mip_rel_gap,
                threads=options.threads,
            )
            if fixed.status == "optimal" and _integral(fixed.values[q]):
                values = fixed.values
            trial = np.zeros(pairs.size, dtype=np.int64)
            trial[keep] = np.round(values[q]).astype(np.int64)
            if not _violations(inst, pairs, trial, part.orders):
                trial_cost = _pair_cost(inst, pairs, trial)
                if trial_cost < cost:
                    qty, cost = trial, trial_cost

    if cost == INF:
        return None
    bound = min(bound, cost)
    proven = relative_gap(cost, bound) <= options.mip_rel_gap
    return _PartResult(qty, "optimal" if proven else "feasible", cost, bound, "mip")


def _fixed_binaries(model: ModelBuilder, y: IntArray, values: FloatArray) -> ModelBuilder:
    """A copy of ``model`` with the binaries ``y`` fixed at their rounded ``values``."""
    fixed = ModelBuilder()
    fixed.__dict__.update(
        {k: list(v) if isinstance(v, list) else v for k, v in model.__dict__.items()}
    )
    fixed.fix(y, np.round(values[y]))
    return fixed


def _greedy_start(inst: _Instance, part: _Part) -> IntArray | None:
    """A cheapest-first plan for the plain model, handed to HiGHS as its first incumbent."""
    if not _plain(inst, part):
        return None
    pairs = part.pairs
    qty = np.zeros(pairs.size, dtype=np.int64)
    left = inst.horizon.copy()
    eff = inst.cost[pairs] + inst.setup[pairs] / np.maximum(inst.cap[pairs], 1)
    local_orders = inst.order_ix[pairs]
    for k in part.orders[np.argsort(inst.due[part.orders], kind="stable")].tolist():
        sel = np.nonzero(local_orders == k)[0]
        need = int(inst.quantity[k])
        for n in sel[np.argsort(eff[sel], kind="stable")].tolist():
            if need == 0:
                break
            p = int(pairs[n])
            i = int(inst.factory_ix[p])
            x = int(min(inst.cap[p], need, left[i]))
            if x < inst.moq[p]:
                continue
            qty[n] = x
            left[i] -= x
            need -= x
        if need > 0:
            return None
    return qty


def _best_partial(
    inst: _Instance, part: _Part, *, deadline: float, options: SolveOptions
) -> _PartResult:
    """Deliver as much as possible, then at least cost (scenario minimums relaxed)."""
    lp_path = options.fast_path and not bool(inst.need_y[part.pairs].any())
    model, q, _, _ = _build(inst, part, partial=True, maximise_delivery=True)
    res, qty, path = _run(inst, part, model, q, lp_path=lp_path, deadline=deadline, options=options)
    delivered = int(qty.sum()) if res.status in ("optimal", "feasible") else 0
    model, q, _, _ = _build(inst, part, partial=True, min_delivered=delivered)
    res2, qty2, path2 = _run(
        inst, part, model, q, lp_path=lp_path, deadline=deadline, options=options
    )
    if res2.status not in ("optimal", "feasible"):
        qty2, res2, path2 = qty, res, path
    cost = _pair_cost(inst, part.pairs, qty2)
    status: Literal["optimal", "feasible"] = (
        "optimal" if res.status == "optimal" and res2.status == "optimal" else "feasible"
    )
    bound = min(res2.bound, cost) if res2 is not res else cost
    return _PartResult(qty2, status, cost, bound, path2)


# --------------------------------------------------------------------------------------------
# Diagnosis of infeasible orders


def _order_capacity(inst: _Instance, k: int, due_days: int) -> int:
    """What eligible factories could make of order k by ``due_days``, ignoring other orders."""
    fr = inst.scenario.fair_rotation
    share = fr.max_capacity_share if fr is not None else 1.0
    q_k = int(inst.quantity[k])
    total = 0
    for i, f in enumerate(inst.factories):
        days = max(0.0, float(due_days) - float(f.lead_time_days))
        cap = min(
            math.floor(share * f.capacity_per_day * days + _EPS),
            math.floor(f.max_share * q_k + _EPS),
            q_k,
        )
        if not math.isinf(inst.horizon[i]):
            cap = min(cap, int(inst.horizon[i]))
        if cap >= max(f.moq, 1):
            total += cap
    return total


def _earliest_due(inst: _Instance, k: int) -> int | None:
    """Smallest due date at which the factories could make order k alone, if any."""
    q_k = int(inst.quantity[k])
    lo = int(inst.due[k])
    fr = inst.scenario.fair_rotation
    share = fr.max_capacity_share if fr is not None else 1.0
    # beyond this day no factory's capacity grows any more
    hi = lo
    for f in inst.factories:
        if f.capacity_per_day * share > 0:
            hi = max(hi, f.lead_time_days + math.ceil(q_k / (f.capacity_per_day * share)) + 1)
    if _order_capacity(inst, k, hi) < q_k:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if _order_capacity(inst, k, mid) >= q_k:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _diagnose_order(inst: _Instance, k: int) -> tuple[str | None, int, int | None]:
    order = inst.orders[k]
    q_k = int(inst.quantity[k])
    by_due = _order_capacity(inst, k, int(inst.due[k]))
    sc = inst.scenario
    sel = inst.order_ix == k
    caps = np.sort(inst.cap[sel])[::-1]
    if by_due < q_k:
        earliest = _earliest_due(inst, k)
        text = (
            f"order {order.id} needs {_fmt(q_k)} by day {order.due_days}; eligible factories can"
            f" make at most {_fmt(by_due)}"
        )
        if earliest is not None:
            text += f" (they could make it by day {earliest})"
        else:
            text += " and no later due date is enough: share caps, MOQs or horizon capacity bind"
        return text, by_due, earliest
    if sc.max_factories_per_order is not None:
        top = int(caps[: sc.max_factories_per_order].sum())
        if top < q_k:
            return (
                f"order {order.id} needs {_fmt(q_k)}; the {sc.max_factories_per_order} largest"
                f" eligible factories can make at most {_fmt(top)}",
                by_due,
                None,
            )
    if sc.min_factories_per_order is not None and caps.size < sc.min_factories_per_order:
        return (
            f"order {order.id} has {caps.size} eligible factories; the scenario asks for at least"
            f" {sc.min_factories_per_order}",
            by_due,
            None,
        )
    return None, by_due, None


# --------------------------------------------------------------------------------------------
# Reasons


def _reasons(inst: _Instance, qty: IntArray) -> list[str]:
    n = qty.size
    reasons = [""] * n
    total = np.zeros(len(inst.factories), dtype=np.int64)
    np.add.at(total, inst.factory_ix, qty)
    cheapest = np.full(len(inst.orders), INF)
    np.minimum.at(cheapest, inst.order_ix, inst.cost + inst.setup / np.maximum(inst.cap, 1))
    fr = inst.scenario.fair_rotation
    share = fr.max_capacity_share if fr is not None else 1.0
    small = {str(s) for s in fr.small_enterprises} if fr is not None else set()
    for p in np.nonzero(qty > 0)[0].tolist():
        k, i = int(inst.order_ix[p]), int(inst.factory_ix[p])
        f = inst.factories[i]
        x = int(qty[p])
        if inst.lower[p] > 0 and x == inst.lower[p] and x > inst.moq[p]:
            reasons[p] = f"incumbent minimum {_fmt(x)}"
        elif inst.row_lower[i] > 0 and total[i] == inst.row_lower[i] and str(f.id) in small:
            reasons[p] = "small-enterprise minimum"
        elif x == inst.moq[p] and inst.moq[p] > 1:
            reasons[p] = "MOQ-bound"
        elif x == inst.cap[p] and x == inst.time_cap[p]:
            days = max(0, int(inst.due[k]) - f.lead_time_days)
            label = "fair-rotation cap" if share < 1.0 else "capacity-bound"
            reasons[p] = f"{label} ({_fmt(f.capacity_per_day)}/day × {days} days)"
        elif x == inst.cap[p] and x == inst.share_cap[p] and f.max_share < 1.0:
            reasons[p] = f"share cap {_pct(f.max_share)}"
        elif not math.isinf(inst.horizon[i]) and total[i] >= inst.horizon[i]:
            label = "fair-rotation cap" if share < 1.0 else "horizon-bound"
            reasons[p] = f"{label} ({_fmt(inst.horizon[i])} over the horizon)"
        elif x == inst.quantity[k]:
            reasons[p] = "cheapest eligible (whole order)"
        elif inst.lower[p] > 0:
            reasons[p] = "incumbent"
        elif inst.cost[p] + inst.setup[p] / max(int(inst.cap[p]), 1) <= cheapest[k] + 1e-9:
            reasons[p] = "cheapest eligible"
        else:
            reasons[p] = "fills remainder"
    return reasons


# --------------------------------------------------------------------------------------------
# Public API


def split_order(
    orders: Sequence[Order],
    factories: Sequence[Factory],
    scenario: Scenario | None = None,
    options: SolveOptions | None = None,
) -> AllocationPlan:
    """Split ``orders`` over ``factories`` at least total cost, with a reason for each share.

    Infeasible inputs return status ``"infeasible"`` with a diagnosis per order, the best partial
    plan (most delivered, then cheapest) and, where one exists, the earliest feasible due date.
    """
    scenario = scenario or Scenario()
    options = options or SolveOptions()
    started = time.perf_counter()
    deadline = started + options.time_limit
    inst = _prepare(orders, factories, scenario)
    parts = _components(inst, options.decompose)
    total_pairs = max(inst.order_ix.size, 1)

    qty = np.zeros(inst.order_ix.size, dtype=np.int64)
    results: list[_PartResult] = []
    infeasible_parts: list[_Part] = []
    for n_done, part in enumerate(parts):
        if inst.problems:
            # a scenario requirement no plan can meet: go straight to the best partial plan
            infeasible_parts.append(part)
            continue
        remaining = deadline - time.perf_counter()
        later = sum(p.pairs.size for p in parts[n_done + 1 :])
        budget = remaining * (part.pairs.size + 1) / (part.pairs.size + later + 1)
        res = _solve_part(inst, part, deadline=time.perf_counter() + budget, options=options)
        if res.status in ("infeasible", "no_solution"):
            infeasible_parts.append(part)
            if res.status == "no_solution":
                res.note = "no plan found within the time limit"
        else:
            qty[part.pairs] = res.quantities
        results.append(res)

    diagnosis: list[str] = list(inst.problems) if infeasible_parts else []
    outcomes_extra: dict[int, tuple[str | None, int, int | None]] = {}
    timed_out = any(r.status == "no_solution" for r in results)
    if infeasible_parts:
        for part in infeasible_parts:
            partial = _best_partial(
                inst, part, deadline=max(deadline, time.perf_counter() + 5.0), options=options
            )
            qty[part.pairs] = partial.quantities
            for k in part.orders.tolist():
                outcomes_extra[k] = _diagnose_order(inst, k)
                text = outcomes_extra[k][0]
                if text is not None:
                    diagnosis.append(text)
        later_due = {k: e[2] for k, e in outcomes_extra.items() if e[2] is not None}
        if later_due and len(later_due) == sum(1 for e in outcomes_extra.values() if e[0]):
            diagnosis.append(_check_later_due(inst, later_due, options))
        if timed_out:
            diagnosis.append(
                "the solver found no plan within the time limit; a longer limit may find one"
            )
        if (
            not any(outcomes_extra[k][0] for k in outcomes_extra)
            and not inst.problems
            and not timed_out
        ):
            demand = int(sum(inst.quantity[p.orders].sum() for p in infeasible_parts))
            diagnosis.append(
                f"the orders compete for the same factories' horizon capacity: together they need"
                f" {_fmt(demand)}, the best partial plan delivers"
                f" {_fmt(int(sum(qty[p.pairs].sum() for p in infeasible_parts)))}"
            )

    cost = _pair_cost(inst, np.arange(qty.size, dtype=np.int64), qty)
    if infeasible_parts:
        status: Status = "infeasible"
        gap = 0.0
    else:
        status = "optimal" if all(r.status == "optimal" for r in results) else "feasible"
        bound = sum(r.bound for r in results)
        gap = (
            relative_gap(cost, bound)
            if status == "feasible"
            else max(relative_gap(cost, bound), 0.0)
        )
    path: Path = "lp" if results and all(r.path == "lp" for r in results) else "mip"

    reasons = _reasons(inst, qty)
    shares = tuple(
        Share(
            order=inst.orders[int(inst.order_ix[p])].id,
            factory=inst.factories[int(inst.factory_ix[p])].id,
            quantity=int(qty[p]),
            reason=reasons[p],
            unit_cost=float(inst.cost[p]),
            setup_cost=float(inst.setup[p]),
        )
        for p in np.nonzero(qty > 0)[0].tolist()
    )
    delivered = np.zeros(len(orders), dtype=np.int64)
    np.add.at(delivered, inst.order_ix, qty)
    order_cost = np.zeros(len(orders))
    np.add.at(order_cost, inst.order_ix, inst.cost * qty + inst.setup * (qty > 0))
    used = np.zeros(len(orders), dtype=np.int64)
    np.add.at(used, inst.order_ix, (qty > 0).astype(np.int64))
    outcomes = []
    for k, o in enumerate(orders):
        text, by_due, earliest = outcomes_extra.get(k, (None, -1, None))
        if by_due < 0:
            by_due = _order_capacity(inst, k, o.due_days)
        outcomes.append(
            OrderOutcome(
                order=o.id,
                quantity=o.quantity,
                delivered=int(delivered[k]),
                cost=round(float(order_cost[k]), 6),
                factories=int(used[k]),
                max_by_due=by_due,
                earliest_feasible_due_days=earliest,
                diagnosis=text,
            )
        )
    seconds = time.perf_counter() - started
    explanation = _explain(
        inst, status, path, cost, gap, outcomes, diagnosis, len(parts), total_pairs
    )
    return AllocationPlan(
        status=status,
        total_cost=round(cost, 6),
        gap=gap,
        shares=shares,
        explanation=explanation,
        path=path,
        scenario=scenario.name,
        orders=tuple(outcomes),
        diagnosis=tuple(diagnosis),
        solve_seconds=seconds,
    )


def _check_later_due(inst: _Instance, later_due: Mapping[int, int], options: SolveOptions) -> str:
    """Say whether moving the short orders to their earliest dates makes the whole plan feasible."""
    moved = [
        Order(o.id, o.quantity, later_due.get(k, o.due_days)) for k, o in enumerate(inst.orders)
    ]
    names = ", ".join(f"order {inst.orders[k].id} by day {d}" for k, d in sorted(later_due.items()))
    budget = SolveOptions(
        time_limit=min(options.time_limit, 30.0),
        mip_rel_gap=1.0,  # any feasible plan will do
        fast_path=options.fast_path,
        decompose=options.decompose,
        threads=options.threads,
    )
    trial = _solve_all(_prepare(moved, inst.factories, inst.scenario), budget)
    if trial:
        return f"earliest feasible due dates: {names} (checked with all orders together)"
    return f"even with {names} the orders together do not fit the factories' capacity"


def _solve_all(inst: _Instance, options: SolveOptions) -> bool:
    """True when every part of ``inst`` has a feasible plan."""
    deadline = time.perf_counter() + options.time_limit
    for part in _components(inst, options.decompose):
        if _solve_part(inst, part, deadline=deadline, options=options).status not in (
            "optimal",
            "feasible",
        ):
            return False
    return True


def _explain(
    inst: _Instance,
    status: Status,
    path: Path,
    cost: float,
    gap: float,
    outcomes: Sequence[OrderOutcome],
    diagnosis: Sequence[str],
    n_parts: int,
    n_pairs: int,
) -> str:
    method = (
        "LP fast path (no MOQ, set-up cost or factory-count rule, so the transportation LP has an"
        " integral optimum equal to the exact model's)"
        if path == "lp"
        else "exact MIP (HiGHS)"
    )
    head = (
        f"{inst.scenario.name}: {len(inst.orders)} order(s), {len(inst.factories)} factories,"
        f" {inst.order_ix.size} eligible pairs; solved by {method}"
    )
    if n_parts > 1:
        head += f" in {n_parts} independent groups of orders"
    lines = [head + "."]
    if status == "infeasible":
        delivered = sum(o.delivered for o in outcomes)
        wanted = sum(o.quantity for o in outcomes)
        lines.append(
            f"No plan meets every order. Best partial plan: {_fmt(delivered)} of {_fmt(wanted)}"
            f" delivered at {_fmt(round(cost, 2))}."
        )
        lines.extend(f"- {d}" for d in diagnosis)
        return "\n".join(lines)
    quality = (
        "optimal" if status == "optimal" else f"best found within the time limit, gap {gap:.4%}"
    )
    lines.append(f"Total cost {_fmt(round(cost, 2))} ({quality}).")
    for o in outcomes:
        lines.append(
            f"- order {o.order}: {_fmt(o.quantity)} over {o.factories} factories,"
            f" cost {_fmt(round(o.cost, 2))}"
        )
    return "\n".join(lines)


def greedy_split(orders: Sequence[Order], factories: Sequence[Factory]) -> tuple[float, int]:
    """Cheapest-first baseline: orders by due date, factories by cost per unit incl. set-up.

    Returns (total cost, undelivered quantity). Used by the benchmark as the buyer's rule of thumb.
    """
    inst = _prepare(orders, factories, Scenario())
    left_h = inst.horizon.copy()
    cost = 0.0
    short = 0
    for k in np.argsort(inst.due, kind="stable").tolist():
        sel = np.nonzero(inst.order_ix == k)[0]
        eff = inst.cost[sel] + inst.setup[sel] / np.maximum(inst.cap[sel], 1)
        need = int(inst.quantity[k])
        for p in sel[np.argsort(eff, kind="stable")].tolist():
            if need == 0:
                break
            i = int(inst.factory_ix[p])
            x = int(min(inst.cap[p], need, left_h[i]))
            if x < inst.moq[p]:
                continue
            cost += inst.cost[p] * x + inst.setup[p]
            left_h[i] -= x
            need -= x
        short += need
    return cost, short
