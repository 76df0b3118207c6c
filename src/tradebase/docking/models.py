"""Tables of supply-and-demand docking. Thin: rules live in ``service.py`` and ``sync.py``.

``listing_features`` keeps the matching index of every worker fresh: one features row per
product, written in the transaction that changes the product by ``sync.py``, with a change
number (from the ``listing_changes`` sequence on PostgreSQL, the ``index_versions`` counter
on SQLite's single writer) and the writing transaction; ``sync.py`` explains how readers see
a consistent prefix without making writers wait on one row (docs/matching.md).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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
    Sequence,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradebase.db import Model
from tradebase.registry.models import Enterprise, Versioned, _now

LISTINGS_COUNTER = "listings"
LISTING_CHANGES = "listing_changes"
# Change numbers on PostgreSQL (SQLite, which has no sequences, uses ``index_versions``).
listing_changes = Sequence(LISTING_CHANGES, metadata=Model.metadata)


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
    version: Mapped[int] = mapped_column(BigInteger, index=True)  # the change number
    # the transaction that wrote the row (PostgreSQL's xid8; the change number on SQLite)
    txid: Mapped[int] = mapped_column(BigInteger, index=True, server_default="0")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class ListingVectorRow(Model):
    """The sentence-embedding vector of one product (``embedding.quantise``: int8 bytes and
    one scale), written with its features row by ``vector_store.write_vectors``. ``model``
    names the encoder: a vector of another model is recomputed, never compared. The row goes
    with its product; workers learn of the change from the product's features row."""

    __tablename__ = "listing_vectors"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    model: Mapped[str] = mapped_column(String(100))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    scale: Mapped[float] = mapped_column(Float)
    passage_hash: Mapped[str] = mapped_column(String(64))  # of the text the vector encodes
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class IndexVersion(Model):
    """SQLite's change numbers: a counter each flush changing listings bumps (SQLite has one
    writer at a time, so writers commit in counter order). PostgreSQL uses the
    ``listing_changes`` sequence instead, so that writers never queue on this row."""

    __tablename__ = "index_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class BuyerRequest(Model, Versioned):
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
    status: Mapped[str] = mapped_column(String(12), default="open")  # rfq.RequestStatus
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # --- the terms of a request for quotation (docs/plans/issue-9-rfq.md) ---------------
    incoterm: Mapped[str | None] = mapped_column(String(3))  # Incoterms 2020, e.g. FOB
    incoterm_place: Mapped[str] = mapped_column(String(200), default="", server_default="")
    payment_terms: Mapped[str | None] = mapped_column(String(20))  # rfq_schemas.PaymentTerms
    payment_note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    packaging: Mapped[str | None] = mapped_column(String(20))  # rfq_schemas.Packaging
    packaging_note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    samples: Mapped[str] = mapped_column(String(20), default="none", server_default="none")
    quote_deadline: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    anonymous_until_accepted: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    enquiries: Mapped[list[Enquiry]] = relationship(
        back_populates="request", lazy="selectin", order_by="Enquiry.id"
    )
    changes: Mapped[list[RequestChange]] = relationship(
        back_populates="request", lazy="selectin", order_by="RequestChange.id",
        cascade="all, delete-orphan",
    )
    attachments: Mapped[list[RequestAttachment]] = relationship(
        back_populates="request", lazy="selectin", order_by="RequestAttachment.id",
        cascade="all, delete-orphan",
    )


class RequestChange(Model):
    """An edit, close, withdrawal or publication of a request, shown to the enterprises it
    went to."""

    __tablename__ = "docking_request_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("docking_requests.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))  # rfq_schemas.ChangeKind
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    request: Mapped[BuyerRequest] = relationship(back_populates="changes")


class StoredFile:
    """The columns of an uploaded file whose bytes are in the storage (``tradebase.storage``)
    under ``key``: its name as sent, its checked type and its size."""

    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class RequestAttachment(StoredFile, Model):
    """A file attached to a request (a drawing, a specification sheet); its bytes are in the
    storage (``tradebase.storage``) under ``key``."""

    __tablename__ = "docking_request_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("docking_requests.id", ondelete="CASCADE"), index=True
    )

    request: Mapped[BuyerRequest] = relationship(back_populates="attachments")


