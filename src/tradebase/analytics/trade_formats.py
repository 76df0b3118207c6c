"""What the three trade-file formats write, read into what a trade record stores.

Countries: ISO 3166 alpha-3 codes (pycountry). UN Comtrade and CEPII BACI write numeric
codes, most of them ISO 3166's, some their own: those are mapped here explicitly
(``NUMERIC_SPECIALS``) — 490 "Other Asia, nes" is Taiwan in both, and 842 USA, 251 France,
579 Norway, 699 India, 757 Switzerland are their numbers for countries ISO numbers otherwise;
areas no country stands for (bunkers, free zones, "areas nes") get user-assigned ``X..``
codes (``SPECIAL_PARTNERS``) so that their value is kept and never counted to a country.
Partner 0 "World" and the EU aggregate (97) are totals of other rows: skipped and counted.

Below the cells, the rows of a file: ``read_rows`` streams a CSV/TSV (or our XLSX) as
(line, cells); ``own_rows``, ``comtrade_rows`` and ``baci_rows`` turn them into checked
records (tuples in ``COLUMNS`` order) or None for a bad row, whose problems ``Check`` collects
— each distinct cell read once. No database: our format's reporters are resolved by the
``ReporterCells`` that ``trade_import`` passes in.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import pycountry

from tradebase.accounts.policy import Actor, TradeReporter, may_import_trade
from tradebase.errors import ImportRejected, InvalidInput
from tradebase.registry import hs_codes
from tradebase.registry.transfer.checking import Errors
from tradebase.registry.transfer.files import Limits, decode_text, read_xlsx

FLOWS = {"export": "export", "import": "import", "re_export": "re_export",
         "re_import": "re_import"}
"""Our own format's flow words (also accepted with a hyphen or a space)."""
COMTRADE_FLOWS = {"X": "export", "M": "import", "RX": "re_export", "RM": "re_import"}

SPECIAL_PARTNERS: Mapping[str, str] = {
    "XBK": "bunkers",
    "XFZ": "free zones",
    "XSC": "special categories",
    "XNS": "areas not elsewhere specified",
    "XBL": "Belgium-Luxembourg (before 1999)",
    "XSU": "Southern African Customs Union (before 2000)",
    "XSM": "Serbia and Montenegro (before 2006)",
    "XAN": "Netherlands Antilles (before 2011)",
    "XSD": "Sudan (before 2011)",
}
"""User-assigned alpha-3 codes (ISO 3166 leaves X.. to users) for areas no country is."""

_NES = (471, 472, 473, 492, 527, 568, 577, 636, 637, 697, 879, 897, 898, 899)
NUMERIC_SPECIALS: Mapping[int, str] = {
    490: "TWN",  # "Other Asia, nes": Taiwan, in Comtrade and in BACI
    842: "USA", 251: "FRA", 579: "NOR", 699: "IND", 757: "CHE",
    280: "DEU",  # Federal Republic of Germany before 1990
    58: "XBL", 711: "XSU", 891: "XSM", 530: "XAN", 736: "XSD",
    837: "XBK", 838: "XFZ", 839: "XSC",
    **dict.fromkeys(_NES, "XNS"),
}
AGGREGATE_PARTNERS = frozenset({0, 97})
"""World and the EU: totals of other partners' rows."""

_BACI_NAME = re.compile(r"BACI_HS(\d\d)_", re.IGNORECASE)
_BACI_EDITIONS = {"92": 1992, "96": 1996, "02": 2002, "07": 2007, "12": 2012, "17": 2017,
                  "22": 2022}


class FormatError(ValueError):
    """A cell that cannot be read: ``code`` and ``params`` say why (``str()`` in English)."""

    def __init__(self, code: str, message: str, **params: str) -> None:
        self.code = code
        self.params = params
        super().__init__(message)


@cache
def _alpha3() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries) | frozenset(SPECIAL_PARTNERS)


@cache
def _by_alpha2() -> dict[str, str]:
    return {c.alpha_2: c.alpha_3 for c in pycountry.countries}


@cache
def _by_numeric() -> dict[int, str]:
    return {int(c.numeric): c.alpha_3 for c in pycountry.countries} | dict(NUMERIC_SPECIALS)


