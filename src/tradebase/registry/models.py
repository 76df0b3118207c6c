"""Tables of the register. Thin: rules live in ``service.py``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ColumnElement,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    or_,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from tradebase.db import Model


def _now() -> datetime:
    return datetime.now(UTC)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )


class CertificateDetails:
    """What makes a certification checkable: who issued it, its number, when it is valid, and
    the certificate file (a storage key). A certification whose ``valid_until`` has passed no
    longer satisfies a buyer's requirement (``is_valid_on``)."""

    issuer: Mapped[str] = mapped_column(String(200), default="")
    number: Mapped[str] = mapped_column(String(100), default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, index=True)
    file_key: Mapped[str | None] = mapped_column(String(200))
    # True once the matching index was refreshed after ``valid_until`` passed (registry/
    # certificates.py: the lapse is applied once, by ``tradebase reminders send``).
    lapse_indexed: Mapped[bool] = mapped_column(Boolean, default=False)

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until)

    @classmethod
    def valid_on(cls, day: date) -> ColumnElement[bool]:
        """``is_valid_on`` as a SQL condition (the matching index reads only valid ones)."""
        return and_(or_(cls.valid_from.is_(None), cls.valid_from <= day),
                    or_(cls.valid_until.is_(None), cls.valid_until >= day))


class Versioned:
    """An object users edit: ``version`` counts its committed changes (optimistic concurrency).

    SQLAlchemy's ``version_id_col`` makes every ORM UPDATE or DELETE of the row, wherever it
    comes from (a form, the API, an import), bump the number and check that the row still has
    the number it was read with; a stale write raises ``StaleDataError`` instead of silently
    overwriting a change committed meanwhile. The API shows it as ``version`` and ``ETag``."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - a declarative class attribute
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Region(Model):
    """An administrative region: province > city > county."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(12), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"))

    parent: Mapped[Region | None] = relationship(remote_side=[id])


class Industry(Model):
    __tablename__ = "industries"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))


class HsCode(Model):
    """A product category of the Harmonized System: chapter (2), heading (4), subheading (6)."""

    __tablename__ = "hs_codes"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    parent_code: Mapped[str | None] = mapped_column(String(6))
    section: Mapped[str] = mapped_column(String(5))


class SearchDocument(Model):
    """The searchable words of one base, enterprise, listing or HS code, normalised by
    ``registry/search_text.py`` (written by ``registry/search.py``; the full-text index over
    ``tokens`` is FTS5 on SQLite and a GIN index on PostgreSQL, created by the migration)."""

    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    object_id: Mapped[int] = mapped_column(Integer)
    """The object's id; for an HS code its digits as a number (unique across the levels)."""
    tokens: Mapped[str] = mapped_column(Text)


base_regions = Table(
    "base_regions",
    Model.metadata,
    Column("base_id", ForeignKey("bases.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("regions.id", ondelete="RESTRICT"), primary_key=True),
)


class Base(Model, Timestamped, Versioned):
    """An industrial cluster or export base (not to be confused with ``db.Model``)."""

    __tablename__ = "bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(60), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    industry_id: Mapped[int | None] = mapped_column(ForeignKey("industries.id"))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")

    industry: Mapped[Industry | None] = relationship(lazy="joined")
    regions: Mapped[list[Region]] = relationship(secondary=base_regions, lazy="selectin")
    designations: Mapped[list[Designation]] = relationship(
        back_populates="base", cascade="all, delete-orphan", lazy="selectin",
        order_by="Designation.year",
    )


class Designation(Model, Versioned):
    """A title given to a base by an authority, with a level and a year."""

    __tablename__ = "designations"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("bases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(80))
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(12))
    issuing_body_zh: Mapped[str] = mapped_column(String(200), default="")
    issuing_body_en: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int | None] = mapped_column(Integer)

    base: Mapped[Base] = relationship(back_populates="designations")


