"""Group procurement rounds: open, collect needs and sealed quotes, close (award), publish.

Services take ``session`` keyword-only and never commit. Who may do what is in
``accounts/policy.py``: ``MANAGE_PROCUREMENT`` (the base's administrators), ``DECLARE_NEED``
(the enterprise's members), ``QUOTE_IN_ROUND`` (a supplier's members, or the base's
administrators on a supplier's behalf), ``may_view_round`` and ``may_read_sealed_quotes``.

Sealed quotes: while a round is open no function here returns a quote's prices to anyone but
its own supplier and the system (``close_round`` reads them to award). Price tiers are sealed
information too, so the progress of a pooled lot is shown only against the thresholds the
round itself publishes (``RoundMaterial.published_tiers``), never against the quotes' breaks.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize, current_actor
from tradebase.accounts.models import User
from tradebase.accounts.policy import (
    Actor,
    Permission,
    Role,
    acts_for_supplier,
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
    made = ProcurementRound(base_id=data.base_id, title=data.title, currency=data.currency,
                            opens_on=data.opens_on or rs.today(), closes_on=data.closes_on,
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


def _supplier_of(session: Session, actor: Actor, written: str) -> tuple[str, bool]:
    """The supplier organisation a quote is for, and whether it is entered on its behalf.

    A supplier's member quotes as its own organisation (naming another is refused); a base
    administrator names a supplier organisation that has an account on the platform, so that
    every quote has a supplier who can log in and see it (the operator may name any)."""
    if actor.role is Role.SUPPLIER:
        if written and not acts_for_supplier(actor, written):
            raise InvalidInput(f"you quote for {actor.organisation}, not {written}",
                               field="supplier", code="round.supplier_not_yours",
                               params={"organisation": actor.organisation})
        return actor.organisation.strip(), False
    if not written:
        raise InvalidInput("name the supplier the quote is entered for", field="supplier",
                           code="blank")
    if actor.is_system:
        return written, False
    known = session.scalars(
        select(User.organisation).where(
            User.role == Role.SUPPLIER.value, User.is_active.is_(True),
            func.lower(User.organisation) == written.lower(),
        ).limit(1)
    ).first()
    if known is None:
        raise InvalidInput(f"{written} is not a supplier organisation of the platform",
                           field="supplier", code="round.supplier_unknown",
                           params={"supplier": written})
    return known, True


def supplier_organisations(*, session: Session, base_id: int) -> list[str]:
    """The supplier organisations a base's administrator may enter a quote for."""
    authorize(session, Permission.QUOTE_IN_ROUND, base_id=base_id)
    names = session.scalars(
        select(User.organisation).where(User.role == Role.SUPPLIER.value,
                                        User.is_active.is_(True)).distinct()
    )
    return sorted({n.strip() for n in names if n.strip()}, key=str.casefold)


def add_quote(*, session: Session, round_id: int, data: rs.QuoteCreate) -> SupplierQuote:
    """A supplier's quote, in the round's currency; it stays sealed (from everyone but its
    supplier) until the round is closed. Entered by a supplier's member, or by a base
    administrator on the supplier's behalf, which the quote records."""
    found = _round(session, round_id)
    authorize(session, Permission.QUOTE_IN_ROUND, base_id=found.base_id)
    _require_open(found)
    actor = current_actor(session)
    supplier, on_behalf = _supplier_of(session, actor, data.supplier)
    if data.currency is not None and data.currency != found.currency:
        raise InvalidInput(f"quotes of this round are in {found.currency}", field="currency",
                           code="round.currency_mismatch",
                           params={"currency": found.currency, "given": data.currency})
    material = _material(found, data.material)
    for quote in found.quotes:
        same_supplier = quote.supplier.casefold() == supplier.casefold()
        if quote.material_id == material.id and same_supplier:
            raise Conflict(f"{supplier} has already quoted for {material.name}",
                           field="material", code="round.quoted_already",
                           params={"supplier": supplier, "material": material.name})
    quote = SupplierQuote(
        round=found, material=material, supplier=supplier, currency=found.currency,
        price_breaks=[b.model_dump() for b in data.price_breaks],
        capacity=data.capacity, splittable=data.splittable,
        entered_by_id=actor.user_id, entered_by=actor.label, on_behalf=on_behalf,
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
                       splittable=quote.splittable, currency=quote.currency,
                       entered_by=quote.entered_by, on_behalf=quote.on_behalf)


