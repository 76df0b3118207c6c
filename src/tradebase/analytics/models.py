"""Analytics tables: administrators' exchange rates over the shipped default, evaluation
schemes with every version kept, and ranking runs with the exact facts they read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradebase.db import Model
from tradebase.registry.models import Timestamped


def _now() -> datetime:
    return datetime.now(UTC)


class RateOverride(Model, Timestamped):
    """A rate an administrator keeps: replaces the shipped one of the same period and
    currency, or adds one the default lacks (units of ``currency`` for one US dollar)."""

    __tablename__ = "analytics_rates"
    __table_args__ = (UniqueConstraint("granularity", "period", "currency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    granularity: Mapped[str] = mapped_column(String(5))
    period: Mapped[str] = mapped_column(String(7))
    currency: Mapped[str] = mapped_column(String(3))
    per_usd: Mapped[float] = mapped_column(Float)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class EvaluationScheme(Model, Timestamped):
    """A named scheme; what it says is in its versions (every edit is a new one)."""

    __tablename__ = "analytics_schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    latest_version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    versions: Mapped[list[SchemeVersion]] = relationship(
        back_populates="scheme", order_by="SchemeVersion.number", lazy="selectin",
        cascade="all, delete-orphan")


class SchemeVersion(Model):
    """One version of a scheme, never changed once written."""

    __tablename__ = "analytics_scheme_versions"
    __table_args__ = (UniqueConstraint("scheme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(
        ForeignKey("analytics_schemes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    scheme: Mapped[EvaluationScheme] = relationship(back_populates="versions")


class RankingRun(Model):
    """A scheme version applied to the register at one moment: the facts it read (ids,
    values, currencies, the rates that made them comparable) and the ranking it gave, so that
    the run can be reproduced whatever has happened to the facts since."""

    __tablename__ = "analytics_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_version_id: Mapped[int] = mapped_column(
        ForeignKey("analytics_scheme_versions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    bases: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """The bases ranked: ``{"id", "key"}`` each."""
    facts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """Every fact read: ``{"id", "base_id", "metric", "value", "currency", "year",
    "comparable", "rate", "rate_period"}``."""
    result: Mapped[dict[str, Any]] = mapped_column(JSON)

    scheme_version: Mapped[SchemeVersion] = relationship(lazy="joined")
