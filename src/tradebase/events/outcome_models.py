"""Tables of what events produced: each held meeting's outcome (with the docking workflow's
cooperation intention it signed, linked by id, never copied) and its follow-up some months
later; and the indicator facts that state an event's totals (the ones the platform counted
from recorded outcomes, or the figure the organisers published). Thin: rules live in
``outcomes.py``, ``outcome_totals.py`` and ``accounts/policy.py``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradebase.db import Model
from tradebase.docking.models import CooperationIntention
from tradebase.events.models import EventMeeting
from tradebase.registry.models import IndicatorFact, Versioned, _now


class MeetingOutcome(Model, Versioned):
    """What a held meeting produced (``outcome_schemas.OutcomeResult``), recorded by the
    organisers or either side, and later how it went on (``FollowUpStage``). Read by the
    meeting's two sides and the event's organisers only. ``intention_id`` is the docking
    workflow's intention (quantity, unit, value, currency live there, once)."""

    __tablename__ = "event_meeting_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("event_meetings.id", ondelete="CASCADE"), unique=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True)
    result: Mapped[str] = mapped_column(String(14))
    note: Mapped[str] = mapped_column(Text, default="")
    intention_id: Mapped[int | None] = mapped_column(
        ForeignKey("cooperation_intentions.id", ondelete="SET NULL"), unique=True)
    follow_up: Mapped[str | None] = mapped_column(String(12))
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    followed_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    meeting: Mapped[EventMeeting] = relationship(lazy="joined")
    intention: Mapped[CooperationIntention | None] = relationship(lazy="joined")


class EventFact(Model):
    """An indicator fact that states a total of an event: ``counted`` from the outcomes
    recorded here (the platform wrote it when the organisers published the totals), or
    ``published`` (the figure the organisers or the press published, cited to its article).
    The fact is the registry's one row; this is the link, not a copy."""

    __tablename__ = "event_facts"

    fact_id: Mapped[int] = mapped_column(
        ForeignKey("indicator_facts.id", ondelete="CASCADE"), primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True)
    basis: Mapped[str] = mapped_column(String(10))  # "counted" or "published"

    fact: Mapped[IndicatorFact] = relationship(lazy="joined")


__all__ = ["EventFact", "MeetingOutcome"]
