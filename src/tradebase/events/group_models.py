"""Tables of group meetings: a buyer's request for one meeting with all the factories of a
capacity-docking split at a docking day, and the group meetings a schedule gives them (a
slot, a table, every member at it). Thin: rules live in ``group_meetings.py``,
``splitting/event_groups.py`` and ``accounts/policy.py``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradebase.db import Model
from tradebase.events.models import Registration
from tradebase.registry.models import Versioned, _now


class GroupMeetingRequest(Model, Versioned):
    """"One meeting with all the factories of this split": the buyer's registration, the
    split's docking request (its reference) and the factories (enterprise ids) the split
    chose, asked by the buyer or the event's organisers. A factory without an approved
    registration of the event keeps the group out of the schedule (``left_out`` says why)."""

    __tablename__ = "event_group_requests"
    __table_args__ = (UniqueConstraint("event_id", "docking_request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True)
    docking_request_id: Mapped[int] = mapped_column(
        ForeignKey("docking_requests.id", ondelete="CASCADE"), index=True)
    buyer_registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True)
    enterprise_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    objective: Mapped[str] = mapped_column(String(12), default="")
    priority: Mapped[int] = mapped_column(Integer, default=3)
    status: Mapped[str] = mapped_column(String(12), default="requested")  # or "withdrawn"
    # why the last run of the scheduler left it out (``group_meetings.LEFT_OUT``); None: placed
    left_out: Mapped[str | None] = mapped_column(String(24))
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    buyer: Mapped[Registration] = relationship(lazy="joined")

    @property
    def reference(self) -> str:
        """The split order's reference as people quote it: its docking request."""
        return f"#{self.docking_request_id}"


class EventGroupMeeting(Model):
    """A group meeting of a docking day's schedule: a group request in a slot at a table
    (both from 0); ``draft``, ``published`` or ``cancelled`` like ``EventMeeting``."""

    __tablename__ = "event_group_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True)
    group_request_id: Mapped[int] = mapped_column(
        ForeignKey("event_group_requests.id", ondelete="CASCADE"), index=True)
    slot: Mapped[int] = mapped_column(Integer)
    table_no: Mapped[int] = mapped_column(Integer)
    # the registrations at the table when it was scheduled: the buyer's first
    member_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    group: Mapped[GroupMeetingRequest] = relationship(lazy="joined")


__all__ = ["EventGroupMeeting", "GroupMeetingRequest"]
