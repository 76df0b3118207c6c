"""Group procurement: pool raw-material needs, award lots to suppliers at least total cost.

A supplier's unit price for a material is that of the highest price tier its *whole* awarded
quantity reaches (all-units discount). Per quote and tier the model has a binary ``z`` (this tier
is the one reached) and an integer ``w`` (the quantity bought in it, between the tier's minimum
and the next tier's minimum less one, the quote's capacity and the pooled need). Materials do not
interact, so each is solved as its own exact MIP. Pure: plain data in, plain data out.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np

from tradebase.allocation._highs import INF, ModelBuilder, relative_gap
from tradebase.errors import InvalidInput

Id = str | int
Status = Literal["optimal", "feasible", "infeasible"]


class ProcurementInputError(InvalidInput):
    """Quotes or needs contradict themselves; the message names the field."""


@dataclass(frozen=True, slots=True)
class Need:
    enterprise: Id
    material: str
    quantity: int


@dataclass(frozen=True, slots=True)
class PriceBreak:
    min_quantity: int
    unit_price: float


@dataclass(frozen=True, slots=True)
class Quote:
    """A supplier's offer for one material; ``capacity`` None means unlimited."""

    supplier: Id
    material: str
    price_breaks: tuple[PriceBreak, ...]
    capacity: int | None = None
    splittable: bool = True

    def tiers(self) -> tuple[PriceBreak, ...]:
        return tuple(sorted(self.price_breaks, key=lambda b: b.min_quantity))


@dataclass(frozen=True, slots=True)
class ProcurementOptions:
    time_limit: float = 60.0
    mip_rel_gap: float = 1e-6
    threads: int | None = None


@dataclass(frozen=True, slots=True)
class Award:
    material: str
    supplier: Id
    quantity: int
    unit_price: float
    cost: float
    reason: str
    # The same reason as codes, for a reader's language: the tier reached (its threshold; the
    # price is ``unit_price``) and AWARD_REASONS, in the order ``reason`` says them.
    tier_min: int = 0
    reason_codes: tuple[str, ...] = ()


AWARD_REASONS = {
    "whole_lot": "whole lot",
    "cheapest_whole_lot": "cheapest for the whole lot",
    "capacity_bound": "capacity-bound",
    "below_next_tier": "just below the next tier",
    "at_tier": "exactly at the tier",
}


@dataclass(frozen=True, slots=True)
class MaterialOutcome:
    """``standalone_cost``: each enterprise's cheapest feasible purchase of its own need alone
    (tier prices for its own quantity, split between suppliers if that is cheaper);
    ``saving`` is what pooling saves against it (``pooling_saving``, the same figure).
    ``single_supplier_cost`` is each enterprise buying alone from one supplier; the
    ``splitting_saving`` (single-supplier less standalone) is open to an enterprise alone, so
    it is not a saving of pooling."""

    material: str
    pooled_quantity: int
    awarded: int
    cost: float
    standalone_cost: float
    saving: float
    suppliers: int
    explanation: str
    pooling_saving: float = 0.0
    splitting_saving: float = 0.0
    single_supplier_cost: float = 0.0
    # What ``explanation`` says, as data: the needs pooled, those priced at the first tier in
    # the standalone cost, and (when not every need can be met) what the quotes can supply.
    needs: int = 0
    unserved: int = 0
    reach: int | None = None


@dataclass(frozen=True, slots=True)
class ProcurementPlan:
    status: Status
    total_cost: float
    standalone_cost: float  # each enterprise's cheapest purchase alone (MaterialOutcome)
    saving: float  # from pooling: standalone_cost - total_cost, fully awarded materials
    gap: float
    awards: tuple[Award, ...]
    materials: tuple[MaterialOutcome, ...]
    explanation: str
    solve_seconds: float
    pooling_saving: float = 0.0
    splitting_saving: float = 0.0
    single_supplier_cost: float = 0.0
    needs: int = 0
    quotes: int = 0
    ignored_materials: tuple[str, ...] = ()


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


# --------------------------------------------------------------------------------------------
# Prices


def unit_price_at(quote: Quote, quantity: int) -> float | None:
    """The unit price of the highest tier ``quantity`` reaches; None below the first tier."""
    price: float | None = None
    for tier in quote.tiers():
        if quantity >= tier.min_quantity:
            price = tier.unit_price
    return price


