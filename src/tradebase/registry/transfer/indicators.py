"""Indicators files: one fact per row, keyed by subject, metric, year and month."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tradebase.accounts.policy import Permission
from tradebase.registry import indicators, schemas, sources
from tradebase.registry.models import Enterprise, IndicatorFact
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
    load_enterprise_refs,
    validate,
)
from tradebase.registry.transfer.files import Cell, Row, Table
from tradebase.registry.transfer.writing import Repeats, Written, check_rows, write_rows

_INDICATOR_FIELDS = {  # column -> field of schemas.IndicatorCreate filled straight from the cell
    "metric": "metric", "value": "value", "currency": "currency", "unit": "unit",
    "year": "year", "month": "month", "qualifier": "qualifier", "note": "note",
}
_SOURCE_FIELDS = {  # column -> field of schemas.Source
    "source_title": "title", "source_url": "url", "source_quote": "quote",
    "source_publisher": "publisher", "source_date": "date", "source_language": "language",
}
_SOURCE_DETAILS = {column for column, name in _SOURCE_FIELDS.items() if name != "quote"}

_FactKey = tuple[str, int, str, int | None, int | None]


@dataclass
class _IndicatorPlan:
    rows: list[tuple[schemas.IndicatorCreate, IndicatorFact | None]] = field(
        default_factory=list
    )


class IndicatorColumns:
    kind: Kind = Kind.INDICATORS
    columns: tuple[str, ...] = (
        "base", "enterprise", "metric", "value", "currency", "unit", "year", "month",
        "qualifier", "source_title", "source_url", "source_quote", "note",
        "source_publisher", "source_date", "source_language",
    )
    required: tuple[tuple[str, ...], ...] = (("base", "enterprise"), ("metric",), ("value",))

    def accepts(self, column: str) -> bool:
        return column in self.columns

    @staticmethod
    def _column(loc: tuple[int | str, ...]) -> str | None:
        if not loc:
            return None
        if loc[0] == "source":
            return f"source_{loc[1]}" if len(loc) > 1 else "source_title"
        return {"base_id": "base", "enterprise_id": "enterprise"}.get(str(loc[0]), str(loc[0]))

    def load(self, *, session: Session, table: Table, errors: Errors,
             progress: Progress | None, scope: Scope) -> _IndicatorPlan:
        plan = _IndicatorPlan()
        refs = {"base": load_base_refs(session),
                "enterprise": load_enterprise_refs(session, by_id=True)}
        enterprise_bases: dict[int, int | None] = dict(
            session.execute(select(Enterprise.id, Enterprise.base_id)).all())
        stored: dict[_FactKey, IndicatorFact] = {}
        locked = select(IndicatorFact).order_by(IndicatorFact.id.desc()).with_for_update(
            of=IndicatorFact)
        for fact in session.scalars(locked):  # to the end of the import (see products)
            stored[_fact_key(fact)] = fact  # by id descending: the oldest of equal keys wins
        seen: Repeats[_FactKey] = Repeats()
        cited = _Citations(sources.stored_citations(session=session))

        def check(row: Row) -> None:
            line = row.line
            subject = self._subject(row, refs, errors, scope)
            if subject is None or not self._in_scope(row, subject, enterprise_bases, scope,
                                                     errors):
                return
            data = self._data(row, subject, stored)
            checked = validate(schemas.IndicatorCreate, data, line=line, errors=errors,
                                column_of=self._column)
            if checked is None:
                return
            if not math.isfinite(checked.value):
                errors.add(line, "value", "must be a finite number")
                return
            key = _fact_key(checked)
            earlier = seen.earlier(key)
            if earlier is not None:
                errors.add(line, "metric", "the same subject, metric, year and month appear "
                                           f"already on line {earlier}")
                return
            if not cited.check(checked.source, line, errors):
                return  # (its key is not taken: a later row with it is checked on its own)
            seen.add(key, line)
            plan.rows.append((checked, stored.get(key)))

        check_rows(table, progress, check)
        return plan

    @staticmethod
    def _in_scope(row: Row, subject: tuple[str, int], enterprise_bases: dict[int, int | None],
                  scope: Scope, errors: Errors) -> bool:
        """A base's figures are its administrators' to change, an enterprise's also its own."""
        column, ident = subject
        if column == "base":
            return scope.check(Permission.MANAGE_BASE, ident, line=row.line, column=column,
                               errors=errors)
        base_id = enterprise_bases.get(ident)
        if scope.base_id is not None and base_id != scope.base_id:
            scope.unknown_enterprise(row.cells[column], scope.base_id, line=row.line,
                                     column=column, errors=errors)
            return False
        return scope.check(Permission.EDIT_ENTERPRISE, base_id, line=row.line, column=column,
                           errors=errors, enterprise_id=ident, enterprise=row.cells[column])

    @staticmethod
    def _subject(row: Row, refs: dict[str, Refs], errors: Errors,
                 scope: Scope) -> tuple[str, int] | None:
        given = [(column, row.cells[column]) for column in ("base", "enterprise")
                 if row.cells.get(column)]
        if not given and scope.base_id is not None:
            return "base", scope.base_id  # from a base's page: the base's own figure
        if len(given) != 1:
            column = "base" if "base" in row.cells else "enterprise"
            errors.add(row.line, column, "give the subject in exactly one of base or enterprise")
            return None
        column, ref = given[0]
        try:
            found = refs[column].find(ref)
        except ValueError as exc:
            errors.add(row.line, column, str(exc))
            return None
        if found is None and column == "enterprise":
            scope.unknown_enterprise(ref, None, line=row.line, column=column, errors=errors)
        elif found is None:
            errors.add(row.line, column, f"unknown base '{ref}'", code="import_unknown_base",
                       params={"ref": ref})
        return None if found is None else (column, found)

    @staticmethod
    def _data(row: Row, subject: tuple[str, int],
              stored: dict[_FactKey, IndicatorFact]) -> dict[str, Any]:
        """The fact a row describes, over the stored fact with the same key if there is one."""
        given: dict[str, Any] = {f"{subject[0]}_id": subject[1]}
        for column, name in _INDICATOR_FIELDS.items():
            if column in row.cells:
                given[name] = cell_value(row, column, schemas.IndicatorCreate, name)
        source: dict[str, Any] = {name: row.cells[column] or None if name == "date"
                                  else row.cells[column]
                                  for column, name in _SOURCE_FIELDS.items()
                                  if column in row.cells}
        key = (subject[0], subject[1], row.cells.get("metric", ""),
               _whole(row.cells.get("year", "")), _whole(row.cells.get("month", "")))
        fact = stored.get(key)
        if fact is None:
            return {**given, "source": source}
        data = indicators.as_schema(fact).model_dump(exclude={"id", "subject_type"})
        data.update(given)
        if _SOURCE_DETAILS & row.cells.keys():  # the row names its source: found by that
            data["source"].pop("id", None)
        data["source"] = {**data["source"], **source}
        return data

    def write(self, *, session: Session, plan: _IndicatorPlan,
              progress: Progress | None) -> ImportSummary:

        def write(planned: tuple[schemas.IndicatorCreate, IndicatorFact | None]
                  ) -> tuple[Written, bool]:
            checked, fact = planned
            if fact is None:
                return indicators.create_indicator(session=session, data=checked), True
            # the key of a stored fact is never changed, only its value and source
            changes = schemas.IndicatorUpdate(**checked.model_dump(
                exclude={"base_id", "enterprise_id", "is_sample"}
            ))
            indicators.update_indicator(session=session, fact_id=fact.id, data=changes)
            return fact, False

        return write_rows(session, ImportSummary(Kind.INDICATORS), plan.rows, progress, write)

    def export(self, *, session: Session, scope: Scope = EVERYTHING
               ) -> tuple[list[str], Iterator[list[Cell]]]:
        enterprises = load_enterprise_refs(session, by_id=True)
        base_refs = base_ref_names(session)
        enterprise_refs = {
            ident: enterprises.ref_for(ident, name_en, name_zh)
            for ident, name_en, name_zh in session.execute(
                select(Enterprise.id, Enterprise.name_en, Enterprise.name_zh)
            )
        }

        stmt = select(IndicatorFact).order_by(IndicatorFact.id)
        if scope.exported is not None:
            wanted = sorted(scope.exported)
            stmt = stmt.where(or_(
                IndicatorFact.base_id.in_(wanted),
                IndicatorFact.enterprise_id.in_(
                    select(Enterprise.id).where(Enterprise.base_id.in_(wanted))),
            ))

        def rows() -> Iterator[list[Cell]]:
            for fact in session.scalars(stmt):
                source = fact.source
                yield [
                    base_refs.get(fact.base_id) if fact.base_id else None,
                    enterprise_refs.get(fact.enterprise_id) if fact.enterprise_id else None,
                    fact.metric, fact.value, fact.currency, fact.unit, fact.year, fact.month,
                    fact.qualifier, source.title if source else None,
                    source.url if source else None, fact.source_quote, fact.note,
                    source.publisher if source else None,
                    source.published_on.isoformat() if source and source.published_on
                    else None,
                    source.language if source else None,
                ]

        return list(self.columns), rows()


