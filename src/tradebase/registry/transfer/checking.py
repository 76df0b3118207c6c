"""Checking rows: what every kind shares between reading a file and writing its rows.

Every problem of a file is collected as a ``RowError`` (line, column, reason in the user's
terms); references to bases, regions and enterprises are resolved against rows loaded once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.policy import SYSTEM, Actor, Permission, is_allowed, transfer_bases
from tradebase.errors import RowError
from tradebase.registry import hs_codes, schemas
from tradebase.registry.models import Base, Enterprise, Region
from tradebase.registry.transfer.files import Cell, Row, Table

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

Progress = Callable[[str, int, int], None]
"""Called as ``progress(phase, done, total)``; ``phase`` is "checking" or "writing"."""

LIST_SEPARATOR = ";"
BATCH_SIZE = 1000
_PROGRESS_EVERY = 500


class Kind(StrEnum):
    """What a file holds."""

    ENTERPRISES = "enterprises"
    PRODUCTS = "products"
    INDICATORS = "indicators"
    DESIGNATIONS = "designations"
    KEY_ENTERPRISES = "key_enterprises"
    KEY_PROJECTS = "key_projects"
    REGIONS = "regions"


@dataclass
class ImportSummary:
    """What an import changed: the hook for whatever must follow it (e.g. the docking index
    is updated from the ids of the products touched)."""

    kind: Kind
    created: int = 0
    updated: int = 0
    rows_read: int = 0
    """Data rows of the file (the header and blank lines not counted)."""
    ids: list[int] = field(default_factory=list)
    """Ids of the rows created or updated, in file order (products, enterprises or facts)."""
    enterprises_created: list[int] = field(default_factory=list)
    """Enterprises a products file created by name."""
    warnings: list[RowWarning] = field(default_factory=list)
    """What the enterprise should check in rows that were imported (an HS code read as an
    older edition, a subheading to confirm or choose), by line."""


@dataclass(frozen=True)
class RowWarning:
    """Something to check in one imported row: ``code`` and ``params`` say what, for the web
    and CLI layers to put into words (``message`` is the English one)."""

    line: int
    column: str | None
    code: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return hs_codes.message(self.code, self.params)

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class Errors:
    """Collects the problems of one file."""

    def __init__(self) -> None:
        self.items: list[RowError] = []
        self.warnings: list[RowWarning] = []

    def add(self, line: int, column: str | None, reason: str, *, code: str | None = None,
            params: Mapping[str, str] | None = None) -> None:
        self.items.append(RowError(line, column, reason, code=code, params=dict(params or {})))

    def warn(self, line: int, column: str | None, code: str, params: Mapping[str, str]) -> None:
        self.warnings.append(RowWarning(line, column, code, dict(params)))

    def sorted(self) -> list[RowError]:
        return sorted(self.items, key=lambda e: (e.line, e.column or ""))

    def sorted_warnings(self) -> list[RowWarning]:
        return sorted(self.warnings, key=lambda w: (w.line, w.column or ""))


_RANGE_REASONS = {
    "greater_than_equal": ("ge", "≥"),
    "greater_than": ("gt", ">"),
    "less_than_equal": ("le", "≤"),
    "less_than": ("lt", "<"),
}
_NUMBER_TYPES = {"int_parsing", "int_type", "int_from_float"}
_FLOAT_TYPES = {"float_parsing", "float_type"}


def reason_of(error: ErrorDetails, hints: Mapping[str, str] = {}) -> str:
    """A validation error as a short reason in the user's terms ("must be ≥ 1")."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing" or error.get("input") == "":
        return "must not be empty"
    if kind in _RANGE_REASONS:
        key, sign = _RANGE_REASONS[kind]
        return f"must be {sign} {ctx[key]}"
    if kind in _NUMBER_TYPES:
        return f"must be a whole number, not '{error.get('input')}'"
    if kind == "finite_number":
        return "must be a finite number"
    if kind in _FLOAT_TYPES:
        return f"must be a number, not '{error.get('input')}'"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters long"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "enum":
        return f"must be one of {ctx['expected']}, not '{error.get('input')}'"
    if kind == "string_pattern_mismatch":
        column = str(error["loc"][0]) if error["loc"] else ""
        return hints.get(column, f"'{error.get('input')}' has a form that is not allowed")
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


