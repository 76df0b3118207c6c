"""A Lagrangian lower bound for capacity docking (the plain model: no scenario rules).

Relaxing "every order is met exactly" with prices ``pi[k]`` leaves one independent problem per
factory: which orders to take, and how much of each, within its horizon capacity, paying its
set-up cost once per order taken and at least its MOQ per order taken:

    max  sum_k (pi[k] - c[i,k]) * q[k] - setup_i * y[k]
    s.t. moq_i * y[k] <= q[k] <= cap[i,k] * y[k],  sum_k q[k] <= horizon_i,  y binary.

For any prices, ``sum_k pi[k] * Q[k] - sum_i (max of factory i's problem)`` is a lower bound on the
exact model's optimum (weak duality). Using an *upper* bound on each factory's maximum keeps the
bound valid, so a factory problem that is not solved to the end (node limit) still gives a sound
bound. The factory problems are small knapsacks with set-ups, solved here by depth-first branch
and bound with the fractional-knapsack bound; this bound is stronger than the LP relaxation
because a factory whose horizon capacity is split over several orders pays every set-up in full.
"""

from __future__ import annotations

import time
from bisect import insort
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from tradebase.allocation._highs import FloatArray, IntArray

_TOL = 1e-9
BoolArray = npt.NDArray[np.bool_]


def knapsack_with_setups(
    gain: FloatArray,
    cap: IntArray,
    moq: int,
    setup: float,
    horizon: float,
    node_limit: int = 4000,
) -> tuple[float, FloatArray]:
    """Maximise ``sum gain*q - setup*[q>0]`` with ``q in {0} u [moq, cap]``, ``sum q <= horizon``.

    Returns ``(upper bound on the maximum, q of the best solution found)``. When the search ends
    within ``node_limit`` nodes the two agree (the value of ``q`` equals the bound up to rounding);
    otherwise the bound is the largest bound of the nodes left open, which is still valid. The
    quantities are integral when ``cap``, ``moq`` and ``horizon`` are.
    """
    n_all = gain.size
    q = np.zeros(n_all, dtype=np.float64)
    m = float(max(moq, 1))
    keep = np.nonzero((gain > _TOL) & (gain * cap > setup + _TOL) & (cap >= m))[0]
    if keep.size == 0:
        return 0.0, q
    g = gain[keep]
    u = cap[keep].astype(np.float64)
    if u.sum() <= horizon:  # capacity never binds: take every profitable order in full
        q[keep] = u
        return float((g * u).sum() - setup * keep.size), q
    if setup <= 0.0 and m <= 1.0:  # a plain fractional knapsack: greedy is exact
        total = 0.0
        left = horizon
        for j in np.argsort(-g, kind="stable").tolist():
            if left <= 0:
                break
            take = min(float(u[j]), left)
            q[keep[j]] = take
            total += float(g[j]) * take
            left -= take
        return total, q

    ratio = g - setup / u
    by_ratio = np.argsort(-ratio, kind="stable")
    g_l = g[by_ratio].tolist()
    u_l = u[by_ratio].tolist()
    r_l = ratio[by_ratio].tolist()
    n = len(g_l)
    extra_caps = [x - m for x in u_l]
    neg_g = [-x for x in g_l]
    best_value = 0.0
    best_set: list[int] = []
    open_bound = -np.inf
    nodes = 0

    def bound_and_value(j: int, chosen: list[int], left: float, base: float) -> tuple[float, float]:
        """(bound of the node, value of its chosen set with their extras filled greedily).

        The bound fills the capacity left with the chosen items' extras at their gain and the
        free items (``j`` on, already sorted by ratio) at their gain net of set-up per unit: a
        merge of two sorted lists that stops as soon as the capacity is used up.
        """
        bound = base
        cap_left = left
        ci = 0
        t = j
        n_chosen = len(chosen)
        while cap_left > 0.0:
            cv = g_l[chosen[ci]] if ci < n_chosen else -1.0
            fv = r_l[t] if t < n else -1.0
            if cv <= 0.0 and fv <= 0.0:
                break
            if cv >= fv:
                size = extra_caps[chosen[ci]]
                value = cv
                ci += 1
            else:
                size = u_l[t]
                value = fv
                t += 1
            take = size if size < cap_left else cap_left
            bound += value * take
            cap_left -= take
        here = base
        cap_left = left
        for c in chosen:  # sorted by gain, best first
            if cap_left <= 0.0:
                break
            size = extra_caps[c]
            take = size if size < cap_left else cap_left
            here += g_l[c] * take
            cap_left -= take
        return bound, here

    # stack of (next item, chosen items sorted by gain, capacity left after their MOQs, value of
    # the MOQs)
    stack: list[tuple[int, list[int], float, float]] = [(0, [], float(horizon), 0.0)]
    while stack:
        j, chosen, left, base = stack.pop()
        bound, here = bound_and_value(j, chosen, left, base)
        if bound <= best_value + _TOL:
            continue
        nodes += 1
        if nodes > node_limit:
            open_bound = max(open_bound, bound)
            continue
        if here > best_value:
            best_value, best_set = here, list(chosen)
        if j >= n:
            continue
        stack.append((j + 1, chosen, left, base))  # without item j (explored second)
        if left >= m:
            with_j = list(chosen)
            insort(with_j, j, key=neg_g.__getitem__)
            stack.append((j + 1, with_j, left - m, base + g_l[j] * m - setup))
    if best_set:
        left = float(horizon) - m * len(best_set)
        for c in best_set:
            q[keep[by_ratio[c]]] = m
        for c in best_set:  # sorted by gain
            if left <= 0:
                break
            take = min(extra_caps[c], left)
            q[keep[by_ratio[c]]] += take
            left -= take
    return float(max(best_value, float(open_bound))), q


