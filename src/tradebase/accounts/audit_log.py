"""Reading the audit log: pages and filters in SQL, and a streaming CSV export.

The log grows with every change (hundreds of thousands of entries), so nothing here loads it
whole: a page is one ``LIMIT``/``OFFSET`` (or keyset ``before_id``) query on the primary key,
the filters use the indexes on time, actor, base and (table, object id), and the export reads
through a server-side cursor (``yield_per``) while the response streams.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize
from tradebase.accounts.models import AuditEntry
from tradebase.accounts.policy import Permission, Role
from tradebase.csv_cells import neutralise_formula

# A spreadsheet evaluates a cell that starts with one of these (OWASP, "CSV Injection").
EXPORT_COLUMNS = ["id", "at", "actor_id", "actor", "action", "entity", "entity_id", "base_id",
                  "before", "after"]
EXPORT_CHUNK = 1000


@dataclass(frozen=True)
class AuditFilters:
    """Which entries to show: who (an actor's user id or label), which table and object,
    which period (``since`` inclusive, ``until`` exclusive), which base."""

    actor_id: int | None = None
    actor: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    base_id: int | None = None


def _visible(session: Session, filters: AuditFilters) -> Select[AuditEntry]:
    """The entries matching ``filters`` that the actor may see: all for a platform
    administrator, those of their bases for a base administrator."""
    actor = authorize(session, Permission.VIEW_AUDIT, base_id=filters.base_id)
    stmt = select(AuditEntry)
    if filters.actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == filters.actor_id)
    if filters.actor:
        stmt = stmt.where(AuditEntry.actor == filters.actor)
    if filters.entity:
        stmt = stmt.where(AuditEntry.entity == filters.entity)
    if filters.entity_id:
        stmt = stmt.where(AuditEntry.entity_id == filters.entity_id)
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.since is not None:
        stmt = stmt.where(AuditEntry.at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(AuditEntry.at < filters.until)
    if filters.base_id is not None:
        stmt = stmt.where(AuditEntry.base_id == filters.base_id)
    if not actor.is_system and actor.role is Role.BASE_ADMIN:
        stmt = stmt.where(AuditEntry.base_id.in_(actor.base_ids))
    return stmt


def list_entries(
    *,
    session: Session,
    filters: AuditFilters = AuditFilters(),
    limit: int = 100,
    offset: int = 0,
    before_id: int | None = None,
) -> tuple[list[AuditEntry], int]:
    """One page of the entries the actor may see, newest first, and how many match.
    ``before_id`` pages by key (entries older than that id) instead of by offset."""
    stmt = _visible(session, filters)
    total = session.scalar(
        stmt.with_only_columns(func.count(AuditEntry.id)).order_by(None)
    ) or 0
    if before_id is not None:
        stmt = stmt.where(AuditEntry.id < before_id)
    page = stmt.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(page)), total


def export_statement(
    *, session: Session, filters: AuditFilters = AuditFilters()
) -> Select[AuditEntry]:
    """The query of an export, checked now (so a refusal is an error, not a broken stream);
    ``csv_lines`` runs it later, possibly on another session."""
    return _visible(session, filters).order_by(AuditEntry.id.desc())


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return neutralise_formula(json.dumps(value, ensure_ascii=False, sort_keys=True))
    if isinstance(value, str):
        return neutralise_formula(value)
    return value


def csv_lines(
    *, session: Session, statement: Select[AuditEntry], chunk: int = EXPORT_CHUNK
) -> Iterator[str]:
    """The entries of ``statement`` as CSV (UTF-8, before/after as JSON text), a chunk of
    lines at a time, read through a server-side cursor: memory stays flat however long the
    log is."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    entries = session.scalars(statement.execution_options(yield_per=chunk))
    for count, entry in enumerate(entries, start=1):
        writer.writerow([_cell(getattr(entry, column)) for column in EXPORT_COLUMNS])
        if count % chunk == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