def validate(
    schema: type[M], data: dict[str, Any], *, line: int, errors: Errors,
    column_of: Callable[[tuple[int | str, ...]], str | None], hints: Mapping[str, str] = {},
) -> M | None:
    """``data`` checked by ``schema``; on failure every problem is added to ``errors``."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            reason = reason_of(error, hints)
            if not loc and ": " in reason:
                # Cross-field rules raise "field: reason" (see schemas.check_indicator).
                name, reason = reason.split(": ", 1)
                loc = (name,)
            # The validator's type is the code (an HS code's own, or pydantic's "missing",
            # "greater_than_equal"...), its context and the value given the parameters.
            params = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
            if error["type"] not in hs_codes.MESSAGES and isinstance(
                    error.get("input"), str | int | float):
                params.setdefault("input", str(error.get("input")))
            errors.add(line, column_of(loc), reason, code=error["type"], params=params)
        return None


def cell_value(row: Row, column: str, schema: type[BaseModel], name: str) -> Any:
    """The value of ``column`` for schema field ``name``: the cell, or the field's default when
    the cell is empty (a required field gets "" and is reported as empty)."""
    cell = row.cells.get(column, "")
    if cell:
        return cell
    info = schema.model_fields[name]
    return "" if info.is_required() else info.get_default(call_default_factory=True)


def joined(items: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(items)


COUNTRIES: TypeAdapter[list[str]] = TypeAdapter(schemas.CountryList)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def is_chinese(name: str) -> bool:
    """Whether a name is written in Chinese (holds a CJK ideograph)."""
    return _CJK.search(name) is not None


class Refs:
    """Resolves references to bases, regions or enterprises in a file ("id, key or name")
    against rows loaded once, so that checking a large file costs no query per row."""

    def __init__(self, what: str, *, by_id: bool) -> None:
        self.what = what
        self.by_id = by_id
        self.ids: set[int] = set()
        self.names: dict[str, set[int]] = {}

    def add(self, ident: int, *names: str | None) -> None:
        self.ids.add(ident)
        for name in names:
            if name:
                self.names.setdefault(name, set()).add(ident)

    def find(self, ref: str) -> int | None:
        """The id ``ref`` names, None if nothing; ValueError if it names several."""
        if self.by_id and ref.isdecimal() and int(ref) in self.ids:
            return int(ref)
        found = self.names.get(ref, set())
        if len(found) > 1:
            ids = ", ".join(str(i) for i in sorted(found))
            hint = "; use the id" if self.by_id else ""
            raise ValueError(f"'{ref}' names several {self.what}s (ids {ids}){hint}")
        return next(iter(found), None)

    def resolve(self, ref: str) -> int:
        found = self.find(ref)
        if found is None:
            raise ValueError(f"unknown {self.what} '{ref}'")
        return found

    def ref_for(self, ident: int, *names: str | None) -> str:
        """What an export writes for ``ident``: the first name that leads back to it."""
        for name in names:
            if name:
                try:
                    if self.find(name) == ident:
                        return name
                except ValueError:
                    continue
        return str(ident)


def load_base_refs(session: Session) -> Refs:
    refs = Refs("base", by_id=True)
    for ident, key, name_en, name_zh in session.execute(
        select(Base.id, Base.key, Base.name_en, Base.name_zh).order_by(Base.id)
    ):
        refs.add(ident, key, name_en, name_zh)
    return refs


def load_region_refs(session: Session) -> Refs:
    refs = Refs("region", by_id=True)
    for ident, code, name_en, name_zh in session.execute(
        select(Region.id, Region.code, Region.name_en, Region.name_zh).order_by(Region.id)
    ):
        refs.add(ident, code, name_en, name_zh)
    return refs


def base_ref_names(session: Session) -> dict[int, str]:
    """What an export writes for each base: the first of its key and names that leads back
    to it, else its id."""
    bases = load_base_refs(session)
    return {b.id: bases.ref_for(b.id, b.key, b.name_en, b.name_zh)
            for b in session.scalars(select(Base))}


def region_ref_names(session: Session) -> dict[int, str]:
    """What an export writes for each region (as ``base_ref_names``)."""
    regions = load_region_refs(session)
    return {r.id: regions.ref_for(r.id, r.code, r.name_en, r.name_zh)
            for r in session.scalars(select(Region))}


def load_enterprise_refs(session: Session, *, by_id: bool) -> Refs:
    refs = Refs("enterprise", by_id=by_id)
    for ident, name_en, name_zh in session.execute(
        select(Enterprise.id, Enterprise.name_en, Enterprise.name_zh).order_by(Enterprise.id)
    ):
        refs.add(ident, name_en, name_zh)
    return refs


@dataclass(frozen=True)
class Scope:
    """Whose rows a file may hold and an export writes. Each row is checked against the
    permission its write needs (``policy.is_allowed``: the same the services authorize), so a
    row of a base or an enterprise the actor may not change is an error on its line, before
    anything is written; ``base_id`` is the one base a file is for when it comes from that
    base's page (a row of another base is then an error, an empty base cell means this one)."""

    actor: Actor = SYSTEM
    base_id: int | None = None
    base_names: Mapping[int, str] = field(default_factory=dict)
    """A name of each base, for messages."""

    @property
    def exported(self) -> frozenset[int] | None:
        """The bases an export covers (None: all): the page's base, else those the actor
        may import into (``policy.transfer_bases``)."""
        if self.base_id is not None:
            return frozenset({self.base_id})
        return transfer_bases(self.actor)

    def name(self, base_id: int | None) -> str:
        if base_id is None:
            return "(no base)"
        return self.base_names.get(base_id, str(base_id))

    def check(self, permission: Permission, base_id: int | None, *, line: int,
              column: str | None, errors: Errors, enterprise_id: int | None = None,
              enterprise: str = "") -> bool:
        """Whether a row of ``base_id`` (and ``enterprise_id``) may be written; if not, an
        error on its line and column."""
        if self.base_id is not None and base_id != self.base_id:
            errors.add(line, column, f"this file is for base {self.name(self.base_id)}; the "
                       f"row is of base {self.name(base_id)}", code="import_other_base",
                       params={"base": self.name(self.base_id), "row_base": self.name(base_id)})
            return False
        if is_allowed(self.actor, permission, base_id=base_id, enterprise_id=enterprise_id):
            return True
        if enterprise:
            errors.add(line, column, f"you may not change enterprise '{enterprise}'",
                       code="import_enterprise_not_yours", params={"name": enterprise})
        elif base_id is None:
            errors.add(line, column, "you may import only rows of your own bases; name one",
                       code="import_no_base")
        else:
            errors.add(line, column, f"you do not manage base {self.name(base_id)}",
                       code="import_base_not_yours", params={"base": self.name(base_id)})
        return False

    def unknown_enterprise(self, name: str, base_id: int | None, *, line: int, column: str,
                           errors: Errors) -> None:
        """An enterprise name that names none the row may refer to, as an error on its line."""
        where = self.base_id if base_id is None else base_id
        if where is None:
            errors.add(line, column, f"no enterprise named '{name}' in your bases",
                       code="import_unknown_enterprise_mine", params={"name": name})
        else:
            errors.add(line, column, f"no enterprise named '{name}' in base {self.name(where)}",
                       code="import_unknown_enterprise",
                       params={"name": name, "base": self.name(where)})