@cache
def _currencies() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@cache
def country(written: str) -> str:
    """An alpha-3 code for a country as written: alpha-3, alpha-2 or a numeric code."""
    text = written.strip().upper()
    if text.isdecimal():
        return numeric_country(int(text), written)
    if len(text) == 3 and text in _alpha3():
        return text
    if len(text) == 2 and text in _by_alpha2():
        return _by_alpha2()[text]
    raise FormatError("trade_country_unknown",
                      f"'{written}' is not an ISO 3166 country code (such as CHN, CN or 156)",
                      input=written)


def numeric_country(code: int, written: str | None = None) -> str:
    """The alpha-3 code of a numeric one (ISO 3166's, or Comtrade's and BACI's own)."""
    found = _by_numeric().get(code)
    if found is None:
        raise FormatError("trade_country_unknown",
                          f"'{written or code}' is not a country code of ISO 3166, UN "
                          "Comtrade or BACI", input=str(written or code))
    return found


@cache
def currency(written: str) -> str:
    text = written.strip().upper()
    if text in _currencies():
        return text
    raise FormatError("trade_currency_unknown",
                      f"'{written}' is not an ISO 4217 currency code (such as USD or CNY)",
                      input=written)


def flow(written: str) -> str:
    key = written.strip().lower().replace("-", "_").replace(" ", "_")
    if key in FLOWS:
        return FLOWS[key]
    raise FormatError("trade_flow_unknown",
                      f"'{written}' is not a flow: write export, import, re_export or "
                      "re_import", input=written)


@cache
def hs(written: str, edition: int) -> tuple[int, str | None, tuple[str, ...]]:
    """(edition read as, HS 2022 code or None, note codes) of an HS code as written; raises
    ``hs_codes.HsCodeError``. Cached: a file has a few thousand distinct codes."""
    reading = hs_codes.read_hs(written, edition)
    return reading.edition, reading.hs2022, tuple(note.code for note in reading.notes)


def baci_edition(filename: str, given: int | None) -> int:
    """The HS edition of a BACI file: ``given`` (``--hs-edition``), else its name's
    ``BACI_HS17_…``; only the editions the correlation tables cover are read."""
    if given is None:
        found = _BACI_NAME.search(filename)
        if found is None:
            raise FormatError("trade_baci_edition",
                              f"{filename}: give the HS edition (--hs-edition) or name the file "
                              "as CEPII does (BACI_HS17_Y2022_V202401.csv)", file=filename)
        given = _BACI_EDITIONS.get(found.group(1))
    if given not in hs_codes.EDITIONS:
        raise FormatError("trade_hs_edition_unsupported",
                          f"{filename}: HS {given} is not read: codes of HS 2022, 2017 or 2012 "
                          "are mapped to HS 2022", file=filename, edition=str(given))
    return given


def comtrade_edition(classification: str, default: int) -> int:
    """The HS edition of a Comtrade row's ``classificationCode`` (H4, H5, H6); ``default``
    when the file has no such column or the cell is empty."""
    text = classification.strip().upper()
    if not text:
        return default
    try:
        edition = hs_codes.read_edition(text)
    except hs_codes.HsCodeError:
        edition = None
    if edition is None:
        raise FormatError("trade_hs_edition_unsupported",
                          f"classification {classification} is not read: codes of HS 2022, "
                          "2017 or 2012 (H6, H5, H4) are mapped to HS 2022",
                          edition=classification)
    return edition


# --- reading the rows of a file ---------------------------------------------------------


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


class Source(StrEnum):
    TRADEBASE = "tradebase"
    COMTRADE = "comtrade"
    BACI = "baci"


class Rejected(Exception):
    """The error budget is spent: stop reading."""


