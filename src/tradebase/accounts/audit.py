"""The audit log: every change to the data, with who made it and the values before and after.

One listener on every session records what a flush inserts, updates and deletes, so no
service can forget to log. The actor comes from the unit of work (``guard.current_actor``).
Secrets (password and token hashes) and bookkeeping columns are never written to the log.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import get_history

from tradebase.accounts.guard import authorize, current_actor
from tradebase.accounts.models import AuditEntry, PasswordResetToken, UserSession
from tradebase.accounts.policy import Permission, Role
from tradebase.db import Model
from tradebase.registry.models import Enterprise, HsCode, Product

# Tables whose rows are bookkeeping, not data anyone edits.
NOT_AUDITED: tuple[type[Model], ...] = (AuditEntry, UserSession, PasswordResetToken, HsCode)
# Columns never copied into the log.
# (a procurement quote's price breaks are sealed until its round closes: never logged)
HIDDEN = {"password_hash", "token_hash", "csrf_token", "price_breaks"}
# Columns whose change alone is not worth an entry.
QUIET = {"updated_at", "created_at", "last_used_at", "last_login_at", "failed_logins",
         "locked_until"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def _columns(obj: Model) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs if attr.key not in HIDDEN]


def _snapshot(obj: Model) -> dict[str, Any]:
    return {key: _plain(getattr(obj, key, None)) for key in _columns(obj)}


def _identity(obj: Model) -> str:
    key = inspect(obj).identity or tuple(
        getattr(obj, str(col.key)) for col in inspect(obj).mapper.primary_key
    )
    return "/".join(str(part) for part in key)


def _enterprise_bases(session: Session, objects: list[Model]) -> dict[int, int | None]:
    """Enterprise id -> base id for the products of a flush, in one query."""
    wanted = {obj.enterprise_id for obj in objects if isinstance(obj, Product)}
    if not wanted:
        return {}
    rows = session.connection().execute(
        select(Enterprise.id, Enterprise.base_id).where(Enterprise.id.in_(wanted))
    )
    return {row.id: row.base_id for row in rows}


def _base_of(obj: Model, enterprise_bases: dict[int, int | None]) -> int | None:
    """The base an object belongs to, so that base administrators see its entries."""
    if isinstance(obj, Product):
        return enterprise_bases.get(obj.enterprise_id)
    base_id = getattr(obj, "base_id", None)
    if base_id is None and type(obj).__tablename__ == "bases":
        base_id = getattr(obj, "id", None)
    return base_id if isinstance(base_id, int) else None


def _changes(obj: Model) -> tuple[dict[str, Any], dict[str, Any]]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _columns(obj):
        history = get_history(obj, key)
        if history.has_changes() and key not in QUIET:
            before[key] = _plain(history.deleted[0]) if history.deleted else None
            after[key] = _plain(history.added[0]) if history.added else None
    return before, after


def _after_flush(session: Session, _flush_context: UOWTransaction) -> None:
    actor = current_actor(session)
    rows: list[dict[str, Any]] = []
    enterprise_bases = _enterprise_bases(
        session, [*session.new, *session.dirty, *session.deleted]
    )

    def record(obj: Model, action: str, before: Any, after: Any) -> None:
        if isinstance(obj, NOT_AUDITED):
            return
        rows.append(
            {
                "actor_id": actor.user_id,
                "actor": actor.label,
                "action": action,
                "entity": type(obj).__tablename__,
                "entity_id": _identity(obj),
                "base_id": _base_of(obj, enterprise_bases),
                "before": before,
                "after": after,
                "summary": "",
            }
        )

    for obj in session.new:
        record(obj, "create", None, _snapshot(obj))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                record(obj, "update", before, after)
    for obj in session.deleted:
        record(obj, "delete", _snapshot(obj), None)
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


def install() -> None:
    """Listen to every session (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def list_entries(
    *,
    session: Session,
    entity: str | None = None,
    base_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AuditEntry], int]:
    """Audit entries the actor may see, newest first: all for a platform administrator, those
    of their bases for a base administrator."""
    actor = authorize(session, Permission.VIEW_AUDIT, base_id=base_id)
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if base_id is not None:
        stmt = stmt.where(AuditEntry.base_id == base_id)
    if not actor.is_system and actor.role is Role.BASE_ADMIN:
        stmt = stmt.where(AuditEntry.base_id.in_(actor.base_ids))
    entries = list(session.scalars(stmt))
    return entries[offset : offset + limit], len(entries)


def export_csv(entries: Sequence[AuditEntry]) -> str:
    """The entries as CSV (UTF-8), before/after as JSON text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "actor", "action", "entity", "entity_id", "base_id", "before",
                     "after"])
    for e in entries:
        writer.writerow([
            e.id, _plain(e.at), e.actor, e.action, e.entity, e.entity_id, e.base_id,
            json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
            json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
        ])
    return out.getvalue()
