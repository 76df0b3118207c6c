"""Regions files: provinces, cities and counties, one per row, keyed by id or code.

A row's ``parent`` (an id, code or name) is a stored region or one on an earlier line of the
same file, so a file lists parents before their children, as an export does. Regions belong
to no base: importing them is the platform's (``IMPORT_DATA`` without a base); a base's
export holds the regions of its bases and the regions above them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize
from tradebase.accounts.policy import Permission
from tradebase.registry import schemas
from tradebase.registry.models import Region, base_regions
from tradebase.registry.transfer.checking import (
    EVERYTHING,
    Errors,
    ImportSummary,
    Kind,
    Progress,
    Refs,
    Scope,
    cell_value,
    load_region_refs,
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

_FIELDS = ("code", "name_zh", "name_en", "level")
_NEW = -1  # the parent of a row is a region added by an earlier line (see _RegionPlan.parents)


@dataclass
class _RegionPlan:
    rows: list[tuple[schemas.RegionIn, Region | None, int | None]] = field(default_factory=list)
    """(checked row, the stored region or None, the index in ``rows`` of a new parent)."""


class RegionColumns:
    kind: Kind = Kind.REGIONS
    columns: tuple[str, ...] = ("id", "code", "name_zh", "name_en", "level", "parent")
    required: tuple[tuple[str, ...], ...] = (("id", "code", "name_en"),)

    def accepts(self, column: str) -> bool:
        return column in self.columns

    @staticmethod
    def _column(loc: tuple[int | str, ...]) -> str | None:
        if not loc:
            return None
        return "parent" if loc[0] == "parent_id" else str(loc[0])

    def load(self, *, session: Session, table: Table, errors: Errors,
             progress: Progress | None, scope: Scope) -> _RegionPlan:
        plan = _RegionPlan()
        refs = load_region_refs(session)
        stored = {region.id: region for region in session.scalars(
            select(Region).order_by(Region.id).with_for_update(of=Region))}
        by_code = {region.code: region for region in stored.values() if region.code}
        added = Refs("region", by_id=False)  # regions of earlier lines, by code and names
        seen: Repeats[int | str] = Repeats()

        def check(row: Row) -> None:
            if not scope.check(Permission.IMPORT_DATA, None, line=row.line,
                               column=table.columns[0], errors=errors):
                return
            found, region = stored_by_id(row, stored, errors, what="region",
                                         new="a new region")
            if not found:
                return
            if region is None:
                region = by_code.get(row.cells.get("code", ""))
            data: dict[str, Any] = {} if region is None else {
                "code": region.code, "name_zh": region.name_zh, "name_en": region.name_en,
                "level": region.level, "parent_id": region.parent_id}
            for column in _FIELDS:
                if column in row.cells:
                    data[column] = cell_value(row, column, schemas.RegionIn, column) or (
                        None if column == "code" else "")
            new_parent = self._parent(row, refs, added, data, errors)
            checked = validate(schemas.RegionIn, data, line=row.line, errors=errors,
                                column_of=self._column)
            if checked is None or new_parent is False:
                return
            if region is not None and checked.parent_id == region.id:
                errors.add(row.line, "parent", "a region cannot be its own parent",
                           code="import_own_parent")
                return
            key: int | str = region.id if region is not None else (checked.code or f"@{row.line}")
            if not seen.first(key, row.line, errors, "code" if "code" in row.cells else "id",
                              "the same region appears already", code="import_duplicate"):
                return
            if region is None:
                added.add(len(plan.rows), checked.code, checked.name_en, checked.name_zh)
            plan.rows.append((checked, region, new_parent))

        check_rows(table, progress, check)
        return plan

    @staticmethod
    def _parent(row: Row, refs: Refs, added: Refs, data: dict[str, Any],
                errors: Errors) -> int | bool | None:
        """Set ``data["parent_id"]`` from the row's parent; returns the index of a parent
        added by an earlier line, None, or False when the parent is unknown."""
        if "parent" not in row.cells:
            return None
        ref = row.cells["parent"]
        data["parent_id"] = None
        if not ref:
            return None
        try:
            found = refs.find(ref)
            earlier = added.find(ref) if found is None else None
        except ValueError as exc:
            errors.add(row.line, "parent", str(exc))
            return False
        if found is not None:
            data["parent_id"] = found
            return None
        if earlier is not None:
            return earlier
        errors.add(row.line, "parent", f"unknown region '{ref}'; list a parent before its "
                   "children", code="import_unknown_region", params={"ref": ref})
        return False

    def write(self, *, session: Session, plan: _RegionPlan,
              progress: Progress | None) -> ImportSummary:
        summary = ImportSummary(Kind.REGIONS)
        if plan.rows:
            authorize(session, Permission.IMPORT_DATA)
        written: list[Region] = []

        def write(planned: tuple[schemas.RegionIn, Region | None, int | None]
                  ) -> tuple[Written, bool]:
            checked, region, new_parent = planned
            values = checked.model_dump()
            if new_parent is not None:
                session.flush()  # the parent of an earlier line gets its id
                values["parent_id"] = written[new_parent].id
            created = region is None
            if region is None:
                region = Region(**values)
                session.add(region)
            else:
                set_changed(region, values)
            written.append(region)
            return region, created

        return write_rows(session, summary, plan.rows, progress, write)

    def export(self, *, session: Session, scope: Scope = EVERYTHING
               ) -> tuple[list[str], Iterator[list[Cell]]]:
        refs = load_region_refs(session)
        regions = {region.id: region for region in session.scalars(select(Region))}
        wanted = set(regions)
        if scope.exported is not None:
            wanted = set(session.scalars(select(base_regions.c.region_id).where(
                base_regions.c.base_id.in_(sorted(scope.exported)))))
            for ident in list(wanted):  # and the regions above them
                parent = regions[ident].parent_id
                while parent is not None and parent not in wanted and parent in regions:
                    wanted.add(parent)
                    parent = regions[parent].parent_id

        def depth(region: Region) -> int:
            count, parent = 0, region.parent_id
            while parent is not None and parent in regions and count < len(regions):
                count, parent = count + 1, regions[parent].parent_id
            return count

        def rows() -> Iterator[list[Cell]]:
            # Parents before their children, so that the file imports as it is.
            for region in sorted((regions[i] for i in wanted), key=lambda r: (depth(r), r.id)):
                parent = regions.get(region.parent_id) if region.parent_id else None
                yield [region.id, region.code, region.name_zh, region.name_en, region.level,
                       refs.ref_for(parent.id, parent.code, parent.name_en, parent.name_zh)
                       if parent else None]

        return list(self.columns), rows()
