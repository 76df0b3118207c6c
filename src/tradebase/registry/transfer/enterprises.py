"""Enterprises files: one row per enterprise, updated by id or by name, else added."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.policy import Permission
from tradebase.registry import schemas, service
from tradebase.registry.models import Enterprise
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
    joined,
    load_base_refs,
    load_region_refs,
    region_ref_names,
    validate,
)
from tradebase.registry.transfer.files import Cell, Row, Table
from tradebase.registry.transfer.writing import Repeats, Written, check_rows, write_rows

_ENTERPRISE_FIELDS = {  # column -> field of schemas.EnterpriseCreate filled straight from the cell
    name: name for name in (
        "name_zh", "name_en", "size", "employees", "founded", "certifications", "markets",
        "contact_name", "contact_email", "contact_phone", "website", "description_zh",
        "description_en",
    )
}


@dataclass
class _EnterprisePlan:
    rows: list[tuple[schemas.EnterpriseCreate, Enterprise | None]] = field(default_factory=list)


class EnterpriseColumns:
    kind: Kind = Kind.ENTERPRISES
    columns: tuple[str, ...] = (
        "id", "name_zh", "name_en", "base", "region", "size", "employees", "founded",
        "certifications", "markets", "contact_name", "contact_email", "contact_phone",
        "website", "description_zh", "description_en",
    )
    required: tuple[tuple[str, ...], ...] = (("name_zh", "name_en"),)

    def accepts(self, column: str) -> bool:
        return column in self.columns

    @staticmethod
    def _column(loc: tuple[int | str, ...]) -> str | None:
        if not loc:
            return "name_en"  # the one cross-field rule: a name in Chinese or English
        return {"base_id": "base", "region_id": "region"}.get(str(loc[0]), str(loc[0]))

    def load(self, *, session: Session, table: Table, errors: Errors,
             progress: Progress | None, scope: Scope) -> _EnterprisePlan:
        plan = _EnterprisePlan()
        bases, regions = load_base_refs(session), load_region_refs(session)
        # Locked in id order to the end of the import: an edit meanwhile waits (see products).
        stored = {e.id: e for e in session.scalars(
            select(Enterprise).order_by(Enterprise.id).with_for_update(of=Enterprise)
        )}
        by_name_en, by_name_zh = Refs("enterprise", by_id=False), Refs("enterprise", by_id=False)
        for ident, known in stored.items():
            by_name_en.add(ident, known.name_en)
            by_name_zh.add(ident, known.name_zh)
        seen: Repeats[tuple[str, object]] = Repeats()

        def check(row: Row) -> None:
            line, cells = row.line, row.cells
            try:
                enterprise = self._stored(cells, stored, by_name_en, by_name_zh)
            except ValueError as exc:
                errors.add(line, "id" if cells.get("id") else "name_en", str(exc))
                return
            data: dict[str, Any] = {} if enterprise is None else _enterprise_fields(enterprise)
            for column, name in _ENTERPRISE_FIELDS.items():
                if column in cells:
                    data[name] = cell_value(row, column, schemas.EnterpriseCreate, name)
            unresolved = False
            for column, refs in (("base", bases), ("region", regions)):
                if column in cells:
                    ref = cells[column]
                    try:
                        data[f"{column}_id"] = refs.resolve(ref) if ref else None
                    except ValueError as exc:
                        errors.add(line, column, str(exc))
                        unresolved = True
            if enterprise is None and not cells.get("base") and scope.base_id is not None:
                data["base_id"] = scope.base_id  # from a base's page: a new one is of it
            # (a base that could not be resolved is already an error of the row)
            allowed = unresolved or self._in_scope(enterprise, data.get("base_id"), cells,
                                                   line, scope, errors)
            checked = validate(schemas.EnterpriseCreate, data, line=line, errors=errors,
                                column_of=self._column)
            if checked is None or not allowed:
                return
            key: tuple[str, object] = (
                ("id", enterprise.id) if enterprise is not None
                else ("name_en", checked.name_en) if checked.name_en
                else ("name_zh", checked.name_zh)
            )
            column = "id" if key[0] == "id" and cells.get("id") else key[0]
            if key[0] == "id" and not cells.get("id"):
                column = "name_en" if cells.get("name_en") else "name_zh"
            if seen.first(key, line, errors, column, "the same enterprise appears already"):
                plan.rows.append((checked, enterprise))

        check_rows(table, progress, check)
        return plan

    @staticmethod
    def _in_scope(enterprise: Enterprise | None, base_id: int | None, cells: Mapping[str, str],
                  line: int, scope: Scope, errors: Errors) -> bool:
        """The actor may edit the enterprise a row updates, and create one in the base the
        row puts it in (moving it to another base is both, as in ``service``)."""
        if enterprise is not None:
            column = ("id" if cells.get("id") else "name_en" if cells.get("name_en")
                      else "name_zh")
            if not scope.check(Permission.EDIT_ENTERPRISE, enterprise.base_id, line=line,
                               column=column, errors=errors, enterprise_id=enterprise.id,
                               enterprise=enterprise.name_en or enterprise.name_zh):
                return False
            if base_id == enterprise.base_id:
                return True
        return scope.check(Permission.CREATE_ENTERPRISE, base_id, line=line, column="base",
                           errors=errors)

    @staticmethod
    def _stored(cells: Mapping[str, str], stored: dict[int, Enterprise], by_name_en: Refs,
                by_name_zh: Refs) -> Enterprise | None:
        """The enterprise a row updates: by id if given, else by name_en, else by name_zh."""
        ident = cells.get("id", "")
        if ident:
            if not ident.isdecimal():
                raise ValueError(f"must be a whole number, not '{ident}'")
            if int(ident) not in stored:
                raise ValueError(f"no enterprise has id {ident}; "
                                 "leave id empty to add a new enterprise")
            return stored[int(ident)]
        for column, refs in (("name_en", by_name_en), ("name_zh", by_name_zh)):
            name = cells.get(column, "")
            found = refs.find(name) if name else None
            if found is not None:
                return stored[found]
        return None

    def write(self, *, session: Session, plan: _EnterprisePlan,
              progress: Progress | None) -> ImportSummary:

        def write(planned: tuple[schemas.EnterpriseCreate, Enterprise | None]
                  ) -> tuple[Written, bool]:
            checked, enterprise = planned
            if enterprise is None:
                return service.create_enterprise(session=session, data=checked), True
            changes = schemas.EnterpriseUpdate(**checked.model_dump(exclude={"is_sample"}))
            service.update_enterprise(session=session, enterprise_id=enterprise.id,
                                      data=changes)
            return enterprise, False

        return write_rows(session, ImportSummary(Kind.ENTERPRISES), plan.rows, progress, write)

    def export(self, *, session: Session, scope: Scope = EVERYTHING
               ) -> tuple[list[str], Iterator[list[Cell]]]:
        base_refs, region_refs = base_ref_names(session), region_ref_names(session)

        stmt = select(Enterprise).order_by(Enterprise.id)
        if scope.exported is not None:
            stmt = stmt.where(Enterprise.base_id.in_(sorted(scope.exported)))

        def rows() -> Iterator[list[Cell]]:
            for enterprise in session.scalars(stmt):
                yield [
                    enterprise.id, enterprise.name_zh, enterprise.name_en,
                    base_refs.get(enterprise.base_id) if enterprise.base_id else None,
                    region_refs.get(enterprise.region_id) if enterprise.region_id else None,
                    enterprise.size, enterprise.employees, enterprise.founded,
                    joined(enterprise.certifications), joined(enterprise.markets),
                    enterprise.contact_name, enterprise.contact_email, enterprise.contact_phone,
                    enterprise.website, enterprise.description_zh, enterprise.description_en,
                ]

        return list(self.columns), rows()


def _enterprise_fields(enterprise: Enterprise) -> dict[str, Any]:
    data = {name: getattr(enterprise, name) for name in _ENTERPRISE_FIELDS}
    data.update(base_id=enterprise.base_id, region_id=enterprise.region_id,
                is_sample=enterprise.is_sample)
    return data

