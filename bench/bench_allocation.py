"""Capacity docking and group procurement at the scale of a whole base.

Run from the repository root: ``python -m bench.bench_allocation`` (add ``--quick`` for the two
smaller docking sizes and a smaller procurement round). For each generated, seeded instance it
prints the engine's time, objective and gap, the cost ratio to a greedy cheapest-first baseline
and the time ratio to the bare solver (HiGHS on the plain model, no fast path, no decomposition,
no warm start), all measured in this run.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from dataclasses import dataclass

from tradebase.allocation.procurement import (
    Need,
    PriceBreak,
    ProcurementOptions,
    Quote,
    award_lots,
    award_lots_single_model,
    greedy_award,
)
from tradebase.allocation.solver import (
    Factory,
    Order,
    SolveOptions,
    greedy_split,
    split_order,
)


@dataclass(frozen=True)
class Row:
    name: str
    seconds: float
    objective: float
    gap: float
    status: str
    greedy: float
    greedy_short: int
    bare_seconds: float
    bare_objective: float
    bare_gap: float
    bare_status: str
    note: str = ""


def docking_instance(
    n_orders: int, n_factories: int, seed: int
) -> tuple[list[Order], list[Factory]]:
    """Footwear-like OEM capacity: pairs per day, lead times, MOQs, set-up costs, shared horizon."""
    rng = random.Random(seed)
    factories = []
    locations = [(rng.random(), rng.random()) for _ in range(n_factories)]
    destinations = [(rng.random(), rng.random()) for _ in range(n_orders)]
    total_horizon = 0
    for i in range(n_factories):
        cpd = rng.randint(200, 5000)
        horizon = cpd * rng.randint(40, 120)
        total_horizon += horizon
        factories.append(
            Factory(
                id=f"F{i:04d}",
                capacity_per_day=cpd,
                unit_cost=round(rng.uniform(18, 30), 2),
                lead_time_days=rng.randint(0, 20),
                setup_cost=round(rng.uniform(0, 20_000)) if rng.random() < 0.6 else 0.0,
                moq=rng.choice([0, 0, 500, 1000, 2000, 5000]),
                max_share=rng.choice([1.0, 1.0, 0.5, 0.3]),
                horizon_capacity=horizon,
                logistics_cost={
                    f"O{k:03d}": round(0.2 + 3 * math.dist(locations[i], destinations[k]), 2)
                    for k in range(n_orders)
                },
            )
        )
    weights = [rng.randint(1, 9) for _ in range(n_orders)]
    orders = [
        Order(
            id=f"O{k:03d}",
            quantity=max(1000, int(w / sum(weights) * total_horizon * 0.5)),
            due_days=rng.randint(25, 90),
        )
        for k, w in enumerate(weights)
    ]
    return orders, factories


def procurement_instance(
    n_enterprises: int, n_materials: int, n_suppliers: int, seed: int
) -> tuple[list[Need], list[Quote]]:
    rng = random.Random(seed)
    base_price = [rng.uniform(2, 80) for _ in range(n_materials)]
    needs = []
    pooled = [0] * n_materials
    for e in range(n_enterprises):
        for m in rng.sample(range(n_materials), min(n_materials, rng.randint(3, 12))):
            qty = int(rng.lognormvariate(6, 1)) + 1
            needs.append(Need(f"E{e:04d}", f"M{m:02d}", qty))
            pooled[m] += qty
    quotes = []
    for s in range(n_suppliers):
        for m in rng.sample(range(n_materials), min(n_materials, rng.randint(8, 25))):
            price = base_price[m] * rng.uniform(0.9, 1.2)
            tiers = [PriceBreak(0 if rng.random() < 0.7 else rng.randint(50, 500), round(price, 2))]
            for _ in range(rng.randint(1, 4)):
                step = int(pooled[m] * rng.uniform(0.05, 0.4))
                price *= rng.uniform(0.9, 0.98)
                tiers.append(PriceBreak(tiers[-1].min_quantity + max(step, 1), round(price, 2)))
            quotes.append(
                Quote(
                    supplier=f"S{s:02d}",
                    material=f"M{m:02d}",
                    price_breaks=tuple(tiers),
                    capacity=None if rng.random() < 0.3 else int(pooled[m] * rng.uniform(0.2, 0.8)),
                    splittable=rng.random() < 0.8,
                )
            )
    return needs, quotes


def bench_docking(n_orders: int, n_factories: int, time_limit: float) -> Row:
    orders, factories = docking_instance(n_orders, n_factories, seed=n_orders * 7919 + n_factories)
    started = time.perf_counter()
    plan = split_order(orders, factories, options=SolveOptions(time_limit=time_limit))
    seconds = time.perf_counter() - started
    greedy, short = greedy_split(orders, factories)
    started = time.perf_counter()
    bare = split_order(
        orders,
        factories,
        options=SolveOptions(
            time_limit=time_limit,
            fast_path=False,
            decompose=False,
            warm_start=False,
            priced="never",
        ),
    )
    # the bare run still builds the model with numpy; what differs is the solve strategy
    bare_seconds = time.perf_counter() - started
    return Row(
        name=f"docking {n_orders} x {n_factories}",
        seconds=seconds,
        objective=plan.total_cost,
        gap=plan.gap,
        status=f"{plan.status}/{plan.path}",
        greedy=greedy,
        greedy_short=short,
        bare_seconds=bare_seconds,
        bare_objective=bare.total_cost,
        bare_gap=bare.gap,
        bare_status=bare.status,
    )


def bench_procurement(
    n_enterprises: int, n_materials: int, n_suppliers: int, time_limit: float
) -> Row:
    needs, quotes = procurement_instance(n_enterprises, n_materials, n_suppliers, seed=2022)
    options = ProcurementOptions(time_limit=time_limit, mip_rel_gap=1e-4)
    started = time.perf_counter()
    plan = award_lots(needs, quotes, options)
    seconds = time.perf_counter() - started
    greedy, short = greedy_award(needs, quotes)
    started = time.perf_counter()
    bare_objective, bare_gap, bare_status = award_lots_single_model(needs, quotes, options)
    bare_seconds = time.perf_counter() - started
    return Row(
        name=f"procurement {n_enterprises} x {n_materials} x {n_suppliers}",
        seconds=seconds,
        objective=plan.total_cost,
        gap=plan.gap,
        status=plan.status,
        greedy=greedy,
        greedy_short=short,
        bare_seconds=bare_seconds,
        bare_objective=bare_objective,
        bare_gap=bare_gap,
        bare_status=bare_status,
        note=f"saving {plan.saving:,.0f} on standalone {plan.standalone_cost:,.0f}",
    )


def _print(row: Row) -> None:
    cost_ratio = row.objective / row.greedy if row.greedy and not row.greedy_short else float("nan")
    greedy_note = "" if not row.greedy_short else f" (greedy leaves {row.greedy_short:,} unmet)"
    target = "met" if row.gap <= 1e-4 and row.status.startswith("optimal") else "NOT met"
    print(
        f"{row.name:<36} time {row.seconds:7.2f} s  objective {row.objective:,.2f}"
        f"  gap {row.gap:.4%} ({row.status}; optimal ≤ 0.01% target {target})"
    )
    print(
        f"{'':<36} cost ratio vs greedy {cost_ratio:.4f}{greedy_note}"
        f"  |  time ratio vs bare solver {row.seconds / max(row.bare_seconds, 1e-9):.2f}"
        f" (bare {row.bare_seconds:.2f} s, {row.bare_status}, objective {row.bare_objective:,.2f},"
        f" gap {row.bare_gap:.4%})"
    )
    if row.note:
        print(f"{'':<36} {row.note}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes only")
    parser.add_argument("--time-limit", type=float, default=None, help="per solve, seconds")
    args = parser.parse_args(argv)
    sizes = [(1, 50, 10.0), (20, 500, 20.0)] + ([] if args.quick else [(200, 2000, 30.0)])
    print("Capacity docking (generated, seeded; MOQs, set-up costs, shared horizon capacity)")
    for n_orders, n_factories, limit in sizes:
        _print(bench_docking(n_orders, n_factories, args.time_limit or limit))
    print("Group procurement (generated, seeded; price breaks, capacities, whole-lot quotes)")
    size = (200, 20, 10) if args.quick else (2000, 50, 40)
    _print(bench_procurement(*size, time_limit=args.time_limit or 60.0))


if __name__ == "__main__":
    main()