def _readable_quotes(actor: Actor, found: ProcurementRound) -> list[rs.QuoteOut] | None:
    """The quotes ``actor`` may read (``may_read_sealed_quotes``, quote by quote); None when
    the actor may read no quote of the round at all."""
    if may_read_sealed_quotes(actor, found.base_id, found.status):
        return [_quote_out(q) for q in found.quotes]
    if actor.role is not Role.SUPPLIER:
        return None
    return [_quote_out(q) for q in found.quotes
            if may_read_sealed_quotes(actor, found.base_id, found.status, supplier=q.supplier)]


def round_view(*, session: Session, round_id: int) -> rs.RoundOut:
    """The round as the actor may see it: pooled lots and progress for all its viewers, its
    own needs for an enterprise (all needs for the base's staff), the number of quotes, a
    supplier's own quotes, and every quote's prices only once the round is closed and only
    for its managers."""
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
    return rs.RoundOut(
        id=found.id, base_id=found.base_id, base_name_zh=found.base.name_zh,
        base_name_en=found.base.name_en, title=found.title, currency=found.currency,
        opens_on=found.opens_on, closes_on=found.closes_on, status=found.status,
        closed_early=found.closed_early,
        lots=lots,
        needs=[need_out(n) for n in visible],
        quote_count=len(found.quotes),
        quotes_received=[rs.QuoteReceived(id=q.id, supplier=q.supplier, material=q.material.name,
                                          on_behalf=q.on_behalf, entered_by=q.entered_by)
                         for q in found.quotes] if manages_round(actor, found.base_id) else None,
        quotes=_readable_quotes(actor, found),
    )


def need_out(need: RoundNeed) -> rs.NeedOut:
    return rs.NeedOut(id=need.id, enterprise_id=need.enterprise_id,
                      enterprise_name_zh=need.enterprise.name_zh,
                      enterprise_name_en=need.enterprise.name_en, material=need.material.name,
                      specification=need.specification, quantity=need.quantity,
                      delivery_month=need.delivery_month, tolerance=need.tolerance)


# --- closing, publishing, the award --------------------------------------------------------


def _award(found: ProcurementRound, time_limit: float) -> dict[str, Any]:
    """Pool each material's needs into whole packs, award the lots, and each enterprise's
    share at its material's average awarded price."""
    by_material: dict[int, list[RoundNeed]] = defaultdict(list)
    for need in found.needs:
        by_material[need.material_id].append(need)
    engine_needs: list[procurement.Need] = []
    share_rows: list[tuple[RoundMaterial, Enterprise | None, int, int]] = []
    for material in found.materials:
        needs = by_material[material.id]
        if not needs:
            continue
        lot = _lot(material, needs)
        per_enterprise: dict[int, list[int]] = {}
        owners: dict[int, Enterprise] = {}
        for need, share in zip(needs, lot.shares, strict=True):
            row = per_enterprise.setdefault(need.enterprise_id, [0, 0])
            row[0] += share.requested
            row[1] += share.allocated
            owners[need.enterprise_id] = need.enterprise
        for enterprise_id, (requested, allocated) in per_enterprise.items():
            engine_needs.append(procurement.Need(enterprise_id, material.name, allocated))
            share_rows.append((material, owners[enterprise_id], requested, allocated))
        if lot.unallocated:
            engine_needs.append(procurement.Need(BASE_HELD, material.name, lot.unallocated))
            share_rows.append((material, None, 0, lot.unallocated))
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
                  "pooling_saving": 0.0, "splitting_saving": 0.0, "single_supplier_cost": 0.0,
                  "gap": 0.0, "awards": [], "materials": [],
                  "explanation": "No enterprise declared a need in this round."}
    average: dict[str, float | None] = {}
    for m in result["materials"]:
        average[m["material"]] = m["cost"] / m["awarded"] if m["awarded"] else None
    result["currency"] = found.currency
    for line in (*result["awards"], *result["materials"]):
        line["currency"] = found.currency
    shares = []
    for material, owner, requested, allocated in share_rows:
        price = average.get(material.name)
        fully = any(m["material"] == material.name and m["awarded"] == m["pooled_quantity"]
                    for m in result["materials"])
        shares.append(rs.ShareOut(
            enterprise_id=owner.id if owner else None,
            enterprise=owner.display_name if owner else BASE_HELD,
            enterprise_name_zh=owner.name_zh if owner else "",
            enterprise_name_en=owner.name_en if owner else "",
            material=material.name, requested=requested, quantity=allocated,
            unit_price=round(price, 6) if price is not None and fully else None,
            cost=round(price * allocated, 2) if price is not None and fully else 0.0,
            currency=found.currency,
        ).model_dump(mode="json"))
    return {"result": result, "shares": shares}