class Enterprise(Model, Timestamped, Versioned):
    """A factory or workshop, usually of a base."""

    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    base_id: Mapped[int | None] = mapped_column(
        ForeignKey("bases.id", ondelete="SET NULL"), index=True
    )
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    size: Mapped[str | None] = mapped_column(String(10))
    employees: Mapped[int | None] = mapped_column(Integer)
    founded: Mapped[int | None] = mapped_column(Integer)
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(50), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)

    base: Mapped[Base | None] = relationship(lazy="joined")
    region: Mapped[Region | None] = relationship(lazy="joined")
    certification_rows: Mapped[list[EnterpriseCertification]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="EnterpriseCertification.code"
    )
    market_rows: Mapped[list[EnterpriseMarket]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="EnterpriseMarket.country"
    )
    products: Mapped[list[Product]] = relationship(
        back_populates="enterprise", cascade="all, delete-orphan", lazy="raise_on_sql"
    )

    @property
    def certifications(self) -> list[str]:
        return [row.code for row in self.certification_rows]

    @property
    def markets(self) -> list[str]:
        return [row.country for row in self.market_rows]

    @property
    def display_name(self) -> str:
        return self.name_en or self.name_zh


class EnterpriseCertification(Model, CertificateDetails):
    __tablename__ = "enterprise_certifications"

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class EnterpriseMarket(Model):
    """A country (ISO 3166 alpha-2) the enterprise already exports to."""

    __tablename__ = "enterprise_markets"

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), primary_key=True
    )
    country: Mapped[str] = mapped_column(String(2), primary_key=True, index=True)


class Product(Model, Timestamped, Versioned):
    """A catalog listing of an enterprise."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(80), unique=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    hs_code: Mapped[str | None] = mapped_column(String(6), index=True)
    """The HS 2022 code the listing is matched on: six digits, a four-digit heading when an
    older code was split within it, or None (see ``registry/hs_codes.py``)."""
    hs_code_written: Mapped[str | None] = mapped_column(String(40))
    """The HS code as the enterprise wrote it (any edition, 6 to 10 digits, with dots)."""
    hs_edition: Mapped[int | None] = mapped_column(SmallInteger)
    """The HS edition the written code was read as (2022, 2017 or 2012)."""
    hs_candidates: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    """The HS 2022 subheadings an older code was split into, for the enterprise to choose."""
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    moq: Mapped[int | None] = mapped_column(Integer)
    monthly_capacity: Mapped[int | None] = mapped_column(Integer)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    price_min: Mapped[float | None] = mapped_column(Float)
    price_max: Mapped[float | None] = mapped_column(Float)
    """The unit price range the enterprise quotes (ex works unless the description says
    otherwise), in ``price_currency``."""
    price_currency: Mapped[str | None] = mapped_column(String(3))
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)

    enterprise: Mapped[Enterprise] = relationship(back_populates="products", lazy="joined")
    photos: Mapped[list[ProductPhoto]] = relationship(
        cascade="all, delete-orphan", lazy="selectin",
        order_by="(ProductPhoto.position, ProductPhoto.id)",
    )
    title_rows: Mapped[list[ProductTitle]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ProductTitle.lang"
    )
    certification_rows: Mapped[list[ProductCertification]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ProductCertification.code"
    )

    @property
    def titles(self) -> dict[str, str]:
        return {row.lang: row.text for row in self.title_rows}

    @property
    def certifications(self) -> list[str]:
        return [row.code for row in self.certification_rows]

    @property
    def enterprise_name(self) -> str:
        return self.enterprise.display_name

    def title_in(self, lang: str) -> str:
        return self.titles.get(lang) or self.title


class ProductTitle(Model):
    """The title of a listing in another language (``lang`` is a BCP 47 tag such as ``zh``)."""

    __tablename__ = "product_titles"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(12), primary_key=True)
    text: Mapped[str] = mapped_column(String(300))


class ProductPhoto(Model):
    """A photo of a listing, re-encoded (``key``) with its thumbnail (``thumb_key``); both are
    files of the storage (``tradebase/storage.py``), see ``registry/photos.py``."""

    __tablename__ = "product_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(200))
    thumb_key: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ProductCertification(Model, CertificateDetails):
    __tablename__ = "product_certifications"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class KeyEnterprise(Model, Versioned):
    """An entry of a base's key-enterprise list (e.g. national key cultural export enterprises)."""

    __tablename__ = "key_enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("bases.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="SET NULL")
    )
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    list_title_zh: Mapped[str] = mapped_column(String(200), default="")
    list_title_en: Mapped[str] = mapped_column(String(200), default="")
    listed_by: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int | None] = mapped_column(Integer)

    enterprise: Mapped[Enterprise | None] = relationship(lazy="joined")