@dataclass
class LagrangeResult:
    bound: float  # a valid lower bound on the exact model's optimum (-inf if none)
    prices: FloatArray  # the prices that gave it
    used: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    iterations: int = 0
    # the pairs the factory problems use at the best prices (a plan that may miss or overshoot
    # orders; with the LP's support, a good open set for the set-up local search)
    best_used: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))


class FactoryProblems:
    """The pairs of one part grouped by factory, to evaluate the Lagrangian function fast."""

    def __init__(
        self,
        order_ix: IntArray,
        factory_ix: IntArray,
        cost: FloatArray,
        cap: IntArray,
        moq: IntArray,
        setup: FloatArray,
        horizon: FloatArray,
        quantity: FloatArray,
    ) -> None:
        self.order_ix = order_ix  # local order index per pair
        self.cost = cost
        self.cap = cap
        self.quantity = quantity
        by_factory = np.argsort(factory_ix, kind="stable")
        fac_sorted = factory_ix[by_factory]
        cuts = np.nonzero(np.diff(fac_sorted))[0] + 1
        self.groups: list[IntArray] = np.split(by_factory, cuts) if by_factory.size else []
        self.factories = [int(factory_ix[grp[0]]) for grp in self.groups]
        self.moq = [int(moq[grp[0]]) for grp in self.groups]
        self.setup = [float(setup[grp[0]]) for grp in self.groups]
        self.horizon = [float(horizon[i]) for i in self.factories]
        self.group_of_pair = np.zeros(order_ix.size, dtype=np.int64)
        for n, grp in enumerate(self.groups):
            self.group_of_pair[grp] = n

    def evaluate(self, prices: FloatArray) -> tuple[float, FloatArray]:
        """``(lower bound L(prices), quantities of the factory problems' best plans)``."""
        gain = prices[self.order_ix] - self.cost
        q = np.zeros(gain.size, dtype=np.float64)
        # pairs no factory would take at these prices are skipped in bulk
        profitable = (gain > _TOL) & (gain * self.cap > np.asarray(self.setup)[self.group_of_pair])
        active = np.unique(self.group_of_pair[profitable])
        total = float(prices @ self.quantity)
        for n in active.tolist():
            grp = self.groups[n]
            best, qn = knapsack_with_setups(
                gain[grp], self.cap[grp], self.moq[n], self.setup[n], self.horizon[n]
            )
            total -= best
            q[grp] = qn
        return total, q


