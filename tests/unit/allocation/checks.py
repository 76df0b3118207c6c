"""Independent checkers and brute-force solvers, written from the issue's definitions.

Nothing here imports the engines' internals: a plan is judged only by the input data and the
shares it lists, so a bug in the model cannot hide itself.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from tradebase.allocation.procurement import Award, Need, Quote
from tradebase.allocation.solver import Factory, Order, Scenario, Share

EPS = 1e-9


def order_cap(o: Order, f: Factory, scenario: Scenario) -> int:
    """The most factory ``f`` may make of order ``o`` (0 if it is not eligible)."""
    fr = scenario.fair_rotation
    share = fr.max_capacity_share if fr else 1.0
    days = max(0, o.due_days - f.lead_time_days)
    cap = min(
        math.floor(share * f.capacity_per_day * days + EPS),
        math.floor(f.max_share * o.quantity + EPS),
        o.quantity,
    )
    horizon = horizon_of(f, scenario)
    if horizon is not None:
        cap = min(cap, horizon)
    return cap if cap >= max(f.moq, 1) else 0


def horizon_of(f: Factory, scenario: Scenario) -> int | None:
    fr = scenario.fair_rotation
    if f.horizon_capacity is None:
        return None
    if fr and fr.max_capacity_share < 1:
        return math.floor(fr.max_capacity_share * f.horizon_capacity + EPS)
    return f.horizon_capacity


def pair_cost(o: Order, f: Factory) -> float:
    return f.unit_cost + f.logistics_cost.get(str(o.id), 0.0)


def plan_cost(
    orders: Sequence[Order], factories: Sequence[Factory], shares: Sequence[Share]
) -> float:
    by_o = {str(o.id): o for o in orders}
    by_f = {str(f.id): f for f in factories}
    total = 0.0
    for s in shares:
        o, f = by_o[str(s.order)], by_f[str(s.factory)]
        total += pair_cost(o, f) * s.quantity + (f.setup_cost if s.quantity > 0 else 0.0)
    return total


def violations(
    orders: Sequence[Order],
    factories: Sequence[Factory],
    scenario: Scenario,
    q: dict[tuple[str, str], int],
    *,
    partial: bool = False,
) -> list[str]:
    """Every rule of the model that the quantities ``q[(order, factory)]`` break."""
    out: list[str] = []
    for o in orders:
        got = sum(q.get((str(o.id), str(f.id)), 0) for f in factories)
        if (got > o.quantity) if partial else (got != o.quantity):
            out.append(f"order {o.id}: {got} of {o.quantity}")
        used = 0
        for f in factories:
            x = q.get((str(o.id), str(f.id)), 0)
            if x < 0:
                out.append(f"{o.id}/{f.id}: negative")
            if x > 0:
                used += 1
                if x < max(f.moq, 1):
                    out.append(f"{o.id}/{f.id}: {x} below MOQ {f.moq}")
                if x > order_cap(o, f, scenario):
                    out.append(f"{o.id}/{f.id}: {x} above cap {order_cap(o, f, scenario)}")
        if scenario.max_factories_per_order is not None and used > scenario.max_factories_per_order:
            out.append(f"order {o.id}: {used} factories")
        if (
            not partial
            and scenario.min_factories_per_order is not None
            and used < scenario.min_factories_per_order
        ):
            out.append(f"order {o.id}: only {used} factories")
    for f in factories:
        total = sum(q.get((str(o.id), str(f.id)), 0) for o in orders)
        horizon = horizon_of(f, scenario)
        if horizon is not None and total > horizon:
            out.append(f"factory {f.id}: {total} above horizon {horizon}")
    if partial:
        return out
    for inc in scenario.incumbents:
        if inc.order is None:
            total = sum(q.get((str(o.id), str(inc.factory)), 0) for o in orders)
            if total < max(inc.min_quantity, 1):
                out.append(f"incumbent {inc.factory}: {total}")
        else:
            x = q.get((str(inc.order), str(inc.factory)), 0)
            if x < max(inc.min_quantity, 1):
                out.append(f"incumbent {inc.factory} on {inc.order}: {x}")
    fr = scenario.fair_rotation
    if fr and fr.small_min_quantity:
        for sid in fr.small_enterprises:
            f = next(f for f in factories if str(f.id) == str(sid))
            alone = sum(order_cap(o, f, scenario) for o in orders)
            horizon = horizon_of(f, scenario)
            if horizon is not None:
                alone = min(alone, horizon)
            need = min(fr.small_min_quantity, alone)
            total = sum(q.get((str(o.id), str(f.id)), 0) for o in orders)
            if total < need:
                out.append(f"small enterprise {sid}: {total} < {need}")
    return out


def shares_to_q(shares: Sequence[Share]) -> dict[tuple[str, str], int]:
    q: dict[tuple[str, str], int] = {}
    for s in shares:
        key = (str(s.order), str(s.factory))
        assert key not in q, f"pair {key} listed twice"
        assert s.quantity > 0, "zero shares are not listed"
        q[key] = s.quantity
    return q


def _compositions(total: int, caps: Sequence[int]) -> Iterator[tuple[int, ...]]:
    if not caps:
        if total == 0:
            yield ()
        return
    for x in range(min(total, caps[0]) + 1):
        for rest in _compositions(total - x, caps[1:]):
            yield (x, *rest)


def brute_force_split(
    orders: Sequence[Order], factories: Sequence[Factory], scenario: Scenario
) -> float | None:
    """The least cost over every integer split, or None when nothing is feasible."""
    per_order = []
    for o in orders:
        caps = [order_cap(o, f, scenario) for f in factories]
        per_order.append(list(_compositions(o.quantity, caps)))
    best: float | None = None
    for combo in itertools.product(*per_order):
        q = {
            (str(o.id), str(f.id)): x
            for o, split in zip(orders, combo, strict=True)
            for f, x in zip(factories, split, strict=True)
            if x > 0
        }
        if violations(orders, factories, scenario, q):
            continue
        cost = sum(
            pair_cost(o, f) * x + f.setup_cost
            for o in orders
            for f in factories
            if (x := q.get((str(o.id), str(f.id)), 0)) > 0
        )
        if best is None or cost < best - EPS:
            best = cost
    return best


# --------------------------------------------------------------------------------------------
# Procurement


def price_at(quote: Quote, quantity: int) -> float | None:
    reached = [b for b in quote.price_breaks if b.min_quantity <= quantity]
    if not reached:
        return None
    return max(reached, key=lambda b: b.min_quantity).unit_price


@dataclass
class AwardCheck:
    problems: list[str]
    cost: float


def check_awards(
    needs: Sequence[Need], quotes: Sequence[Quote], awards: Sequence[Award]
) -> AwardCheck:
    pooled: dict[str, int] = {}
    for n in needs:
        pooled[n.material] = pooled.get(n.material, 0) + n.quantity
    by_key = {(str(q.supplier), q.material): q for q in quotes}
    problems: list[str] = []
    got: dict[str, int] = {}
    cost = 0.0
    for a in awards:
        quote = by_key.get((str(a.supplier), a.material))
        if quote is None:
            problems.append(f"{a.supplier} did not quote {a.material}")
            continue
        if a.quantity <= 0:
            problems.append(f"{a.supplier}/{a.material}: non-positive quantity")
        if quote.capacity is not None and a.quantity > quote.capacity:
            problems.append(f"{a.supplier}/{a.material}: above capacity")
        if not quote.splittable and a.quantity != pooled[a.material]:
            problems.append(f"{a.supplier}/{a.material}: non-splittable quote split")
        price = price_at(quote, a.quantity)
        if price is None or abs(price - a.unit_price) > EPS:
            problems.append(
                f"{a.supplier}/{a.material}: price {a.unit_price} is not the tier's {price}"
            )
        if abs(a.unit_price * a.quantity - a.cost) > 1e-6:
            problems.append(f"{a.supplier}/{a.material}: cost does not add up")
        got[a.material] = got.get(a.material, 0) + a.quantity
        cost += (price or 0.0) * a.quantity
    for material, quantity in got.items():
        if quantity > pooled.get(material, 0):
            problems.append(f"{material}: awarded {quantity} above the pooled need")
    return AwardCheck(problems, cost)


def brute_force_award(need: int, quotes: Sequence[Quote]) -> float | None:
    """Least cost to buy exactly ``need`` from ``quotes`` (one material), or None."""
    caps = [need if q.capacity is None else min(need, q.capacity) for q in quotes]
    best: float | None = None
    for split in _compositions(need, caps):
        cost = 0.0
        ok = True
        for q, x in zip(quotes, split, strict=True):
            if x == 0:
                continue
            if not q.splittable and x != need:
                ok = False
                break
            price = price_at(q, x)
            if price is None:
                ok = False
                break
            cost += price * x
        if ok and (best is None or cost < best - EPS):
            best = cost
    return best
