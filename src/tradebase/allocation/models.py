"""Tables of group procurement rounds. Thin: the rules live in ``rounds.py``.

A round belongs to a base; its materials are declared when it opens; enterprises of the base
declare needs; suppliers enter their own quotes (or a base administrator on a supplier's
behalf, recorded as such), in the round's currency, and they stay sealed (no service returns
their prices to anyone but their supplier) until the round is closed. Closing stores the
award, and whether the round was closed before its closing date (confirmed, by whom).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradebase.db import Model
from tradebase.registry.models import Base, Enterprise, Versioned, _now


class ProcurementRound(Model, Versioned):
    """A base's round of pooled raw-material buying: open → closed (awarded) → published."""

    __tablename__ = "procurement_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("bases.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # ISO 4217: every price of the round (quotes, award lines, totals, savings) is in it
    currency: Mapped[str] = mapped_column(String(3), default="CNY", server_default="CNY")
    opens_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # closed before ``closes_on``: only when its administrator confirmed the early close
    closed_early: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    closed_by: Mapped[str] = mapped_column(String(254), default="", server_default="")
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the award (ProcurementResult plus each enterprise's share), stored when the round closes
    award: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    base: Mapped[Base] = relationship(lazy="joined")
    materials: Mapped[list[RoundMaterial]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundMaterial.id"
    )
    needs: Mapped[list[RoundNeed]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundNeed.id"
    )
    quotes: Mapped[list[SupplierQuote]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="SupplierQuote.id"
    )


    @property
    def base_name_zh(self) -> str:
        return self.base.name_zh

    @property
    def base_name_en(self) -> str:
        return self.base.name_en


class RoundMaterial(Model, Versioned):
    """A material of a round; ``published_tiers`` are quantity thresholds the round announces
    (no prices), against which the pooled lot's progress is shown while needs are collected."""

    __tablename__ = "procurement_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("procurement_rounds.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    pack_size: Mapped[int] = mapped_column(Integer, default=1)
    published_tiers: Mapped[list[int]] = mapped_column(JSON, default=list)

    round: Mapped[ProcurementRound] = relationship(back_populates="materials")


class RoundNeed(Model, Versioned):
    """An enterprise's need: ``tolerance`` is the fraction extra it accepts when rounding up."""

    __tablename__ = "procurement_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("procurement_rounds.id", ondelete="CASCADE"), index=True
    )
    material_id: Mapped[int] = mapped_column(
        ForeignKey("procurement_materials.id", ondelete="CASCADE"), index=True
    )
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    specification: Mapped[str] = mapped_column(String(200), default="")
    quantity: Mapped[int] = mapped_column(Integer)
    delivery_month: Mapped[str] = mapped_column(String(7))
    tolerance: Mapped[float] = mapped_column(Float, default=0.0)

    round: Mapped[ProcurementRound] = relationship(back_populates="needs")
    material: Mapped[RoundMaterial] = relationship()
    enterprise: Mapped[Enterprise] = relationship()


class SupplierQuote(Model, Versioned):
    """A supplier's sealed quote for one material of a round."""

    __tablename__ = "procurement_quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("procurement_rounds.id", ondelete="CASCADE"), index=True
    )
    material_id: Mapped[int] = mapped_column(
        ForeignKey("procurement_materials.id", ondelete="CASCADE"), index=True
    )
    supplier: Mapped[str] = mapped_column(String(200))  # the supplier organisation's name
    currency: Mapped[str] = mapped_column(String(3), default="CNY", server_default="CNY")
    # who typed it in: the supplier's member, or a base administrator on its behalf
    entered_by_id: Mapped[int | None] = mapped_column(Integer)  # no FK: outlives users
    entered_by: Mapped[str] = mapped_column(String(254), default="", server_default="")
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # [{"min_quantity", "unit_price"}]: sealed, and never copied into the audit log
    price_breaks: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    capacity: Mapped[int | None] = mapped_column(Integer)
    splittable: Mapped[bool] = mapped_column(Boolean, default=True)

    round: Mapped[ProcurementRound] = relationship(back_populates="quotes")
    material: Mapped[RoundMaterial] = relationship()
