"""Key-enterprise files: a base's key-enterprise lists, one entry per row.

An entry may name the enterprise of the register it is (``enterprise``: an id or a name of an
enterprise of the same base); a name that is no enterprise of that base is an error of its
row and column, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.registry import schemas
from tradebase.registry.models import Enterprise, KeyEnterprise
from tradebase.registry.transfer.base_lists import BaseListColumns
from tradebase.registry.transfer.checking import Errors, Kind, Refs, Scope
from tradebase.registry.transfer.files import Cell, Row
from tradebase.registry.transfer.key_projects import LIST_FIELDS, LIST_KEY


class KeyEnterpriseColumns(BaseListColumns):
    kind: ClassVar[Kind] = Kind.KEY_ENTERPRISES
    model = KeyEnterprise
    schema = schemas.KeyEnterpriseIn
    fields = LIST_FIELDS
    key = LIST_KEY
    required = (("name_zh", "name_en", "enterprise"), ("list_title_zh", "list_title_en"))

    def extra_columns(self) -> tuple[str, ...]:
        return ("enterprise",)

    def prepare(self, session: Session) -> _Known:
        known = _Known()
        for ident, base_id, name_en, name_zh in session.execute(
            select(Enterprise.id, Enterprise.base_id, Enterprise.name_en, Enterprise.name_zh)
            .order_by(Enterprise.id)
        ):
            known.by_base.setdefault(base_id, Refs("enterprise", by_id=True)).add(
                ident, name_en, name_zh)
            known.names[ident] = (name_zh, name_en)
        return known

    def extra_fields(self, row: Row, base_id: int, data: dict[str, Any], *, refs: _Known,
                     scope: Scope, errors: Errors) -> bool:
        if "enterprise" not in row.cells:
            return True
        ref = row.cells["enterprise"]
        if not ref:
            data["enterprise_id"] = None
            return True
        try:
            found = refs.by_base.get(base_id, Refs("enterprise", by_id=True)).find(ref)
        except ValueError as exc:
            errors.add(row.line, "enterprise", str(exc))
            found = None
        else:
            if found is None:
                scope.unknown_enterprise(ref, base_id, line=row.line, column="enterprise",
                                         errors=errors)
        if found is None:
            # the row's other cells are still checked, as if the entry were named so
            if not (data.get("name_zh") or data.get("name_en")):
                data["name_en"] = ref[:200]
            return False
        data["enterprise_id"] = found
        if not (data.get("name_zh") or data.get("name_en")):  # the entry is named as it is
            data["name_zh"], data["name_en"] = refs.names[found]
        return True

    def export_extra(self, entry: Any, refs: _Known) -> list[Cell]:
        ident = entry.enterprise_id
        if ident is None:
            return [None]
        name_zh, name_en = refs.names.get(ident, ("", ""))
        in_base = refs.by_base.get(entry.base_id)
        return [in_base.ref_for(ident, name_en, name_zh) if in_base else str(ident)]


@dataclass
class _Known:
    """The enterprises of each base, and each one's names (zh, en)."""

    by_base: dict[int | None, Refs] = field(default_factory=dict)
    names: dict[int, tuple[str, str]] = field(default_factory=dict)
