"""The audit log: every change to the data, with who made it and the values before and after.

Three session listeners record every change, so that no service can forget to log:

- after each flush, what the ORM inserted, updated and deleted (``_after_flush``);
- before each flush, the rows the database itself will delete or set to NULL through
  ``ON DELETE CASCADE`` / ``SET NULL`` foreign keys when the flush deletes their parent
  (``_before_flush``; written after the flush, with the rest);
- around each ORM bulk ``delete()`` / ``update()`` statement, the rows it matched, with their
  own database cascades (``_on_bulk_statement``).

Core statements on a bare connection and raw SQL text are not seen: services change audited
tables through the session's ORM statements. The actor comes from the unit of work
(``guard.current_actor``). Secrets (password and token hashes, sealed prices) and bookkeeping
columns are never written to the log. Reading the log (list, filters, CSV export) is in
``accounts/audit_log.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Table, event, insert, inspect, select, tuple_
from sqlalchemy.engine import Connection, Result
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.orm.attributes import get_history

from tradebase.accounts.guard import current_actor
from tradebase.accounts.models import AuditEntry, PasswordResetToken, RecoveryCode, UserSession
from tradebase.accounts.policy import Actor
from tradebase.db import Model
from tradebase.registry.models import Enterprise, HsCode, Product

# Tables whose rows are bookkeeping, not data anyone edits.
NOT_AUDITED: tuple[type[Model], ...] = (
    AuditEntry, UserSession, PasswordResetToken, RecoveryCode, HsCode,
)
# The same by table name, with the matching index's rows (rebuilt from the products) and
# the notifications' bookkeeping (each one follows from an audited change or a reminder)
# and the read receipts of enquiry threads (who opened a thread when, not data), the
# ranking runs (each is its own record of who ran which scheme version when, never changed,
# carrying every fact it read: copying those into the log would double a large row), and
# trade records (written by the million by bulk insert; an import is one file, not edits).
NOT_AUDITED_TABLES = frozenset(
    {str(model.__tablename__) for model in NOT_AUDITED}
    | {"listing_features", "index_versions", "notifications", "sent_reminders",
       "docking_message_reads", "analytics_runs", "trade_records"}
)
# Columns never copied into the log.
# (a procurement quote's price breaks are sealed until its round closes, a competition's
# scores until its judging closes, a meeting request's private notes are their side's only:
# never logged)
HIDDEN = {"password_hash", "token_hash", "csrf_token", "price_breaks", "totp_secret", "code_hash",
          "sealed_value", "sealed_comment", "requester_note", "recipient_note"}
# Columns whose change alone is not worth an entry.
QUIET = {"updated_at", "created_at", "last_used_at", "last_login_at", "failed_logins",
         "locked_until", "totp_last_step"}
_PENDING = "tradebase.audit.cascaded"
_CHUNK = 500


def _plain(value: Any) -> Any:
    """``value`` as JSON: nested mappings and lists stay JSON (an award is an object in the
    log, not the text of a Python dict)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    return str(value)


@dataclass(frozen=True)
class Change:
    """One audited change of one row, before it becomes an ``audit_log`` row."""

    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    enterprise_id: int | None = None
    base_id: int | None = None

    def row(self, actor: Actor, enterprise_bases: dict[int, int | None]) -> dict[str, Any]:
        base_id = self.base_id
        if self.entity == "products" and self.enterprise_id is not None:
            base_id = enterprise_bases.get(self.enterprise_id)
        return {
            "actor_id": actor.user_id, "actor": actor.label, "action": self.action,
            "entity": self.entity, "entity_id": self.entity_id, "base_id": base_id,
            "before": self.before, "after": self.after, "summary": "",
        }


def _write(connection: Connection, actor: Actor, changes: list[Change]) -> None:
    """Insert the entries of ``changes`` (with each product's base, looked up in one query)."""
    if not changes:
        return
    wanted = {c.enterprise_id for c in changes if c.entity == "products" and c.enterprise_id}
    enterprise_bases: dict[int, int | None] = {}
    for chunk in _chunks(sorted(i for i in wanted if i is not None)):
        rows = connection.execute(
            select(Enterprise.id, Enterprise.base_id).where(Enterprise.id.in_(chunk))
        )
        enterprise_bases.update({row.id: row.base_id for row in rows})
    connection.execute(insert(AuditEntry), [c.row(actor, enterprise_bases) for c in changes])


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


# --- rows as the database holds them (cascades and bulk statements) -------------------------


def _values_base(table: Table, values: Mapping[str, Any]) -> int | None:
    base_id = values.get("base_id")
    if base_id is None and table.name == "bases":
        base_id = values.get("id")
    return base_id if isinstance(base_id, int) else None