def _standalone_need_cost(need: Need, quotes: Sequence[Quote]) -> tuple[float, bool]:
    """Cost of one enterprise buying its own quantity alone, and whether a supplier could serve it.

    Each quote is considered on its own: the enterprise's quantity must reach the quote's first
    tier and fit its capacity (capacity is not shared with other enterprises buying alone). When no
    quote can serve it, the cheapest first-tier price is used as a conservative stand-in.
    """
    best: float | None = None
    for quote in quotes:
        if quote.capacity is not None and need.quantity > quote.capacity:
            continue
        price = unit_price_at(quote, need.quantity)
        if price is not None and (best is None or price < best):
            best = price
    if best is not None:
        return best * need.quantity, True
    if not quotes:
        return 0.0, False
    fallback = min(q.tiers()[0].unit_price for q in quotes)
    return fallback * need.quantity, False


def _single_supplier_is_cheapest(need: Need, quotes: Sequence[Quote]) -> bool:
    """Whether buying ``need`` alone from one supplier is as cheap as any split: true when
    every quote can take the whole need and its prices never rise with quantity (then any
    split costs at least the whole need at the lowest price a supplier gives for it)."""
    for quote in quotes:
        if quote.capacity is not None and quote.capacity < need.quantity:
            return False
        prices = [t.unit_price for t in quote.tiers()]
        if any(later > earlier for earlier, later in pairwise(prices)):
            return False
    return True


def _alone_need_cost(
    need: Need, quotes: Sequence[Quote], *, single: float, served: bool, time_limit: float,
    options: ProcurementOptions,
) -> tuple[float, bool]:
    """Each enterprise's cheapest feasible purchase of its own need alone: its own tier prices,
    split between suppliers when that is cheaper (the same exact model as the pooled award,
    for its quantity alone). ``single`` is its single-supplier cost; (cost, served)."""
    if need.quantity <= 0 or not quotes or _single_supplier_is_cheapest(need, quotes):
        return single, served
    res = _solve_material(quotes, need.quantity, partial=False, time_limit=time_limit,
                          options=options)
    if res.status not in ("optimal", "feasible"):
        return single, served
    return (min(res.cost, single) if served else res.cost), True


# --------------------------------------------------------------------------------------------
# The award model for one material


@dataclass
class _MaterialResult:
    quantities: dict[int, int]  # quote index -> quantity
    status: Literal["optimal", "feasible", "infeasible", "no_solution"]
    cost: float
    bound: float


def _tier_segments(quote: Quote, need: int) -> list[tuple[int, int, float]]:
    """(lower, upper, price) of each tier that a quantity in [1, min(need, capacity)] can reach."""
    top = need if quote.capacity is None else min(need, quote.capacity)
    tiers = quote.tiers()
    segments = []
    for t, tier in enumerate(tiers):
        lo = max(tier.min_quantity, 1)
        hi = top if t + 1 == len(tiers) else min(top, tiers[t + 1].min_quantity - 1)
        if lo <= hi:
            segments.append((lo, hi, tier.unit_price))
    return segments


def _solve_material(
    quotes: Sequence[Quote],
    need: int,
    *,
    partial: bool,
    time_limit: float,
    options: ProcurementOptions,
) -> _MaterialResult:
    """Exact award for one material; ``partial`` maximises the quantity awarded, then cost."""
    if partial:
        first = _material_model(quotes, need, partial=True, maximise=True, min_total=None)
        res = first[0].solve(
            relax=False, time_limit=time_limit, mip_rel_gap=0.0, threads=options.threads
        )
        best = round(-res.objective) if res.status in ("optimal", "feasible") else 0
        model, owners, weights = _material_model(
            quotes, need, partial=True, maximise=False, min_total=best
        )
    else:
        model, owners, weights = _material_model(
            quotes, need, partial=False, maximise=False, min_total=None
        )
    res = model.solve(
        relax=False, time_limit=time_limit, mip_rel_gap=options.mip_rel_gap, threads=options.threads
    )
    if res.status not in ("optimal", "feasible"):
        return _MaterialResult({}, res.status, INF, res.bound)
    quantities: dict[int, int] = defaultdict(int)
    values = np.round(res.values).astype(np.int64)
    for col, (owner, weight) in enumerate(zip(owners, weights, strict=True)):
        if owner >= 0 and values[col] > 0:
            quantities[owner] += int(values[col]) * weight
    cost = _award_cost(quotes, quantities)
    return _MaterialResult(dict(quantities), res.status, cost, min(res.bound, cost))