EVERYTHING = Scope()
"""The operator's scope: every row of every base."""


def load_base_names(session: Session) -> dict[int, str]:
    return {ident: key or name_en or name_zh for ident, key, name_en, name_zh in session.execute(
        select(Base.id, Base.key, Base.name_en, Base.name_zh))}


def chunks(items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def report(progress: Progress | None, phase: str, done: int, total: int) -> None:
    if progress is not None and (done % _PROGRESS_EVERY == 0 or done == total):
        progress(phase, done, total)


# --- the column spec of each kind ----------------------------------------------------------


class KindSpec(Protocol):
    @property
    def kind(self) -> Kind: ...

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the kind takes, in the order an export writes them."""

    @property
    def required(self) -> tuple[tuple[str, ...], ...]:
        """Groups of columns of which the header must hold at least one each."""

    def accepts(self, column: str) -> bool: ...

    def load(self, *, session: Session, table: Table, errors: Errors,
             progress: Progress | None, scope: Scope) -> Any: ...

    def write(self, *, session: Session, plan: Any, progress: Progress | None
              ) -> ImportSummary: ...

    def export(self, *, session: Session, scope: Scope = EVERYTHING
               ) -> tuple[list[str], Iterator[list[Cell]]]: ...


def header_problems(spec: KindSpec, table: Table) -> list[RowError]:
    problems = []
    for group in spec.required:
        if not any(column in table.columns for column in group):
            names = " or ".join(group)
            problems.append(RowError(1, group[0], f"the required column {names} is missing"))
    for column in table.columns:
        if not spec.accepts(column):
            problems.append(RowError(
                1, column,
                f"unknown column; {spec.kind.value} take {', '.join(spec.columns)}"
                + (" and title_<language>" if spec.kind is Kind.PRODUCTS else ""),
            ))
    return problems

