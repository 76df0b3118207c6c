"""Tables of notifications. Thin: rules live in ``service.py`` and ``channels.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tradebase.db import Model
from tradebase.registry.models import _now


class Notification(Model):
    """One notification in one user's inbox: what happened (``kind`` and ``params``, worded
    when it is read) and where to look (``link``, a path on this site)."""

    __tablename__ = "notifications"
    # the unread count of the nav bar reads (user, read_at); the inbox reads newest first
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NotificationPreference(Model):
    """Whether a user wants notifications of one kind on one channel (``mail``); without a
    row, the kind's default holds (``kinds.KINDS``)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)


class SentReminder(Model):
    """A reminder that was sent: its key is UNIQUE, so a second run (even a concurrent one)
    cannot claim it again."""

    __tablename__ = "sent_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


__all__ = ["Notification", "NotificationPreference", "SentReminder"]
