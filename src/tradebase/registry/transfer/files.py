"""Reading and writing import and export files: CSV and XLSX as tables of text cells.

One reader turns any supported file into rows of text cells keyed by normalised column names,
with the line each row starts on. Every read is bounded by ``Limits`` (rows, cells, columns,
the bytes a workbook unzips to, its shared strings, the time spent): a file beyond a limit is
refused as soon as the limit is passed, before it costs more memory or time. A byte limit is a
``TooLarge`` (413), a limit on the file's structure an ``InvalidInput`` (422); both name the
file's ``field`` and the setting that sets the limit. A file that cannot be read at all (not
text, a damaged workbook) is an ``ImportRejected`` saying why.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tradebase.csv_cells import neutralise_formula, read_back
from tradebase.errors import ImportRejected, InvalidInput, RowError, TooLarge, TradebaseError
from tradebase.settings import Settings

Cell = str | int | float | None
"""A value written to a file: text, a number or nothing."""

MB = 1024 * 1024


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


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


# --- limits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """How much one file may hold and cost to read. The defaults are those of ``Settings``;
    ``kind`` names the per-kind settings in messages."""

    max_rows: int = 200_000
    """Records of the file, the header and blank ones included."""
    max_cells: int = 5_000_000
    max_columns: int = 100
    max_bytes: int | None = None
    """The size of the file itself; None for files an operator imports at the command line."""
    max_unzipped_bytes: int = 256 * MB
    """Every part of a workbook together, counted while unzipping."""
    max_zip_members: int = 1000
    max_shared_strings: int = 2_000_000
    max_shared_string_chars: int = 64_000_000
    max_parse_seconds: float = 120.0
    kind: str = ""

    @classmethod
    def from_settings(cls, settings: Settings, kind: str, *, uploaded: bool) -> Limits:
        """The limits of a file of ``kind``; an uploaded one is also bounded in bytes."""
        return cls(
            max_rows=int(getattr(settings, f"import_max_rows_{kind}")),
            max_cells=int(getattr(settings, f"import_max_cells_{kind}")),
            max_columns=settings.import_max_columns,
            max_bytes=settings.upload_max_bytes if uploaded else None,
            max_unzipped_bytes=settings.import_max_unzipped_bytes,
            max_zip_members=settings.import_max_zip_members,
            max_shared_strings=settings.import_max_shared_strings,
            max_shared_string_chars=settings.import_max_shared_string_chars,
            max_parse_seconds=settings.import_max_parse_seconds,
            kind=kind,
        )

    def setting(self, name: str, *, per_kind: bool = False) -> str:
        """The environment variable that sets limit ``name``."""
        suffix = f"_{self.kind.upper()}" if per_kind and self.kind else ""
        return f"TRADEBASE_{name.upper()}{suffix}"


def _too_large(filename: str, what: str, limit: int, setting: str) -> TooLarge:
    return TooLarge(f"{filename}: {what} is larger than the limit of {_size(limit)} "
                    f"({setting}={limit})", field="file")


def _too_big(filename: str, what: str, limit: float, setting: str) -> InvalidInput:
    return InvalidInput(f"{filename}: {what}; the limit is {limit:,} ({setting}={limit})",
                        field="file")


def _size(count: int) -> str:
    return f"{count / MB:g} MB" if count >= MB else f"{count:,} bytes"


class _Budget:
    """Counts what a read has cost so far and refuses the file when a limit is passed."""

    def __init__(self, filename: str, limits: Limits) -> None:
        self.filename = filename
        self.limits = limits
        self.rows = 0
        self.cells = 0
        self.deadline = time.monotonic() + limits.max_parse_seconds

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            limit = self.limits.max_parse_seconds
            raise InvalidInput(
                f"{self.filename}: reading the file took longer than the limit of {limit:g} s "
                f"({self.limits.setting('import_max_parse_seconds')}={limit:g})", field="file",
            )

    def record(self, line: int, width: int) -> None:
        limits = self.limits
        self.rows += 1
        self.cells += width
        if self.rows > limits.max_rows:
            raise _too_big(self.filename, f"the file has more than {limits.max_rows:,} rows",
                           limits.max_rows, limits.setting("import_max_rows", per_kind=True))
        if width > limits.max_columns:
            raise _too_big(self.filename, f"line {line} has {width:,} columns",
                           limits.max_columns, limits.setting("import_max_columns"))
        if self.cells > limits.max_cells:
            raise _too_big(self.filename, f"the file has more than {limits.max_cells:,} cells",
                           limits.max_cells, limits.setting("import_max_cells", per_kind=True))
        if self.rows % 256 == 0:
            self.check_time()


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


_BOM = b"\xef\xbb\xbf"


def decode_text(data: bytes, filename: str) -> str:
    """Decode a CSV file: UTF-8 (with or without a BOM), else GB18030, one encoding for the
    whole file. A file whose lines mix encodings is refused at the first line that is not in
    the encoding of the lines before it, rather than read as mojibake."""
    if data.startswith(_BOM):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _mixed(filename, _line_of(data, exc.start), "UTF-8 (the file starts with a "
                                                              "UTF-8 byte order mark)") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not data[: exc.start].isascii():  # the lines before are UTF-8, this one is not
            raise _mixed(filename, _line_of(data, exc.start), "UTF-8") from exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ImportRejected(filename, [RowError(
            _line_of(data, exc.start), None,
            "the file is not text in UTF-8 or GB18030 (this line holds the first byte that is "
            "neither); save it as CSV UTF-8",
        )]) from exc
    # Most UTF-8 text also decodes as GB18030, as nonsense: a GB18030 file must not hold a
    # line that is UTF-8 beyond two-byte sequences (Chinese text in UTF-8 is three bytes a
    # character; GB18030 text that happens to be valid UTF-8 is two-byte sequences).
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.isascii() and _is_wide_utf8(line):
            raise _mixed(filename, number, "GB18030")
    return text


def _is_wide_utf8(line: bytes) -> bool:
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(ord(char) >= 0x800 for char in decoded)


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def _mixed(filename: str, line: int, encoding: str) -> ImportRejected:
    return ImportRejected(filename, [RowError(
        line, None,
        f"this line is not in {encoding}, the encoding of the lines before it: the file mixes "
        "encodings; save it again as CSV UTF-8",
    )])


def _delimiter(first_line: str) -> str:
    # Excel in many European locales saves "CSV" with semicolons; accept it when the header
    # clearly uses one (no comma at all), so such a file is not rejected as one odd column.
    if "," in first_line:
        return ","
    if first_line.count(";") >= max(1, first_line.count("\t")):
        return ";"
    return "\t" if "\t" in first_line else ","


def parse_csv(text: str, filename: str, limits: Limits | None = None) -> Table:
    """The table held by CSV ``text`` (already decoded)."""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0])
    )

    def records() -> Iterator[tuple[int, list[str]]]:
        last = 0
        try:
            for record in reader:
                yield last + 1, [read_back(cell.strip()) for cell in record]
                last = reader.line_num
        except csv.Error as exc:
            raise ImportRejected(
                filename, [RowError(last + 1, None, f"not a valid CSV row: {exc}")]
            ) from exc

    return _table(filename, records(), _Budget(filename, limits or Limits()))


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


def read_xlsx(path: Path, limits: Limits | None = None) -> Table:
    """The table on the first sheet of the workbook at ``path``, read in streaming mode after
    the archive itself was checked (``check_workbook``)."""
    budget = _Budget(path.name, limits or Limits())
    check_workbook(path, budget)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises a dozen types on damaged files
        raise _damaged(path.name, exc) from exc
    try:
        if not workbook.worksheets:
            raise _unreadable(path.name, "it holds no worksheet")
        sheet = workbook.worksheets[0]
        _check_dimension(path.name, sheet, budget.limits)
        # Rows are not padded to a declared width: each comes as long as its last cell.
        sheet.reset_dimensions()
        records = (
            (number, [_xlsx_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        return _table(path.name, records, budget)
    except TradebaseError:
        raise
    except Exception as exc:  # as above, for the sheet read row by row
        raise _damaged(path.name, exc) from exc
    finally:
        workbook.close()


def _check_dimension(filename: str, sheet: Any, limits: Limits) -> None:
    """Refuse a sheet that declares more rows or columns than a file may hold: openpyxl would
    pad every row to the declared width (``A1:XFD1048576`` is 17 billion cells)."""
    rows, columns = sheet.max_row, sheet.max_column
    if rows is not None and rows > limits.max_rows:
        raise _too_big(filename, f"the sheet declares {rows:,} rows", limits.max_rows,
                       limits.setting("import_max_rows", per_kind=True))
    if columns is not None and columns > limits.max_columns:
        raise _too_big(filename, f"the sheet declares {columns:,} columns", limits.max_columns,
                       limits.setting("import_max_columns"))


def _unreadable(filename: str, reason: str) -> ImportRejected:
    return ImportRejected(filename, [RowError(1, None, f"not an XLSX workbook: {reason}")])


def _damaged(filename: str, exc: Exception) -> ImportRejected:
    if isinstance(exc, ElementTree.ParseError | expat.ExpatError):
        reason = f"a part of it is not well-formed XML ({exc})"
    elif isinstance(exc, KeyError):
        reason = f"a part it refers to is missing ({exc})"
    elif isinstance(exc, IndexError):
        reason = "a cell refers to a shared string or style that does not exist"
    elif isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        reason = f"the zip archive is damaged ({exc})"
    else:
        reason = f"it is damaged ({exc.__class__.__name__}: {exc})"
    return _unreadable(filename, reason)


# --- the archive of a workbook --------------------------------------------------------------

_CONTENT_TYPES = "[Content_Types].xml"
_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_CHUNK = 64 * 1024


def check_workbook(path: Path, budget: _Budget) -> None:
    """Unzip every part of the workbook at ``path`` once, counting the bytes as they come (the
    sizes the archive declares are checked first but not trusted), and count its shared
    strings as they stream by; refuse it at the first limit passed."""
    limits, name = budget.limits, path.name
    if limits.max_bytes is not None and path.stat().st_size > limits.max_bytes:
        raise _too_large(name, "the file", limits.max_bytes, limits.setting("upload_max_bytes"))
    unzipped = limits.setting("import_max_unzipped_bytes")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > limits.max_zip_members:
                raise _too_big(name, f"the archive holds {len(members):,} parts",
                               limits.max_zip_members,
                               limits.setting("import_max_zip_members"))
            if sum(member.file_size for member in members) > limits.max_unzipped_bytes:
                raise _too_large(name, "the workbook unzipped (as its archive declares)",
                                 limits.max_unzipped_bytes, unzipped)
            shared = _shared_string_parts(name, archive)
            total = 0
            for member in members:
                counter = (_SharedStrings(name, limits) if member.filename in shared
                           else None)
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > limits.max_unzipped_bytes:
                            raise _too_large(name, "the workbook unzipped",
                                             limits.max_unzipped_bytes, unzipped)
                        if counter is not None:
                            counter.feed(chunk)
                        budget.check_time()
                if counter is not None:
                    counter.close()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise _unreadable(name, f"it is not a valid zip archive ({exc})") from exc
    except (NotImplementedError, RuntimeError) as exc:  # an unknown compression, encryption
        raise _unreadable(name, f"its archive cannot be read ({exc})") from exc
    except expat.ExpatError as exc:
        raise _unreadable(name, f"its shared strings are not well-formed XML ({exc})") from exc


def _shared_string_parts(filename: str, archive: zipfile.ZipFile) -> set[str]:
    """The archive names of the shared-string parts, as ``[Content_Types].xml`` declares."""
    try:
        info = archive.getinfo(_CONTENT_TYPES)
    except KeyError:
        raise _unreadable(filename, f"{_CONTENT_TYPES} is missing") from None
    if info.file_size > MB:
        raise _unreadable(filename, f"{_CONTENT_TYPES} is larger than 1 MB")
    data = archive.read(info)[: MB + 1]
    if b"<!DOCTYPE" in data.upper():
        raise _unreadable(filename, f"{_CONTENT_TYPES} declares a DOCTYPE")
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - no DOCTYPE (above): no entities
    except ElementTree.ParseError as exc:
        raise _unreadable(filename, f"{_CONTENT_TYPES} is not well-formed XML ({exc})") from exc
    parts = {"xl/sharedStrings.xml"}
    for element in root:
        if element.get("ContentType") == _SHARED_STRINGS and element.get("PartName"):
            parts.add(str(element.get("PartName")).lstrip("/"))
    return parts


class _SharedStrings:
    """Counts the shared strings of a workbook and their characters while the part streams
    by, without ever holding a string (one huge string is the classic memory bomb)."""

    def __init__(self, filename: str, limits: Limits) -> None:
        self.filename, self.limits = filename, limits
        self.count = 0
        self.chars = 0
        self.in_text = 0
        parser = expat.ParserCreate()
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.StartDoctypeDeclHandler = self._doctype
        self.parser = parser

    def feed(self, chunk: bytes) -> None:
        self.parser.Parse(chunk, False)

    def close(self) -> None:
        self.parser.Parse(b"", True)

    def _start(self, name: str, _attributes: dict[str, str]) -> None:
        local = name.rsplit(":", 1)[-1]
        if local == "si":
            self.count += 1
            if self.count > self.limits.max_shared_strings:
                limit = self.limits.max_shared_strings
                raise _too_big(self.filename, f"the workbook holds more than {limit:,} shared "
                                              "strings", limit,
                               self.limits.setting("import_max_shared_strings"))
        elif local == "t":
            self.in_text += 1

    def _end(self, name: str) -> None:
        if name.rsplit(":", 1)[-1] == "t":
            self.in_text -= 1

    def _text(self, data: str) -> None:
        if self.in_text:
            self.chars += len(data)
            if self.chars > self.limits.max_shared_string_chars:
                limit = self.limits.max_shared_string_chars
                raise TooLarge(
                    f"{self.filename}: the shared strings of the workbook are longer than the "
                    f"limit of {limit:,} characters "
                    f"({self.limits.setting('import_max_shared_string_chars')}={limit})",
                    field="file",
                )

    def _doctype(self, *_args: object) -> None:
        raise _unreadable(self.filename, "its shared strings declare a DOCTYPE")


def read_table(path: Path, fmt: FileFormat | str | None = None,
               limits: Limits | None = None) -> Table:
    """Read a CSV or XLSX file into a ``Table``; raise ``ImportRejected`` if it is unreadable,
    ``TooLarge`` or ``InvalidInput`` if it passes a limit."""
    limits = limits or Limits()
    if file_format(path, fmt) is FileFormat.XLSX:
        return read_xlsx(path, limits)
    if limits.max_bytes is not None and path.stat().st_size > limits.max_bytes:
        raise _too_large(path.name, "the file", limits.max_bytes,
                         limits.setting("upload_max_bytes"))
    return parse_csv(decode_text(path.read_bytes(), path.name), path.name, limits)


def _table(filename: str, records: Iterable[tuple[int, list[str]]], budget: _Budget) -> Table:
    """Header and rows from raw records: the first non-blank record names the columns; blank
    records are skipped; cells are stripped."""
    columns: list[str] | None = None
    rows: list[Row] = []
    errors: list[RowError] = []
    for line, raw in records:
        budget.record(line, len(raw))
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
    budget.check_time()
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
    if isinstance(value, str):
        return neutralise_formula(value)
    return str(value)  # a number, negative ones included, stays a number


def write_table(
    path: Path, columns: Sequence[str], rows: Iterable[Sequence[Cell]],
    fmt: FileFormat | str | None = None, *, sheet: str = "data",
) -> int:
    """Write a header and rows to ``path`` as CSV (UTF-8 with a BOM, so that Excel opens it
    as UTF-8; text a spreadsheet would evaluate is neutralised) or XLSX (numbers as numbers,
    text as text). Returns the number of rows."""
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

