"""How an order is shared over the enterprises that make the product (pure: plain data in, plain
data out; the exact solver is ``allocation.solver.split_order``).

Three objectives, in the buyer's words:

* **cheapest** — the least total price. Only offered when *every* enterprise has quoted a price
  in one currency: a missing price is not a price of 0, and a buyer's target price is what the
  buyer hopes to pay, not what a factory asks, so neither may take part in a cost comparison.
* **fewest** — the fewest enterprises that together make the order by the due date (fewer
  contracts, fewer inspections, one set of samples each); among splits with that many, the
  better-matching enterprises are filled first.
* **spread** — every enterprise makes the same share of what it can make by the due date, so
  that no factory is filled and a late one hurts less. An enterprise whose share would fall
  below its minimum order is left out, the smallest first, and the share is worked out again.

Each share carries a reason code (see ``REASONS``) that the page says in the buyer's language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tradebase.allocation.solver import Factory, Order, SolveOptions, split_order

_EPS = 1e-9  # as the solver: a day's capacity times days, floored, never loses a unit to rounding

# Why a share is what it is: the whole order, all it can make by the due date, its minimum
# order, the rest once the others are full, or the same share of capacity as the others.
REASONS = ("whole_order", "all_it_can", "minimum_order", "rest", "same_share")


class Objective(StrEnum):
    CHEAPEST = "cheapest"
    FEWEST = "fewest"
    SPREAD = "spread"


@dataclass(frozen=True, slots=True)
class Supplier:
    """One enterprise's listing of the product: capacity, lead time, MOQ and quoted price."""

    key: int
    capacity_per_day: float
    lead_time_days: int = 0
    moq: int = 0
    price: float | None = None
    currency: str | None = None

    def days_by(self, due_days: int) -> int:
        return max(0, due_days - self.lead_time_days)

    def can_make_by(self, due_days: int) -> int:
        return math.floor(self.capacity_per_day * self.days_by(due_days) + _EPS)


@dataclass(frozen=True, slots=True)
class Portion:
    supplier: int
    quantity: int
    reason: str  # one of REASONS


@dataclass(frozen=True, slots=True)
class SplitOutcome:
    objective: Objective
    quantity: int
    delivered: int
    portions: tuple[Portion, ...]
    proven: bool  # the split is proven best for its objective (cheapest / fewest)
    total_cost: float | None  # only for ``cheapest``: never a sum of unknown prices
    can_make_by_due: int  # what all the suppliers together can make by the due date
    earliest_due_days: int | None  # when short: the earliest due date that would work
    share: float | None  # for ``spread``: the share of its capacity each enterprise makes

    @property
    def met(self) -> bool:
        return self.delivered >= self.quantity


def can_compare_prices(suppliers: Sequence[Supplier]) -> bool:
    """Every supplier quoted, in one currency: only then is "cheapest" an honest objective."""
    return bool(suppliers) and all(s.price is not None for s in suppliers) and len(
        {s.currency for s in suppliers}
    ) == 1


def objectives_for(suppliers: Sequence[Supplier]) -> tuple[Objective, ...]:
    """The objectives the buyer may choose from, the default first."""
    if can_compare_prices(suppliers):
        return (Objective.CHEAPEST, Objective.FEWEST, Objective.SPREAD)
    return (Objective.FEWEST, Objective.SPREAD)


def _reason(supplier: Supplier, quantity: int, total: int, due_days: int,
            objective: Objective) -> str:
    if quantity >= total:
        return "whole_order"
    if quantity >= supplier.can_make_by(due_days):
        return "all_it_can"
    if supplier.moq and quantity == supplier.moq:
        return "minimum_order"
    return "same_share" if objective is Objective.SPREAD else "rest"


def _earliest_due(quantity: int, suppliers: Sequence[Supplier], due_days: int) -> int | None:
    """The first due date (in days) by which the suppliers together could make ``quantity``
    (MOQs aside), searched up to a year beyond the asked one."""
    for days in range(due_days + 1, due_days + 366):
        if sum(s.can_make_by(days) for s in suppliers) >= quantity:
            return days
    return None


