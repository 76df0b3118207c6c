"""Trade files read into one year's export arrays for the complexity engine, with no database.

Three formats (docs/analytics.md, "Economic complexity"):

- ``baci``: CEPII BACI's ``t,i,j,k,v,q`` (year, exporter, importer, HS6 product, value in
  thousands of USD, quantity). BACI writes the product as a number, dropping leading zeros:
  it is zero-padded back to six characters. The HS edition comes from the file's name
  (``BACI_HS17_Y2022_V202401.csv``) unless given.
- ``comtrade``: a UN Comtrade+ bulk CSV or TSV (``refYear, reporterCode, flowCode,
  partnerCode, cmdCode, primaryValue, ...``). Only exports (flow ``X``) are used; re-exports
  (``RX``) are counted apart, like the other flows; partners 0 (World) and 97 (EU), the EU as
  reporter (97) and aggregate commodity codes (``TOTAL``, 2 and 4 digits) are skipped and
  counted; where the file has the breakdown columns (``partner2Code``, ``motCode``,
  ``customsCode``) only their totals (0, 0, ``C00``) are used, so nothing is counted twice.
- ``tradebase``: the platform's own CSV, ``reporter, flow, hs, partner, year, month, value,
  currency, quantity, unit`` (the columns ``tradebase import trade`` reads); rows of flow
  ``export`` are used, in one currency; ``re_export`` rows are counted apart.

Files are streamed in chunks of rows; each chunk's cells become numpy arrays at once, and a
cell is looked at on its own only when its chunk fails to convert, to name its line and
column. Codes are kept as the file writes them (numbers for BACI's and Comtrade's countries).
A bad file is refused whole with every bad row (up to ``MAX_ERRORS``): ``ImportRejected``.
"""

from __future__ import annotations

import csv
import gc
import gzip
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from tradebase.errors import ImportRejected, InvalidInput, RowError

FloatArray = npt.NDArray[np.float64]
Code = int | str
"""A place, partner or product code as the file writes it."""

CHUNK_ROWS = 100_000
MAX_ERRORS = 100
BACI_NAME = re.compile(r"BACI_(HS\d{2})_", re.IGNORECASE)


class Source(StrEnum):
    BACI = "baci"
    COMTRADE = "comtrade"
    TRADEBASE = "tradebase"


TRADEBASE_COLUMNS = ("reporter", "flow", "hs", "partner", "year", "month", "value", "currency",
                     "quantity", "unit")
"""The platform's own trade file, in this order; ``month``, ``quantity`` and ``unit`` may be
left out or blank."""
_REQUIRED = {
    Source.BACI: ("t", "i", "j", "k", "v"),
    Source.COMTRADE: ("refYear", "reporterCode", "flowCode", "partnerCode", "cmdCode",
                      "primaryValue"),
    Source.TRADEBASE: ("reporter", "flow", "hs", "partner", "year", "value", "currency"),
}
_OPTIONAL = {
    Source.BACI: (),
    Source.COMTRADE: ("partner2Code", "motCode", "customsCode", "classificationCode"),
    Source.TRADEBASE: (),
}
_UNITS = {Source.BACI: "thousand USD", Source.COMTRADE: "USD"}
AGGREGATE_PARTNERS = (0, 97)
"""Comtrade's partner codes that total other rows: 0 World, 97 the EU."""
AGGREGATE_REPORTERS = (97,)
"""The EU reporting as a whole: its members are places of their own."""
TRADEBASE_FLOWS = ("export", "import", "re_export", "re_import")
"""The flow words of the platform's format (a hyphen or a space for ``_`` also read)."""
COMTRADE_EDITIONS = {"H0": "HS92", "H1": "HS96", "H2": "HS02", "H3": "HS07", "H4": "HS12",
                     "H5": "HS17", "H6": "HS22"}
"""Comtrade's ``classificationCode`` for each HS edition."""