def _material_model(
    quotes: Sequence[Quote],
    need: int,
    *,
    partial: bool,
    maximise: bool,
    min_total: int | None,
    into: ModelBuilder | None = None,
) -> tuple[ModelBuilder, list[int], list[int]]:
    """Columns are tier quantities (weight 1) and whole-lot binaries (weight ``need``).

    Returns the model, the quote owning each column (-1 for tier binaries) and each column's
    quantity weight.
    """
    m = into if into is not None else ModelBuilder()
    owners: list[int] = []
    weights: list[int] = []
    total_cols: list[int] = []
    total_coef: list[float] = []
    for j, quote in enumerate(quotes):
        segments = _tier_segments(quote, need)
        if not quote.splittable:
            # the whole lot or nothing: one binary at the price the whole lot reaches
            whole = [s for s in segments if s[0] <= need <= s[1]]
            if not whole:
                continue
            whole_price = whole[0][2]
            col = m.add_cols(
                [-float(need) if maximise else whole_price * need], 0.0, 1.0, integer=True
            )
            owners.append(j)
            weights.append(need)
            total_cols.append(int(col[0]))
            total_coef.append(float(need))
            continue
        if not segments:
            continue
        n = len(segments)
        lo = np.array([s[0] for s in segments], dtype=np.float64)
        hi = np.array([s[1] for s in segments], dtype=np.float64)
        price = np.array([s[2] for s in segments], dtype=np.float64)
        w = m.add_cols(-np.ones(n) if maximise else price, 0.0, hi, integer=True)
        z = m.add_cols(np.zeros(n), 0.0, 1.0, integer=True)
        owners.extend([j] * n + [-1] * n)
        weights.extend([1] * n + [0] * n)
        # lo * z <= w <= hi * z
        up = m.add_rows(np.full(n, -INF), 0.0)
        m.add_entries(up, w, 1.0)
        m.add_entries(up, z, -hi)
        low = m.add_rows(np.zeros(n), INF)
        m.add_entries(low, w, 1.0)
        m.add_entries(low, z, -lo)
        # one tier per quote
        one = m.add_rows(np.array([-INF]), 1.0)
        m.add_entries(np.full(n, one[0]), z, 1.0)
        total_cols.extend(int(c) for c in w)
        total_coef.extend([1.0] * n)
    row = m.add_rows(np.array([0.0 if partial else float(need)]), float(need))
    m.add_entries(np.full(len(total_cols), row[0]), total_cols, total_coef)
    if min_total is not None:
        row = m.add_rows(np.array([float(min_total)]), INF)
        m.add_entries(np.full(len(total_cols), row[0]), total_cols, total_coef)
    return m, owners, weights


def _award_cost(quotes: Sequence[Quote], quantities: dict[int, int]) -> float:
    cost = 0.0
    for j, qty in quantities.items():
        price = unit_price_at(quotes[j], qty)
        cost += (price if price is not None else INF) * qty
    return cost


def _award_reasons(quote: Quote, qty: int, need: int) -> tuple[PriceBreak, tuple[str, ...]]:
    """The tier an award reached and the codes (AWARD_REASONS) of why it is that size."""
    tiers = quote.tiers()
    reached = max((t for t in tiers if qty >= t.min_quantity), key=lambda t: t.min_quantity)
    codes: list[str] = []
    if qty == need:
        codes.append("whole_lot" if not quote.splittable else "cheapest_whole_lot")
    elif quote.capacity is not None and qty == quote.capacity:
        codes.append("capacity_bound")
    later = [t for t in tiers if t.min_quantity > qty]
    if later and qty == later[0].min_quantity - 1:
        codes.append("below_next_tier")
    if qty == reached.min_quantity and reached.min_quantity > 1:
        codes.append("at_tier")
    return reached, tuple(codes)


def _award_reason(reached: PriceBreak, codes: Sequence[str]) -> str:
    parts = [f"tier ≥ {_fmt(reached.min_quantity)} at {_fmt(reached.unit_price)}"]
    return "; ".join([*parts, *(AWARD_REASONS[code] for code in codes)])


# --------------------------------------------------------------------------------------------
# Public API


