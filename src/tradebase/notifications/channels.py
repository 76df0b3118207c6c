"""Where a notification goes: the in-app inbox always, other channels by the user's choice.

A ``Channel`` is one small class (warehouse's ``interfaces.py`` idea): ``InboxChannel`` writes
the inbox row in the transaction; ``MailChannel`` words the message with the renderer it was
given (the web layer's catalogs) and hands it to the existing ``MailSender`` only once the
transaction has committed, so nobody is mailed about a change that was rolled back. An SMS or
WeChat channel later is one more class with a ``name`` (the preference it obeys) and
``deliver``; the services that call ``notify`` do not change.

Whoever owns the transaction (the web request, a CLI command, a job) says which channels
beyond the inbox its session uses (``use_channels``); a session that says nothing notifies
the inbox only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from tradebase.accounts.mail import MailSender
from tradebase.notifications.kinds import MAIL
from tradebase.notifications.models import Notification

log = logging.getLogger(__name__)

INBOX = "inbox"
_CHANNELS = "tradebase.notifications.channels"
_AFTER_COMMIT = "tradebase.notifications.after_commit"


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    email: str
    role: str = ""
    language: str = ""  # the user's own interface language; "" = none chosen


@dataclass(frozen=True, slots=True)
class Message:
    """What happened, as data: worded only by whoever shows it."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)
    link: str = ""


class Channel(Protocol):
    @property
    def name(self) -> str:
        """The channel's name in the users' preferences (``inbox`` is always on)."""
        ...

    def deliver(self, *, session: Session, recipient: Recipient, message: Message) -> None: ...


class InboxChannel:
    """The in-app inbox: one ``notifications`` row, in the caller's transaction."""

    name = INBOX

    def deliver(self, *, session: Session, recipient: Recipient, message: Message) -> None:
        session.add(Notification(user_id=recipient.user_id, kind=message.kind,
                                 params=dict(message.params), link=message.link))


Render = Callable[[Message, Recipient], tuple[str, str]]
"""A message worded for mail to a recipient, in its language: (subject, body)."""


class MailChannel:
    """Mail through the existing backend (console, SMTP, memory), sent after the commit."""

    name = MAIL

    def __init__(self, mailer: MailSender, render: Render) -> None:
        self.mailer, self.render = mailer, render

    def deliver(self, *, session: Session, recipient: Recipient, message: Message) -> None:
        subject, body = self.render(message, recipient)
        after_commit(session, lambda: self.mailer.send(to=recipient.email, subject=subject,
                                                       body=body))


def use_channels(session: Session, channels: Sequence[Channel]) -> None:
    """The channels beyond the inbox that ``session``'s notifications use."""
    session.info[_CHANNELS] = tuple(c for c in channels if c.name != INBOX)


def channels_of(session: Session) -> tuple[Channel, ...]:
    """The inbox first, then the channels the session's owner chose."""
    chosen: tuple[Channel, ...] = session.info.get(_CHANNELS, ())
    return (InboxChannel(), *chosen)


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run ``action`` once the session's transaction has committed (never after a rollback)."""
    if session.get_transaction() is None:
        session.begin()  # a transaction to belong to, so that its rollback drops the action
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


def _run_after_commit(session: Session) -> None:
    actions: list[Callable[[], None]] = session.info.pop(_AFTER_COMMIT, [])
    for action in actions:
        try:
            action()
        except Exception:  # one failing delivery must not stop the others
            log.exception("a notification could not be delivered")


def _drop_at_end(session: Session, transaction: SessionTransaction) -> None:
    """The transaction ended without a commit (a commit ran the actions already)."""
    if transaction.parent is None:  # the whole transaction, not a savepoint within it
        session.info.pop(_AFTER_COMMIT, None)


def install() -> None:
    """Deliver after commits of every session (``models.load_all_models`` calls this)."""
    if not event.contains(Session, "after_commit", _run_after_commit):
        event.listen(Session, "after_commit", _run_after_commit)
        event.listen(Session, "after_transaction_end", _drop_at_end)