@dataclass
class TradeYear:
    """One year's exports of a file: places x products and places x partners."""

    source: Source
    year: int
    places: list[Code]
    products: list[str]
    partners: list[Code]
    exports: FloatArray
    """Exports summed over partners, places x products (only rows and columns with exports)."""
    by_partner: FloatArray
    """Exports summed over products, places x partners."""
    currency: str
    rows_read: int = 0
    rows_used: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    """Rows left out, by reason: ``other_year``, ``aggregate_partner`` (World, EU),
    ``aggregate_reporter`` (EU), ``aggregate_code``, ``re_export``, ``other_flow``,
    ``breakdown``, ``zero_value``."""
    re_exports: float = 0.0
    """The value of the re-export rows of the year, kept apart from exports."""
    hs_edition: str | None = None


@dataclass
class _Chunk:
    """A chunk's kept rows: codes and values, aligned."""

    places: npt.NDArray[np.generic]
    partners: npt.NDArray[np.generic]
    products: npt.NDArray[np.generic]
    values: FloatArray


class _Errors:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.rows: list[RowError] = []

    def add(self, line: int, column: str | None, reason: str, code: str,
            **params: str) -> None:
        self.rows.append(RowError(line, column, reason, code=code, params=params))
        if len(self.rows) >= MAX_ERRORS:
            raise ImportRejected(self.filename, sorted(self.rows, key=lambda e: e.line))


def hs_edition_of(path: Path, given: str | None = None) -> str | None:
    """The HS edition of a file: ``given`` (e.g. ``HS17``), else BACI's name says it."""
    if given:
        return given.upper() if given.upper().startswith("HS") else f"HS{given}"
    found = BACI_NAME.search(path.name)
    return found.group(1).upper() if found else None


def _open(path: Path) -> IO[str]:
    if path.suffix.lower() == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def _converted(cells: Sequence[str], convert: Callable[[str], float | int], dtype: type,
               column: str, lines: npt.NDArray[np.int64], errors: _Errors,
               ) -> npt.NDArray[Any] | None:
    """A column of cells as numbers at once; on failure every bad cell named, and None."""
    try:
        return np.fromiter(map(convert, cells), dtype=dtype, count=len(cells))
    except ValueError:
        pass
    kind = "a whole number" if dtype is np.int64 else "a number"
    for line, cell in zip(lines.tolist(), cells, strict=True):
        try:
            convert(cell)
        except ValueError:
            errors.add(line, column, f"'{cell.strip()}' is not {kind}",
                       "trade_file.not_a_number", value=cell.strip())
    return None


def _integers(cells: Sequence[str], column: str, lines: npt.NDArray[np.int64],
              errors: _Errors) -> npt.NDArray[np.int64] | None:
    return _converted(cells, int, np.int64, column, lines, errors)


def _floats(cells: Sequence[str], column: str, lines: npt.NDArray[np.int64],
            errors: _Errors) -> FloatArray | None:
    return _converted(cells, float, np.float64, column, lines, errors)


def _strings(cells: Sequence[str]) -> npt.NDArray[np.str_]:
    return np.char.strip(np.asarray(cells, dtype=str))


def _values(cells: Sequence[str], column: str, lines: npt.NDArray[np.int64],
            errors: _Errors) -> FloatArray | None:
    values = _floats(cells, column, lines, errors)
    if values is None:
        return None
    bad = ~np.isfinite(values) | (values < 0)
    for k in np.flatnonzero(bad).tolist():
        errors.add(int(lines[k]), column, f"'{cells[k].strip()}' is not a value of 0 or more",
                   "trade_file.bad_value", value=cells[k].strip())
    return None if bad.any() else values


def _empty(name: str, cells: npt.NDArray[np.str_],
           lines: npt.NDArray[np.int64], errors: _Errors) -> bool:
    missing = np.flatnonzero(np.char.str_len(cells) == 0)
    for k in missing.tolist():
        errors.add(int(lines[k]), name, f"{name} is empty", "trade_file.empty")
    return bool(missing.size)


