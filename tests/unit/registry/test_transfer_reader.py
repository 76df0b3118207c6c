"""The shared tabular reader and writer of imports and exports: no database involved."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tradebase.errors import ImportRejected, InvalidInput, RowError
from tradebase.registry.transfer import (
    FileFormat,
    decode_text,
    file_format,
    format_number,
    is_chinese,
    parse_csv,
    read_table,
    write_table,
)

TEXT = "SKU , Title ,title_ZH\nA-1,Rattan chair,藤椅\nA-2,\"Iron lamp, tall\",铁艺灯\n"


def _cells(path: Path) -> list[dict[str, str]]:
    return [row.cells for row in read_table(path).rows]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_reads_csv_in_each_supported_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "products.csv"
    path.write_bytes(TEXT.encode(encoding))
    table = read_table(path)
    assert table.columns == ("sku", "title", "title_zh")  # stripped and lower-cased
    assert [(row.line, row.cells) for row in table.rows] == [
        (2, {"sku": "A-1", "title": "Rattan chair", "title_zh": "藤椅"}),
        (3, {"sku": "A-2", "title": "Iron lamp, tall", "title_zh": "铁艺灯"}),
    ]


def test_a_file_in_no_supported_encoding_is_rejected_at_the_line_of_the_bad_byte() -> None:
    data = b"sku,title\nA-1,chair\n" + b"A-2,\xff\xfe\n"
    with pytest.raises(ImportRejected) as caught:
        decode_text(data, "latin.csv")
    assert [(e.line, e.column) for e in caught.value.errors] == [(3, None)]
    assert "UTF-8 or GB18030" in caught.value.errors[0].reason


@pytest.mark.parametrize("text", ["", "\n\n", " , ,\n"])
def test_an_empty_file_is_rejected(text: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        parse_csv(text, "empty.csv")
    assert caught.value.errors == [
        RowError(1, None, "the file is empty; its first line must name the columns")
    ]


def test_a_header_only_file_has_no_rows() -> None:
    table = parse_csv("sku,title\n", "header.csv")
    assert table.columns == ("sku", "title")
    assert table.rows == []


def test_line_numbers_count_blank_lines_and_multi_line_cells() -> None:
    text = 'sku,description\nA-1,"two\nlines"\n\nA-2,plain\n'
    table = parse_csv(text, "f.csv")
    assert [(row.line, row.cells["description"]) for row in table.rows] == [
        (2, "two\nlines"), (5, "plain"),
    ]


def test_header_problems_are_reported_on_line_one() -> None:
    with pytest.raises(ImportRejected) as caught:
        parse_csv("sku,title,SKU\nA-1,x,y\n", "f.csv")
    assert caught.value.errors == [RowError(1, "sku", "the column appears twice")]


def test_cells_beyond_the_header_or_under_a_nameless_column_are_errors() -> None:
    text = "sku,,title\nA-1,,ok\nA-2,oops,ok\nA-3,,ok,extra\nA-4,,ok,,\n"
    with pytest.raises(ImportRejected) as caught:
        parse_csv(text, "f.csv")
    assert [(e.line, e.column) for e in caught.value.errors] == [(3, None), (4, None)]
    assert "no name" in caught.value.errors[0].reason
    assert "more cells" in caught.value.errors[1].reason


def test_semicolon_separated_csv_from_a_european_excel_is_read() -> None:
    table = parse_csv("sku;title;certifications\nA-1;chair;FSC\n", "f.csv")
    assert table.rows[0].cells == {"sku": "A-1", "title": "chair", "certifications": "FSC"}


def test_csv_is_written_as_utf8_with_a_bom_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    rows: list[list[str | int | float | None]] = [
        ["A-1", "藤椅, \"woven\"\nsecond line", 500, 2.0e10, None],
    ]
    assert write_table(path, ["sku", "title", "moq", "value", "note"], rows) == 1
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert _cells(path) == [{
        "sku": "A-1", "title": "藤椅, \"woven\"\nsecond line", "moq": "500",
        "value": "20000000000", "note": "",
    }]


def test_xlsx_round_trip_keeps_text_as_text(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    rows: list[list[str | int | float | None]] = [["00123", "=SUM(A1)", 7, 0.1, None]]
    write_table(path, ["sku", "title", "moq", "value", "note"], rows, sheet="products")
    assert _cells(path) == [
        {"sku": "00123", "title": "=SUM(A1)", "moq": "7", "value": "0.1", "note": ""}
    ]


def test_xlsx_reads_the_first_sheet_with_sheet_row_numbers(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A2"], sheet["B2"] = " SKU", "MOQ"
    sheet["A3"], sheet["B3"] = "A-1", 500
    sheet["A5"], sheet["B5"] = "A-2", 12.5
    workbook.create_sheet("ignored")["A1"] = "other"
    path = tmp_path / "in.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.columns == ("sku", "moq")
    assert [(row.line, row.cells) for row in table.rows] == [
        (3, {"sku": "A-1", "moq": "500"}), (5, {"sku": "A-2", "moq": "12.5"}),
    ]


def test_a_file_that_is_not_a_workbook_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("sku,title\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        read_table(path)
    assert [(e.line, e.column) for e in caught.value.errors] == [(1, None)]
    assert "not an XLSX workbook" in caught.value.errors[0].reason


def test_format_comes_from_the_extension_unless_overridden() -> None:
    assert file_format(Path("a.CSV")) is FileFormat.CSV
    assert file_format(Path("a.xlsx")) is FileFormat.XLSX
    assert file_format(Path("a.txt"), "csv") is FileFormat.CSV
    with pytest.raises(InvalidInput):
        file_format(Path("a.txt"))
    with pytest.raises(InvalidInput):
        file_format(Path("a.csv"), "ods")


@pytest.mark.parametrize(
    ("value", "text"),
    [(2.0e10, "20000000000"), (0.1, "0.1"), (-3.0, "-3"), (1e20, "1e+20"), (2.5, "2.5")],
)
def test_numbers_are_written_short_and_read_back_exactly(value: float, text: str) -> None:
    assert format_number(value) == text
    assert float(text) == value


def test_chinese_names_are_told_from_latin_ones() -> None:
    assert is_chinese("晋江示例鞋业")
    assert is_chinese("Anxi 藤艺 Co.")
    assert not is_chinese("Fixture Rattan Works")
    assert not is_chinese("Société Générale")
