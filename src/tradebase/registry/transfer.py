"""Import and export of enterprises, products and indicators as CSV or XLSX files.

One reader turns any supported file into rows of text cells keyed by normalised column names,
with the line each row starts on; one column spec per kind says which columns it takes, how a
row becomes a schema of ``registry.schemas`` and how the checked rows are written. An import is
all-or-nothing: every row is checked first and every problem collected as a ``RowError``; only a
file without problems is written, inside the caller's transaction (this module never commits).
The file formats are described in ``docs/file-formats.md``; keep the two in step.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, TypeVar

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize
from tradebase.accounts.policy import Permission
from tradebase.errors import ImportRejected, InvalidInput, RowError
from tradebase.registry import indicators, schemas, service
from tradebase.registry.models import (
    Base,
    Enterprise,
    EnterpriseMarket,
    HsCode,
    IndicatorFact,
    Product,
    ProductCertification,
    ProductTitle,
    Region,
)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

Cell = str | int | float | None
"""A value written to a file: text, a number or nothing."""

Progress = Callable[[str, int, int], None]
"""Called as ``progress(phase, done, total)``; ``phase`` is "checking" or "writing"."""

LIST_SEPARATOR = ";"
BATCH_SIZE = 1000
_PROGRESS_EVERY = 500


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class Kind(StrEnum):
    """What a file holds."""

    ENTERPRISES = "enterprises"
    PRODUCTS = "products"
    INDICATORS = "indicators"


def file_format(path: Path, override: FileFormat | str | None = None) -> FileFormat:
    """The format of ``path``: ``override`` if given, else its extension (.csv or .xlsx)."""
    if override:
        try:
            return FileFormat(str(override).lower())
        except ValueError:
            raise InvalidInput(f"unknown file format '{override}'; use csv or xlsx",
                               field="format") from None
    suffix = path.suffix.lower().lstrip(".")
    try:
        return FileFormat(suffix)
    except ValueError:
        raise InvalidInput(
            f"{path.name}: cannot tell the format from the extension '{path.suffix}'; "
            "name the file .csv or .xlsx, or give --format",
            field="format",
        ) from None


# --- the shared reader ---------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One data row: its first line in the file (the header is line 1) and its cells, keyed by
    normalised column name; every column of the header is present (empty cells are "")."""

    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    filename: str
    columns: tuple[str, ...]
    rows: list[Row]


def normalise_header(name: str) -> str:
    """Column names compare stripped and lower-cased: " SKU " is "sku"."""
    return name.strip().lower()


def decode_text(data: bytes, filename: str) -> str:
    """Decode a CSV file: UTF-8 with a BOM, else strict UTF-8, else GB18030."""
    encodings = ["utf-8-sig"] if data.startswith(b"\xef\xbb\xbf") else ["utf-8", "gb18030"]
    first_error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    assert first_error is not None  # the loop ran at least once and failed
    line = data[: first_error.start].count(b"\n") + 1
    raise ImportRejected(
        filename,
        [RowError(line, None, "the file is not text in UTF-8 or GB18030 (this line holds the "
                              "first byte that is neither); save it as CSV UTF-8")],
    )


def _delimiter(first_line: str) -> str:
    # Excel in many European locales saves "CSV" with semicolons; accept it when the header
    # clearly uses one (no comma at all), so such a file is not rejected as one odd column.
    if "," in first_line:
        return ","
    if first_line.count(";") >= max(1, first_line.count("\t")):
        return ";"
    return "\t" if "\t" in first_line else ","


