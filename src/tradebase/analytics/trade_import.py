"""Importing trade-flow records: our own CSV/XLSX format, UN Comtrade's bulk files and
CEPII BACI's, all-or-nothing, at millions of rows.

A file is read as a stream of rows (``csv`` for CSV/TSV, openpyxl's streaming reader for our
own XLSX); each row is checked against lookups cached per distinct cell (countries, HS codes,
reporters and whether the actor may import for them), and the checked rows are written in
batches by bulk insert — psycopg's COPY on PostgreSQL, one executemany per batch on SQLite —
never as ORM objects. The writes go into a savepoint: a file with any bad row is refused with
every problem (file, line, column, what is wrong; at most ``MAX_ERRORS``) and the savepoint
rolled back, so nothing of it stays. Importing a file again (same source and file name)
replaces the rows it wrote before for the same reporters.

Rows that are totals of other rows (Comtrade's partner 0 "World", aggregate commodity codes
TOTAL and 2- or 4-digit ones, breakdowns by second partner, customs procedure or mode of
transport, flows other than X/M/RX/RM) are skipped and counted in the summary.

Formats: ``docs/analytics.md`` ("Trade flows"). Who may import for which reporter:
``accounts/policy.py`` (``may_import_trade``).
"""

from __future__ import annotations

import csv
import io
import math
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import (
    Actor,
    TradeReporter,
    may_import_trade,
    may_import_trade_somewhere,
)
from tradebase.analytics import trade_formats as fmt
from tradebase.analytics.trade_models import TradeRecord
from tradebase.errors import Forbidden, ImportRejected, InvalidInput, Unauthenticated
from tradebase.registry import hs_codes
from tradebase.registry.models import Enterprise
from tradebase.registry.transfer.checking import (
    Errors,
    Refs,
    load_base_refs,
    load_enterprise_refs,
    load_region_refs,
)
from tradebase.registry.transfer.files import Limits, decode_text, read_xlsx

MAX_ERRORS = 1000
"""A file with more bad rows is refused at the thousandth problem (they are listed)."""
BATCH_ROWS = 20_000
_WHOLE_FILE_BYTES = 64 * 1024 * 1024
"""Our own CSV files up to this size are decoded whole (UTF-8 or GB18030, as the register's
imports); larger ones, and every Comtrade and BACI file, are read as streamed UTF-8."""

COLUMNS = ("reporter", "reporter_kind", "base_id", "enterprise_id", "region_id",
           "reporter_country", "flow", "hs_written", "hs_edition", "hs2022", "partner", "year",
           "month", "value", "currency", "quantity", "unit", "source", "source_file",
           "is_sample")
"""The columns a checked row holds, in the order of its tuple."""

OWN_COLUMNS = ("reporter", "flow", "hs", "partner", "year", "month", "value", "currency",
               "quantity", "unit")
COMTRADE_REQUIRED = ("refyear", "reportercode", "flowcode", "partnercode", "cmdcode",
                     "primaryvalue")
BACI_COLUMNS = ("t", "i", "j", "k", "v", "q")

Record = tuple[Any, ...]
_SQLITE_CACHE_KIB = 256 * 1024


class Source(StrEnum):
    TRADEBASE = "tradebase"
    COMTRADE = "comtrade"
    BACI = "baci"


@dataclass
class TradeImportSummary:
    """What an import wrote and what it left out."""

    source: Source
    filename: str
    rows_read: int = 0
    written: int = 0
    replaced: int = 0
    """Rows an earlier import of the same file had written for the same reporters."""
    skipped: dict[str, int] = field(default_factory=dict)
    """Rows left out by reason: ``partner_world``, ``aggregate_code``, ``breakdown``,
    ``other_flow``."""
    notes: dict[str, int] = field(default_factory=dict)
    """Rows whose HS code was read with a note (``hs_older_edition``, ``hs_renumbered``,
    ``hs_confirm_subheading``, ``hs_choose_code``: no HS 2022 code), by note."""
    reporters: list[str] = field(default_factory=list)


class _Rejected(Exception):
    """The error budget is spent: stop reading."""