class RequestReport(Model):
    """An enterprise's report of a request as spam (one per request and enterprise)."""

    __tablename__ = "docking_request_reports"
    __table_args__ = (UniqueConstraint("request_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("docking_requests.id", ondelete="CASCADE"), index=True
    )
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Suspension(Model):
    """A buyer suspended from docking (posting, sending, publishing) by an administrator."""

    __tablename__ = "docking_suspensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    suspended_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("docking_requests.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Enquiry(Model, Versioned):
    """A request shortlisted for, then sent to, one enterprise, and its answer."""

    __tablename__ = "docking_enquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("docking_requests.id", ondelete="CASCADE"), index=True
    )
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    sku: Mapped[str | None] = mapped_column(String(80))  # the first of ``skus``
    skus: Mapped[list[str]] = mapped_column(JSON, default=list)  # the listings asked about
    origin: Mapped[str] = mapped_column(String(8), default="chosen", server_default="chosen")
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)  # in English
    # the same as codes and parameters (``reasons.Reason.as_json``), for the reader's language
    reason_codes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="shortlisted")
    quote_price: Mapped[float | None] = mapped_column(Float)
    quote_currency: Mapped[str | None] = mapped_column(String(3))
    quote_lead_time_days: Mapped[int | None] = mapped_column(Integer)
    answer_note: Mapped[str] = mapped_column(Text, default="")
    quote_sku: Mapped[str | None] = mapped_column(String(80))  # the listing the price is for
    quote_incoterm: Mapped[str | None] = mapped_column(String(3))
    quote_moq: Mapped[int | None] = mapped_column(Integer)
    quote_valid_until: Mapped[date | None] = mapped_column(Date)
    quote_shortlisted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    request: Mapped[BuyerRequest] = relationship(back_populates="enquiries", lazy="joined")
    enterprise: Mapped[Enterprise] = relationship(lazy="joined")
    intentions: Mapped[list[CooperationIntention]] = relationship(
        back_populates="enquiry", lazy="selectin", order_by="CooperationIntention.id"
    )


class CooperationIntention(Model, Versioned):
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


class DockingOrder(Model, Versioned):
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


class CapacityOffer(Model, Versioned):
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


class EnquiryMessage(Model):
    """One message of an enquiry's thread between its buyer and its enterprise
    (``docking/threads.py``). Written once, never edited."""

    __tablename__ = "docking_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(
        ForeignKey("docking_enquiries.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    side: Mapped[str] = mapped_column(String(10))  # "buyer" or "enterprise"
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    enquiry: Mapped[Enquiry] = relationship()
    attachments: Mapped[list[MessageAttachment]] = relationship(
        back_populates="message", lazy="selectin", order_by="MessageAttachment.id",
        cascade="all, delete-orphan",
    )


class MessageAttachment(StoredFile, Model):
    """A file sent with a message (a drawing, a photo of a sample); its bytes are in the
    storage under ``key``, checked like a request's attachments."""

    __tablename__ = "docking_message_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("docking_messages.id", ondelete="CASCADE"), index=True
    )

    message: Mapped[EnquiryMessage] = relationship(back_populates="attachments")


class MessageRead(Model):
    """A read receipt: ``user_id`` opened the thread holding ``message_id`` (of the other
    side) at ``read_at``; one row per message and reader, kept from the first opening."""

    __tablename__ = "docking_message_reads"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("docking_messages.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


__all__ = [
    "LISTINGS_COUNTER",
    "LISTING_CHANGES",
    "BuyerRequest",
    "CapacityOffer",
    "CooperationIntention",
    "DockingOrder",
    "Enquiry",
    "EnquiryMessage",
    "IndexVersion",
    "ListingFeatureRow",
    "ListingVectorRow",
    "MessageAttachment",
    "MessageRead",
    "RequestAttachment",
    "RequestChange",
    "RequestReport",
    "Suspension",
]