class KeyProject(Model, Versioned):
    __tablename__ = "key_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("bases.id", ondelete="CASCADE"), index=True)
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    list_title_zh: Mapped[str] = mapped_column(String(200), default="")
    list_title_en: Mapped[str] = mapped_column(String(200), default="")
    listed_by: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    description_en: Mapped[str] = mapped_column(Text, default="")


class Source(Model):
    """A publication that figures are cited to: an article, a report, a data set.

    ``id`` is a stable text key (the demo's articles keep their file names' stems). Whatever
    the publication does not say stays empty (``""``, or ``None`` for the date): shown as
    unknown, never invented. ``language`` is the BCP 47 tag of the publication's text, the
    language its quotes are in."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    # its title in English when the publication has one (an event's English title); pages in
    # a language other than ``language`` show it, else ``title`` marked with its language
    title_en: Mapped[str] = mapped_column(String(300), default="", server_default="")
    publisher: Mapped[str] = mapped_column(String(200), default="")
    published_on: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(12), default="")
    url: Mapped[str] = mapped_column(String(500), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class IndicatorFact(Model, Timestamped, Versioned):
    """One published (or sample) figure: a metric of a base or an enterprise for a period."""

    __tablename__ = "indicator_facts"
    __table_args__ = (
        CheckConstraint(
            "(base_id IS NULL) <> (enterprise_id IS NULL)", name="exactly_one_subject"
        ),
        CheckConstraint("(currency IS NULL) <> (unit IS NULL)", name="currency_xor_unit"),
        CheckConstraint("month IS NULL OR (month >= 1 AND month <= 12)", name="month_range"),
        Index("ix_indicator_facts_subject_metric", "base_id", "enterprise_id", "metric"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int | None] = mapped_column(ForeignKey("bases.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    metric: Mapped[str] = mapped_column(String(60))
    value: Mapped[float] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    unit: Mapped[str | None] = mapped_column(String(30))
    year: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer)
    qualifier: Mapped[str | None] = mapped_column(String(12))
    source_id: Mapped[str | None] = mapped_column(
        ForeignKey("sources.id", ondelete="RESTRICT"), index=True
    )
    source_quote: Mapped[str] = mapped_column(Text, default="")
    """The sentence of the source the figure was read from, in the source's language."""
    note: Mapped[str] = mapped_column(Text, default="")
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)

    base: Mapped[Base | None] = relationship(lazy="raise_on_sql")
    enterprise: Mapped[Enterprise | None] = relationship(lazy="raise_on_sql")
    source: Mapped[Source | None] = relationship(lazy="joined")

    @property
    def subject_type(self) -> str:
        return "base" if self.base_id is not None else "enterprise"


__all__ = [
    "Base",
    "Designation",
    "Enterprise",
    "EnterpriseCertification",
    "EnterpriseMarket",
    "HsCode",
    "IndicatorFact",
    "Industry",
    "KeyEnterprise",
    "KeyProject",
    "Product",
    "ProductCertification",
    "ProductPhoto",
    "ProductTitle",
    "Region",
    "Source",
    "Timestamped",
    "Versioned",
    "base_regions",
]