@dataclass
class _Check:
    """What checking a file needs besides its rows: the errors, the actor, the caches."""

    filename: str
    source: Source
    actor: Actor
    errors: Errors
    is_sample: bool = False
    hs_edition: int = hs_codes.CURRENT_EDITION
    notes: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    reporters: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """A reporter cell -> its six reporter columns, once resolved and allowed."""

    def error(self, line: int, column: str, exc: fmt.FormatError | hs_codes.HsCodeError
              ) -> None:
        self.errors.add(line, column, str(exc), code=exc.code, params=dict(exc.params))
        if len(self.errors.items) >= MAX_ERRORS:
            raise _Rejected

    def add(self, line: int, column: str, reason: str, code: str,
            params: Mapping[str, str] | None = None) -> None:
        self.errors.add(line, column, reason, code=code, params=dict(params or {}))
        if len(self.errors.items) >= MAX_ERRORS:
            raise _Rejected

    def hs(self, written: str, edition: int, line: int, column: str
           ) -> tuple[int, str | None] | None:
        try:
            read_as, hs2022, notes = fmt.hs(written, edition)
        except hs_codes.HsCodeError as exc:
            self.error(line, column, exc)
            return None
        for note in notes:
            self.notes[note] += 1
        return read_as, hs2022

    def country_reporter(self, code: str) -> tuple[Any, ...]:
        """The reporter columns of a country, if the actor may import for it."""
        found = self.reporters.get(code)
        if found is None:
            if not may_import_trade(self.actor, TradeReporter("country")):
                raise fmt.FormatError("trade_reporter_not_yours",
                                      f"you may not import trade records of country {code}",
                                      reporter=f"country:{code}")
            found = (f"country:{code}", "country", None, None, None, code)
            self.reporters[code] = found
        return found


# --- reading rows --------------------------------------------------------------------------


