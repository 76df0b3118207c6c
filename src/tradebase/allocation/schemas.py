"""Pydantic models of the allocation file contracts (``tradebase allocate`` / ``procure``).

Inputs validate every field and the references between them, and turn into the engines' plain
data; outputs are built from the engines' plans. ``parse_allocation`` and ``parse_procurement``
raise ``InvalidInput`` whose messages name the field, e.g. ``orders[1].quantity: must be ≥ 1``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tradebase import errors
from tradebase.allocation import procurement, solver

Id = str | int
# Bounds past any real order, so that the engines' int64 arrays and day arithmetic never
# overflow: a trillion pieces, a century of days, a quadrillion of any currency.
MAX_QUANTITY = 10**12
MAX_DAYS = 36_500
MAX_AMOUNT = 1e15


class InvalidInput(errors.InvalidInput):
    """Malformed input file; ``messages`` are ``field.path: what is wrong`` lines."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


class _In(BaseModel):
    # unknown keys are ignored so that richer files (product names, notes) still load
    model_config = ConfigDict(extra="ignore", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _nulls_are_defaults(cls, data: Any) -> Any:
        """``"setup_cost": null`` means the default, as if the key were missing."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


# --------------------------------------------------------------------------------------------
# Capacity docking input


class OrderIn(_In):
    id: Id
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    due_days: int = Field(ge=0, le=MAX_DAYS)
    product: str | None = None
    unit: str | None = None


class FactoryIn(_In):
    id: Id
    capacity_per_day: float = Field(ge=0, le=MAX_QUANTITY)
    unit_cost: float = Field(ge=0, le=MAX_AMOUNT)
    lead_time_days: int = Field(default=0, ge=0, le=MAX_DAYS)
    setup_cost: float = Field(default=0.0, ge=0, le=MAX_AMOUNT)
    moq: int = Field(default=0, ge=0, le=MAX_QUANTITY)
    max_share: float = Field(default=1.0, gt=0, le=1)
    horizon_capacity: int | None = Field(default=None, ge=0, le=MAX_QUANTITY)
    logistics_cost: dict[str, float] = Field(default_factory=dict)
    unit: str | None = None

    @field_validator("logistics_cost")
    @classmethod
    def _non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        for key, cost in value.items():
            if cost < 0:
                raise ValueError(f".{key}: must be ≥ 0")
            if not cost <= MAX_AMOUNT:
                raise ValueError(f".{key}: must be ≤ {MAX_AMOUNT:g}")
        return value


class IncumbentIn(_In):
    factory: Id
    order: Id | None = None
    min_quantity: int = Field(default=0, ge=0, le=MAX_QUANTITY)


class FairRotationIn(_In):
    max_capacity_share: float = Field(default=1.0, gt=0, le=1)
    small_enterprises: list[Id] = Field(default_factory=list)
    small_min_quantity: int = Field(default=0, ge=0, le=MAX_QUANTITY)


class ScenarioIn(_In):
    max_factories_per_order: int | None = Field(default=None, ge=1)
    min_factories_per_order: int | None = Field(default=None, ge=1)
    incumbents: list[IncumbentIn] = Field(default_factory=list)
    fair_rotation: FairRotationIn | None = None

    @model_validator(mode="after")
    def _bounds_agree(self) -> ScenarioIn:
        lo, hi = self.min_factories_per_order, self.max_factories_per_order
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(
                f".min_factories_per_order: {lo} is more than max_factories_per_order {hi}"
            )
        return self

    def to_engine(self) -> solver.Scenario:
        fr = self.fair_rotation
        return solver.Scenario(
            max_factories_per_order=self.max_factories_per_order,
            min_factories_per_order=self.min_factories_per_order,
            incumbents=tuple(
                solver.Incumbent(i.factory, i.order, i.min_quantity) for i in self.incumbents
            ),
            fair_rotation=None
            if fr is None
            else solver.FairRotation(
                fr.max_capacity_share, tuple(fr.small_enterprises), fr.small_min_quantity
            ),
        )


def _check_units(items: list[tuple[str, str | None]]) -> None:
    first: tuple[str, str] | None = None
    for where, unit in items:
        if unit is None:
            continue
        if first is None:
            first = (where, unit)
        elif unit != first[1]:
            raise ValueError(f"{where}.unit: {unit!r} differs from {first[0]}.unit {first[1]!r}")


def _check_unique(ids: list[Id], what: str, key: str = "id") -> None:
    seen: set[str] = set()
    for n, item_id in enumerate(ids):
        if str(item_id) in seen:
            raise ValueError(f"{what}[{n}].{key}: duplicate {key} {item_id!r}")
        seen.add(str(item_id))


class AllocationInput(_In):
    orders: list[OrderIn] = Field(min_length=1)
    factories: list[FactoryIn] = Field(min_length=1)
    scenario: ScenarioIn = Field(default_factory=ScenarioIn)

    @model_validator(mode="after")
    def _references(self) -> AllocationInput:
        _check_unique([o.id for o in self.orders], "orders")
        _check_unique([f.id for f in self.factories], "factories")
        order_ids = {str(o.id) for o in self.orders}
        factory_ids = {str(f.id) for f in self.factories}
        for n, f in enumerate(self.factories):
            for key in f.logistics_cost:
                if key not in order_ids:
                    raise ValueError(f"factories[{n}].logistics_cost.{key}: unknown order {key!r}")
        for n, inc in enumerate(self.scenario.incumbents):
            if str(inc.factory) not in factory_ids:
                raise ValueError(
                    f"scenario.incumbents[{n}].factory: unknown factory {inc.factory!r}"
                )
            if inc.order is not None and str(inc.order) not in order_ids:
                raise ValueError(f"scenario.incumbents[{n}].order: unknown order {inc.order!r}")
        fr = self.scenario.fair_rotation
        if fr is not None:
            for n, sid in enumerate(fr.small_enterprises):
                if str(sid) not in factory_ids:
                    raise ValueError(
                        f"scenario.fair_rotation.small_enterprises[{n}]: unknown factory {sid!r}"
                    )
        _check_units(
            [(f"orders[{n}]", o.unit) for n, o in enumerate(self.orders)]
            + [(f"factories[{n}]", f.unit) for n, f in enumerate(self.factories)]
        )
        return self

    def to_engine(self) -> tuple[list[solver.Order], list[solver.Factory], solver.Scenario]:
        orders = [solver.Order(o.id, o.quantity, o.due_days) for o in self.orders]
        factories = [
            solver.Factory(
                id=f.id,
                capacity_per_day=f.capacity_per_day,
                unit_cost=f.unit_cost,
                lead_time_days=f.lead_time_days,
                setup_cost=f.setup_cost,
                moq=f.moq,
                max_share=f.max_share,
                horizon_capacity=f.horizon_capacity,
                logistics_cost=dict(f.logistics_cost),
            )
            for f in self.factories
        ]
        return orders, factories, self.scenario.to_engine()


# --------------------------------------------------------------------------------------------
# Capacity docking output


class ShareOut(BaseModel):
    order: Id
    factory: Id
    quantity: int
    reason: str
    unit_cost: float
    setup_cost: float


class OrderOutcomeOut(BaseModel):
    order: Id
    quantity: int
    delivered: int
    cost: float
    factories: int
    max_by_due: int
    earliest_feasible_due_days: int | None
    diagnosis: str | None


class AllocationResult(BaseModel):
    status: Literal["optimal", "feasible", "infeasible"]
    total_cost: float
    gap: float
    shares: list[ShareOut]
    explanation: str
    path: Literal["lp", "mip"]
    scenario: str
    orders: list[OrderOutcomeOut]
    diagnosis: list[str]

    @classmethod
    def from_plan(cls, plan: solver.AllocationPlan) -> AllocationResult:
        return cls(
            status=plan.status,
            total_cost=plan.total_cost,
            gap=round(plan.gap, 8) if plan.gap != float("inf") else 1.0,
            shares=[
                ShareOut(
                    order=s.order,
                    factory=s.factory,
                    quantity=s.quantity,
                    reason=s.reason,
                    unit_cost=round(s.unit_cost, 6),
                    setup_cost=s.setup_cost,
                )
                for s in plan.shares
            ],
            explanation=plan.explanation,
            path=plan.path,
            scenario=plan.scenario,
            orders=[OrderOutcomeOut(**_fields(o)) for o in plan.orders],
            diagnosis=list(plan.diagnosis),
        )


def _fields(obj: object) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# Group procurement input and output


class NeedIn(_In):
    enterprise: Id
    material: str = Field(min_length=1)
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    unit: str | None = None


class PriceBreakIn(_In):
    min_quantity: int = Field(ge=0, le=MAX_QUANTITY)
    unit_price: float = Field(ge=0, le=MAX_AMOUNT)


class QuoteIn(_In):
    supplier: Id
    material: str = Field(min_length=1)
    price_breaks: list[PriceBreakIn] = Field(min_length=1)
    capacity: int | None = Field(default=None, ge=0, le=MAX_QUANTITY)
    splittable: bool = True
    unit: str | None = None

    @field_validator("price_breaks")
    @classmethod
    def _distinct_tiers(cls, value: list[PriceBreakIn]) -> list[PriceBreakIn]:
        seen: set[int] = set()
        for n, tier in enumerate(value):
            if tier.min_quantity in seen:
                raise ValueError(f"[{n}].min_quantity: duplicate tier {tier.min_quantity}")
            seen.add(tier.min_quantity)
        return value


class ProcurementInput(_In):
    needs: list[NeedIn] = Field(min_length=1)
    quotes: list[QuoteIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> ProcurementInput:
        seen: set[tuple[str, str]] = set()
        for n, q in enumerate(self.quotes):
            key = (str(q.supplier), q.material)
            if key in seen:
                raise ValueError(
                    f"quotes[{n}].supplier: duplicate quote of {q.supplier!r} for {q.material!r}"
                )
            seen.add(key)
        units: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        for n, nd in enumerate(self.needs):
            units[nd.material].append((f"needs[{n}]", nd.unit))
        for n, q in enumerate(self.quotes):
            units[q.material].append((f"quotes[{n}]", q.unit))
        for items in units.values():
            _check_units(items)
        return self

    def to_engine(self) -> tuple[list[procurement.Need], list[procurement.Quote]]:
        needs = [procurement.Need(n.enterprise, n.material, n.quantity) for n in self.needs]
        quotes = [
            procurement.Quote(
                supplier=q.supplier,
                material=q.material,
                price_breaks=tuple(
                    procurement.PriceBreak(b.min_quantity, b.unit_price) for b in q.price_breaks
                ),
                capacity=q.capacity,
                splittable=q.splittable,
            )
            for q in self.quotes
        ]
        return needs, quotes


class AwardOut(BaseModel):
    material: str
    supplier: Id
    quantity: int
    unit_price: float
    cost: float
    reason: str
    tier_min: int = Field(default=0, description="The threshold of the tier reached")
    reason_codes: list[str] = Field(
        default_factory=list, description="Why, as codes: whole_lot, cheapest_whole_lot, "
                                          "capacity_bound, below_next_tier, at_tier")


class MaterialOut(BaseModel):
    material: str
    pooled_quantity: int
    awarded: int
    cost: float
    standalone_cost: float = Field(
        description="Each enterprise's cheapest feasible purchase of its own need alone")
    saving: float = Field(description="From pooling: standalone_cost - cost")
    suppliers: int
    explanation: str
    pooling_saving: float = 0.0
    splitting_saving: float = Field(
        default=0.0, description="Single-supplier cost less standalone_cost: open to an "
                                 "enterprise alone, so not a saving of pooling")
    single_supplier_cost: float = 0.0
    needs: int = 0
    unserved: int = 0
    reach: int | None = Field(default=None, description="When not every need can be met: "
                                                        "at most what the quotes can supply")


class ProcurementResult(BaseModel):
    status: Literal["optimal", "feasible", "infeasible"]
    total_cost: float
    standalone_cost: float = Field(
        description="Each enterprise's cheapest feasible purchase of its own need alone, at "
                    "the quotes' tier prices for its own quantity")
    saving: float = Field(description="What pooling saves: standalone_cost - total_cost")
    gap: float
    awards: list[AwardOut]
    materials: list[MaterialOut]
    explanation: str
    pooling_saving: float = Field(default=0.0, description="The same figure as saving")
    splitting_saving: float = Field(
        default=0.0, description="What splitting between suppliers saves against each "
                                 "enterprise buying from one supplier (open to it alone)")
    single_supplier_cost: float = 0.0
    needs: int = 0
    quotes: int = 0
    ignored_materials: list[str] = Field(
        default_factory=list, description="Materials quoted for that nobody needs")

    @classmethod
    def from_plan(cls, plan: procurement.ProcurementPlan) -> ProcurementResult:
        return cls(
            status=plan.status,
            total_cost=plan.total_cost,
            standalone_cost=plan.standalone_cost,
            saving=plan.saving,
            pooling_saving=plan.pooling_saving,
            splitting_saving=plan.splitting_saving,
            single_supplier_cost=plan.single_supplier_cost,
            gap=round(plan.gap, 8) if plan.gap != float("inf") else 1.0,
            awards=[AwardOut(**_fields(a)) for a in plan.awards],
            materials=[MaterialOut(**_fields(m)) for m in plan.materials],
            explanation=plan.explanation,
            needs=plan.needs,
            quotes=plan.quotes,
            ignored_materials=list(plan.ignored_materials),
        )


# --------------------------------------------------------------------------------------------
# Parsing with messages that name the field


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


_MESSAGES = {
    "greater_than_equal": "must be ≥ {ge}",
    "greater_than": "must be > {gt}",
    "less_than_equal": "must be ≤ {le}",
    "missing": "is required",
    "too_short": "must have at least {min_length} item(s)",
    "int_from_float": "must be a whole number",
    "int_parsing": "must be a whole number",
    "float_parsing": "must be a number",
}


def format_errors(error: ValidationError) -> list[str]:
    """One ``field.path: message`` line per error, in the file's own terms."""
    lines = []
    for err in error.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if p not in {"str", "int"})
        ctx = err.get("ctx") or {}
        template = _MESSAGES.get(err["type"])
        if template is not None:
            try:
                message = template.format(
                    **{k: f"{v:g}" if isinstance(v, float) else v for k, v in ctx.items()}
                )
            except KeyError:
                message = err["msg"]
        elif err["type"] == "value_error" and "error" in ctx:
            message = str(ctx["error"])
        else:
            message = err["msg"]
        path = _path(loc)
        if err["type"] == "value_error" and message.startswith(("[", ".")):
            lines.append(f"{path}{message}")
        elif path and not (err["type"] == "value_error" and not loc):
            lines.append(f"{path}: {message}")
        else:
            lines.append(message)
    return lines


def parse_allocation(data: object) -> AllocationInput:
    try:
        return AllocationInput.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(format_errors(exc)) from exc


def parse_procurement(data: object) -> ProcurementInput:
    try:
        return ProcurementInput.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(format_errors(exc)) from exc