def lagrangian_bound(
    problems: FactoryProblems,
    prices: FloatArray,
    *,
    upper: float,
    deadline: float,
    max_iterations: int = 60,
    step_scale: float = 0.5,
) -> LagrangeResult:
    """Subgradient ascent from ``prices`` (e.g. the LP's duals of the order rows).

    ``upper`` is the Polyak step target: the cost of a known plan, or an estimate of the optimum.
    Every evaluated point is a valid bound; the best is returned with its prices and the pairs
    any factory problem used.
    """
    best_bound = -np.inf
    best_prices = prices.copy()
    used = np.zeros(problems.cost.size, dtype=np.bool_)
    best_used = used.copy()
    stall = 0
    n_orders = problems.quantity.size
    iterations = 0
    current = prices.copy()
    while iterations < max_iterations and time.perf_counter() < deadline:
        value, q = problems.evaluate(current)
        iterations += 1
        used |= q > 0
        if value > best_bound + 1e-9 * max(1.0, abs(value)):
            best_bound, best_prices, best_used = value, current.copy(), q > 0
            stall = 0
        else:
            stall += 1
            if stall >= 4:
                step_scale /= 2
                stall = 0
        delivered = np.bincount(problems.order_ix, weights=q, minlength=n_orders)
        subgradient = problems.quantity - delivered
        norm = float(subgradient @ subgradient)
        if norm <= 0.0 or step_scale < 1e-4:
            break
        # ``upper`` may be an estimate of the optimum rather than a plan's cost: keep stepping
        # (a little) when the function already reaches it
        distance = max(upper - value, 1e-4 * max(abs(value), 1.0))
        current = current + step_scale * distance / norm * subgradient
    return LagrangeResult(best_bound, best_prices, used, iterations, best_used)


@dataclass
class TransportLP:
    """The exact model's LP relaxation, with ``y`` eliminated (``y = q / cap`` at the optimum).

    Costs are ``c + setup / cap`` per unit, bounds ``0 <= q <= cap``, one row per order
    (``= Q``) and one per coupled factory (``<= horizon``). ``status`` is "optimal", "infeasible"
    or "unknown" (time limit, or artificial columns still in use).
    """

    status: str
    bound: float
    values: FloatArray  # per pair
    order_duals: FloatArray
    reduced: FloatArray  # per pair
    seconds: float