def award_lots(
    needs: Sequence[Need], quotes: Sequence[Quote], options: ProcurementOptions | None = None
) -> ProcurementPlan:
    """Pool needs per material and award them to suppliers at least total cost."""
    options = options or ProcurementOptions()
    started = time.perf_counter()
    seen: set[tuple[str, str]] = set()
    for n, quote in enumerate(quotes):
        key = (str(quote.supplier), quote.material)
        if key in seen:
            raise ProcurementInputError(
                f"quotes[{n}]: duplicate quote of {quote.supplier!r} for {quote.material!r}"
            )
        seen.add(key)
        if not quote.price_breaks:
            raise ProcurementInputError(f"quotes[{n}].price_breaks: at least one tier is needed")
    pooled: dict[str, int] = defaultdict(int)
    needs_by_material: dict[str, list[Need]] = defaultdict(list)
    for item in needs:
        pooled[item.material] += item.quantity
        needs_by_material[item.material].append(item)
    quotes_by_material: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        quotes_by_material[quote.material].append(quote)

    awards: list[Award] = []
    outcomes: list[MaterialOutcome] = []
    notes: list[str] = []
    all_optimal = True
    infeasible = False
    total_cost = 0.0
    total_bound = 0.0
    total_standalone = 0.0
    total_single = 0.0
    materials = sorted(pooled)
    for n_done, material in enumerate(materials):
        need = pooled[material]
        mq = quotes_by_material.get(material, [])
        remaining = started + options.time_limit - time.perf_counter()
        budget = max(0.5, remaining / (len(materials) - n_done))
        res = _solve_material(mq, need, partial=False, time_limit=budget, options=options)
        standalone = 0.0
        single_total = 0.0
        unserved = 0
        own = needs_by_material[material]
        for nd in own:
            single, served = _standalone_need_cost(nd, mq)
            alone, served = _alone_need_cost(nd, mq, single=single, served=served,
                                             time_limit=max(0.5, budget / len(own)),
                                             options=options)
            single_total += single
            standalone += alone
            unserved += 0 if served else 1
        why = ""
        reach: int | None = None
        if res.status in ("infeasible", "no_solution"):
            infeasible = True
            res = _solve_material(mq, need, partial=True, time_limit=budget, options=options)
            if res.status in ("infeasible", "no_solution"):
                res = _MaterialResult({}, "optimal", 0.0, 0.0)
            reach = _reach(mq, need)
            why = _why_short(material, mq, need, reach)
            notes.append(why)
        elif res.status != "optimal":
            all_optimal = False
        awarded = sum(res.quantities.values())
        for j, qty in sorted(res.quantities.items(), key=lambda item: str(mq[item[0]].supplier)):
            price = unit_price_at(mq[j], qty)
            assert price is not None
            reached, codes = _award_reasons(mq[j], qty, need)
            awards.append(
                Award(
                    material=material,
                    supplier=mq[j].supplier,
                    quantity=qty,
                    unit_price=price,
                    cost=round(price * qty, 6),
                    reason=_award_reason(reached, codes),
                    tier_min=reached.min_quantity,
                    reason_codes=codes,
                )
            )
        text = why or (
            f"{material}: {_fmt(need)} pooled from {len(needs_by_material[material])} needs,"
            f" awarded to {len(res.quantities)} supplier(s) for {_fmt(round(res.cost, 2))}"
            f" against {_fmt(round(standalone, 2))} if each enterprise bought its own need"
            f" alone at the cheapest it could"
        )
        if unserved:
            text += (
                f"; {unserved} need(s) too small or too large for any quote alone are priced at"
                " the cheapest first-tier price in the standalone cost"
            )
        full = awarded == need
        outcomes.append(
            MaterialOutcome(
                material=material,
                pooled_quantity=need,
                awarded=awarded,
                cost=round(res.cost, 6),
                standalone_cost=round(standalone, 6),
                saving=round(standalone - res.cost, 6) if full else 0.0,
                suppliers=len(res.quantities),
                explanation=text,
                pooling_saving=round(standalone - res.cost, 6) if full else 0.0,
                splitting_saving=round(single_total - standalone, 6) if full else 0.0,
                single_supplier_cost=round(single_total, 6),
                needs=len(needs_by_material[material]),
                unserved=unserved,
                reach=reach,
            )
        )
        total_cost += res.cost
        total_bound += res.bound
        if full:
            total_standalone += standalone
            total_single += single_total
    unused = sorted({q.material for q in quotes} - set(pooled))
    if unused:
        notes.append(f"quotes for materials nobody needs were ignored: {', '.join(unused)}")
    status: Status = "infeasible" if infeasible else ("optimal" if all_optimal else "feasible")
    awarded_cost = sum(o.cost for o in outcomes if o.awarded == o.pooled_quantity)
    saving = total_standalone - awarded_cost
    splitting = total_single - total_standalone
    head = (
        f"{len(pooled)} material(s) pooled from {len(needs)} needs; {len(quotes)} quotes;"
        f" total {_fmt(round(total_cost, 2))} against {_fmt(round(total_standalone, 2))} if each"
        f" enterprise bought its own need alone (pooling saves {_fmt(round(saving, 2))};"
        f" splitting between suppliers, which each could do alone, saves"
        f" {_fmt(round(splitting, 2))} more against buying from one supplier)"
    )
    if infeasible:
        head += "; not every need can be met: the saving counts only fully awarded materials"
    explanation = "\n".join(
        [head + "."]
        + [f"- {o.explanation}" for o in outcomes]
        + [f"- {n}" for n in notes if n not in {o.explanation for o in outcomes}]
    )
    return ProcurementPlan(
        status=status,
        total_cost=round(total_cost, 6),
        standalone_cost=round(total_standalone, 6),
        saving=round(saving, 6),
        pooling_saving=round(saving, 6),
        splitting_saving=round(splitting, 6),
        single_supplier_cost=round(total_single, 6),
        gap=0.0 if infeasible else relative_gap(total_cost, total_bound),
        awards=tuple(awards),
        materials=tuple(outcomes),
        explanation=explanation,
        solve_seconds=time.perf_counter() - started,
        needs=len(needs),
        quotes=len(quotes),
        ignored_materials=tuple(unused),
    )


