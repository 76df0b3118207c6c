"""Tables of events: the events themselves (with their organising bases and, for docking days,
the slot plan), registrations of enterprises and buyer organisations, and meeting requests
between registrations. Thin: rules live in ``service.py``, ``registrations.py``,
``meetings.py`` and ``accounts/policy.py``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradebase.db import Model
from tradebase.registry.models import Enterprise, Versioned, _now


class EventBase(Model):
    """One organising base of an event (an event may have several)."""

    __tablename__ = "event_bases"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    base_id: Mapped[int] = mapped_column(
        ForeignKey("bases.id", ondelete="CASCADE"), primary_key=True, index=True)


class Event(Model, Versioned):
    """A docking day, exhibition, festival, competition or campaign (``schemas.EventKind``)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True)  # its campaign
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166 alpha-2
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int | None] = mapped_column(Integer)  # approved registrations at most
    over_capacity: Mapped[str] = mapped_column(String(10), default="waitlist")
    registration_deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # the outcome's totals are public (``outcome_totals.publish``); before, the organisers'
    outcomes_published: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false())
    # meeting requests (docking days)
    auto_accept: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    max_requests: Mapped[int | None] = mapped_column(Integer)  # sent per participant
    max_meetings: Mapped[int | None] = mapped_column(Integer)  # accepted per participant
    # the slot plan of a docking day: ``slots.slot_times``
    slot_minutes: Mapped[int | None] = mapped_column(Integer)
    day_start: Mapped[str | None] = mapped_column(String(5))  # "HH:MM"
    sessions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    tables: Mapped[int | None] = mapped_column(Integer)
    # what a festival or exhibition drew, and a campaign's target
    visitors: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    target_text: Mapped[str] = mapped_column(Text, default="")
    target_cities: Mapped[int | None] = mapped_column(Integer)
    target_countries: Mapped[int | None] = mapped_column(Integer)
    target_visitors: Mapped[int | None] = mapped_column(Integer)
    target_value: Mapped[float | None] = mapped_column(Float)
    # the organisers' choice among a city's namesakes in the gazetteer (``events/gazetteer.py``)
    geonameid: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    base_rows: Mapped[list[EventBase]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="EventBase.base_id")

    @property
    def abroad(self) -> bool:
        """Held outside China (an exhibition or festival abroad)."""
        return self.country is not None and self.country != "CN"

    @property
    def base_ids(self) -> list[int]:
        return sorted(row.base_id for row in self.base_rows)


class Registration(Model, Versioned):
    """An enterprise or a buyer organisation registered for an event, with who attends, what
    it offers and seeks, and the slots it is available (None: every slot)."""

    __tablename__ = "event_registrations"
    __table_args__ = (UniqueConstraint("event_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "enterprise" or "buyer"
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    registered_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    attendees: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    offers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    seeks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    available_slots: Mapped[list[int] | None] = mapped_column(JSON)
    booth: Mapped[str] = mapped_column(String(40), default="")
    hall: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # an exhibitor's products shown at its booth: ids of its own catalog's products
    products_shown: Mapped[list[int]] = mapped_column(JSON, default=list, server_default="[]")
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # at the door of the event (``events/agendas.check_in``): when, and which organiser
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_in_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    enterprise: Mapped[Enterprise | None] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        if self.enterprise is not None:
            return self.enterprise.display_name
        return self.organisation

    # The name in each language, for ``i18n.localized`` (a page's ``|loc("name")``): an
    # enterprise's own, a buyer organisation's as registered (one spelling).
    @property
    def name_zh(self) -> str:
        return self.enterprise.name_zh if self.enterprise is not None else self.organisation

    @property
    def name_en(self) -> str:
        return self.enterprise.name_en if self.enterprise is not None else self.organisation


class Lead(Model, Versioned):
    """A buyer met at a fair by an exhibitor of the delegation: who, from where, how to reach
    them and what they want. It becomes a docking request (``docking_request_id``) or stays a
    buyer contact (``status``). The organisers' and the collecting enterprise's business only
    (``policy.may_see_lead``)."""

    __tablename__ = "event_leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(  # the exhibitor that met the buyer
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True)
    buyer_name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    contact: Mapped[str] = mapped_column(String(300), default="")
    wants: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    status: Mapped[str] = mapped_column(String(10), default="new")  # new, request, contact
    docking_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("docking_requests.id", ondelete="SET NULL"))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    registration: Mapped[Registration] = relationship(lazy="joined")


class MeetingRequest(Model, Versioned):
    """One participant asks another of the same event for a 1:1 meeting. ``message`` is read
    by both sides; each side's ``*_note`` by that side only."""

    __tablename__ = "event_meeting_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="requested")
    priority: Mapped[int] = mapped_column(Integer, default=3)  # the requester's, 1-5
    organiser_priority: Mapped[int | None] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(10), default="chosen")  # or "suggested"
    message: Mapped[str] = mapped_column(Text, default="")
    requester_note: Mapped[str] = mapped_column(Text, default="")
    recipient_note: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    requester: Mapped[Registration] = relationship(foreign_keys=[requester_id], lazy="joined")
    recipient: Mapped[Registration] = relationship(foreign_keys=[recipient_id], lazy="joined")

    @property
    def effective_priority(self) -> int:
        """The organiser's override, else the requester's."""
        return self.organiser_priority if self.organiser_priority is not None else self.priority


class EventMeeting(Model, Versioned):
    """A meeting of a docking day's schedule: an accepted meeting request in a slot at a
    table (both from 0). ``draft`` until the organisers publish the schedule, then
    ``published``; ``cancelled`` when a later schedule drops or moves it
    (``events/scheduling.py``)."""

    __tablename__ = "event_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True)
    meeting_request_id: Mapped[int] = mapped_column(
        ForeignKey("event_meeting_requests.id", ondelete="CASCADE"), index=True)
    slot: Mapped[int] = mapped_column(Integer)
    table_no: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    request: Mapped[MeetingRequest] = relationship(lazy="joined")


class EventSchedule(Model):
    """The last run of the scheduler for an event: the engine's status, its proven upper
    bound and what it placed; ``published_at`` once the organisers published it."""

    __tablename__ = "event_schedules"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    solver_status: Mapped[str] = mapped_column(String(10))  # "optimal" or "feasible"
    upper_bound: Mapped[int] = mapped_column(Integer)
    meetings: Mapped[int] = mapped_column(Integer)
    total_priority: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    ran_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def gap(self) -> float:
        """1 − meetings / upper bound (0 when nothing could be scheduled)."""
        return 0.0 if self.upper_bound <= 0 else max(0.0, 1 - self.meetings / self.upper_bound)


__all__ = ["Event", "EventBase", "EventMeeting", "EventSchedule", "Lead", "MeetingRequest",
           "Registration"]