def spread_by_capacity(
    quantity: int, suppliers: Sequence[Supplier], due_days: int
) -> tuple[dict[int, int], float | None]:
    """Quantities per supplier key, each the same share of what it can make by the due date
    (largest remainders get the odd units), and that share; short, everyone makes all it can."""
    active = [s for s in suppliers if s.can_make_by(due_days) > 0]
    while active:
        caps = {s.key: s.can_make_by(due_days) for s in active}
        total = sum(caps.values())
        if total <= quantity:
            below = [s for s in active if caps[s.key] < s.moq]
            if not below:
                return caps, 1.0
            active.remove(min(below, key=lambda s: caps[s.key]))
            continue
        share = quantity / total
        exact = {key: cap * share for key, cap in caps.items()}
        out = {key: math.floor(value) for key, value in exact.items()}
        left = quantity - sum(out.values())
        for key in sorted(exact, key=lambda k: (out[k] - exact[k], k))[:left]:
            out[key] += 1
        below = [s for s in active if out[s.key] < s.moq]
        if not below:
            return {k: v for k, v in out.items() if v > 0}, share
        active.remove(min(below, key=lambda s: caps[s.key]))
    return {}, None


def _solve(quantity: int, due_days: int, suppliers: Sequence[Supplier], objective: Objective,
           time_limit: float) -> tuple[dict[int, int], bool, float | None]:
    n = len(suppliers)
    factories = []
    for rank, s in enumerate(suppliers):
        if objective is Objective.CHEAPEST:
            unit_cost, setup_cost = float(s.price or 0.0), 0.0
        else:
            # one enterprise more always costs more than any way of filling fewer: the count
            # decides, the match rank only breaks ties
            unit_cost, setup_cost = float(rank), float(quantity * n + 1)
        factories.append(Factory(
            id=s.key, capacity_per_day=s.capacity_per_day, unit_cost=unit_cost,
            lead_time_days=s.lead_time_days, setup_cost=setup_cost, moq=s.moq,
        ))
    plan = split_order([Order(id="order", quantity=quantity, due_days=due_days)], factories,
                       None, SolveOptions(time_limit=time_limit))
    quantities: dict[int, int] = {}
    for share in plan.shares:
        key = int(share.factory)
        quantities[key] = quantities.get(key, 0) + share.quantity
    cost = None
    if objective is Objective.CHEAPEST:
        cost = sum(q * float(next(s.price or 0.0 for s in suppliers if s.key == k))
                   for k, q in quantities.items())
    return quantities, plan.status == "optimal", cost


def split(
    quantity: int, due_days: int, suppliers: Sequence[Supplier], objective: Objective,
    *, time_limit: float = 10.0,
) -> SplitOutcome:
    """Share ``quantity`` due in ``due_days`` over ``suppliers`` by ``objective``."""
    if objective is Objective.CHEAPEST and not can_compare_prices(suppliers):
        objective = Objective.FEWEST  # never a cost comparison over unknown prices
    by_key = {s.key: s for s in suppliers}
    share: float | None = None
    proven = False
    cost: float | None = None
    if not suppliers or quantity <= 0:
        quantities: dict[int, int] = {}
    elif objective is Objective.SPREAD:
        quantities, share = spread_by_capacity(quantity, suppliers, due_days)
    else:
        quantities, proven, cost = _solve(quantity, due_days, suppliers, objective, time_limit)
    order = [s.key for s in suppliers if quantities.get(s.key, 0) > 0]
    if objective is not Objective.SPREAD:
        order.sort(key=lambda k: -quantities[k])
    portions = tuple(
        Portion(k, quantities[k], _reason(by_key[k], quantities[k], quantity, due_days, objective))
        for k in order
    )
    delivered = sum(p.quantity for p in portions)
    can_make = sum(s.can_make_by(due_days) for s in suppliers)
    return SplitOutcome(
        objective=objective, quantity=quantity, delivered=delivered, portions=portions,
        proven=proven and delivered >= quantity, total_cost=cost, can_make_by_due=can_make,
        earliest_due_days=(_earliest_due(quantity, suppliers, due_days)
                           if delivered < quantity and suppliers else None),
        share=share,
    )


__all__ = [
    "REASONS",
    "Objective",
    "Portion",
    "SplitOutcome",
    "Supplier",
    "can_compare_prices",
    "objectives_for",
    "split",
    "spread_by_capacity",
]