def award_lots_single_model(
    needs: Sequence[Need], quotes: Sequence[Quote], options: ProcurementOptions | None = None
) -> tuple[float, float, str]:
    """The plain model: every material in one MIP (the benchmark's bare-solver reference).

    Returns (objective, gap, solver status); the engine's ``award_lots`` solves the same model
    material by material, which is exact because materials share no constraint.
    """
    options = options or ProcurementOptions()
    pooled: dict[str, int] = defaultdict(int)
    for item in needs:
        pooled[item.material] += item.quantity
    by_material: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        by_material[quote.material].append(quote)
    model = ModelBuilder()
    for material in sorted(pooled):
        _material_model(
            by_material.get(material, []),
            pooled[material],
            partial=False,
            maximise=False,
            min_total=None,
            into=model,
        )
    res = model.solve(
        relax=False,
        time_limit=options.time_limit,
        mip_rel_gap=options.mip_rel_gap,
        threads=options.threads,
    )
    return res.objective, res.gap, res.status


def _reach(quotes: Sequence[Quote], need: int) -> int:
    """At most how much of ``need`` the quotes can supply (0 when no supplier quoted)."""
    reach = 0
    for q in quotes:
        if not _tier_segments(q, need):
            continue
        reach += need if q.capacity is None else min(need, q.capacity)
    return min(reach, need)


def _why_short(material: str, quotes: Sequence[Quote], need: int, reach: int) -> str:
    if not quotes:
        return f"{material}: {_fmt(need)} needed but no supplier quoted it"
    return (
        f"{material}: {_fmt(need)} needed; the quotes can supply at most {_fmt(reach)}"
        " within their capacities, minimum tiers and whole-lot conditions"
    )


def greedy_award(needs: Sequence[Need], quotes: Sequence[Quote]) -> tuple[float, int]:
    """Cheapest-first baseline: per material, fill from the quote cheapest at what it can take.

    Returns (total cost, unawarded quantity).
    """
    pooled: dict[str, int] = defaultdict(int)
    for item in needs:
        pooled[item.material] += item.quantity
    by_material: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        by_material[quote.material].append(quote)
    cost = 0.0
    short = 0
    for material, need in pooled.items():
        left = need
        used: set[int] = set()
        while left > 0:
            best: tuple[float, int, int] | None = None
            for j, q in enumerate(by_material.get(material, [])):
                if j in used:
                    continue
                take = left if q.capacity is None else min(left, q.capacity)
                if not q.splittable and take < need:
                    continue
                price = unit_price_at(q, take)
                if take > 0 and price is not None and (best is None or price < best[0]):
                    best = (price, j, take)
            if best is None:
                break
            price, j, take = best
            cost += price * take
            used.add(j)
            left -= take
        short += left
    return cost, short


