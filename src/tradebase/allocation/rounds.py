"""Group procurement rounds: open, collect needs and sealed quotes, close (award), publish.

Services take ``session`` keyword-only and never commit. Who may do what is in
``accounts/policy.py``: ``MANAGE_PROCUREMENT`` (the base's administrators), ``DECLARE_NEED``
(the enterprise's members), ``may_view_round`` and ``may_read_sealed_quotes``.

Sealed quotes: while a round is open no function here returns a quote's prices to anyone but
the system (``close_round`` reads them to award). Price tiers are sealed information too, so
the progress of a pooled lot is shown only against the thresholds the round itself publishes
(``RoundMaterial.published_tiers``), never against the quotes' breaks.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize, current_actor
from tradebase.accounts.policy import (
    Actor,
    Permission,
    Role,
    manages_round,
    may_read_sealed_quotes,
    may_see_all_needs,
    may_view_round,
    round_bases,
)
from tradebase.allocation import procurement
from tradebase.allocation import round_schemas as rs
from tradebase.allocation.models import ProcurementRound, RoundMaterial, RoundNeed, SupplierQuote
from tradebase.allocation.schemas import ProcurementResult
from tradebase.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from tradebase.registry.models import Base, Enterprise

BASE_HELD = "base"  # the need of the base for the packs no enterprise's tolerance absorbs


def _member_bases(session: Session, actor: Actor) -> frozenset[int]:
    if actor.role is not Role.ENTERPRISE or not actor.enterprise_ids:
        return frozenset()
    rows = session.scalars(
        select(Enterprise.base_id).where(Enterprise.id.in_(actor.enterprise_ids))
    )
    return frozenset(b for b in rows if b is not None)


def _round(session: Session, round_id: int) -> ProcurementRound:
    """The round, if the actor may see it."""
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in to see procurement rounds")
    found = session.get(ProcurementRound, round_id)
    if found is None:
        raise NotFound(f"procurement round {round_id} does not exist")
    if not may_view_round(actor, found.base_id, _member_bases(session, actor)):
        raise NotFound(f"procurement round {round_id} does not exist")  # nor reveal it does
    return found


def _managed_round(session: Session, round_id: int) -> ProcurementRound:
    found = _round(session, round_id)
    authorize(session, Permission.MANAGE_PROCUREMENT, base_id=found.base_id)
    return found


def _material(found: ProcurementRound, name: str) -> RoundMaterial:
    for material in found.materials:
        if material.name.casefold() == name.strip().casefold():
            return material
    raise InvalidInput(f"'{name}' is not a material of this round", field="material")


def _require_open(found: ProcurementRound) -> None:
    if found.status != "open":
        raise Conflict("the round is closed")


# --- opening and collecting ----------------------------------------------------------------


def open_round(*, session: Session, data: rs.RoundCreate) -> ProcurementRound:
    authorize(session, Permission.MANAGE_PROCUREMENT, base_id=data.base_id)
    if session.get(Base, data.base_id) is None:
        raise InvalidInput(f"base {data.base_id} does not exist", field="base_id",
                           code="choice_missing")
    made = ProcurementRound(base_id=data.base_id, title=data.title, closes_on=data.closes_on,
                            status="open")
    made.materials = [
        RoundMaterial(name=m.name, unit=m.unit, pack_size=m.pack_size,
                      published_tiers=list(m.published_tiers))
        for m in data.materials
    ]
    session.add(made)
    session.flush()
    return made


def list_rounds(*, session: Session) -> list[ProcurementRound]:
    """The rounds the actor may see, newest first."""
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in to see procurement rounds")
    stmt = select(ProcurementRound).order_by(ProcurementRound.id.desc())
    bases = round_bases(actor, _member_bases(session, actor))
    if bases is not None:
        stmt = stmt.where(ProcurementRound.base_id.in_(bases))
    return list(session.scalars(stmt))


def declare_need(*, session: Session, round_id: int, data: rs.NeedCreate) -> RoundNeed:
    found = _round(session, round_id)
    authorize(session, Permission.DECLARE_NEED, base_id=found.base_id,
              enterprise_id=data.enterprise_id)
    _require_open(found)
    enterprise = session.get(Enterprise, data.enterprise_id)
    if enterprise is None or enterprise.base_id != found.base_id:
        raise InvalidInput("the enterprise is not a member of this round's base",
                           field="enterprise_id")
    need = RoundNeed(round=found, material=_material(found, data.material),
                     enterprise_id=enterprise.id, specification=data.specification.strip(),
                     quantity=data.quantity, delivery_month=data.delivery_month,
                     tolerance=data.tolerance)
    session.add(need)
    session.flush()
    return need


def add_quote(*, session: Session, round_id: int, data: rs.QuoteCreate) -> SupplierQuote:
    """Enter a supplier's quote; it stays sealed until the round is closed."""
    found = _managed_round(session, round_id)
    _require_open(found)
    material = _material(found, data.material)
    for quote in found.quotes:
        same_supplier = quote.supplier.casefold() == data.supplier.casefold()
        if quote.material_id == material.id and same_supplier:
            raise Conflict(f"{data.supplier} has already quoted for {material.name}")
    quote = SupplierQuote(
        round=found, material=material, supplier=data.supplier,
        price_breaks=[b.model_dump() for b in data.price_breaks],
        capacity=data.capacity, splittable=data.splittable,
    )
    session.add(quote)
    session.flush()
    return quote