def transport_lp(
    order_ix: IntArray,
    factory_ix: IntArray,
    unit_cost: FloatArray,
    cap: IntArray,
    quantity: FloatArray,
    horizon: FloatArray,
    coupled: BoolArray,
    *,
    seed_pairs: BoolArray,
    deadline: float,
    batch_per_order: int = 30,
) -> TransportLP:
    """Solve the LP by column generation: start from ``seed_pairs`` and the cheapest pairs of
    each order, price every pair with the duals, add the most negative ones, repeat until none
    prices out (then the restricted LP's optimum is the full LP's optimum)."""
    import highspy  # local: keep the module importable for the pure knapsack code

    started = time.perf_counter()
    n_orders = quantity.size
    n_pairs = order_ix.size
    facs = np.nonzero(coupled)[0]
    row_of_factory = np.full(horizon.size, -1, dtype=np.int64)
    row_of_factory[facs] = n_orders + np.arange(facs.size)
    pair_row2 = row_of_factory[factory_ix]
    # cheapest pairs per order until their capacity covers twice the order
    start_mask = seed_pairs.copy()
    by_cost = np.lexsort((unit_cost, order_ix))
    ordered_orders = order_ix[by_cost]
    caps_sorted = cap[by_cost].astype(np.float64)
    cum = np.cumsum(caps_sorted)
    first = np.searchsorted(ordered_orders, np.arange(n_orders))
    base = np.where(first > 0, cum[np.maximum(first - 1, 0)], 0.0)
    before = cum - caps_sorted - base[ordered_orders]
    start_mask[by_cost[before < 2.0 * quantity[ordered_orders]]] = True
    big = float(unit_cost.max(initial=0.0)) * 10.0 + 1e6

    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "simplex")
    # dual simplex: after a batch of columns is added the old basis stays primal feasible, and
    # dual simplex re-optimises these transportation LPs several times faster than primal
    h.setOptionValue("simplex_strategy", 1)
    lp = highspy.HighsLp()
    lp.num_col_ = n_orders  # artificial columns keep every restricted LP feasible
    lp.num_row_ = n_orders + facs.size
    lp.col_cost_ = np.full(n_orders, big)
    lp.col_lower_ = np.zeros(n_orders)
    lp.col_upper_ = quantity.astype(np.float64)
    lp.row_lower_ = np.concatenate([quantity, np.full(facs.size, -highspy.kHighsInf)])
    lp.row_upper_ = np.concatenate([quantity, horizon[facs]])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n_orders
    lp.a_matrix_.num_row_ = n_orders + facs.size
    lp.a_matrix_.start_ = np.arange(n_orders + 1, dtype=np.int32)
    lp.a_matrix_.index_ = np.arange(n_orders, dtype=np.int32)
    lp.a_matrix_.value_ = np.ones(n_orders)
    h.passModel(lp)
    in_model = np.zeros(n_pairs, dtype=np.bool_)
    col_of_pair = np.full(n_pairs, -1, dtype=np.int64)
    n_cols = n_orders

    def add(pairs: IntArray) -> None:
        nonlocal n_cols
        has2 = pair_row2[pairs] >= 0
        counts = 1 + has2.astype(np.int64)
        starts = np.zeros(pairs.size, dtype=np.int32)
        np.cumsum(counts[:-1], out=starts[1:])
        index = np.empty(int(counts.sum()), dtype=np.int32)
        index[starts] = order_ix[pairs]
        index[starts[has2] + 1] = pair_row2[pairs[has2]]
        h.addCols(
            pairs.size,
            unit_cost[pairs],
            np.zeros(pairs.size),
            cap[pairs].astype(np.float64),
            index.size,
            starts,
            index,
            np.ones(index.size),
        )
        in_model[pairs] = True
        col_of_pair[pairs] = n_cols + np.arange(pairs.size)
        n_cols += pairs.size

    add(np.nonzero(start_mask)[0])
    status = "unknown"
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        h.setOptionValue("time_limit", max(0.01, left))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        duals = np.asarray(h.getSolution().row_dual, dtype=np.float64)
        pi = duals[:n_orders]
        mu = np.where(pair_row2 >= 0, duals[np.maximum(pair_row2, 0)], 0.0)
        reduced = unit_cost - pi[order_ix] - mu
        cand = np.nonzero(~in_model & (reduced < -1e-7 * np.maximum(1.0, np.abs(unit_cost))))[0]
        if cand.size == 0:
            values_all = np.asarray(h.getSolution().col_value, dtype=np.float64)
            if values_all[:n_orders].max(initial=0.0) > 1e-6:
                status = "infeasible_or_unknown"
                break
            values = np.zeros(n_pairs)
            values[in_model] = values_all[col_of_pair[in_model]]
            return TransportLP(
                "optimal",
                float(h.getInfo().objective_function_value),
                values,
                pi,
                reduced,
                time.perf_counter() - started,
            )
        # the most negative few per order
        ranked = cand[np.lexsort((reduced[cand], order_ix[cand]))]
        firsts = np.searchsorted(order_ix[ranked], order_ix[ranked], side="left")
        rank = np.arange(ranked.size) - firsts
        add(ranked[rank < batch_per_order])
    empty = np.zeros(0)
    return TransportLP(status, -np.inf, empty, empty, empty, time.perf_counter() - started)
