"""Notifying users, reading and marking one's inbox, choosing one's mails, claiming a
reminder once.

Services take ``session`` keyword-only and never commit. ``notify`` is called by the other
contexts' services after their flush (``docking/notices.py``) and by the reminders
(``reminders/service.py``); the inbox functions act for the signed-in user only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.models import User, UserEnterprise
from tradebase.errors import InvalidInput, NotFound, Unauthenticated
from tradebase.notifications.channels import INBOX, Message, Recipient, channels_of
from tradebase.notifications.kinds import MAIL, MAILED_BY_DEFAULT, Kind
from tradebase.notifications.models import Notification, NotificationPreference, SentReminder

INBOX_PAGE = 50


def _now() -> datetime:
    return datetime.now(UTC)


def _wanted(kind: str, channel: str, chosen: Mapping[tuple[int, str], bool], user_id: int
            ) -> bool:
    if channel == INBOX:
        return True
    if (user_id, channel) in chosen:
        return chosen[(user_id, channel)]
    return channel == MAIL and MAILED_BY_DEFAULT.get(Kind(kind), False)


def notify(*, session: Session, user_ids: Iterable[int | None], kind: Kind | str,
           params: Mapping[str, Any], link: str = "") -> int:
    """Tell each active user of ``user_ids`` that ``kind`` happened: a row in their inbox,
    and every other channel of the session whose preference they left on. ``params`` is
    plain JSON data (ids, names, figures), worded in the reader's language when shown.
    Returns how many users were notified."""
    kind = Kind(kind)
    wanted_ids = sorted({uid for uid in user_ids if uid is not None})
    if not wanted_ids:
        return 0
    users = session.execute(
        select(User.id, User.email, User.role, User.language)
        .where(User.id.in_(wanted_ids), User.is_active)
        .order_by(User.id)
    ).all()
    chosen = {
        (row.user_id, row.channel): row.enabled for row in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id.in_(wanted_ids),
                                                 NotificationPreference.kind == kind.value))
    }
    message = Message(kind=kind.value, params=dict(params), link=link)
    channels = channels_of(session)
    for user_id, email, role, language in users:
        recipient = Recipient(user_id=user_id, email=email, role=role, language=language or "")
        for channel in channels:
            if _wanted(kind.value, channel.name, chosen, user_id):
                channel.deliver(session=session, recipient=recipient, message=message)
    session.flush()
    return len(users)


def enterprise_members(*, session: Session, enterprise_ids: Iterable[int]) -> list[int]:
    """The active users who are members of the enterprises (who answers for them)."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return []
    return list(session.scalars(
        select(UserEnterprise.user_id).join(User, User.id == UserEnterprise.user_id)
        .where(UserEnterprise.enterprise_id.in_(ids), User.is_active)
        .distinct().order_by(UserEnterprise.user_id)
    ))


# --- one's own inbox -------------------------------------------------------------------------


def _user_id(session: Session) -> int:
    actor = current_actor(session)
    if actor.user_id is None:
        raise Unauthenticated("log in to see your notifications")
    return actor.user_id


def inbox(*, session: Session, limit: int = INBOX_PAGE) -> list[Notification]:
    """The signed-in user's notifications, newest first."""
    return list(session.scalars(
        select(Notification).where(Notification.user_id == _user_id(session))
        .order_by(Notification.id.desc()).limit(limit)
    ))


def unread_count(*, session: Session, user_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0


def mark_read(*, session: Session, notification_id: int) -> Notification:
    """Mark one of the signed-in user's notifications read; another user's is not found."""
    user_id = _user_id(session)
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != user_id:
        raise NotFound(f"Notification {notification_id} not found")
    if note.read_at is None:
        note.read_at = _now()
        session.flush()
    return note


def mark_all_read(*, session: Session) -> int:
    """Mark every unread notification of the signed-in user read; returns how many."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == _user_id(session), Notification.read_at.is_(None))
        .values(read_at=_now()).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- which mails one gets ----------------------------------------------------------------------


def mail_preferences(*, session: Session, user_id: int) -> dict[Kind, bool]:
    """Whether ``user_id`` is mailed each kind (its choice, else the kind's default)."""
    chosen = {
        row.kind: row.enabled for row in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user_id,
                                                 NotificationPreference.channel == MAIL))
    }
    return {kind: chosen.get(kind.value, MAILED_BY_DEFAULT[kind]) for kind in Kind}


def set_mail_preferences(*, session: Session, mailed: Iterable[str]) -> dict[Kind, bool]:
    """The signed-in user is mailed the kinds in ``mailed`` and no other."""
    user_id = _user_id(session)
    wanted = set(mailed)
    unknown = wanted - {kind.value for kind in Kind}
    if unknown:
        raise InvalidInput(f"unknown kinds of notification: {sorted(unknown)}", field="mail")
    rows = {
        row.kind: row for row in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user_id,
                                                 NotificationPreference.channel == MAIL))
    }
    for kind in Kind:
        enabled = kind.value in wanted
        row = rows.get(kind.value)
        if row is None:
            session.add(NotificationPreference(user_id=user_id, kind=kind.value, channel=MAIL,
                                               enabled=enabled))
        elif row.enabled != enabled:
            row.enabled = enabled
    session.flush()
    return mail_preferences(session=session, user_id=user_id)


# --- reminders: each key once --------------------------------------------------------------------


def claim_reminder(*, session: Session, key: str, kind: Kind | str) -> bool:
    """Claim the reminder ``key``: True for the one transaction that may send it, False when
    it was sent before. The key is UNIQUE: a concurrent claim waits for this transaction and
    then finds the key taken (PostgreSQL), or waits for the single writer (SQLite)."""
    values = {"key": key, "kind": Kind(kind).value, "recipients": 0, "sent_at": _now()}
    table = cast(Table, SentReminder.__table__)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt: Any = postgresql_insert(table).values(values).on_conflict_do_nothing(
            index_elements=["key"])
    elif dialect == "sqlite":
        stmt = sqlite_insert(table).values(values).on_conflict_do_nothing(
            index_elements=["key"])
    else:  # another database: a plain insert, whose conflict fails the run instead
        stmt = insert(table).values(values)
    # RETURNING, not rowcount: a row comes back only when this statement inserted it
    return session.execute(stmt.returning(table.c.id)).first() is not None


def record_recipients(*, session: Session, key: str, recipients: int) -> None:
    session.execute(update(SentReminder).where(SentReminder.key == key)
                    .values(recipients=recipients).execution_options(synchronize_session=False))


def was_sent(*, session: Session, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` were claimed already."""
    wanted = sorted(set(keys))
    if not wanted:
        return set()
    return set(session.scalars(select(SentReminder.key).where(SentReminder.key.in_(wanted))))