def _csv_rows(path: Path, *, whole: bool) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every record of a CSV or TSV file, the header first."""
    if whole:
        handle: io.TextIOBase = io.StringIO(decode_text(path.read_bytes(), path.name))
    else:
        handle = path.open(encoding="utf-8-sig", newline="")
    with handle:
        first = handle.readline()
        delimiter = "\t" if "\t" in first and "," not in first else (
            ";" if ";" in first and "," not in first else ",")
        line = 1
        yield line, next(csv.reader([first], delimiter=delimiter), [])
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for cells in reader:
                yield reader.line_num + 1, cells
        except UnicodeDecodeError as exc:
            raise ImportRejected(path.name, [_row_error(
                reader.line_num + 2, None, "the file is not UTF-8 text from here on",
                "trade_not_utf8")]) from exc
        except csv.Error as exc:
            raise ImportRejected(path.name, [_row_error(
                reader.line_num + 1, None, f"the line cannot be read as CSV ({exc})",
                "trade_bad_csv")]) from exc


def _row_error(line: int, column: str | None, reason: str, code: str) -> Any:
    errors = Errors()
    errors.add(line, column, reason, code=code)
    return errors.items[0]


def _rows(path: Path, source: Source) -> Iterator[tuple[int, list[str]]]:
    if path.suffix.lower() == ".xlsx":
        if source is not Source.TRADEBASE:
            raise InvalidInput(f"{path.name}: {source.value} files are CSV or TSV",
                               field="file", code="trade_format", params={"file": path.name})
        table = read_xlsx(path, Limits(max_rows=1_048_576, max_cells=20_000_000, kind="trade"))
        yield 1, list(table.columns)
        for row in table.rows:
            yield row.line, [row.cells.get(column, "") for column in table.columns]
        return
    whole = source is Source.TRADEBASE and path.stat().st_size <= _WHOLE_FILE_BYTES
    yield from _csv_rows(path, whole=whole)


def _header(filename: str, cells: list[str], required: Sequence[str], *,
            exactly: bool) -> dict[str, int]:
    """Column name (lower case) -> position; the file is refused when a column is missing
    (or, with ``exactly``, when it has another one)."""
    names = [cell.strip().lstrip("\ufeff").lower() for cell in cells]
    positions = {name: index for index, name in enumerate(names) if name}
    errors = Errors()
    for name in required:
        if name not in positions:
            errors.add(1, name, f"the column '{name}' is missing", code="trade_column_missing",
                       params={"column": name})
    if exactly:
        for name in positions:
            if name not in required:
                errors.add(1, name, f"'{name}' is not a column of the tradebase format "
                           f"({', '.join(required)})", code="trade_column_unknown",
                           params={"column": name})
    if errors.items:
        raise ImportRejected(filename, errors.sorted(), None)
    return positions


def _number(text: str, line: int, column: str, check: _Check, *,
            required: bool = True) -> float | None:
    text = text.strip()
    if not text or text.upper() == "NA":
        if required:
            check.add(line, column, "must not be empty", "trade_empty")
        return None
    try:
        number = float(text)
    except ValueError:
        check.add(line, column, f"must be a number, not '{text}'", "trade_number",
                  {"input": text})
        return None
    if not math.isfinite(number) or number < 0:
        check.add(line, column, f"must be a number ≥ 0, not '{text}'", "trade_number",
                  {"input": text})
        return None
    return number


def _year(text: str, line: int, column: str, check: _Check) -> int | None:
    text = text.strip()
    if text.isdecimal() and 1900 <= int(text) <= 2100:
        return int(text)
    check.add(line, column, f"must be a year such as 2022, not '{text}'", "trade_year",
              {"input": text})
    return None


def _month(text: str, line: int, column: str, check: _Check) -> tuple[bool, int | None]:
    text = text.strip()
    if not text:
        return True, None
    if text.isdecimal() and 1 <= int(text) <= 12:
        return True, int(text)
    check.add(line, column, f"must be a month 1-12 or empty, not '{text}'", "trade_month",
              {"input": text})
    return False, None


# --- our own format ------------------------------------------------------------------------


class _Reporters:
    """Reads our format's reporter cells (``base:anxi``, ``enterprise:17``, ``region:350524``,
    ``country:CHN``; empty = the ``--base`` base), each distinct cell once."""

    def __init__(self, session: Session, check: _Check, base_id: int | None) -> None:
        self.check = check
        self.base_id = base_id
        self.bases: Refs = load_base_refs(session)
        self.regions: Refs = load_region_refs(session)
        self.enterprises: Refs = load_enterprise_refs(session, by_id=True)
        self.enterprise_base: dict[int, int | None] = {}
        for ident, base in session.execute(select(Enterprise.id, Enterprise.base_id)):
            self.enterprise_base[ident] = base

    def read(self, cell: str) -> tuple[Any, ...]:
        found = self.check.reporters.get(cell)
        if found is None:
            found = self._resolve(cell)
            self.check.reporters[cell] = found
        return found

    def _resolve(self, cell: str) -> tuple[Any, ...]:
        text = cell.strip()
        if not text:
            if self.base_id is None:
                raise fmt.FormatError("trade_reporter_empty",
                                      "must not be empty (or give --base)")
            text = f"base:{self.base_id}"
        kind, sep, ref = text.partition(":")
        kind = kind.strip().lower()
        ref = ref.strip()
        if not sep or kind not in ("base", "enterprise", "region", "country") or not ref:
            raise fmt.FormatError(
                "trade_reporter_form", f"'{cell}' is not a reporter: write base:<key or id>, "
                "enterprise:<id or name>, region:<code or id> or country:<ISO code>",
                input=cell)
        base_id: int | None = None
        enterprise_id: int | None = None
        region_id: int | None = None
        country: str | None = None
        try:
            if kind == "base":
                base_id = self.bases.resolve(ref)
                key = f"base:{base_id}"
            elif kind == "enterprise":
                enterprise_id = self.enterprises.resolve(ref)
                base_id = self.enterprise_base.get(enterprise_id)
                key = f"enterprise:{enterprise_id}"
            elif kind == "region":
                region_id = self.regions.resolve(ref)
                key = f"region:{region_id}"
            else:
                country = fmt.country(ref)
                key = f"country:{country}"
        except fmt.FormatError:
            raise
        except ValueError as exc:
            raise fmt.FormatError("trade_reporter_unknown", str(exc), input=cell) from None
        if self.base_id is not None and base_id != self.base_id:
            raise fmt.FormatError("import_other_base", f"this file is for base {self.base_id}; "
                                  f"'{cell}' is not that base or one of its enterprises",
                                  base=str(self.base_id), input=cell)
        if not may_import_trade(self.check.actor, TradeReporter(kind, base_id=base_id,
                                                                enterprise_id=enterprise_id)):
            raise fmt.FormatError("trade_reporter_not_yours",
                                  f"you may not import trade records of {cell}", reporter=cell)
        return key, kind, (base_id if kind == "base" else None), enterprise_id, region_id, country


def _own_rows(rows: Iterator[tuple[int, list[str]]], check: _Check,
              reporters: _Reporters) -> Iterator[Record | None]:
    _, header = next(rows)
    at = _header(check.filename, header, OWN_COLUMNS, exactly=True)
    i_rep, i_flow, i_hs, i_partner, i_year, i_month, i_value, i_cur, i_qty, i_unit = (
        at[name] for name in OWN_COLUMNS)
    width = max(at.values()) + 1
    for line, cells in rows:
        if not any(cells):
            continue
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        ok = True
        try:
            reporter = reporters.read(cells[i_rep])
        except fmt.FormatError as exc:
            check.error(line, "reporter", exc)
            ok = False
        try:
            flow = fmt.flow(cells[i_flow])
        except fmt.FormatError as exc:
            check.error(line, "flow", exc)
            ok = False
        hs = check.hs(cells[i_hs], check.hs_edition, line, "hs")
        try:
            partner = fmt.country(cells[i_partner])
        except fmt.FormatError as exc:
            check.error(line, "partner", exc)
            ok = False
        year = _year(cells[i_year], line, "year", check)
        month_ok, month = _month(cells[i_month], line, "month", check)
        value = _number(cells[i_value], line, "value", check)
        try:
            currency = fmt.currency(cells[i_cur])
        except fmt.FormatError as exc:
            check.error(line, "currency", exc)
            ok = False
        quantity = _number(cells[i_qty], line, "quantity", check, required=False)
        unit = cells[i_unit].strip() or None
        if unit is not None and len(unit) > 20:
            check.add(line, "unit", "must be at most 20 characters long", "trade_unit")
            ok = False
        if quantity is not None and unit is None:
            check.add(line, "unit", "must be given with a quantity", "trade_unit_missing")
            ok = False
        if (not ok or hs is None or year is None or not month_ok or value is None
                or (quantity is None and cells[i_qty].strip())):
            yield None
            continue
        yield (*reporter, flow, cells[i_hs].strip(), hs[0], hs[1], partner, year, month,
               value, currency, quantity, unit, check.source.value, check.filename,
               check.is_sample)


# --- UN Comtrade ---------------------------------------------------------------------------


def _comtrade_rows(rows: Iterator[tuple[int, list[str]]], check: _Check
                   ) -> Iterator[Record | None]:
    _, header = next(rows)
    at = _header(check.filename, header, COMTRADE_REQUIRED, exactly=False)
    names = {v: k for k, v in at.items()}

    def column(name: str) -> int | None:
        return at.get(name.lower())

    i_year, i_rep, i_flow, i_partner, i_cmd, i_value = (at[n] for n in COMTRADE_REQUIRED)
    i_month, i_period = column("refMonth"), column("period")
    i_class = column("classificationCode")
    i_qty, i_qty_unit, i_wgt = column("qty"), column("qtyUnitAbbr"), column("netWgt")
    breakdowns = [(i, total) for i, total in ((column("partner2Code"), "0"),
                                              (column("motCode"), "0"),
                                              (column("customsCode"), "C00")) if i is not None]
    countries: dict[str, str | None] = {}
    skipped = check.skipped

    def country(text: str, line: int, index: int) -> str | None:
        if text in countries:
            return countries[text]
        try:
            found: str | None = fmt.numeric_country(int(text), text) if text.strip().isdecimal() \
                else fmt.country(text)
        except fmt.FormatError as exc:
            check.error(line, names[index], exc)
            return None
        countries[text] = found
        return found

    for line, cells in rows:
        if not any(cells):
            continue
        try:
            partner_code = cells[i_partner].strip()
            cmd = cells[i_cmd].strip()
            flow_code = cells[i_flow].strip().upper()
        except IndexError:
            check.add(line, names[i_partner], "the row has fewer cells than the header",
                      "trade_short_row")
            yield None
            continue
        if partner_code.isdecimal() and int(partner_code) in fmt.AGGREGATE_PARTNERS:
            skipped["partner_world"] += 1
            continue
        if cmd.upper() == "TOTAL" or (cmd.isdecimal() and len(cmd) in (2, 4)):
            skipped["aggregate_code"] += 1
            continue
        if any(cells[i].strip() not in ("", total) for i, total in breakdowns):
            skipped["breakdown"] += 1
            continue
        flow = fmt.COMTRADE_FLOWS.get(flow_code)
        if flow is None:
            skipped["other_flow"] += 1
            continue
        ok = True
        year = _year(cells[i_year], line, names[i_year], check)
        month: int | None = None
        if i_month is not None and cells[i_month].strip() not in ("", "52"):
            month_ok, month = _month(cells[i_month], line, names[i_month], check)
            ok = ok and month_ok
        elif i_period is not None and len(cells[i_period].strip()) == 6:
            month_ok, month = _month(cells[i_period].strip()[4:], line, names[i_period], check)
            ok = ok and month_ok
        edition = check.hs_edition
        if i_class is not None:
            try:
                edition = fmt.comtrade_edition(cells[i_class], check.hs_edition)
            except fmt.FormatError as exc:
                check.error(line, names[i_class], exc)
                ok = False
        hs = check.hs(cmd, edition, line, names[i_cmd]) if ok else None
        reporter_code = country(cells[i_rep].strip(), line, i_rep)
        reporter: tuple[Any, ...] | None = None
        if reporter_code is not None:
            try:
                reporter = check.country_reporter(reporter_code)
            except fmt.FormatError as exc:
                check.error(line, names[i_rep], exc)
        partner = country(partner_code, line, i_partner)
        value = _number(cells[i_value], line, names[i_value], check)
        quantity: float | None = None
        unit: str | None = None
        if i_qty is not None and i_qty_unit is not None and cells[i_qty_unit].strip() not in (
                "", "N/A", "-1"):
            quantity = _number(cells[i_qty], line, names[i_qty], check, required=False)
            unit = cells[i_qty_unit].strip()[:20]
        if quantity is None and i_wgt is not None and cells[i_wgt].strip():
            quantity = _number(cells[i_wgt], line, names[i_wgt], check, required=False)
            unit = "kg" if quantity is not None else None
        if (not ok or hs is None or year is None or reporter is None or partner is None
                or value is None):
            yield None
            continue
        yield (*reporter, flow, cmd, hs[0], hs[1], partner, year, month, value, "USD",
               quantity, unit, check.source.value, check.filename, check.is_sample)


# --- CEPII BACI ----------------------------------------------------------------------------


def _baci_rows(rows: Iterator[tuple[int, list[str]]], check: _Check
               ) -> Iterator[Record | None]:
    _, header = next(rows)
    at = _header(check.filename, header, BACI_COLUMNS, exactly=False)
    i_t, i_i, i_j, i_k, i_v, i_q = (at[name] for name in BACI_COLUMNS)
    edition = check.hs_edition
    # Caches of the cells read well; a bad cell is read (and reported) on each of its lines.
    countries: dict[str, str] = {}
    codes: dict[str, tuple[str, int, str | None]] = {}
    years: dict[str, int] = {}
    source, filename, sample = check.source.value, check.filename, check.is_sample

    def country(text: str, line: int, column: str) -> str | None:
        try:
            found = countries[text] = fmt.numeric_country(int(text), text.strip())
            return found
        except (ValueError, fmt.FormatError):
            check.add(line, column, f"'{text}' is not a country code of BACI",
                      "trade_country_unknown", {"input": text})
            return None

    def code_of(text: str, line: int) -> tuple[str, int, str | None] | None:
        written = text.strip().zfill(6)
        hs = check.hs(written, edition, line, "k")
        if hs is None:
            return None
        found = codes[text] = (written, hs[0], hs[1])
        return found

    def year_of(text: str, line: int) -> int | None:
        found = _year(text, line, "t", check)
        if found is not None:
            years[text] = found
        return found

    for line, cells in rows:
        try:
            t, i, j, k, v, q = (cells[i_t], cells[i_i], cells[i_j], cells[i_k], cells[i_v],
                                cells[i_q])
        except IndexError:
            if any(cells):
                check.add(line, "t", "the row has fewer cells than the header",
                          "trade_short_row")
                yield None
            continue
        year = years.get(t) or year_of(t, line)
        exporter = countries.get(i) or country(i, line, "i")
        importer = countries.get(j) or country(j, line, "j")
        code = codes.get(k) or code_of(k, line)
        reporter: tuple[Any, ...] | None = None
        if exporter is not None:
            try:
                reporter = check.country_reporter(exporter)
            except fmt.FormatError as exc:
                check.error(line, "i", exc)
        try:
            value = float(v) * 1000.0
            if not math.isfinite(value) or value < 0:
                raise ValueError(v)
        except ValueError:
            check.add(line, "v", f"must be a number ≥ 0 (thousands of USD), not '{v}'",
                      "trade_number", {"input": v})
            yield None
            continue
        quantity = None if q.strip() in ("", "NA") else _number(q, line, "q", check,
                                                                required=False)
        if year is None or reporter is None or importer is None or code is None:
            yield None
            continue
        yield (*reporter, "export", code[0], code[1], code[2], importer, year, None, value,
               "USD", quantity, "t" if quantity is not None else None, source, filename,
               sample)


# --- writing -------------------------------------------------------------------------------


class _Writer:
    """Writes checked rows by the fastest path each database has: one COPY for the whole file
    on PostgreSQL (fed from a queue by its own thread, so the server stores rows while the
    file is still being read), an executemany per batch on SQLite."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        names = ", ".join(COLUMNS)
        self.copy_sql = f"COPY {TradeRecord.__tablename__} ({names}) FROM STDIN"
        marks = ", ".join("?" for _ in COLUMNS)
        # Names from COLUMNS and the model, never from a file.
        self.insert_sql = (f"INSERT INTO {TradeRecord.__tablename__} ({names})"  # noqa: S608
                           f" VALUES ({marks})")

    @contextmanager
    def stream(self) -> Iterator[Callable[[list[Record]], None]]:
        """A function that writes a batch (rows keep the file's order, and so their ids);
        leaving with an exception abandons the COPY."""
        if not self.postgres:
            # A large page cache while the file's index entries go in (SQLite's default of
            # 2 MB makes a million rows' index inserts read and write the same pages again).
            cache = self.connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
            self.connection.exec_driver_sql(f"PRAGMA cache_size = {-_SQLITE_CACHE_KIB}")

            def insert(rows: list[Record]) -> None:
                if rows:
                    self.connection.exec_driver_sql(self.insert_sql, rows)
            try:
                yield insert
            finally:
                self.connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
            return
        from psycopg.copy import QueuedLibpqWriter

        driver = self.connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(
                self.copy_sql, writer=QueuedLibpqWriter(cursor)) as copy:
            def write(rows: list[Record]) -> None:
                for row in rows:
                    copy.write_row(row)
            yield write