def _row_identity(table: Table, values: Mapping[str, Any]) -> str:
    return "/".join(str(values.get(col.key)) for col in table.primary_key.columns)


def _row_change(table: Table, action: str, values: Mapping[str, Any]) -> Change:
    snapshot = {k: _plain(v) for k, v in values.items() if k not in HIDDEN}
    enterprise_id = values.get("enterprise_id")
    return Change(
        action=action, entity=table.name, entity_id=_row_identity(table, values),
        before=snapshot if action == "delete" else None,
        after=snapshot if action == "create" else None,
        enterprise_id=enterprise_id if isinstance(enterprise_id, int) else None,
        base_id=_values_base(table, values),
    )


@lru_cache(maxsize=256)
def _referencing(table: Table) -> tuple[tuple[Table, Any, Any, str], ...]:
    """(child table, child column, parent column, ON DELETE action) for every foreign key
    that makes the database change child rows when a row of ``table`` is deleted."""
    found: list[tuple[Table, Any, Any, str]] = []
    for child in Model.metadata.sorted_tables:
        for fk in child.foreign_key_constraints:
            action = (fk.ondelete or "").upper()
            if fk.referred_table is table and action in {"CASCADE", "SET NULL"}:
                element = fk.elements[0]
                found.append((child, element.parent, element.column, action))
    return tuple(found)


def _database_cascades(
    connection: Connection, table: Table, parents: Sequence[Mapping[str, Any]],
    seen: set[tuple[str, str]],
) -> list[Change]:
    """The rows the database deletes (or sets to NULL) by itself when ``parents`` of
    ``table`` are deleted, read before they are; ``seen`` holds the rows logged already."""
    changes: list[Change] = []
    for child, child_column, parent_column, action in _referencing(table):
        keys = sorted({p[parent_column.key] for p in parents
                       if p.get(parent_column.key) is not None})
        rows: list[dict[str, Any]] = []
        for chunk in _chunks(keys):
            found = connection.execute(select(child).where(child_column.in_(chunk)))
            rows.extend(dict(row._mapping) for row in found)
        fresh = [r for r in rows if (child.name, _row_identity(child, r)) not in seen]
        seen.update((child.name, _row_identity(child, r)) for r in fresh)
        if not fresh:
            continue
        if action == "CASCADE":
            if child.name not in NOT_AUDITED_TABLES:
                changes.extend(_row_change(child, "delete", r) for r in fresh)
            changes.extend(_database_cascades(connection, child, fresh, seen))
        elif child.name not in NOT_AUDITED_TABLES and child_column.key not in HIDDEN:
            for r in fresh:
                change = _row_change(child, "update", r)
                changes.append(Change(
                    action="update", entity=change.entity, entity_id=change.entity_id,
                    before={child_column.key: _plain(r[child_column.key])},
                    after={child_column.key: None}, enterprise_id=change.enterprise_id,
                    base_id=change.base_id,
                ))
    return changes


# --- the ORM's own changes --------------------------------------------------------------------


def _columns(obj: Model) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs if attr.key not in HIDDEN]


def _snapshot(obj: Model) -> dict[str, Any]:
    return {key: _plain(getattr(obj, key, None)) for key in _columns(obj)}


def _raw_values(obj: Model) -> dict[str, Any]:
    """The column values of ``obj`` keyed by column name, for the cascade walk."""
    mapper = inspect(obj).mapper
    return {col.key: getattr(obj, attr.key, None)
            for attr in mapper.column_attrs for col in attr.columns}


def _identity(obj: Model) -> str:
    key = inspect(obj).identity or tuple(
        getattr(obj, str(col.key)) for col in inspect(obj).mapper.primary_key
    )
    return "/".join(str(part) for part in key)


def _object_change(obj: Model, action: str, before: Any, after: Any) -> Change:
    base_id = getattr(obj, "base_id", None)
    if base_id is None and type(obj).__tablename__ == "bases":
        base_id = getattr(obj, "id", None)
    return Change(
        action=action, entity=str(type(obj).__tablename__), entity_id=_identity(obj),
        before=before, after=after,
        enterprise_id=obj.enterprise_id if isinstance(obj, Product) else None,
        base_id=base_id if isinstance(base_id, int) else None,
    )


def _changes(obj: Model) -> tuple[dict[str, Any], dict[str, Any]]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _columns(obj):
        history = get_history(obj, key)
        if history.has_changes() and key not in QUIET:
            before[key] = _plain(history.deleted[0]) if history.deleted else None
            after[key] = _plain(history.added[0]) if history.added else None
    return before, after


