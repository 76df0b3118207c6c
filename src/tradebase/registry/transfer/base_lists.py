"""What the files of a base's own lists share: designations, key enterprises, key projects.

One row per entry of a base: updated by ``id`` if given, else by the entry's key within its
base (say, a designation's kind and year), else added. The ``base`` column names the base
(id, key or name); from a base's page an empty cell means that base. Every row is checked
against ``MANAGE_BASE`` on its base (and on the base it came from, when it moves), the same
permission the register's services authorize with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize
from tradebase.accounts.policy import Permission
from tradebase.registry.transfer.checking import (
    EVERYTHING,
    Errors,
    ImportSummary,
    Kind,
    Progress,
    Refs,
    Scope,
    base_ref_names,
    cell_value,
    load_base_refs,
    validate,
)
from tradebase.registry.transfer.files import Cell, Row, Table
from tradebase.registry.transfer.writing import (
    Repeats,
    Written,
    check_rows,
    set_changed,
    stored_by_id,
    write_rows,
)

_Key = tuple[object, ...]


@dataclass
class _ListPlan:
    rows: list[tuple[int, dict[str, Any], Any]] = field(default_factory=list)
    """(base id, the checked fields, the stored entry or None), in file order."""


class BaseListColumns:
    """The columns of one kind of base list; a subclass names its model, schema and key."""

    kind: ClassVar[Kind]
    model: ClassVar[type[Any]]
    schema: ClassVar[type[BaseModel]]
    fields: ClassVar[tuple[str, ...]]
    """Columns filled straight into the schema's field of the same name."""
    key: ClassVar[tuple[str, ...]]
    """The fields that, with the base, find a stored entry for a row without an id."""
    required: tuple[tuple[str, ...], ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return ("id", "base", *self.extra_columns(), *self.fields)

    def extra_columns(self) -> tuple[str, ...]:
        return ()

    def accepts(self, column: str) -> bool:
        return column in self.columns

    def _column(self, loc: tuple[int | str, ...]) -> str | None:
        if not loc:
            return None
        return {"enterprise_id": "enterprise"}.get(str(loc[0]), str(loc[0]))

    # --- hooks of a kind --------------------------------------------------------------------

    def prepare(self, session: Session) -> Any:
        """What the kind's extra columns refer to, loaded once per file (the spec itself is
        shared by concurrent imports, so it keeps no state)."""
        return None

    def extra_fields(self, row: Row, base_id: int, data: dict[str, Any], *, refs: Any,
                     scope: Scope, errors: Errors) -> bool:
        """Fill the fields of the kind's extra columns into ``data``; False if one of them
        is an error of the row (the other cells are still checked, each error reported)."""
        return True

    def export_extra(self, entry: Any, refs: Any) -> list[Cell]:
        return []

    # --- the shared reading and writing ------------------------------------------------------

    def load(self, *, session: Session, table: Table, errors: Errors,
             progress: Progress | None, scope: Scope) -> _ListPlan:
        plan = _ListPlan()
        bases = load_base_refs(session)
        refs = self.prepare(session)
        # Locked in id order to the end of the import: an edit meanwhile waits (see products).
        stored = {entry.id: entry for entry in session.scalars(
            select(self.model).order_by(self.model.id).with_for_update(of=self.model))}
        by_key = {self._key(entry.base_id, _fields_of(entry, self.fields)): entry
                  for entry in sorted(stored.values(), key=lambda e: -e.id)}
        seen: Repeats[_Key] = Repeats()
        check_rows(table, progress, lambda row: self._check(
            row, bases, refs, stored, by_key, seen, plan, scope, errors))
        return plan

    def _check(self, row: Row, bases: Refs, refs: Any, stored: dict[int, Any],
               by_key: dict[_Key, Any], seen: Repeats[_Key], plan: _ListPlan, scope: Scope,
               errors: Errors) -> None:
        line, cells = row.line, row.cells
        found, entry = stored_by_id(row, stored, errors, what=f"{self.kind.value} entry")
        if not found:
            return
        if entry is not None and not scope.check(Permission.MANAGE_BASE, entry.base_id,
                                                 line=line, column="id", errors=errors):
            return
        base_id = self._base(row, bases, entry, scope, errors)
        if base_id is None or not scope.check(Permission.MANAGE_BASE, base_id, line=line,
                                              column="base", errors=errors):
            return
        data = {} if entry is None else _fields_of(entry, self.schema.model_fields)
        for column in self.fields:
            if column in cells:
                data[column] = cell_value(row, column, self.schema, column)
        extra_ok = self.extra_fields(row, base_id, data, refs=refs, scope=scope, errors=errors)
        checked = validate(self.schema, data, line=line, errors=errors, column_of=self._column)
        if checked is None or not extra_ok:
            return
        values = checked.model_dump()
        key = self._key(base_id, values)
        if entry is None:
            entry = by_key.get(key)
        if not seen.first(key, line, errors, self.key[0],
                          f"the same {self.kind.value} entry appears already",
                          code="import_duplicate"):
            return
        plan.rows.append((base_id, values, entry))

    def _base(self, row: Row, bases: Refs, entry: Any, scope: Scope,
              errors: Errors) -> int | None:
        ref = row.cells.get("base", "")
        if not ref:
            if entry is not None and "base" not in row.cells:
                return int(entry.base_id)
            if scope.base_id is not None:
                return scope.base_id
            errors.add(row.line, "base", "must not be empty", code="missing")
            return None
        try:
            found = bases.find(ref)
        except ValueError as exc:
            errors.add(row.line, "base", str(exc))
            return None
        if found is None:
            errors.add(row.line, "base", f"unknown base '{ref}'", code="import_unknown_base",
                       params={"ref": ref})
        return found

    def _key(self, base_id: int, values: dict[str, Any]) -> _Key:
        return (base_id, *(values.get(name) for name in self.key))

    def write(self, *, session: Session, plan: _ListPlan,
              progress: Progress | None) -> ImportSummary:
        summary = ImportSummary(self.kind)
        touched = {base_id for base_id, _, _ in plan.rows}
        touched |= {entry.base_id for _, _, entry in plan.rows if entry is not None}
        for base_id in sorted(touched):  # checked per row already; the services' own rule
            authorize(session, Permission.MANAGE_BASE, base_id=base_id)

        def write(planned: tuple[int, dict[str, Any], Any]) -> tuple[Written, bool]:
            base_id, values, entry = planned
            if entry is None:
                entry = self.model(base_id=base_id, **values)
                session.add(entry)
                return entry, True
            set_changed(entry, {"base_id": base_id, **values})
            return entry, False

        return write_rows(session, summary, plan.rows, progress, write)

    def export(self, *, session: Session, scope: Scope = EVERYTHING
               ) -> tuple[list[str], Iterator[list[Cell]]]:
        base_refs = base_ref_names(session)
        stmt = select(self.model).order_by(self.model.base_id, self.model.id)
        if scope.exported is not None:
            stmt = stmt.where(self.model.base_id.in_(sorted(scope.exported)))
        refs = self.prepare(session)

        def rows() -> Iterator[list[Cell]]:
            for entry in session.scalars(stmt):
                yield [entry.id, base_refs.get(entry.base_id, str(entry.base_id)),
                       *self.export_extra(entry, refs),
                       *(getattr(entry, name) for name in self.fields)]

        return list(self.columns), rows()


def _fields_of(entry: Any, names: Any) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in names if hasattr(entry, name)}