def parse_csv(text: str, filename: str) -> Table:
    """The table held by CSV ``text`` (already decoded)."""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0])
    )

    def records() -> Iterator[tuple[int, list[str]]]:
        last = 0
        try:
            for record in reader:
                yield last + 1, record
                last = reader.line_num
        except csv.Error as exc:
            raise ImportRejected(
                filename, [RowError(last + 1, None, f"not a valid CSV row: {exc}")]
            ) from exc

    return _table(filename, records())


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def read_xlsx(path: Path) -> Table:
    """The table on the first sheet of the workbook at ``path``."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ImportRejected(
            path.name, [RowError(1, None, f"not an XLSX workbook ({exc.__class__.__name__})")]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        records = (
            (number, [_xlsx_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        return _table(path.name, records)
    finally:
        workbook.close()


def read_table(path: Path, fmt: FileFormat | str | None = None) -> Table:
    """Read a CSV or XLSX file into a ``Table``; raise ``ImportRejected`` if it is unreadable."""
    if file_format(path, fmt) is FileFormat.XLSX:
        return read_xlsx(path)
    return parse_csv(decode_text(path.read_bytes(), path.name), path.name)


def _table(filename: str, records: Iterable[tuple[int, list[str]]]) -> Table:
    """Header and rows from raw records: the first non-blank record names the columns; blank
    records are skipped; cells are stripped."""
    columns: list[str] | None = None
    rows: list[Row] = []
    errors: list[RowError] = []
    for line, raw in records:
        cells = [cell.strip() for cell in raw]
        if not any(cells):
            continue
        if columns is None:
            columns = [normalise_header(cell) for cell in cells]
            errors.extend(_header_errors(columns))
            continue
        width = len(columns)
        if any(cells[width:]):
            errors.append(RowError(line, None, f"the row has more cells than the {width} "
                                               "columns the header names"))
        cells += [""] * (width - len(cells))
        # A column without a name is fine while it is empty (Excel often leaves such columns).
        errors.extend(
            RowError(line, None, f"column {index + 1} has a value but no name in the header")
            for index, name in enumerate(columns) if not name and cells[index]
        )
        rows.append(Row(line, {name: cells[i] for i, name in enumerate(columns) if name}))
    if columns is None:
        raise ImportRejected(filename, [RowError(1, None, "the file is empty; its first line "
                                                          "must name the columns")])
    if errors:
        raise ImportRejected(filename, errors)
    return Table(filename, tuple(name for name in columns if name), rows)


def _header_errors(columns: list[str]) -> list[RowError]:
    errors = []
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            errors.append(RowError(1, name, "the column appears twice"))
        seen.add(name)
    return errors


# --- the shared writer ---------------------------------------------------------------------


def format_number(value: float) -> str:
    """A float as short text that reads back as the same float (2e10 is "20000000000")."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def write_table(
    path: Path, columns: Sequence[str], rows: Iterable[Sequence[Cell]],
    fmt: FileFormat | str | None = None, *, sheet: str = "data",
) -> int:
    """Write a header and rows to ``path`` as CSV (UTF-8 with a BOM, so that Excel opens it
    as UTF-8) or XLSX (numbers as numbers, text as text). Returns the number of rows."""
    count = 0
    if file_format(path, fmt) is FileFormat.CSV:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_csv_text(value) for value in row])
                count += 1
        return count
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet)
    worksheet.append(list(columns))
    for row in rows:
        worksheet.append([_xlsx_cell(worksheet, value) for value in row])
        count += 1
    workbook.save(path)
    return count


