"""Tables of supply-and-demand docking. Thin: rules live in ``service.py`` and ``sync.py``.

``listing_features`` and ``index_versions`` keep the matching index of every worker fresh:
one features row per product (written in the transaction that changes the product, by
``sync.py``) and one counter that every such transaction bumps (docs/matching.md).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradebase.db import Model
from tradebase.registry.models import Enterprise, _now

LISTINGS_COUNTER = "listings"


class ListingFeatureRow(Model):
    """The matching features of one product (``features.ListingFeatures.to_bytes``).

    No foreign key to ``products``: a deleted product keeps its row, marked ``deleted`` with a
    newer ``version``, so that every worker learns to drop it."""

    __tablename__ = "listing_features"

    product_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    enterprise_id: Mapped[int] = mapped_column(Integer, index=True)
    sku: Mapped[str] = mapped_column(String(80))
    features: Mapped[bytes] = mapped_column(LargeBinary)
    vocabulary_version: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(BigInteger, index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class IndexVersion(Model):
    """A counter that each transaction changing listings bumps once; its row lock orders
    those transactions, so the versions committed are always a prefix."""

    __tablename__ = "index_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class BuyerRequest(Model):
    """What a buyer asks for, in its own words and language."""

    __tablename__ = "docking_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    organisation: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(12), default="")
    quantity: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    destination: Mapped[str | None] = mapped_column(String(2))
    wanted_by: Mapped[date | None] = mapped_column(Date)
    max_lead_time_days: Mapped[int | None] = mapped_column(Integer)
    certifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    target_price: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    hs_code: Mapped[str | None] = mapped_column(String(6))  # confirmed by the buyer
    hs_proposed: Mapped[str | None] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    enquiries: Mapped[list[Enquiry]] = relationship(
        back_populates="request", lazy="selectin", order_by="Enquiry.id"
    )


class Enquiry(Model):
    """A request shortlisted for, then sent to, one enterprise, and its answer."""

    __tablename__ = "docking_enquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("docking_requests.id", ondelete="CASCADE"), index=True
    )
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    sku: Mapped[str | None] = mapped_column(String(80))
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="shortlisted")
    quote_price: Mapped[float | None] = mapped_column(Float)
    quote_currency: Mapped[str | None] = mapped_column(String(3))
    quote_lead_time_days: Mapped[int | None] = mapped_column(Integer)
    answer_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    request: Mapped[BuyerRequest] = relationship(back_populates="enquiries", lazy="joined")
    enterprise: Mapped[Enterprise] = relationship(lazy="joined")
    intentions: Mapped[list[CooperationIntention]] = relationship(
        back_populates="enquiry", lazy="selectin", order_by="CooperationIntention.id"
    )


class CooperationIntention(Model):
    """A non-binding agreement to do business, proposed by one side and accepted by the other."""

    __tablename__ = "cooperation_intentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(
        ForeignKey("docking_enquiries.id", ondelete="CASCADE"), index=True
    )
    proposed_by: Mapped[str] = mapped_column(String(10))  # "buyer" or "enterprise"
    quantity: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    value: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    start_date: Mapped[date | None] = mapped_column(Date)
    delivery_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    enquiry: Mapped[Enquiry] = relationship(back_populates="intentions", lazy="joined")
    order: Mapped[DockingOrder | None] = relationship(
        back_populates="intention", lazy="selectin", uselist=False
    )


class DockingOrder(Model):
    """The order an accepted intention became, and how far it has gone."""

    __tablename__ = "docking_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    intention_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation_intentions.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(16), default="contract_signed")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )

    intention: Mapped[CooperationIntention] = relationship(back_populates="order", lazy="joined")


class CapacityOffer(Model):
    """Free capacity an enterprise offers for one month, for an HS code or a product."""

    __tablename__ = "capacity_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    hs_code: Mapped[str | None] = mapped_column(String(6), index=True)
    product: Mapped[str] = mapped_column(String(300), default="")
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    free_capacity: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    enterprise: Mapped[Enterprise] = relationship(lazy="joined")


__all__ = [
    "LISTINGS_COUNTER",
    "BuyerRequest",
    "CapacityOffer",
    "CooperationIntention",
    "DockingOrder",
    "Enquiry",
    "IndexVersion",
    "ListingFeatureRow",
]