# --------------------------------------------------------------------------------------------
# Pooling into lots, and progress toward the next tier (for the web pages)


@dataclass(frozen=True, slots=True)
class LotRequest:
    """One enterprise's need; ``tolerance`` is the fraction extra it accepts when rounding up."""

    enterprise: Id
    quantity: int
    tolerance: float = 0.0


@dataclass(frozen=True, slots=True)
class LotShare:
    enterprise: Id
    requested: int
    allocated: int

    @property
    def extra(self) -> int:
        return self.allocated - self.requested


@dataclass(frozen=True, slots=True)
class PooledLot:
    requested: int
    pack_size: int
    quantity: int
    shares: tuple[LotShare, ...]
    unallocated: int


def pool_lot(requests: Sequence[LotRequest], pack_size: int = 1) -> PooledLot:
    """Round the pooled quantity up to whole packs and spread the extra fairly.

    The extra goes to enterprises in proportion to their own quantity, never above each one's
    tolerance (water-filling, then largest remainders for the last units, ties by position). What
    no tolerance can absorb is reported as ``unallocated`` for the base to hold or resell.
    """
    if pack_size < 1:
        raise ProcurementInputError("pack_size: must be ≥ 1")
    requested = sum(r.quantity for r in requests)
    lot = math.ceil(requested / pack_size) * pack_size if requested else 0
    extra = lot - requested
    room = [math.floor(max(0.0, r.tolerance) * r.quantity + 1e-9) for r in requests]
    give = [0] * len(requests)
    if extra > 0 and requests:
        level = _water_level([r.quantity for r in requests], room, min(extra, sum(room)))
        exact = [min(float(room[n]), level * r.quantity) for n, r in enumerate(requests)]
        give = [math.floor(x + 1e-9) for x in exact]
        left = min(extra, sum(room)) - sum(give)
        order = sorted(
            (n for n in range(len(requests)) if give[n] < room[n]),
            key=lambda n: (-(exact[n] - give[n]), n),
        )
        for n in order[:left]:
            give[n] += 1
    shares = tuple(
        LotShare(r.enterprise, r.quantity, r.quantity + give[n]) for n, r in enumerate(requests)
    )
    return PooledLot(
        requested=requested,
        pack_size=pack_size,
        quantity=lot,
        shares=shares,
        unallocated=extra - sum(give),
    )


def _water_level(quantities: Sequence[int], room: Sequence[int], extra: int) -> float:
    """The share per unit of own quantity at which the capped extras add up to ``extra``."""
    if extra <= 0:
        return 0.0
    lo, hi = 0.0, max((room[n] / q for n, q in enumerate(quantities) if q > 0), default=0.0)
    for _ in range(100):
        mid = (lo + hi) / 2
        if sum(min(float(room[n]), mid * q) for n, q in enumerate(quantities)) >= extra:
            hi = mid
        else:
            lo = mid
    return hi


@dataclass(frozen=True, slots=True)
class TierProgress:
    quantity: int
    unit_price: float | None
    next_min_quantity: int | None
    next_unit_price: float | None
    remaining: int
    fraction: float


def tier_progress(quantity: int, price_breaks: Sequence[PriceBreak]) -> TierProgress:
    """How far a pooled quantity is from the next price tier of one quote."""
    tiers = sorted(price_breaks, key=lambda b: b.min_quantity)
    current = [t for t in tiers if quantity >= t.min_quantity]
    later = [t for t in tiers if t.min_quantity > quantity]
    price = current[-1].unit_price if current else None
    if not later:
        return TierProgress(quantity, price, None, None, 0, 1.0)
    nxt = later[0]
    base = current[-1].min_quantity if current else 0
    span = nxt.min_quantity - base
    fraction = (quantity - base) / span if span > 0 else 1.0
    return TierProgress(
        quantity=quantity,
        unit_price=price,
        next_min_quantity=nxt.min_quantity,
        next_unit_price=nxt.unit_price,
        remaining=nxt.min_quantity - quantity,
        fraction=max(0.0, min(1.0, fraction)),
    )
