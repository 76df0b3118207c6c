"""The trade-flow record: one reporter's flow of one product with one partner in one period.

Thin: reading files is ``trade_import.py``, the measures ``flows.py``, who may import or read
whose records ``accounts/policy.py``. Rows are written by bulk insert (COPY on PostgreSQL),
never as ORM objects one by one, and are not audited row by row (an import is one file).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from tradebase.db import Model

REPORTER_KINDS = ("base", "enterprise", "region", "country")
FLOWS = ("export", "import", "re_export", "re_import")
SOURCES = ("tradebase", "comtrade", "baci")


class TradeRecord(Model):
    """A flow as a file gave it. ``reporter`` is ``"<kind>:<id or code>"`` (``base:3``,
    ``enterprise:17``, ``region:5``, ``country:CHN``), the key the measures group by; exactly
    one of ``base_id``, ``enterprise_id``, ``region_id`` and ``reporter_country`` is set, as
    ``reporter_kind`` says. ``hs_written`` is the code as the file wrote it, ``hs_edition`` the
    edition it was read as, ``hs2022`` its HS 2022 code (six digits, a four-digit heading when
    an older code was split within one, None when split across headings). ``partner`` is an
    ISO 3166 alpha-3 code (``X..`` codes for areas no country stands for: see
    ``trade_formats.SPECIAL_PARTNERS``). ``value`` is in units of ``currency``."""

    __tablename__ = "trade_records"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN base_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN enterprise_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN region_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN reporter_country IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_reporter",
        ),
        CheckConstraint("month IS NULL OR (month >= 1 AND month <= 12)", name="month"),
        Index("ix_trade_records_reporter_flow_year", "reporter", "flow", "year"),
        Index("ix_trade_records_flow_year_hs2022", "flow", "year", "hs2022"),
        # For the cascades from bases, enterprises and regions: partial, so that the millions
        # of country rows cost these indexes nothing.
        *(Index(f"ix_trade_records_{column}", column,
                postgresql_where=text(f"{column} IS NOT NULL"),
                sqlite_where=text(f"{column} IS NOT NULL"))
          for column in ("base_id", "enterprise_id", "region_id")),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    reporter: Mapped[str] = mapped_column(String(40))
    reporter_kind: Mapped[str] = mapped_column(String(10))
    base_id: Mapped[int | None] = mapped_column(
        ForeignKey("bases.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"))
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("regions.id", ondelete="CASCADE"))
    reporter_country: Mapped[str | None] = mapped_column(String(3))
    flow: Mapped[str] = mapped_column(String(10))
    hs_written: Mapped[str] = mapped_column(String(40))
    hs_edition: Mapped[int] = mapped_column(SmallInteger)
    hs2022: Mapped[str | None] = mapped_column(String(6))
    partner: Mapped[str] = mapped_column(String(3))
    year: Mapped[int] = mapped_column(SmallInteger)
    month: Mapped[int | None] = mapped_column(SmallInteger)
    value: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    quantity: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(10))
    source_file: Mapped[str] = mapped_column(String(200))
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