class _Citations:
    """The sources an import's rows cite, checked against the stored ones and against each
    other: a row naming a source that the database or an earlier row states otherwise is
    refused at the column that differs."""

    def __init__(self, stored: Mapping[sources.SourceKey, tuple[str, sources.Citation]]) -> None:
        self.stored = stored
        self.in_file: dict[sources.SourceKey, tuple[sources.Citation, int]] = {}

    def check(self, given: schemas.Source, line: int, errors: Errors) -> bool:
        if given.id is not None:  # the row keeps the stored fact's source
            return True
        citation = sources.Citation.of(given)
        key = citation.key()
        if key is None:
            return True
        earlier = self.in_file.get(key)
        if earlier is not None:
            clashes = sources.conflicts(earlier[0], citation, sources.new_source_id(key))
            for clash in clashes:
                errors.add(line, f"source_{clash.field}",
                           f"line {earlier[1]} cites this source with {clash.stored!r}, "
                           f"not {clash.given!r}", code="source_conflict_in_file",
                           params={"line": str(earlier[1]), "stored": clash.stored,
                                   "given": clash.given})
            return not clashes
        stored = self.stored.get(key)
        if stored is not None:
            clashes = sources.conflicts(stored[1], citation, stored[0])
            for clash in clashes:
                errors.add(line, f"source_{clash.field}", clash.message, code="source_conflict",
                           params={"source": clash.source_id, "stored": clash.stored,
                                   "given": clash.given})
            return not clashes
        self.in_file[key] = (citation, line)
        return True


def _whole(cell: str) -> int | None:
    """A cell that holds a whole number as that number (anything else is checked later)."""
    return int(cell) if cell.isdecimal() else None


def _fact_key(fact: IndicatorFact | schemas.IndicatorFields) -> _FactKey:
    if fact.base_id is not None:
        return ("base", fact.base_id, fact.metric, fact.year, fact.month)
    return ("enterprise", fact.enterprise_id or 0, fact.metric, fact.year, fact.month)