def _serialise(session: Session) -> None:
    """On PostgreSQL, one trade import at a time per schema (see ``transfer._serialise_imports``):
    the replacement of a file's earlier rows must not interleave with another import of it."""
    if session.get_bind().dialect.name == "postgresql":
        schema = session.execute(select(func.current_schema())).scalar_one()
        key = zlib.crc32(f"tradebase.import.{schema}.trade".encode())
        session.execute(select(func.pg_advisory_xact_lock(key)))


def authorize_trade_import(*, session: Session) -> Actor:
    """Refuse an actor that may import trade records for nobody, before the file is read."""
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token to import")
    if not may_import_trade_somewhere(actor):
        raise Forbidden("you may not import trade records", field="file",
                        code="import_forbidden", params={"kind": "trade"})
    return actor


def _write_all(records: Iterator[Record | None], check: _Check, summary: TradeImportSummary,
               write: Callable[[list[Record]], None],
               progress: Callable[[int], None] | None) -> None:
    """Read every record, writing them in batches until the first bad one (after which the
    file is only checked, to list every problem)."""
    batch: list[Record] = []
    read = 0
    try:
        for record in records:
            read += 1
            if record is None or check.errors.items:
                batch.clear()
                continue
            batch.append(record)
            if len(batch) >= BATCH_ROWS:
                write(batch)
                summary.written += len(batch)
                batch.clear()
                if progress is not None:
                    progress(summary.written)
    except _Rejected:
        pass
    summary.rows_read = read + sum(check.skipped.values())
    if not check.errors.items:
        write(batch)
        summary.written += len(batch)