# --- what the actor sees ---------------------------------------------------------------------


def _lot(material: RoundMaterial, needs: list[RoundNeed]) -> procurement.PooledLot:
    requests = [procurement.LotRequest(n.id, n.quantity, n.tolerance) for n in needs]
    return procurement.pool_lot(requests, material.pack_size)


def _progress(quantity: int, thresholds: list[int]) -> rs.TierProgressOut | None:
    """Progress toward the next published threshold (never the quotes' sealed tiers)."""
    if not thresholds:
        return None
    tiers = [procurement.PriceBreak(0, 0.0)] + [procurement.PriceBreak(t, 0.0) for t in thresholds]
    p = procurement.tier_progress(quantity, tiers)
    return rs.TierProgressOut(next_threshold=p.next_min_quantity, remaining=p.remaining,
                              fraction=round(p.fraction, 4))


def _quote_out(quote: SupplierQuote) -> rs.QuoteOut:
    return rs.QuoteOut(id=quote.id, supplier=quote.supplier, material=quote.material.name,
                       price_breaks=list(quote.price_breaks), capacity=quote.capacity,
                       splittable=quote.splittable)


def round_view(*, session: Session, round_id: int) -> rs.RoundOut:
    """The round as the actor may see it: pooled lots and progress for all its viewers, its
    own needs for an enterprise (all needs for the base's staff), the number of quotes, and
    quote prices only once the round is closed and only for its managers."""
    found = _round(session, round_id)
    actor = current_actor(session)
    by_material: dict[int, list[RoundNeed]] = defaultdict(list)
    for need in found.needs:
        by_material[need.material_id].append(need)
    quote_counts: dict[int, int] = defaultdict(int)
    for quote in found.quotes:
        quote_counts[quote.material_id] += 1
    lots = []
    for material in found.materials:
        lot = _lot(material, by_material[material.id])
        lots.append(rs.LotOut(
            material=material.name, unit=material.unit, pack_size=material.pack_size,
            requested=lot.requested, quantity=lot.quantity, unallocated=lot.unallocated,
            quotes=quote_counts[material.id], published_tiers=list(material.published_tiers),
            progress=_progress(lot.quantity, list(material.published_tiers)),
        ))
    visible = [
        n for n in found.needs
        if may_see_all_needs(actor, found.base_id) or n.enterprise_id in actor.enterprise_ids
    ]
    sealed = not may_read_sealed_quotes(actor, found.base_id, found.status)
    return rs.RoundOut(
        id=found.id, base_id=found.base_id, title=found.title, closes_on=found.closes_on,
        status=found.status,
        lots=lots,
        needs=[rs.NeedOut(id=n.id, enterprise_id=n.enterprise_id, material=n.material.name,
                          specification=n.specification, quantity=n.quantity,
                          delivery_month=n.delivery_month, tolerance=n.tolerance)
               for n in visible],
        quote_count=len(found.quotes),
        quotes_received=[rs.QuoteReceived(id=q.id, supplier=q.supplier, material=q.material.name)
                         for q in found.quotes] if manages_round(actor, found.base_id) else None,
        quotes=None if sealed else [_quote_out(q) for q in found.quotes],
    )


# --- closing, publishing, the award --------------------------------------------------------