@dataclass
class Check:
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

    def error(self, line: int, column: str, exc: FormatError | hs_codes.HsCodeError
              ) -> None:
        self.errors.add(line, column, str(exc), code=exc.code, params=dict(exc.params))
        if len(self.errors.items) >= MAX_ERRORS:
            raise Rejected

    def add(self, line: int, column: str, reason: str, code: str,
            params: Mapping[str, str] | None = None) -> None:
        self.errors.add(line, column, reason, code=code, params=dict(params or {}))
        if len(self.errors.items) >= MAX_ERRORS:
            raise Rejected

    def hs(self, written: str, edition: int, line: int, column: str
           ) -> tuple[int, str | None] | None:
        try:
            read_as, hs2022, notes = hs(written, edition)
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
                raise FormatError("trade_reporter_not_yours",
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


def read_rows(path: Path, source: Source) -> Iterator[tuple[int, list[str]]]:
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


def _number(text: str, line: int, column: str, check: Check, *,
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


def _year(text: str, line: int, column: str, check: Check) -> int | None:
    text = text.strip()
    if text.isdecimal() and 1900 <= int(text) <= 2100:
        return int(text)
    check.add(line, column, f"must be a year such as 2022, not '{text}'", "trade_year",
              {"input": text})
    return None


def _month(text: str, line: int, column: str, check: Check) -> tuple[bool, int | None]:
    text = text.strip()
    if not text:
        return True, None
    if text.isdecimal() and 1 <= int(text) <= 12:
        return True, int(text)
    check.add(line, column, f"must be a month 1-12 or empty, not '{text}'", "trade_month",
              {"input": text})
    return False, None



class ReporterCells(Protocol):
    """Reads our format's reporter cells into the six reporter columns (``trade_import``'s
    resolver, against the register)."""

    def read(self, cell: str) -> tuple[Any, ...]: ...


def own_rows(rows: Iterator[tuple[int, list[str]]], check: Check,
              reporters: ReporterCells) -> Iterator[Record | None]:
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
        except FormatError as exc:
            check.error(line, "reporter", exc)
            ok = False
        try:
            flow_word = flow(cells[i_flow])
        except FormatError as exc:
            check.error(line, "flow", exc)
            ok = False
        hs = check.hs(cells[i_hs], check.hs_edition, line, "hs")
        try:
            partner = country(cells[i_partner])
        except FormatError as exc:
            check.error(line, "partner", exc)
            ok = False
        year = _year(cells[i_year], line, "year", check)
        month_ok, month = _month(cells[i_month], line, "month", check)
        value = _number(cells[i_value], line, "value", check)
        try:
            currency_code = currency(cells[i_cur])
        except FormatError as exc:
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
        yield (*reporter, flow_word, cells[i_hs].strip(), hs[0], hs[1], partner, year, month,
               value, currency_code, quantity, unit, check.source.value, check.filename,
               check.is_sample)



# --- UN Comtrade ---------------------------------------------------------------------------


def comtrade_rows(rows: Iterator[tuple[int, list[str]]], check: Check
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

    def country_of(text: str, line: int, index: int) -> str | None:
        if text in countries:
            return countries[text]
        try:
            found: str | None = numeric_country(int(text), text) if text.strip().isdecimal() \
                else country(text)
        except FormatError as exc:
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
        if partner_code.isdecimal() and int(partner_code) in AGGREGATE_PARTNERS:
            skipped["partner_world"] += 1
            continue
        if cmd.upper() == "TOTAL" or (cmd.isdecimal() and len(cmd) in (2, 4)):
            skipped["aggregate_code"] += 1
            continue
        if any(cells[i].strip() not in ("", total) for i, total in breakdowns):
            skipped["breakdown"] += 1
            continue
        flow = COMTRADE_FLOWS.get(flow_code)
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
                edition = comtrade_edition(cells[i_class], check.hs_edition)
            except FormatError as exc:
                check.error(line, names[i_class], exc)
                ok = False
        hs = check.hs(cmd, edition, line, names[i_cmd]) if ok else None
        reporter_code = country_of(cells[i_rep].strip(), line, i_rep)
        reporter: tuple[Any, ...] | None = None
        if reporter_code is not None:
            try:
                reporter = check.country_reporter(reporter_code)
            except FormatError as exc:
                check.error(line, names[i_rep], exc)
        partner = country_of(partner_code, line, i_partner)
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


def baci_rows(rows: Iterator[tuple[int, list[str]]], check: Check
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

    def country_of(text: str, line: int, column: str) -> str | None:
        try:
            found = countries[text] = numeric_country(int(text), text.strip())
            return found
        except (ValueError, FormatError):
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
        exporter = countries.get(i) or country_of(i, line, "i")
        importer = countries.get(j) or country_of(j, line, "j")
        code = codes.get(k) or code_of(k, line)
        reporter: tuple[Any, ...] | None = None
        if exporter is not None:
            try:
                reporter = check.country_reporter(exporter)
            except FormatError as exc:
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