def _xlsx_cell(worksheet: Any, value: Cell) -> Any:
    if not isinstance(value, str):
        return value
    # XML cannot hold most control characters; they are dropped rather than failing the export.
    cell = WriteOnlyCell(worksheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # text stays text, even "=SUM(A1)" or "00123"
    return cell


# --- checking rows: shared by every kind ---------------------------------------------------


@dataclass
class ImportSummary:
    """What an import changed: the hook for whatever must follow it (e.g. the docking index
    is updated from the ids of the products touched)."""

    kind: Kind
    created: int = 0
    updated: int = 0
    ids: list[int] = field(default_factory=list)
    """Ids of the rows created or updated, in file order (products, enterprises or facts)."""
    enterprises_created: list[int] = field(default_factory=list)
    """Enterprises a products file created by name."""


class _Errors:
    """Collects the problems of one file."""

    def __init__(self) -> None:
        self.items: list[RowError] = []

    def add(self, line: int, column: str | None, reason: str) -> None:
        self.items.append(RowError(line, column, reason))

    def sorted(self) -> list[RowError]:
        return sorted(self.items, key=lambda e: (e.line, e.column or ""))


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


def _validate(
    schema: type[M], data: dict[str, Any], *, line: int, errors: _Errors,
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
            errors.add(line, column_of(loc), reason)
        return None


def _given(row: Row, column: str, schema: type[BaseModel], name: str) -> Any:
    """The value of ``column`` for schema field ``name``: the cell, or the field's default when
    the cell is empty (a required field gets "" and is reported as empty)."""
    cell = row.cells.get(column, "")
    if cell:
        return cell
    info = schema.model_fields[name]
    return "" if info.is_required() else info.get_default(call_default_factory=True)


def _joined(items: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(items)


_COUNTRIES: TypeAdapter[list[str]] = TypeAdapter(schemas.CountryList)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def is_chinese(name: str) -> bool:
    """Whether a name is written in Chinese (holds a CJK ideograph)."""
    return _CJK.search(name) is not None


class _Refs:
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
        if self.by_id and ref.isdigit() and int(ref) in self.ids:
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


def _base_refs(session: Session) -> _Refs:
    refs = _Refs("base", by_id=True)
    for ident, key, name_en, name_zh in session.execute(
        select(Base.id, Base.key, Base.name_en, Base.name_zh).order_by(Base.id)
    ):
        refs.add(ident, key, name_en, name_zh)
    return refs


def _region_refs(session: Session) -> _Refs:
    refs = _Refs("region", by_id=True)
    for ident, code, name_en, name_zh in session.execute(
        select(Region.id, Region.code, Region.name_en, Region.name_zh).order_by(Region.id)
    ):
        refs.add(ident, code, name_en, name_zh)
    return refs


def _enterprise_refs(session: Session, *, by_id: bool) -> _Refs:
    refs = _Refs("enterprise", by_id=by_id)
    for ident, name_en, name_zh in session.execute(
        select(Enterprise.id, Enterprise.name_en, Enterprise.name_zh).order_by(Enterprise.id)
    ):
        refs.add(ident, name_en, name_zh)
    return refs


def _chunks(items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _report(progress: Progress | None, phase: str, done: int, total: int) -> None:
    if progress is not None and (done % _PROGRESS_EVERY == 0 or done == total):
        progress(phase, done, total)


# --- the column spec of each kind ----------------------------------------------------------


class _KindSpec(Protocol):
    kind: Kind
    columns: tuple[str, ...]
    """Every column the kind takes, in the order an export writes them."""
    required: tuple[tuple[str, ...], ...]
    """Groups of columns of which the header must hold at least one each."""

    def accepts(self, column: str) -> bool: ...

    def load(self, *, session: Session, table: Table, errors: _Errors,
             progress: Progress | None) -> Any: ...

    def write(self, *, session: Session, plan: Any, progress: Progress | None
              ) -> ImportSummary: ...

    def export(self, *, session: Session) -> tuple[list[str], Iterator[list[Cell]]]: ...


def _header_problems(spec: _KindSpec, table: Table) -> list[RowError]:
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


# products ----------------------------------------------------------------------------------

_PRODUCT_FIELDS = {  # column -> field of schemas.ProductCreate filled straight from the cell
    "sku": "sku", "title": "title", "description": "description", "hs_code": "hs_code",
    "unit": "unit", "moq": "moq", "monthly_capacity": "monthly_capacity",
    "lead_time_days": "lead_time_days", "certifications": "certifications",
}
_SKU_HINT = ("a sku starts with a letter or digit and holds only letters, digits and . _ / - "
             "(at most 80 characters)")
TITLE_PREFIX = "title_"
_NOT_YET_CREATED = 2**31 - 1


@dataclass
class _ProductPlan:
    new_enterprises: dict[str, list[str]] = field(default_factory=dict)
    """Name of each enterprise to create -> its markets."""
    markets: dict[int, set[str]] = field(default_factory=dict)
    """Existing enterprise id -> markets to merge in."""
    rows: list[tuple[schemas.ProductCreate, str | None, Product | None]] = field(
        default_factory=list
    )
    """(checked product, name of a new enterprise or None, the stored product if known)."""


class ProductColumns:
    kind: Kind = Kind.PRODUCTS
    columns: tuple[str, ...] = (
        "sku", "enterprise", "title", "description", "hs_code", "unit", "moq",
        "monthly_capacity", "lead_time_days", "certifications", "markets",
    )
    required: tuple[tuple[str, ...], ...] = (("sku",), ("enterprise",), ("title",))

    def accepts(self, column: str) -> bool:
        if column in self.columns:
            return True
        lang = column.removeprefix(TITLE_PREFIX)
        return column.startswith(TITLE_PREFIX) and schemas.LANG_PATTERN.fullmatch(lang) is not None

    @staticmethod
    def _column(loc: tuple[int | str, ...]) -> str | None:
        if not loc:
            return None
        if loc[0] == "titles":
            return f"{TITLE_PREFIX}{loc[1]}" if len(loc) > 1 else "title"
        if loc[0] == "enterprise_id":
            return "enterprise"
        return str(loc[0])

    def load(self, *, session: Session, table: Table, errors: _Errors,
             progress: Progress | None) -> _ProductPlan:
        plan = _ProductPlan()
        enterprises = _enterprise_refs(session, by_id=False)
        hs_codes = set(session.scalars(select(HsCode.code).where(HsCode.level == 6)))
        stored = self._stored(session, [row.cells.get("sku", "") for row in table.rows])
        title_columns = [c for c in table.columns if c.startswith(TITLE_PREFIX)]
        seen: dict[str, int] = {}
        total = len(table.rows)
        for done, row in enumerate(table.rows, start=1):
            self._check(row, plan, enterprises, hs_codes, stored, title_columns, seen, errors)
            _report(progress, "checking", done, total)
        return plan

    @staticmethod
    def _stored(session: Session, skus: list[str]) -> dict[str, Product]:
        wanted = sorted({sku for sku in skus if sku})
        found: dict[str, Product] = {}
        for chunk in _chunks(wanted):
            for product in session.scalars(select(Product).where(Product.sku.in_(chunk))):
                found[product.sku] = product
        return found

    def _check(
        self, row: Row, plan: _ProductPlan, enterprises: _Refs, hs_codes: set[str],
        stored: dict[str, Product], title_columns: list[str], seen: dict[str, int],
        errors: _Errors,
    ) -> None:
        line, cells = row.line, row.cells
        sku = cells["sku"]
        if sku in seen:
            errors.add(line, "sku", f"sku {sku} appears already on line {seen[sku]}")
        elif sku:
            seen[sku] = line
        product = stored.get(sku)

        enterprise_id, new_name = self._enterprise(row, plan, enterprises, errors)
        markets: list[str] = []
        if cells.get("markets"):
            try:
                markets = _COUNTRIES.validate_python(cells["markets"])
            except ValidationError as exc:
                for error in exc.errors():
                    errors.add(line, "markets", reason_of(error))

        data: dict[str, Any] = {} if product is None else _product_fields(product)
        for column, name in _PRODUCT_FIELDS.items():
            if column in cells:
                data[name] = _given(row, column, schemas.ProductCreate, name)
        titles = dict(data.get("titles", {}))
        for column in title_columns:
            lang = column.removeprefix(TITLE_PREFIX)
            titles.pop(lang, None)
            if cells[column]:
                titles[lang] = cells[column]
        data["titles"] = titles
        # A new enterprise has no id before writing; a stand-in id is used while checking.
        data["enterprise_id"] = enterprise_id if enterprise_id is not None else _NOT_YET_CREATED
        checked = _validate(schemas.ProductCreate, data, line=line, errors=errors,
                            column_of=self._column, hints={"sku": _SKU_HINT})
        if checked is None:
            return
        if checked.hs_code and checked.hs_code not in hs_codes:
            errors.add(line, "hs_code", f"HS code {checked.hs_code} is not a subheading of HS 2022")
            return
        if new_name is not None:
            plan.new_enterprises[new_name] = sorted({*plan.new_enterprises[new_name], *markets})
        elif enterprise_id is not None and markets:
            plan.markets.setdefault(enterprise_id, set()).update(markets)
        plan.rows.append((checked, new_name, product))

    @staticmethod
    def _enterprise(
        row: Row, plan: _ProductPlan, enterprises: _Refs, errors: _Errors
    ) -> tuple[int | None, str | None]:
        """(id of the existing enterprise, or None and the name of one to create)."""
        name = row.cells["enterprise"]
        if not name:
            errors.add(row.line, "enterprise", "must not be empty")
            return None, None
        try:
            found = enterprises.find(name)
        except ValueError as exc:
            errors.add(row.line, "enterprise", str(exc))
            return None, None
        if found is not None:
            return found, None
        if name not in plan.new_enterprises:
            try:
                schemas.EnterpriseCreate.model_validate(_enterprise_name(name))
            except ValidationError as exc:
                errors.add(row.line, "enterprise", reason_of(exc.errors()[0]))
                return None, None
            plan.new_enterprises[name] = []
        return None, name

    def write(self, *, session: Session, plan: _ProductPlan,
              progress: Progress | None) -> ImportSummary:
        summary = ImportSummary(Kind.PRODUCTS)
        self._authorize(session, plan)
        created: dict[str, int] = {}
        for name, markets in plan.new_enterprises.items():
            enterprise = service.create_enterprise(
                session=session,
                data=schemas.EnterpriseCreate(**_enterprise_name(name), markets=markets),
            )
            created[name] = enterprise.id
            summary.enterprises_created.append(enterprise.id)
        _merge_markets(session, plan.markets)

        total = len(plan.rows)
        batch: list[Product] = []
        for done, (checked, new_name, product) in enumerate(plan.rows, start=1):
            if new_name is not None:
                checked = checked.model_copy(update={"enterprise_id": created[new_name]})
            if product is None:
                product = _new_product(checked)
                session.add(product)
                summary.created += 1
            else:
                _set_product(product, checked)
                summary.updated += 1
            batch.append(product)
            if len(batch) >= BATCH_SIZE or done == total:
                session.flush()
                summary.ids.extend(item.id for item in batch)
                batch.clear()
            _report(progress, "writing", done, total)
        return summary

    @staticmethod
    def _authorize(session: Session, plan: _ProductPlan) -> None:
        """The actor may edit the catalog of every enterprise the file touches (new ones are
        checked when they are created); checked once per enterprise, before anything is
        written."""
        ids = set(plan.markets)
        for checked, new_name, product in plan.rows:
            if new_name is None:
                ids.add(checked.enterprise_id)
            if product is not None:
                ids.add(product.enterprise_id)
        for chunk in _chunks(sorted(ids)):
            for ident, base_id in session.execute(
                select(Enterprise.id, Enterprise.base_id).where(Enterprise.id.in_(chunk))
            ):
                authorize(session, Permission.EDIT_ENTERPRISE, base_id=base_id,
                          enterprise_id=ident)

    def export(self, *, session: Session) -> tuple[list[str], Iterator[list[Cell]]]:
        enterprises = _enterprise_refs(session, by_id=False)
        names: dict[int, str] = {}
        for ident, name_en, name_zh in session.execute(
            select(Enterprise.id, Enterprise.name_en, Enterprise.name_zh)
        ):
            # Names only: the import takes no ids here, so a shared name is written as it is
            # (and reported as ambiguous on import) rather than as an id.
            found = enterprises.ref_for(ident, name_en, name_zh)
            names[ident] = found if found != str(ident) else (name_en or name_zh)
        markets = _grouped(session, EnterpriseMarket.enterprise_id, EnterpriseMarket.country)
        certifications = _grouped(
            session, ProductCertification.product_id, ProductCertification.code
        )
        titles: dict[int, dict[str, str]] = {}
        for product_id, lang, text in session.execute(
            select(ProductTitle.product_id, ProductTitle.lang, ProductTitle.text)
        ):
            titles.setdefault(product_id, {})[lang] = text
        langs = sorted({lang for by_lang in titles.values() for lang in by_lang})
        columns = [*self.columns[:3], *(f"{TITLE_PREFIX}{lang}" for lang in langs),
                   *self.columns[3:]]

        def rows() -> Iterator[list[Cell]]:
            stmt = select(
                Product.id, Product.sku, Product.enterprise_id, Product.title,
                Product.description, Product.hs_code, Product.unit, Product.moq,
                Product.monthly_capacity, Product.lead_time_days,
            ).order_by(Product.id)
            for (ident, sku, enterprise_id, title, description, hs_code, unit, moq, capacity,
                 lead_time) in session.execute(stmt.execution_options(yield_per=BATCH_SIZE)):
                own = titles.get(ident, {})
                yield [
                    sku, names.get(enterprise_id, str(enterprise_id)), title,
                    *(own.get(lang, "") for lang in langs),
                    description, hs_code, unit, moq, capacity, lead_time,
                    _joined(certifications.get(ident, [])),
                    _joined(markets.get(enterprise_id, [])),
                ]

        return columns, rows()


def _enterprise_name(name: str) -> dict[str, str]:
    return {"name_zh": name} if is_chinese(name) else {"name_en": name}


def _product_fields(product: Product) -> dict[str, Any]:
    return {
        "sku": product.sku, "enterprise_id": product.enterprise_id, "title": product.title,
        "titles": product.titles, "description": product.description,
        "hs_code": product.hs_code, "unit": product.unit, "moq": product.moq,
        "monthly_capacity": product.monthly_capacity, "lead_time_days": product.lead_time_days,
        "certifications": product.certifications, "is_sample": product.is_sample,
    }


def _new_product(checked: schemas.ProductCreate) -> Product:
    return Product(
        **checked.model_dump(exclude={"titles", "certifications"}),
        title_rows=[ProductTitle(lang=lang, text=text) for lang, text in checked.titles.items()],
        certification_rows=[ProductCertification(code=code) for code in checked.certifications],
    )


def _set_product(product: Product, checked: schemas.ProductCreate) -> None:
    """Bring a stored product to ``checked``, touching only what changed (so that an
    unchanged row writes nothing)."""
    for name, value in checked.model_dump(exclude={"titles", "certifications"}).items():
        if getattr(product, name) != value:
            setattr(product, name, value)
    if product.titles != checked.titles:
        product.title_rows = [ProductTitle(lang=lang, text=text)
                              for lang, text in checked.titles.items()]
    if product.certifications != checked.certifications:
        product.certification_rows = [ProductCertification(code=code)
                                      for code in checked.certifications]


def _merge_markets(session: Session, markets: dict[int, set[str]]) -> None:
    """Add the markets a products file names to its enterprises (never removes one)."""
    ids = sorted(markets)
    for chunk in _chunks(ids):
        for enterprise in session.scalars(select(Enterprise).where(Enterprise.id.in_(chunk))):
            for country in sorted(markets[enterprise.id] - set(enterprise.markets)):
                enterprise.market_rows.append(EnterpriseMarket(country=country))
    session.flush()


def _grouped(session: Session, key: Any, value: Any) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for ident, item in session.execute(select(key, value).order_by(key, value)):
        grouped.setdefault(ident, []).append(item)
    return grouped


# enterprises -------------------------------------------------------------------------------

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

    def load(self, *, session: Session, table: Table, errors: _Errors,
             progress: Progress | None) -> _EnterprisePlan:
        plan = _EnterprisePlan()
        bases, regions = _base_refs(session), _region_refs(session)
        stored = {e.id: e for e in session.scalars(select(Enterprise).order_by(Enterprise.id))}
        by_name_en, by_name_zh = _Refs("enterprise", by_id=False), _Refs("enterprise", by_id=False)
        for ident, known in stored.items():
            by_name_en.add(ident, known.name_en)
            by_name_zh.add(ident, known.name_zh)
        seen: dict[tuple[str, object], int] = {}
        total = len(table.rows)
        for done, row in enumerate(table.rows, start=1):
            line, cells = row.line, row.cells
            try:
                enterprise = self._stored(cells, stored, by_name_en, by_name_zh)
            except ValueError as exc:
                errors.add(line, "id" if cells.get("id") else "name_en", str(exc))
                continue
            data: dict[str, Any] = {} if enterprise is None else _enterprise_fields(enterprise)
            for column, name in _ENTERPRISE_FIELDS.items():
                if column in cells:
                    data[name] = _given(row, column, schemas.EnterpriseCreate, name)
            for column, refs in (("base", bases), ("region", regions)):
                if column in cells:
                    ref = cells[column]
                    try:
                        data[f"{column}_id"] = refs.resolve(ref) if ref else None
                    except ValueError as exc:
                        errors.add(line, column, str(exc))
            checked = _validate(schemas.EnterpriseCreate, data, line=line, errors=errors,
                                column_of=self._column)
            if checked is None:
                continue
            key: tuple[str, object] = (
                ("id", enterprise.id) if enterprise is not None
                else ("name_en", checked.name_en) if checked.name_en
                else ("name_zh", checked.name_zh)
            )
            if key in seen:
                column = "id" if key[0] == "id" and cells.get("id") else key[0]
                if key[0] == "id" and not cells.get("id"):
                    column = "name_en" if cells.get("name_en") else "name_zh"
                errors.add(line, column, f"the same enterprise appears already on line {seen[key]}")
                continue
            seen[key] = line
            plan.rows.append((checked, enterprise))
            _report(progress, "checking", done, total)
        return plan

    @staticmethod
    def _stored(cells: Mapping[str, str], stored: dict[int, Enterprise], by_name_en: _Refs,
                by_name_zh: _Refs) -> Enterprise | None:
        """The enterprise a row updates: by id if given, else by name_en, else by name_zh."""
        ident = cells.get("id", "")
        if ident:
            if not ident.isdigit():
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
        summary = ImportSummary(Kind.ENTERPRISES)
        total = len(plan.rows)
        for done, (checked, enterprise) in enumerate(plan.rows, start=1):
            if enterprise is None:
                ident = service.create_enterprise(session=session, data=checked).id
                summary.created += 1
            else:
                ident = enterprise.id
                changes = schemas.EnterpriseUpdate(**checked.model_dump(exclude={"is_sample"}))
                service.update_enterprise(session=session, enterprise_id=ident, data=changes)
                summary.updated += 1
            summary.ids.append(ident)
            _report(progress, "writing", done, total)
        return summary

    def export(self, *, session: Session) -> tuple[list[str], Iterator[list[Cell]]]:
        bases, regions = _base_refs(session), _region_refs(session)
        base_refs = {b.id: bases.ref_for(b.id, b.key, b.name_en, b.name_zh)
                     for b in session.scalars(select(Base))}
        region_refs = {r.id: regions.ref_for(r.id, r.code, r.name_en, r.name_zh)
                       for r in session.scalars(select(Region))}

        def rows() -> Iterator[list[Cell]]:
            for enterprise in session.scalars(select(Enterprise).order_by(Enterprise.id)):
                yield [
                    enterprise.id, enterprise.name_zh, enterprise.name_en,
                    base_refs.get(enterprise.base_id) if enterprise.base_id else None,
                    region_refs.get(enterprise.region_id) if enterprise.region_id else None,
                    enterprise.size, enterprise.employees, enterprise.founded,
                    _joined(enterprise.certifications), _joined(enterprise.markets),
                    enterprise.contact_name, enterprise.contact_email, enterprise.contact_phone,
                    enterprise.website, enterprise.description_zh, enterprise.description_en,
                ]

        return list(self.columns), rows()


def _enterprise_fields(enterprise: Enterprise) -> dict[str, Any]:
    data = {name: getattr(enterprise, name) for name in _ENTERPRISE_FIELDS}
    data.update(base_id=enterprise.base_id, region_id=enterprise.region_id,
                is_sample=enterprise.is_sample)
    return data


# indicators --------------------------------------------------------------------------------

_INDICATOR_FIELDS = {  # column -> field of schemas.IndicatorCreate filled straight from the cell
    "metric": "metric", "value": "value", "currency": "currency", "unit": "unit",
    "year": "year", "month": "month", "qualifier": "qualifier", "note": "note",
}
_SOURCE_FIELDS = {"source_title": "title", "source_url": "url", "source_quote": "quote"}

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

    def load(self, *, session: Session, table: Table, errors: _Errors,
             progress: Progress | None) -> _IndicatorPlan:
        plan = _IndicatorPlan()
        refs = {"base": _base_refs(session), "enterprise": _enterprise_refs(session, by_id=True)}
        stored: dict[_FactKey, IndicatorFact] = {}
        for fact in session.scalars(select(IndicatorFact).order_by(IndicatorFact.id.desc())):
            stored[_fact_key(fact)] = fact  # by id descending: the oldest of equal keys wins
        seen: dict[_FactKey, int] = {}
        total = len(table.rows)
        for done, row in enumerate(table.rows, start=1):
            line = row.line
            subject = self._subject(row, refs, errors)
            if subject is None:
                continue
            data = self._data(row, subject, stored)
            checked = _validate(schemas.IndicatorCreate, data, line=line, errors=errors,
                                column_of=self._column)
            if checked is None:
                continue
            if not math.isfinite(checked.value):
                errors.add(line, "value", "must be a finite number")
                continue
            key = _fact_key(checked)
            if key in seen:
                errors.add(line, "metric", "the same subject, metric, year and month appear "
                                           f"already on line {seen[key]}")
                continue
            seen[key] = line
            plan.rows.append((checked, stored.get(key)))
            _report(progress, "checking", done, total)
        return plan

    @staticmethod
    def _subject(row: Row, refs: dict[str, _Refs], errors: _Errors) -> tuple[str, int] | None:
        given = [(column, row.cells[column]) for column in ("base", "enterprise")
                 if row.cells.get(column)]
        if len(given) != 1:
            column = "base" if "base" in row.cells else "enterprise"
            errors.add(row.line, column, "give the subject in exactly one of base or enterprise")
            return None
        column, ref = given[0]
        try:
            return column, refs[column].resolve(ref)
        except ValueError as exc:
            errors.add(row.line, column, str(exc))
            return None

    @staticmethod
    def _data(row: Row, subject: tuple[str, int],
              stored: dict[_FactKey, IndicatorFact]) -> dict[str, Any]:
        """The fact a row describes, over the stored fact with the same key if there is one."""
        given: dict[str, Any] = {f"{subject[0]}_id": subject[1]}
        for column, name in _INDICATOR_FIELDS.items():
            if column in row.cells:
                given[name] = _given(row, column, schemas.IndicatorCreate, name)
        source = {name: row.cells[column] for column, name in _SOURCE_FIELDS.items()
                  if column in row.cells}
        key = (subject[0], subject[1], row.cells.get("metric", ""),
               _whole(row.cells.get("year", "")), _whole(row.cells.get("month", "")))
        fact = stored.get(key)
        if fact is None:
            return {**given, "source": source}
        data = indicators.as_schema(fact).model_dump(exclude={"id", "subject_type"})
        data.update(given)
        data["source"] = {**data["source"], **source}
        return data

    def write(self, *, session: Session, plan: _IndicatorPlan,
              progress: Progress | None) -> ImportSummary:
        summary = ImportSummary(Kind.INDICATORS)
        total = len(plan.rows)
        for done, (checked, fact) in enumerate(plan.rows, start=1):
            if fact is None:
                fact = indicators.create_indicator(session=session, data=checked)
                summary.created += 1
            else:  # the key of a stored fact is never changed, only its value and source
                changes = schemas.IndicatorUpdate(**checked.model_dump(
                    exclude={"base_id", "enterprise_id", "is_sample"}
                ))
                indicators.update_indicator(session=session, fact_id=fact.id, data=changes)
                summary.updated += 1
            summary.ids.append(fact.id)
            _report(progress, "writing", done, total)
        return summary

    def export(self, *, session: Session) -> tuple[list[str], Iterator[list[Cell]]]:
        bases = _base_refs(session)
        enterprises = _enterprise_refs(session, by_id=True)
        base_refs = {b.id: bases.ref_for(b.id, b.key, b.name_en, b.name_zh)
                     for b in session.scalars(select(Base))}
        enterprise_refs = {
            ident: enterprises.ref_for(ident, name_en, name_zh)
            for ident, name_en, name_zh in session.execute(
                select(Enterprise.id, Enterprise.name_en, Enterprise.name_zh)
            )
        }

        def rows() -> Iterator[list[Cell]]:
            for fact in session.scalars(select(IndicatorFact).order_by(IndicatorFact.id)):
                yield [
                    base_refs.get(fact.base_id) if fact.base_id else None,
                    enterprise_refs.get(fact.enterprise_id) if fact.enterprise_id else None,
                    fact.metric, fact.value, fact.currency, fact.unit, fact.year, fact.month,
                    fact.qualifier, fact.source_title, fact.source_url, fact.source_quote,
                    fact.note,
                ]

        return list(self.columns), rows()


def _whole(cell: str) -> int | None:
    """A cell that holds a whole number as that number (anything else is checked later)."""
    return int(cell) if cell.isdigit() else None


def _fact_key(fact: IndicatorFact | schemas.IndicatorFields) -> _FactKey:
    if fact.base_id is not None:
        return ("base", fact.base_id, fact.metric, fact.year, fact.month)
    return ("enterprise", fact.enterprise_id or 0, fact.metric, fact.year, fact.month)


# --- import and export ---------------------------------------------------------------------

SPECS: dict[Kind, _KindSpec] = {
    Kind.ENTERPRISES: EnterpriseColumns(),
    Kind.PRODUCTS: ProductColumns(),
    Kind.INDICATORS: IndicatorColumns(),
}


def import_table(
    *, session: Session, kind: Kind | str, table: Table, progress: Progress | None = None
) -> ImportSummary:
    """Check every row of ``table`` and, if all are good, write them (never commits).

    Raises ``ImportRejected`` listing every problem, having written nothing."""
    spec = SPECS[Kind(kind)]
    problems = _header_problems(spec, table)
    if problems:
        raise ImportRejected(table.filename, problems)
    errors = _Errors()
    with session.no_autoflush:
        plan = spec.load(session=session, table=table, errors=errors, progress=progress)
    if errors.items:
        raise ImportRejected(table.filename, errors.sorted())
    return spec.write(session=session, plan=plan, progress=progress)


def import_file(
    *, session: Session, kind: Kind | str, path: Path, fmt: FileFormat | str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a CSV or XLSX file of ``kind``; all-or-nothing (see ``import_table``)."""
    return import_table(session=session, kind=kind, table=read_table(path, fmt),
                        progress=progress)


def export_file(
    *, session: Session, kind: Kind | str, path: Path, fmt: FileFormat | str | None = None
) -> int:
    """Write every row of ``kind`` to ``path`` with the columns an import reads; returns the
    number of rows."""
    kind = Kind(kind)
    columns, rows = SPECS[kind].export(session=session)
    return write_table(path, columns, rows, fmt, sheet=kind.value)
