"""Tables of a competition (an event of kind ``competition``): its judging state, categories,
entries, judges with their declared conflicts, criteria and the sealed scores (migrations
``a7c5e9f1b3d4``, ``e2f3a4b5c6d7``). Thin: rules live in ``competitions.py``,
``competition_entries.py`` and ``accounts/policy.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradebase.db import Model
from tradebase.registry.models import Enterprise, _now


class Competition(Model):
    """The judging state of a competition event: open → closed → published."""

    __tablename__ = "competitions"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    tie_break: Mapped[str] = mapped_column(String(20), default="none")
    comments_published: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false())
    # the first score given: from then on entrants no longer edit or withdraw their entries
    judging_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ranking: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # as published


class CompetitionCategory(Model):
    __tablename__ = "competition_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")


class CompetitionEntry(Model):
    """An entry by an enterprise, or by a person (a designer, a pattern maker) with an
    optional enterprise."""

    __tablename__ = "competition_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("competition_categories.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "enterprise" or "person"
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="SET NULL"), index=True)
    person_name: Mapped[str] = mapped_column(String(200), default="")
    person_role: Mapped[str] = mapped_column(String(40), default="")  # designer, pattern maker
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # the user who submitted it (None: entered by the organisers before entrants could)
    submitted_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    enterprise: Mapped[Enterprise | None] = relationship(lazy="joined")

    @property
    def entrant(self) -> str:
        if self.kind == "person":
            return self.person_name
        return self.enterprise.display_name if self.enterprise is not None else ""


class CompetitionJudge(Model):
    """A platform user the organisers made a judge, with its affiliation (an enterprise) and
    the categories it judges (None: every category)."""

    __tablename__ = "competition_judges"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    affiliation_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="SET NULL"))
    category_ids: Mapped[list[int] | None] = mapped_column(JSON)

    conflicts: Mapped[list[JudgeConflict]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="JudgeConflict.id")


class JudgeConflict(Model):
    """A conflict of interest a judge declared: an entry, or an enterprise (all its entries)."""

    __tablename__ = "competition_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(
        ForeignKey("competition_judges.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("competition_entries.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")


class CompetitionCriterion(Model):
    __tablename__ = "competition_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("competition_categories.id", ondelete="CASCADE"))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    max_score: Mapped[float] = mapped_column(Float, default=10.0)


class CompetitionScore(Model):
    """One judge's score of one entry on one criterion: sealed until judging closes."""

    __tablename__ = "competition_scores"
    __table_args__ = (UniqueConstraint("judge_id", "entry_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(
        ForeignKey("competition_judges.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("competition_entries.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("competition_criteria.id", ondelete="CASCADE"))
    # sealed: named so that the audit log never copies them (``audit.HIDDEN``)
    sealed_value: Mapped[float] = mapped_column(Float)
    sealed_comment: Mapped[str] = mapped_column(Text, default="")
    scored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


__all__ = ["Competition", "CompetitionCategory", "CompetitionCriterion", "CompetitionEntry",
           "CompetitionJudge", "CompetitionScore", "JudgeConflict"]