def close_round(*, session: Session, round_id: int, time_limit: float,
                confirm_early: bool = False) -> ProcurementRound:
    """Close the round to needs and quotes, open the quotes and award the lots (exact).

    Before its closing date a round closes only when the administrator confirms the early
    close (suppliers may still be preparing their quotes); the round records it and by whom."""
    found = _managed_round(session, round_id)
    _require_open(found)
    early = rs.today() < found.closes_on
    if early and not confirm_early:
        raise Conflict(f"the round closes on {found.closes_on.isoformat()}: confirm an early close",
                       field="confirm_early", code="round.close_early",
                       params={"closes_on": found.closes_on.isoformat()})
    found.award = _award(found, time_limit)
    found.status = "closed"
    found.closed_at = datetime.now(UTC)
    found.closed_early = early
    found.closed_by = current_actor(session).label
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
    result = dict(found.award["result"])
    result.setdefault("currency", found.currency)  # awards stored before rounds had one
    return RoundAward(round=found, result=result, shares=shares)


class WorkbookWords(Protocol):
    """How the award workbook says things: its labels (given in English), the solver's
    status, why each lot went to its supplier, each material's explanation. The web layer
    words them in the reader's language (``web/pages/award_words.py``)."""

    def label(self, english: str) -> str: ...

    def status(self, code: str) -> str: ...

    def reason(self, award: Mapping[str, Any]) -> str: ...

    def material_explanation(self, material: Mapping[str, Any]) -> str: ...


class EnglishWorkbookWords:
    def label(self, english: str) -> str:
        return english

    def status(self, code: str) -> str:
        return code

    def reason(self, award: Mapping[str, Any]) -> str:
        return str(award.get("reason", ""))

    def material_explanation(self, material: Mapping[str, Any]) -> str:
        return str(material.get("explanation", ""))


WORKBOOK_LABELS = (
    "Awards", "Materials", "Shares", "Round", "Status", "Currency", "Total cost",
    "Cost if each enterprise bought alone", "Saving from pooling",
    "Saving from splitting between suppliers", "Material", "Supplier", "Quantity",
    "Unit price", "Cost", "Reason", "Pooled quantity", "Awarded", "Standalone cost", "Saving",
    "Suppliers", "Explanation", "Enterprise", "Requested",
)
"""Every label of the workbook (each one a message of the web catalogs)."""


def award_workbook(award: RoundAward, words: WorkbookWords | None = None) -> bytes:
    """The award as an XLSX workbook: awards, materials (with saving) and shares."""
    from openpyxl import Workbook

    say = words or EnglishWorkbookWords()

    def row(*labels: str) -> list[str]:
        return [say.label(label) for label in labels]

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = say.label("Awards")
    result = award.result
    sheet.append([say.label("Round"), award.round.title])
    sheet.append([say.label("Status"), say.status(str(result["status"]))])
    sheet.append([say.label("Currency"), result["currency"]])
    sheet.append([say.label("Total cost"), result["total_cost"]])
    sheet.append([say.label("Cost if each enterprise bought alone"), result["standalone_cost"]])
    sheet.append([say.label("Saving from pooling"), result["saving"]])
    sheet.append([say.label("Saving from splitting between suppliers"),
                  result.get("splitting_saving")])
    sheet.append([])
    sheet.append(row("Material", "Supplier", "Quantity", "Unit price", "Cost", "Reason"))
    for a in result["awards"]:
        sheet.append([a["material"], str(a["supplier"]), a["quantity"], a["unit_price"],
                      a["cost"], say.reason(a)])
    materials = book.create_sheet(say.label("Materials"))
    materials.append(row("Material", "Pooled quantity", "Awarded", "Cost", "Standalone cost",
                         "Saving", "Suppliers", "Explanation"))
    for m in result["materials"]:
        materials.append([m["material"], m["pooled_quantity"], m["awarded"], m["cost"],
                          m["standalone_cost"], m["saving"], m["suppliers"],
                          say.material_explanation(m)])
    shares = book.create_sheet(say.label("Shares"))
    shares.append(row("Enterprise", "Material", "Requested", "Quantity", "Unit price", "Cost"))
    for s in award.shares:
        shares.append([s["enterprise"], s["material"], s["requested"], s["quantity"],
                       s["unit_price"], s["cost"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

