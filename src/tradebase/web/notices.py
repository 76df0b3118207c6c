"""The web request's side of notifications: the channels its session notifies through, and
the unread count of the nav bar (read only when a page shows it)."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from tradebase.accounts.policy import Actor
from tradebase.notifications.channels import use_channels
from tradebase.notifications.service import unread_count


def attach(request: Request, session: Session, actor: Actor) -> None:
    use_channels(session, getattr(request.app.state, "notification_channels", ()))
    user_id = actor.user_id
    if user_id is not None:
        request.state.unread_notifications = lambda: unread_count(session=session,
                                                                  user_id=user_id)


def detach(request: Request, actor: Actor) -> None:
    """The request's session is closed: a page rendered after it (an error page, from an
    exception handler) reads the unread count in a short session of its own, never in the
    closed one, which would open a transaction that nothing ends."""
    user_id = actor.user_id
    if user_id is None or not hasattr(request.state, "unread_notifications"):
        return

    def count() -> int:
        with request.app.state.session_factory() as session:
            return unread_count(session=session, user_id=user_id)

    request.state.unread_notifications = count