class _Reader:
    """Turns chunks of one source's rows into kept rows, counting what it leaves out."""

    def __init__(self, source: Source, columns: dict[str, int], width: int, year: int,
                 errors: _Errors, result: TradeYear) -> None:
        self.source, self.columns, self.width, self.year = source, columns, width, year
        used = [name.lower() for name in (*_REQUIRED[source], *_OPTIONAL[source])
                if name.lower() in columns]
        self.used = [columns[name] for name in used]
        """The file's columns this source reads, in the order a chunk's columns come."""
        self.position = {name: k for k, name in enumerate(used)}
        self.errors, self.result = errors, result
        self.years: set[int] = set()
        self.classifications: set[str] = set()
        """Comtrade's ``classificationCode`` values seen (H0 ... H6)."""
        self.currency_line: int | None = None

    def cells(self, cols: list[tuple[str, ...]], name: str) -> tuple[str, ...]:
        return cols[self.position[name]]

    def keep(self, mask: npt.NDArray[np.bool_], reason: str) -> npt.NDArray[np.bool_]:
        """Count the rows ``mask`` leaves out under ``reason``; return ``mask``."""
        self.result.skipped[reason] += int((~mask).sum())
        return mask

    def chunk(self, cols: list[tuple[str, ...]], lines: npt.NDArray[np.int64]) -> _Chunk | None:
        if self.source is Source.BACI:
            return self._baci(cols, lines)
        if self.source is Source.COMTRADE:
            return self._comtrade(cols, lines)
        return self._tradebase(cols, lines)

    def _year(self, cols: list[tuple[str, ...]], name: str,
              lines: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_] | None:
        years = _integers(self.cells(cols, name), name, lines, self.errors)
        if years is None:
            return None
        self.years.update(np.unique(years).tolist())
        return self.keep(years == self.year, "other_year")

    def _baci(self, cols: list[tuple[str, ...]], lines: npt.NDArray[np.int64]) -> _Chunk | None:
        in_year = self._year(cols, "t", lines)
        numbers = [_integers(self.cells(cols, c), c, lines, self.errors)
                   for c in ("i", "j", "k")]
        values = _values(self.cells(cols, "v"), "v", lines, self.errors)
        exporter, importer, product = numbers
        if in_year is None or exporter is None or importer is None or product is None:
            return None
        bad = (product < 0) | (product > 999_999)
        for k in np.flatnonzero(bad).tolist():
            self.errors.add(int(lines[k]), "k", f"'{self.cells(cols, 'k')[k].strip()}' is not "
                            "an HS six-digit code", "trade_file.bad_hs")
        if values is None or bad.any():
            return None
        keep = in_year
        # Kept as numbers here, written with their six digits once per product at the end.
        return _Chunk(exporter[keep], importer[keep], product[keep], values[keep])

    def baci_fast(self, raw: list[str], delimiter: str) -> _Chunk | None:
        """A chunk of BACI lines parsed by numpy at once, or None to read it cell by cell
        (a cell numpy cannot read, a blank line, a value out of range)."""
        wanted = [self.columns[name] for name in ("t", "i", "j", "k")]
        # Every line with the header's number of fields (one count over the chunk; numpy
        # itself refuses a line too short for the columns it reads).
        if "".join(raw).count(delimiter) != (self.width - 1) * len(raw):
            return None
        try:
            codes = np.loadtxt(raw, delimiter=delimiter, usecols=wanted, dtype=np.int64,
                               ndmin=2)
            values = np.loadtxt(raw, delimiter=delimiter, usecols=(self.columns["v"],),
                                dtype=np.float64, ndmin=1)
        except ValueError:
            return None
        if len(codes) != len(raw) or len(values) != len(raw):
            return None
        product = codes[:, 3]
        if (~np.isfinite(values) | (values < 0) | (product < 0) | (product > 999_999)).any():
            return None
        self.years.update(np.unique(codes[:, 0]).tolist())
        keep = self.keep(codes[:, 0] == self.year, "other_year")
        return _Chunk(codes[keep, 1], codes[keep, 2], product[keep], values[keep])

    def _comtrade(self, cols: list[tuple[str, ...]],
                  lines: npt.NDArray[np.int64]) -> _Chunk | None:
        in_year = self._year(cols, "refyear", lines)
        if "classificationcode" in self.columns:
            self.classifications.update(
                np.unique(_strings(self.cells(cols, "classificationcode"))).tolist())
        reporter = _integers(self.cells(cols, "reportercode"), "reporterCode", lines,
                             self.errors)
        partner = _integers(self.cells(cols, "partnercode"), "partnerCode", lines,
                            self.errors)
        values = _values(self.cells(cols, "primaryvalue"), "primaryValue", lines, self.errors)
        flow = np.char.upper(_strings(self.cells(cols, "flowcode")))
        code = np.char.upper(_strings(self.cells(cols, "cmdcode")))
        digits = np.char.isdigit(code)
        # A spreadsheet drops a code's leading zero: HS codes have an even number of digits.
        odd = digits & (np.char.str_len(code) % 2 == 1)
        code = np.where(odd, np.char.add("0", code), code)
        length = np.char.str_len(code)
        bad = ~((code == "TOTAL") | (digits & np.isin(length, (2, 4, 6))))
        for k in np.flatnonzero(bad).tolist():
            written = self.cells(cols, "cmdcode")[k].strip()
            self.errors.add(int(lines[k]), "cmdCode", f"'{written}' is not an HS code or TOTAL",
                            "trade_file.bad_hs", value=written)
        if in_year is None or reporter is None or partner is None or values is None or bad.any():
            return None
        keep = in_year.copy()
        for name, total in (("partner2code", "0"), ("motcode", "0"), ("customscode", "C00")):
            if name in self.columns:
                cells = np.char.upper(_strings(self.cells(cols, name)))
                keep &= self.keep(~keep | (cells == total) | (cells == ""), "breakdown")
        aggregate_partner = np.isin(partner, AGGREGATE_PARTNERS)
        aggregate_reporter = np.isin(reporter, AGGREGATE_REPORTERS)
        re_export = keep & (flow == "RX")
        self.result.skipped["re_export"] += int(re_export.sum())
        re_export &= ~aggregate_partner & ~aggregate_reporter & (length == 6)
        self.result.re_exports += float(values[re_export].sum())
        keep &= self.keep(~keep | (flow == "X") | (flow == "RX"), "other_flow") & (flow == "X")
        keep &= self.keep(~keep | ~aggregate_reporter, "aggregate_reporter")
        keep &= self.keep(~keep | ~aggregate_partner, "aggregate_partner")
        keep &= self.keep(~keep | (length == 6), "aggregate_code")
        return _Chunk(reporter[keep], partner[keep], code[keep], values[keep])

    def _tradebase(self, cols: list[tuple[str, ...]],
                   lines: npt.NDArray[np.int64]) -> _Chunk | None:
        in_year = self._year(cols, "year", lines)
        values = _values(self.cells(cols, "value"), "value", lines, self.errors)
        names = ("reporter", "partner", "hs", "flow", "currency")
        text = {name: _strings(self.cells(cols, name)) for name in names}
        flow = np.char.replace(np.char.replace(np.char.lower(text["flow"]), "-", "_"), " ", "_")
        # Every blank column is named, so no short-circuit.
        blank = sum(_empty(name, text[name], lines, self.errors) for name in names) > 0
        unknown = (np.char.str_len(flow) > 0) & ~np.isin(flow, TRADEBASE_FLOWS)
        for k in np.flatnonzero(unknown).tolist():
            self.errors.add(int(lines[k]), "flow", f"'{text['flow'][k]}' is not one of "
                            f"{', '.join(TRADEBASE_FLOWS)}", "trade_file.bad_flow",
                            value=str(text["flow"][k]))
        if in_year is None or values is None or blank or unknown.any():
            return None
        re_export = in_year & (flow == "re_export")
        self.result.skipped["re_export"] += int(re_export.sum())
        keep = in_year & self.keep(~in_year | (flow == "export") | re_export,
                                   "other_flow") & ~re_export
        currency = np.char.upper(text["currency"])
        if keep.any():
            first = int(np.flatnonzero(keep)[0])
            if self.currency_line is None:
                self.result.currency = str(currency[first])
                self.currency_line = int(lines[first])
            other = keep & (currency != self.result.currency)
            for k in np.flatnonzero(other).tolist():
                self.errors.add(
                    int(lines[k]), "currency",
                    f"{currency[k]} here but {self.result.currency} on line "
                    f"{self.currency_line}: give the year's exports in one currency",
                    "trade_file.mixed_currency", currency=str(currency[k]),
                    expected=self.result.currency, first_line=str(self.currency_line))
            if other.any():
                return None
        return _Chunk(text["reporter"][keep], text["partner"][keep], text["hs"][keep],
                      values[keep])