def import_trade_file(
    *, session: Session, path: Path, source: Source | str, hs_edition: int | None = None,
    base_id: int | None = None, filename: str | None = None, is_sample: bool = False,
    progress: Callable[[int], None] | None = None,
) -> TradeImportSummary:
    """Import a trade file of ``source`` (never commits). ``hs_edition``: the edition of the
    file's HS codes (ours: where not HS 2022; Comtrade: where a row has no
    ``classificationCode``; BACI: else read from the file name). ``base_id`` (our format only):
    the base the file is for — an empty reporter means it, a reporter of another base is an
    error. Raises ``ImportRejected`` listing the problems, having written nothing."""
    source = Source(source)
    actor = authorize_trade_import(session=session)
    name = (filename or path.name)[:200]
    if base_id is not None and source is not Source.TRADEBASE:
        raise InvalidInput("--base applies to files of the tradebase format only",
                           field="base", code="trade_base_option")
    if hs_edition is not None and source is not Source.BACI and (
            hs_edition not in hs_codes.EDITIONS):
        raise InvalidInput(f"HS {hs_edition} is not read: give 2022, 2017 or 2012",
                           field="hs_edition", code="trade_hs_edition_unsupported",
                           params={"edition": str(hs_edition)})
    edition = hs_edition or hs_codes.CURRENT_EDITION
    if source is Source.BACI:
        try:
            edition = fmt.baci_edition(name, hs_edition)
        except fmt.FormatError as exc:
            raise InvalidInput(str(exc), field="hs_edition", code=exc.code,
                               params=dict(exc.params)) from None
    check = _Check(filename=name, source=source, actor=actor, errors=Errors(),
                   is_sample=is_sample, hs_edition=edition)
    _serialise(session)
    rows = _rows(path, source)
    if source is Source.TRADEBASE:
        records = _own_rows(rows, check, _Reporters(session, check, base_id))
    elif source is Source.COMTRADE:
        records = _comtrade_rows(rows, check)
    else:
        records = _baci_rows(rows, check)
    summary = TradeImportSummary(source=source, filename=name)
    session.flush()
    before = session.execute(select(func.max(TradeRecord.id))).scalar_one() or 0
    nested = session.begin_nested()
    try:
        with _Writer(session.connection()).stream() as write:
            _write_all(records, check, summary, write, progress)
            if check.errors.items:
                raise ImportRejected(name, check.errors.sorted(), summary.rows_read)
        keys = sorted({reporter[0] for reporter in check.reporters.values()})
        for start in range(0, len(keys), 500):
            summary.replaced += session.connection().execute(
                delete(TradeRecord).where(
                    TradeRecord.source == source.value, TradeRecord.source_file == name,
                    TradeRecord.reporter.in_(keys[start:start + 500]),
                    TradeRecord.id <= before)).rowcount
        nested.commit()
    except BaseException:
        nested.rollback()
        raise
    summary.skipped = dict(check.skipped)
    summary.notes = dict(check.notes)
    summary.reporters = sorted({reporter[0] for reporter in check.reporters.values()})
    return summary
