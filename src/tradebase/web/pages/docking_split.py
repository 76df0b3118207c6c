"""Capacity docking from docking: an allocation input built from a request's matches.

The docking and allocation packages are independent layers, so they meet here, above both:
each matched listing becomes a factory (``monthly_capacity / 30`` a day, its lead time and
MOQ), and the request one order. The unit cost of a factory is the price its enterprise quoted
in an answered enquiry when there is one, else the request's target price, else 0 (then the
split meets the order and capacity alone decides); ``cost_sources`` says which for each.
The due date is the request's "wanted by" date, else its maximum lead time, else 60 days.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from tradebase.allocation.schemas import AllocationInput, AllocationResult, parse_allocation
from tradebase.allocation.solver import SolveOptions, split_order
from tradebase.docking.models import BuyerRequest, Enquiry
from tradebase.docking.service import Candidate
from tradebase.errors import InvalidInput
from tradebase.registry.models import Product

DEFAULT_DUE_DAYS = 60


@dataclass(frozen=True)
class SplitPlan:
    problem: AllocationInput
    result: AllocationResult
    due_days: int
    due_source: str  # "wanted_by", "max_lead_time" or "default"
    cost_sources: dict[str, str]  # sku -> "quote", "target_price" or "none"
    skipped: list[str]  # skus without a monthly capacity
    names: dict[str, str]  # sku -> enterprise


def due_days(request: BuyerRequest, today: date) -> tuple[int, str]:
    if request.wanted_by is not None:
        return max(0, (request.wanted_by - today).days), "wanted_by"
    if request.max_lead_time_days is not None:
        return request.max_lead_time_days, "max_lead_time"
    return DEFAULT_DUE_DAYS, "default"


def split_over_matches(
    request: BuyerRequest,
    candidates: Sequence[Candidate],
    products: Mapping[int, Product],
    enquiries: Sequence[Enquiry],
    *,
    today: date,
    time_limit: float,
) -> SplitPlan:
    if not request.quantity:
        raise InvalidInput("the request has no quantity to split", field="quantity")
    quoted = {e.enterprise_id: e.quote_price for e in enquiries if e.quote_price is not None}
    days, due_source = due_days(request, today)
    factories: list[dict[str, object]] = []
    cost_sources: dict[str, str] = {}
    skipped: list[str] = []
    names: dict[str, str] = {}
    for c in candidates:
        product = products.get(c.product_id) if c.product_id is not None else None
        if product is None or not product.monthly_capacity:
            skipped.append(c.result.sku)
            continue
        if c.enterprise_id in quoted:
            cost, source = quoted[c.enterprise_id], "quote"
        elif request.target_price is not None:
            cost, source = request.target_price, "target_price"
        else:
            cost, source = 0.0, "none"
        factories.append({
            "id": c.result.sku, "capacity_per_day": product.monthly_capacity / 30,
            "lead_time_days": product.lead_time_days or 0, "moq": product.moq or 0,
            "unit_cost": cost,
        })
        cost_sources[c.result.sku] = source
        names[c.result.sku] = c.result.enterprise
    if not factories:
        raise InvalidInput("no matched listing states a monthly capacity to split over")
    problem = parse_allocation({
        "orders": [{"id": f"request {request.id}", "quantity": request.quantity,
                    "due_days": days}],
        "factories": factories,
    })
    orders, engine_factories, scenario = problem.to_engine()
    plan = split_order(orders, engine_factories, scenario, SolveOptions(time_limit=time_limit))
    return SplitPlan(problem, AllocationResult.from_plan(plan), days, due_source, cost_sources,
                     skipped, names)