def _chunks(handle: IO[str], delimiter: str, width: int, reader: _Reader,
            errors: _Errors) -> Iterator[tuple[_Chunk | None, int]]:
    """Each chunk of lines' kept rows (None when it had errors) and its count of rows.

    A file is read one row per line. A BACI chunk is first parsed by numpy's C reader;
    only a chunk that fails there goes through ``csv`` cell by cell to name its errors.
    """
    line = 2
    while True:
        raw = list(islice(handle, CHUNK_ROWS))
        if not raw:
            return
        first, line = line, line + len(raw)
        if reader.source is Source.BACI:
            fast = reader.baci_fast(raw, delimiter)
            if fast is not None:
                yield fast, len(raw)
                continue
        rows = list(csv.reader(raw, delimiter=delimiter))
        lines = np.arange(first, first + len(rows), dtype=np.int64)
        count = len(rows)
        if any(len(row) != width for row in rows):
            keep = []
            for k, row in enumerate(rows):
                if len(row) == width:
                    keep.append(k)
                elif row and any(cell.strip() for cell in row):
                    errors.add(int(lines[k]), None, f"{len(row)} fields where the header has "
                               f"{width}", "trade_file.fields", found=str(len(row)),
                               expected=str(width))
                else:
                    count -= 1
            rows = [rows[k] for k in keep]
            lines = lines[keep]
        if rows:
            # Only the columns the source reads: a Comtrade file has some twenty more.
            used = list(zip(*map(itemgetter(*reader.used), rows), strict=True))
            yield reader.chunk(used, lines), count