def _before_flush(session: Session, _flush_context: UOWTransaction, _instances: Any) -> None:
    """Read the rows that the database will cascade to when this flush deletes their parents
    (they never pass through the ORM, so ``_after_flush`` cannot see them)."""
    pending: list[Change] = []
    deleted = [obj for obj in session.deleted if isinstance(obj, Model)]
    if deleted:
        seen = {(str(type(obj).__tablename__), _identity(obj)) for obj in deleted}
        connection = session.connection()
        by_table: dict[Table, list[Mapping[str, Any]]] = {}
        for obj in deleted:
            table = inspect(obj).mapper.local_table
            if isinstance(table, Table):
                by_table.setdefault(table, []).append(_raw_values(obj))
        for table, parents in by_table.items():
            pending.extend(_database_cascades(connection, table, parents, seen))
    session.info[_PENDING] = pending


def _after_flush(session: Session, _flush_context: UOWTransaction) -> None:
    changes: list[Change] = list(session.info.pop(_PENDING, []))

    def record(obj: Model, action: str, before: Any, after: Any) -> None:
        if str(type(obj).__tablename__) not in NOT_AUDITED_TABLES:
            changes.append(_object_change(obj, action, before, after))

    for obj in session.new:
        record(obj, "create", None, _snapshot(obj))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                record(obj, "update", before, after)
    for obj in session.deleted:
        record(obj, "delete", _snapshot(obj), None)
    _write(session.connection(), current_actor(session), changes)


# --- ORM bulk statements ----------------------------------------------------------------------


def _primary_key_criterion(table: Table, keys: Iterable[tuple[Any, ...]]) -> ColumnElement[bool]:
    columns = list(table.primary_key.columns)
    wanted = list(keys)
    if len(columns) == 1:
        return columns[0].in_([key[0] for key in wanted])
    return tuple_(*columns).in_(wanted)


def _rows_by_key(
    connection: Connection, table: Table, keys: list[tuple[Any, ...]]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    columns = list(table.primary_key.columns)
    for chunk in _chunks(keys):
        for row in connection.execute(select(table).where(_primary_key_criterion(table, chunk))):
            values = dict(row._mapping)
            found[tuple(values[c.key] for c in columns)] = values
    return found


def _matched_rows(state: ORMExecuteState, table: Table) -> list[dict[str, Any]]:
    """The rows a bulk statement will change, read before it runs."""
    connection = state.session.connection()
    columns = list(table.primary_key.columns)
    if isinstance(state.parameters, list):  # bulk UPDATE by primary key: one dict per row
        keys = [tuple(p[c.key] for c in columns) for p in state.parameters
                if all(c.key in p for c in columns)]
        return list(_rows_by_key(connection, table, keys).values())
    criterion = getattr(state.statement, "whereclause", None)
    stmt = select(table) if criterion is None else select(table).where(criterion)
    params = state.parameters if isinstance(state.parameters, dict) else None
    return [dict(row._mapping) for row in connection.execute(stmt, params)]


def _on_bulk_statement(state: ORMExecuteState) -> Result[Any] | None:
    """Log what an ORM ``delete()`` or ``update()`` statement changes (a bulk statement
    bypasses the flush, and so ``_after_flush``)."""
    if not (state.is_delete or state.is_update):
        return None
    table = getattr(state.statement, "table", None)
    if not isinstance(table, Table) or table.name in NOT_AUDITED_TABLES:
        return None
    table = Model.metadata.tables.get(table.fullname, table)  # not the ORM's annotated copy
    connection = state.session.connection()
    matched = _matched_rows(state, table)
    if not matched:
        return None
    changes: list[Change] = []
    if state.is_delete:
        seen = {(table.name, _row_identity(table, r)) for r in matched}
        changes = [_row_change(table, "delete", r) for r in matched]
        changes.extend(_database_cascades(connection, table, matched, seen))
        result = state.invoke_statement()
    else:
        result = state.invoke_statement()
        columns = list(table.primary_key.columns)
        keys = [tuple(r[c.key] for c in columns) for r in matched]
        now = _rows_by_key(connection, table, keys)
        for key, old in zip(keys, matched, strict=True):
            new = now.get(key, old)
            changed = [k for k in old if k not in HIDDEN | QUIET and old[k] != new.get(k)]
            if changed:
                change = _row_change(table, "update", new)
                changes.append(Change(
                    action="update", entity=table.name, entity_id=change.entity_id,
                    before={k: _plain(old[k]) for k in changed},
                    after={k: _plain(new.get(k)) for k in changed},
                    enterprise_id=change.enterprise_id, base_id=change.base_id,
                ))
    _write(connection, current_actor(state.session), changes)
    return result


def install() -> None:
    """Listen to every session (idempotent)."""
    for name, listener in (
        ("before_flush", _before_flush), ("after_flush", _after_flush),
        ("do_orm_execute", _on_bulk_statement),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
