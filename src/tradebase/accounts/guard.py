"""The actor of a unit of work, and the one call the services make to check a permission.

The request (or CLI command, or job) that owns the transaction puts its actor on the session;
services call ``authorize`` before they change anything. A session without an actor acts as
the anonymous public, which may read the public register and change nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tradebase.accounts.policy import ANONYMOUS, Actor, Permission, is_allowed
from tradebase.errors import Forbidden, Unauthenticated

_KEY = "tradebase.actor"


def set_actor(session: Session, actor: Actor) -> None:
    session.info[_KEY] = actor


def current_actor(session: Session) -> Actor:
    actor = session.info.get(_KEY, ANONYMOUS)
    assert isinstance(actor, Actor)
    return actor


def authorize(
    session: Session,
    permission: Permission,
    *,
    base_id: int | None = None,
    enterprise_id: int | None = None,
) -> Actor:
    """Raise Unauthenticated or Forbidden unless the session's actor holds ``permission``."""
    actor = current_actor(session)
    if is_allowed(actor, permission, base_id=base_id, enterprise_id=enterprise_id):
        return actor
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token to make changes")
    if not actor.verified:
        raise Forbidden("verify your e-mail address first", code="unverified")
    if not actor.can_write and permission is not Permission.VIEW_AUDIT:
        raise Forbidden("this API token is read-only")
    raise Forbidden(f"{actor.label} may not {permission.value.replace('_', ' ')} here")