def _encode(codes: npt.NDArray[np.generic], index: dict[Code, int]) -> npt.NDArray[np.int64]:
    """Each code's number in ``index`` (new codes appended), for a whole array at once."""
    unique, inverse = np.unique(codes, return_inverse=True)
    ids = np.array([index.setdefault(code, len(index)) for code in unique.tolist()],
                   dtype=np.int64)
    result: npt.NDArray[np.int64] = ids[inverse] if len(ids) else inverse.astype(np.int64)
    return result


def _sum_pairs(rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64],
               values: FloatArray) -> tuple[npt.NDArray[np.int64], FloatArray]:
    keys = (rows << 32) | cols
    unique, inverse = np.unique(keys, return_inverse=True)
    sums = np.bincount(inverse, weights=values, minlength=len(unique)).astype(np.float64)
    return unique.astype(np.int64), sums


def _matrix(pairs: list[tuple[npt.NDArray[np.int64], FloatArray]], shape: tuple[int, int],
            ) -> FloatArray:
    keys = np.concatenate([k for k, _ in pairs]) if pairs else np.zeros(0, np.int64)
    sums = np.concatenate([v for _, v in pairs]) if pairs else np.zeros(0)
    flat = (keys >> 32) * shape[1] + (keys & 0xFFFFFFFF)
    total = np.bincount(flat, weights=sums, minlength=shape[0] * shape[1]).astype(np.float64)
    return total.reshape(shape)


def _sorted(index: dict[Code, int]) -> tuple[list[Code], npt.NDArray[np.int64]]:
    codes = sorted(index, key=lambda c: (isinstance(c, str), c))
    return codes, np.array([index[c] for c in codes], dtype=np.int64)