def _award(found: ProcurementRound, time_limit: float) -> dict[str, Any]:
    """Pool each material's needs into whole packs, award the lots, and each enterprise's
    share at its material's average awarded price."""
    by_material: dict[int, list[RoundNeed]] = defaultdict(list)
    for need in found.needs:
        by_material[need.material_id].append(need)
    engine_needs: list[procurement.Need] = []
    share_rows: list[tuple[RoundMaterial, int | None, str, int, int]] = []
    for material in found.materials:
        needs = by_material[material.id]
        if not needs:
            continue
        lot = _lot(material, needs)
        per_enterprise: dict[int, list[int]] = {}
        names: dict[int, str] = {}
        for need, share in zip(needs, lot.shares, strict=True):
            row = per_enterprise.setdefault(need.enterprise_id, [0, 0])
            row[0] += share.requested
            row[1] += share.allocated
            names[need.enterprise_id] = need.enterprise.display_name
        for enterprise_id, (requested, allocated) in per_enterprise.items():
            engine_needs.append(procurement.Need(enterprise_id, material.name, allocated))
            share_rows.append((material, enterprise_id, names[enterprise_id], requested,
                               allocated))
        if lot.unallocated:
            engine_needs.append(procurement.Need(BASE_HELD, material.name, lot.unallocated))
            share_rows.append((material, None, BASE_HELD, 0, lot.unallocated))
    quotes = [
        procurement.Quote(
            supplier=q.supplier, material=q.material.name,
            price_breaks=tuple(procurement.PriceBreak(int(b["min_quantity"]),
                                                      float(b["unit_price"]))
                               for b in q.price_breaks),
            capacity=q.capacity, splittable=q.splittable,
        )
        for q in found.quotes
    ]
    if engine_needs:
        plan = procurement.award_lots(engine_needs, quotes,
                                      procurement.ProcurementOptions(time_limit=time_limit))
        result = ProcurementResult.from_plan(plan).model_dump(mode="json")
    else:
        result = {"status": "optimal", "total_cost": 0.0, "standalone_cost": 0.0, "saving": 0.0,
                  "gap": 0.0, "awards": [], "materials": [],
                  "explanation": "No enterprise declared a need in this round."}
    average: dict[str, float | None] = {}
    for m in result["materials"]:
        average[m["material"]] = m["cost"] / m["awarded"] if m["awarded"] else None
    shares = []
    for material, owner_id, name, requested, allocated in share_rows:
        price = average.get(material.name)
        fully = any(m["material"] == material.name and m["awarded"] == m["pooled_quantity"]
                    for m in result["materials"])
        shares.append(rs.ShareOut(
            enterprise_id=owner_id, enterprise=name, material=material.name,
            requested=requested, quantity=allocated,
            unit_price=round(price, 6) if price is not None and fully else None,
            cost=round(price * allocated, 2) if price is not None and fully else 0.0,
        ).model_dump(mode="json"))
    return {"result": result, "shares": shares}


def close_round(*, session: Session, round_id: int, time_limit: float) -> ProcurementRound:
    """Close the round to needs and quotes, open the quotes and award the lots (exact)."""
    found = _managed_round(session, round_id)
    _require_open(found)
    found.award = _award(found, time_limit)
    found.status = "closed"
    found.closed_at = datetime.now(UTC)
    session.flush()
    return found


def publish_round(*, session: Session, round_id: int) -> ProcurementRound:
    found = _managed_round(session, round_id)
    if found.status == "open":
        raise Conflict("close the round before publishing its award")
    if found.status == "closed":
        found.status = "published"
        found.published_at = datetime.now(UTC)
        session.flush()
    return found


@dataclass(frozen=True)
class RoundAward:
    round: ProcurementRound
    result: dict[str, Any]
    shares: list[dict[str, Any]]


def round_award(*, session: Session, round_id: int) -> RoundAward:
    """The award: once published, for every viewer of the round (an enterprise's member sees
    only its enterprises' shares); once closed, for its managers before they publish."""
    found = _round(session, round_id)
    actor = current_actor(session)
    if found.status == "open" or found.award is None:
        raise Conflict("the round is still open: there is no award yet")
    if found.status == "closed" and not manages_round(actor, found.base_id):
        raise Conflict("the award is not published yet")
    shares = list(found.award.get("shares", []))
    if not may_see_all_needs(actor, found.base_id):
        shares = [s for s in shares if s["enterprise_id"] in actor.enterprise_ids]
    return RoundAward(round=found, result=dict(found.award["result"]), shares=shares)


def award_workbook(award: RoundAward) -> bytes:
    """The award as an XLSX workbook: awards, materials (with saving) and shares."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Awards"
    result = award.result
    sheet.append(["Round", award.round.title])
    sheet.append(["Status", result["status"]])
    sheet.append(["Total cost", result["total_cost"]])
    sheet.append(["Standalone cost", result["standalone_cost"]])
    sheet.append(["Saving", result["saving"]])
    sheet.append([])
    sheet.append(["Material", "Supplier", "Quantity", "Unit price", "Cost", "Reason"])
    for a in result["awards"]:
        sheet.append([a["material"], str(a["supplier"]), a["quantity"], a["unit_price"],
                      a["cost"], a["reason"]])
    materials = book.create_sheet("Materials")
    materials.append(["Material", "Pooled quantity", "Awarded", "Cost", "Standalone cost",
                      "Saving", "Suppliers", "Explanation"])
    for m in result["materials"]:
        materials.append([m["material"], m["pooled_quantity"], m["awarded"], m["cost"],
                          m["standalone_cost"], m["saving"], m["suppliers"], m["explanation"]])
    shares = book.create_sheet("Shares")
    shares.append(["Enterprise", "Material", "Requested", "Quantity", "Unit price", "Cost"])
    for s in award.shares:
        shares.append([s["enterprise"], s["material"], s["requested"], s["quantity"],
                       s["unit_price"], s["cost"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

