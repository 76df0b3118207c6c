"""Optimistic concurrency of editable objects: the version a change was based on, and rows
loaded under a lock for the change.

Every editable table has a ``version`` column (``models.Versioned``, SQLAlchemy's
``version_id_col``): an ORM UPDATE or DELETE checks the number it read and bumps it, so a
stale write raises ``StaleDataError`` (turned into ``StaleObject``, 409) instead of quietly
overwriting a change committed in between. Two more things make that whole:

- ``load_for_update`` reads the row with ``SELECT ... FOR UPDATE`` (of that table only, not
  its eagerly joined parents) and refreshes what the session held, so that concurrent
  changes of one object wait for each other and each applies to the committed row: the
  stored row is always one request applied whole, never a mix of two.
- a change of only a child collection (a product's titles, an enterprise's markets) updates
  the parent's ``updated_at`` too (a flush listener), so the parent's version moves with it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from tradebase.errors import NotFound, StaleObject
from tradebase.registry.models import Versioned, _now

V = TypeVar("V", bound=Versioned)


def load_for_update(session: Session, model: type[V], ident: int, what: str) -> V:
    """``model`` ``ident`` locked until this transaction ends, and read fresh after the lock
    was granted. The caller checks the permission, then ``check_version`` (in that order, so
    that a refusal never shows the current values to someone who may not change them)."""
    mapper = inspect(model)
    key = mapper.primary_key[0]
    stmt = (
        select(model).where(key == ident)
        .with_for_update(of=model)
        .execution_options(populate_existing=True)
    )
    obj = session.scalars(stmt).unique().first()
    if obj is None:
        raise NotFound(f"{what} {ident} does not exist", field="id")
    return obj


def check_version(obj: Versioned, expected: int | None, what: str) -> None:
    """Refuse a change based on another version than the stored one; ``expected`` is the
    version the change was based on (``If-Match``, a form's hidden field), None for "any"."""
    if expected is not None and expected != obj.version:
        raise StaleObject(
            f"{what} was changed by someone else (version {obj.version}, your change was "
            f"based on version {expected}); nothing was saved",
            current=obj, version=obj.version,
        )


def _touch_parents(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    for obj in list(session.dirty):
        if (isinstance(obj, Versioned) and hasattr(obj, "updated_at")
                and not session.is_modified(obj, include_collections=False)
                and session.is_modified(obj, include_collections=True)):
            obj.updated_at = _now()


def install() -> None:
    """Listen to every session (idempotent)."""
    from sqlalchemy import event

    if not event.contains(Session, "before_flush", _touch_parents):
        event.listen(Session, "before_flush", _touch_parents)