def read_trade_file(path: Path, source: Source | str, year: int, *,
                    hs_edition: str | None = None) -> TradeYear:
    """Read ``year``'s exports of a trade file into arrays; refuse a bad file whole."""
    source = Source(source)
    errors = _Errors(path.name)
    result = TradeYear(source=source, year=year, places=[], products=[], partners=[],
                       exports=np.zeros((0, 0)), by_partner=np.zeros((0, 0)),
                       currency=_UNITS.get(source, ""),
                       hs_edition=hs_edition_of(path, hs_edition))
    indexes: tuple[dict[Code, int], dict[Code, int], dict[Code, int]] = ({}, {}, {})
    products_of: list[tuple[npt.NDArray[np.int64], FloatArray]] = []
    partners_of: list[tuple[npt.NDArray[np.int64], FloatArray]] = []
    try:
        handle = _open(path)
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror})", field="file",
                           code="trade_file.unreadable", params={"file": str(path)}) from None
    with handle:
        try:
            header_line = handle.readline()
        except (UnicodeDecodeError, OSError, EOFError):
            raise ImportRejected(path.name, [RowError(1, None, "not a UTF-8 text file",
                                                      code="trade_file.not_text")]) from None
        delimiter = "\t" if header_line.count("\t") > header_line.count(",") else ","
        header = [name.strip().lower() for name in next(csv.reader([header_line],
                                                                   delimiter=delimiter), [])]
        columns = {name: k for k, name in enumerate(header) if name}
        missing = [name for name in _REQUIRED[source] if name.lower() not in columns]
        if missing:
            raise ImportRejected(path.name, [
                RowError(1, name, f"the header has no column '{name}' (a {source} file has "
                         f"{', '.join(_REQUIRED[source])})", code="trade_file.missing_column",
                         params={"column": name}) for name in missing])
        reader = _Reader(source, columns, len(header), year, errors, result)
        # Millions of short-lived row lists: the cycle collector would scan them over and
        # over (a third of the time) and they hold no cycles.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for kept, count in _chunks(handle, delimiter, len(header), reader, errors):
                result.rows_read += count
                if kept is None or errors.rows:
                    continue
                result.skipped["zero_value"] += int((kept.values == 0).sum())
                result.rows_used += int((kept.values > 0).sum())
                place = _encode(kept.places, indexes[0])
                products_of.append(_sum_pairs(place, _encode(kept.products, indexes[1]),
                                              kept.values))
                partners_of.append(_sum_pairs(place, _encode(kept.partners, indexes[2]),
                                              kept.values))
        except (UnicodeDecodeError, csv.Error, EOFError, OSError) as exc:
            errors.rows.append(RowError(result.rows_read + 2, None, f"cannot be read: {exc}",
                                        code="trade_file.unreadable"))
        finally:
            if collecting:
                gc.enable()
    if errors.rows:
        raise ImportRejected(path.name, sorted(errors.rows, key=lambda e: e.line),
                             rows_read=result.rows_read)
    if not indexes[0]:
        found = ", ".join(str(y) for y in sorted(reader.years)) or "none"
        raise InvalidInput(f"{path.name}: no exports for {year} (years in the file: {found})",
                           field="year", code="trade_file.no_exports",
                           params={"year": year, "found": found})
    if result.hs_edition is None and reader.classifications:
        result.hs_edition = ", ".join(COMTRADE_EDITIONS.get(code.upper(), code)
                                      for code in sorted(reader.classifications) if code)
    return _arrays(result, indexes, products_of, partners_of)


def _arrays(result: TradeYear, indexes: tuple[dict[Code, int], dict[Code, int], dict[Code, int]],
            products_of: list[tuple[npt.NDArray[np.int64], FloatArray]],
            partners_of: list[tuple[npt.NDArray[np.int64], FloatArray]]) -> TradeYear:
    """The summed matrices, rows and columns in code order, without all-zero ones."""
    places, place_order = _sorted(indexes[0])
    products, product_order = _sorted(indexes[1])
    partners, partner_order = _sorted(indexes[2])
    exports = _matrix(products_of, (len(indexes[0]), len(indexes[1])))
    exports = exports[place_order][:, product_order]
    by_partner = _matrix(partners_of, (len(indexes[0]), len(indexes[2])))
    by_partner = by_partner[place_order][:, partner_order]
    live_places = exports.sum(axis=1) > 0
    live_products = exports.sum(axis=0) > 0
    live_partners = by_partner[live_places].sum(axis=0) > 0
    result.places = [c for c, live in zip(places, live_places, strict=True) if live]
    result.products = [f"{c:06d}" if isinstance(c, int) else c
                       for c, live in zip(products, live_products, strict=True) if live]
    result.partners = [c for c, live in zip(partners, live_partners, strict=True) if live]
    result.exports = exports[live_places][:, live_products]
    result.by_partner = by_partner[live_places][:, live_partners]
    return result
